"""Build every requested audience × language × format into ``build/`` with a manifest.

Each document is composed once and handed to each writer; files are written to a
temporary name and renamed, so a failed build never leaves a half-written output."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import io
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from briefings.audiences import Audience, audience_names, load_audience
from briefings.compose import compose
from briefings.errors import BriefingError
from briefings.facts import LANGS, load_facts
from briefings.project import Project

# Writer modules by format, imported only when a format is built (WeasyPrint is slow to import).
WRITERS = {"pdf": "briefings.writers.pdf", "docx": "briefings.writers.docx",
           "html": "briefings.writers.html"}
DEFAULT_FORMATS = ("pdf", "docx")

_UMASK = os.umask(0)
os.umask(_UMASK)


def build_date() -> dt.date:
    """The brief's date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return dt.date.today()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    except ValueError:
        raise BriefingError(f"SOURCE_DATE_EPOCH must be a number of seconds, not '{epoch}'")


@dataclass(frozen=True)
class Output:
    audience: str
    lang: str
    format: str
    path: Path
    sha256: str
    bytes: int
    pages: int | None

    def manifest_entry(self, root: Path) -> dict:
        return {"audience": self.audience, "lang": self.lang, "format": self.format,
                "path": self.path.relative_to(root).as_posix(), "sha256": self.sha256,
                "bytes": self.bytes, "pages": self.pages}


def write_atomic(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise BriefingError(f"cannot write the output folder ({exc.strerror})",
                            path.parent) from None
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes files private; outputs are shared
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader
    return len(PdfReader(io.BytesIO(data)).pages)


def _select(requested: list[str] | None, known: list[str] | tuple[str, ...], what: str):
    for item in requested or ():
        if item not in known:
            raise BriefingError(f"unknown {what} '{item}' (known: {', '.join(known)})")
    return list(requested) if requested else list(known)


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


def build(project: Project, audiences: list[str] | None = None,
          langs: list[str] | None = None, formats: list[str] | None = None,
          out: Path | None = None) -> list[Output]:
    out = out or project.build
    today = build_date()
    facts = load_facts(project.facts)
    chosen: list[Audience] = [
        load_audience(project.templates, name)
        for name in _select(audiences, audience_names(project.templates), "audience")]
    langs = _select(langs, LANGS, "language")
    formats = _select(formats, list(WRITERS), "format") if formats else list(DEFAULT_FORMATS)
    writers = {fmt: importlib.import_module(WRITERS[fmt]) for fmt in formats}

    outputs: list[Output] = []
    for audience in chosen:
        for lang in (lang for lang in langs if lang in audience.profile.languages):
            document = compose(project, facts, audience, lang, today)
            for fmt in formats:
                started = time.perf_counter()
                data = writers[fmt].render(document, project.base)
                if isinstance(data, str):
                    data = data.encode("utf-8")
                path = out / audience.slug / f"{document.meta.stem}.{fmt}"
                write_atomic(path, data)
                outputs.append(Output(audience.slug, lang, fmt, path,
                                      hashlib.sha256(data).hexdigest(), len(data),
                                      _pdf_pages(data) if fmt == "pdf" else None))
                _progress(f"  {path.relative_to(out)}  {time.perf_counter() - started:.2f} s")
                write_manifest(out, outputs)
    return outputs


def write_manifest(out: Path, outputs: list[Output]) -> None:
    """Keep entries of outputs not rebuilt this time; replace the ones that were."""
    path = out / "manifest.json"
    entries: dict[str, dict] = {}
    if path.is_file():
        try:
            entries = {e["path"]: e for e in json.loads(path.read_text())["outputs"]}
        except (ValueError, KeyError, TypeError):
            entries = {}
    for output in outputs:
        entry = output.manifest_entry(out)
        entries[entry["path"]] = entry
    manifest = {"outputs": [entries[key] for key in sorted(entries)]}
    write_atomic(path, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
