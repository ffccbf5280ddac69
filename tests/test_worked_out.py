"""A model estimate or a projection is a figure someone worked out, not one a source states:
its fact must say who made it and from what (made_by, basis), and every format prints both
after its sentence, in the theme's words."""

from __future__ import annotations

import pytest

from briefings.briefs import edition, load_brief
from briefings.compose import compose
from briefings.facts import load_facts
from tests.conftest import TODAY
from tests.test_facts import GOOD_FACT, load_errors

WORKED_OUT = """    status: estimate
    made_by:
      es: el equipo de análisis del puerto
      en: the port's analysis team
    basis:
      es: el calendario de sesiones de marzo
      en: the March calendar of sessions
"""
SAID = {"es": "Estimación de modelo, elaborada por el equipo de análisis del puerto con base "
              "en el calendario de sesiones de marzo.",
        "en": "Model estimate by the port's analysis team, based on the March calendar of "
              "sessions."}


def test_an_estimate_is_printed_with_who_made_it_and_from_what(tiny):
    path = tiny.facts / "council.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    status: official\n", WORKED_OUT, 1), encoding="utf-8")
    facts = load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages)
    beta = edition(tiny, load_brief(tiny, "beta"), "ministry")
    for lang, said in SAID.items():
        body = compose(tiny, facts, beta, lang, TODAY).body
        [paragraph] = [p for p in body.iter("p") if said in " ".join(p.text_content().split())]
        # After the sentence and its citation, set apart in italics.
        assert paragraph.xpath(".//a[starts-with(@href, '#src-')]")
        [em] = paragraph.findall(".//em")
        assert " ".join(em.text_content().split()) == f"({said})"


@pytest.mark.parametrize("status, fields, says", [
    ("estimate", "", "needs made_by (who made it) and basis (from what), in each language: "
     "add made_by and basis"),
    ("projection", "    made_by: {es: el puerto, en: the port}\n", "add basis"),
    ("reported", "    basis: {es: un cálculo, en: a sum}\n",
     "made_by and basis are for a fact of status estimate or projection"),
])
def test_a_worked_out_fact_must_say_how_and_only_it(tiny, status, fields, says):
    fact = GOOD_FACT.replace("    as_of: 2025-12-14\n",
                             f"    as_of: 2025-12-14\n    status: {status}\n{fields}")
    [message] = load_errors(tiny, fact)
    assert message.startswith(f"{tiny.facts / 'extra.yaml'}:2: fact 'extra.sample': ")
    assert says in message
