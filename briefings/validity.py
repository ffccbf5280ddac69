"""Facts that stop holding: a fact's ``valid_until`` (an authorization's last day) against the
briefs that print it, from ``review_within_days`` (templates/project.yaml) before that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from briefings.facts import FactBase
from briefings.project import Project
from briefings.templating import relative


@dataclass(frozen=True)
class Expiry:
    """A brief printing a fact that stops holding soon, or already has."""
    brief: str
    fact: str
    until: dt.date
    days: int            # from the build's day to ``until``: below 0 once it has passed
    file: str            # the fact file, and the line of its valid_until
    line: int | None

    def when(self) -> str:
        if self.days < 0:
            return f"{-self.days} day{'s' * (self.days != -1)} ago"
        return "today" if self.days == 0 else f"in {self.days} day{'s' * (self.days != 1)}"

    def warning(self) -> str:
        """The check's words, without the place (the caller adds the file and line)."""
        if self.days < 0:
            return (f"fact '{self.fact}' held until {self.until} ({self.when()}) and brief "
                    f"'{self.brief}' still prints it: update the fact and its valid_until, or "
                    "the brief")
        return (f"fact '{self.fact}' holds until {self.until} ({self.when()}) and brief "
                f"'{self.brief}' prints it: review the brief before then")


def expiries(facts: FactBase, project: Project, printed: dict[str, set[str]],
             today: dt.date, within_days: int) -> list[Expiry]:
    """For each brief (``printed``: brief id → the facts it prints), the facts whose
    valid_until is past or at most ``within_days`` away; the soonest first."""
    horizon = today + dt.timedelta(days=within_days)
    found = []
    for brief, fact_ids in printed.items():
        for fact_id in fact_ids:
            until = facts.facts[fact_id].valid_until
            if until is not None and until <= horizon:
                found.append(Expiry(brief, fact_id, until, (until - today).days,
                                    relative(str(facts.origin[fact_id][0]), project.root),
                                    facts.line_of(fact_id, "valid_until")))
    return sorted(found, key=lambda e: (e.until, e.brief, e.fact))
