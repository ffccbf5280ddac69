import os
import re
import subprocess
import sys

import pytest

from briefings.audiences import load_audience
from briefings.build import build
from briefings.compose import compose
from briefings.errors import BriefingError, BriefingErrors
from briefings.facts import load_facts
from briefings.scaffold import new_audience
from tests.conftest import ROOT, TODAY

ANNEX = """\
# {title}

{{% block first %}}
{{{{ fact("congress.vote") }}}}
{{% endblock %}}

{{% block second %}}
{{{{ fact("congress.rotation") }}}}
{{% endblock %}}
"""


def profile_errors(project, yaml_text):
    path = project.templates / "audiences/cancilleria/audience.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(BriefingErrors) as excinfo:
        load_audience(project, "cancilleria")
    return [str(e) for e in excinfo.value.errors]


PROFILE = """\
name: {es: Prueba, en: Test}
languages: [es, en]
sections: [summary, sources]
classification: {es: Público, en: Public}
distribution:
  - {name: Ana, email: ana@example.org, lang: es}
"""


def test_profile_errors_name_the_file_line_and_field(project):
    path = project.templates / "audiences/cancilleria/audience.yaml"
    found = profile_errors(project, PROFILE.replace("sources]", "annexes]")
                           .replace("[es, en]", "[es, fr]")
                           .replace("ana@example.org", "ana.example.org"))
    assert f"{path}:2: languages.1: unknown language 'fr' (known: es, en)" in found
    assert any(e.startswith(f"{path}:3: sections: unknown section 'annexes' (known: ")
               for e in found)
    assert any(e.startswith(f"{path}:6: distribution.0.email: value is not a valid email")
               for e in found)


def test_a_valid_profile_loads(project):
    path = project.templates / "audiences/cancilleria/audience.yaml"
    path.write_text(PROFILE, encoding="utf-8")
    audience = load_audience(project, "cancilleria")
    assert audience.profile.distribution[0].email == "ana@example.org"
    assert audience.profile.length == "full"


@pytest.mark.parametrize("name", ["../etc", "Prensa", "a/b", "prensa_", "-x", ""])
def test_audience_names_are_checked(project, name):
    with pytest.raises(BriefingError, match="is not a valid audience name"):
        new_audience(project, name, "cancilleria")
    with pytest.raises(BriefingError, match="is not a valid audience name"):
        load_audience(project, name)


def test_unknown_audience_lists_the_known_ones(project):
    with pytest.raises(BriefingError, match=r"unknown audience 'boletin' \(known: cancilleria"):
        load_audience(project, "boletin")


def test_scaffold_builds_without_any_other_edit(project, tmp_path):
    folder = new_audience(project, "comision-defensa", "cancilleria")
    text = (folder / "audience.yaml").read_text(encoding="utf-8")
    assert text.count("\n# ") >= 6  # every field is explained
    assert "distribution: []" in text
    with pytest.raises(BriefingError, match="already exists"):
        new_audience(project, "comision-defensa", "cancilleria")
    out = tmp_path / "out"
    build(project, audiences=["comision-defensa"], formats=["html"], out=out)
    assert sorted(p.name for p in (out / "comision-defensa").iterdir()) == [
        "peru-mnna-comision-defensa-en.html", "peru-mnna-comision-defensa-es.html"]


def test_an_override_of_one_block_changes_only_that_block(project):
    for lang, title in (("es", "Anexo"), ("en", "Annex")):
        (project.base / f"sections/{lang}/annex.md.j2").write_text(ANNEX.format(title=title))
    base_yaml = project.templates / "audiences/cancilleria/audience.yaml"
    base_yaml.write_text(re.sub(r"sections: \[.*\]", "sections: [annex, sources]",
                                base_yaml.read_text(encoding="utf-8")), encoding="utf-8")
    new_audience(project, "boletin", "cancilleria")
    override = project.templates / "audiences/boletin/sections/en/annex.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "base/sections/en/annex.md.j2" %}\n'
                        "{% block second %}Rotation details are left out here.{% endblock %}\n")
    facts = load_facts(project.facts)

    def paragraphs(audience, lang):
        document = compose(project, facts, load_audience(project, audience), lang,
                           TODAY)
        return [p.text_content() for p in document.body.xpath("//section[@id='annex']/p")]

    base, changed = paragraphs("cancilleria", "en"), paragraphs("boletin", "en")
    assert changed[0] == base[0]
    assert changed[1] == "Rotation details are left out here." != base[1]
    assert paragraphs("boletin", "es") == paragraphs("cancilleria", "es")


def new_audience_cli(project, name):
    return subprocess.run(
        [sys.executable, "-m", "briefings", "--project", str(project.root), "new-audience",
         name], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("name, problem", [
    ("boletin\n", "'boletin\\n' is not a valid audience name: use lowercase letters"),
    ("a" * 300, "an audience name of 300 characters is too long: keep it to 40"),
])
def test_new_audience_refuses_a_bad_name_in_one_line(project, name, problem):
    before = sorted(p.name for p in (project.templates / "audiences").iterdir())
    result = new_audience_cli(project, name)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {problem}")
    assert sorted(p.name for p in (project.templates / "audiences").iterdir()) == before
