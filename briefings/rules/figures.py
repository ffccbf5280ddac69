"""Every figure of a brief's figures.yaml is worked out from the facts in each language and
laid out, its labels apart."""

from __future__ import annotations

import datetime as dt

from briefings import i18n
from briefings.briefs import Brief
from briefings.compose import FIGURES, FactAccess
from briefings.document import Theme
from briefings.errors import BriefingError, BriefingErrors
from briefings.facts import FactBase
from briefings.figures import declared, kinds, render
from briefings.figures.bind import Data
from briefings.figures.canvas import NoRoom
from briefings.project import Project
from briefings.style import load_style
from briefings.templating import relative


def _each(exc: BriefingError) -> list[BriefingError]:
    return exc.errors if isinstance(exc, BriefingErrors) else [exc]


def figure_problems(project: Project, facts: FactBase, brief: Brief, languages: list[str],
                    today: dt.date) -> list[BriefingError]:
    """Every figure worked out in each of ``languages`` (those its readers read; Vega-Lite's
    charts are not): a mistake in one is found before any build draws the others, and
    labels drawn over each other are a warning."""
    try:
        figures = declared.load(brief.folder / FIGURES, project.settings.languages)
        style = load_style(Theme((brief.folder, project.theme)))
    except BriefingError as exc:
        return _each(exc)
    problems = []
    for lang in languages:
        for name, figure in figures.figures.items():
            try:
                ranges = i18n.labels((brief.folder, project.theme), lang)["date_range"]
                made = kinds.make(figure, Data(figures, name, FactAccess(facts, lang), lang,
                                               project.settings.locale(lang), today, ranges),
                                  style)
                problems += [BriefingError(f"{name}: {clash} in the "
                                           f"{i18n.language_name(lang)} drawing: shorten the "
                                           "words", relative(figures.path, project.root),
                                           figures.doc.line_of(("figures", name)),
                                           level="warning")
                             for clash in render.collisions(made, style)]
            except NoRoom as exc:
                problems += _each(figures.error((name,), str(exc)))
            except BriefingError as exc:
                problems += _each(exc)
    return list(dict.fromkeys(problems))
