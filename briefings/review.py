"""``briefings due`` and ``briefings uses``: which briefs a fact's end or a fact's edit calls
for reviewing, and who holds them. Both read the project and the record of sends and write
nothing; a brief that cannot be read is named, and the others are still listed."""

from __future__ import annotations

import datetime as dt

from briefings.columns import aligned
from briefings.errors import BriefingError, did_you_mean
from briefings.facts import load_facts
from briefings.printed import printed_by_brief, project_uses
from briefings.project import Project
from briefings.sends import deliveries, record_path
from briefings.templating import relative
from briefings.validity import expiries


def due(project: Project, today: dt.date) -> tuple[str, list[BriefingError]]:
    """The briefs printing a fact that stops holding within the project's
    ``review_within_days`` (or already has), the most urgent first, each with those facts;
    and the problems that kept a brief from being read."""
    within = project.settings.review_within_days
    facts = load_facts(project.facts, project.theme / "fonts", project.settings.languages)
    uses, problems = project_uses(project, facts, today)
    found = expiries(facts, project, printed_by_brief(uses), today, within)
    if not found:
        return (f"nothing due: no brief prints a fact that stops holding within {within} "
                f"days of {today} (review_within_days in templates/project.yaml)"), problems
    briefs = list(dict.fromkeys(e.brief for e in found))   # the soonest fact first
    lines = [f"{len(briefs)} brief{'s' * (len(briefs) != 1)} to review on {today} "
             f"(facts that stop holding within {within} days, or have):"]
    rows = dict(zip(found, aligned([(f"until {e.until}", e.when(), e.fact,
                                     f"{e.file}:{e.line}") for e in found])))
    for brief in briefs:
        lines += ["", brief, *(row for e, row in rows.items() if e.brief == brief)]
    return "\n".join(lines), problems


def uses(project: Project, fact_id: str, today: dt.date) -> tuple[str, list[BriefingError]]:
    """Where ``fact_id`` is printed (brief, reader, language, section, figure) and who
    received those documents, when; and the problems that kept a brief from being read."""
    facts = load_facts(project.facts, project.theme / "fonts", project.settings.languages)
    if fact_id not in facts.facts:
        hint = did_you_mean(fact_id, facts.facts)
        raise BriefingError(f"unknown fact '{fact_id}'" + (f" ({hint})" if hint else ""))
    fact = facts.facts[fact_id]
    file, line = facts.origin[fact_id]
    until = f", holds until {fact.valid_until}" if fact.valid_until else ""
    lines = [f"{fact_id} ({relative(str(file), project.root)}:{line}): as of {fact.as_of}"
             f"{until}"]
    everywhere, problems = project_uses(project, facts, today)
    printed = [u for u in everywhere if u.fact == fact_id]
    if not printed:
        lines.append("printed in no brief")
        return "\n".join(lines), problems
    versions = {(u.brief, u.reader, u.lang) for u in printed}
    lines += ["", f"printed in {len(versions)} version{'s' * (len(versions) != 1)}:"]
    lines += aligned([("brief", "reader", "lang", "section", "figure"),
                      *((u.brief, u.reader, u.lang, u.section, u.figure) for u in printed)])
    received = [d for d in deliveries(project) if (d.brief, d.reader, d.lang) in versions]
    record = relative(str(record_path(project)), project.root)
    if not received:
        lines += ["", f"received by nobody yet (no delivery of these in {record})"]
        return "\n".join(lines), problems
    lines += ["", f"received by (from {record}):"]
    lines += aligned([("brief", "reader", "lang", "version", "recipient", "delivered",
                       "files"),
                      *((d.brief, d.reader, d.lang, d.version or "?", d.to, d.at,
                         ", ".join(d.file_names)) for d in received)])
    return "\n".join(lines), problems
