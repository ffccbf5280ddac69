"""The editing guide's worked example runs as written, and the four audiences differ as their
profiles say.

The worked example in docs/editing-templates.md is applied literally. A marker line right
before a fenced code block says what to do with the block, in the order of the document:

    <!-- run -->            each line is a ``briefings …`` command (blank lines and ``#``
                            comments are skipped); it is run as
                            ``python -m briefings --project <copy> …`` in the copy
    <!-- file: PATH -->     the block is written to PATH (relative to the project)
    <!-- append: PATH -->   the block is added to the end of PATH

Code blocks without a marker are illustrations and are left alone.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys

import pytest

from briefings.audiences import Profile, load_audience
from briefings.compose import compose
from briefings.facts import load_facts
from briefings.preview import Preview
from briefings.project import Project
from tests.conftest import ROOT, TODAY

GUIDE = ROOT / "docs" / "editing-templates.md"
README = ROOT / "README.md"
PROJECT = Project(ROOT)
LANGS = ["es", "en"]

STEP = re.compile(r"^<!-- (?:(?P<run>run)|file: (?P<file>\S+)|append: (?P<append>\S+)) -->\n"
                  r"```[^\n]*\n(?P<body>.*?)^```$", re.M | re.S)
CITATION = re.compile(r"\s*\[\d+(?:, \d+)*\]")

# What each profile promises: the sections, in order.
SECTIONS = {
    "cancilleria": ["summary", "status", "designation", "benefits", "authorization", "context",
                    "risks", "recommendations", "sources"],
    "comision-congreso": ["summary", "authorization", "status", "designation", "benefits",
                          "risks", "context", "recommendations", "sources"],
    "prensa": ["summary", "authorization", "status", "sources"],
    "contrapartes-eeuu": ["summary", "status", "benefits", "authorization", "designation",
                          "risks", "context", "recommendations", "sources"],
}


# --- the worked example ---------------------------------------------------------------

def guide_steps() -> list[tuple[str, str | None, str]]:
    """(kind, path, body) for every marked block of the guide, in order."""
    steps = []
    for match in STEP.finditer(GUIDE.read_text(encoding="utf-8")):
        kind = "run" if match["run"] else "file" if match["file"] else "append"
        steps.append((kind, match["file"] or match["append"], match["body"]))
    return steps


def run_briefings(project: Project, line: str) -> subprocess.CompletedProcess:
    words = shlex.split(line)
    assert words[0] == "briefings", f"a run block may hold only briefings commands: {line}"
    return subprocess.run(
        [sys.executable, "-m", "briefings", "--project", str(project.root), *words[1:]],
        cwd=project.root, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})


def apply_guide(project: Project) -> list[str]:
    """Do what the worked example says; return the commands run."""
    commands = []
    for kind, path, body in guide_steps():
        if kind == "run":
            for line in body.splitlines():
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                done = run_briefings(project, line)
                assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
                commands.append(line)
            continue
        target = project.root / path
        assert target.resolve().is_relative_to(project.root.resolve())
        if kind == "file":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
        else:
            assert target.is_file(), f"the guide appends to {path}, which does not exist"
            with target.open("a", encoding="utf-8") as handle:
                handle.write(body)
    return commands


def flat(element) -> str:
    """An element's text without source numbers, whitespace collapsed."""
    return " ".join(CITATION.sub("", element.text_content()).split())


def sections_of(document) -> dict:
    return {s.get("data-section"): s for s in document.body.iterchildren("section")}


def test_the_guide_marks_a_complete_worked_example():
    kinds = [kind for kind, _, _ in guide_steps()]
    assert kinds[0] == "run" and kinds.count("run") >= 2
    assert {"file", "append"} <= set(kinds)


def test_the_worked_example_runs_as_written(project):
    commands = apply_guide(project)
    assert any(c.startswith("briefings new-audience parlamento-andino") for c in commands)
    assert any(c.startswith("briefings build") for c in commands)
    out = project.build / "parlamento-andino"
    for lang in LANGS:
        pdf = out / f"peru-mnna-parlamento-andino-{lang}.pdf"
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")

    facts = load_facts(project.facts)
    new_fact = facts.get("risks.not_choosing_sides")
    demo = load_audience(project, "parlamento-andino")
    base = load_audience(project, "cancilleria")
    assert demo.profile.sections == ["summary", "status", "risks", "recommendations", "sources"]
    for lang in LANGS:
        mine = sections_of(compose(project, facts, demo, lang, TODAY))
        theirs = sections_of(compose(project, facts, base, lang, TODAY))
        assert list(mine) == demo.profile.sections

        # The overridden block shows the new fact, with its source, right after the op-ed's
        # points and before the thesis's part of the section.
        [added] = [p for p in mine["risks"].iter("p") if new_fact.text[lang] in p.text_content()]
        assert added.xpath(".//a[starts-with(@href, '#src-')]")
        assert added.getprevious().tag == "ul" and added.getnext().tag == "h2"
        assert mine["risks"].get("data-template") == \
            f"templates/audiences/parlamento-andino/sections/{lang}/risks.md.j2"

        # Nothing else changed: the rest of the risks section, and every other section the
        # two audiences share, read as in the base audience (source numbers aside).
        added.getparent().remove(added)
        assert flat(mine["risks"]) == flat(theirs["risks"])
        for name in ("summary", "status", "recommendations"):
            assert flat(mine[name]) == flat(theirs[name]), name
        assert new_fact.text[lang] not in theirs["risks"].text_content()


def test_the_guide_documents_every_profile_field_and_every_block():
    guide = GUIDE.read_text(encoding="utf-8")
    for field in Profile.model_fields:
        assert re.search(rf"^`{field}`$", guide, re.M), f"profile field '{field}' undocumented"
    table = dict(re.findall(r"^\| `(\w+)` \| (`\w+`(?:, `\w+`)*) \|$", guide, re.M))
    for lang in LANGS:
        for template in sorted((PROJECT.base / "sections" / lang).glob("*.md.j2")):
            name = template.name.removesuffix(".md.j2")
            blocks = re.findall(r"\{% block (\w+) %\}", template.read_text(encoding="utf-8"))
            assert table.get(name) == ", ".join(f"`{b}`" for b in blocks), (lang, name)


def test_the_readme_lists_every_audience_and_links_the_guide():
    readme = README.read_text(encoding="utf-8")
    assert "docs/editing-templates.md" in readme
    for name in PROJECT.audience_names():
        assert f"`{name}`" in readme, name


# --- the four audiences -----------------------------------------------------------------

@pytest.fixture(scope="module")
def facts():
    return load_facts(PROJECT.facts)


@pytest.fixture(scope="module")
def documents(facts):
    return {(name, lang): compose(PROJECT, facts, load_audience(PROJECT, name), lang, TODAY)
            for name in SECTIONS for lang in LANGS}


def test_there_are_exactly_the_four_audiences():
    assert PROJECT.audience_names() == sorted(SECTIONS)


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_sections_follow_the_profile_in_both_languages(documents, name):
    profile = load_audience(PROJECT, name).profile
    assert profile.sections == SECTIONS[name]
    for lang in LANGS:
        assert [s.get("data-section") for s in documents[name, lang].body.iterchildren(
            "section")] == SECTIONS[name]
    # Both languages of a brief rest on the same facts.
    assert set(documents[name, "es"].facts_used) == set(documents[name, "en"].facts_used)


def test_no_two_audiences_give_the_same_brief(documents):
    for lang in LANGS:
        summaries = {name: flat(sections_of(documents[name, lang])["summary"])
                     for name in SECTIONS}
        assert len(set(summaries.values())) == len(SECTIONS), lang


def test_comision_congreso_leads_with_the_authorization_and_oversight(documents, facts):
    assert SECTIONS["comision-congreso"][1] == "authorization"
    heading = {"es": "Preguntas que las comisiones podrían plantear",
               "en": "Questions the committees may wish to put"}
    for lang in LANGS:
        document = documents["comision-congreso", lang]
        summary = sections_of(document)["summary"]
        bottom_line = summary.find("p").text_content()
        vote = facts.get("congress.vote").text[lang]
        assert bottom_line.index(vote) < bottom_line.index(
            facts.get("designation.official").text[lang])
        first_point = summary.find("ul").find("li").text_content()
        assert facts.get("congress.places").text[lang] in first_point

        [h2] = [h for h in summary.iter("h2") if h.text_content() == heading[lang]]
        questions = h2.getnext().getnext()
        assert questions.tag == "ol" and len(questions) >= 5
        for item in questions:
            assert "?" in item.text_content()
            assert item.xpath(".//a[starts-with(@href, '#src-')]"), item.text_content()
        # The gaps the questions rest on, each a fact with a source.
        assert {"congress.rotation", "congress.units", "congress.places",
                "procedure.officialization", "procedure.notified_body"} <= set(
            document.facts_used)
        # Committees are named generically.
        assert document.meta.audience_name == {
            "es": "Comisiones de Defensa Nacional y de Relaciones Exteriores del Congreso de "
                  "la República",
            "en": "National Defence and Foreign Relations Committees of Peru's Congress"}[lang]


def test_prensa_is_a_short_public_brief(documents, built):
    audience = load_audience(PROJECT, "prensa")
    assert audience.profile.length == "short"
    assert audience.profile.languages[0] == "es"
    pages = {(e["audience"], e["lang"]): e["pages"] for e in json.loads(
        (built / "manifest.json").read_text())["outputs"] if e["format"] == "pdf"}
    for lang in LANGS:
        assert pages["prensa", lang] <= 3, f"the {lang} press brief has {pages['prensa', lang]} pages"
        assert pages["prensa", lang] < pages["cancilleria", lang]
        document = documents["prensa", lang]
        assert document.meta.classification == {"es": "Público", "en": "Public"}[lang]
        # Short: the base leaves out the signatories and the precedents.
        full = sections_of(documents["cancilleria", lang])["authorization"]
        short = sections_of(document)["authorization"]
        assert len(short.findall("h2")) < len(full.findall("h2"))
        assert len(flat(document.body)) < len(flat(documents["cancilleria", lang].body)) / 3


def test_contrapartes_eeuu_is_english_first_with_its_own_summary(documents, facts, built):
    audience = load_audience(PROJECT, "contrapartes-eeuu")
    assert audience.profile.languages == ["en", "es"]
    preview = Preview(PROJECT, "contrapartes-eeuu", None)
    preview.rebuild()
    assert '<html lang="en">' in preview.page
    built_langs = {e["lang"] for e in json.loads((built / "manifest.json").read_text())[
        "outputs"] if e["audience"] == "contrapartes-eeuu"}
    assert built_langs == {"en", "es"}

    for lang in LANGS:
        mine = sections_of(documents["contrapartes-eeuu", lang])["summary"]
        theirs = sections_of(documents["cancilleria", lang])["summary"]
        assert flat(mine.find("p")) != flat(theirs.find("p"))
        assert facts.get("risks.sovereignty_principle").text[lang] in mine.find(
            "p").text_content()
        points = flat(mine.find("ul"))
        assert facts.get("procedure.bilateral_agenda").text[lang] in points
        assert facts.get("risks.conditionality").text[lang] in points
