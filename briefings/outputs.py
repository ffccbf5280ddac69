"""What is in ``build/``: atomic writes, the manifest, and whether an output is up to date.

An output is up to date when the hash of its inputs — the package's code, the build day,
its audience folder, the base templates of its language, the sources registry and the fact
files it used — equals the key stored beside it in the manifest. Standard library only, so
a build that has nothing to do never imports the heavy libraries."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from briefings import __file__ as _package_init
from briefings.errors import BriefingError
from briefings.project import Project, build_date

MANIFEST = "manifest.json"
DEFAULT_FORMATS = ("pdf", "docx")
PACKAGE = Path(_package_init).parent

_UMASK = os.umask(0)
os.umask(_UMASK)


def make_folder(folder: Path) -> Path:
    """``folder`` and its parents, or one clear error naming it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(folder, exc) from None
    return folder


def _unwritable(folder: Path, exc: OSError) -> BriefingError:
    return BriefingError(f"cannot write the output folder ({exc.strerror})", folder)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: never a half-written file."""
    make_folder(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(path.parent, exc) from None
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes files private; outputs are shared
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_manifest(out: Path) -> dict[str, dict]:
    """Manifest entries by output path; an unreadable manifest just means "rebuild"."""
    try:
        return {e["path"]: e for e in json.loads((out / MANIFEST).read_text())["outputs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_manifest(out: Path, entries: dict[str, dict]) -> None:
    manifest = {"outputs": [entries[key] for key in sorted(entries)]}
    write_atomic(out / MANIFEST,
                 (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())


class InputKeys:
    """Content hashes of a document's inputs; each file is read once per build."""

    def __init__(self, project: Project):
        self.project = project
        self._files: dict[Path, str] = {}
        self._common = self._digest(
            [("day", build_date().isoformat())]
            + self._tree(PACKAGE, lambda p: p.suffix == ".py"))

    def _hash(self, path: Path) -> str:
        if path not in self._files:
            self._files[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        return self._files[path]

    def _tree(self, folder: Path, keep=lambda path: True) -> list[tuple[str, str]]:
        return [(str(p.relative_to(self.project.root) if p.is_relative_to(self.project.root)
                     else p.relative_to(folder)), self._hash(p))
                for p in sorted(folder.rglob("*")) if p.is_file() and keep(p)]

    @staticmethod
    def _digest(items: list[tuple[str, str]]) -> str:
        return hashlib.sha256(json.dumps(items).encode()).hexdigest()

    def _templates(self, folder: Path, lang: str) -> list[tuple[str, str]]:
        """A template folder's files, leaving out the sections of the other languages."""
        sections = folder / "sections"
        return self._tree(folder, lambda p: not p.is_relative_to(sections)
                          or p.is_relative_to(sections / lang))

    def key(self, audience: str, lang: str, fmt: str, fact_files: list[str]) -> str:
        facts = [self.project.facts / "sources.yaml",
                 *(self.project.facts / name for name in fact_files)]
        return self._digest([
            ("common", self._common), ("lang", lang), ("format", fmt),
            *self._templates(self.project.templates / "audiences" / audience, lang),
            *self._templates(self.project.base, lang),
            *((str(p.name), self._hash(p) if p.is_file() else "missing") for p in facts)])


def output_path(out: Path, brief: str, audience: str, lang: str, fmt: str) -> Path:
    return out / audience / f"{brief}-{audience}-{lang}.{fmt}"


def is_current(entry: dict | None, out: Path, keys: InputKeys) -> bool:
    """The output exists as the manifest describes it and its inputs have not changed."""
    if entry is None or "key" not in entry:
        return False
    path = out / entry["path"]
    if not path.is_file() or path.stat().st_size != entry["bytes"]:
        return False
    return entry["key"] == keys.key(entry["audience"], entry["lang"], entry["format"],
                                    entry.get("fact_files", []))


def all_current(project: Project, out: Path, audiences: list[str], langs: list[str] | None,
                formats: list[str]) -> bool:
    """True only when every requested output is listed and current. Anything this cannot
    tell without reading the profiles (a new audience, a new language) counts as stale."""
    entries = read_manifest(out)
    keys = InputKeys(project)
    for audience in audiences:
        mine = [e for e in entries.values() if e["audience"] == audience
                and (langs is None or e["lang"] in langs)]
        built_langs = {e["lang"] for e in mine}
        if not built_langs or (langs is not None and built_langs != set(langs)):
            return False
        wanted = {(lang, fmt) for lang in built_langs for fmt in formats}
        current = {(e["lang"], e["format"]) for e in mine if e["format"] in formats
                   and is_current(e, out, keys)}
        if current != wanted:
            return False
    return True
