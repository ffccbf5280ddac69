"""Build the requested audience × language × format documents into ``build/``.

Only outputs whose inputs changed are rebuilt (``outputs.InputKeys``). Documents render in
parallel, one per task, in forked worker processes that inherit the loaded facts and
profiles; the parent writes each file atomically and keeps the manifest current."""

from __future__ import annotations

import hashlib
import importlib
import io
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from briefings.audiences import Audience, load_audience
from briefings.check import unquoted, untraced_numbers
from briefings.compose import compose
from briefings.document import Document
from briefings.errors import BriefingError, BriefingErrors
from briefings.facts import LANGS, FactBase, load_facts
from briefings.outputs import (DEFAULT_FORMATS, InputKeys, is_current, output_path,
                               read_manifest, write_atomic, write_manifest)
from briefings.project import Project, build_date

# Figures drawn from the facts are cached here, under the output folder, by input hash.
FIGURE_CACHE = Path(".cache") / "figures"

# Writer modules by format, imported only when that format is built.
WRITERS = {"pdf": "briefings.writers.pdf", "docx": "briefings.writers.docx",
           "html": "briefings.writers.html"}


@dataclass(frozen=True)
class Job:
    audience: str
    lang: str
    format: str


@dataclass(frozen=True)
class Rendered:
    job: Job
    data: bytes
    pages: int | None
    fact_files: list[str]
    seconds: float


@dataclass
class Report:
    built: list[Path] = field(default_factory=list)
    current: int = 0


@dataclass(frozen=True)
class _Inputs:
    """What every job reads; set before the workers fork, so they inherit it."""
    project: Project
    facts: FactBase
    audiences: dict[str, Audience]
    figures: Path          # the figures' cache: <out>/.cache/figures


_inputs: _Inputs | None = None  # module state on purpose: forked workers inherit it


@lru_cache(maxsize=None)
def _document(audience: str, lang: str) -> Document:
    document = compose(_inputs.project, _inputs.facts, _inputs.audiences[audience], lang,
                       build_date(), _inputs.figures)
    problems = untraced_numbers(document, _inputs.project)
    if problems:
        raise BriefingErrors([BriefingError(p.message, p.file, p.line) for p in problems])
    return document


def _render(job: Job) -> Rendered:
    started = time.perf_counter()
    document = _document(job.audience, job.lang)
    data = importlib.import_module(WRITERS[job.format]).render(document, _inputs.project.base)
    if isinstance(data, str):
        data = data.encode("utf-8")
    pages = None
    if job.format == "pdf":
        from pypdf import PdfReader
        pages = len(PdfReader(io.BytesIO(data)).pages)
    origin = _inputs.facts.origin
    fact_files = sorted({origin[fact_id][0].name for fact_id in document.facts_used})
    return Rendered(job, data, pages, fact_files, time.perf_counter() - started)


def _select(requested: list[str] | None, known, what: str) -> list[str]:
    for item in requested or ():
        if item not in known:
            raise BriefingError(f"unknown {what} '{item}' (known: {', '.join(known)})")
    return list(requested) if requested else list(known)


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


def _results(jobs: list[Job], workers: int):
    """Rendered documents as they finish: in this process, or in a pool of forked workers."""
    if workers <= 1 or len(jobs) <= 1:
        yield from map(_render, jobs)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for future in as_completed([pool.submit(_render, job) for job in jobs]):
            yield future.result()


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
    todo = []
    for name, audience in chosen.items():
        for lang in (lang for lang in audience.profile.languages if lang in langs):
            for fmt in formats:
                path = output_path(out, brief, name, lang, fmt)
                if not force and is_current(entries.get(path.relative_to(out).as_posix()),
                                            out, keys):
                    report.current += 1
                else:
                    todo.append(Job(name, lang, fmt))
    if not todo:
        return report

    if "pdf" in formats:
        importlib.import_module(WRITERS["pdf"])  # once, before forking: workers share it
    _inputs = _Inputs(project, facts, chosen, out / FIGURE_CACHE)
    _document.cache_clear()
    todo.sort(key=lambda job: job.format != "pdf")  # the slowest first, for balance
    try:
        for done in _results(todo, jobs or os.cpu_count() or 1):
            job = done.job
            path = output_path(out, brief, job.audience, job.lang, job.format)
            write_atomic(path, done.data)
            entry = path.relative_to(out).as_posix()
            entries[entry] = {
                "audience": job.audience, "lang": job.lang, "format": job.format,
                "path": entry, "sha256": hashlib.sha256(done.data).hexdigest(), "bytes": len(done.data),
                "pages": done.pages, "fact_files": done.fact_files,
                "key": keys.key(job.audience, job.lang, job.format, done.fact_files)}
            write_manifest(out, entries)
            report.built.append(path)
            _progress(f"  {entry}  {done.seconds:.2f} s")
    finally:
        _inputs = None
    return report

