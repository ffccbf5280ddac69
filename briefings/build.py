"""Build the requested audience × language × format documents into ``build/``.

Only outputs whose inputs changed are rebuilt (``outputs.InputKeys``). Documents render in
parallel, one per task, in forked worker processes that inherit the loaded facts and
profiles; the parent writes each file atomically and keeps the manifest current."""

from __future__ import annotations

import hashlib
import importlib
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from briefings.audiences import Audience, load_audience
from briefings.check import unquoted, untraced_numbers
from briefings.compose import CACHE, compose
from briefings.document import Document
from briefings.errors import BriefingError, BriefingErrors
from briefings.facts import LANGS, FactBase, load_facts
from briefings.outputs import (DEFAULT_FORMATS, InputKeys, is_current, output_path,
                               read_manifest, write_atomic, write_manifest)
from briefings.project import Project, build_date

# Writer modules by format, imported only when that format is built.
WRITERS = {"pdf": "briefings.writers.pdf", "docx": "briefings.writers.docx",
           "html": "briefings.writers.html"}


@dataclass(frozen=True)
class Job:
    """One document (an audience in one language) and the formats to write it in."""
    audience: str
    lang: str
    formats: tuple[str, ...]


@dataclass(frozen=True)
class Rendered:
    audience: str
    lang: str
    format: str
    data: bytes
    pages: int | None
    fact_files: list[str]
    seconds: float


@dataclass
class Report:
    built: list[Path] = field(default_factory=list)
    current: int = 0
    seconds: dict[Path, float] = field(default_factory=dict)  # per file built


@dataclass(frozen=True)
class _Inputs:
    """What every job reads; set before the workers fork, so they inherit it."""
    project: Project
    facts: FactBase
    audiences: dict[str, Audience]
    cache: Path            # <out>/.cache: figures and compiled templates


_inputs: _Inputs | None = None  # module state on purpose: forked workers inherit it


def _compose(audience: str, lang: str) -> Document:
    document = compose(_inputs.project, _inputs.facts, _inputs.audiences[audience], lang,
                       build_date(), _inputs.cache)
    problems = untraced_numbers(document, _inputs.project)
    if problems:
        raise BriefingErrors([BriefingError(p.message, p.file, p.line) for p in problems])
    return document


def _write(document: Document, fmt: str) -> tuple[bytes, int | None]:
    """The file's bytes, and its page count where the format has pages."""
    written = importlib.import_module(WRITERS[fmt]).render(document, _inputs.project.base)
    if fmt == "pdf":
        return written.data, written.pages
    return (written.encode("utf-8") if isinstance(written, str) else written), None


def _render(job: Job) -> list[Rendered]:
    """Compose the document once and write it in each format. Each file's time is what
    making it alone would take: composing the document plus writing that file."""
    started = time.perf_counter()
    document = _compose(job.audience, job.lang)
    composing = time.perf_counter() - started
    origin = _inputs.facts.origin
    fact_files = sorted({origin[fact_id][0].name for fact_id in document.facts_used})
    rendered = []
    for fmt in job.formats:
        started = time.perf_counter()
        data, pages = _write(document, fmt)
        rendered.append(Rendered(job.audience, job.lang, fmt, data, pages, fact_files,
                                 composing + time.perf_counter() - started))
    return rendered


def _select(requested: list[str] | None, known, what: str) -> list[str]:
    for item in requested or ():
        if item not in known:
            raise BriefingError(f"unknown {what} '{item}' (known: {', '.join(known)})")
    return list(requested) if requested else list(known)


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


def _results(jobs: list[Job], workers: int):
    """Rendered files as their documents finish: here, or in a pool of forked workers."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield from _render(job)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for future in as_completed([pool.submit(_render, job) for job in jobs]):
            yield from future.result()


def build(project: Project, audiences: list[str] | None = None,
          langs: list[str] | None = None, formats: list[str] | None = None,
          out: Path | None = None, sources: Path | None = None, jobs: int | None = None,
          force: bool = False) -> Report:
    global _inputs
    out = out or project.build
    facts = load_facts(project.facts)
    if sources is not None:
        problems = [f for f in unquoted(facts, project, sources) if f.level == "error"]
        if problems:
            raise BriefingErrors([BriefingError(p.message, p.file, p.line) for p in problems])
    chosen = {name: load_audience(project, name)
              for name in _select(audiences, project.audience_names(), "audience")}
    langs = _select(langs, LANGS, "language")
    formats = _select(formats, list(WRITERS), "format") if formats else list(DEFAULT_FORMATS)

    brief = project.settings.id
    entries, keys, report = read_manifest(out), InputKeys(project), Report()

    def stale(name: str, lang: str, fmt: str) -> bool:
        entry = output_path(out, brief, name, lang, fmt).relative_to(out).as_posix()
        return force or not is_current(entries.get(entry), out, keys)

    todo = []
    for name, audience in chosen.items():
        for lang in (lang for lang in audience.profile.languages if lang in langs):
            formats_due = tuple(fmt for fmt in formats if stale(name, lang, fmt))
            report.current += len(formats) - len(formats_due)
            if formats_due:
                todo.append(Job(name, lang, formats_due))
    if not todo:
        return report

    for fmt in formats:
        importlib.import_module(WRITERS[fmt])  # once, before forking: the workers share it
    _inputs = _Inputs(project, facts, chosen, out / CACHE)
    # The longest documents first, so that no worker is left with one at the end.
    todo.sort(key=lambda job: (chosen[job.audience].profile.length != "full",
                               "pdf" not in job.formats))
    try:
        for done in _results(todo, jobs or os.cpu_count() or 1):
            path = output_path(out, brief, done.audience, done.lang, done.format)
            write_atomic(path, done.data)
            entry = path.relative_to(out).as_posix()
            entries[entry] = {
                "audience": done.audience, "lang": done.lang, "format": done.format,
                "path": entry, "sha256": hashlib.sha256(done.data).hexdigest(), "bytes": len(done.data),
                "pages": done.pages, "fact_files": done.fact_files,
                "key": keys.key(done.audience, done.lang, done.format, done.fact_files)}
            write_manifest(out, entries)
            report.built.append(path)
            report.seconds[path] = done.seconds
            _progress(f"  {entry}  {done.seconds:.2f} s")
    finally:
        _inputs = None
    return report

