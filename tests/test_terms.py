"""The terminology check: a variant to avoid, written outside quotations, is a warning at the
place it was written; --strict makes every warning an error."""

import os
import subprocess
import sys

from briefings.check import run_checks
from tests.conftest import ROOT, TODAY, only_readers, section


def warnings(project) -> list[str]:
    return [str(f) for f in run_checks(project, TODAY) if f.level == "warning"]


def add_after_heading(path, text):
    lines = path.read_text(encoding="utf-8").splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("# "))
    lines[heading + 1:heading + 1] = ["", text, ""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_variant_in_a_template_is_a_warning_at_its_line(project):
    only_readers(project, "prensa")
    template = section(project, "es", "status")
    add_after_heading(template, "Es un aliado extra-OTAN, no un miembro.")
    add_after_heading(template, "{# un aliado extra-OTAN en un comentario no se imprime #}")
    add_after_heading(template, "Un medio lo llamó «aliado extra-OTAN».")
    line = template.read_text(encoding="utf-8").splitlines().index(
        "Es un aliado extra-OTAN, no un miembro.") + 1
    found = [w for w in warnings(project) if "extra-OTAN" in w]
    assert found == [f"warning: templates/briefs/peru-mnna/sections/es/status.md.j2:{line}: "
                     'use "aliado principal no miembro de la OTAN", not "aliado extra-OTAN"']


def test_a_variant_in_a_fact_is_named_at_the_fact(project):
    only_readers(project, "prensa")
    facts = project.facts / "designation.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("aliado principal no miembro de la OTAN",
                                  "aliado principal extra-OTAN", 1), encoding="utf-8")
    found = [w for w in warnings(project) if "extra-OTAN" in w]
    assert found and all(w.startswith("warning: facts/designation.yaml:") for w in found)


def test_a_brief_adds_terms_of_its_own(project):
    only_readers(project, "prensa")
    (project.briefs / "peru-mnna/terms.yaml").write_text(
        'es:\n  - use: "el Parlamento"\n    avoid: ["Congreso"]\n', encoding="utf-8")
    assert any('use "el Parlamento", not "Congreso"' in w for w in warnings(project))


def check_cli(project, *args):
    return subprocess.run([sys.executable, "-m", "briefings", "--project", str(project.root),
                           "check", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_strict_turns_every_warning_into_an_error(project):
    only_readers(project, "prensa")
    add_after_heading(section(project, "es", "status"), "Es un aliado extra-OTAN.")
    lenient, strict = check_cli(project), check_cli(project, "--strict")
    assert lenient.returncode == 0 and "warning:" in lenient.stdout
    assert strict.returncode == 1 and "warning:" not in strict.stdout
    assert 'error: templates/briefs/peru-mnna/sections/es/status.md.j2' in strict.stdout


STALE_FACT = """\
facts:
  - id: extra.old_state
    text: {es: Un estado de cosas., en: A state of affairs.}
    as_of: 2020-01-01
    kind: state
    sources:
      - {id: primicias-militares, quote: "Los grupos rotarán cada tres a seis meses", locator: x}
"""


def test_only_facts_a_checked_brief_prints_are_reported_stale(project):
    """A stale fact no brief prints misleads nobody; one brief's stale fact says nothing
    about another brief."""
    (project.facts / "extra.yaml").write_text(STALE_FACT, encoding="utf-8")

    def stale(*briefs):
        return [f for f in run_checks(project, TODAY, briefs=list(briefs) or None)
                if "extra.old_state" in f.message]

    assert stale() == []
    summary = project.briefs / "peru-otan/sections/en/summary.md.j2"
    summary.write_text(summary.read_text(encoding="utf-8") + '\n{{ fact("extra.old_state") }}\n',
                       encoding="utf-8")
    summary = project.briefs / "peru-otan/sections/es/summary.md.j2"
    summary.write_text(summary.read_text(encoding="utf-8") + '\n{{ fact("extra.old_state") }}\n',
                       encoding="utf-8")
    assert [f.level for f in stale("peru-otan")] == ["warning"]
    assert stale("peru-mnna") == []
