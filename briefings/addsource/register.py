"""A source's text saved in the project's own folder (facts/sources/<id>.txt) and its entry
added to the register (facts/sources.yaml), with what the document gave and, marked, what
the analyst completes."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

import yaml

from briefings import projectfiles
from briefings.addsource.extract import Extracted
from briefings.errors import BriefingError
from briefings.project import Project

KINDS = ("news", "opinion", "thesis", "official", "report")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def slug(title: str) -> str:
    """``exportaciones-de-acero-2025`` from a title: its first whole words, up to about 40
    letters, unaccented, lowercase."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    taken: list[str] = []
    for word in re.findall(r"[a-z0-9]+", plain):
        if taken and len("-".join([*taken, word])) > 40:
            break
        taken.append(word)
    return "-".join(taken)[:60]


def registered(project: Project) -> set[str]:
    """The ids in the register, read as plain YAML: an entry still being completed may not
    validate yet, and must not stop another from being added."""
    path = project.facts / "sources.yaml"
    if not projectfiles.found(path):
        return set()
    try:
        doc = yaml.safe_load(projectfiles.read_text(path)) or {}
    except yaml.YAMLError:
        raise BriefingError("this file is not valid YAML: run briefings check, fix it, then "
                            "add the source", path) from None
    return {str(entry.get("id")) for entry in doc.get("sources") or []
            if isinstance(entry, dict)}


def choose_id(project: Project, wanted: str | None, found: Extracted) -> str:
    source_id = wanted or slug(found.title or "")
    if not source_id:
        raise BriefingError("the document gives no title to name the source by: give its id "
                            "with --id (lowercase letters, digits and hyphens)")
    if not _SLUG.fullmatch(source_id):
        raise BriefingError(f"--id '{source_id}': use lowercase letters, digits and hyphens, "
                            "e.g. 'cbam-reglamento'")
    if source_id in registered(project):
        raise BriefingError(f"the id '{source_id}' is already used: "
                            "give another with --id", project.facts / "sources.yaml")
    text = project.own_sources / f"{source_id}.txt"
    if text.exists():
        raise BriefingError(f"a text named {source_id}.txt is already there: give another "
                            "id with --id", text)
    return source_id


def _scalar(value: str) -> str:
    return json.dumps(" ".join(value.split()), ensure_ascii=False)  # YAML reads JSON strings


def entry(source_id: str, found: Extracted, origin: str, kind: str | None, lang: str | None,
          languages: list[str], today: dt.date) -> str:
    """The register's lines for the source: a comment saying where each value came from,
    and each value the document did not give left empty, marked 'complete'."""
    language = lang or (found.language if found.language in languages else None)
    lines = [f"  # Added by briefings add-source on {today.isoformat()} from {origin}.",
             "  # Complete each line marked 'complete'; check the others; add outlet: and",
             "  # author: when it has them (docs/editing-templates.md, \"Adding a source\").",
             f"  - id: {source_id}"]

    def line(key: str, value: str | None, where: str, todo: str) -> None:
        lines.append(f"    {key}: {value}  # {where}" if value else f"    {key}:  # complete: {todo}")

    line("title", found.title and _scalar(found.title), "from the document: check it",
         "the document's title, as it gives it")
    line("kind", kind, "given with --kind", ", ".join(KINDS[:-1]) + " or " + KINDS[-1])
    line("date", found.date, "as the document states it",
         "the date it gives (2025-12-31); if it gives none, the one you infer, and "
         "date_note: how")
    line("date_basis", found.date and "stated", "the document gives it",
         "stated if the document gives it, inferred if you work it out")
    line("language", language, "given with --lang" if lang else "from the document",
         " or ".join(languages))
    lines.append(f"    file: {source_id}.txt")
    if found.url:
        lines.append(f"    url: {_scalar(found.url)}")
    lines.append(f"    read_on: {today.isoformat()}")
    return "\n".join(lines) + "\n"


def save(project: Project, source_id: str, text: str, lines: str) -> Path:
    """The text in facts/sources/, the entry at the end of the register; if the register
    does not take it (its last part is not the sources list), neither is left."""
    register = project.facts / "sources.yaml"
    before = projectfiles.read_text(register) if projectfiles.found(register) else "sources:\n"
    path = project.own_sources / f"{source_id}.txt"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        register.write_text(before.rstrip("\n") + "\n\n" + lines, encoding="utf-8")
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise BriefingError(f"cannot be written ({exc.strerror}): check that you may write "
                            "in facts/", register) from None
    try:
        added = source_id in registered(project)
    except BriefingError:
        added = False
    if not added:
        register.write_text(before, encoding="utf-8")
        path.unlink()
        raise BriefingError("the entry could not be added at the end of this file: its "
                            "sources: list must come last", register)
    return path

