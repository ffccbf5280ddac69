"""Templates and facts cannot make a build reach the network or read outside the project."""

import socket
from pathlib import Path

import pytest

from briefings.build import build
from briefings.errors import BriefingError
from tests.conftest import TODAY


def add_image(project, url):
    template = project.base / "sections/en/summary.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + f"\n\n![map]({url})\n",
                        encoding="utf-8")


def test_an_image_on_the_network_is_never_fetched(project, tmp_path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/map.png"
        add_image(project, url)
        with pytest.raises(BriefingError, match=f"refused to load {url}"):
            build(project, langs=["en"], formats=["pdf"], out=tmp_path / "out")
        with pytest.raises(BlockingIOError):
            server.accept()  # nobody connected
    # no output written (only the figures' cache, which holds drawings of the facts)
    assert not (tmp_path / "out" / "cancilleria").exists()
    assert not (tmp_path / "out" / "manifest.json").exists()


@pytest.mark.parametrize("where", ["absolute", "relative"])
def test_a_file_outside_the_project_is_never_read(project, tmp_path, where):
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
                      '<text x="0" y="20">SECRET-TOKEN</text></svg>')
    url = secret.as_uri() if where == "absolute" else "../../secret.svg"
    add_image(project, url)
    with pytest.raises(BriefingError, match=f"refused to load file://{secret}"):
        build(project, langs=["en"], formats=["pdf"], out=tmp_path / "out")


def test_etc_passwd_is_refused(project, tmp_path):
    add_image(project, "/etc/passwd")
    with pytest.raises(BriefingError, match="refused to load file:///etc/passwd"):
        build(project, langs=["en"], formats=["pdf"], out=tmp_path / "out")


def test_templates_cannot_include_files_outside_the_templates(project, tmp_path):
    template = project.base / "sections/en/summary.md.j2"
    template.write_text('{% include "../../../facts/sources.yaml" %}\n'
                        + template.read_text(encoding="utf-8"))
    with pytest.raises(BriefingError, match="summary.md.j2:1: template not found: ../../../facts/sources.yaml"):
        build(project, langs=["en"], formats=["html"], out=tmp_path / "out")


# --- the template sandbox --------------------------------------------------------------------

def compose_with(project, line: str, lang: str = "en"):
    """Compose the English brief with ``line`` added at the top of its summary."""
    from briefings.audiences import load_audience
    from briefings.compose import compose
    from briefings.facts import load_facts
    template = project.base / f"sections/{lang}/summary.md.j2"
    template.write_text(line + "\n" + template.read_text(encoding="utf-8"), encoding="utf-8")
    return compose(project, load_facts(project.facts), load_audience(project, "cancilleria"),
                   lang, TODAY, project.build / ".cache")


PAYLOADS = {
    "read a file through a figure's path":
        '{% set _ = figure("vote") %}{{ figure.made.vote.svg.joinpath("/etc/passwd")'
        '.read_text() }}',
    "write a file through a figure's path":
        '{{ figure.made.vote.svg.joinpath("/tmp/owned").write_text("x") }}',
    "a pydantic model's pickle loader": '{{ fact.used["congress.vote"].parse_file }}',
    "the fact door's records": '{{ fact("congress.vote").cite._access._base }}',
    "a fact's class": '{{ fact("congress.vote").__class__.__mro__ }}',
    "a method outside the allow-list": '{{ t.title.format }}',
    "a date's methods": '{{ today.replace(year=1).ctime() }}',
    "a helper's globals": '{{ fact.__globals__ }}',
    "the template itself": '{{ self._TemplateReference__context }}',
}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_templates_reach_no_live_object(project, payload):
    with pytest.raises(BriefingError) as caught:
        compose_with(project, PAYLOADS[payload])
    assert str(caught.value).startswith("templates/base/sections/en/summary.md.j2:1: ")
    assert not Path("/tmp/owned").exists()


@pytest.mark.parametrize("name", ["../../audiences/cancilleria/audience.yaml",
                                  "audience.yaml", "reference.docx", "fonts/OFL.txt"])
def test_only_templates_can_be_included(project, name):
    with pytest.raises(BriefingError) as caught:
        compose_with(project, f'{{% include "{name}" %}}')
    assert str(caught.value).startswith("templates/base/sections/en/summary.md.j2:1: "
                                        f"template not found: {name}")


def _reachable(value, seen=None):
    """Every value a template can reach from ``value``: items, elements and, through the
    sandbox, attributes."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _reachable(item, seen)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _reachable(item, seen)


def test_the_template_context_is_plain_data(project):
    """Walk everything a section template can reach, the helpers' results included, and
    read every attribute through the sandbox: no path, model, module or other callable."""
    import datetime as dt
    import types

    import jinja2
    from markupsafe import Markup
    from pydantic import BaseModel

    from briefings.audiences import load_audience
    from briefings.compose import Citation, FactAccess, FigureMaker, make_environment, \
        template_context
    from briefings.facts import load_facts
    from briefings.i18n import load_strings
    from briefings.templating import SAFE_ATTRIBUTES

    facts = load_facts(project.facts)
    audience = load_audience(project, "cancilleria")
    access = FactAccess(facts, "en")
    maker = FigureMaker(project, access, "en", TODAY, project.build / "figures")
    context = template_context(project, audience, "en", TODAY,
                               load_strings(project.base / "i18n", "en"), access, maker)
    env = make_environment(project, audience, "en", TODAY)
    helpers = {context["fact"], context["figure"], context["sources"]}
    results = [context, context["sources"](), context["figure"]("vote"),
               *(context["fact"](fact_id) for fact_id in facts.facts)]
    plain = (str, int, float, dt.date, list, tuple, dict, type(None), Markup, Citation)
    allowed = {(kind, name) for kind, names in SAFE_ATTRIBUTES for name in names}
    for value in (v for result in results for v in _reachable(result)):
        assert not isinstance(value, (Path, BaseModel, types.ModuleType))
        assert isinstance(value, plain) or value in helpers, value
        for name in dir(value):
            got = env.getattr(value, name)
            if not isinstance(got, jinja2.Undefined) and not (
                    isinstance(value, dict) and name in value):
                assert any(isinstance(value, kind) and name == n for kind, n in allowed), \
                    (type(value).__name__, name)


def test_nothing_in_the_output_folder_is_loaded_as_code(project):
    """A compiled-template cache in build/ would run whatever anyone put there (Jinja's
    bytecode cache unmarshals it): composing reads nothing from the output folder but the
    figures' drawings."""
    import os
    import sys
    read: list[str] = []
    watching = [True]

    def hook(event, args):
        if watching[0] and event == "open" and isinstance(args[0], str) \
                and args[0].startswith(str(project.build)) \
                and (args[1] or "r").startswith("r") \
                and (args[2] & os.O_ACCMODE) == os.O_RDONLY:
            read.append(args[0])

    sys.addaudithook(hook)
    try:
        compose_with(project, "")
        compose_with(project, "")  # a second document: nothing kept from the first is loaded
    finally:
        watching[0] = False
    assert not [path for path in read if not path.endswith((".svg", ".png"))]
