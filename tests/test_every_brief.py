"""Every brief in templates/briefs/, whichever it is: what any brief is held to. They read
only what a brief declares (its readers, languages and the facts it prints), never what one
brief says, so a brief in which ``briefings check`` finds nothing passes them and a new brief
never makes ``make test`` fail. What the Peru MNNA brief says is tested in test_content.py."""

from __future__ import annotations

import functools
import re

import pytest

from briefings import numbering
from briefings.briefs import edition, editions, load_brief
from briefings.compose import brief_numbers, compose
from briefings.facts import load_facts
from briefings.project import Project
from briefings.rules.run import run_checks
from tests.conftest import ROOT, TODAY

PROJECT = Project(ROOT)
BRIEFS = PROJECT.brief_ids()
FORMATS = ("pdf", "docx", "html")
_NAMED = re.compile(r"\{source:([^}]+)\}")


def _versions() -> list[tuple[str, str, str]]:
    """(brief, reader, language) of every version the project builds."""
    return [(brief_id, version.reader, lang) for brief_id in BRIEFS
            for version in editions(PROJECT, load_brief(PROJECT, brief_id))
            for lang in version.languages]


VERSIONS = _versions()


@functools.cache
def _facts():
    return load_facts(PROJECT.facts, PROJECT.theme / "fonts", PROJECT.settings.languages)


@functools.cache
def _numbers(brief_id: str) -> dict[str, int]:
    return brief_numbers(PROJECT, _facts(), load_brief(PROJECT, brief_id), TODAY)


@functools.cache  # the tests only read the document
def composed(brief_id: str, reader: str, lang: str):
    version = edition(PROJECT, load_brief(PROJECT, brief_id), reader)
    return compose(PROJECT, _facts(), version, lang, TODAY, _numbers(brief_id))


@pytest.mark.parametrize("brief_id", BRIEFS)
def test_builds_in_every_format(built, brief_id):
    """Each reader's version in each of its languages, as PDF, DOCX and web page."""
    for version in editions(PROJECT, load_brief(PROJECT, brief_id)):
        for lang in version.languages:
            for extension in FORMATS:
                name = f"{brief_id}-{version.reader}-{lang}.{extension}"
                path = built / brief_id / version.reader / name
                assert path.is_file() and path.stat().st_size > 0, name


@pytest.mark.parametrize("brief_id, reader, lang", VERSIONS)
def test_cites_only_what_its_facts_use(brief_id, reader, lang):
    """Its sources list holds the sources of the facts it prints (or that their notes name),
    each linked from the text, numbered in the register's order: no other source of the
    register, which other briefs share."""
    document = composed(brief_id, reader, lang)
    facts = _facts()
    used = [facts.get(fact_id) for fact_id in document.facts_used]
    allowed = {ref.id for fact in used for ref in fact.sources} | {
        named for fact in used if fact.note for named in _NAMED.findall(fact.note[lang])}
    anchor = numbering.ANCHOR.removeprefix("#")
    listed = [entry.removeprefix(anchor) for entry in document.body.xpath(
        f"//section[@data-section='sources']//*[starts-with(@id, '{anchor}')]/@id")]
    assert set(listed) <= allowed, set(listed) - allowed
    assert set(listed) == numbering.cited(document)
    register = list(facts.sources)
    assert listed == sorted(listed, key=register.index)


@pytest.mark.parametrize("brief_id", BRIEFS)
def test_breaks_no_rule_of_the_check(brief_id):
    """``briefings check`` finds nothing, not even a warning, in any version: each says
    each thing once, prints no internal name (a source's or fact's id, a template's file),
    lists only registered sources it cites, gives each section one title, tells the same
    facts in every language, … (``briefings.rules``, each rule tested on the fixture)."""
    assert [p.report() for p in run_checks(PROJECT, TODAY, briefs=[brief_id])] == []
