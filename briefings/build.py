"""Build the requested brief × reader × language × format documents into ``build/``.

Only outputs whose inputs changed are rebuilt (``outputs.InputKeys``). Documents render in
parallel, one per task, in forked worker processes that inherit the loaded facts and
profiles, and that die with the build however it ends.

All or nothing: every file is first written into a staging folder inside the output
folder; only when every document has succeeded are they moved into place, the manifest
last. A failed or interrupted build leaves the output folder as it was. One build at a
time writes to a folder (``outputs.build_lock``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import os
import signal
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from briefings import limits, workers
from briefings.briefs import Edition, editions, languages_read, load_brief
from briefings.buildfiles import cannot_write, real_folder, remove, write_atomic
from briefings.compose import compose, draft
from briefings.dates import build_date, day_start
from briefings.document import Document, Theme
from briefings.errors import BriefingError, BriefingErrors, did_you_mean
from briefings.facts import FactBase, load_facts
from briefings.numbering import brief_numbers, cited
from briefings.outputs import (DEFAULT_FORMATS, MANIFEST, STAGING, InputKeys, build_lock,
                               is_current, leftovers, manifest_bytes, output_path,
                               read_manifest, text_path)
from briefings.project import Project
from briefings.rules.documents import Reading, document_problems
from briefings.rules.facts import DEFAULT_AGE_DAYS, stale_facts
from briefings.rules.figures import figure_problems
from briefings.rules.quotes import unquoted
from briefings.rules.run import located
from briefings.rules.tense import told_in_the_past
from briefings.writers import text

# Writer modules by format, imported only when that format is built.
WRITERS = {"pdf": "briefings.writers.pdf", "docx": "briefings.writers.docx",
           "html": "briefings.writers.html"}


@dataclass(frozen=True)
class Job:
    """One document (a brief for a reader, in one language) and the formats to write it in."""
    brief: str
    reader: str
    lang: str
    formats: tuple[str, ...]


@dataclass(frozen=True)
class Rendered:
    brief: str
    reader: str
    lang: str
    format: str
    data: bytes
    pages: int | None
    fact_files: list[str]
    seconds: float


@dataclass(frozen=True)
class Made:
    """One document's files, what the rules found in it, and the facts it prints as how
    things stand (not only in the past with their year)."""
    job: Job
    rendered: list[Rendered]
    problems: list[BriefingError]
    current: list[str]
    text: bytes     # what it says, for comparing versions (``writers.text``)


@dataclass
class Report:
    built: list[Path] = field(default_factory=list)
    current: int = 0
    seconds: dict[Path, float] = field(default_factory=dict)  # per file built
    warnings: list[BriefingError] = field(default_factory=list)  # in what was built


@dataclass(frozen=True)
class _Inputs:
    """What every job reads; set before the workers fork, so they inherit it."""
    project: Project
    facts: FactBase
    editions: dict[tuple[str, str], Edition]    # by (brief, reader)
    day: dt.date
    numbers: dict[str, dict[str, int]]   # by brief: each source's number in the brief
    fact_files: dict[str, list[str]]     # by brief: the fact files its versions use


_inputs: _Inputs | None = None  # module state on purpose: forked workers inherit it


def _write(document: Document, theme: Theme, fmt: str) -> tuple[bytes, int | None]:
    """The file's bytes, and its page count where the format has pages."""
    limits.at(None, f"writing the {fmt.upper()}")
    written = importlib.import_module(WRITERS[fmt]).render(document, theme)
    if fmt == "pdf":
        return written.data, written.pages
    return (written.encode("utf-8") if isinstance(written, str) else written), None


def _render(job: Job) -> Made:
    """Compose the document once, run the rules on it and write it in each format. Each
    file's time is what making it alone would take: composing the document plus writing
    that file."""
    started = time.perf_counter()
    edition = _inputs.editions[job.brief, job.reader]
    document = compose(_inputs.project, _inputs.facts, edition, job.lang, _inputs.day,
                       _inputs.numbers[job.brief])
    reading = Reading.of(document, _inputs.facts, edition.chain, _inputs.project.root,
                         _inputs.day)
    problems = document_problems(reading)
    composing = time.perf_counter() - started
    fact_files = _inputs.fact_files[job.brief]
    rendered = []
    for fmt in job.formats:
        started = time.perf_counter()
        data, pages = _write(document, Theme(edition.chain), fmt)
        rendered.append(Rendered(job.brief, job.reader, job.lang, fmt, data, pages,
                                 fact_files, composing + time.perf_counter() - started))
    return Made(job, rendered, problems, sorted(set(document.facts_used)
                                           - told_in_the_past(list(reading.printed))),
                text.encode(text.snapshot(document, _inputs.facts.facts)))


def _select(requested: list[str] | None, known, what: str) -> list[str]:
    for item in requested or ():
        if item not in known:
            hint = did_you_mean(item, known)
            hint = hint and hint + " "
            raise BriefingError(f"unknown {what} '{item}' ({hint}known: {', '.join(known)})")
    return list(requested) if requested else list(known)


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


def _label(job: Job) -> str:
    return f"{job.brief}-{job.reader}-{job.lang}"


def _results(jobs: list[Job], workers_wanted: int):
    """Documents as they finish, each made in a worker under the limits of ``workers``."""
    for _, done in workers.run(jobs, _render, workers_wanted, _label):
        if isinstance(done, BriefingError):
            raise done
        yield done


def _workers(jobs: int | None, documents: int) -> int:
    """Documents made at once: one per processor core unless told, never more than there
    are documents or cores (a worker beyond the cores only waits for one)."""
    cores = os.cpu_count() or 1
    if jobs is None:
        return min(cores, documents)
    if jobs > cores:
        print(f"note: --jobs {jobs}: making {min(cores, documents)} documents at once, one "
              "per processor core", file=sys.stderr)
    return min(jobs, cores, documents)


@contextmanager
def _staging(out: Path):
    """A fresh folder inside ``out`` (same file system: moving out of it is a rename),
    removed whatever happens."""
    try:
        stage = Path(tempfile.mkdtemp(prefix=STAGING, dir=out)).resolve()
    except OSError as exc:
        raise cannot_write(out / STAGING, exc) from None
    try:
        yield stage
    finally:
        remove(stage)


def _stage(stage: Path, out: Path, name: str, data: bytes) -> None:
    try:
        write_atomic(stage, stage / name, data)
    except BriefingError as exc:
        exc.file = str(out / name)
        raise


def _unstaged(error: BriefingError, stage: Path, out: Path) -> None:
    """Errors name the place a file was going to, not the staging folder."""
    for each in getattr(error, "errors", [error]):
        if each.file and Path(each.file).is_relative_to(stage):
            each.file = str(out / Path(each.file).relative_to(stage))


def _check_targets(out: Path, names: list[str]) -> None:
    """Find what would stop the move into place before anything is built or moved."""
    for name in [*names, MANIFEST]:
        path = out / name
        real_folder(out, path.parent, make=False)  # no file, and no link, for a folder
        if path.is_dir():
            raise BriefingError("is a folder where the build puts a file: move or delete it",
                                path)


@contextmanager
def _uninterrupted():
    """Moving the staged files into place is not stopped half way: a Ctrl-C or SIGTERM
    arriving meanwhile is dropped, as the build is finished a moment later."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives signals
        return
    stops = (signal.SIGINT, signal.SIGTERM)
    previous = [signal.signal(stop, signal.SIG_IGN) for stop in stops]
    try:
        yield
    finally:
        for stop, handler in zip(stops, previous):
            signal.signal(stop, handler)


def _commit(stage: Path, out: Path, names: list[str]) -> None:
    """Move everything staged into place, the manifest last."""
    for name in [*names, MANIFEST]:
        real_folder(out, (out / name).parent)
        try:
            os.replace(stage / name, out / name)
        except OSError as exc:
            raise cannot_write(out / name, exc) from None


@contextmanager
def _epoch_pinned(day: dt.date, zone: str):
    """Tools that stamp the time (fontTools stamps every font it subsets) take it from
    SOURCE_DATE_EPOCH: unless set, make it the start of the brief's day, so that two
    builds on one day give the same bytes."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(day_start(day, zone))
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def _brief_wide(project: Project, facts: FactBase, todo: list[Job],
                chosen: dict[tuple[str, str], Edition], day: dt.date, workers_wanted: int
                ) -> tuple[dict[str, dict[str, int]], dict[str, list[str]]]:
    """Each brief's source numbers and the fact files its versions use, from a draft of
    every version of it (every reader, not only the chosen ones): numbers are the brief's.
    Drafts are documents too, made in workers under the same limits; the documents asked
    for come first, so that a mistake is reported as their own."""
    briefs = {edition.brief.id: edition.brief for edition in chosen.values()}
    asked = {(job.brief, job.reader, job.lang) for job in todo}
    versions = sorted(((edition, lang) for brief_id in dict.fromkeys(job.brief for job in todo)
                       for edition in editions(project, briefs[brief_id])
                       for lang in edition.languages),
                      key=lambda v: (v[0].brief.id, v[0].reader, v[1]) not in asked)

    def read(k: int) -> tuple[set[str], tuple[str, ...]]:
        document = draft(project, facts, *versions[k], day)
        return cited(document), document.facts_used

    cites, used, failed = defaultdict(list), defaultdict(set), {}
    for k, done in workers.run(range(len(versions)), read, workers_wanted,
                               lambda k: f"{versions[k][0].brief.id}-{versions[k][0].reader}-"
                                         f"{versions[k][1]}"):
        if isinstance(done, BriefingError):
            failed[k] = done
            continue
        brief_id = versions[k][0].brief.id
        cites[brief_id].append(done[0])
        used[brief_id].update(facts.origin[fact_id][0].name for fact_id in done[1])
    if failed:
        raise failed[min(failed)]
    return ({brief_id: brief_numbers(facts.sources, sets) for brief_id, sets in cites.items()},
            {brief_id: sorted(files) for brief_id, files in used.items()})


def _entry(done: Rendered, entry: str, keys: InputKeys, version: str) -> dict:
    """The file's line in the manifest: ``version``, the brief's, is what mail records."""
    return {"brief": done.brief, "reader": done.reader, "lang": done.lang,
            "format": done.format, "path": entry, "version": version,
            "sha256": hashlib.sha256(done.data).hexdigest(), "bytes": len(done.data),
            "pages": done.pages, "fact_files": done.fact_files,
            "key": keys.key(done.brief, done.reader, done.lang, done.format, done.fact_files)}


def _brief_problems(project: Project, facts: FactBase, chosen: dict[tuple[str, str], Edition],
                    todo: list[Job], day: dt.date, current: set[str]) -> list[BriefingError]:
    """The rules on what the built documents share: their briefs' figures in the languages
    built, and the facts they print as how things stand."""
    briefs = {edition.brief.id: edition.brief for edition in chosen.values()}
    languages: dict[str, dict[str, None]] = defaultdict(dict)   # by brief, in order
    for job in todo:
        languages[job.brief][job.lang] = None
    return [*stale_facts(facts, project, day, DEFAULT_AGE_DAYS, current),
            *(problem for brief_id, langs in languages.items()
              for problem in figure_problems(project, facts, briefs[brief_id], list(langs),
                                             day))]


def _stop_on(problems: list[BriefingError], strict: bool) -> list[BriefingError]:
    """The warnings among ``problems``; raised instead if there is an error, or any
    problem at all when ``strict``."""
    problems = list(dict.fromkeys(problems))
    stopping = [p.at("error") for p in problems if strict or p.level == "error"]
    if stopping:
        raise BriefingErrors(stopping)
    return problems


def choose(project: Project, briefs: list[str] | None, readers: list[str] | None
           ) -> list[Edition]:
    """The editions of the chosen briefs (default: all) for the chosen readers (default:
    each brief's own)."""
    chosen = _select(briefs, project.brief_ids(), "brief")
    wanted = _select(readers, project.reader_names(), "reader") if readers else None
    found = [edition for brief_id in chosen
             for edition in editions(project, load_brief(project, brief_id), wanted)]
    if not found:
        raise BriefingError(f"no brief among {', '.join(chosen)} goes to "
                            f"{', '.join(wanted or [])}: see the readers in each brief.yaml")
    return found


def build(project: Project, briefs: list[str] | None = None,
          readers: list[str] | None = None, langs: list[str] | None = None,
          formats: list[str] | None = None, out: Path | None = None,
          sources: Path | None = None, jobs: int | None = None, force: bool = False,
          strict: bool = False) -> Report:
    """Build what is asked and out of date. The rules run on every document built and on
    every quote (against the project's source texts, or those in ``sources``): an error
    stops the build, as every warning does when ``strict``; nothing is written then."""
    global _inputs
    if jobs is not None and jobs < 1:
        raise BriefingError(f"--jobs {jobs}: give how many documents to make at once, "
                            "1 or more")
    out = out or project.build
    zone = project.settings.timezone
    day = build_date(zone)
    facts = load_facts(project.facts, project.theme / "fonts", project.settings.languages,
                       languages_read(project))
    problems = unquoted(facts, project, sources)
    _stop_on(problems, strict)
    chosen = {(e.brief.id, e.reader): e for e in choose(project, briefs, readers)}
    langs = _select(langs, list(project.settings.languages), "language")
    formats = _select(formats, list(WRITERS), "format") if formats else list(DEFAULT_FORMATS)
    report = Report()

    with build_lock(out):
        for left in leftovers(out):  # by a build that was killed, or an older version
            remove(left)
        entries, keys = read_manifest(out), InputKeys(project, day)

        def name(brief: str, reader: str, lang: str, fmt: str) -> str:
            return output_path(out, brief, reader, lang, fmt).relative_to(out).as_posix()

        todo = []
        for (brief, reader), edition in chosen.items():
            for lang in (lang for lang in edition.languages if lang in langs):
                formats_due = tuple(fmt for fmt in formats if force or not is_current(
                    entries.get(name(brief, reader, lang, fmt)), out, keys))
                report.current += len(formats) - len(formats_due)
                if formats_due:
                    todo.append(Job(brief, reader, lang, formats_due))
        if not todo:
            return report
        _check_targets(out, [name(job.brief, job.reader, job.lang, fmt)
                             for job in todo for fmt in job.formats]
                       + [text_path(out, job.brief, job.reader, job.lang).relative_to(out)
                          .as_posix() for job in todo])

        for fmt in formats:
            importlib.import_module(WRITERS[fmt])  # once, before forking: the workers share it
        # The longest documents first, so that no worker is left with one at the end.
        todo.sort(key=lambda job: (chosen[job.brief, job.reader].length != "full",
                                   "pdf" not in job.formats))
        with _staging(out) as stage, _epoch_pinned(day, zone):
            _inputs = _Inputs(project, facts, chosen, day,
                              *_brief_wide(project, facts, todo, chosen, day,
                                           _workers(jobs, len(todo))))
            built, texts, current, found = [], [], set(), {}
            try:
                with closing(_results(todo, _workers(jobs, len(todo)))) as results:
                    for made in results:
                        found[made.job] = made.problems
                        current.update(made.current)
                        kept = text_path(out, made.job.brief, made.job.reader,
                                         made.job.lang).relative_to(out).as_posix()
                        _stage(stage, out, kept, made.text)
                        texts.append(kept)
                        for done in made.rendered:
                            entry = name(done.brief, done.reader, done.lang, done.format)
                            _stage(stage, out, entry, done.data)
                            version = chosen[done.brief, done.reader].brief.version
                            entries[entry] = _entry(done, entry, keys, version)
                            built.append(entry)
                            report.seconds[out / entry] = done.seconds
                            _progress(f"  {entry}  {done.seconds:.2f} s")
            except BriefingError as exc:
                _unstaged(exc, stage, out)
                raise
            finally:
                _inputs = None
            # In the order of the documents, however they finished.
            problems += [p for job in todo for p in found[job]]
            problems += _brief_problems(project, facts, chosen, todo, day, current)
            report.warnings = _stop_on(located(problems, project.root), strict)
            _stage(stage, out, MANIFEST, manifest_bytes(zone, entries))
            with _uninterrupted():
                _commit(stage, out, built + texts)
    report.built = [out / entry for entry in built]
    return report
