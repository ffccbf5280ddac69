"""Build the requested brief × reader × language × format documents into ``build/``.

Only outputs whose inputs changed are rebuilt (``outputs.InputKeys``). Documents render in
parallel, one per task, in forked worker processes that inherit the loaded facts and
profiles, and that die with the build however it ends.

Briefs apart, each all or nothing: a brief reads only the facts, sources and templates it
uses, so a mistake elsewhere stops only the briefs it is in. Every file is first written
into a staging folder inside the output folder; the files of each brief whose documents
all succeeded are moved into place, the manifest last, and the briefs that failed are
named (``BrokenBriefs``), their files as they were. An interrupted build, or one stopped by
what stands in the way of writing, leaves the output folder as it was. One build at a time
writes to a folder (``outputs.build_lock``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import os
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from briefings import limits, staging, workers
from briefings.briefs import Brief, Edition, editions, languages_read, load_brief
from briefings.buildfiles import remove, write_atomic
from briefings.compose import compose, draft
from briefings.dates import build_date, day_start
from briefings.document import Document, Theme
from briefings.errors import BriefingError, BriefingErrors, did_you_mean
from briefings.facts import FactBase, load_facts
from briefings.numbering import brief_numbers, cited
from briefings.outputs import (DEFAULT_FORMATS, MANIFEST, InputKeys, build_lock,
                               is_current, leftovers, load_manifest, manifest_bytes,
                               output_path, recorded_numbers, refresh, text_path)
from briefings.project import Project
from briefings.reads import document_reads
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
    """One document (a brief for a reader, in one language), the formats to write it in and
    its brief's source numbers."""
    brief: str
    reader: str
    lang: str
    formats: tuple[str, ...]
    numbers: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Draft:
    """One version of a brief to draft, for the sources it cites (``numbering``)."""
    brief: str
    reader: str
    lang: str


@dataclass(frozen=True)
class Rendered:
    brief: str
    reader: str
    lang: str
    format: str
    data: bytes
    pages: int | None
    fact_files: list[str]   # the files its facts come from
    uses: dict              # what it read (``reads``)
    seconds: float


@dataclass(frozen=True)
class Made:
    """One document's files, what the rules found in it, and the facts it prints as how
    things stand (not only in the past with their year)."""
    job: Job
    rendered: list[Rendered]
    problems: list[BriefingError]
    current: list[str]
    used: list[str]         # every fact it prints
    text: bytes     # what it says, for comparing versions (``writers.text``)


@dataclass
class Report:
    built: list[Path] = field(default_factory=list)
    current: int = 0
    seconds: dict[Path, float] = field(default_factory=dict)  # per file built
    warnings: list[BriefingError] = field(default_factory=list)  # in what was built


class BrokenBriefs(BriefingErrors):
    """The briefs a build left as they were for their problems (``errors``, brief by brief),
    the others built (``report``)."""

    def __init__(self, errors: list[BriefingError], briefs: list[str], report: Report):
        super().__init__(errors)
        self.briefs, self.report = briefs, report
        if len(errors) == 1:  # the one problem, with its place, as a single error has it
            self.message, self.file, self.line, self.key = (
                errors[0].message, errors[0].file, errors[0].line, errors[0].key)


@dataclass(frozen=True)
class _Inputs:
    """What every job reads; set before the workers fork, so they inherit it."""
    project: Project
    facts: FactBase
    editions: dict[tuple[str, str], Edition]    # by (brief, reader)
    day: dt.date


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
                       dict(job.numbers))
    reading = Reading.of(document, _inputs.facts, edition.chain, _inputs.project.root,
                         _inputs.day)
    problems = document_problems(reading)
    composing = time.perf_counter() - started
    fact_files, uses = document_reads(_inputs.facts, document.facts_used)
    rendered = []
    for fmt in job.formats:
        started = time.perf_counter()
        data, pages = _write(document, Theme(edition.chain), fmt)
        rendered.append(Rendered(job.brief, job.reader, job.lang, fmt, data, pages,
                                 fact_files, uses, composing + time.perf_counter() - started))
    return Made(job, rendered, problems, sorted(set(document.facts_used)
                                           - told_in_the_past(list(reading.printed))),
                sorted(document.facts_used),
                text.encode(text.snapshot(document, _inputs.facts.facts)))


def _make(job: Job | Draft) -> Made | set[str]:
    """A document, or a draft's cited sources: both made by the same workers, so that what
    one worker parsed and drew for the drafts serves the documents."""
    if isinstance(job, Draft):
        return cited(draft(_inputs.project, _inputs.facts,
                           _inputs.editions[job.brief, job.reader], job.lang, _inputs.day))
    return _render(job)


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


def _label(job: Job | Draft) -> str:
    return f"{job.brief}-{job.reader}-{job.lang}"


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


def _entry(done: Rendered, entry: str, keys: InputKeys, version: str,
           numbers: dict[str, int]) -> dict:
    """The file's line in the manifest: ``version``, the brief's, is what mail records;
    what the document read and its brief's ``numbers`` make its keys."""
    which = (done.brief, done.reader, done.lang, done.format)
    return {"brief": done.brief, "reader": done.reader, "lang": done.lang,
            "format": done.format, "path": entry, "version": version,
            "sha256": hashlib.sha256(done.data).hexdigest(), "bytes": len(done.data),
            "pages": done.pages, "fact_files": done.fact_files,
            "uses": dict(done.uses, files_key=keys.files_key(*which, done.fact_files,
                                                              done.uses, numbers)),
            "key": keys.key(*which, done.uses, numbers)}


def _brief_problems(project: Project, facts: FactBase, brief: Brief, langs: list[str],
                    day: dt.date, made: list[Made], sources: Path | None
                    ) -> list[BriefingError]:
    """The rules on what a brief's built documents share: the quotes of the facts they
    print, those they print as how things stand, the brief's figures in the languages
    built."""
    used = {fact_id for each in made for fact_id in each.used}
    current = {fact_id for each in made for fact_id in each.current}
    problems = [*unquoted(facts, project, sources, used),
                *stale_facts(facts, project, day, DEFAULT_AGE_DAYS, current)]
    try:
        return problems + figure_problems(project, facts, brief, langs, day)
    except BriefingError as exc:  # a fact of a file left out for its problems
        return problems + getattr(exc, "errors", [exc])


def _stopping(problems: list[BriefingError], strict: bool) -> list[BriefingError]:
    """The problems among ``problems`` that stop a brief: its errors, or every problem
    when ``strict``."""
    return [p.at("error") for p in dict.fromkeys(problems) if strict or p.level == "error"]


def choose(project: Project, briefs: list[str] | None, readers: list[str] | None
           ) -> tuple[list[Edition], dict[str, BriefingError]]:
    """The editions of the chosen briefs (default: all) for the chosen readers (default:
    each brief's own), and the briefs that could not be read, each with its problem."""
    chosen = _select(briefs, project.brief_ids(), "brief")
    wanted = _select(readers, project.reader_names(), "reader") if readers else None
    found, broken = [], {}
    for brief_id in chosen:
        try:
            found += editions(project, load_brief(project, brief_id), wanted)
        except BriefingError as exc:
            broken[brief_id] = exc
    if not found and not broken:
        raise BriefingError(f"no brief among {', '.join(chosen)} goes to "
                            f"{', '.join(wanted or [])}: see the readers in each brief.yaml")
    return found, broken


def build(project: Project, briefs: list[str] | None = None,
          readers: list[str] | None = None, langs: list[str] | None = None,
          formats: list[str] | None = None, out: Path | None = None,
          sources: Path | None = None, jobs: int | None = None, force: bool = False,
          strict: bool = False) -> Report:
    """Build what is asked and out of date. The rules run on every document built and on
    the quotes of the facts it prints (against the project's source texts, or those in
    ``sources``): an error stops its brief, as every warning does when ``strict``; the
    other briefs are built, then ``BrokenBriefs`` names the briefs left as they were."""
    global _inputs
    if jobs is not None and jobs < 1:
        raise BriefingError(f"--jobs {jobs}: give how many documents to make at once, "
                            "1 or more")
    out = out or project.build
    zone = project.settings.timezone
    day = build_date(zone)
    facts = load_facts(project.facts, project.theme / "fonts", project.settings.languages,
                       languages_read(project), apart=True)
    found, broken = choose(project, briefs, readers)
    chosen = {(e.brief.id, e.reader): e for e in found}
    by_id = {e.brief.id: e.brief for e in found}
    langs = _select(langs, list(project.settings.languages), "language")
    formats = _select(formats, list(WRITERS), "format") if formats else list(DEFAULT_FORMATS)
    report = Report()

    with build_lock(out):
        for left in leftovers(out):  # by a build that was killed, or an older version
            remove(left)
        manifest = load_manifest(out)
        entries = {entry["path"]: entry for entry in manifest.get("outputs", [])}
        numbers = recorded_numbers(manifest)
        keys = InputKeys(project, day, project.source_folders(), facts)
        # As the register's order numbers them now, which may have changed.
        renumbered = {brief: brief_numbers(facts.sources, [set(mine)])
                      for brief, mine in numbers.items()}

        def name(brief: str, reader: str, lang: str, fmt: str) -> str:
            return output_path(out, brief, reader, lang, fmt).relative_to(out).as_posix()

        def kept(job: Job) -> str:
            """Where what the document says is kept as text."""
            return text_path(out, job.brief, job.reader, job.lang).relative_to(out).as_posix()

        def due(brief: str, reader: str, lang: str, fmt: str, now: dict | None = None) -> bool:
            """``now``: the brief's numbers as its drafts in this build gave them."""
            return force or not is_current(
                entries.get(name(brief, reader, lang, fmt)), out, keys,
                numbers.get(brief, {}) if now is None else now,
                renumbered.get(brief, {}) if now is None else now)

        def numbered(brief_id: str) -> bool:
            """Whether the brief's recorded numbers still hold, so that none of its versions
            need drafting: every version of it (each reader and language, not only those
            asked for) has an output made with those numbers and current. Its inputs as they
            were, each version cites what it cited then, and the numbers worked out from what
            they all cite are those. ``--force`` remakes files; it does not distrust what the
            manifest records by content."""
            return brief_id in numbers and all(
                any(is_current(entries.get(name(brief_id, edition.reader, lang, fmt)), out, keys,
                               numbers[brief_id], renumbered[brief_id]) for fmt in WRITERS)
                for edition in editions(project, by_id[brief_id]) for lang in edition.languages)

        versions = [(brief, reader, lang) for (brief, reader), edition in chosen.items()
                    for lang in edition.languages if lang in langs]
        todo = {version: [fmt for fmt in formats if due(*version, fmt)]
                for version in versions}

        def manifest_now() -> bytes:
            return manifest_bytes(zone, project.settings.sources, entries, numbers)

        if not any(todo.values()):
            report.current = len(versions) * len(formats)
            refreshed = [refresh(entries[name(*version, fmt)], keys, numbers.get(version[0], {}))
                         for version in versions for fmt in formats]
            if any(refreshed):
                write_atomic(out, out / MANIFEST, manifest_now())
            return _partly(report, broken)
        for fmt in formats:
            importlib.import_module(WRITERS[fmt])  # once, before forking: the workers share it
        with staging.folder(out) as stage, _epoch_pinned(day, zone):
            asked = dict.fromkeys(version[0] for version, due_formats in todo.items()
                                  if due_formats)
            known = {brief: renumbered[brief] for brief in asked if numbered(brief)}
            # Every version of the other briefs is drafted, those asked for first, so that
            # a mistake is reported as their own.
            drafts = sorted((Draft(brief, edition.reader, lang) for brief in asked
                             if brief not in known for edition in editions(project, by_id[brief])
                             for lang in edition.languages),
                            key=lambda d: not todo.get((d.brief, d.reader, d.lang)))
            waiting = defaultdict(list)   # by brief: its drafts' outcomes, in their order
            for each in drafts:
                waiting[each.brief].append(None)
            drafted = dict(known)

            def longest_first(job: Job) -> tuple[bool, bool]:
                return chosen[job.brief, job.reader].length != "full", "pdf" not in job.formats

            def schedule(briefs_numbered: dict[str, dict[str, int]]) -> list[Job]:
                """The documents of briefs whose numbers are known, the longest first, so
                that no worker is left with one at the end. A brief renumbered: its
                versions built earlier cite by the old numbers."""
                for version in versions:
                    if version[0] in briefs_numbered:
                        todo[version] += [fmt for fmt in formats if fmt not in todo[version]
                                          and due(*version, fmt, briefs_numbered[version[0]])]
                mine = [Job(*version, tuple(fmt for fmt in formats if fmt in todo[version]),
                            tuple(briefs_numbered[version[0]].items())) for version in versions
                        if todo[version] and version[0] in briefs_numbered]
                staging.check_targets(out, [name(job.brief, job.reader, job.lang, fmt)
                                            for job in mine for fmt in job.formats]
                                      + [kept(job) for job in mine])
                return sorted(mine, key=longest_first)

            def then(job: Job | Draft, done) -> list[Job]:
                """Once every draft of a brief is in: its numbers, and its documents."""
                if isinstance(job, Job):
                    return []
                mine = waiting[job.brief]
                mine[[d for d in drafts if d.brief == job.brief].index(job)] = done
                if any(each is None for each in mine):
                    return []
                if failure := next((d for d in mine if isinstance(d, BriefingError)), None):
                    broken[job.brief] = failure
                    return []
                drafted[job.brief] = brief_numbers(facts.sources, mine)
                return schedule({job.brief: drafted[job.brief]})

            _inputs = _Inputs(project, facts, {**{(e.brief.id, e.reader): e for brief in asked
                                                  for e in editions(project, by_id[brief])},
                                               **chosen}, day)
            made: dict[Job, Made | BriefingError] = {}
            try:
                for job, done in workers.run([*drafts, *schedule(known)], _make,
                                             _workers(jobs, len(drafts) + len(versions)),
                                             _label, then):
                    if isinstance(job, Draft):
                        continue
                    made[job] = done
                    if not isinstance(done, BriefingError):
                        staging.put(stage, out, kept(job), done.text)
                        for each in done.rendered:
                            staging.put(stage, out, name(job.brief, job.reader, job.lang,
                                                         each.format), each.data)
                            _progress(f"  {name(job.brief, job.reader, job.lang, each.format)}"
                                      f"  {each.seconds:.2f} s")
            except BriefingError as exc:
                staging.unstaged(exc, stage, out)
                raise
            finally:
                _inputs = None
            report.current = len(versions) * len(formats) - sum(map(len, todo.values()))
            # In the order of the documents, however they finished.
            place = {version: n for n, version in enumerate(versions)}
            jobs_due = sorted(made, key=lambda job: (*longest_first(job),
                                                     place[job.brief, job.reader, job.lang]))
            built, texts = [], []
            for brief_id in dict.fromkeys(job.brief for job in jobs_due):
                # In the order of the documents, however they finished.
                mine = [made[job] for job in jobs_due if job.brief == brief_id]
                if failure := next((m for m in mine if isinstance(m, BriefingError)), None):
                    broken[brief_id] = failure
                    continue
                problems = [p for each in mine for p in each.problems] + _brief_problems(
                    project, facts, chosen[mine[0].job.brief, mine[0].job.reader].brief,
                    list(dict.fromkeys(each.job.lang for each in mine)), day, mine, sources)
                problems = located(problems, project.root)
                if stopping := _stopping(problems, strict):
                    broken[brief_id] = BriefingErrors(stopping)
                    continue
                report.warnings += problems
                numbers[brief_id] = drafted[brief_id]
                texts += [kept(each.job) for each in mine]
                for each in mine:
                    version = chosen[each.job.brief, each.job.reader].brief.version
                    for done in each.rendered:
                        entry = name(done.brief, done.reader, done.lang, done.format)
                        entries[entry] = _entry(done, entry, keys, version, drafted[brief_id])
                        built.append(entry)
                        report.seconds[out / entry] = done.seconds
            if built:
                for version in versions:
                    for fmt in (fmt for fmt in formats if fmt not in todo[version]):
                        refresh(entries[name(*version, fmt)], keys, numbers.get(version[0], {}))
                staging.put(stage, out, MANIFEST, manifest_now())
                with staging.uninterrupted():
                    staging.commit(stage, out, built + texts)
    report.built = [out / entry for entry in built]
    report.warnings = list(dict.fromkeys(report.warnings))  # a fact two briefs print: once
    return _partly(report, broken)


def _partly(report: Report, broken: dict[str, BriefingError]) -> Report:
    """The report, or ``BrokenBriefs`` when a brief was left as it was."""
    if broken:
        briefs = sorted(broken)
        # A fact file two briefs use: its problems once.
        raise BrokenBriefs(list(dict.fromkeys(
            e for brief in briefs for e in getattr(broken[brief], "errors", [broken[brief]]))),
            briefs, report)
    return report
