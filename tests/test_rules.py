"""The content rules every composed document is held to, each broken on the fixture project:
``briefings check`` names it in one line at its file and place, and ``build`` stops on it (on
a warning, with ``--strict``) without writing anything."""

from __future__ import annotations

import pytest

from briefings.rules.run import run_checks
from tests.conftest import ALPHA, TODAY, briefings

WORKS = f"templates/briefs/{ALPHA}/sections/works.md.j2"

# What the check finds is the point here, not its processes: documents made in this one.
pytestmark = pytest.mark.usefixtures("workers_in_this_process")


def problems(project) -> list[str]:
    return [p.report() for p in run_checks(project, TODAY, briefs=[ALPHA])]


def add_after_heading(project, file: str, text: str) -> int:
    """``text`` written after the template's title; the line it starts on."""
    path = project.root / file
    lines = path.read_text(encoding="utf-8").splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("# "))
    lines[heading + 1:heading + 1] = ["", *text.splitlines(), ""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return heading + 3


def test_the_fixture_breaks_no_rule(tiny):
    assert problems(tiny) == []


TWICE = ["section 'works' prints \"El Consejo del Puerto de Strelsau aprobó el nuevo faro "
         "con…\" a second time (first in section 'summary'): say each thing once",
         "section 'works' prints \"The Strelsau Port Council approved the new lighthouse by "
         "41…\" a second time (first in section 'summary'): say each thing once"]


def test_a_sentence_printed_twice_is_a_warning_where_it_is_printed_again(tiny):
    line = add_after_heading(tiny, WORKS, '{{ fact("harbour.vote") }}')
    assert problems(tiny) == [f"warning: {WORKS}:{line}: {message}" for message in TWICE]


@pytest.mark.parametrize("written, message", [
    ("Véase {source:gaceta-faro}.", "prints {source:gaceta-faro} as written: only a fact's "
     "note names a source this way, and it prints there as the source's number"),
    ("Lo dice «gaceta-faro».", "prints the source id 'gaceta-faro': name a source by its "
     "title, or cite it through a fact"),
    ("Dato: harbour.vote.", "prints the fact id 'harbour.vote': print the fact or its values, "
     "not its id"),
], ids=["source reference", "source id", "fact id"])
def test_an_internal_name_printed_is_an_error_at_its_line(tiny, written, message):
    line = add_after_heading(tiny, WORKS, written)
    assert problems(tiny) == [f"error: {WORKS}:{line}: {message}"]


def test_an_internal_name_in_a_sections_words_is_an_error_at_its_line(tiny):
    words = tiny.briefs / ALPHA / "sections/es/works.yaml"
    text = words.read_text(encoding="utf-8").replace("schedule: Calendario",
                                                     "schedule: Calendario de harbour.works")
    words.write_text(text, encoding="utf-8")
    line = text.splitlines().index("schedule: Calendario de harbour.works") + 1
    assert problems(tiny) == [
        f"error: templates/briefs/{ALPHA}/sections/es/works.yaml:{line}: prints the fact id "
        "'harbour.works': print the fact or its values, not its id"]


def test_a_template_file_name_printed_is_an_error(tiny):
    add_after_heading(tiny, WORKS, '{% set v = fact("harbour.vote") %}'
                                   "Véase works.md.j{{ (v.in_favour - v.against) // 12 }}.")
    assert problems(tiny) == [f"error: {WORKS}: prints the template file name 'works.md.j2'"]


@pytest.mark.parametrize("entry, problem", [
    ("Una fuente.\n{: #src-boletin }", "'boletin', which facts/sources.yaml does not register"),
    ("Según la [gaceta](#src-gaceta-faro).", None),   # a source the brief cites: fine
], ids=["unregistered", "registered"])
def test_an_entry_of_the_sources_list_is_a_registered_source(tiny, entry, problem):
    add_after_heading(tiny, WORKS, entry)
    assert problems(tiny) == ([f"error: {WORKS}: the sources list of section 'works' gives "
                               f"{problem}"] if problem else [])


def test_a_source_cited_by_hand_is_an_error_unless_a_fact_printed_rests_on_it(tiny):
    """A registered source cited and listed by hand, which no fact the version prints
    quotes: nothing checks what the brief says it says."""
    with (tiny.facts / "sources.yaml").open("a", encoding="utf-8") as sources:
        sources.write("\n  - id: boletin\n    title: \"Boletín del puerto\"\n    kind: news\n"
                      "    outlet: Boletín\n    date: 2026-03-01\n    date_basis: stated\n"
                      "    language: es\n    file: boletin.txt\n")
    (tiny.facts / "sources/boletin.txt").write_text("Boletín del puerto.", encoding="utf-8")
    add_after_heading(tiny, WORKS, "Según el [boletín](#src-boletin).\n\nBoletín.\n"
                                   "{: #src-boletin }")
    assert problems(tiny) == [
        f"error: {WORKS}: the sources list of section 'works' gives 'boletin', which no "
        "fact this version prints rests on: cite a source through a fact that quotes it"]


def test_a_section_with_two_titles_is_an_error_at_the_second(tiny):
    line = add_after_heading(tiny, WORKS, "# Otro título")
    assert problems(tiny) == [
        f"error: {WORKS}:{line}: section 'works' has 2 level-1 headings (# …): a section has "
        "one, its title; make the others level 2 (## …)"]


def test_a_fact_told_in_one_language_only_is_an_error_in_the_other(tiny):
    add_after_heading(tiny, WORKS,
                      '{% if lang == "es" %}{{ fact("council.sessions") }}{% endif %}')
    assert f"error: {WORKS}: section 'works' takes fact 'council.sessions' in Spanish but not " \
        "in English: every language tells the same facts" in problems(tiny)


def test_build_strict_stops_on_a_warning_and_writes_nothing(tiny):
    line = add_after_heading(tiny, WORKS, '{{ fact("harbour.vote") }}')
    strict = briefings(tiny, "build", "--brief", ALPHA, "--format", "html", "--strict")
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    assert strict.stderr.splitlines() == [f"error: {WORKS}:{line}: {m}" for m in TWICE]
    assert not (tiny.build / ALPHA).exists() and not (tiny.build / "manifest.json").exists()
    # without --strict, the same build writes every file and names the warning
    built = briefings(tiny, "build", "--brief", ALPHA, "--format", "html")
    assert built.returncode == 0
    assert built.stderr.splitlines() == [f"warning: {WORKS}:{line}: {m}" for m in TWICE]
    assert len(list((tiny.build / ALPHA).rglob("*.html"))) == 4


def test_build_stops_on_an_error_of_a_rule(tiny):
    line = add_after_heading(tiny, WORKS, "Dato: harbour.vote.")
    result = briefings(tiny, "build", "--brief", ALPHA, "--format", "html")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {WORKS}:{line}: prints the fact id 'harbour.vote': print the fact or its "
        "values, not its id"]
    assert not (tiny.build / ALPHA).exists()


def test_a_block_the_first_comment_does_not_list_is_a_warning_at_the_block(tiny):
    path = tiny.root / WORKS
    path.write_text(path.read_text(encoding="utf-8").replace("Blocks: schedule, keepers.",
                                                             "Blocks: schedule."),
                    encoding="utf-8")
    line = path.read_text(encoding="utf-8").splitlines().index("{% block keepers %}") + 1
    assert problems(tiny) == [
        f"warning: {WORKS}:{line}: the comment at the top of the template does not list its "
        "block 'keepers': list every block there (Blocks: schedule, keepers.), where the "
        "guide sends analysts to find what a reader's override may replace"]


WORDS = f"templates/briefs/{ALPHA}/sections/{{lang}}/works.yaml"


def test_a_key_no_template_says_is_a_warning_at_its_line_in_each_language(tiny):
    lines = {}
    for lang, text in (("es", "Nunca dicho"), ("en", "Never said")):
        path = tiny.root / WORDS.format(lang=lang)
        with path.open("a", encoding="utf-8") as words:
            words.write(f"unsaid: {text}\n")
        lines[lang] = len(path.read_text(encoding="utf-8").splitlines())
    assert problems(tiny) == [
        f"warning: {WORDS.format(lang=lang)}:{lines[lang]}: unsaid: no template of section "
        "'works' says it (say(\"unsaid\")): delete it, or say it where it belongs"
        for lang in ("es", "en")]


def test_a_key_said_where_no_version_goes_and_written_in_no_language_is_an_error(tiny):
    """A key said in a branch no version takes today fails the day one does: the check
    finds it now, at the template's line, in each language that lacks it."""
    line = add_after_heading(tiny, WORKS, '{% if length == "tiny" %}{{ say("unwritten") }}'
                                          '{% endif %}')
    assert problems(tiny) == [
        f"error: {WORKS}:{line}: say(\"unwritten\"): section 'works' has no text 'unwritten' "
        f"in {name}: add it to its words" for name in ("Spanish", "English")]


def test_a_key_said_is_found_when_a_macro_or_a_loop_says_it(tiny):
    """A key handed to a macro or a loop as a quoted text is said; a key taken from a
    value (the theme's sources section says each source's kind) cannot be followed, and
    its section's keys are all taken as said."""
    add_after_heading(tiny, WORKS, '{% macro heading(key) %}## {{ say(key) }}{% endmacro %}'
                                   '{{ heading("keepers") }}')
    for lang in ("es", "en"):
        path = tiny.root / WORDS.format(lang=lang)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("keepers:", "extra: Extra\nkeepers:"), encoding="utf-8")
    path = tiny.root / WORKS
    path.write_text(path.read_text(encoding="utf-8").replace(
        "{% endblock %}\n{% block keepers %}",
        '{% for key in ["extra"] %}{{ say(key) }}{% endfor %}\n{% endblock %}\n'
        "{% block keepers %}"), encoding="utf-8")
    assert problems(tiny) == []
