"""The texts recipients received (``writers.text``), kept with the record of sends under
``records/received/``, each once, named by its sha256: a message's line in the record names
the text it carried (``received``), and ``briefings diff`` compares the current build with it.
Read back as JSON data only."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from briefings.buildfiles import read, write_atomic
from briefings.errors import BriefingError
from briefings.outputs import text_path
from briefings.project import Project
from briefings.writers.text import decode

FOLDER = "received"
_NAME = re.compile(rf"{FOLDER}/[0-9a-f]{{64}}\.json")


def keep(project: Project, data: bytes) -> str:
    """Store ``data`` (a document's text) unless it is there already; its name, relative to
    ``records/``, for the record of sends."""
    name = f"{FOLDER}/{hashlib.sha256(data).hexdigest()}.json"
    path = project.records / name
    try:
        if read(project.records, path) == data:
            return name
    except FileNotFoundError:
        pass
    write_atomic(project.records, path, data)
    return name


def keep_built(project: Project, brief: str, reader: str, lang: str) -> str | None:
    """Keep the text of the document the build made for this reader in ``lang``: the one
    its files, about to be sent, say. None for a build without one (made before texts
    were kept)."""
    path = text_path(project.build, brief, reader, lang)
    try:
        data = read(project.build, path)
    except FileNotFoundError:
        return None
    decode(data, path)
    return keep(project, data)


def load(project: Project, name: str) -> dict[str, Any]:
    """The text the record names ``name``: one of ours, its content the hash it is named
    by."""
    path = project.records / name
    if not _NAME.fullmatch(name):
        raise BriefingError(f"the record of sends names '{name}' as a text received, where it "
                            "keeps files named received/<sha256>.json", project.records)
    try:
        data = read(project.records, path)
    except FileNotFoundError:
        raise BriefingError("the text this recipient received is missing (it is kept with "
                            "the record of sends: restore it from git)", path) from None
    if hashlib.sha256(data).hexdigest() != Path(name).stem:
        raise BriefingError("changed since it was kept: restore it from git", path)
    return decode(data, path)
