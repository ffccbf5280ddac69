"""Briefs and readers: a reader is defined once (templates/readers/) and each brief names the
readers it goes to (its brief.yaml); every mistake in either is one line at its place, and a
new brief or reader starts from a command and builds at once."""

import os
import subprocess
import sys

import pytest
import yaml
from lxml import html

from briefings.briefs import MAX_NAME, check_name, edition, load_brief, load_reader
from briefings.build import build
from briefings.compose import compose
from briefings.errors import BriefingError, BriefingErrors
from briefings.facts import load_facts
from briefings.scaffold import new_brief, new_reader
from tests.conftest import PERU, ROOT, TODAY, only_readers, peru

READERS = "cancilleria, comision-congreso, contrapartes-eeuu, prensa"
SECTIONS = ("authorization, benefits, context, designation, recommendations, risks, sources, "
            "status, summary")

ANNEX = """\
# {title}

{{% block first %}}
{{{{ fact("congress.vote") }}}}
{{% endblock %}}

{{% block second %}}
{{{{ fact("congress.rotation") }}}}
{{% endblock %}}
"""


def cli(project, *args):
    return subprocess.run(
        [sys.executable, "-m", "briefings", "--project", str(project.root), *args],
        capture_output=True, text=True, cwd=project.root, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)})


def one_error(result) -> str:
    """The one line a refused command prints, and no traceback."""
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    return line


def set_readers(project, readers: dict, brief: str = PERU) -> None:
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


def test_profile_errors_name_the_file_line_and_field(project):
    path = project.readers / "cancilleria.yaml"
    path.write_text(PROFILE.replace("[es, en]", "[es, fr]")
                    .replace("ana@example.org", "ana.example.org")
                    + "sections: [summary, sources]\n", encoding="utf-8")
    with pytest.raises(BriefingErrors) as excinfo:
        load_reader(project, "cancilleria")
    found = [str(e) for e in excinfo.value.errors]
    assert f"{path}:2: languages.1: unknown language 'fr' (known: es, en)" in found
    assert any(e.startswith(f"{path}:5: distribution.0.email: value is not a valid email")
               for e in found)
    # what a brief decides (its sections) is no longer the reader's: refused, not ignored
    assert f"{path}:6: sections: unknown field (check its spelling)" in found
    assert len(found) == 3


def test_a_valid_profile_loads(project):
    (project.readers / "cancilleria.yaml").write_text(PROFILE, encoding="utf-8")
    reader = load_reader(project, "cancilleria")
    assert reader.distribution[0].email == "ana@example.org"
    chosen = peru(project, "cancilleria")
    assert chosen.profile == reader and chosen.languages == ["es", "en"]
    assert chosen.length == "full"


@pytest.mark.parametrize("name", ["../etc", "Prensa", "a/b", "prensa_", "-x", "", "prensa\n"])
def test_reader_and_brief_names_are_checked(project, name):
    with pytest.raises(BriefingError, match="is not a valid reader name"):
        new_reader(project, name, "cancilleria")
    with pytest.raises(BriefingError, match="is not a valid reader name"):
        load_reader(project, name)
    with pytest.raises(BriefingError, match="is not a valid brief name"):
        new_brief(project, name, "cancilleria")
    with pytest.raises(BriefingError, match="is not a valid brief name"):
        load_brief(project, name)


def test_a_name_may_have_forty_characters_not_more():
    assert MAX_NAME == 40 and check_name("a" * 40) == "a" * 40
    with pytest.raises(BriefingError, match="a brief name of 41 characters is too long"):
        check_name("a" * 41, "brief")


@pytest.mark.parametrize("command", [["new-reader", "--from", "cancilleria"], ["new-brief"]],
                         ids=["new-reader", "new-brief"])
@pytest.mark.parametrize("name, problem", [
    ("boletin\n", "'boletin\\n' is not a valid {what} name: use lowercase letters"),
    ("a" * 300, "a {what} name of 300 characters is too long: keep it to 40"),
])
def test_a_bad_name_is_refused_in_one_line(project, command, name, problem):
    what = command[0].removeprefix("new-")
    before = sorted(p.name for p in project.templates.rglob("*"))
    line = one_error(cli(project, *command, name))
    assert line.startswith("error: " + problem.format(what=what))
    assert sorted(p.name for p in project.templates.rglob("*")) == before


def test_an_unknown_reader_or_brief_says_which_was_meant(project):
    only_readers(project, "prensa")
    with pytest.raises(BriefingError, match=rf"unknown reader 'prensas' \(did you mean "
                       rf"'prensa'\? known: {READERS}\)"):
        load_reader(project, "prensas")
    with pytest.raises(BriefingError, match=r"unknown brief 'peru-mna' \(did you mean "
                       r"'peru-mnna'\? known: peru-mnna\)"):
        load_brief(project, "peru-mna")
    # a reader that exists, but that this brief does not go to: its brief.yaml says who
    new_reader(project, "boletin", "cancilleria")
    with pytest.raises(BriefingError, match=r"brief 'peru-mnna' does not go to reader "
                       r"'boletin' \(its readers: prensa\)") \
            as caught:
        edition(project, load_brief(project, PERU), "boletin")
    assert caught.value.file == str(project.briefs / PERU / "brief.yaml")


@pytest.mark.parametrize("args, message", [
    (["--brief", "peru-mna"], "unknown brief 'peru-mna' (did you mean 'peru-mnna'? "
     "known: peru-mnna)"),
    (["--reader", "prensas"], f"unknown reader 'prensas' (did you mean 'prensa'? "
     f"known: {READERS})"),
])
def test_build_names_what_it_does_not_know_in_one_line(project, args, message):
    only_readers(project, "prensa")
    assert one_error(cli(project, "build", "--format", "html", *args)).endswith(message)
    assert not project.build.exists()


# --- brief.yaml ------------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, message", [
    ("sections: [summary, status, designation,", "sections: [sumary, status, designation,",
     f"unknown section 'sumary' (did you mean 'summary'? known: {SECTIONS})"),
    ("sections: [summary, authorization, status, sources]",
     "sections: [summary, autorization, status, sources]",
     f"unknown section 'autorization' (did you mean 'authorization'? known: {SECTIONS})"),
    ("  cancilleria: {}", "  cancilleri: {}",
     f"unknown reader 'cancilleri' (did you mean 'cancilleria'? known: {READERS})"),
], ids=["section of the brief", "section for one reader", "reader"])
def test_a_brief_naming_what_does_not_exist_is_one_line_at_its_line(project, old, new,
                                                                    message):
    path = project.briefs / PERU / "brief.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    result = cli(project, "check", "--brief", PERU, "--no-warnings")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [out for out in result.stdout.splitlines() if out.startswith("error:")] == [
        f"error: templates/briefs/{PERU}/brief.yaml:{line}: {message}"]


# --- new readers -----------------------------------------------------------------------------

def test_new_reader_copies_a_profile_with_an_empty_distribution(project, tmp_path):
    source = load_reader(project, "cancilleria")
    assert source.distribution  # the copy must not mail the original reader's people
    path = new_reader(project, "comision-defensa", "cancilleria")
    assert path == project.readers / "comision-defensa.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("\n# ") >= 5  # every field is explained
    assert "distribution: []" in text
    copy = load_reader(project, "comision-defensa")
    assert copy.distribution == []
    assert (copy.languages, copy.classification, copy.tone) == (
        source.languages, source.classification, source.tone)
    assert copy.name.es == f"{source.name.es} (comision-defensa)"
    with pytest.raises(BriefingError, match="already exists"):
        new_reader(project, "comision-defensa", "cancilleria")
    # named in a brief's readers, it builds without any other edit
    set_readers(project, {"comision-defensa": {}})
    out = tmp_path / "out"
    build(project, briefs=[PERU], readers=["comision-defensa"], formats=["html"], out=out)
    assert sorted(p.name for p in (out / PERU / "comision-defensa").iterdir()) == [
        "peru-mnna-comision-defensa-en.html", "peru-mnna-comision-defensa-es.html"]


def test_an_override_of_one_block_changes_only_that_block(project):
    for lang, title in (("es", "Anexo"), ("en", "Annex")):
        (project.briefs / PERU / f"sections/{lang}/annex.md.j2").write_text(
            ANNEX.format(title=title), encoding="utf-8")
    new_reader(project, "boletin", "cancilleria")
    set_readers(project, {"cancilleria": {"sections": ["annex", "sources"]},
                          "boletin": {"sections": ["annex", "sources"]}})
    override = project.briefs / PERU / "readers/boletin/sections/en/annex.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "brief/sections/en/annex.md.j2" %}\n'
                        "{% block second %}Rotation details are left out here.{% endblock %}\n",
                        encoding="utf-8")
    facts = load_facts(project.facts)

    def paragraphs(reader, lang):
        document = compose(project, facts, peru(project, reader), lang, TODAY)
        return [p.text_content() for p in document.body.xpath("//section[@id='annex']/p")]

    base, changed = paragraphs("cancilleria", "en"), paragraphs("boletin", "en")
    assert changed[0] == base[0]
    assert changed[1] == "Rotation details are left out here." != base[1]
    assert paragraphs("boletin", "es") == paragraphs("cancilleria", "es")


# --- new briefs ------------------------------------------------------------------------------

def test_a_new_brief_passes_the_check_and_builds_at_once(project):
    only_readers(project, "prensa")  # the Peru brief is checked too: keep it small
    created = cli(project, "new-brief", "demo")
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("created templates/briefs/demo: ")
    checked = cli(project, "check", "--no-warnings")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.splitlines()[-1].startswith("check: 0 errors, ")
    built = cli(project, "build", "--brief", "demo", "--format", "html")
    assert built.returncode == 0, built.stderr
    assert sorted(p.name for p in project.build.iterdir() if not p.name.startswith(".")) == [
        "demo", "manifest.json"]  # the other brief was not asked for
    fact = next(iter(load_facts(project.facts).facts.values()))
    for lang, title in (("es", "Nuevo informe (demo)"), ("en", "New brief (demo)")):
        page = html.fromstring(
            (project.build / f"demo/cancilleria/demo-cancilleria-{lang}.html").read_bytes())
        text = " ".join(page.text_content().split())
        assert title in text and fact.text[lang] in text
    again = cli(project, "new-brief", "demo")
    assert one_error(again).startswith("error: templates/briefs/demo: brief 'demo' already "
                                       "exists")


# --- the commands that list and choose -------------------------------------------------------

def listed(project) -> list[str]:
    result = cli(project, "list")
    assert result.returncode == 0, result.stderr
    return [" ".join(line.split()) for line in result.stdout.splitlines()]


def test_list_shows_briefs_readers_languages_and_what_is_current(project):
    only_readers(project, "prensa")
    new_brief(project, "demo", "cancilleria")
    assert listed(project) == [
        "demo: New brief (demo)",
        "cancilleria es not built", "cancilleria en not built",
        f"{PERU}: Peru as a Major Non-NATO Ally",
        "prensa es not built", "prensa en not built"]
    build(project, briefs=["demo"], formats=["html"])
    assert listed(project)[1:3] == ["cancilleria es html current",
                                    "cancilleria en html current"]
    summary = project.briefs / "demo/sections/es/summary.md.j2"
    summary.write_text(summary.read_text(encoding="utf-8") + "\nOtra frase.\n",
                       encoding="utf-8")
    assert listed(project) == [
        "demo: New brief (demo)",
        "cancilleria es html out of date", "cancilleria en html current",
        f"{PERU}: Peru as a Major Non-NATO Ally",
        "prensa es not built", "prensa en not built"]


def test_version(project):
    result = cli(project, "--version")
    assert (result.returncode, result.stdout) == (0, "briefings 0.1.0\n")


def test_commands_about_one_brief_ask_which_when_there_are_two(project):
    only_readers(project, "prensa")
    # With one brief, preview takes it and goes on to its next check (the port).
    assert one_error(cli(project, "preview", "--port", "70000")) == \
        "error: --port 70000 is not a port: use 1 to 65535, or 0 for any free one"
    new_brief(project, "demo", "cancilleria")
    for command in (["preview", "--port", "70000"], ["email", "--reader", "cancilleria"]):
        assert one_error(cli(project, *command)) == (
            "error: this project has 2 briefs: name one with --brief (demo, peru-mnna)")
