"""Every rule over a project: every brief × reader × language composed and written in memory
(no file is written), each problem once, with its file and line."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from briefings import workers
from briefings.briefs import Edition, editions, languages_read, load_brief
from briefings.compose import draft
from briefings.document import Theme
from briefings.errors import BriefingError, BriefingErrors
from briefings.facts import FactBase, load_facts
from briefings.project import Project
from briefings.rules.documents import Reading, document_problems, unwritable
from briefings.rules.editions import edition_problems
from briefings.rules.expiry import expiring
from briefings.rules.facts import DEFAULT_AGE_DAYS, check_max_age, stale_facts
from briefings.rules.figures import figure_problems
from briefings.rules.quotes import unquoted
from briefings.rules.templates import missing_translations
from briefings.rules.tense import told_in_the_past
from briefings.templating import relative


def each(exc: BriefingError) -> list[BriefingError]:
    """The problems a raised error holds."""
    return list(exc.errors) if isinstance(exc, BriefingErrors) else [exc]


def located(problems: list[BriefingError], root: Path) -> list[BriefingError]:
    """Files named as the analyst sees them, under the project (``facts/…``)."""
    for problem in problems:
        problem.file = relative(problem.file, root)
    return problems


def _check_edition(job: tuple[Project, FactBase, Edition, dt.date]
                   ) -> tuple[list[BriefingError], list[str], list[str]]:
    """Each language of one reader's brief composed and written in memory: what is wrong
    with it, the facts it prints as how things stand (not only in the past with their
    year), and every fact it prints."""
    project, facts, edition, today = job
    problems, current, used, readings = [], set(), set(), {}
    for lang in edition.languages:
        try:
            # A draft: the brief's source numbers change nothing the rules read.
            document = draft(project, facts, edition, lang, today)
            reading = Reading.of(document, facts, edition.chain, project.root, today)
            problems += unwritable(document, Theme(edition.chain))
            problems += document_problems(reading)
        except BriefingError as exc:
            problems += each(exc)
            continue
        readings[lang] = reading
        used.update(document.facts_used)
        current.update(set(document.facts_used) - told_in_the_past(list(reading.printed)))
    if len(readings) == len(edition.languages):
        problems += edition_problems(readings)
    return located(problems, project.root), sorted(current), sorted(used)


def _editions(project: Project, jobs: list
              ) -> list[tuple[list[BriefingError], list[str], list[str]]]:
    """Each edition checked in a worker, under the limits a build has (``workers``),
    several at once; the results in the order of ``jobs``."""
    from briefings.writers import docx, html  # noqa: F401 (imported once, before forking)
    done = {}
    for k, outcome in workers.run(range(len(jobs)), lambda k: _check_edition(jobs[k]),
                                  os.cpu_count() or 1,
                                  lambda k: f"{jobs[k][2].brief.id}-{jobs[k][2].reader}"):
        done[k] = (located(each(outcome), project.root), [], []) \
            if isinstance(outcome, BriefingError) else outcome
    return [done[k] for k in range(len(jobs))]


def run_checks(project: Project, today: dt.date, sources_dir: Path | None = None,
               max_age_days: int = DEFAULT_AGE_DAYS, briefs: list[str] | None = None
               ) -> list[BriefingError]:
    """Every problem of the project (or of ``briefs``), stale and expiring facts first."""
    check_max_age(max_age_days)
    try:
        facts = load_facts(project.facts, project.theme / "fonts", project.settings.languages,
                           languages_read(project))
    except BriefingError as exc:
        return located(each(exc), project.root)
    problems, current, jobs = [], set(), []  # current: facts printed as how things stand
    problems += unquoted(facts, project, sources_dir)
    for brief_id in briefs or project.brief_ids():
        try:
            brief = load_brief(project, brief_id)
            chosen = editions(project, brief)
        except BriefingError as exc:
            problems += each(exc)
            continue
        languages = list(dict.fromkeys(lang for e in chosen for lang in e.languages))
        found = figure_problems(project, facts, brief, languages, today)
        problems += found
        if any(p.level == "error" for p in found):
            continue
        for edition in chosen:
            translations = missing_translations(edition, project.settings, project.root)
            problems += translations
            if not translations:
                jobs.append((project, facts, edition, today))
    printed: dict[str, set[str]] = {}  # brief id → every fact its versions print
    for job, (found, printed_as_current, used) in zip(jobs, _editions(project, jobs)):
        problems += found
        current.update(printed_as_current)
        printed.setdefault(job[2].brief.id, set()).update(used)
    problems = stale_facts(facts, project, today, max_age_days, current) \
        + expiring(facts, project, today, printed) + problems
    # A mistake in a shared template shows in every edition that uses it: report it once.
    return list(dict.fromkeys(located(problems, project.root)))
