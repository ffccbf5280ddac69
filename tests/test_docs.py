"""The editing guide's worked examples run as written, and the Peru brief's four readers get
the brief their entries in its brief.yaml promise.

The worked examples in docs/editing-templates.md are applied literally. A marker line right
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
import re
import shlex
import subprocess

import pytest

from briefings.briefs import BriefFile, Reader
from briefings.compose import compose
from briefings.facts import load_facts
from briefings.preview import Preview
from briefings.project import Project
from tests.conftest import PERU, ROOT, TODAY, briefings, peru

GUIDE = ROOT / "docs" / "editing-templates.md"
README = ROOT / "README.md"
PROJECT = Project(ROOT)
LANGS = ["es", "en"]

STEP = re.compile(r"^<!-- (?:(?P<run>run)|file: (?P<file>\S+)|append: (?P<append>\S+)) -->\n"
                  r"```[^\n]*\n(?P<body>.*?)^```$", re.M | re.S)
CITATION = re.compile(r"\s*\[\d+(?:, \d+)*\]")

# What the Peru brief gives each reader: the sections, in order.
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
    return briefings(project, *words[1:])


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


def foreign_ministry_only(project: Project) -> None:
    """The Peru brief of a copy goes to the Foreign Ministry alone, the reader the example
    copies and compares with: its check and builds draft 4 versions of the brief, not 10.
    brief.yaml keeps its text: the readers are its last key, where the guide appends one."""
    path = project.briefs / PERU / "brief.yaml"
    text = path.read_text(encoding="utf-8")
    kept = "\n  cancilleria: {}\n"
    assert text.rstrip("\n").splitlines()[-1].startswith("    ") and kept in text
    path.write_text(text[:text.index(kept) + len(kept)], encoding="utf-8")


@pytest.fixture(scope="module")
def guided(tmp_path_factory):
    """A copy of the project after the guide's worked examples, and the commands run."""
    from briefings import workers
    from tests.conftest import copy_project, in_this_process
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1795453200")
    mp.setattr(workers, "run", in_this_process)  # the commands' results are the point
    try:
        project = copy_project(tmp_path_factory.mktemp("guided"))
        foreign_ministry_only(project)
        yield project, apply_guide(project)
    finally:
        mp.undo()


def numbers_built(out) -> dict[str, int]:
    """The Peru brief's source numbers, as the build worked them out (from drafts of every
    version) and recorded in its manifest."""
    from briefings.outputs import recorded_numbers
    numbers = recorded_numbers(json.loads((out / "manifest.json").read_text()))[PERU]
    assert numbers
    return numbers


def test_the_new_reader_example_runs_as_written(guided):
    project, commands = guided
    assert any(c.startswith("briefings new-reader parlamento-andino") for c in commands)
    out = project.build / PERU / "parlamento-andino"
    for lang in LANGS:
        pdf = out / f"peru-mnna-parlamento-andino-{lang}.pdf"
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")

    facts = load_facts(project.facts, project.theme / "fonts", project.settings.languages)
    new_fact = facts.get("risks.international_law")
    demo = peru(project, "parlamento-andino")
    base = peru(project, "cancilleria")
    assert list(demo.sections) == ["summary", "status", "risks", "recommendations", "sources"]
    numbers = numbers_built(project.build)  # the brief's, for both
    for lang in LANGS:
        mine = sections_of(compose(project, facts, demo, lang, TODAY, numbers))
        theirs = sections_of(compose(project, facts, base, lang, TODAY, numbers))
        assert list(mine) == list(demo.sections)

        # The overridden block shows the new fact, with its source, right after the op-ed's
        # points and before the thesis's part of the section.
        # (the text without its period: in Spanish the period follows the citation)
        worded = new_fact.text[lang].removesuffix(".")
        [added] = [p for p in mine["risks"].iter("p") if worded in p.text_content()]
        assert added.xpath(".//a[starts-with(@href, '#src-')]")
        assert added.getprevious().tag == "ul" and added.getnext().tag == "h2"
        assert mine["risks"].get("data-template") == \
            "templates/briefs/peru-mnna/readers/parlamento-andino/sections/risks.md.j2"

        # Nothing else changed: the rest of the risks section, and every other section the
        # two readers share, read as in the Foreign Ministry's brief (source numbers aside).
        added.getparent().remove(added)
        assert flat(mine["risks"]) == flat(theirs["risks"])
        for name in ("summary", "status", "recommendations"):
            assert flat(mine[name]) == flat(theirs[name]), name
        assert worded not in theirs["risks"].text_content()


def test_the_new_brief_example_runs_as_written(guided):
    """A brief of its own: its files, cover and properties carry its title, and building it
    touched no other brief."""
    from pypdf import PdfReader
    project, commands = guided
    assert any(c.startswith("briefings new-brief visita-rubio") for c in commands)
    for lang, title in (("es", "La visita anunciada del secretario de Estado"),
                        ("en", "The announced visit of the US Secretary of State")):
        pdf = project.build / f"visita-rubio/cancilleria/visita-rubio-cancilleria-{lang}.pdf"
        reader = PdfReader(pdf)
        assert reader.metadata.title == title
        assert title in " ".join(reader.pages[0].extract_text().split())
    built = {e["brief"] for e in json.loads(
        (project.build / "manifest.json").read_text())["outputs"]}
    assert built == {PERU, "visita-rubio"}


def guide_figures() -> list[str]:
    """The YAML examples of the guide's Figures section."""
    text = GUIDE.read_text(encoding="utf-8")
    part = text[text.index("\n## Figures\n"):text.index("\n## Previewing while you write")]
    return re.findall(r"```yaml\n(.*?)```", part, re.S)


def test_the_guide_shows_every_kind_of_figure_and_each_example_works(tmp_path):
    """Each example is a valid figures.yaml whose data the real facts give, in both
    languages (worked out, not drawn)."""
    from briefings.rules.figures import figure_problems
    from briefings.briefs import load_brief
    from briefings.figures.declared import KINDS
    from tests.conftest import copy_project
    examples = guide_figures()
    shown = {re.search(r"kind: ([\w-]+)", example)[1] for example in examples}
    assert shown == set(KINDS)
    project = copy_project(tmp_path)
    facts = load_facts(project.facts, project.theme / "fonts", project.settings.languages)
    for example in examples:
        (project.briefs / PERU / "figures.yaml").write_text(example, encoding="utf-8")
        problems = figure_problems(project, facts, load_brief(project, PERU), LANGS, TODAY)
        assert not problems, (example[:40], problems)


def test_the_guide_documents_every_field():
    """Each field of a brief.yaml and of a reader is a term of the guide's field lists; each
    field of a fact and of a source is named in the guide (`name` or name:), and so is each
    source kind and fact status, in the tables of what they change."""
    from briefings.facts import Fact, Source
    guide = GUIDE.read_text(encoding="utf-8")
    terms = {term for line in guide.splitlines()
             if re.fullmatch(r"`\w+`(, `\w+`)*", line) for term in re.findall(r"\w+", line)}
    for model in (Reader, BriefFile):
        assert set(model.model_fields) <= terms, set(model.model_fields) - terms
    for model in (Fact, Source):
        named = {f for f in model.model_fields if re.search(rf"`{f}\b|\s{f}:", guide)}
        assert set(model.model_fields) == named, set(model.model_fields) - named
    rows = set(re.findall(r"^\| `(\w+)` \|", guide, re.M))
    for field in (Source.model_fields["kind"], Fact.model_fields["status"]):
        values = set(re.findall(r"'(\w+)'", str(field.annotation)))
        assert values and values <= rows, values - rows


def test_the_readme_links_the_guide():
    assert "docs/editing-templates.md" in README.read_text(encoding="utf-8")


def test_every_option_of_every_command_has_its_help_text():
    import argparse
    from briefings.cli import _parser
    [commands] = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    for name, command in commands.choices.items():
        for action in command._actions:
            assert action.help, f"briefings {name} {'/'.join(action.option_strings)}"


def test_make_brief_builds_every_format_and_the_readme_says_where_each_goes():
    """A reader gets the HTML page as well as the PDF and DOCX: `make brief` asks for every
    format the build can write, by naming them or by leaving the default, which is all."""
    from briefings.build import WRITERS
    from briefings.outputs import DEFAULT_FORMATS
    command = subprocess.run(["make", "-n", "brief"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
    assert "briefings build" in command
    assert set(re.findall(r"--format\s+'?(\w+)", command) or DEFAULT_FORMATS) == set(WRITERS)
    readme = README.read_text(encoding="utf-8")
    for fmt in WRITERS:
        assert f"`<brief>-<reader>-<lang>.{fmt}`" in readme, fmt


# --- the Peru brief's four readers ------------------------------------------------------

@pytest.fixture(scope="module")
def facts():
    return load_facts(PROJECT.facts, PROJECT.theme / "fonts", PROJECT.settings.languages)


@pytest.fixture(scope="module")
def documents(facts, built):
    numbers = numbers_built(built)  # worked out once, by the session's build
    return {(name, lang): compose(PROJECT, facts, peru(PROJECT, name), lang, TODAY, numbers)
            for name in SECTIONS for lang in LANGS}


def test_the_peru_brief_goes_to_its_four_readers():
    from briefings.briefs import load_brief
    assert sorted(load_brief(PROJECT, PERU).spec.readers) == sorted(SECTIONS)


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_sections_follow_the_brief_in_both_languages(documents, name):
    assert list(peru(PROJECT, name).sections) == SECTIONS[name]
    for lang in LANGS:
        assert [s.get("data-section") for s in documents[name, lang].body.iterchildren(
            "section")] == SECTIONS[name]
    # Both languages of a brief rest on the same facts.
    assert set(documents[name, "es"].facts_used) == set(documents[name, "en"].facts_used)


def test_no_two_readers_get_the_same_brief(documents):
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
        # The bottom line gives Congress's vote before the US designation, and the first
        # point says where the personnel will work.
        bottom_line = summary.find("p").text_content()
        vote = facts.get("congress.vote").values
        assert bottom_line.index(f"{vote['in_favour']}") < bottom_line.index(
            facts.get("designation.official").text[lang].removesuffix("."))
        first_point = summary.find("ul").find("li").text_content()
        assert f"{facts.get('congress.places').values['count']}" in first_point

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
        assert document.meta.reader_name == {
            "es": "Comisiones de Defensa Nacional y de Relaciones Exteriores del Congreso de "
                  "la República",
            "en": "National Defence and Foreign Relations Committees of Peru's Congress"}[lang]


def test_prensa_is_a_short_public_brief(documents, built):
    edition = peru(PROJECT, "prensa")
    assert edition.length == "short"
    assert edition.languages[0] == "es"
    pages = {(e["reader"], e["lang"]): e["pages"] for e in json.loads(
        (built / "manifest.json").read_text())["outputs"]
        if e["format"] == "pdf" and e["brief"] == PERU}
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
    assert peru(PROJECT, "contrapartes-eeuu").languages == ["en", "es"]
    preview = Preview(PROJECT, PERU, "contrapartes-eeuu", None)
    try:
        preview.rebuild()
    finally:
        preview.close()
    assert '<html lang="en-GB">' in preview.page.decode()
    built_langs = {e["lang"] for e in json.loads((built / "manifest.json").read_text())[
        "outputs"] if e["reader"] == "contrapartes-eeuu" and e["brief"] == PERU}
    assert built_langs == {"en", "es"}

    for lang in LANGS:
        mine = sections_of(documents["contrapartes-eeuu", lang])["summary"]
        theirs = sections_of(documents["cancilleria", lang])["summary"]
        assert flat(mine.find("p")) != flat(theirs.find("p"))
        # The bottom line speaks to sovereignty, citing the op-ed that raises it; the points
        # give the bilateral agenda and the op-ed's Peruvian sensitivities.
        assert mine.find("p").xpath(".//a[@href='#src-arce-opinion']")
        points = mine.find("ul")
        for item in facts.get("procedure.bilateral_agenda").values["items"]:
            assert item[lang] in flat(points)
        assert points.xpath(".//a[@href='#src-arce-opinion']")
        assert {"risks.sovereignty_principle", "risks.conditionality"} <= set(
            documents["contrapartes-eeuu", lang].facts_used)
