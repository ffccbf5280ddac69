"""A brief does not print a fact past its ``valid_until``, nor within the project's
``review_within_days`` of it, unreviewed: one warning per fact and brief."""

from __future__ import annotations

import datetime as dt

from briefings.errors import BriefingError
from briefings.facts import FactBase
from briefings.project import Project
from briefings.validity import expiries


def expiring(facts: FactBase, project: Project, today: dt.date,
             printed: dict[str, set[str]]) -> list[BriefingError]:
    """Warnings at each such fact's valid_until line, the soonest first. ``printed`` (brief
    id → the facts its documents print) comes from the documents the check composed in its
    workers, under a build's limits: a runaway template stops there, not here."""
    return [BriefingError(e.warning(), e.file, e.line, level="warning")
            for e in expiries(facts, project, printed, today,
                              project.settings.review_within_days)]
