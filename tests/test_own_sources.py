"""A project keeps its sources' texts in facts/sources/, looked in first, even when
templates/project.yaml names a folder of texts shared with other projects (the real project
names ../shared/seeds): a brief added to any project has its own sources in the project."""

from __future__ import annotations

import shutil

import pytest

from briefings.project import Project
from briefings.rules.run import run_checks
from tests.conftest import ROOT, TODAY, briefings, built_on_today, copy_project

# What is checked and written is the point here, not the worker processes: documents are
# made in this one (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("workers_in_this_process")


def _name_a_shared_folder(project: Project, folder: str) -> Project:
    settings = project.root / "templates/project.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + f"sources: {folder}\n",
                        encoding="utf-8")
    return Project(project.root)


def test_the_own_folder_is_looked_in_first_then_the_named_one(tiny, tmp_path):
    shared = tmp_path.parent / f"{tmp_path.name}-shared"
    shared.mkdir()
    (tiny.facts / "sources" / "tide-herald.txt").rename(shared / "tide-herald.txt")
    tiny = _name_a_shared_folder(tiny, f"../{shared.name}")
    # One text in each folder: every quote is checked, none is missing.
    assert [p.report() for p in run_checks(tiny, TODAY, briefs=["alpha"])] == []
    # The shared text is read: altered there, its quotes fail.
    (shared / "tide-herald.txt").write_text("Nothing was voted.", encoding="utf-8")
    assert any("quote not found in source 'tide-herald'" in p.message
               for p in run_checks(tiny, TODAY, briefs=["alpha"]))
    # A text of the project's own comes first: the shared one of the same name is not read.
    shutil.copy(ROOT / "tests/fixtures/project/facts/sources/tide-herald.txt",
                tiny.facts / "sources" / "tide-herald.txt")
    assert [p.report() for p in run_checks(tiny, TODAY, briefs=["alpha"])] == []


def test_a_missing_text_names_both_folders(tiny, tmp_path):
    (tmp_path / "shared").mkdir()
    (tiny.facts / "sources" / "tide-herald.txt").unlink()
    tiny = _name_a_shared_folder(tiny, "shared")
    [missing] = [p for p in run_checks(tiny, TODAY, briefs=["alpha"]) if p.level == "warning"]
    assert missing.report() == (
        "warning: facts/sources.yaml: source 'tide-herald': its text "
        f"{tiny.facts / 'sources' / 'tide-herald.txt'} is not there nor in "
        f"{tiny.root / 'shared'}, so its quotes were not checked (save its text there, as "
        "UTF-8)")


# A note as a ministry's analyst would save it as text (made up for this test).
NOTE = """Nota informativa sobre el mecanismo de ajuste en frontera por carbono

La nota resume el calendario del mecanismo europeo para los exportadores peruanos.
Durante el período transitorio, los importadores solo notifican las emisiones de sus compras.
"""
QUOTE = "los importadores solo notifican las emisiones de sus compras"


def _new_brief_with_its_own_source(project: Project) -> None:
    """What an analyst does, following the guide: start a brief, add its source, complete
    the entry, state a fact citing it, print the fact."""
    assert briefings(project, "new-brief", "carbono").returncode == 0
    saved = project.root.parent / "nota-carbono.txt"
    saved.write_text(NOTE, encoding="utf-8")
    added = briefings(project, "add-source", str(saved), "--id", "nota-carbono",
                      "--kind", "official", "--lang", "es")
    assert added.returncode == 0, added.stderr
    register = project.facts / "sources.yaml"
    text = register.read_text(encoding="utf-8")
    completed = [line for line in text.splitlines(keepends=True) if "# complete" not in line]
    register.write_text("".join(completed) + "    date: 2026-02-10\n    date_basis: stated\n"
                        "    url: https://ministerio.example/notas/carbono\n",
                        encoding="utf-8")
    (project.facts / "carbono.yaml").write_text(f"""facts:
  - id: carbono.transicion
    text:
      es: Durante la transición, los importadores europeos solo notifican las emisiones.
      en: During the transition, European importers only report the emissions.
    as_of: 2026-02-10
    kind: event
    status: official
    sources:
      - id: nota-carbono
        quote: "{QUOTE}"
        locator: "párrafo 2"
""", encoding="utf-8")
    sections = project.briefs / "carbono" / "sections"
    (sections / "summary.md.j2").write_text(
        '{# Summary. Blocks: summary. #}\n# {{ say("title") }}\n\n'
        '{% block summary %}\n{{ fact("carbono.transicion") }}\n{% endblock %}\n',
        encoding="utf-8")
    for lang, title in (("es", "Resumen"), ("en", "Summary")):  # the placeholder's words go
        (sections / lang / "summary.yaml").write_text(f"title: {title}\n", encoding="utf-8")


def test_a_brief_with_its_own_sources_in_a_copy_of_the_project_checks_and_builds(tmp_path):
    project = copy_project(tmp_path / "main")
    seeds = ROOT.parent / "shared" / "seeds"  # the Peru briefs' texts, beside the project
    if seeds.is_dir():
        shutil.copytree(seeds, tmp_path / "shared" / "seeds")
    _new_brief_with_its_own_source(project)
    assert (project.facts / "sources" / "nota-carbono.txt").is_file()

    checked = briefings(project, "check", "--brief", "carbono", "--strict")
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout == "check: 0 errors, 0 warnings\n"

    out = built_on_today(project, tmp_path / "out", briefs=["carbono"])
    page = (out / "carbono/cancilleria/carbono-cancilleria-es.html").read_text(encoding="utf-8")
    assert 'href="https://ministerio.example/notas/carbono"' in page
    for fmt in ("pdf", "docx"):
        assert (out / f"carbono/cancilleria/carbono-cancilleria-en.{fmt}").stat().st_size

    # A quote altered in the new fact fails a plain check.
    facts = project.facts / "carbono.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("solo notifican",
                                                               "ya pagan"), encoding="utf-8")
    failed = briefings(project, "check", "--brief", "carbono")
    assert failed.returncode == 1
    assert "quote not found in source 'nota-carbono'" in failed.stdout
