"""The tense rule: a fact that describes how things stood more than a year before the brief
is printed in the past with its year ("en 2022, …"), never as how things stand now.

A fact's ``as_of`` is the date the situation it tells was described (a state's last
confirmation, an interview's date), so no new field is needed. Where a document prints a
fact's text, the sentence around it (the template's words and the fact's) is read:
- whatever the fact's kind, a present-tense marker ("hoy", "now": ``present_markers`` in
  the theme's ``i18n/<lang>.yaml``) outside quotations makes an old description current;
- a ``kind: state`` fact also needs its year in the sentence: a state reads as the present
  without one, while an event (a vote, a statement) reads as the past.
A fact used only for its values is not read here; the stale-fact warning still covers it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import html

from briefings import i18n
from briefings.document import Document
from briefings.errors import BriefingError
from briefings.facts import Fact, FactBase
from briefings.terms import _unquoted as unquoted  # the terms check's rule for «…», “…”

OLD = dt.timedelta(days=365)
# The elements whose text is read as running prose, innermost first.
_BLOCKS = ("p", "li", "td", "th", "dt", "dd", "figcaption", "h1", "h2", "h3")
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


@dataclass(frozen=True)
class Printing:
    """One place a document prints a fact's text, in the sentence around it."""
    fact: Fact
    section: html.HtmlElement
    sentence: str
    marker: str | None   # a present-tense marker in the sentence, outside quotations
    in_fact: bool        # the marker is in the fact's own text
    dated: bool          # the sentence names the year of the fact's as_of


def markers(document: Document) -> list[str]:
    return i18n.listed(document.meta.labels["present_markers"])


def _pattern(words: list[str]) -> re.Pattern | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _blocks(document: Document) -> Iterator[tuple[html.HtmlElement, str]]:
    """Each section, and the text of each innermost block of prose in it, outside the
    sources list."""
    for section in document.body.iterchildren("section"):
        for element in section.iter(*_BLOCKS):
            if (element.get("id") or "").startswith("src-") or \
                    any(True for _ in element.iterdescendants(*_BLOCKS)):
                continue
            yield section, " ".join(element.text_content().split())


def _sentence(text: str, start: int, end: int) -> str:
    """From the end of the sentence before ``start`` to the end of the one at ``end``."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return text[before[-1] if before else 0:after.end() if after else len(text)].strip()


def printings(document: Document, facts: FactBase) -> Iterator[Printing]:
    lang = document.meta.lang
    present = _pattern(markers(document))
    # The period may move after the citation ("…la OTAN [3]."): look for the rest.
    said = {fact_id: " ".join(facts.facts[fact_id].text[lang].split()).rstrip(".")
            for fact_id in document.facts_used}
    for section, block in _blocks(document):
        for fact_id, text in said.items():
            start = block.find(text)
            while start != -1:
                fact, end = facts.facts[fact_id], start + len(text)
                sentence = _sentence(block, start, end)
                marker = present.search(unquoted(sentence)) if present else None
                yield Printing(
                    fact, section, sentence, marker[0] if marker else None,
                    bool(marker) and bool(present.search(unquoted(text))),
                    re.search(rf"(?<!\d){fact.as_of.year}(?!\d)", sentence) is not None)
                start = block.find(text, end)


def told_in_the_past(found: list[Printing]) -> set[str]:
    """The facts a document prints (``found``) only in sentences with their year and no
    marker of the present: what they say is not offered as current, however old."""
    good, bad = set(), set()
    for p in found:
        (good if p.dated and not p.marker else bad).add(p.fact.id)
    return good - bad


def where_printed(fact_id: str, section: html.HtmlElement, chain, root: Path
                  ) -> tuple[str, int | None]:
    """The template line that prints the fact: ``{{ fact("id") }}``, or ``{{ name }}`` (or
    ``say(…, x=name)``) after ``{% set name = fact("id") %}``; in the section's template or
    one it extends."""
    call = re.compile(rf"""fact\(\s*["']{re.escape(fact_id)}["']\s*\)""")
    template = section.get("data-template")
    section_name = section.get("data-section")
    name = f"sections/{section_name}.md.j2"
    for path in [root / template, *(folder / name for folder in chain)]:
        if not path.is_file():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        taken = next((n for n, text in enumerate(lines) if call.search(text)), None)
        if taken is None:
            continue
        named = re.search(r"\{%-?\s*set\s+(\w+)\s*=\s*" + call.pattern, lines[taken])
        printed = re.compile(rf"\{{\{{-?\s*{named[1]}\b|=\s*{named[1]}\s*[,)]") \
            if named else None
        line = next((n for n, text in enumerate(lines[taken:], taken)
                     if printed and printed.search(text)), taken)
        return str(path.relative_to(root)), line + 1
    return template, None


def misdated(found: list[Printing], document: Document, chain, facts: FactBase,
             today: dt.date, root: Path) -> list[BriefingError]:
    """Each old fact a document prints (``found``) as current, at the template line that
    takes it: a warning."""
    example = document.meta.labels["past_with_year"]
    problems = []
    for p in found:
        fact = p.fact
        if fact.as_of >= today - OLD or (p.dated or fact.kind == "event") and not p.marker:
            continue
        year = fact.as_of.year
        if p.in_fact:
            path, line = facts.origin[fact.id]
            how = f'its text says "{p.marker}" ({path.relative_to(root)}:{line})'
        elif p.marker:
            how = f'the sentence says "{p.marker}"'
        else:
            how = "the sentence gives no year"
        file, line = where_printed(fact.id, p.section, chain, root)
        problems.append(BriefingError(
            f"fact '{fact.id}' describes the situation in {year}, but {how}: write it in the "
            f"past with its year, e.g. \"{example.format(year=year)}\"", file, line,
            level="warning"))
    return problems
