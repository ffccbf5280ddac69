"""Which facts each version of a brief prints, section by section and figure by figure.

Only the section templates are run, each with its own fact door (``compose.FactAccess``);
a figure is bound to its facts (``figures.bind``), never drawn, and no Markdown is made:
finding where a fact goes reads the project and writes nothing."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from markupsafe import Markup

from briefings import i18n, prose, workers
from briefings.briefs import Edition, editions, load_brief
from briefings.compose import (FIGURES, FactAccess, make_environment, missing_section,
                               render_section, template_context)
from briefings.document import Theme
from briefings.errors import BriefingError
from briefings.facts import FactBase
from briefings.figures import declared, kinds
from briefings.figures.bind import Data
from briefings.project import Project
from briefings.style import Style, load_style
from briefings.templating import TemplateValueError


@dataclass(frozen=True)
class Use:
    """One fact printed in one section of one version: directly, or in ``figure``."""
    brief: str
    reader: str
    lang: str
    section: str
    figure: str   # "" when the section's text prints it
    fact: str


class _Binder:
    """``{{ figure("name") }}`` in a trace: the figure's facts, read through a door of their
    own, so that a section's own uses and its figures' stay apart; nothing is drawn."""

    def __init__(self, edition: Edition, facts: FactBase, lang: str, today: dt.date,
                 locale: str, ranges: str):
        self._edition, self._facts, self._lang, self._today = edition, facts, lang, today
        self._locale, self._ranges = locale, ranges
        self._declared: declared.Declared | None = None
        self._style: Style | None = None
        self.facts: dict[str, list[str]] = {}   # figure name → the facts it shows

    def __call__(self, name: str | None = None) -> Markup:
        self._declared = self._declared or declared.load(self._edition.brief.folder / FIGURES)
        figure = self._declared.figures.get(name) if isinstance(name, str) else None
        if figure is None:  # the check and the build say what is wrong with it
            raise TemplateValueError(f"unknown figure '{name}'")
        data = Data(self._declared, name, FactAccess(self._facts, self._lang), self._lang,
                    self._locale, self._today, self._ranges)
        self._style = self._style or load_style(Theme(self._edition.chain))
        kinds.make(figure, data, self._style)
        self.facts[name] = list(data.facts)
        return Markup("")


def edition_uses(project: Project, facts: FactBase, edition: Edition, lang: str,
                 today: dt.date) -> list[Use]:
    """What one reader's brief prints in ``lang``, section by section."""
    strings = i18n.labels(edition.chain, lang)
    locale = project.settings.locale(lang)
    env = make_environment(edition, locale, today)
    words = prose.Prose(env, edition.chain, lang, locale, project.root)
    uses = []
    for name in edition.sections:
        if missing := missing_section(env, edition, name, lang, project.root):
            raise missing
        access = FactAccess(facts, lang, labels=strings)
        binder = _Binder(edition, facts, lang, today, locale, strings["date_range"])
        context = template_context(edition, lang, today, strings, access, binder)
        context["say"] = words.say(name)
        render_section(env, name, lang, context, project, edition)
        where = (edition.brief.id, edition.reader, lang, name)
        uses += [Use(*where, "", fact) for fact in access.used]
        uses += [Use(*where, figure, fact) for figure, shown in binder.facts.items()
                 for fact in shown]
    return uses


def project_uses(project: Project, facts: FactBase, today: dt.date,
                 briefs: list[str] | None = None) -> tuple[list[Use], list[BriefingError]]:
    """Every fact use of every version of ``briefs`` (default: all), and the problems that
    kept a brief or a version from being read: one broken brief hides only itself. Each
    version is read in a worker, under a build's limits (``workers``): a runaway template
    stops there, with one line, instead of hanging the command."""
    versions, problems = [], []
    for brief_id in briefs or project.brief_ids():
        try:
            chosen = editions(project, load_brief(project, brief_id))
        except BriefingError as exc:
            problems.append(exc)
            continue
        versions += [(edition, lang) for edition in chosen for lang in edition.languages]
    found: dict[int, list[Use] | BriefingError] = {}
    for k, done in workers.run(
            range(len(versions)),
            lambda k: edition_uses(project, facts, *versions[k], today), os.cpu_count() or 1,
            lambda k: f"{versions[k][0].brief.id}-{versions[k][0].reader}-{versions[k][1]}"):
        found[k] = done
    done = [found[k] for k in sorted(found)]   # in the versions' order, however they finished
    problems += [each for each in done if isinstance(each, BriefingError)]
    uses = [use for each in done if not isinstance(each, BriefingError) for use in each]
    return list(dict.fromkeys(uses)), problems


def printed_by_brief(uses: list[Use]) -> dict[str, set[str]]:
    """The facts each brief prints, in any version."""
    by_brief: dict[str, set[str]] = {}
    for use in uses:
        by_brief.setdefault(use.brief, set()).add(use.fact)
    return by_brief
