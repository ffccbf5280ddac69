"""A section written once, its words per language (briefings/prose.py), on the fixture."""

import pytest

from briefings.compose import compose
from briefings.errors import BriefingError
from briefings.facts import load_facts
from tests.conftest import TODAY, alpha
from tests.test_compose import edit, text_of

# What is checked and written is the point here, not the worker processes: documents are
# made in this one (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("workers_in_this_process")

SECTIONS = "templates/briefs/alpha/sections"


def composed(project, lang="es", reader="ministry"):
    return compose(project, load_facts(project.facts, project.theme / "fonts", project.settings.languages),
                   alpha(project, reader), lang, TODAY)


def failure(project, lang="es") -> str:
    with pytest.raises(BriefingError) as caught:
        composed(project, lang)
    return str(caught.value)


def test_one_template_says_its_words_in_each_language(tiny):
    es, en = text_of(composed(tiny, "es")), text_of(composed(tiny, "en"))
    assert "En síntesis. El Consejo del Puerto de Strelsau aprobó" in es
    assert "Las obras empiezan en abril de 2026" in es
    assert "Bottom line. The Strelsau Port Council approved" in en
    assert "Works start in April 2026" in en


def test_a_text_with_plural_forms_takes_the_one_its_count_asks_for(tiny):
    es, en = text_of(composed(tiny, "es")), text_of(composed(tiny, "en"))
    assert "Los guardianes rotarán cada 2 a 4 meses" in es
    assert "The keepers will rotate every 2 to 4 months." in en
    edit(tiny.briefs / "alpha/sections/works.md.j2", "count=rotation.max_months",
         "count=rotation.max_months // rotation.max_months")
    assert "Los guardianes rotarán cada mes" in text_of(composed(tiny, "es"))
    assert "The keepers will rotate every month." in text_of(composed(tiny, "en"))


def test_a_readers_override_replaces_a_block_and_adds_words_to_the_briefs(tiny):
    press = text_of(composed(tiny, "es", "press"))
    assert "En pocas palabras" in press and "Usos previstos: " in press
    assert "En síntesis." in press                       # the brief's block and words


def test_a_readers_words_replace_the_briefs_key_by_key(tiny):
    path = tiny.briefs / "alpha/readers/press/sections/es/summary.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "bottom_line: Lo esencial.\n",
                    encoding="utf-8")
    assert "Lo esencial. El Consejo" in text_of(composed(tiny, "es", "press"))
    assert "En síntesis. El Consejo" in text_of(composed(tiny, "es", "ministry"))


def test_an_unknown_key_is_named_at_the_template_line(tiny):
    edit(tiny.briefs / "alpha/sections/works.md.j2", 'say("schedule")', 'say("schedul")')
    assert failure(tiny) == (
        f"{SECTIONS}/works.md.j2:7: say(\"schedul\"): {SECTIONS}/es/works.yaml has no text "
        "'schedul' (did you mean 'schedule'?)")


def test_a_key_missing_in_one_language_is_named_in_its_file(tiny):
    edit(tiny.briefs / "alpha/sections/en/works.yaml", "keepers: Keepers\n", "")
    assert failure(tiny, "en") == (f"{SECTIONS}/en/works.yaml: keepers: missing "
                                   "(es/works.yaml has it): add it in this language")


def test_a_statement_in_a_text_is_refused_naming_file_and_key(tiny):
    edit(tiny.briefs / "alpha/sections/es/works.yaml", "schedule: Calendario",
         "schedule: '{% if true %}Calendario{% endif %}'")
    assert failure(tiny) == (
        f"{SECTIONS}/es/works.yaml:2: schedule: a text may print values ({{{{ … }}}}) but not hold "
        "a statement ({% … %}): put conditions and loops in the section's template, and give "
        "the text what it prints with say()")


def test_a_plural_form_the_language_lacks_is_named(tiny):
    edit(tiny.briefs / "alpha/sections/en/works.yaml", "  one:", "  few:")
    message = failure(tiny, "en")
    assert message.startswith(f"{SECTIONS}/en/works.yaml:6: rotation: 'few' is not a plural "
                              "form of English (its forms: one, other)")


def test_a_plural_text_without_its_count_is_named_at_the_template_line(tiny):
    edit(tiny.briefs / "alpha/sections/works.md.j2", ", count=rotation.max_months", "")
    assert failure(tiny) == (
        f"{SECTIONS}/works.md.j2:17: say(\"rotation\") needs count=<a number>: its text in "
        f"{SECTIONS}/es/works.yaml has plural forms")


def test_a_value_a_text_needs_and_say_does_not_give_is_named(tiny):
    edit(tiny.briefs / "alpha/sections/es/works.yaml", "keepers: Guardianes",
         "keepers: Guardianes {{ periodo }}")
    assert failure(tiny) == (f"{SECTIONS}/es/works.yaml:3: keepers: 'periodo' is undefined "
                             "(say(\"keepers\") gives it nothing)")


def test_a_number_typed_into_a_text_is_an_error_of_the_check(tiny):
    edit(tiny.briefs / "alpha/sections/es/works.yaml", "keepers: Guardianes",
         "keepers: Los 3 guardianes")
    from briefings.rules.run import run_checks
    [problem] = run_checks(tiny, TODAY, briefs=["alpha"])
    assert problem.report().startswith(
        f"error: {SECTIONS}/es/works.yaml:3: keepers: the number 3 is typed")


def test_an_invisible_character_in_a_text_is_named_at_its_key(tiny):
    edit(tiny.briefs / "alpha/sections/es/works.yaml", "keepers: Guardianes",
         "keepers: Guardia\u200bnes")
    assert failure(tiny).startswith(f"{SECTIONS}/es/works.yaml:3: keepers: it prints text that ")


def test_a_syntax_error_in_a_text_is_named_at_its_key(tiny):
    edit(tiny.briefs / "alpha/sections/es/works.yaml", "keepers: Guardianes",
         "keepers: Guardianes {{ rotation. }}")
    assert failure(tiny).startswith(f"{SECTIONS}/es/works.yaml:3: keepers: syntax error: ")


@pytest.mark.parametrize("source", [
    "Plain words.", "Markup & <b>bold</b> stays as written", "A {single} brace, and }} alone",
    "Two lines\nand a trailing newline\n\n", "  Leading and trailing spaces  ",
    "A carriage\rreturn and\r\na Windows line end", "A {{ value }} printed"])
def test_a_text_says_what_jinja_would_make_of_it(tiny, source):
    """A text that prints no value is not compiled (prose.Prose._plain): it still says
    exactly what Jinja makes of it, in the section environment's options."""
    from briefings.compose.environment import make_environment
    from briefings.prose import Prose, Text
    edition = alpha(tiny, "ministry")
    locale = tiny.settings.locale("en")
    env = make_environment(edition, locale, TODAY)
    prose = Prose(env, edition.chain, "en", locale, tiny.root)
    said = prose._render(Text("key", source, "words.yaml", 1), {"value": "x"})
    assert said == env.from_string(source.rstrip("\n")).render(value="x")


def test_words_edited_while_a_process_runs_are_read_anew(tiny):
    """A process keeps each words file parsed by its content (every version of a brief, and
    the rules on it, read the same files): an edit is read by the next document, as the
    preview's worker makes them save after save."""
    assert "Bottom line. The Strelsau" in text_of(composed(tiny, "en"))
    edit(tiny.briefs / "alpha/sections/en/summary.yaml", "bottom_line: Bottom line.",
         "bottom_line: In short.")
    assert "In short. The Strelsau" in text_of(composed(tiny, "en"))
