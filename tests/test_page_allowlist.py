"""The page is built from an allow-list (issue 22, review N3 and item 58): each way the
review found to run script or load from elsewhere in the HTML page, through each way in
(a layout override, brief.css, an i18n label, style.yaml, a Vega-Lite figure, a drawing
gone wrong), is refused with one line naming its file, or leaves the built page inert.
"Inert" is read from the page itself: every element and attribute on the allow-list, every
address a link or a data: image or font, and the Content-Security-Policy in its head."""

import re
import shutil
from urllib.parse import urlsplit

import pytest
import tinycss2
from lxml import html

from briefings import allowlist, urls
from briefings.build import build
from briefings.compose import compose
from briefings.document import Theme
from briefings.errors import BriefingError, BriefingErrors
from briefings.facts import load_facts
from briefings.writers import html as html_writer
from briefings.writers import pdf as pdf_writer
from briefings.writers import safe_page
from tests.conftest import ALPHA, ROOT, TODAY, alpha, copy_tiny

LISTENER = "http://127.0.0.1:9"
# The review's payloads (N3): each ran script on a click or fetched on open in Chromium.
PAYLOADS = {
    "svg xlink:href": '<svg><a xlink:href="javascript:alert(1)"><text x="10" y="20">click'
                      '</text></a></svg>',
    "svg href": '<svg><a href="javascript:alert(1)"><text x="10" y="20">click</text></a>'
                '</svg>',
    "SMIL set": '<svg><a><set attributeName="href" to="javascript:alert(1)"/>'
                '<text x="10" y="20">click</text></a></svg>',
    "SMIL animate": '<svg><a><animate attributeName="href" values="javascript:alert(1)"/>'
                    '<text x="10" y="20">click</text></a></svg>',
    "meta refresh": f'<meta http-equiv="refresh" content="5;url={LISTENER}/refresh">',
    "srcset behind data:": '<img alt="" sizes="4000px" srcset="data:image/gif;base64,'
                           f'R0lGODlhAQABAAAAACw= 1w, {LISTENER}/srcset.png 4000w">',
    "data:text/css @import": '<link rel="stylesheet" href="data:text/css,@import '
                             f'url({LISTENER}/datacss.css);">',
    "image-set": f'<p style="background-image:image-set(\'{LISTENER}/set.png\' 1x)">x</p>',
    "fill url()": f'<svg><rect width="9" height="9" fill="url({LISTENER}/fill.svg#g)"/></svg>',
    "picture source": f'<picture><source srcset="data:, {LISTENER}/pic.png 2x"></picture>',
    "ping": f'<a href="https://example.org/" ping="{LISTENER}/ping">x</a>',
    "formaction": '<form><button formaction="javascript:alert(1)">x</button></form>',
    "svg use to a remote file": f'<svg><use href="{LISTENER}/sprite.svg#x"/></svg>',
    "svg image": f'<svg><image href="{LISTENER}/i.png" width="9" height="9"/></svg>',
    "foreignObject": '<svg><foreignObject><iframe src="javascript:alert(1)"></iframe>'
                     '</foreignObject></svg>',
    "script": "<script>alert(1)</script>",
    "style element": f"<style>@import url({LISTENER}/s.css);</style>",
    "base": f'<base href="{LISTENER}/">',
    "event handler": '<p onmouseover="alert(1)">x</p>',
    "javascript link": '<a href="javascript:alert(1)">x</a>',
    "data: html link": '<a href="data:text/html,<script>alert(1)</script>">x</a>',
}


def uninert(page: str) -> list[str]:
    """What in a built page could run script or load anything from elsewhere."""
    found = []
    root = html.document_fromstring(page)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if not allowlist.element_allowed(el.tag) or el.tag.lower() == "script":
            found.append(f"<{el.tag}>")
        for name, value in el.attrib.items():
            where = f"{el.tag} {name}={value[:60]!r}"
            if el.tag == "meta" and name == "http-equiv":
                if value != "Content-Security-Policy":
                    found.append(where)
            elif not allowlist.attribute_allowed(el.tag, name):
                found.append(where)
            elif name == "href" and not value.startswith("#") and (
                    allowlist.is_svg(el.tag) or urlsplit(value).scheme not in urls.LINK_SCHEMES):
                found.append(where)
            elif name == "src" and not re.match(r"data:image/(png|jpeg|gif|webp)[;,]", value):
                found.append(where)
            elif "url(" in value.lower() and not re.fullmatch(r"url\(#[\w-]+\)", value):
                found.append(where)
        if el.tag == "style":
            found += [f"style url {url[:60]}" for url in urls.css_urls(
                tinycss2.parse_stylesheet(el.text or "")) if not url.startswith("data:font/")]
    return found


def policy_of(page: str) -> list[str]:
    """The Content-Security-Policy the page's head carries, before any other content."""
    head = html.document_fromstring(page).find("head")
    return [el.get("content") for el in head[:2]
            if el.get("http-equiv") == "Content-Security-Policy"]


def assert_safe(page: str) -> None:
    assert uninert(page) == []
    assert policy_of(page) == [safe_page.POLICY]


def built_page(project, tmp_path, reader: str = "ministry") -> str:
    out = tmp_path / "out"
    build(project, briefs=[ALPHA], readers=[reader], langs=["en"], formats=["html"], out=out,
          force=True)
    return (out / ALPHA / reader / f"{ALPHA}-{reader}-en.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def composed(tmp_path_factory):
    """Brief alpha for ministry in English, composed once for the module: a layout override
    and brief.css are read by the HTML writer, which each test runs on its own project."""
    project = copy_tiny(tmp_path_factory.mktemp("composed"))
    facts = load_facts(project.facts, project.theme / "fonts", project.settings.languages)
    return compose(project, facts, alpha(project), "en", TODAY)


def written_page(project, document) -> str:
    """The web page the build writes for brief alpha's ministry reader in English, from
    ``document`` with ``project``'s layout and stylesheets (the build is tested above)."""
    return html_writer.render(document, Theme(alpha(project).chain))


def test_the_built_page_is_inert_and_carries_its_policy(tiny, tmp_path):
    page = built_page(tiny, tmp_path)
    assert_safe(page)
    assert "default-src 'none'" in safe_page.POLICY and "script-src" not in safe_page.POLICY


# --- the sanitiser alone: safe by construction, whatever a check before it missed ----------

@pytest.mark.parametrize("where", ["head", "body"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_sanitiser_keeps_nothing_that_runs_or_loads(tmp_path, payload, where):
    page = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>T</title>"
            + (PAYLOADS[payload] if where == "head" else "")
            + "<style>p { color: red }</style></head><body><p>Text.</p>"
            + (PAYLOADS[payload] if where == "body" else "") + "</body></html>")
    written = safe_page.write(page, urls.Resources(tmp_path))
    assert_safe(written)
    assert "<p>Text.</p>" in written


# --- each way in ---------------------------------------------------------------------------

@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_layout_override_with_a_payload_is_refused_naming_it(tiny, composed, payload):
    layout = tiny.briefs / ALPHA / "layout.html.j2"
    text = (tiny.templates / "theme/layout.html.j2").read_text(encoding="utf-8")
    layout.write_text(text.replace("{{ body }}", PAYLOADS[payload] + "\n{{ body }}"),
                      encoding="utf-8")
    line = text.splitlines().index("{{ body }}") + 1
    with pytest.raises(BriefingError) as caught:
        written_page(tiny, composed)
    assert caught.value.file.endswith(f"templates/briefs/{ALPHA}/layout.html.j2")
    assert caught.value.line == line, str(caught.value)
    assert "refused" in caught.value.message and "\n" not in str(caught.value)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_brief_css_cannot_close_its_style_element(tiny, composed, payload):
    css = tiny.templates / "theme/brief.css"
    css.write_text(css.read_text(encoding="utf-8")
                   + f"\n/* </style>{PAYLOADS[payload]}<style> */\n", encoding="utf-8")
    page = written_page(tiny, composed)
    assert_safe(page)
    [style] = html.document_fromstring(page).xpath("//style")
    # all of it, inside (the web page leaves out comments and the rules for paged media)
    assert "</style>" not in style.text and "@media screen" in style.text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_i18n_label_cannot_close_the_style_element(tiny, tmp_path, payload):
    """page_of is printed in the stylesheet of the page the PDF is made from (its footer),
    as a CSS string."""
    label = "{page} / {pages} </style>" + PAYLOADS[payload] + "<style>"
    (tiny.briefs / ALPHA / "i18n").mkdir()
    (tiny.briefs / ALPHA / "i18n/en.yaml").write_text(
        "page_of: '" + label.replace("'", "''") + "'\n", encoding="utf-8")
    edition = alpha(tiny)
    document = compose(tiny, load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages), edition, "en", TODAY)
    page = html_writer.render(document, Theme(edition.chain),
                              body=pdf_writer.print_tree(document.body))
    # its fonts and figures stay files (WeasyPrint's fetcher reads only the theme's)
    assert [found for found in uninert(page)
            if not found.startswith(("style url fonts/", "img src='file:"))] == []
    [style] = html.document_fromstring(page).xpath("//style")
    assert "counter(page)" in style.text and "</style>" not in style.text


STYLE_PAYLOADS = {  # style.yaml line → what replaces it
    "palette key": ('  paper: "#ffffff"',
                    '  paper: "#ffffff"\n  "x: red; } </style><svg><a xlink:href=javascript:'
                    'alert(1)><text>click</text></a></svg><style> :root { --y": "#000000"'),
    "font family": ('  family: "IBM Plex Serif"',
                    '  family: "IBM Plex Serif\\"; } </style><svg><a xlink:href=javascript:'
                    'alert(1)><text>click</text></a></svg><style> x { y: \\""'),
    "colour": ('  paper: "#ffffff"', '  paper: "#fff; } </style><b>"'),
}


@pytest.mark.parametrize("payload", STYLE_PAYLOADS)
def test_style_yaml_names_and_colours_are_typed(tiny, tmp_path, payload):
    old, new = STYLE_PAYLOADS[payload]
    path = tiny.templates / "theme/style.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new), encoding="utf-8")
    line = next(n for n, content in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if "</style>" in content)
    with pytest.raises((BriefingError, BriefingErrors)) as caught:
        built_page(tiny, tmp_path)
    errors = getattr(caught.value, "errors", [caught.value])
    assert [(e.file.endswith("templates/theme/style.yaml"), e.line) for e in errors] == \
        [(True, line)]
    assert "\n" not in str(errors[0])


CSS_PAYLOADS = {  # item 58 and N3's stylesheet forms
    "@import": f'@import url("{LISTENER}/i.css");',
    "url() of a file": "body { background: url(file:///etc/passwd) }",
    "@font-face src: file": "@font-face { font-family: X; src: url(file:///etc/hosts) }",
    "url() out of the project": "body { background: url(../../facts/sources.yaml) }",
    "image-set()": f"body {{ background: image-set(\"{LISTENER}/s.png\" 1x) }}",
    "data:text/css": "body { background: url(\"data:text/css,@import url(x.css);\") }",
    "data: SVG with a remote image": "body { background: url(\"data:image/svg+xml,<svg "
                                     "xmlns='http://www.w3.org/2000/svg'><image href='"
                                     f"{LISTENER}/x.png'/></svg>\") }}",
}


@pytest.mark.parametrize("fmt", ["html", "pdf"])
@pytest.mark.parametrize("payload", CSS_PAYLOADS)
def test_brief_css_loads_only_theme_files_and_data_images_and_fonts(tmp_path, payload, fmt):
    from briefings.writers import html as html_writer, pdf
    from tests.test_docx_writer import from_markdown
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "templates/theme", theme)
    css = theme / "brief.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n" + CSS_PAYLOADS[payload] + "\n",
                   encoding="utf-8")
    document = from_markdown(("s", "# S\n\nText.\n"))
    with pytest.raises(BriefingError) as caught:
        (html_writer.render if fmt == "html" else pdf.render)(document, Theme((theme,)))
    assert (caught.value.file, caught.value.line) == (
        str(css), len(css.read_text(encoding="utf-8").splitlines()))
    assert "refused" in caught.value.message


VEGA_BACKGROUND = f"""\
figures:
  chart:
    kind: vega-lite
    rows:
      - {{side: {{es: "A favor", en: "In favour"}}, votes: harbour.vote.in_favour}}
    spec:
      background: "url({LISTENER}/bg.svg#g)"
      mark: {{type: bar, color: "url({LISTENER}/bar.svg#g)"}}
      encoding:
        y: {{field: side, type: nominal}}
        x: {{field: votes, type: quantitative}}
    caption: {{es: "Fondo.", en: "Background."}}
    alt: {{es: "Barras.", en: "Bars."}}
"""


def test_a_vega_lite_figure_reaches_nothing_outside_its_drawing(tiny, tmp_path):
    """A background or colour url(…) is refused with one line, or dropped from the page."""
    from tests.test_figures import with_figures
    with_figures(tiny, VEGA_BACKGROUND, names=("chart",))
    try:
        page = built_page(tiny, tmp_path)
    except (BriefingError, BriefingErrors) as refused:
        assert "\n" not in str(refused)
    else:
        assert_safe(page)
        assert html.document_fromstring(page).xpath("//figure/svg")


def test_a_drawing_that_would_run_code_reaches_the_page_inert(tiny):
    """A drawing that animates a link to javascript: and fills with a remote file (a bug in
    a drawing library, or a Vega-Lite spec that found a way): the page keeps the drawing's
    shapes, and nothing else."""
    from briefings.document import Asset
    from briefings.writers import html as html_writer
    from tests.test_figures import compose_alpha, with_figures
    with_figures(tiny, names=("vote",))
    document = compose_alpha(tiny)
    [key] = document.assets
    document.assets[key] = Asset({"image/svg+xml": TAMPERED.encode})
    page = html_writer.render(document, Theme(alpha(tiny).chain))
    assert_safe(page)
    [drawing] = html.document_fromstring(page).xpath("//figure/svg")
    assert [el.tag for el in drawing.iter()] == ["svg", "rect", "use", "circle"]
    assert drawing.find("circle").get("fill") == "#1f3a5f"


TAMPERED = f"""<svg xmlns="http://www.w3.org/2000/svg"
     xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10" viewBox="0 0 10 10">
<a xlink:href="javascript:alert('cache')"><set attributeName="href" to="javascript:alert(2)"/>
<animate attributeName="href" values="javascript:alert(3)"/><text x="1" y="5">click</text></a>
<rect width="5" height="5" fill="url({LISTENER}/fill.svg#g)"/>
<use xlink:href="{LISTENER}/sprite.svg#x"/><image href="{LISTENER}/i.png"/>
<circle r="1" fill="#1f3a5f"/></svg>"""
