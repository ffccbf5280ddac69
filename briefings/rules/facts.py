"""A fact a brief offers as how things stand (``kind: state``) was confirmed not long ago."""

from __future__ import annotations

import datetime as dt

from briefings.errors import BriefingError
from briefings.facts import FactBase
from briefings.project import Project
from briefings.templating import relative

MAX_AGE_DAYS = 36_500     # a century: a fact's date is a calendar date
DEFAULT_AGE_DAYS = 365


def check_max_age(max_age_days: int) -> None:
    if not 0 <= max_age_days <= MAX_AGE_DAYS:
        raise BriefingError(f"--max-age-days {max_age_days}: give a number of days from 0 "
                            f"to {MAX_AGE_DAYS:,}")


def stale_facts(facts: FactBase, project: Project, today: dt.date, max_age_days: int,
                used: set[str]) -> list[BriefingError]:
    """Facts a brief prints as how things stand (``used``: not only in the past with their
    year) that were last confirmed long ago, as warnings; an event (a vote, a statement)
    stays what it was however old it is, and a fact no brief prints cannot mislead a
    reader."""
    oldest = today - dt.timedelta(days=max_age_days)
    return [BriefingError(f"fact '{fact.id}' is current as of {fact.as_of}, more than "
                          f"{max_age_days} days before {today}: check it is still true (or "
                          "mark it 'kind: event' if it records something that happened)",
                          relative(str(facts.origin[fact.id][0]), project.root),
                          facts.origin[fact.id][1], level="warning")
            for fact in facts.facts.values()
            if fact.id in used and fact.kind == "state" and fact.as_of < oldest]
