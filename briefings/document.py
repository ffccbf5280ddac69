"""The one intermediate every writer reads: page furniture plus the body as an HTML tree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html

from briefings import projectfiles
from briefings.errors import BriefingError


@dataclass(frozen=True)
class Meta:
    """Everything a writer needs besides the body, already in the document's language."""
    brief: str               # id of the brief: its folder's name
    reader: str              # name of the reader: its file's name
    reader_name: str
    lang: str
    language_tag: str        # BCP 47, from the project's locale ("es-PE"): what Word spell-checks in
    title: str
    subtitle: str
    keywords: str
    classification: str
    version: str
    created: dt.date         # the build date
    created_text: str
    as_of_text: str          # latest as_of among the facts used
    labels: dict[str, str]   # page furniture: "page_of" has {page} and {pages}
    # From a brief's second version on: the version it replaces, that version's day, and
    # the change note (what changed and why), which the cover shows after its details.
    replaces_version: str | None = None
    replaces_date_text: str | None = None
    changes: str | None = None

    @property
    def stem(self) -> str:
        return f"{self.brief}-{self.reader}-{self.lang}"


@dataclass(frozen=True)
class Theme:
    """The files a document is laid out with (layout.html.j2, brief.css, reference.docx,
    fonts/), each the first found along an edition's chain, so a brief or a reader can
    replace any of them. Relative URLs in the page are read against the last folder, the
    shared theme."""
    folders: tuple[Path, ...]

    def file(self, name: str) -> Path:
        return next((folder / name for folder in self.folders
                     if projectfiles.found(folder / name)),
                    self.folders[-1] / name)

    @property
    def base(self) -> Path:
        return self.folders[-1]


# The address of an asset in the tree: ``asset:<id>``, the id a key of ``Document.assets``.
ASSET = "asset:"


@dataclass(frozen=True)
class Asset:
    """An image the document carries in memory, in each form a writer may take it in: by
    media type, the function that gives its bytes (a form may be made only when asked for,
    as a figure's PNG is)."""
    forms: Mapping[str, Callable[[], bytes]]


@dataclass(frozen=True)
class Document:
    """``body`` is ``<article>`` with one ``<section data-section=NAME data-template=FILE>``
    per section, made by Python-Markdown. Writers visit it; they never read facts, profiles
    or templates, nor any file the tree names."""
    meta: Meta
    body: html.HtmlElement
    facts_used: tuple[str, ...]
    # The images the tree shows, by id: ``<figure class="figure">`` elements hold
    # ``<img src="asset:<id>">``. A writer takes each in the first form it can use.
    assets: Mapping[str, Asset] = field(default_factory=dict)

    def image(self, src: str, types: Sequence[str]) -> tuple[str, bytes]:
        """The media type and bytes of the asset ``src`` names, in the first of ``types``
        (the writer's, by preference) it comes in: writers show no other image."""
        asset = self.assets.get(src.removeprefix(ASSET)) if src.startswith(ASSET) else None
        if asset is None:
            raise BriefingError(f"refused to load {src}: a figure must be one the brief "
                                "draws")
        kind = next((kind for kind in types if kind in asset.forms), None)
        if kind is None:
            raise BriefingError(f"{src} comes in {', '.join(asset.forms)}, none of which "
                                f"this format shows ({', '.join(types)})")
        return kind, asset.forms[kind]()
