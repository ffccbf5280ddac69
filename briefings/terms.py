"""The terminology check: in each language, the term a brief uses and the variants it does
not, outside quotations.

The list is ``terms.yaml`` in the theme; a brief (or one of its readers) adds its own in a
``terms.yaml`` of its folder. A variant is reported where it was written: the template's
line, else the fact's."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html
from pydantic import Field, RootModel

from briefings import projectfiles
from briefings.document import Document
from briefings.errors import BriefingError
from briefings.facts import FactBase
from briefings.schema import Language, Strict, Text
from briefings.yamlfile import read_yaml

# What a brief quotes keeps its source's words: «…» and “…” are not checked. (Straight
# quotes are not quotation marks in a brief's prose; in a template they delimit Jinja text.)
QUOTES = {"«": "»", "“": "”"}
_OPENING = re.compile("|".join(QUOTES))
FILE = "terms.yaml"


class Term(Strict):
    use: Text
    avoid: list[Text] = Field(min_length=1)


class TermsFile(RootModel[dict[Language, list[Term]]]):
    """The terms of each language, by its code: ``es: [...]``."""


def load_terms(chain, lang: str) -> list[Term]:
    """The terms of one language along an edition's chain, the theme's first."""
    terms = []
    for folder in reversed(chain):
        path = folder / FILE
        if projectfiles.found(path):
            listed = read_yaml(path).validate(TermsFile).root
            terms += listed.get(lang, [])
    return terms


def _pattern(variant: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(variant)}(?!\w)", re.IGNORECASE)


def _unquoted_text(section: html.HtmlElement) -> str:
    """A section's words, without the sources' entries (their titles are quotations)."""
    kept = [el for el in section if not (el.get("id") or "").startswith("src-")]
    return _unquoted(" ".join(el.text_content() for el in kept))


def _unquoted(text: str) -> str:
    """The text with each quotation replaced by a space. A scan, not a regular expression:
    one retries from every unclosed «, which is quadratic."""
    out, pos, start, unclosed = [], 0, 0, set()
    while match := _OPENING.search(text, start):
        end = -1 if match[0] in unclosed else text.find(QUOTES[match[0]], match.end())
        if end == -1:  # none later closes this kind: it is text
            unclosed.add(match[0])
            if len(unclosed) == len(QUOTES):
                break
            start = match.end()
            continue
        out += [text[pos:match.start()], " "]
        pos = start = end + 1
    out.append(text[pos:])
    return "".join(out)


def _blank_comments(source: str) -> str:
    """The source with each ``{# … #}`` blanked, its lines kept. A scan, not a regular
    expression: one retries from every unclosed ``{#``, which is quadratic."""
    out, pos = [], 0
    while (start := source.find("{#", pos)) != -1:
        end = source.find("#}", start + 2)
        if end == -1:
            break  # unclosed (inside {% raw %}, say): the rest is text
        out += [source[pos:start], re.sub(r"[^\n]", " ", source[start:end + 2])]
        pos = end + 2
    out.append(source[pos:])
    return "".join(out)


def _written(path: Path, pattern: re.Pattern) -> int | None:
    """The first line of a template where ``pattern`` is written outside quotations and
    outside Jinja comments (which are never printed)."""
    if not projectfiles.found(path):
        return None
    source = _blank_comments(projectfiles.read_text(path))
    return next((n for n, text in enumerate(source.splitlines(), 1)
                 if pattern.search(_unquoted(text))), None)


def misuses(document: Document, chain, terms: list[Term], facts: FactBase, root: Path
            ) -> list[BriefingError]:
    """Each variant a document prints outside quotations, where it was written: the
    section's template or one it extends along ``chain``, else a fact it printed. A
    warning: the brief still reads."""
    lang = document.meta.lang
    found = []
    for section in document.body.iterchildren("section"):
        text = _unquoted_text(section)
        template = section.get("data-template")
        name = section.get("data-section")
        words = f"sections/{lang}/{name}.yaml"
        candidates = [root / template, *(folder / words for folder in chain)]
        for term in terms:
            for variant in term.avoid:
                pattern = _pattern(variant)
                if not pattern.search(text):
                    continue
                file, line = template, None
                for path in candidates:
                    if line := _written(path, pattern):
                        file = str(path.relative_to(root))
                        break
                else:  # not in a template: in a fact it printed
                    for fact_id in document.facts_used:
                        fact = facts.facts[fact_id]
                        written = [fact.text[lang]] + ([fact.note[lang]] if fact.note else [])
                        if any(pattern.search(_unquoted(w)) for w in written):
                            path, line = facts.origin[fact_id]
                            file = str(path.relative_to(root))
                            break
                found.append(BriefingError(f'use "{term.use}", not "{variant}"', file, line,
                                           level="warning"))
    return found
