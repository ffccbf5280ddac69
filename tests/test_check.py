import json

import pytest

from briefings.rules.quotes import unquoted
from briefings.rules.run import run_checks
from briefings.facts import load_facts
from briefings.project import Project
from tests.conftest import ROOT, SEEDS, TODAY, briefings

REAL_SEEDS = ROOT.parent / "shared" / "seeds"


def errors(project, **kwargs):
    return [f.report() for f in run_checks(project, TODAY, **kwargs) if f.level == "error"]


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_after_heading(template, text):
    lines = template.read_text(encoding="utf-8").splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("# "))
    lines[heading + 1:heading + 1] = ["", *text.splitlines(), ""]
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_sound_project_has_no_errors(tiny):
    assert errors(tiny, sources_dir=SEEDS) == []


def files_and_folders(folder):
    """Every file (its bytes) and folder (None) under ``folder``."""
    return {p.relative_to(folder): p.read_bytes() if p.is_file() else None
            for p in folder.rglob("*")}


def test_check_writes_nothing(tiny):
    """The check composes and writes every document in memory, figures included: the project
    folder is byte for byte as it was, with no new file or folder (no build/ either)."""
    from tests.test_figures import with_figures
    with_figures(tiny, names=("vote", "chart"))
    before = files_and_folders(tiny.root)
    checked = briefings(tiny, "check", "--sources", str(SEEDS))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert files_and_folders(tiny.root) == before


def test_a_quote_missing_from_its_source_is_an_error(tiny):
    (tiny.facts / "sources" / "gaceta-faro.txt").write_text(
        "Los guardianes rotarán cada dos a cuatro meses y más.", encoding="utf-8")
    found = errors(tiny)
    assert found and all("source 'gaceta-faro'" in e for e in found)
    assert not any("harbour.rotation" in e for e in found)
    vote = next(e for e in found if "'harbour.vote'" in e)
    assert vote.startswith("error: facts/harbour.yaml:")
    assert "quote not found in source 'gaceta-faro' (\"" in vote


def test_check_verifies_every_quote_in_the_projects_texts_without_a_flag(tiny):
    """The texts are in the folder templates/project.yaml names (facts/sources by default):
    a quote altered in a fact fails a plain ``briefings check``, at the fact's line."""
    edit(tiny.facts / "harbour.yaml", "\"approved the new lighthouse", "\"approved the old lighthouse")
    result = briefings(tiny, "check", "--brief", "alpha")
    assert result.returncode == 1
    line = next(n for n, text in enumerate(
        (tiny.facts / "harbour.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if "the old lighthouse" in text)
    assert (f"error: facts/harbour.yaml:{line}: fact 'harbour.vote': quote not found in "
            "source 'tide-herald'") in result.stdout


def test_the_texts_folder_is_the_one_project_yaml_names(tiny):
    (tiny.facts / "sources").rename(tiny.root / "texts")
    settings = tiny.root / "templates/project.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "sources: texts\n",
                        encoding="utf-8")
    tiny = Project(tiny.root)
    assert [f for f in run_checks(tiny, TODAY) if "were not checked" in f.message] == []
    (tiny.root / "texts" / "tide-herald.txt").write_text("Nothing was voted.", encoding="utf-8")
    assert any("quote not found in source 'tide-herald'" in e for e in errors(tiny))


def test_a_source_without_its_text_is_a_warning_and_an_error_when_strict(tiny):
    (tiny.facts / "sources" / "tide-herald.txt").unlink()
    result = briefings(tiny, "check", "--brief", "alpha")
    assert result.returncode == 0
    assert ("warning: facts/sources.yaml: source 'tide-herald': its text "
            "facts/sources/tide-herald.txt is not there, so its quotes were not checked"
            in result.stdout)
    strict = briefings(tiny, "check", "--brief", "alpha", "--strict")
    assert strict.returncode == 1
    assert "error: facts/sources.yaml: source 'tide-herald': its text" in strict.stdout


@pytest.mark.parametrize("folder", ["/etc", "~/texts", "../.ssh"])
def test_the_texts_folder_is_in_or_beside_the_project(tiny, folder):
    settings = tiny.root / "templates/project.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + f"sources: '{folder}'\n",
                        encoding="utf-8")
    result = briefings(tiny, "check")
    assert result.returncode == 1
    assert result.stderr.startswith("error: templates/project.yaml:")
    assert f"'{folder}': name a folder from the project's folder" in result.stderr


def test_schema_errors_duplicates_and_unknown_sources_are_reported(tiny):
    edit(tiny.facts / "harbour.yaml", "as_of: 2026-03-02", "as_of: soon")
    edit(tiny.facts / "harbour.yaml", "- id: tide-herald", "- id: tide")
    edit(tiny.facts / "council.yaml", "id: council.review_soon", "id: council.sessions")
    found = errors(tiny)
    assert any(e.startswith("error: facts/harbour.yaml:") and "fact 'harbour.vote': as_of" in e
               for e in found)
    assert any(e.startswith("error: facts/harbour.yaml:")
               and "source 'tide' is not registered" in e for e in found)
    assert any(e.startswith("error: facts/council.yaml:")
               and "duplicate fact id 'council.sessions'" in e for e in found)


def test_template_using_a_missing_fact_is_found_by_rendering(tiny):
    template = tiny.briefs / "alpha/sections/summary.md.j2"
    template.write_text("{{ fact('harbour.turnout') }}\n" + template.read_text())
    found = errors(tiny)
    assert len(found) == 1  # once, though both readers' summaries print it
    assert found[0].startswith("error: templates/briefs/alpha/sections/summary.md.j2:1: ")
    assert "unknown fact 'harbour.turnout'" in found[0]


def test_section_with_words_missing_in_one_language(tiny):
    (tiny.briefs / "alpha/sections/annex.md.j2").write_text(
        "# {{ say('title') }}\n\n{{ fact('harbour.vote') }}\n")
    (tiny.briefs / "alpha/sections/es/annex.yaml").write_text("title: Anexo\n")
    edit(tiny.briefs / "alpha/brief.yaml", "ministry: {}",
         "ministry: {sections: [annex, summary, sources]}")
    assert errors(tiny) == [
        "error: templates/briefs/alpha/sections/en/annex.yaml: section 'annex' has its words "
        "in es/annex.yaml but none in English: copy that file here and translate its texts"]


def test_a_template_per_language_is_said_to_be_no_longer_read(tiny):
    (tiny.briefs / "alpha/sections/en/summary.md.j2").write_text("# Summary\n")
    assert errors(tiny) == [
        "error: templates/briefs/alpha/sections/en/summary.md.j2: a section's template per "
        "language is no longer read: move its logic into sections/summary.md.j2 and its "
        "words into sections/en/summary.yaml"]


def test_number_typed_into_a_template_is_an_error(tiny):
    template = tiny.briefs / "alpha/sections/works.md.j2"
    lines = template.read_text(encoding="utf-8").splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("# "))
    lines.insert(heading + 1, "\nEl Consejo tiene 130 escaños.")
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert errors(tiny) == [
        f"error: templates/briefs/alpha/sections/works.md.j2:{heading + 3}: the "
        "number 130 is typed into the template; take it from a fact value so it changes when the "
        "fact does"]


@pytest.mark.parametrize("typed, number", [
    ("Con 41 votos a favor.", "41"),          # equal to a fact value: still typed
    ("Hace 30 días.", "30"),
    ("En 2026.", "2026"),
    ('{{ "Con 41 votos" }}', "41"),           # a quoted string the template prints
    ("{% if true %}Fueron 41.{% endif %}", "41"),
])
def test_any_number_typed_into_prose_is_an_error_whatever_it_equals(tiny, typed, number):
    template = tiny.briefs / "alpha/sections/works.md.j2"
    add_after_heading(template, typed)
    line = template.read_text(encoding="utf-8").splitlines().index(typed) + 1
    assert errors(tiny) == [
        f"error: templates/briefs/alpha/sections/works.md.j2:{line}: the number "
        f"{number} is typed into the template; take it from a fact value so it changes when the "
        "fact does"]


def test_list_markers_footnote_labels_and_names_are_not_typed_numbers(tiny):
    template = tiny.briefs / "alpha/sections/works.md.j2"
    add_after_heading(template, "1. Primero.\n2. Segundo[^n2].\n\n[^n2]: Nota.\n\n"
         "{% set v = fact(\"harbour.vote\") %}{{ v.in_favour | number }}\n")
    assert errors(tiny) == []


def override(project, text):
    path = project.briefs / "alpha/readers/press/sections/summary.md.j2"
    path.write_text('{% extends "brief/sections/summary.md.j2" %}\n' + text,
                    encoding="utf-8")
    return "templates/briefs/alpha/readers/press/sections/summary.md.j2"


def test_an_override_block_the_base_lacks_is_an_error(tiny):
    file = override(tiny, "{% block bottom_lines %}\nPerdido.\n{% endblock %}\n")
    assert errors(tiny) == [
        f"error: {file}:2: block 'bottom_lines' is not in brief/sections/summary.md.j2, so "
        "its text would be lost (did you mean 'bottom_line'? its blocks: bottom_line, "
        "key_points, key_figures)"]


def test_text_outside_any_block_of_an_override_is_an_error(tiny):
    file = override(tiny, "{% block key_figures %}{% endblock %}\nPerdido.\n")
    assert errors(tiny) == [
        f"error: {file}:3: text outside any block is never printed in a template that "
        "extends another: put it inside one of its blocks (bottom_line, key_points, "
        "key_figures)"]


@pytest.mark.parametrize("markdown, problem", [
    ("#### Demasiado hondo", "<h4>: headings deeper than three levels"),
    ("- a\n    - b\n        - c\n            - d", "nested"),
])
def test_what_a_writer_refuses_fails_the_check(tiny, markdown, problem):
    """Whatever would fail the build fails the check first."""
    template = tiny.briefs / "alpha/sections/works.md.j2"
    add_after_heading(template, markdown)
    [found] = errors(tiny)
    assert found.startswith(
        "error: templates/briefs/alpha/sections/works.md.j2") and problem in found


def test_stale_facts_are_warnings_with_a_configurable_age(tiny):
    def stale(days):
        return [f for f in run_checks(tiny, TODAY, max_age_days=days)
                if f.level == "warning" and "'harbour.cost'" in f.message]
    assert stale(10_000) == []
    [warning] = stale(30)
    assert warning.file == "facts/harbour.yaml" and warning.line is not None


def run_cli(project, *args):
    return briefings(project, "check", *args)


def test_cli_exit_status_and_json(tiny):
    ok = run_cli(tiny, "--format", "json")
    assert ok.returncode == 0
    assert all(f["level"] == "warning" for f in json.loads(ok.stdout))
    summary = tiny.briefs / "alpha/sections/summary.md.j2"
    summary.write_text("{{ nope }}\n" + summary.read_text())
    bad = run_cli(tiny, "--no-warnings")
    assert bad.returncode == 1
    assert bad.stdout.splitlines()[0].startswith(
        "error: templates/briefs/alpha/sections/summary.md.j2:1: undefined: 'nope' is "
        "undefined")
    assert bad.stdout.splitlines()[-1].startswith("check: 1 error, ")


def test_template_syntax_error_is_one_finding_with_its_line(tiny):
    template = tiny.briefs / "alpha/sections/works.md.j2"
    template.write_text("{% if %}\n" + template.read_text(encoding="utf-8"), encoding="utf-8")
    found = errors(tiny)
    assert len(found) == 1  # once, though both readers use the template
    assert found[0].startswith("error: templates/briefs/alpha/sections/works.md.j2:1: "
                               "syntax error: something is missing")


# --- the real project: its content, not the engine -------------------------------------------

@pytest.mark.skipif(not REAL_SEEDS.is_dir(), reason="../shared/seeds is not beside the project")
def test_every_real_quote_is_in_its_source_document():
    real = Project(ROOT)
    assert [f.report() for f in unquoted(load_facts(real.facts, real.theme / "fonts", real.settings.languages), real,
                                         REAL_SEEDS)
            if f.level == "error"] == []


OLD_STATE = """\
facts:
  - id: extra.keepers
    text:
      es: El faro tiene tres guardianes.
      en: The lighthouse has three keepers.
    as_of: 2020-05-10
    kind: state
    sources:
      - {id: gaceta-faro, quote: "El Consejo se reúne cada 14 días.", locator: "línea 6"}
"""


def print_old_state(tiny, es, en):
    """The fixture's summary prints a state described in 2020 after the given words."""
    (tiny.facts / "extra.yaml").write_text(OLD_STATE, encoding="utf-8")
    add_after_heading(tiny.briefs / "alpha/sections/summary.md.j2",
                      '{% set keepers = fact("extra.keepers") %}\n'
                      '{{ say("keepers", keepers=keepers) }}')
    for lang, words in (("es", es), ("en", en)):
        prose = tiny.briefs / f"alpha/sections/{lang}/summary.yaml"
        with prose.open("a", encoding="utf-8") as file:
            file.write(f"keepers: '{words} {{{{ keepers }}}}'\n")


def tense_warnings(project):
    return [f.report() for f in run_checks(project, TODAY)
            if f.level == "warning" and "describes the situation" in f.message]


def test_an_old_state_printed_as_now_is_a_warning_at_its_template_line(tiny):
    print_old_state(tiny, "Hoy:", "Now:")
    assert tense_warnings(tiny) == [
        "warning: templates/briefs/alpha/sections/summary.md.j2:5: fact 'extra.keepers' "
        "describes the situation in 2020, but the sentence says \"Hoy\": write it in the "
        "past with its year, e.g. \"en 2020, …\"",
        "warning: templates/briefs/alpha/sections/summary.md.j2:5: fact 'extra.keepers' "
        "describes the situation in 2020, but the sentence says \"Now\": write it in the "
        "past with its year, e.g. \"in 2020, …\""]
    assert run_cli(tiny).returncode == 0
    strict = run_cli(tiny, "--strict")
    assert strict.returncode == 1
    assert "error: templates/briefs/alpha/sections/summary.md.j2:5: fact 'extra.keepers' " \
        "describes the situation in 2020" in strict.stdout


def test_an_old_state_without_its_year_is_a_warning(tiny):
    print_old_state(tiny, "Situación:", "Situation:")
    assert [f.message for f in run_checks(tiny, TODAY) if "describes the" in f.message] == [
        "fact 'extra.keepers' describes the situation in 2020, but the sentence gives no "
        f"year: write it in the past with its year, e.g. \"{example}\""
        for example in ("en 2020, …", "in 2020, …")]


def test_an_old_state_in_the_past_with_its_year_is_clean(tiny):
    print_old_state(tiny, 'En {{ keepers.as_of | date("year") }}, según la gaceta:',
                    'In {{ keepers.as_of | date("year") }}, according to the gazette:')
    assert tense_warnings(tiny) == []
    # nor stale: the brief no longer offers it as how things stand
    assert run_cli(tiny, "--strict").returncode == 0


def test_a_marker_in_the_facts_own_text_names_the_fact_file(tiny):
    (tiny.facts / "extra.yaml").write_text(OLD_STATE.replace(
        "El faro tiene", "El faro tiene hoy").replace(
        "The lighthouse has", "The lighthouse now has"), encoding="utf-8")
    add_after_heading(tiny.briefs / "alpha/sections/summary.md.j2",
                      '{{ fact("extra.keepers") }}')
    found = tense_warnings(tiny)
    assert len(found) == 2 and all(
        "sections/" in w and "its text says" in w and "(facts/extra.yaml:2)" in w
        for w in found)
