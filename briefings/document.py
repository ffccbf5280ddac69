"""The one intermediate every writer reads: page furniture plus the body as an HTML tree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

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


@dataclass(frozen=True)
class Document:
    """``body`` is ``<article>`` with one ``<section data-section=NAME data-template=FILE>``
    per section, made by Python-Markdown. Writers visit it; they never read facts, profiles
    or templates."""
    meta: Meta
    body: html.HtmlElement
    facts_used: tuple[str, ...]
    # The folder of the figures' cached drawings: ``<figure class="figure">`` elements hold
    # ``<img src="file://…/<hash>.svg" data-png="file://…/<hash>.png">`` under it. Writers
    # read figure files from this folder only.
    figures_dir: Path | None = None

    def figure_file(self, url: str) -> Path:
        """The cached figure file a ``file:`` URL of the tree names, only if it lies in
        ``figures_dir``: writers read no other file a tree points at."""
        parsed = urlparse(url)
        path = Path(unquote(parsed.path)).resolve()
        if parsed.scheme != "file" or self.figures_dir is None \
                or not path.is_relative_to(self.figures_dir.resolve()):
            raise BriefingError(f"refused to load {url}: a figure must come from the "
                                "figure cache")
        if not path.is_file():
            raise BriefingError(f"figure file missing: {path} (build again)")
        return path
