import datetime as dt

import pytest

from briefings.briefs import languages_read
from briefings.errors import BriefingError, BriefingErrors
from briefings.facts import load_facts
from briefings.project import Project
from tests.conftest import ROOT, TODAY, briefings

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
      - id: guardiana-opinion
        quote: "Conviene revisar el proyecto al primer año y de nuevo al tercer año"
        locator: "párrafo 1"
"""


def errors_of(excinfo) -> list[str]:
    exc = excinfo.value
    return [str(e) for e in exc.errors] if isinstance(exc, BriefingErrors) else [str(exc)]


def load_errors(project, text: str, expected=BriefingErrors) -> list[str]:
    """The messages of loading the facts with ``text`` as facts/extra.yaml."""
    (project.facts / "extra.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(expected) as excinfo:
        load_facts(project.facts, project.theme / "fonts", project.settings.languages,
                   languages_read(project))
    return errors_of(excinfo)


def test_real_facts_load_with_typed_values():
    base = load_facts(ROOT / "facts", ROOT / "templates/theme/fonts", Project(ROOT).settings.languages)
    vote = base.get("congress.vote")
    assert vote.values["in_favour"] == 73 and vote.values["against"] == 25
    assert vote.sources[0].id in base.sources
    assert str(base.get("congress.period").values["start"]) == "2026-01-01"
    for fact in base.facts.values():
        assert fact.text["es"] and fact.text["en"] and fact.sources


def test_a_valid_new_fact_file_is_picked_up(tiny):
    (tiny.facts / "extra.yaml").write_text(GOOD_FACT, encoding="utf-8")
    assert load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages).get("extra.sample").values["count"] == 3


def test_malformed_yaml_names_file_and_line(tiny):
    [message] = load_errors(tiny, GOOD_FACT.replace("es: Un hecho de prueba.",
                                                    "es: [Un hecho"), BriefingError)
    assert message.startswith(f"{tiny.facts / 'extra.yaml'}:")
    assert "invalid YAML" in message
    line = int(message.split(":")[1])
    assert line in (5, 6)  # the unclosed bracket, or where the parser noticed


def test_wrong_type_names_file_line_fact_and_field(tiny):
    [message] = load_errors(tiny, GOOD_FACT.replace("as_of: 2025-12-14",
                                                    "as_of: yesterday"))
    assert message.startswith(f"{tiny.facts / 'extra.yaml'}:8: fact 'extra.sample': as_of:")


def test_every_problem_is_reported_at_once(tiny):
    bad = GOOD_FACT.replace("id: guardiana-opinion", "id: no-such-source") \
                   .replace("      en: A test fact.\n", "")
    messages = load_errors(tiny, bad)
    assert any(":4: fact 'extra.sample': text: no text in 'en', which a reader reads: add one"
               in m
               for m in messages)
    assert any("source 'no-such-source' is not registered" in m and ":9:" in m
               for m in messages)


def test_duplicate_fact_id_names_both_places(tiny):
    (tiny.facts / "extra.yaml").write_text(GOOD_FACT.replace("extra.sample", "extra.vote"))
    (tiny.facts / "extra2.yaml").write_text(
        GOOD_FACT.replace("extra.sample", "extra2.vote"))
    assert load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages)  # different topics: fine
    harbour = tiny.facts / "harbour.yaml"
    harbour.write_text(harbour.read_text() + GOOD_FACT.replace("facts:\n", "")
                       .replace("extra.sample", "harbour.vote"))
    with pytest.raises(BriefingErrors) as excinfo:
        load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages)
    [message] = errors_of(excinfo)
    assert "duplicate fact id 'harbour.vote' (first defined at harbour.yaml:" in message


def test_fact_id_must_belong_to_its_file(tiny):
    [message, *_] = load_errors(tiny, GOOD_FACT.replace("extra.sample", "other.x"))
    assert "must start with 'extra.'" in message


def test_long_quote_is_refused(tiny):
    long_quote = " ".join(["palabra"] * 40)
    [message, *_] = load_errors(
        tiny, GOOD_FACT.replace("Conviene revisar el proyecto al primer año y de nuevo al "
                                "tercer año", long_quote))
    assert "quote has 40 words" in message


def test_duplicate_key_is_refused_with_both_lines(tiny):
    [message] = load_errors(tiny, GOOD_FACT.replace(
        "      count: 3\n", "      count: 3\n      count: 4\n"), BriefingError)
    assert message == (f"{tiny.facts / 'extra.yaml'}:8: 'count' appears twice in the same "
                       "block (first on line 7)")


def test_control_character_in_a_fact_is_refused(tiny):
    [message] = load_errors(tiny, GOOD_FACT.replace(
        "es: Un hecho de prueba.", 'es: "Un hecho\\x01 de prueba."'))
    assert message == (f"{tiny.facts / 'extra.yaml'}:4: fact 'extra.sample': text.es: "
                       "contains an invisible control character (U+0001); retype the text "
                       "around it")


# --- numbers: the text, the values and the quotes agree -----------------------------------

VOTE_FACT = """\
facts:
  - id: extra.vote
    text:
      es: El Congreso aprobó el ingreso con 73 votos a favor y 25 en contra.
      en: Congress approved the entry by 73 votes to 25.
    values:
      in_favour: 73
      against: 25
    as_of: 2025-12-14
    kind: event
    sources:
      - id: gaceta-faro
        quote: "según lo aprobado por el Congreso peruano, con 73 votos a favor y 25 en contra"
        locator: "párrafo 2"
"""


def test_the_vote_fact_loads_as_written(tiny):
    (tiny.facts / "extra.yaml").write_text(VOTE_FACT, encoding="utf-8")
    assert load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages).get("extra.vote").values["in_favour"] == 73


def test_a_value_the_text_and_quote_contradict_is_refused(tiny):
    path = tiny.facts / "extra.yaml"
    assert load_errors(tiny, VOTE_FACT.replace("in_favour: 73", "in_favour: 74")) == [
        f"{path}:4: fact 'extra.vote': the text says 73 but in_favour is 74",
        f"{path}:5: fact 'extra.vote': the text says 73 but in_favour is 74",
        f"{path}:7: fact 'extra.vote': in_favour is 74 but none of its quotes gives it: quote "
        "the passage of the source that does, or, if the brief works it out, say how under "
        "derived"]


def test_a_number_in_the_text_must_be_one_of_the_values(tiny):
    [message] = load_errors(tiny, VOTE_FACT.replace("by 73 votes to 25.",
                                                    "by 73 votes to 25 in 2025."))
    assert message == (f"{tiny.facts / 'extra.yaml'}:5: fact 'extra.vote': the text says "
                       "2025, which is not one of its values: add it to values, or correct "
                       "the text")


def test_a_fact_writes_decimals_with_a_point_and_thousands_with_commas(tiny):
    """In Spanish as in English, whatever locale the briefs print in (project.yaml): a
    Spanish "1.500" is read as 1.5, not fifteen hundred."""
    fact = VOTE_FACT.replace("con 73 votos a favor y 25 en contra.",
                             "con 1,500 votos a favor y 2.5 en contra.").replace(
        "by 73 votes to 25.", "by 1,500 votes to 2.5.").replace(
        "in_favour: 73\n      against: 25", "in_favour: 1500\n      against: 2.5").replace(
        "con 73 votos a favor y 25 en contra", "con 1,500 votos a favor y 2.5 en contra")
    (tiny.facts / "extra.yaml").write_text(fact, encoding="utf-8")
    assert load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages).get("extra.vote").values == {"in_favour": 1500,
                                                               "against": 2.5}
    [message] = load_errors(tiny, fact.replace("1,500 votos a favor y 2.5 en contra.",
                                               "1.500 votos a favor y 2.5 en contra."))
    assert message.endswith("fact 'extra.vote': the text says 1.500, which is not one of its "
                            "values: add it to values, or correct the text")


def test_digits_of_dates_and_text_values_count_as_written(tiny):
    """"14 de diciembre de 2025" is the date value, "1.º" the number 1, "6.e" and "APEC 2024"
    digits of text values; a spelled-out number in the quote ("segundo") gives the value."""
    (tiny.facts / "extra.yaml").write_text("""\
facts:
  - id: extra.dated
    text:
      es: El 14 de diciembre de 2025, por 1.ª vez, en el numeral 6.e, tras APEC 2024.
      en: On 14 December 2025, for the 1st time, in paragraph 6.e, after APEC 2024.
    values:
      date: 2025-12-14
      rank: 1
      level: 2
      paragraph: "6.e"
      after: {es: APEC 2024, en: APEC 2024}
    as_of: 2025-12-14
    sources:
      - id: gaceta-faro
        quote: "la primera vez, en el segundo nivel"
        locator: "párrafo 2"
""", encoding="utf-8")
    assert load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages).get("extra.dated").values["level"] == 2


def test_a_value_no_quote_gives_must_say_how_it_is_derived(tiny):
    counted = VOTE_FACT.replace("      against: 25\n", "      against: 25\n      total: 98\n")
    [message] = load_errors(tiny, counted)
    assert message.startswith(f"{tiny.facts / 'extra.yaml'}:9: fact 'extra.vote': total "
                              "is 98 but none of its quotes gives it")
    marked = counted.replace("    as_of:", "    derived:\n      total: in favour plus against"
                                         "\n    as_of:")
    (tiny.facts / "extra.yaml").write_text(marked, encoding="utf-8")
    assert load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages).get("extra.vote").derived == {
        "total": "in favour plus against"}
    messages = load_errors(tiny, marked.replace("      total: in", "      sum: in"))
    assert f"{tiny.facts / 'extra.yaml'}:11: fact 'extra.vote': derived names 'sum', which " \
        "is not one of its values" in messages


def test_the_real_facts_say_their_numbers_consistently():
    """Counts of lists are marked derived, with how, in the real facts."""
    base = load_facts(ROOT / "facts", ROOT / "templates/theme/fonts", Project(ROOT).settings.languages)
    assert "count" in base.get("congress.places").derived
    assert base.get("congress.places").values["count"] == len(
        base.get("congress.places").values["places"])


@pytest.mark.parametrize("written", ["true", "yes", "false"])
def test_booleans_are_not_numbers(tiny, written):
    [message] = load_errors(tiny, VOTE_FACT.replace("in_favour: 73", f"in_favour: {written}"))
    assert message == (f"{tiny.facts / 'extra.yaml'}:7: fact 'extra.vote': values.in_favour: "
                       "yes, no, true and false are not values: write the number, or put the "
                       "word in quotes to keep it as text")


@pytest.mark.parametrize("written", ["", "[[1, 2]]", "2026-01-01 10:00:00", ".nan"])
def test_a_value_of_no_known_type_says_what_is_expected(tiny, written):
    [message] = load_errors(tiny, VOTE_FACT.replace("against: 25", f"against: {written}"))
    assert message.startswith(f"{tiny.facts / 'extra.yaml'}:8: fact 'extra.vote': "
                              "values.against")
    assert "expected a number, a date, a text or a text per language" in message or "finite" in message
    assert "<" not in message and "tagged" not in message


# --- invisible and unprintable characters --------------------------------------------------

@pytest.mark.parametrize("char", ["\\u202e", "\\u202a", "\\u2066", "\\u2069", "\\u200b",
                                  "\\u200d", "\\u2060", "\\ufeff", "\\ufffe", "\\uffff"])
def test_invisible_characters_in_a_fact_are_refused(tiny, char):
    [message] = load_errors(tiny, GOOD_FACT.replace(
        "en: A test fact.", f'en: "A test{char} fact."'))
    code = char[2:].upper()
    assert message.startswith(f"{tiny.facts / 'extra.yaml'}:5: fact 'extra.sample': "
                              f"text.en: contains ")
    assert f"(U+{code}" in message and message.endswith("; retype the text around it")


def test_a_character_the_fonts_lack_is_an_error_naming_the_fact(tiny):
    [message] = load_errors(tiny, GOOD_FACT.replace(
        "en: A test fact.", 'en: "A test fact \\U0001F600."'))
    assert message == (f"{tiny.facts / 'extra.yaml'}:5: fact 'extra.sample': text.en: '😀' "
                       "(U+1F600 grinning face) is not in the brief's fonts and would print "
                       "as an empty box: leave it out or say it in words")


def test_every_real_fact_prints_with_the_shipped_fonts():
    from briefings.glyphs import font_chars, unprintable
    chars = font_chars(ROOT / "templates/theme/fonts")
    assert chars and ord("ñ") in chars and ord("😀") not in chars
    assert unprintable("Perú — «sí» ¿qué? ¡ya! ü", chars) is None


# --- file names and schema messages --------------------------------------------------------

def test_a_yml_file_is_read_like_a_yaml_one(tiny):
    (tiny.facts / "extra.yml").write_text(GOOD_FACT, encoding="utf-8")
    assert load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages).get("extra.sample").values["count"] == 3


def test_a_sources_yml_file_is_refused_not_ignored(tiny):
    (tiny.facts / "sources.yml").write_text("sources: []\n", encoding="utf-8")
    with pytest.raises(BriefingErrors) as excinfo:
        load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages)
    assert errors_of(excinfo) == [f"{tiny.facts / 'sources.yml'}: the sources registry is "
                                  "read from sources.yaml: rename this file"]


def test_a_source_schema_error_names_the_source(tiny):
    path = tiny.facts / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("language: es", "language: fr", 1), encoding="utf-8")
    with pytest.raises(BriefingErrors) as excinfo:
        load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages)
    [message] = errors_of(excinfo)
    assert ": source 'gaceta-faro': language: " in message


# --- staleness: only what describes a state ------------------------------------------------

def test_only_facts_describing_a_state_go_stale(tiny):
    from briefings.rules.facts import stale_facts
    facts = load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages)

    def stale(today, used=set(facts.facts)):
        return {f.message.split("'")[1] for f in stale_facts(facts, tiny, today, 365, used)}

    assert stale(TODAY) == set()  # the fixture's facts are from March 2026
    # Two years on, what held then may not hold now; a vote stays the vote it was.
    later = dt.date(2028, 3, 1)
    assert stale(later) == {"council.sessions", "harbour.cost", "harbour.works",
                            "harbour.opening", "harbour.uses", "harbour.rotation"}
    # A fact no brief prints cannot mislead a reader.
    assert stale(later, {"harbour.vote", "harbour.cost"}) == {"harbour.cost"}


def test_a_quote_not_in_its_source_names_the_source_and_its_title(tiny):
    from briefings.rules.quotes import unquoted
    facts = load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages)
    for source in facts.sources.values():
        (tiny.own_sources / source.file).write_text("nothing quoted here", encoding="utf-8")
    finding = next(f for f in unquoted(facts, tiny)
                   if "'harbour.rotation'" in f.message)
    assert finding.message == (
        "fact 'harbour.rotation': quote not found in source 'gaceta-faro' "
        "(\"Acta del Consejo del Puerto de Strelsau\"): \"Los guardianes rotarán cada dos a "
        "cuatro meses\"")
    assert finding.file == "facts/harbour.yaml"
    lines = (tiny.facts / "harbour.yaml").read_text(encoding="utf-8").splitlines()
    assert "Los guardianes rotarán" in lines[finding.line - 1]


def test_a_badly_spelled_name_says_the_rule_in_words(tiny):
    messages = load_errors(tiny, GOOD_FACT.replace("extra.sample", "Extra Sample")
                        .replace("count: 3", "Count: 3"))
    path = tiny.facts / "extra.yaml"
    assert messages == [
        f"{path}:2: fact 'Extra Sample': id: 'Extra Sample' is not a valid name here: write "
        "topic.name in lowercase letters, digits and underscores, e.g. 'trade.agreement'",
        f"{path}:7: fact 'Extra Sample': values.Count.[key]: 'Count' is not a valid name "
        "here: use lowercase letters, digits and underscores, e.g. 'in_favour'"]


# --- through the command line: one line naming file, line and fact; exit 1 -----------------

HARBOUR_ES = ("es: El Consejo del Puerto de Strelsau aprobó el nuevo faro con 41 votos a favor "
              "y 17 en contra.")
CLI_CASES = {
    "boolean value": (
        "against: 17", "against: true", "facts/harbour.yaml:10: fact 'harbour.vote': "
        "values.against: yes, no, true and false are not values"),
    "value of no type": (
        "against: 17", "against: [[17]]", "facts/harbour.yaml:10: fact 'harbour.vote': "
        "values.against.0: expected a number, a date, a text or a text per language"),
    "noncharacter": (
        HARBOUR_ES, 'es: "El Consejo\\uFFFE aprobó."', "facts/harbour.yaml:6: fact "
        "'harbour.vote': text.es: contains a code point that is not a character (U+FFFE)"),
    "bidi override": (
        HARBOUR_ES, 'es: "El Consejo \\u202Eaprobó."', "facts/harbour.yaml:6: fact "
        "'harbour.vote': text.es: contains an invisible formatting character (U+202E "
        "RIGHT-TO-LEFT OVERRIDE)"),
    "zero-width space": (
        HARBOUR_ES, 'es: "El Consejo\\u200B aprobó."', "facts/harbour.yaml:6: fact "
        "'harbour.vote': text.es: contains an invisible formatting character (U+200B "
        "ZERO WIDTH SPACE)"),
    "emoji": (
        HARBOUR_ES, 'es: "El Consejo aprobó 🇵🇪."', "facts/harbour.yaml:6: fact "
        "'harbour.vote': text.es: '🇵' (U+1F1F5 regional indicator symbol letter p) is not "
        "in the brief's fonts"),
}


run = briefings


@pytest.mark.parametrize("case", CLI_CASES)
def test_check_reports_a_bad_fact_in_one_line(tiny, case):
    old, new, expected = CLI_CASES[case]
    path = tiny.facts / "harbour.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run(tiny, "check", "--no-warnings")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [error] = [line for line in result.stdout.splitlines() if line.startswith("error:")]
    assert error.startswith(f"error: {expected}")


def test_check_and_build_refuse_a_fact_its_text_contradicts(tiny, tmp_path):
    path = tiny.facts / "harbour.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("in_favour: 41", "in_favour: 42"),
                    encoding="utf-8")
    expected = [
        "error: facts/harbour.yaml:6: fact 'harbour.vote': the text says 41 but in_favour "
        "is 42",
        "error: facts/harbour.yaml:7: fact 'harbour.vote': the text says 41 but in_favour "
        "is 42",
        "error: facts/harbour.yaml:9: fact 'harbour.vote': in_favour is 42 but none of its "
        "quotes gives it: quote the passage of the source that does, or, if the brief works "
        "it out, say how under derived"]
    checked = run(tiny, "check", "--no-warnings")
    assert checked.returncode == 1
    assert [line for line in checked.stdout.splitlines() if line.startswith("error:")] == expected
    built = run(tiny, "build", "--format", "html", "--out", str(tmp_path / "out"))
    assert built.returncode == 1 and built.stderr.splitlines() == expected
    # alpha prints it and is not built; beta, printing none of harbour.yaml, is
    assert not (tmp_path / "out/alpha").exists() and (tmp_path / "out/beta").is_dir()


def test_a_yml_fact_file_is_checked_not_ignored(tiny):
    (tiny.facts / "extra.yml").write_text(VOTE_FACT.replace("in_favour: 73", "in_favour: 74"),
                                          encoding="utf-8")
    result = run(tiny, "check", "--no-warnings")
    assert result.returncode == 1
    assert "error: facts/extra.yml:4: fact 'extra.vote': the text says 73 but in_favour is 74" \
        in result.stdout.splitlines()


def test_a_source_title_the_fonts_cannot_print_names_the_source(tiny):
    path = tiny.facts / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    old = 'title: "Acta del Consejo del Puerto de Strelsau"'
    assert old in text
    path.write_text(text.replace(old, 'title: "Acta del Consejo ✅"'), encoding="utf-8")
    with pytest.raises(BriefingErrors) as excinfo:
        load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages)
    [message] = errors_of(excinfo)
    assert message.startswith(f"{path}:6: source 'gaceta-faro': title: '✅' (U+2705 ")


def test_a_note_citing_an_unregistered_source_is_refused_with_a_suggestion(tiny):
    note = ("    note:\n      es: Lo dice {source:gaceta-farro}.\n"
            "      en: So says {source:gaceta-faro}.\n")
    [message] = load_errors(tiny, GOOD_FACT.replace("    sources:\n", note + "    sources:\n"))
    assert "fact 'extra.sample'" in message and "{source:gaceta-farro}: no such source " \
        "in facts/sources.yaml (did you mean 'gaceta-faro'?)" in message


def test_a_date_written_by_hand_is_reported_at_its_fact_with_the_form_to_write(tiny):
    """31/12/2025 in a fact's values was a text, refused only in figures.yaml where a figure
    needed a date: it is reported at the fact's own line, with the date as it is written."""
    path = tiny.facts / "harbour.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("date: 2026-12-15", "date: 15/12/2026", 1)
                    .replace("as_of: 2026-03-02", "as_of: 2/3/2026", 1), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    with pytest.raises(BriefingError) as raised:
        load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages)
    found = {(p.line, p.message) for p in getattr(raised.value, "errors", [raised.value])}
    assert found == {
        (lines.index("    as_of: 2/3/2026") + 1,
         "'2/3/2026' is not a date: write it as year-month-day, 2026-03-02"),
        (lines.index("      date: 15/12/2026") + 1,
         "'15/12/2026' is not a date: write it as year-month-day, 2026-12-15")}
    assert all(p.file.endswith("facts/harbour.yaml")
               for p in getattr(raised.value, "errors", [raised.value]))
