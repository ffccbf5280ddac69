"""The one intermediate every writer reads: page furniture plus the body as an HTML tree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lxml import html


@dataclass(frozen=True)
class Meta:
    """Everything a writer needs besides the body, already in the document's language."""
    brief: str               # slug of the brief, e.g. "peru-mnna"
    audience: str            # slug of the audience, e.g. "cancilleria"
    audience_name: str
    lang: str
    title: str
    subtitle: str
    classification: str
    version: str
    created: dt.date         # the build date
    created_text: str
    as_of_text: str          # latest as_of among the facts used
    labels: dict[str, str]   # page furniture: "page_of" has {page} and {pages}

    @property
    def stem(self) -> str:
        return f"{self.brief}-{self.audience}-{self.lang}"


@dataclass(frozen=True)
class Document:
    """``body`` is ``<article>`` with one ``<section data-section=NAME data-template=FILE>``
    per section, made by Python-Markdown. Writers visit it; they never read facts, profiles
    or templates. ``traced_numbers`` holds every digit run that template expressions printed
    (fact values, computed dates): any other number in the body was typed into a template."""
    meta: Meta
    body: html.HtmlElement
    facts_used: tuple[str, ...]
    traced_numbers: frozenset[str] = frozenset()
