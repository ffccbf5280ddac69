"""Briefs and readers: a reader is defined once (templates/readers/) and each brief names the
readers it goes to (its brief.yaml); every mistake in either is one line at its place, and a
new brief or reader starts from a command and builds at once."""


import pytest
import yaml
from lxml import html

from briefings.briefs import MAX_NAME, check_name, edition, load_brief, load_reader
from briefings.build import build
from briefings.compose import compose
from briefings.errors import BriefingError, BriefingErrors
from briefings.facts import load_facts
from briefings.scaffold import new_brief, new_reader
from tests.conftest import ALPHA, BETA, TODAY, alpha, briefings, only_readers

READERS = "ministry, press"
SECTIONS = "outlook, sources, summary, works"

ANNEX = """\
# {{ say("title") }}

{% block first %}
{{ fact("harbour.vote") }}
{% endblock %}

{% block second %}
{{ fact("harbour.rotation") }}
{% endblock %}
"""


cli = briefings


def one_error(result) -> str:
    """The one line a refused command prints, and no traceback."""
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    return line


def set_readers(project, readers: dict, brief: str = ALPHA) -> None:
    """The readers a brief goes to, in its brief.yaml."""
    path = project.briefs / brief / "brief.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["readers"] = readers
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


# --- reader profiles: templates/readers/<reader>.yaml --------------------------------------

PROFILE = """\
name: {es: Prueba, en: Test}
languages: [es, en]
classification: {es: Público, en: Public}
distribution:
  - {name: Ana, email: ana@example.org, lang: es}
"""


def test_profile_errors_name_the_file_line_and_field(tiny):
    path = tiny.readers / "ministry.yaml"
    path.write_text(PROFILE.replace("[es, en]", "[es, fr]")
                    .replace("ana@example.org", "ana.example.org")
                    + "sections: [summary, sources]\n", encoding="utf-8")
    with pytest.raises(BriefingErrors) as excinfo:
        load_reader(tiny, "ministry")
    found = [str(e) for e in excinfo.value.errors]
    assert (f"{path}:2: languages.1: unknown language 'fr' (known: es, en; a language is "
            "added in templates/project.yaml)") in found
    assert any(e.startswith(f"{path}:5: distribution.0.email: value is not a valid email")
               for e in found)
    # what a brief decides (its sections) is no longer the reader's: refused, not ignored
    assert f"{path}:6: sections: unknown field (check its spelling)" in found
    assert len(found) == 3


def test_a_valid_profile_loads(tiny):
    (tiny.readers / "ministry.yaml").write_text(PROFILE, encoding="utf-8")
    reader = load_reader(tiny, "ministry")
    assert reader.distribution[0].email == "ana@example.org"
    chosen = alpha(tiny, "ministry")
    assert chosen.profile == reader and chosen.languages == ["es", "en"]
    assert chosen.length == "full"


@pytest.mark.parametrize("name", ["../etc", "Prensa", "a/b", "prensa_", "-x", "", "prensa\n"])
def test_reader_and_brief_names_are_checked(tiny, name):
    with pytest.raises(BriefingError, match="is not a valid reader name"):
        new_reader(tiny, name, "ministry")
    with pytest.raises(BriefingError, match="is not a valid reader name"):
        load_reader(tiny, name)
    with pytest.raises(BriefingError, match="is not a valid brief name"):
        new_brief(tiny, name, "ministry")
    with pytest.raises(BriefingError, match="is not a valid brief name"):
        load_brief(tiny, name)


def test_a_name_may_have_forty_characters_not_more():
    assert MAX_NAME == 40 and check_name("a" * 40) == "a" * 40
    with pytest.raises(BriefingError, match="a brief name of 41 characters is too long"):
        check_name("a" * 41, "brief")


@pytest.mark.parametrize("command", [["new-reader", "--from", "ministry"], ["new-brief"]],
                         ids=["new-reader", "new-brief"])
@pytest.mark.parametrize("name, problem", [
    ("boletin\n", "'boletin\\n' is not a valid {what} name: use lowercase letters"),
    ("a" * 300, "a {what} name of 300 characters is too long: keep it to 40"),
])
def test_a_bad_name_is_refused_in_one_line(tiny, command, name, problem):
    what = command[0].removeprefix("new-")
    before = sorted(p.name for p in tiny.templates.rglob("*"))
    line = one_error(cli(tiny, *command, name))
    assert line.startswith("error: " + problem.format(what=what))
    assert sorted(p.name for p in tiny.templates.rglob("*")) == before


def test_an_unknown_reader_or_brief_says_which_was_meant(tiny):
    with pytest.raises(BriefingError, match=rf"unknown reader 'presss' \(did you mean "
                       rf"'press'\? known: {READERS}\)"):
        load_reader(tiny, "presss")
    with pytest.raises(BriefingError, match=r"unknown brief 'alpah' \(did you mean "
                       r"'alpha'\? known: alpha, beta\)"):
        load_brief(tiny, "alpah")
    # a reader that exists, but that this brief does not go to: its brief.yaml says who
    new_reader(tiny, "bulletin", "ministry")
    with pytest.raises(BriefingError, match=r"brief 'beta' does not go to reader "
                       r"'bulletin' \(its readers: ministry\)") \
            as caught:
        edition(tiny, load_brief(tiny, BETA), "bulletin")
    assert caught.value.file == str(tiny.briefs / BETA / "brief.yaml")


@pytest.mark.parametrize("args, message", [
    (["--brief", "alpah"], "unknown brief 'alpah' (did you mean 'alpha'? known: alpha, beta)"),
    (["--reader", "presss"], f"unknown reader 'presss' (did you mean 'press'? "
     f"known: {READERS})"),
])
def test_build_names_what_it_does_not_know_in_one_line(tiny, args, message):
    assert one_error(cli(tiny, "build", "--format", "html", *args)).endswith(message)
    assert not tiny.build.exists()


# --- brief.yaml ------------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, message", [
    ("sections: [summary, works, outlook, sources]", "sections: [sumary, works, outlook, sources]",
     f"unknown section 'sumary' (did you mean 'summary'? known: {SECTIONS})"),
    ("sections: [summary, works, sources]", "sections: [summary, wroks, sources]",
     f"unknown section 'wroks' (did you mean 'works'? known: {SECTIONS})"),
    ("  ministry: {}", "  ministri: {}",
     f"unknown reader 'ministri' (did you mean 'ministry'? known: {READERS})"),
], ids=["section of the brief", "section for one reader", "reader"])
def test_a_brief_naming_what_does_not_exist_is_one_line_at_its_line(tiny, old, new,
                                                                    message):
    path = tiny.briefs / ALPHA / "brief.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    result = cli(tiny, "check", "--brief", ALPHA, "--no-warnings")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [out for out in result.stdout.splitlines() if out.startswith("error:")] == [
        f"error: templates/briefs/{ALPHA}/brief.yaml:{line}: {message}"]


# --- a reader that extends another --------------------------------------------------------

def test_a_reader_that_extends_another_is_merged_over_it(tiny, tmp_path):
    """Mappings merged key by key (one language of the name), lists and texts replaced; the
    new reader builds as any other."""
    (tiny.readers / "board.yaml").write_text(
        "extends: ministry\nname:\n  en: Harbour board\nlanguages: [en]\n"
        "tone: Short.\ndistribution: []\n", encoding="utf-8")
    board, ministry = load_reader(tiny, "board"), load_reader(tiny, "ministry")
    assert (board.name["en"], board.name["es"]) == ("Harbour board", ministry.name["es"])
    assert board.languages == ["en"] and ministry.languages == ["es", "en"]
    assert board.classification == ministry.classification
    assert (board.tone, board.distribution) == ("Short.", [])
    set_readers(tiny, {"board": {}}, BETA)
    out = tmp_path / "out"
    build(tiny, briefs=[BETA], formats=["html"], out=out)
    page = html.parse(str(out / BETA / "board" / "beta-board-en.html")).getroot()
    assert "Harbour board" in page.text_content()
    assert "Official use — limited distribution" in page.text_content()


def test_a_reader_edited_in_a_running_process_is_read_anew(tiny):
    """A process keeps each reader it validated (a list asks for each reader brief by
    brief) only while the readers' files say the same: an edit of the reader, or of the
    one it extends, is seen at once, even one that keeps the file's size."""
    def edit(path, old, new):
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    (tiny.readers / "board.yaml").write_text(
        "extends: ministry\nlanguages: [en]\ntone: Short.\ndistribution: []\n",
        encoding="utf-8")
    assert load_reader(tiny, "board").languages == ["en"]
    edit(tiny.readers / "board.yaml", "languages: [en]", "languages: [es]")
    assert load_reader(tiny, "board").languages == ["es"]
    assert load_reader(tiny, "board").name["en"] == load_reader(tiny, "ministry").name["en"]
    ministry = (tiny.readers / "ministry.yaml").read_text(encoding="utf-8")
    name = load_reader(tiny, "ministry").name["en"]
    edit(tiny.readers / "ministry.yaml", name, name[::-1])
    assert load_reader(tiny, "board").name["en"] == name[::-1]
    (tiny.readers / "ministry.yaml").write_text(ministry, encoding="utf-8")
    assert load_reader(tiny, "board").name["en"] == name


def test_readers_that_extend_each_other_in_a_circle_are_one_line(tiny):
    (tiny.readers / "board.yaml").write_text("extends: desk\n", encoding="utf-8")
    (tiny.readers / "desk.yaml").write_text("# the desk\nextends: board\n", encoding="utf-8")
    with pytest.raises(BriefingError) as caught:
        load_reader(tiny, "board")
    assert str(caught.value) == (
        f"{tiny.readers / 'desk.yaml'}:2: extends: readers extend each other in a circle "
        "(board → desk → board): remove one 'extends'")
    set_readers(tiny, {"board": {}}, BETA)
    assert one_error(cli(tiny, "build", "--format", "html")) == (
        "error: templates/readers/desk.yaml:2: extends: readers extend each other in a circle "
        "(board → desk → board): remove one 'extends'")


def test_a_reader_extending_an_unknown_one_says_which_was_meant(tiny):
    (tiny.readers / "board.yaml").write_text("tone: Short.\nextends: ministri\n",
                                             encoding="utf-8")
    with pytest.raises(BriefingError) as caught:
        load_reader(tiny, "board")
    assert str(caught.value) == (
        f"{tiny.readers / 'board.yaml'}:2: unknown reader 'ministri' (did you mean "
        "'ministry'? known: board, ministry, press)")


# --- new readers -----------------------------------------------------------------------------

def test_new_reader_extends_its_base_with_only_the_name_to_write(tiny, tmp_path):
    source = load_reader(tiny, "ministry")
    assert source.distribution  # the new reader must not mail the original reader's people
    path = new_reader(tiny, "harbour-board", "ministry")
    assert path == tiny.readers / "harbour-board.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\nextends: ministry\n" in text and "distribution: []" in text
    assert source.tone not in text and source.classification["en"] not in text  # not copied
    made = load_reader(tiny, "harbour-board")
    assert made.distribution == []
    assert (made.languages, made.classification, made.tone) == (
        source.languages, source.classification, source.tone)
    assert made.name["es"] == made.name["en"] == "harbour-board"  # a placeholder to write
    with pytest.raises(BriefingError, match="already exists"):
        new_reader(tiny, "harbour-board", "ministry")
    # named in a brief's readers, it builds without any other edit
    set_readers(tiny, {"harbour-board": {}})
    out = tmp_path / "out"
    build(tiny, briefs=[ALPHA], readers=["harbour-board"], formats=["html"], out=out)
    assert sorted(p.name for p in (out / ALPHA / "harbour-board").iterdir()) == [
        "alpha-harbour-board-en.html", "alpha-harbour-board-en.text.json",
        "alpha-harbour-board-es.html", "alpha-harbour-board-es.text.json"]


def test_an_override_of_one_block_changes_only_that_block(tiny):
    (tiny.briefs / ALPHA / "sections/annex.md.j2").write_text(ANNEX, encoding="utf-8")
    for lang, title in (("es", "Anexo"), ("en", "Annex")):
        (tiny.briefs / ALPHA / f"sections/{lang}/annex.yaml").write_text(
            f"title: {title}\n", encoding="utf-8")
    new_reader(tiny, "bulletin", "ministry")
    set_readers(tiny, {"ministry": {"sections": ["annex", "sources"]},
                       "bulletin": {"sections": ["annex", "sources"]}})
    override = tiny.briefs / ALPHA / "readers/bulletin/sections/annex.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "brief/sections/annex.md.j2" %}\n'
                        "{% block second %}Rotation details are left out here.{% endblock %}\n",
                        encoding="utf-8")
    facts = load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages)

    def paragraphs(reader, lang):
        document = compose(tiny, facts, alpha(tiny, reader), lang, TODAY)
        return [p.text_content() for p in document.body.xpath("//section[@id='annex']/p")]

    for lang in ("en", "es"):  # one template for both languages, so one override too
        base, changed = paragraphs("ministry", lang), paragraphs("bulletin", lang)
        assert changed[0] == base[0]
        assert changed[1] == "Rotation details are left out here." != base[1]


# --- new briefs ------------------------------------------------------------------------------

def test_a_new_brief_passes_the_check_and_builds_at_once_printing_no_fact(tiny):
    """With the theme's placeholders (templates/theme/new/<lang>.yaml), and nothing of
    another brief (tests/test_languages.py builds one in a third language too)."""
    created = cli(tiny, "new-brief", "demo")
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("created templates/briefs/demo: ")
    checked = cli(tiny, "check", "--no-warnings")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.splitlines()[-1].startswith("check: 0 errors, ")
    built = cli(tiny, "build", "--brief", "demo")
    assert built.returncode == 0, built.stderr
    assert sorted(p.name for p in tiny.build.iterdir() if not p.name.startswith(".")) == [
        "demo", "manifest.json"]  # the other briefs were not asked for
    assert sorted(p.name for p in (tiny.build / "demo/ministry").iterdir()) == [
        f"demo-ministry-{lang}.{fmt}" for lang in ("en", "es")
        for fmt in ("docx", "html", "pdf", "text.json")]
    facts = load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages)
    printed = [text for fact in facts.facts.values() for text in fact.text.values()] + [
        source.title for source in facts.sources.values()]
    for lang, title in (("es", "Nuevo informe"), ("en", "New brief")):
        page = html.fromstring(
            (tiny.build / f"demo/ministry/demo-ministry-{lang}.html").read_bytes())
        text = " ".join(page.text_content().split())
        assert title in text
        assert not [said for said in printed if said.rstrip(".") in text]
    again = cli(tiny, "new-brief", "demo")
    assert one_error(again).startswith("error: templates/briefs/demo: brief 'demo' already "
                                       "exists")


# --- the commands that list and choose -------------------------------------------------------

def listed(project) -> list[str]:
    result = cli(project, "list")
    assert result.returncode == 0, result.stderr
    return [" ".join(line.split()) for line in result.stdout.splitlines()]


def test_list_shows_briefs_readers_languages_and_what_is_current(tiny):
    assert listed(tiny) == [
        "alpha: El faro de Strelsau",
        "ministry es not built", "ministry en not built",
        "press en not built", "press es not built",
        "beta: Las sesiones del Consejo del Puerto",
        "ministry es not built", "ministry en not built"]
    build(tiny, briefs=[BETA], formats=["html"])
    assert listed(tiny)[6:] == ["ministry es html current", "ministry en html current"]
    summary = tiny.briefs / "beta/sections/summary.md.j2"
    summary.write_text(summary.read_text(encoding="utf-8") + "\nOtra frase.\n",
                       encoding="utf-8")
    assert listed(tiny) == [
        "alpha: El faro de Strelsau",
        "ministry es not built", "ministry en not built",
        "press en not built", "press es not built",
        "beta: Las sesiones del Consejo del Puerto",
        # the English too: an edit in one version may renumber the sources of every other
        "ministry es html out of date", "ministry en html out of date"]


def test_version(tiny):
    result = cli(tiny, "--version")
    assert (result.returncode, result.stdout) == (0, "briefings 0.1.0\n")


def test_commands_about_one_brief_ask_which_when_there_are_two(tiny):
    only_readers(tiny, "press", brief=ALPHA)
    # With one brief, preview takes it and goes on to its next check (the port).
    assert one_error(cli(tiny, "preview", "--port", "70000")) == \
        "error: --port 70000 is not a port: use 1 to 65535, or 0 for any free one"
    new_brief(tiny, "demo", "ministry")
    for command in (["preview", "--port", "70000"], ["email", "--reader", "ministry"]):
        assert one_error(cli(tiny, *command)) == (
            "error: this project has 2 briefs: name one with --brief (alpha, demo)")
