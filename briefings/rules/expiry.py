"""A brief does not print a fact past its ``valid_until``, nor within the project's
``review_within_days`` of it, unreviewed: one warning per fact and brief."""

from __future__ import annotations

import datetime as dt

from briefings.errors import BriefingError
from briefings.facts import FactBase
from briefings.printed import printed_by_brief, project_uses
from briefings.project import Project
from briefings.validity import expiries


def expiring(facts: FactBase, project: Project, today: dt.date,
             briefs: list[str] | None = None) -> list[BriefingError]:
    """Warnings at each such fact's valid_until line, the soonest first. Which facts a brief
    prints comes from its section templates and figure bindings (``printed``); a brief that
    cannot be read is reported by the other rules."""
    uses, _ = project_uses(project, facts, today, briefs)
    return [BriefingError(e.warning(), e.file, e.line, level="warning")
            for e in expiries(facts, project, printed_by_brief(uses), today,
                              project.settings.review_within_days)]
