"""``briefings add-source FILE | --url URL``: a document the analyst saved (PDF, web page or
text) or an address becomes one of the project's sources: its text in facts/sources/, its
entry in facts/sources.yaml with what the document gives, printed for the analyst to
complete."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

from briefings.addsource.download import NotDownloaded, download
from briefings.addsource.extract import KINDS, MEDIA, NotExtracted, extract
from briefings.addsource.register import choose_id, entry, save
from briefings.errors import BriefingError, shown
from briefings.project import Project


def _read(file: Path) -> bytes:
    """The analyst's own file, named on the command line: a plain file only."""
    try:
        if not stat.S_ISREG(os.stat(file).st_mode):
            raise BriefingError("this is not a file: name the PDF, web page or text you "
                                "saved", file)
        return file.read_bytes()
    except FileNotFoundError:
        raise BriefingError("there is no such file: check its name and folder", file) from None
    except OSError as exc:
        raise BriefingError(f"cannot be read ({exc.strerror})", file) from None


def _kind(name: str, media: str | None = None) -> str:
    kind = MEDIA.get(media or "") or KINDS.get(Path(name).suffix.lower())
    if kind is None:
        what = f"a {media} document" if media else f"a '{Path(name).suffix or 'nameless'}' file"
        raise BriefingError(f"{what} cannot be added: save the source as a PDF, a web page "
                            "(.html) or a text file (.txt)", name)
    return kind


def add_source(project: Project, today: dt.date, file: Path | None = None,
               url: str | None = None, source_id: str | None = None,
               kind: str | None = None, lang: str | None = None) -> tuple[Path, str]:
    """The text saved and the source registered: the text's path and the entry's lines."""
    if lang is not None:
        project.settings.known(lang)
    if url is not None:
        try:
            data, media, address = download(url)
        except NotDownloaded as exc:
            raise BriefingError(f"{url}: {exc}") from None
        kind_of, origin = _kind(address, media), address
    else:
        data, kind_of, origin = _read(file), _kind(str(file)), shown(file)
    try:
        found = extract(data, kind_of)
    except NotExtracted as exc:
        raise BriefingError(f"{exc}", origin) from None
    if url is not None:
        found.url = found.url or address
    chosen = choose_id(project, source_id, found)
    lines = entry(chosen, found, Path(origin).name if url is None else origin, kind, lang,
                  list(project.settings.languages), today)
    return save(project, chosen, found.text, lines), lines
