"""Rules on what one composed document prints: each is a function of a ``Reading`` that
returns its problems, listed in ``RULES``. The build runs them on every document it makes,
the check on every version of every brief."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import html

from briefings import projectfiles
from briefings.document import Document, Theme
from briefings.errors import BriefingError, BriefingErrors
from briefings.facts import FactBase
from briefings.numbering import ANCHOR
from briefings.prose import prose_file
from briefings.rules.sections import blocks_listed, typed_and_overrides, words_said
from briefings.rules.tense import Printing, misdated, printings, where_printed
from briefings.templating import relative
from briefings.terms import load_terms, misuses


@dataclass(frozen=True)
class Reading:
    """One composed document and what its rules read beside it."""
    document: Document
    facts: FactBase
    chain: tuple[Path, ...]        # the edition's template folders, its own first
    root: Path                     # the project's folder: files are named under it
    today: dt.date
    printed: tuple[Printing, ...]  # each place it prints a fact's text (``tense.printings``)

    @classmethod
    def of(cls, document: Document, facts: FactBase, chain, root: Path, today: dt.date):
        return cls(document, facts, tuple(chain), root, today,
                   tuple(printings(document, facts)))

    @property
    def lang(self) -> str:
        return self.document.meta.lang

    def sections(self):
        return self.document.body.iterchildren("section")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _quoted(text: str, most: int = 60) -> str:
    """The text in quotation marks, cut after a word to about ``most`` characters."""
    if len(text) > most:
        text = text[:most].rsplit(" ", 1)[0] + "…"
    return f'"{text}"'


def _entry(element: html.HtmlElement) -> bool:
    """An entry of the sources list: its titles are the sources' words, not the brief's."""
    return (element.get("id") or "").startswith(ANCHOR[1:])


_JINJA = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)


def written_at(reading: Reading, section: html.HtmlElement, text: str
               ) -> tuple[str | None, int | None]:
    """Where ``text``, printed in ``section``, was written: the line of the section's words
    in the language (``sections/<lang>/<section>.yaml``) or of its template's own text that
    has it, else the fact it printed that has it, else the template."""
    template = section.get("data-template")
    words = [prose_file(folder, reading.lang, section.get("data-section"))
             for folder in reading.chain]
    for path in words + ([reading.root / template] if template else []):
        if projectfiles.found(path):
            source = projectfiles.read_text(path)
            if path.suffix == ".j2":   # its text, not its code: fact("x.y") names a fact
                source = _JINJA.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), source)
            for n, line in enumerate(source.splitlines(), 1):
                if text in line:
                    return relative(str(path), reading.root), n
    for fact_id in reading.document.facts_used:
        fact = reading.facts.facts[fact_id]
        written = [fact.text[reading.lang]] + ([fact.note[reading.lang]] if fact.note else [])
        if any(text in _flat(w) for w in written):
            file, line = reading.facts.origin[fact_id]
            return relative(str(file), reading.root), line
    return template, None


def old_facts_told_as_now(reading: Reading) -> list[BriefingError]:
    return misdated(list(reading.printed), reading.document, reading.chain, reading.facts,
                    reading.today, reading.root)


def terms_to_avoid(reading: Reading) -> list[BriefingError]:
    return misuses(reading.document, reading.chain, load_terms(reading.chain, reading.lang),
                   reading.facts, reading.root)


# A sentence ends at . ! ? or : before a capital, an opening mark or a bracket.
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-ZÁÉÍÓÚÑ¿¡«“(])")
_CITATIONS = re.compile(r"\s*\[\d+(?:,\s*\d+)*\]")
SAID_ONCE = 45   # characters: a shorter sentence is a label ("Responsable: …") and may repeat


def said_once(reading: Reading) -> list[BriefingError]:
    """A sentence printed twice in one document reads as padding: each is said once (its
    source numbers and note calls aside)."""
    body = copy.deepcopy(reading.document.body)
    for call in body.xpath("//sup | //a[contains(@class, 'footnote-backref')]"):
        call.drop_tree()
    seen: dict[str, str] = {}
    problems = []
    for section in body.iterchildren("section"):
        for block in section.iter("p", "li", "td"):
            if _entry(block) or any(child.tag in ("p", "li", "ul", "ol") for child in block):
                continue
            for sentence in _SENTENCE_END.split(_flat(_CITATIONS.sub("", block.text_content()))):
                if len(sentence) < SAID_ONCE:
                    continue
                name = section.get("data-section")
                if sentence in seen:
                    file, line = _fact_or_text(reading, section, sentence)
                    first = f"section '{seen[sentence]}'" if seen[sentence] != name \
                        else "the same section"
                    problems.append(BriefingError(
                        f"section '{name}' prints {_quoted(sentence)} a second time (first in "
                        f"{first}): say each thing once", file, line, level="warning"))
                seen.setdefault(sentence, name)
    return problems


def _fact_or_text(reading: Reading, section, sentence: str) -> tuple[str | None, int | None]:
    """The template line printing the fact whose text the sentence is, else where the
    sentence was written."""
    for fact_id in reading.document.facts_used:
        if sentence.rstrip(".") in _flat(reading.facts.facts[fact_id].text[reading.lang]):
            return where_printed(fact_id, section, reading.chain, reading.root)
    return written_at(reading, section, sentence[:40])


_TEMPLATE_FILE = re.compile(r"[\w./-]+\.j2\b")
_SOURCE_REFERENCE = re.compile(r"\{source:[^}\s]*\}")
_QUOTED_NAME = re.compile(r"«([\w.-]+)»|\"([\w.-]+)\"")   # a source id as a title
_DOTTED_NAME = re.compile(r"(?<![\w.-])\w[\w-]*(?:\.[\w-]+)+")   # a fact id's form


def no_internal_name(reading: Reading) -> list[BriefingError]:
    """What only the project's files mean is never printed: a ``{source:…}`` written where
    it is not replaced, a source's or fact's id, a template's file name."""
    source_ids, fact_ids = reading.facts.sources, reading.facts.facts
    problems = []
    for section in reading.sections():
        text = _flat(" ".join(el.text_content() for el in section if not _entry(el)))
        found = [(m[0], f"prints {m[0]} as written: only a fact's note names a source "
                  "this way, and it prints there as the source's number")
                 for m in _SOURCE_REFERENCE.finditer(text)]
        found += [(m[0], f"prints the source id '{m[1] or m[2]}': name a source by its "
                   "title, or cite it through a fact")
                  for m in _QUOTED_NAME.finditer(text) if (m[1] or m[2]) in source_ids]
        found += [(m[0], f"prints the fact id '{m[0]}': print the fact or its values, not "
                   "its id")
                  for m in _DOTTED_NAME.finditer(text) if m[0] in fact_ids]
        found += [(m[0], f"prints the template file name '{m[0]}'")
                  for m in _TEMPLATE_FILE.finditer(text)]
        for needle, message in dict.fromkeys(found):
            file, line = written_at(reading, section, needle)
            problems.append(BriefingError(message, file, line))
    return problems


def sources_listed(reading: Reading) -> list[BriefingError]:
    """Each entry of the sources list is a registered source this version cites, and that a
    fact it prints rests on (one of the fact's sources, or named in its note): a source
    cited by hand carries no quote the check can find in its text. (A citation with no
    entry to lead to is refused by the writers, as any link is.)"""
    body, registered = reading.document.body, reading.facts.sources
    used = [reading.facts.facts[fact_id] for fact_id in reading.document.facts_used]
    rests_on = {ref.id for fact in used for ref in fact.sources} | {
        named[len("{source:"):-1] for fact in used if fact.note
        for named in _SOURCE_REFERENCE.findall(fact.note[reading.lang])}
    cited = {link.get("href")[len(ANCHOR):]
             for link in body.xpath(f".//a[starts-with(@href, '{ANCHOR}')]")}
    problems = []
    for entry in body.iter():
        if not _entry(entry):
            continue
        source_id = entry.get("id")[len(ANCHOR) - 1:]
        section = next(entry.iterancestors("section"), entry)
        if source_id not in registered:
            problems.append(BriefingError(
                f"the sources list of section '{section.get('data-section')}' gives "
                f"'{source_id}', which facts/sources.yaml does not register",
                section.get("data-template")))
        elif source_id not in cited:
            problems.append(BriefingError(
                f"the sources list of section '{section.get('data-section')}' gives "
                f"'{source_id}', which nothing in this version cites",
                section.get("data-template")))
        elif source_id not in rests_on:
            problems.append(BriefingError(
                f"the sources list of section '{section.get('data-section')}' gives "
                f"'{source_id}', which no fact this version prints rests on: cite a source "
                "through a fact that quotes it", section.get("data-template")))
    return problems


def one_title(reading: Reading) -> list[BriefingError]:
    """A section has one level-1 heading, its title, and starts with it: the contents and
    the bookmarks list each section once, by it."""
    problems = []
    for section in reading.sections():
        titles = section.findall("h1")
        name, template = section.get("data-section"), section.get("data-template")
        if len(titles) > 1:
            file, line = written_at(reading, section, f"# {_flat(titles[1].text_content())}")
            problems.append(BriefingError(
                f"section '{name}' has {len(titles)} level-1 headings (# …): a section has "
                "one, its title; make the others level 2 (## …)", file, line))
        elif not titles or section[0] is not titles[0]:
            problems.append(BriefingError(
                f"section '{name}' does not start with its title: put a level-1 heading "
                "(# …) first", template))
    return problems


Rule = Callable[[Reading], list[BriefingError]]
RULES: list[Rule] = [terms_to_avoid, old_facts_told_as_now, said_once, no_internal_name,
                     sources_listed, one_title, typed_and_overrides, blocks_listed,
                     words_said]


def document_problems(reading: Reading) -> list[BriefingError]:
    return [problem for rule in RULES for problem in rule(reading)]


def unwritable(document: Document, theme: Theme) -> list[BriefingError]:
    """What a writer would refuse (a heading or list too deep for Word, a page against the
    URL rule): the check runs the HTML and DOCX writers in memory, so a brief that passes
    it does not fail the build (which finds these by writing). The PDF is the HTML page,
    laid out; the DOCX is not saved."""
    from briefings.writers import docx as docx_writer
    from briefings.writers import html as html_writer
    problems = []
    for write in (lambda: html_writer.render(document, theme),
                  lambda: docx_writer.DocxWriter(document, theme).write()):
        try:
            write()
        except BriefingErrors as exc:
            problems += exc.errors
        except BriefingError as exc:
            problems.append(exc)
    return problems
