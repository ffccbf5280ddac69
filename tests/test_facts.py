from pathlib import Path

import pytest

from briefings.errors import BriefingError, BriefingErrors
from briefings.facts import load_facts

ROOT = Path(__file__).resolve().parent.parent

GOOD_FACT = """\
facts:
  - id: extra.sample
    text:
      es: Un hecho de prueba.
      en: A test fact.
    values:
      count: 3
    as_of: 2025-12-14
    sources:
      - id: primicias-militares
        quote: "Los grupos rotarán cada tres a seis meses"
        locator: "párrafo 5"
"""


def errors_of(excinfo) -> list[str]:
    exc = excinfo.value
    return [str(e) for e in exc.errors] if isinstance(exc, BriefingErrors) else [str(exc)]


def load_errors(project, text: str, expected=BriefingErrors) -> list[str]:
    """The messages of loading the facts with ``text`` as facts/extra.yaml."""
    (project.facts / "extra.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(expected) as excinfo:
        load_facts(project.facts)
    return errors_of(excinfo)


def test_real_facts_load_with_typed_values():
    base = load_facts(ROOT / "facts")
    vote = base.get("congress.vote")
    assert vote.values["in_favour"] == 73 and vote.values["against"] == 25
    assert vote.sources[0].id in base.sources
    assert str(base.get("congress.period").values["start"]) == "2026-01-01"
    for fact in base.facts.values():
        assert fact.text.es and fact.text.en and fact.sources


def test_a_valid_new_fact_file_is_picked_up(project):
    (project.facts / "extra.yaml").write_text(GOOD_FACT, encoding="utf-8")
    assert load_facts(project.facts).get("extra.sample").values["count"] == 3


def test_malformed_yaml_names_file_and_line(project):
    [message] = load_errors(project, GOOD_FACT.replace("es: Un hecho de prueba.",
                                                       "es: [Un hecho"), BriefingError)
    assert message.startswith(f"{project.facts / 'extra.yaml'}:")
    assert "invalid YAML" in message
    line = int(message.split(":")[1])
    assert line in (5, 6)  # the unclosed bracket, or where the parser noticed


def test_wrong_type_names_file_line_and_key(project):
    [message] = load_errors(project, GOOD_FACT.replace("as_of: 2025-12-14",
                                                       "as_of: yesterday"))
    assert message.startswith(f"{project.facts / 'extra.yaml'}:8: facts.0.as_of:")


def test_every_problem_is_reported_at_once(project):
    bad = GOOD_FACT.replace("id: primicias-militares", "id: no-such-source") \
                   .replace("      en: A test fact.\n", "")
    messages = load_errors(project, bad)
    assert any(":4: facts.0.text.en: required field is missing" in m for m in messages)
    assert any("source 'no-such-source' is not registered" in m and ":9:" in m
               for m in messages)


def test_duplicate_fact_id_names_both_places(project):
    (project.facts / "extra.yaml").write_text(GOOD_FACT.replace("extra.sample", "extra.vote"))
    (project.facts / "extra2.yaml").write_text(
        GOOD_FACT.replace("extra.sample", "extra2.vote"))
    assert load_facts(project.facts)  # different topics: fine
    congress = project.facts / "congress.yaml"
    congress.write_text(congress.read_text() + GOOD_FACT.replace("facts:\n", "")
                        .replace("extra.sample", "congress.vote"))
    with pytest.raises(BriefingErrors) as excinfo:
        load_facts(project.facts)
    [message] = errors_of(excinfo)
    assert "duplicate fact id 'congress.vote' (first defined at congress.yaml:" in message


def test_fact_id_must_belong_to_its_file(project):
    [message, *_] = load_errors(project, GOOD_FACT.replace("extra.sample", "other.x"))
    assert "must start with 'extra.'" in message


def test_long_quote_is_refused(project):
    long_quote = " ".join(["palabra"] * 40)
    [message, *_] = load_errors(
        project, GOOD_FACT.replace("Los grupos rotarán cada tres a seis meses", long_quote))
    assert "quote has 40 words" in message


def test_duplicate_key_is_refused_with_both_lines(project):
    [message] = load_errors(project, GOOD_FACT.replace(
        "      count: 3\n", "      count: 3\n      count: 4\n"), BriefingError)
    assert message == (f"{project.facts / 'extra.yaml'}:8: 'count' appears twice in the same "
                       "block (first on line 7)")


def test_control_character_in_a_fact_is_refused(project):
    [message] = load_errors(project, GOOD_FACT.replace(
        "es: Un hecho de prueba.", 'es: "Un hecho\\x01 de prueba."'))
    assert message == (f"{project.facts / 'extra.yaml'}:4: facts.0.text.es: contains an "
                       "invisible control character (U+0001); retype the text around it")
