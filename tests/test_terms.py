"""The terminology check: a variant to avoid, written outside quotations, is a warning at the
place it was written; --strict makes every warning an error."""


import pytest

from briefings.rules.run import run_checks
from tests.conftest import ALPHA, BETA, TODAY, briefings, section

# The fixture's own list, in place of the theme's: the test does not hang on the real terms.
TERMS = 'es:\n  - use: "faro"\n    avoid: ["linterna"]\n'

# What the check finds is the point here, not its processes: documents made in this one.
pytestmark = pytest.mark.usefixtures("workers_in_this_process")


def warnings(project) -> list[str]:
    return [f.report() for f in run_checks(project, TODAY) if f.level == "warning"]


def add_after_heading(path, text):
    lines = path.read_text(encoding="utf-8").splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("# "))
    lines[heading + 1:heading + 1] = ["", text, ""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_variant_in_a_template_is_a_warning_at_its_line(tiny):
    (tiny.theme / "terms.yaml").write_text(TERMS, encoding="utf-8")
    template = section(tiny, "es", "works", brief=ALPHA)
    add_after_heading(template, "Es una linterna, no un puerto.")
    add_after_heading(template, "{# una linterna en un comentario no se imprime #}")
    add_after_heading(template, "Un vecino la llamó «linterna».")
    line = template.read_text(encoding="utf-8").splitlines().index(
        "Es una linterna, no un puerto.") + 1
    found = [w for w in warnings(tiny) if "linterna" in w]
    assert found == [f"warning: templates/briefs/alpha/sections/works.md.j2:{line}: "
                     'use "faro", not "linterna"']


def test_a_variant_in_a_sections_words_is_a_warning_at_its_line(tiny):
    (tiny.theme / "terms.yaml").write_text(TERMS, encoding="utf-8")
    words = tiny.briefs / ALPHA / "sections/es/works.yaml"
    words.write_text(words.read_text(encoding="utf-8").replace(
        "schedule: Calendario", "schedule: Calendario de la linterna"), encoding="utf-8")
    found = [w for w in warnings(tiny) if "linterna" in w]
    assert found == ['warning: templates/briefs/alpha/sections/es/works.yaml:2: '
                     'use "faro", not "linterna"']


def test_a_variant_in_a_fact_is_named_at_the_fact(tiny):
    (tiny.theme / "terms.yaml").write_text(TERMS, encoding="utf-8")
    facts = tiny.facts / "harbour.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("el nuevo faro con", "la nueva linterna con", 1),
                     encoding="utf-8")
    found = [w for w in warnings(tiny) if "linterna" in w]
    assert found and all(w.startswith("warning: facts/harbour.yaml:") for w in found)


def test_a_brief_adds_terms_of_its_own(tiny):
    (tiny.briefs / ALPHA / "terms.yaml").write_text(
        'es:\n  - use: "el Cabildo"\n    avoid: ["Consejo"]\n', encoding="utf-8")
    assert any('use "el Cabildo", not "Consejo"' in w for w in warnings(tiny))


def check_cli(project, *args):
    return briefings(project, "check", *args)


def test_strict_turns_every_warning_into_an_error(tiny):
    (tiny.theme / "terms.yaml").write_text(TERMS, encoding="utf-8")
    add_after_heading(section(tiny, "es", "works", brief=ALPHA), "Es una linterna.")
    lenient, strict = check_cli(tiny), check_cli(tiny, "--strict")
    assert lenient.returncode == 0 and "warning:" in lenient.stdout
    assert strict.returncode == 1 and "warning:" not in strict.stdout
    assert 'error: templates/briefs/alpha/sections/works.md.j2' in strict.stdout


STALE_FACT = """\
facts:
  - id: extra.old_state
    text: {es: Un estado de cosas., en: A state of affairs.}
    as_of: 2020-01-01
    kind: state
    sources:
      - {id: gaceta-faro, quote: "Los guardianes rotarán cada dos a cuatro meses", locator: x}
"""


def test_only_facts_a_checked_brief_prints_are_reported_stale(tiny):
    """A stale fact no brief prints misleads nobody; one brief's stale fact says nothing
    about another brief."""
    (tiny.facts / "extra.yaml").write_text(STALE_FACT, encoding="utf-8")

    def stale(*briefs):
        return [f for f in run_checks(tiny, TODAY, briefs=list(briefs) or None)
                if "'extra.old_state' is current as of" in f.message]

    assert stale() == []
    for lang in ("en", "es"):
        summary = section(tiny, lang, "summary", brief=BETA)
        summary.write_text(summary.read_text(encoding="utf-8")
                           + '\n{{ fact("extra.old_state") }}\n', encoding="utf-8")
    assert [f.level for f in stale(BETA)] == ["warning"]
    assert stale(ALPHA) == []
