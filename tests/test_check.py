import json
import os
import subprocess
import sys

import pytest

from briefings.check import run_checks
from tests.conftest import ROOT, TODAY, only_readers

SEEDS = ROOT.parent / "shared" / "seeds"


def errors(project, **kwargs):
    return [str(f) for f in run_checks(project, TODAY, **kwargs) if f.level == "error"]


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_after_heading(template, text):
    lines = template.read_text(encoding="utf-8").splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("# "))
    lines[heading + 1:heading + 1] = ["", *text.splitlines(), ""]
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_real_project_has_no_errors(project):
    assert errors(project) == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the project")
def test_every_quote_is_in_its_source_document(project):
    assert errors(project, sources_dir=SEEDS) == []


def test_a_quote_missing_from_its_source_is_an_error(project, tmp_path):
    sources = tmp_path / "seeds"
    sources.mkdir()
    source_file = "003_224a63de66686644.txt"
    (sources / source_file).write_text("Los grupos rotarán cada tres a seis meses y más.")
    found = errors(project, sources_dir=sources)
    assert found and all("source 'primicias-militares'" in e for e in found)
    assert not any("congress.rotation" in e for e in found)
    vote = next(e for e in found if "'congress.vote'" in e)
    assert vote.startswith("error: facts/congress.yaml:")
    assert "quote not found in source 'primicias-militares' (\"" in vote


def test_schema_errors_duplicates_and_unknown_sources_are_reported(project):
    edit(project.facts / "congress.yaml", "as_of: 2025-12-14", "as_of: soon")
    edit(project.facts / "designation.yaml", "id: designation.purpose",
         "id: designation.official")
    edit(project.facts / "procedure.yaml", "- id: primicias-militares", "- id: primicias")
    found = errors(project)
    assert any(e.startswith("error: facts/congress.yaml:") and "fact 'congress.vote': as_of" in e
               for e in found)
    assert any(e.startswith("error: facts/designation.yaml:")
               and "duplicate fact id 'designation.official'" in e for e in found)
    assert any(e.startswith("error: facts/procedure.yaml:")
               and "source 'primicias' is not registered" in e for e in found)


def test_template_using_a_missing_fact_is_found_by_rendering(project):
    only_readers(project, "cancilleria")
    template = project.briefs / "peru-mnna/sections/en/summary.md.j2"
    template.write_text("{{ fact('congress.turnout') }}\n" + template.read_text())
    found = errors(project)
    assert len(found) == 1
    assert found[0].startswith("error: templates/briefs/peru-mnna/sections/en/summary.md.j2:1: ")
    assert "unknown fact 'congress.turnout'" in found[0]


def test_section_missing_in_one_language(project):
    spanish = project.briefs / "peru-mnna/sections/es/annex.md.j2"
    spanish.write_text("# Anexo\n\n{{ fact('congress.vote') }}\n")
    edit(project.briefs / "peru-mnna/brief.yaml", "cancilleria: {}",
         "cancilleria: {sections: [annex, summary, sources]}")
    assert errors(project) == [
        "error: templates/briefs/peru-mnna/sections/en/annex.md.j2: section 'annex' exists in "
        "Spanish but not in English for reader 'cancilleria'"]


def test_number_typed_into_a_template_is_an_error(project):
    only_readers(project, "cancilleria")
    template = project.briefs / "peru-mnna/sections/es/authorization.md.j2"
    lines = template.read_text(encoding="utf-8").splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("# "))
    lines.insert(heading + 1, "\nEl Congreso tiene 130 escaños.")
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert errors(project) == [
        f"error: templates/briefs/peru-mnna/sections/es/authorization.md.j2:{heading + 3}: the "
        "number 130 is typed into the template; take it from a fact value so it changes when the "
        "fact does"]


@pytest.mark.parametrize("typed, number", [
    ("Con 73 votos a favor.", "73"),          # equal to a fact value: still typed
    ("Hace 30 días.", "30"),
    ("En 2026.", "2026"),
    ('{{ "Con 73 votos" }}', "73"),           # a quoted string the template prints
    ("{% if true %}Fueron 73.{% endif %}", "73"),
])
def test_any_number_typed_into_prose_is_an_error_whatever_it_equals(project, typed, number):
    only_readers(project, "cancilleria")
    template = project.briefs / "peru-mnna/sections/es/authorization.md.j2"
    add_after_heading(template, typed)
    line = template.read_text(encoding="utf-8").splitlines().index(typed) + 1
    assert errors(project) == [
        f"error: templates/briefs/peru-mnna/sections/es/authorization.md.j2:{line}: the number "
        f"{number} is typed into the template; take it from a fact value so it changes when the "
        "fact does"]


def test_list_markers_footnote_labels_and_names_are_not_typed_numbers(project):
    only_readers(project, "cancilleria")
    template = project.briefs / "peru-mnna/sections/es/authorization.md.j2"
    add_after_heading(template, "1. Primero.\n2. Segundo[^n2].\n\n[^n2]: Nota.\n\n"
         "{% set v = fact(\"congress.vote\") %}{{ v.in_favour | number }}\n")
    assert errors(project) == []


def override(project, text):
    only_readers(project, "prensa")
    path = project.briefs / "peru-mnna/readers/prensa/sections/es/summary.md.j2"
    path.write_text('{% extends "brief/sections/es/summary.md.j2" %}\n' + text,
                    encoding="utf-8")
    return "templates/briefs/peru-mnna/readers/prensa/sections/es/summary.md.j2"


def test_an_override_block_the_base_lacks_is_an_error(project):
    file = override(project, "{% block bottom_lines %}\nPerdido.\n{% endblock %}\n")
    assert errors(project) == [
        f"error: {file}:2: block 'bottom_lines' is not in brief/sections/es/summary.md.j2, so "
        "its text would be lost (did you mean 'bottom_line'? its blocks: bottom_line, "
        "key_points, key_figures)"]


def test_text_outside_any_block_of_an_override_is_an_error(project):
    file = override(project, "{% block key_figures %}{% endblock %}\nPerdido.\n")
    assert errors(project) == [
        f"error: {file}:3: text outside any block is never printed in a template that "
        "extends another: put it inside one of its blocks (bottom_line, key_points, "
        "key_figures)"]


@pytest.mark.parametrize("markdown, problem", [
    ("#### Demasiado hondo", "<h4>: headings deeper than three levels"),
    ("- a\n    - b\n        - c\n            - d", "nested"),
])
def test_what_a_writer_refuses_fails_the_check(project, markdown, problem):
    """Whatever would fail the build fails the check first."""
    only_readers(project, "cancilleria")
    template = project.briefs / "peru-mnna/sections/es/authorization.md.j2"
    add_after_heading(template, markdown)
    [found] = errors(project)
    assert found.startswith(
        "error: templates/briefs/peru-mnna/sections/es/authorization.md.j2") and problem in found


def test_stale_facts_are_warnings_with_a_configurable_age(project):
    def stale(days):
        return [f for f in run_checks(project, TODAY, max_age_days=days)
                if f.level == "warning" and "'designation.official'" in f.message]
    assert stale(10_000) == []
    [warning] = stale(30)
    assert warning.file == "facts/designation.yaml" and warning.line is not None


def run_cli(project, *args):
    return subprocess.run([sys.executable, "-m", "briefings", "--project", str(project.root),
                           "check", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_cli_exit_status_and_json(project):
    only_readers(project, "cancilleria")
    ok = run_cli(project, "--format", "json")
    assert ok.returncode == 0
    assert all(f["level"] == "warning" for f in json.loads(ok.stdout))
    summary = project.briefs / "peru-mnna/sections/en/summary.md.j2"
    summary.write_text("{{ nope }}\n" + summary.read_text())
    bad = run_cli(project, "--no-warnings")
    assert bad.returncode == 1
    assert bad.stdout.splitlines()[0].startswith(
        "error: templates/briefs/peru-mnna/sections/en/summary.md.j2:1: undefined: 'nope' is "
        "undefined")
    assert bad.stdout.splitlines()[-1].startswith("check: 1 error, ")


def test_template_syntax_error_is_one_finding_with_its_line(project):
    template = project.briefs / "peru-mnna/sections/es/status.md.j2"
    template.write_text("{% if %}\n" + template.read_text(encoding="utf-8"), encoding="utf-8")
    found = errors(project)
    assert len(found) == 1  # once, though several readers use the template
    assert found[0].startswith("error: templates/briefs/peru-mnna/sections/es/status.md.j2:1: "
                               "syntax error: something is missing")
