"""Templates and facts cannot make a build reach the network or read outside the project."""

import re
import shutil
import socket
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from briefings.build import build
from briefings.document import Theme
from briefings.errors import BriefingError
from tests.conftest import ALPHA, PERU, ROOT, TODAY, section

# What is checked and written is the point here, not the worker processes: documents are
# made in this one (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("workers_in_this_process")

THEME = Theme((ROOT / "templates/theme",))


def add_image(project, url):
    template = project.briefs / "alpha/sections/summary.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + f"\n\n![map]({url})\n",
                        encoding="utf-8")


def test_an_image_on_the_network_is_never_fetched(tiny, tmp_path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/map.png"
        add_image(tiny, url)
        with pytest.raises(BriefingError, match=f"refused to load {url}"):
            build(tiny, briefs=[ALPHA], langs=["en"], formats=["pdf"],
                  out=tmp_path / "out")
        with pytest.raises(BlockingIOError):
            server.accept()  # nobody connected
    assert not (tmp_path / "out" / ALPHA).exists()   # no output written
    assert not (tmp_path / "out" / "manifest.json").exists()


@pytest.mark.parametrize("where", ["absolute", "relative"])
def test_a_file_outside_the_project_is_never_read(tiny, tmp_path, where):
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
                      '<text x="0" y="20">SECRET-TOKEN</text></svg>')
    url = secret.as_uri() if where == "absolute" else "../../secret.svg"
    add_image(tiny, url)
    with pytest.raises(BriefingError, match=f"refused to load {re.escape(url)}"):
        build(tiny, langs=["en"], formats=["pdf"], out=tmp_path / "out")


def test_etc_passwd_is_refused(tiny, tmp_path):
    add_image(tiny, "/etc/passwd")
    with pytest.raises(BriefingError, match="refused to load /etc/passwd"):
        build(tiny, langs=["en"], formats=["pdf"], out=tmp_path / "out")


def test_templates_cannot_include_files_outside_the_templates(tiny, tmp_path):
    template = tiny.briefs / "alpha/sections/summary.md.j2"
    template.write_text('{% include "../../../facts/sources.yaml" %}\n'
                        + template.read_text(encoding="utf-8"))
    with pytest.raises(BriefingError,
                       match="summary.md.j2:1: template not found: ../../../facts/sources.yaml"):
        build(tiny, langs=["en"], formats=["html"], out=tmp_path / "out")


# --- the template sandbox --------------------------------------------------------------------

def first_edition(project, brief: str):
    from briefings.briefs import editions, load_brief
    return editions(project, load_brief(project, brief))[0]


def compose_with(project, line: str, lang: str = "en", brief: str = ALPHA):
    """Compose a brief in English for its first reader, with ``line`` added at the top of
    its summary."""
    from briefings.compose import compose
    from briefings.facts import load_facts
    template = section(project, lang, "summary", brief=brief)
    template.write_text(line + "\n" + template.read_text(encoding="utf-8"), encoding="utf-8")
    return compose(project, load_facts(project.facts, project.theme / "fonts",
                                             project.settings.languages),
                   first_edition(project, brief), lang, TODAY)


PAYLOADS = {
    "a pydantic model's pickle loader": '{{ fact.used["harbour.vote"].parse_file }}',
    "the fact door's records": '{{ fact("harbour.vote").cite._access._base }}',
    "a fact's class": '{{ fact("harbour.vote").__class__.__mro__ }}',
    "a method outside the allow-list": '{{ t.title.format }}',
    "a date's methods": '{{ today.replace(year=1).ctime() }}',
    "a helper's globals": '{{ fact.__globals__ }}',
    "the template itself": '{{ self._TemplateReference__context }}',
}
# Figures are still code bound to the Peru brief's facts: a figure's files are reached for
# in that brief.
FIGURE_PAYLOADS = {
    "read a file through a figure's path":
        '{% set _ = figure("vote") %}{{ figure.made.vote.svg.joinpath("/etc/passwd")'
        '.read_text() }}',
    "write a file through a figure's path":
        '{{ figure.made.vote.svg.joinpath("/tmp/owned").write_text("x") }}',
}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_templates_reach_no_live_object(tiny, payload):
    with pytest.raises(BriefingError) as caught:
        compose_with(tiny, PAYLOADS[payload])
    assert str(caught.value).startswith("templates/briefs/alpha/sections/summary.md.j2:1: ")


@pytest.mark.parametrize("payload", FIGURE_PAYLOADS)
def test_templates_reach_no_live_object_through_a_figure(project, payload):
    with pytest.raises(BriefingError) as caught:
        compose_with(project, FIGURE_PAYLOADS[payload], brief=PERU)
    assert str(caught.value).startswith(
        f"templates/briefs/{PERU}/sections/summary.md.j2:1: ")
    assert not Path("/tmp/owned").exists()


@pytest.mark.parametrize("name", ["../../readers/ministry.yaml", "brief.yaml",
                                  "reference.docx", "fonts/OFL.txt"])
def test_only_templates_can_be_included(tiny, name):
    with pytest.raises(BriefingError) as caught:
        compose_with(tiny, f'{{% include "{name}" %}}')
    assert str(caught.value).startswith(
        f"templates/briefs/alpha/sections/summary.md.j2:1: template not found: {name}")


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
    read every attribute through the sandbox: no path, model, module or other callable.
    (On the Peru brief, which has figures.)"""
    import datetime as dt
    import types

    import jinja2
    from markupsafe import Markup
    from pydantic import BaseModel

    from briefings.compose import (Citation, CitedText, FactAccess, FigureMaker,
                                   make_environment, template_context)
    from briefings.facts import load_facts
    from briefings.i18n import labels
    from briefings.templating import SAFE_ATTRIBUTES

    facts = load_facts(project.facts, project.theme / "fonts", project.settings.languages)
    edition = first_edition(project, PERU)
    access = FactAccess(facts, "en")
    maker = FigureMaker(edition, access, "en", "en_GB", TODAY,
                        labels(edition.chain, "en")["date_range"])
    context = template_context(edition, "en", TODAY, labels(edition.chain, "en"), access,
                               maker)
    env = make_environment(edition, "en", TODAY)
    helpers = {context["fact"], context["figure"], context["sources"]}
    results = [context, context["sources"](), context["figure"]("vote"),
               *(context["fact"](fact_id) for fact_id in facts.facts)]
    plain = (str, int, float, dt.date, list, tuple, dict, type(None), Markup, Citation,
             CitedText)
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


def test_nothing_in_the_output_folder_is_loaded_as_code(tiny):
    """A compiled-template cache in build/ would run whatever anyone put there (Jinja's
    bytecode cache unmarshals it): composing reads nothing from the output folder."""
    import os
    import sys
    read: list[str] = []
    watching = [True]

    def hook(event, args):
        if watching[0] and event == "open" and isinstance(args[0], str) \
                and args[0].startswith(str(tiny.build)) \
                and (args[1] or "r").startswith("r") \
                and (args[2] & os.O_ACCMODE) == os.O_RDONLY:
            read.append(args[0])

    sys.addaudithook(hook)
    try:
        compose_with(tiny, "")
        compose_with(tiny, "")  # a second document: nothing kept from the first is loaded
    finally:
        watching[0] = False
    assert not read


# --- one URL rule for every writer -----------------------------------------------------------

NETWORK = "http://127.0.0.1:9/x"
BODY_PAYLOADS = {  # Markdown a section template may hold → what gives it away in a file
    "remote image": (f"![map]({NETWORK}.png)", NETWORK),
    "javascript link": ("[read](javascript:alert(1))", "javascript:"),
    "file link": ("[read](file:///etc/passwd)", "file:///etc"),
    "data link": ("[read](data:text/html;base64,PHNjcmlwdD4=)", "data:text/html"),
    "event handler": ('Text.\n{: onclick="alert(1)" }', "onclick"),
    "style with a remote url": (f'Text.\n{{: style="background:url({NETWORK})" }}', NETWORK),
    "attribute list href": ('[read](#sources){: href="javascript:alert(1)" }',
                            "javascript:"),
}


@pytest.mark.parametrize("payload", BODY_PAYLOADS)
def test_compose_refuses_what_the_rule_forbids_naming_template_and_line(tiny, payload):
    markdown, trace = BODY_PAYLOADS[payload]
    added = ("# Summary\n\n" + markdown.replace("\\n", "\n")).splitlines()
    line = next(n for n, text in enumerate(added, 1) if trace in text)
    with pytest.raises(BriefingError) as caught:
        compose_with(tiny, "\n".join(added))
    assert str(caught.value).startswith(
        f"templates/briefs/alpha/sections/summary.md.j2:{line}: ")
    assert "refused" in str(caught.value)


def written(document, fmt: str) -> bytes:
    """The file a writer makes of ``document``, its zip parts unpacked for the DOCX."""
    from briefings.writers import docx, html, pdf
    if fmt == "docx":
        with zipfile.ZipFile(BytesIO(docx.render(document, THEME))) as z:
            return b"".join(z.read(name) for name in z.namelist())
    if fmt == "pdf":
        return pdf.render(document, THEME).data
    return html.render(document, THEME).encode()


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
@pytest.mark.parametrize("payload", BODY_PAYLOADS)
def test_no_writer_keeps_what_the_rule_forbids(payload, fmt):
    """Each writer on its own, given a tree that did not come through compose: it refuses
    the payload, or (DOCX: attributes Word has no use for) leaves no trace of it."""
    from tests.test_docx_writer import from_markdown
    markdown, trace = BODY_PAYLOADS[payload]
    document = from_markdown(("s", "# S\n\n" + markdown.replace("\\n", "\n") + "\n"))
    try:
        data = written(document, fmt)
    except BriefingError as error:
        assert "refused" in str(error) or "not supported" in str(error)
    else:
        assert fmt == "docx" and trace.encode() not in data


THEME_PAYLOADS = {  # theme file, text added at its end, the line that gives it away
    "stylesheet @import": ("brief.css", f'@import url("{NETWORK}.css");', NETWORK),
    "stylesheet url()": ("brief.css", f"body {{ background: url({NETWORK}.png) }}", NETWORK),
    "layout image": ("layout.html.j2", f'<img src="{NETWORK}.png" alt="">', NETWORK),
    "layout script": ("layout.html.j2", "<script>fetch('/')</script>", "<script"),
    "layout javascript link": ("layout.html.j2", '<a href="javascript:alert(1)">x</a>',
                               "javascript:"),
    "layout event handler": ("layout.html.j2", '<p onmouseover="alert(1)">x</p>',
                             "onmouseover"),
}


@pytest.mark.parametrize("where", ["theme", "brief"])
@pytest.mark.parametrize("fmt", ["html", "pdf"])
@pytest.mark.parametrize("payload", THEME_PAYLOADS)
def test_the_page_obeys_the_rule_in_html_and_pdf(tmp_path, payload, fmt, where):
    """The shared theme's file, or a brief's copy of it that replaces it."""
    from briefings.writers import html, pdf
    from tests.test_docx_writer import from_markdown
    name, text, _ = THEME_PAYLOADS[payload]
    theme, brief = tmp_path / "theme", tmp_path / "brief"
    shutil.copytree(ROOT / "templates/theme", theme)
    brief.mkdir()
    if where == "brief":
        shutil.copyfile(theme / name, brief / name)
    theme_file = (theme if where == "theme" else brief) / name
    theme_file.write_text(theme_file.read_text(encoding="utf-8").replace(
        "</body>" if name.endswith(".j2") else "\0", text + "\n</body>")
        if name.endswith(".j2") else theme_file.read_text(encoding="utf-8") + "\n" + text,
        encoding="utf-8")
    document = from_markdown(("s", "# S\n\nText.\n"))
    with pytest.raises(BriefingError) as caught:
        (html.render if fmt == "html" else pdf.render)(document, Theme((brief, theme)))
    line = next(n for n, content in enumerate(
        theme_file.read_text(encoding="utf-8").splitlines(), 1) if text in content)
    assert (caught.value.file, caught.value.line) == (str(theme_file), line)
    assert "refused" in caught.value.message
