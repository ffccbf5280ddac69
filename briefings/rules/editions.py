"""Rules comparing the languages of one reader's brief: each is a function of the readings
of its documents, one per language, listed in ``RULES``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from briefings import i18n, projectfiles
from briefings.errors import BriefingError
from briefings.rules.documents import Reading


def _printing_section(reading: Reading, fact_id: str) -> str | None:
    """The section whose template takes the fact."""
    call = re.compile(rf"""fact\(\s*["']{re.escape(fact_id)}["']\s*\)""")
    for section in reading.sections():
        path = reading.root / section.get("data-template")
        if projectfiles.found(path) and call.search(projectfiles.read_text(path)):
            return section.get("data-section")
    return None


def same_facts(readings: Mapping[str, Reading]) -> list[BriefingError]:
    """Every language of a reader's brief rests on the same facts: a fact told in one
    only is a version saying more, or less, than the others."""
    problems = []
    for lang, reading in readings.items():
        for other, theirs in readings.items():
            for fact_id in sorted(set(theirs.document.facts_used)
                                  - set(reading.document.facts_used)):
                name = _printing_section(theirs, fact_id)
                mine = {s.get("data-section"): s.get("data-template")
                        for s in reading.sections()}
                where = f"section '{name}' " if name else ""
                problems.append(BriefingError(
                    f"{where}takes fact '{fact_id}' in {i18n.language_name(other)} but not "
                    f"in {i18n.language_name(lang)}: every language tells the same facts",
                    mine.get(name)))
    return problems


Rule = Callable[[Mapping[str, Reading]], list[BriefingError]]
RULES: list[Rule] = [same_facts]


def edition_problems(readings: Mapping[str, Reading]) -> list[BriefingError]:
    """``readings``: one reader's brief, by language."""
    return [problem for rule in RULES for problem in rule(readings)]
