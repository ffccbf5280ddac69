"""The ``briefings diff`` command: what changed between the text a reader's recipients
received (from the record of sends) or a version named, and the current build; printed, and
written as a web page beside the build's files, and with ``--docx`` as the build's DOCX with
those changes tracked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefings import i18n, received, urls
from briefings.briefs import edition, load_brief
from briefings.buildfiles import read, write_atomic
from briefings.changes.compare import Changes, compare
from briefings.changes.page import page
from briefings.changes.terminal import show
from briefings.errors import BriefingError, shown
from briefings.outputs import file_sha256, output_path, read_manifest, text_path
from briefings.project import Project
from briefings.sends import deliveries
from briefings.writers.text import decode
from briefings.writers.tracked import track


@dataclass(frozen=True)
class Compared:
    changes: Changes
    page: Path
    docx: Path | None
    holders: list[str]       # who received the older text, when it is from the record


def _built_text(project: Project, brief: str, reader: str, lang: str) -> dict:
    path = text_path(project.build, brief, reader, lang)
    try:
        return decode(read(project.build, path), path)
    except FileNotFoundError:
        raise BriefingError(f"no text of the current build: run make brief BRIEF={brief} "
                            f"(or briefings build --brief {brief} --reader {reader} --force)",
                            path) from None


def _received(project: Project, brief: str, reader: str, lang: str, since: str | None
              ) -> tuple[dict, list[str]]:
    """The text received: the last one delivered to the reader's recipients in ``lang``,
    or the last of version ``since``; and to whom it went."""
    kept = [send for send in deliveries(project) if send.brief == brief
            and send.reader == reader and send.lang == lang and send.received]
    chosen = [send for send in kept if since is None or send.version == since]
    if not chosen:
        versions = ", ".join(dict.fromkeys(str(send.version) for send in kept)) or "none"
        wanted = f"version {since}" if since else "a version"
        raise BriefingError(f"no recipient of {brief} for {reader} in {lang} has received "
                            f"{wanted} whose text was kept (kept: {versions}); the text is "
                            "kept with each message sent")
    name = chosen[-1].received
    holders = list(dict.fromkeys(send.to for send in chosen if send.received == name))
    return received.load(project, name), holders


def _docx(project: Project, brief: str, reader: str, lang: str) -> bytes:
    """The build's DOCX, as the manifest lists it."""
    path = output_path(project.build, brief, reader, lang, "docx")
    entry = read_manifest(project.build).get(path.relative_to(project.build).as_posix())
    if entry is None or not path.is_file() or file_sha256(path) != entry["sha256"]:
        raise BriefingError(f"no DOCX of the current build: run make brief BRIEF={brief}",
                            path)
    return read(project.build, path)


def diff(project: Project, brief: str, reader: str, lang: str | None = None,
         since: str | None = None, docx: bool = False) -> Compared:
    """Compare, and write the page (and the tracked DOCX) under ``build/``."""
    chosen = edition(project, load_brief(project, brief), reader)
    lang = lang or chosen.languages[0]
    if lang not in chosen.languages:
        raise BriefingError(f"{reader} reads {brief} in {', '.join(chosen.languages)}, not "
                            f"'{lang}'")
    new = _built_text(project, brief, reader, lang)
    old, holders = _received(project, brief, reader, lang, since)
    changes = compare(old, new)
    stem = output_path(project.build, brief, reader, lang, "html")
    written = stem.with_name(f"{stem.stem}-changes.html")
    words = i18n.load_strings(project.theme / "i18n", lang)
    write_atomic(project.build, written, page(changes, words, urls.Resources(
        project.theme)).encode("utf-8"))
    tracked = None
    if docx:
        tracked = stem.with_name(f"{stem.stem}-changes.docx")
        write_atomic(project.build, tracked, track(_docx(project, brief, reader, lang),
                                                   old, new))
    return Compared(changes, written, tracked, holders)


def report(compared: Compared, colour: bool) -> str:
    lines = [show(compared.changes, colour)]
    if compared.holders:
        lines.append(f"\nreceived by: {', '.join(compared.holders)}")
    lines.append(f"page: {shown(compared.page)}")
    if compared.docx:
        lines.append(f"tracked changes: {shown(compared.docx)}")
    return "\n".join(lines)
