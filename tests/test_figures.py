"""Figures declared as data and drawn from the facts: the engine's kinds and errors on the
fixture project; the Peru brief's four figures in every format with caption and alt text,
printed at 220 dpi in Word."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from lxml import html
from PIL import Image
from pypdf import PdfReader

from briefings.build import build
from briefings.compose import compose
from briefings.document import Asset, Document, Theme
from briefings.errors import BriefingError
from briefings.facts import load_facts
from briefings.figures import canvas, declared, render
from briefings.project import Project
from briefings.style import load_style
from tests.conftest import alpha

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 23)
NAMES = ["timeline", "vote", "places", "allies"]        # in reading order
# Words drawn inside each figure (SVG text, so the PDF's text layer has them too).
DRAWN = {"es": {"timeline": "Reunión en Washington", "vote": "En contra", "places": "Sierra",
                "allies": "Fuera de las Américas"},
         "en": {"timeline": "Meeting in Washington", "vote": "Against", "places": "Highlands",
                "allies": "Outside the Americas"}}
LABEL = {"es": "Figura", "en": "Figure"}


def caption(name: str, lang: str) -> str:
    """The Peru figure's caption as its figures.yaml writes it."""
    figures = declared.load(ROOT / "templates/briefs/peru-mnna/figures.yaml", ("es", "en")).figures
    return figures[name].caption[lang]


def output(out: Path, lang: str, fmt: str) -> Path:
    """The Peru brief for the Foreign Ministry, as built in ``out``."""
    return out / f"peru-mnna/cancilleria/peru-mnna-cancilleria-{lang}.{fmt}"


def flat(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").replace("-\n", "").split())


def page_figures(page: html.HtmlElement) -> dict[str, tuple[str, str, str]]:
    """name → (alt, caption text, SVG markup) of each figure of an HTML page: its drawing
    inline, named by its alt text, and no image."""
    out = {}
    for el in page.iter("figure"):
        assert el.find(".//img") is None
        [svg] = el.findall("svg")
        assert svg.get("role") == "img"
        out[el.get("data-figure")] = (svg.get("aria-label"),
                                      flat(el.find("figcaption").text_content()),
                                      html.tostring(svg, encoding="unicode"))
    return out


def html_figures(path: Path) -> dict[str, tuple[str, str, str]]:
    """name → (alt, caption text, SVG markup) from a built HTML file."""
    return page_figures(html.fromstring(path.read_bytes()))


def pdf_figure_alts(reader: PdfReader) -> list[str]:
    """The /Alt of every /Figure in the PDF's structure tree (PDF/UA tagging)."""
    alts = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if node.get("/S") == "/Figure":
            alts.append(str(node.get("/Alt") or ""))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object"):
                walk(kid)
            elif isinstance(kid, dict):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return alts


# -- the full brief, built once ------------------------------------------------------------

@pytest.mark.parametrize("lang", ["es", "en"])
def test_html_holds_the_four_figures_self_contained(built, lang):
    found = html_figures(output(built, lang, "html"))
    assert list(found) == NAMES
    for n, name in enumerate(NAMES, 1):
        alt, shown, svg = found[name]
        assert alt and not re.search(r"\{[\w.]+\}", alt)
        assert shown.startswith(f"{LABEL[lang]} {n}. {caption(name, lang)[:30]}")
        assert re.search(r"\[\d+(,\s\d+)*\]\.?$", shown), "the caption cites its sources"
        assert DRAWN[lang][name] in svg
        assert 'font-family="IBM Plex Serif' in svg
    assert "file://" not in output(built, lang, "html").read_text()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_pdf_has_the_four_figures_with_captions_and_alt_text(built, lang):
    reader = PdfReader(output(built, lang, "pdf"))
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    found = html_figures(output(built, lang, "html"))
    for n, name in enumerate(NAMES, 1):
        assert f"{LABEL[lang]} {n}." in text
        assert flat(caption(name, lang))[:40] in text
        assert DRAWN[lang][name] in text            # the drawing itself is on the page
    # tagged: each figure is a /Figure whose /Alt is the figure's alt text
    assert pdf_figure_alts(reader) == [found[name][0] for name in NAMES]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_docx_has_the_four_figures_described_and_captioned(built, lang):
    path = output(built, lang, "docx")
    d = docx.Document(str(path))
    found = html_figures(output(built, lang, "html"))
    assert len(d.inline_shapes) == 4
    descriptions = [shape._inline.docPr.get("descr") for shape in d.inline_shapes]
    assert descriptions == [found[name][0] for name in NAMES]
    captions = [p for p in d.paragraphs if p.style.name == "Caption"]
    assert len(captions) == 4
    for n, (paragraph, name) in enumerate(zip(captions, NAMES), 1):
        # the number is a SEQ field (Word's own caption numbering) showing n
        fields = paragraph._p.findall(qn("w:fldSimple"))
        assert [f.get(qn("w:instr")).split()[:2] for f in fields] == [["SEQ", "Figure"]]
        shown = "".join(t.text for t in paragraph._p.iter(qn("w:t")))
        assert flat(shown).startswith(f"{LABEL[lang]} {n}. ")
        assert flat(caption(name, lang))[:40] in flat(shown)
        # the picture is in the paragraph just before, kept with its caption
        before = paragraph._p.getprevious()
        assert before.findall(".//" + qn("wp:docPr"))
        assert before.find(qn("w:pPr")).find(qn("w:keepNext")) is not None


def test_docx_pictures_are_print_resolution(built):
    d = docx.Document(str(output(built, "en", "docx")))
    for shape in d.inline_shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        image = d.part.related_parts[blip.embed]
        with Image.open(io.BytesIO(image.blob)) as png:
            width_px = png.width
            stamped = png.info["dpi"][0]
        printed_inches = shape.width / 914400            # EMU per inch
        assert width_px / printed_inches >= 200
        assert round(stamped) == render.DPI


def test_the_build_keeps_no_drawings_beside_the_outputs(built):
    """Each document carries its drawings: the build writes its outputs and nothing else."""
    from briefings.project import Project
    assert sorted(p.name for p in built.iterdir() if p.name != ".lock") == sorted(
        ["manifest.json", *Project(ROOT).brief_ids()])


# -- the engine, on the fixture project --------------------------------------------------

# One figure of each kind, on the fixture's facts (the Strelsau lighthouse).
FIGURES = """\
figures:
  vote:
    kind: bars
    bars:
      - {value: harbour.vote.in_favour, label: {es: "A favor", en: "In favour"}}
      - {value: harbour.vote.against, label: {es: "En contra", en: "Against"}, colour: grey}
    caption: {es: "La votación.", en: "The vote."}
    alt: {es: "Barras: {bars}.", en: "Bars: {bars}."}
  works:
    kind: timeline
    events:
      - {fact: harbour.opening, label: {es: "Apertura", en: "Opening"}}
      - fact: council.sessions
        label: {es: "Sesión", en: "Session"}
        undated: {es: "las sesiones, cada {every_days} días", en: "the sessions, every {every_days} days"}
    spans:
      - {fact: harbour.works, start: start, end: end, label: {es: "Obras", en: "Works: {range}"}}
      - {fact: harbour.rotation, start: harbour.works.start, days: min_months, label: {es: "Rotación", en: "Rotation"}, style: outline}
    today:
      label: {es: "Hoy, {date}", en: "Today, {date}"}
      alt: {es: "Hoy es {date}.", en: "Today is {date}."}
    undated: {es: "Sin fecha: {items}.", en: "Undated: {items}."}
    caption: {es: "Calendario.", en: "Schedule."}
    alt: {es: "Del {start} al {end}: {events}. {spans}.", en: "From {start} to {end}: {events}. {spans}."}
  reviews:
    kind: points
    points:
      - {fact: harbour.works, date: start, label: {es: "Obras", en: "Works"}, marker: tick}
      - {fact: harbour.opening, date: date, label: {es: "Apertura", en: "Opening"}, note: {es: "prevista", en: "due"}, marker: ring}
    others:
      items: harbour.uses.uses
      title: {es: "Usos", en: "Uses"}
    caption: {es: "Revisiones.", en: "Reviews."}
    alt: {es: "{points}; usos: {others}.", en: "{points}; uses: {others}."}
  uses:
    kind: groups
    items: harbour.uses.uses
    groups:
      - name: {es: "Mar", en: "Sea"}
        items: {fishing: {es: "a diario", en: "daily"}, cargo: null}
      - name: {es: "Tierra", en: "Land"}
        items: {tourism: null}
    count: {es: "{n} usos", en: "{n} uses"}
    count_one: {es: "{n} uso", en: "{n} use"}
    caption: {es: "Usos.", en: "Uses."}
    alt: {es: "{n} usos. {groups}.", en: "{n} uses. {groups}."}
  chart:
    kind: vega-lite
    rows:
      - {side: {es: "A favor", en: "In favour"}, votes: harbour.vote.in_favour}
      - {side: {es: "En contra", en: "Against"}, votes: harbour.vote.against}
    spec:
      mark: bar
      height: 60
      encoding:
        y: {field: side, type: nominal, title: null}
        x: {field: votes, type: quantitative, title: {es: "Votos", en: "Votes"}}
    caption: {es: "La votación, en Vega-Lite.", en: "The vote, in Vega-Lite."}
    alt: {es: "Barras de la votación.", en: "Bar chart of the vote."}
"""


def with_figures(project: Project, figures: str = FIGURES, names=("vote", "works", "reviews",
                                                                   "uses", "chart")) -> Path:
    """``figures`` as brief alpha's figures.yaml, each of ``names`` placed in its works
    section; returns the file."""
    path = project.briefs / "alpha/figures.yaml"
    path.write_text(figures, encoding="utf-8")
    works = project.briefs / "alpha/sections/works.md.j2"
    placed = "".join(f'\n{{{{ figure("{name}") }}}}\n' for name in names)
    works.write_text(works.read_text(encoding="utf-8") + placed, encoding="utf-8")
    return path


def compose_alpha(project: Project, lang: str = "en") -> Document:
    return compose(project, load_facts(project.facts, project.theme / "fonts",
                                    project.settings.languages), alpha(project),
                   lang, TODAY)


def drawn(document: Document) -> dict[str, tuple[str, str, str]]:
    """name → (alt, caption text, SVG) of each figure in a composed document."""
    out = {}
    for el in document.body.iter("figure"):
        img = el.find("img")
        svg = document.image(img.get("src"), ["image/svg+xml"])[1].decode("utf-8")
        out[el.get("data-figure")] = (img.get("alt"), flat(el.find("figcaption")
                                                             .text_content()), svg)
    return out


def test_each_kind_draws_its_facts_in_the_documents_language(tiny):
    with_figures(tiny)
    en = drawn(compose_alpha(tiny, "en"))
    assert list(en) == ["vote", "works", "reviews", "uses", "chart"]
    alt, caption, svg = en["vote"]
    assert alt == "Bars: In favour: 41; Against: 17."
    assert ">41</text>" in svg and ">Against</text>" in svg and "#8c96a3" in svg
    assert re.match(r"Figure 1\. The vote\. \[\d, \d\]$", caption)   # both of its sources
    alt, caption, svg = en["works"]
    assert ">Opening</text>" in svg and ">Works: from 1 Apr to 30 Nov 2026</text>" in svg
    assert ">Today, 23 Nov 2026</text>" in svg
    assert alt.startswith("From 1 April 2026 to 15 December 2026: 15 December 2026: Opening.")
    assert "; Rotation (from 1 to 3 Apr 2026)." in alt and alt.endswith(
        "Today is 23 November 2026.")
    assert "Undated: the sessions, every 14 days." in caption
    alt, _, svg = en["reviews"]
    assert alt == ("April 2026: Works; December 2026: Opening (due); "
                   "uses: cargo, fishing and tourism.")
    assert ">Dec 2026</text>" in svg and ">Uses</text>" in svg
    alt, _, svg = en["uses"]
    assert alt == "3 uses. Sea: fishing (daily) and cargo. Land: tourism."
    assert ">2 uses</text>" in svg and ">1 use</text>" in svg
    alt, _, svg = en["chart"]
    assert alt == "Bar chart of the vote." and "<title>Bar chart of the vote.</title>" in svg
    assert "IBM Plex Serif" in svg and "Votes" in svg and "In favour" in svg
    es = drawn(compose_alpha(tiny, "es"))
    assert ">En contra</text>" in es["vote"][2] and "Votos" in es["chart"][2]
    assert "Sin fecha: las sesiones, cada 14 días [1, 2]." in es["works"][1]


def test_a_figures_facts_are_used_and_cited(tiny):
    with_figures(tiny, names=("works",))
    document = compose_alpha(tiny, "en")
    # facts only the figure reads
    assert {"council.sessions", "harbour.rotation"} <= set(document.facts_used)
    caption = document.body.xpath('//figure[@data-figure="works"]/figcaption')[0]
    assert {a.get("href") for a in caption.iter("a")} == {"#src-gaceta-faro",
                                                          "#src-tide-herald"}


BAD = [  # (change to FIGURES, what the error says, the line it names holds)
    ("kind: bars", "kind: barz", "unknown kind 'barz' (did you mean 'bars'?", "kind: barz"),
    ("value: harbour.vote.in_favour", "value: harbour.vot.in_favour",
     "unknown fact 'harbour.vot' (did you mean 'harbour.vote'?)", "harbour.vot."),
    ("value: harbour.vote.against", "value: harbour.vote.againts",
     "fact 'harbour.vote' has no value 'againts' (its values: in_favour, against)",
     "againts"),
    ("value: harbour.vote.in_favour", "value: harbour.opening.date",
     "'harbour.opening.date' is a date; this figure needs a number here", "opening.date"),
    ('label: {es: "A favor", en: "In favour"}', 'label: {es: "A favor"}',
     "no text in 'en', which a reader of the brief reads: add one", "A favor"),
    ('caption: {es: "La votación.", en: "The vote."}',
     'caption: {es: "La votación.", en: "The 2 votes."}',
     "a number is typed into the en words", "The 2 votes"),
    ("colour: grey", "colour: orange", "unknown colour 'orange' (the theme's", "orange"),
    ("colour: grey", "colour: gery", "unknown colour 'gery' (did you mean 'grey'? the theme's",
     "gery"),
    ('alt: {es: "Barras: {bars}.", en: "Bars: {bars}."}',
     'alt: {es: "Barras: {bars}.", en: "Bars: {bar}."}',
     "unknown placeholder {bar} (did you mean '{bars}'? this figure offers {bars}", "{bar}"),
    ('alt: {es: "Barras: {bars}.", en: "Bars: {bars}."}',
     'alt: {es: "Barras: {bars}.", en: "Bars: {votes}."}',
     "unknown placeholder {votes} (this figure offers {bars}", "{votes}"),
    ("cargo: null", "", "no group for cargo", "name: {es: \"Mar\""),
    ("mark: bar", "mark: barz", "unknown mark 'barz' (did you mean 'bar'?", "barz"),
    ("type: quantitative", "type: quantitativ", "Vega-Lite cannot read this chart: Error: "
     "Invalid field type", "mark: bar"),
    ("mark: bar", "mark: bar\n      data: {url: 'file:///etc/passwd'}",
     "a chart's data are its rows", "data:"),
    ("encoding:", "encoding:\n        url: {value: 'https://example.org/x.png'}",
     "may not load anything from a URL or a file", "url:"),
]


@pytest.mark.parametrize("old, new, message, culprit", BAD,
                         ids=[case[2][:30] for case in BAD])
def test_a_mistake_in_figures_yaml_is_one_line_naming_it(tiny, old, new, message, culprit):
    assert FIGURES.count(old) >= 1
    path = with_figures(tiny, FIGURES.replace(old, new, 1))
    with pytest.raises(BriefingError) as err:
        compose_alpha(tiny, "en")
    errors = getattr(err.value, "errors", [err.value])
    assert len(errors) == 1 and message in errors[0].message
    assert errors[0].file == str(path)
    assert culprit in path.read_text(encoding="utf-8").splitlines()[errors[0].line - 1]


def test_check_finds_a_figure_mistake_before_building(tiny, capsys):
    from briefings.cli import main
    with_figures(tiny, FIGURES.replace("harbour.vote.against", "harbour.vote.againts"))
    assert main(["--project", str(tiny.root), "check", "--brief", "alpha"]) == 1
    out = capsys.readouterr().out
    assert "templates/briefs/alpha/figures.yaml:6: vote.bars.1.value: fact 'harbour.vote' " \
        "has no value 'againts'" in out
    assert not tiny.build.exists()


def test_an_unknown_figure_names_the_template_line(tiny):
    with_figures(tiny, names=("votes",))
    with pytest.raises(BriefingError,
                       match=r"unknown figure 'votes' \(did you mean 'vote'\?\); "
                             r"figures.yaml has vote, works") as err:
        compose_alpha(tiny, "en")
    assert err.value.file == "templates/briefs/alpha/sections/works.md.j2" \
        and err.value.line


def test_a_figure_inside_a_sentence_is_an_error(tiny):
    with_figures(tiny, names=())
    works = tiny.briefs / "alpha/sections/works.md.j2"
    works.write_text(works.read_text() + '\nAs shown: {{ figure("vote") }}\n')
    with pytest.raises(BriefingError, match="must be a paragraph of its own"):
        compose_alpha(tiny, "en")


def build_html(project: Project, out: Path, **options) -> dict[str, str]:
    build(project, briefs=["alpha"], readers=["ministry"], langs=["en"], formats=["html"],
          out=out, jobs=1, **options)
    page = out / "alpha/ministry/alpha-ministry-en.html"
    return {name: svg for name, (_, _, svg) in html_figures(page).items()}


def test_a_changed_fact_redraws_only_its_figures(tiny, tmp_path):
    with_figures(tiny, names=("vote", "works"))
    out = tmp_path / "out"
    first = build_html(tiny, out)
    assert ">41</text>" in first["vote"]
    # text, value, quotes and the sources' texts agree on the count
    for path in (tiny.facts / "harbour.yaml", *(tiny.facts / "sources").iterdir()):
        path.write_text(path.read_text(encoding="utf-8").replace("41", "42"),
                        encoding="utf-8")
    second = build_html(tiny, out)
    assert ">42</text>" in second["vote"] and ">41</text>" not in second["vote"]
    assert second["works"] == first["works"]


def test_a_document_carries_its_figures_in_memory(tiny, monkeypatch):
    """The tree names each drawing by an id, never a file; the SVG is drawn when the
    document is composed, the PNG only when a writer takes it (the DOCX)."""
    from briefings.writers import docx as docx_writer
    from briefings.writers import html as html_writer
    with_figures(tiny, names=("vote", "chart"))
    rasterized = []
    to_png = render.to_png
    monkeypatch.setattr(render, "to_png", lambda *args: rasterized.append(1) or to_png(*args))
    document = compose_alpha(tiny)
    sources = document.body.xpath("//figure/img/@src")
    assert len(sources) == 2 and all(src.startswith("asset:") for src in sources)
    assert sorted(sources) == sorted("asset:" + key for key in document.assets)
    assert "file:" not in html.tostring(document.body, encoding="unicode")
    html_writer.render(document, Theme(alpha(tiny).chain))
    assert not rasterized
    kind, png = document.image(sources[0], ["image/png"])
    assert kind == "image/png" and png.startswith(b"\x89PNG")
    docx_writer.render(document, Theme(alpha(tiny).chain))
    assert len(rasterized) == 2                           # each figure once


def test_the_build_date_moves_the_today_mark(tiny, tmp_path, monkeypatch):
    with_figures(tiny, names=("works",))
    first = build_html(tiny, tmp_path / "a")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1795453200 - 30 * 86400))  # 24 Oct 2026
    second = build_html(tiny, tmp_path / "b")
    assert ">Today, 23 Nov 2026</text>" in first["works"]
    assert ">Today, 24 Oct 2026</text>" in second["works"]


def test_a_brief_may_replace_the_palette(tiny):
    with_figures(tiny, names=("vote",))
    style = (tiny.theme / "style.yaml").read_text(encoding="utf-8")
    (tiny.briefs / "alpha/style.yaml").write_text(style.replace("#1f3a5f", "#7a1f2b"))
    svg = drawn(compose_alpha(tiny, "en"))["vote"][2]
    assert 'fill="#7a1f2b"' in svg and "#1f3a5f" not in svg


@pytest.mark.parametrize("src", ["file", "asset:unknown"])
def test_writers_show_only_the_documents_own_drawings(tiny, tmp_path, src):
    from briefings.writers import docx as docx_writer
    from briefings.writers import html as html_writer
    with_figures(tiny, names=("vote",))
    document = compose_alpha(tiny, "en")
    theme = Theme(alpha(tiny).chain)
    secret = tmp_path / "secret.svg"
    secret.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    src = secret.as_uri() if src == "file" else src
    document.body.xpath("//figure/img")[0].set("src", src)
    for writer in (html_writer, docx_writer):
        with pytest.raises(BriefingError, match=f"refused to load {src}"):
            writer.render(document, theme)


# -- the HTML page: each figure inline, in the page's fonts ---------------------------------

# A Vega-Lite chart clipped and filled with a gradient: Vega-Lite names its clip paths and
# gradients alike in every chart (clip1, gradient_0…), so two of them in a page would clash.
# Its axis title has a letter (№) the page has nowhere else.
SHADED = """\
  shaded:
    kind: vega-lite
    rows:
      - {side: {es: "A favor", en: "In favour"}, votes: harbour.vote.in_favour}
      - {side: {es: "En contra", en: "Against"}, votes: harbour.vote.against}
    spec:
      mark:
        type: bar
        clip: true
        color: {gradient: linear, stops: [{offset: 0, color: "#eef2f7"}, {offset: 1, color: "#1f3a5f"}]}
      height: 60
      encoding:
        y: {field: side, type: nominal, title: null}
        x: {field: votes, type: quantitative, title: {es: "№ de votos", en: "№ of votes"}, scale: {domain: [0, 30]}}
    caption: {es: "Sombreado.", en: "Shaded."}
    alt: {es: "Barras sombreadas.", en: "Shaded bars."}
"""
REFERENCE = re.compile(r"""url\(\s*['"]?#([^'")\s]+)""")
WEIGHTS = {"normal": "400", "bold": "700"}


def inherited(el, name: str, default: str) -> str:
    """An SVG presentation attribute as the element gets it: its own or an ancestor's."""
    return next((e.get(name) for e in [el, *el.iterancestors()] if e.get(name)), default)


def test_the_html_page_draws_each_figure_inline_in_its_own_fonts(tiny):
    """In an <img>, an SVG cannot use the page's fonts: each figure is its <svg>, named by
    its alt text, its ids its own, its text in faces of the page that hold its letters."""
    from briefings.writers import html as html_writer
    from tests.test_formats import font_faces
    with_figures(tiny, FIGURES + SHADED, names=("vote", "reviews", "chart", "shaded", "shaded"))
    document = compose_alpha(tiny, "en")
    alts = document.body.xpath("//figure/img/@alt")
    page = html.fromstring(html_writer.render(document, Theme(alpha(tiny).chain)))
    faces = {(face["font-weight"], face["font-style"]): face
             for face in font_faces("".join(page.xpath("//style/text()")))}
    figures = page.xpath("//figure")
    assert len(figures) == 5 and not page.xpath("//img")
    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids))
    used = set()
    for figure, alt in zip(figures, alts):
        [svg] = figure.findall("svg")
        assert (svg.get("role"), svg.get("aria-label")) == ("img", alt)
        assert svg.get("viewbox") and svg.find("title") is None     # one name, the alt text
        own = set(svg.xpath(".//@id"))
        for el in svg.iter():
            for name, value in el.attrib.items():
                targets = REFERENCE.findall(value)
                if name == "href" and value.startswith("#"):
                    targets.append(value[1:])
                assert set(targets) <= own, (figure.get("id"), name, value)
        texts = svg.findall(".//text")
        assert texts
        for text in texts:
            family = inherited(text, "font-family", "").split(",")[0].strip("\"' ")
            weight = inherited(text, "font-weight", "normal")
            key = WEIGHTS.get(weight, weight), inherited(text, "font-style", "normal")
            used.add(key)
            face = faces[key]
            assert face["font-family"].strip('"') == family
            font = TTFont(io.BytesIO(base64.b64decode(face["src"].split(",", 1)[1])))
            assert {ord(c) for c in text.text.strip()} <= set(font.getBestCmap()), text.text
    shaded = [set(figure.find("svg").xpath(".//@id")) for figure in figures[3:]]
    assert shaded[0] and shaded[1] and not shaded[0] & shaded[1]
    assert {("400", "italic"), ("600", "normal")} <= used      # not the regular face only


def test_an_inline_figure_brings_no_code_entity_or_style_into_the_page(tiny, tmp_path):
    """The figures are ours, still read as XML that may hold anything: no script, event
    handler, page-wide style or external entity reaches the page; a damaged drawing is
    one line naming it."""
    from briefings.writers import html as html_writer
    with_figures(tiny, names=("vote",))
    document = compose_alpha(tiny, "en")
    theme = Theme(alpha(tiny).chain)
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-TOKEN")
    [key] = document.assets
    drawing = f"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY secret SYSTEM "{secret.as_uri()}">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="10" height="10" viewBox="0 0 10 10" onload="alert(1)">
<script>alert(2)</script><style>body {{ --leaked: 1 }}</style>
<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">FOREIGN-TOKEN</div></foreignObject>
<text onclick="alert(3)">&secret; drawn</text>
<use xlink:href="#dot"/><circle id="dot" r="1"/></svg>"""
    document.assets[key] = Asset({"image/svg+xml": drawing.encode})
    out = html_writer.render(document, theme)
    for found in ("SECRET-TOKEN", "alert(", "--leaked", "FOREIGN-TOKEN", "xlink"):
        assert found not in out
    [drawing] = html.fromstring(out).xpath("//figure/svg")
    assert [el.tag for el in drawing.iter()] == ["svg", "text", "use", "circle"]
    assert drawing.find("text").text.strip() == "drawn"
    assert drawing.find("use").get("href") == "#" + drawing.find("circle").get("id")
    document.assets[key] = Asset({"image/svg+xml": lambda: b"<svg><text>cut short"})
    with pytest.raises(BriefingError, match="is not an SVG drawing"):
        html_writer.render(document, theme)


def test_labels_never_overlap_nor_cross_a_leader():
    c = canvas.Canvas(load_style(Theme((ROOT / "templates/theme",))))
    ink = canvas.Ink()
    xs = [5, 9, 12, 13, 60, 200, 430, 440, 445]
    callouts = [canvas.Callout(x, [[(f"label number {k} for x", ink)]])
                for k, x in enumerate(xs)]
    callouts.append(canvas.Callout(300, [[("two", ink)], [("lines of label", ink)]]))
    lanes = canvas.place_callouts(callouts, c, 0, canvas.WIDTH, keep_clear=[250])
    assert lanes <= 10
    for a in callouts:
        assert 0 <= a.span[0] and a.span[1] <= canvas.WIDTH
        assert not a.span[0] - canvas.PAD / 2 <= 250 <= a.span[1] + canvas.PAD / 2
        for b in callouts:
            if a is not b:
                assert canvas._apart(a, b)


def test_png_resolution_is_stamped():
    png = render.to_png('<svg xmlns="http://www.w3.org/2000/svg" width="96" height="24" '
                        'viewBox="0 0 72 18"><rect width="72" height="18" fill="#1f3a5f"/></svg>',
                        load_style(Theme((ROOT / "templates/theme",))))
    with Image.open(io.BytesIO(png)) as image:   # one printed inch (72 pt) wide
        assert image.size == (render.DPI, render.DPI / 4)
        assert round(image.info["dpi"][0]) == render.DPI


def test_png_text_is_set_in_the_themes_font():
    """Text in the theme's family, which is no system font, is drawn only if the theme's
    fonts reach the rasterizer."""
    style = load_style(Theme((ROOT / "templates/theme",)))
    png = render.to_png('<svg xmlns="http://www.w3.org/2000/svg" width="96" height="24">'
                        f'<text x="4" y="18" font-family="{style.font.family}" '
                        'font-size="16">Perú</text></svg>', style)
    with Image.open(io.BytesIO(png)) as image:
        assert image.convert("L").getextrema()[0] < 64        # dark ink on white
