"""``briefings check``: is every brief sound before it is sent?

Composes every brief × reader × language and runs the HTML and DOCX writers in memory (no
file is written), reporting with file and line: facts that do not load, templates that fail,
sections missing in one language, numbers typed into templates instead of taken from facts,
what a writer would refuse, quotes not found in their source, stale facts, and old facts
printed as the present (``tense``)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from briefings import i18n, projectfiles, workers
from briefings.briefs import Brief, Edition, editions, load_brief
from briefings.compose import FIGURES, FactAccess, draft, make_environment, missing_section
from briefings.document import Document, Theme
from briefings.errors import BriefingError, BriefingErrors, shown
from briefings.facts import FactBase, load_facts
from briefings.figures import declared, kinds, render
from briefings.figures.bind import Data
from briefings.figures.canvas import NoRoom
from briefings.project import Project
from briefings.settings import ProjectSettings
from briefings.style import load_style
from briefings.templating import relative
from briefings.tense import misdated, printings, told_in_the_past
from briefings.terms import load_terms, misuses

MAX_AGE_DAYS = 36_500     # a century: a fact's date is a calendar date


@dataclass(frozen=True)
class Finding:
    level: str                 # "error" or "warning"
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}: " if self.line else f"{self.file}: " if self.file else ""
        return f"{self.level}: {place}{self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


def _errors(exc: BriefingError, project: Project) -> list[Finding]:
    errors = exc.errors if isinstance(exc, BriefingErrors) else [exc]
    return [Finding("error", f"{e.key}: {e.message}" if e.key else e.message,
                    relative(e.file, project.root), e.line)
            for e in errors]


def stale_facts(facts: FactBase, project: Project, today: dt.date, max_age_days: int,
                used: set[str]) -> list[Finding]:
    """Facts a checked brief prints that describe how things stand (``kind: state``) and
    were last confirmed long ago; an event (a vote, a statement) stays what it was however
    old it is, and a fact no brief prints, or prints only in the past with its year, cannot
    mislead a reader."""
    oldest = today - dt.timedelta(days=max_age_days)
    return [Finding("warning", f"fact '{fact.id}' is current as of {fact.as_of}, more than "
                    f"{max_age_days} days before {today}: check it is still true (or mark it "
                    "'kind: event' if it records something that happened)",
                    relative(str(facts.origin[fact.id][0]), project.root), facts.origin[fact.id][1])
            for fact in facts.facts.values()
            if fact.id in used and fact.kind == "state" and fact.as_of < oldest]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _source_text(path: Path, sources_dir: Path) -> str | None:
    """A source's text, read from the project or the sources folder only (a ``file:``
    naming /etc/passwd would make the quote check an oracle on it); None if missing."""
    try:
        return _flat(projectfiles.read_text(path, sources_dir)) \
            if projectfiles.found(path) else None
    except FileNotFoundError:
        return None


def unquoted(facts: FactBase, project: Project, sources_dir: Path) -> list[Finding]:
    """Every quote must appear word for word (spacing aside) in its source document."""
    texts: dict[str, str | None] = {}
    findings = []
    for source in facts.sources.values():
        path = sources_dir / source.file
        try:
            texts[source.id] = _source_text(path, sources_dir)
        except BriefingError as exc:
            texts[source.id] = None
            findings.append(Finding("error", f"source '{source.id}': {shown(exc.file)}: "
                                    f"{exc.message}", "facts/sources.yaml"))
            continue
        if texts[source.id] is None:
            findings.append(Finding("warning", f"source '{source.id}': file {path} not found, "
                                    "its quotes were not checked", "facts/sources.yaml"))
    for fact in facts.facts.values():
        for i, ref in enumerate(fact.sources):
            text = texts[ref.id]
            if text is not None and _flat(ref.quote) not in text:
                # The source as the analyst knows it, not the seed's hashed file name.
                findings.append(Finding(
                    "error", f"fact '{fact.id}': quote not found in source '{ref.id}' "
                    f"(\"{facts.sources[ref.id].title}\"): \"{ref.quote}\"",
                    relative(str(facts.origin[fact.id][0]), project.root),
                    facts.line_of(fact.id, "sources", i, "quote")))
    return findings


def missing_translations(edition: Edition, settings: ProjectSettings) -> list[Finding]:
    """A section the edition lists must exist in each of the reader's languages."""
    env = make_environment(edition, settings.locale(edition.languages[0]), dt.date.today())
    return [Finding("error", missing.message, missing.file)
            for name in edition.sections for lang in edition.languages
            if (missing := missing_section(env, edition, name, lang))]


def unwritable(document: Document, theme: Theme, project: Project) -> list[Finding]:
    """What a writer would refuse (a heading or list too deep for Word, a page against the
    URL rule): the HTML and DOCX writers run in memory, so a brief that passes the check
    does not fail the build. The PDF is the HTML page, laid out; the DOCX is not saved."""
    from briefings.writers import docx as docx_writer
    from briefings.writers import html as html_writer
    findings = []
    for write in (lambda: html_writer.render(document, theme),
                  lambda: docx_writer.DocxWriter(document, theme).write()):
        try:
            write()
        except BriefingError as exc:
            findings += _errors(exc, project)
    return findings


def figure_problems(project: Project, facts: FactBase, brief: Brief, languages: list[str],
                    today: dt.date) -> list[Finding]:
    """Every figure of the brief's figures.yaml worked out from the facts in each of
    ``languages`` (those its readers read) and laid out (Vega-Lite's charts are not): a
    mistake in one is found before any build draws the others, and labels drawn over each
    other are a warning."""
    try:
        figures = declared.load(brief.folder / FIGURES)
        style = load_style(Theme((brief.folder, project.theme)))
    except BriefingError as exc:
        return _errors(exc, project)
    findings = []
    for lang in languages:
        for name, figure in figures.figures.items():
            try:
                ranges = i18n.labels((brief.folder, project.theme), lang)["date_range"]
                made = kinds.make(figure, Data(figures, name, FactAccess(facts, lang), lang,
                                               project.settings.locale(lang), today, ranges),
                                  style)
                findings += [Finding("warning", f"{name}: {clash} in the {i18n.language_name(lang)} "
                                     "drawing: shorten the words",
                                     relative(figures.path, project.root),
                                     figures.doc.line_of(("figures", name)))
                             for clash in render.collisions(made, style)]
            except NoRoom as exc:
                findings += _errors(figures.error((name,), str(exc)), project)
            except BriefingError as exc:
                findings += _errors(exc, project)
    return list(dict.fromkeys(findings))


def _check_document(job: tuple[Project, FactBase, Edition, str, dt.date]
                    ) -> tuple[list[Finding], list[str]]:
    """One document composed and written in memory: what is wrong with it, and the facts
    it prints as how things stand (not only in the past with their year)."""
    project, facts, edition, lang, today = job
    try:
        # A draft: the brief's source numbers change nothing the check reads.
        document = draft(project, facts, edition, lang, today)
        words = load_terms(edition.chain, lang)
    except BriefingError as exc:
        return _errors(exc, project), []
    printed = list(printings(document, facts))
    findings = unwritable(document, Theme(edition.chain), project)
    findings += [Finding("warning", m.message, m.file, m.line)
                 for m in [*misuses(document, edition.chain, words, facts, project.root),
                           *misdated(printed, document, edition.chain, facts, today,
                                     project.root)]]
    return findings, sorted(set(document.facts_used) - told_in_the_past(printed))


def _documents(project: Project, jobs: list) -> list[tuple[list[Finding], list[str]]]:
    """Each document checked in a worker, under the limits a build has (``workers``),
    several at once; the findings in the order of ``jobs``."""
    from briefings.writers import docx, html  # noqa: F401 (imported once, before forking)
    done = {}
    for job, outcome in workers.run(range(len(jobs)), lambda k: _check_document(jobs[k]),
                                    os.cpu_count() or 1,
                                    lambda k: f"{jobs[k][2].brief.id}-{jobs[k][2].reader}-"
                                              f"{jobs[k][3]}"):
        done[job] = (_errors(outcome, project), []) if isinstance(outcome, BriefingError) \
            else outcome
    return [done[k] for k in range(len(jobs))]


def run_checks(project: Project, today: dt.date, sources_dir: Path | None = None,
               max_age_days: int = 365, briefs: list[str] | None = None) -> list[Finding]:
    if not 0 <= max_age_days <= MAX_AGE_DAYS:
        raise BriefingError(f"--max-age-days {max_age_days}: give a number of days from 0 "
                            f"to {MAX_AGE_DAYS:,}")
    try:
        facts = load_facts(project.facts, project.theme / "fonts")
    except BriefingError as exc:
        return _errors(exc, project)
    findings, current, jobs = [], set(), []  # current: facts printed as how things stand
    if sources_dir is not None:
        findings += unquoted(facts, project, sources_dir)
    for brief_id in briefs or project.brief_ids():
        try:
            brief = load_brief(project, brief_id)
            chosen = editions(project, brief)
        except BriefingError as exc:
            findings += _errors(exc, project)
            continue
        languages = list(dict.fromkeys(lang for e in chosen for lang in e.languages))
        problems = figure_problems(project, facts, brief, languages, today)
        findings += problems
        if any(p.level == "error" for p in problems):
            continue
        for edition in chosen:
            translations = missing_translations(edition, project.settings)
            findings += translations
            if not translations:
                jobs += [(project, facts, edition, lang, today) for lang in edition.languages]
    for found, printed_as_current in _documents(project, jobs):
        findings += found
        current.update(printed_as_current)
    findings = stale_facts(facts, project, today, max_age_days, current) + findings
    # A mistake in a shared template shows in every edition that uses it: report it once.
    return list(dict.fromkeys(findings))
