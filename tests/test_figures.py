"""Figures made from the facts: in every format with caption and alt text, redrawn when a
fact changes, read back from the cache when nothing did, printed at 220 dpi in Word."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import html
from PIL import Image
from pypdf import PdfReader

from briefings import figures
from briefings.build import build
from briefings.compose import CACHE, compose
from briefings.document import Document, Theme
from briefings.errors import BriefingError
from briefings.facts import load_facts
from briefings.project import Project
from tests.conftest import peru

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 23)
NAMES = ["timeline", "vote", "places", "allies"]        # in reading order
# Words drawn inside each figure (SVG text, so the PDF's text layer has them too).
DRAWN = {"es": {"timeline": "Reunión en Washington", "vote": "En contra", "places": "Sierra",
                "allies": "Fuera de las Américas"},
         "en": {"timeline": "Meeting in Washington", "vote": "Against", "places": "Highlands",
                "allies": "Outside the Americas"}}
LABEL = {"es": "Figura", "en": "Figure"}


def strings(lang: str) -> dict[str, str]:
    return figures.load_strings(ROOT / "templates/briefs/peru-mnna/figures", lang)


def output(out: Path, lang: str, fmt: str) -> Path:
    """The Peru brief for the Foreign Ministry, as built in ``out``."""
    return out / f"peru-mnna/cancilleria/peru-mnna-cancilleria-{lang}.{fmt}"


def flat(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").replace("-\n", "").split())


def html_figures(path: Path) -> dict[str, tuple[str, str, str]]:
    """name → (alt, caption text, svg text) from a built HTML file."""
    tree = html.fromstring(path.read_bytes())
    out = {}
    for el in tree.iter("figure"):
        img = el.find("img")
        src = img.get("src")
        assert src.startswith("data:image/svg+xml;base64,")
        svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8")
        out[el.get("data-figure")] = (img.get("alt"), flat(el.find("figcaption").text_content()),
                                      svg)
    return out


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
    words = strings(lang)
    for n, name in enumerate(NAMES, 1):
        alt, caption, svg = found[name]
        assert alt and not re.search(r"\{\w+\}", alt)
        assert caption.startswith(f"{LABEL[lang]} {n}. {words[f'{name}_caption'][:30]}")
        assert re.search(r"\[\d+(,\s\d+)*\]$", caption), "the caption cites its sources"
        assert DRAWN[lang][name] in svg
        assert 'font-family="IBM Plex Serif' in svg
    assert "file://" not in output(built, lang, "html").read_text()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_pdf_has_the_four_figures_with_captions_and_alt_text(built, lang):
    reader = PdfReader(output(built, lang, "pdf"))
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    found = html_figures(output(built, lang, "html"))
    for n, name in enumerate(NAMES, 1):
        alt, caption, _ = found[name]
        assert f"{LABEL[lang]} {n}." in text
        assert flat(strings(lang)[f"{name}_caption"])[:40] in text
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
        assert flat(strings(lang)[f"{name}_caption"])[:40] in flat(shown)
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
        assert round(stamped) == figures.DPI


def test_figure_files_are_cached_beside_the_outputs(built):
    cache = built / CACHE / "figures"
    svgs, pngs = sorted(cache.glob("*.svg")), sorted(cache.glob("*.png"))
    assert len(svgs) == len(pngs) == 8      # four figures × two languages
    assert {p.stem for p in svgs} == {p.stem for p in pngs}


# -- changes and the cache -----------------------------------------------------------------

def build_html(project: Project, out: Path, **options) -> dict[str, str]:
    build(project, langs=["en"], formats=["html"], out=out, jobs=1, **options)
    return {name: svg for name, (_, _, svg)
            in html_figures(output(out, "en", "html")).items()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_changed_fact_redraws_its_figure_in_the_next_build(project, tmp_path):
    out = tmp_path / "out"
    first = build_html(project, out)
    assert ">73</text>" in first["vote"]

    congress = project.facts / "congress.yaml"  # text, value and quote agree on the count
    congress.write_text(congress.read_text(encoding="utf-8").replace("73", "74"),
                        encoding="utf-8")
    second = build_html(project, out)
    assert ">74</text>" in second["vote"] and ">73</text>" not in second["vote"]
    assert second["timeline"] == first["timeline"]          # untouched figures stay

    procedure = project.facts / "procedure.yaml"  # a new meeting date, in text and value
    procedure.write_text(procedure.read_text(encoding="utf-8").replace(
        "date: 2025-12-05", "date: 2025-11-20").replace("el 5 de diciembre de 2025",
        "el 20 de noviembre de 2025").replace("on 5 December 2025", "on 20 November 2025"),
        encoding="utf-8")
    third = build_html(project, out)
    assert third["timeline"] != second["timeline"]
    assert ">20 Nov</text>" in third["timeline"] and ">5 Dec</text>" not in third["timeline"]
    assert third["vote"] == second["vote"]


def test_unchanged_figures_are_read_from_the_cache(project, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = build_html(project, out)
    cache = out / CACHE / "figures"
    files = {p: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(files) == 8                  # 4 figures, SVG + PNG, for English

    def no_drawing(*args, **kwargs):
        raise AssertionError("a cached figure was drawn again")

    monkeypatch.setattr(figures, "draw", no_drawing)
    monkeypatch.setattr(figures, "to_png", no_drawing)
    again = build_html(project, out, force=True)
    assert again == first
    assert {p: p.stat().st_mtime_ns for p in cache.iterdir()} == files


def test_the_build_date_moves_the_today_mark(project, tmp_path, monkeypatch):
    first = build_html(project, tmp_path / "a")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1795453200 - 30 * 86400))  # 24 Oct 2026
    second = build_html(project, tmp_path / "b")
    assert ">Today, 23 Nov 2026</text>" in first["timeline"]
    assert ">Today, 24 Oct 2026</text>" in second["timeline"]


# -- what the figures are made of ----------------------------------------------------------

def composed(project: Project, lang: str = "en", tmp: Path | None = None) -> Document:
    return compose(project, load_facts(project.facts), peru(project, "cancilleria"),
                   lang, TODAY, tmp)


def test_figure_facts_count_as_used_and_cited(project, tmp_path):
    document = composed(project, tmp=tmp_path)
    # facts only a figure reads: the op-ed's date, the category's creation year
    assert {"risks.arce_op_ed", "designation.legal_basis_thesis"} <= set(document.facts_used)
    timeline = document.body.xpath('//figure[@data-figure="timeline"]/figcaption')[0]
    cited = {a.get("href") for a in timeline.iter("a")}
    assert "#src-arce-opinion" in cited        # the op-ed is a source of the timeline


def test_a_number_typed_into_the_figure_words_is_an_error(project, tmp_path):
    edit(project.briefs / "peru-mnna/figures/en.yaml", 'vote_against: "Against"',
         'vote_against: "25 against"')
    with pytest.raises(BriefingError) as err:
        composed(project, tmp=tmp_path)
    assert err.value.file.endswith("figures/en.yaml") and err.value.key == "vote_against"


def test_a_place_without_a_natural_region_stops_the_build(project, tmp_path):
    edit(project.briefs / "peru-mnna/figures/places.yaml",
         "  Apurímac:         {region: highlands, kind: region}\n", "")
    with pytest.raises(BriefingError, match="no natural region for Apurímac") as err:
        composed(project, tmp=tmp_path)
    assert err.value.file.endswith("figures/places.yaml")


def test_an_unknown_figure_names_the_template_line(project, tmp_path):
    template = project.briefs / "peru-mnna/sections/en/authorization.md.j2"
    edit(template, '{{ figure("vote") }}', '{{ figure("votes") }}')
    with pytest.raises(BriefingError,
                       match="unknown figure 'votes' \\(did you mean 'vote'\\?\\)") as err:
        composed(project, tmp=tmp_path)
    assert err.value.file == "templates/briefs/peru-mnna/sections/en/authorization.md.j2" \
        and err.value.line


def test_a_figure_inside_a_sentence_is_an_error(project, tmp_path):
    template = project.briefs / "peru-mnna/sections/en/authorization.md.j2"
    edit(template, '{{ figure("vote") }}', 'As shown: {{ figure("vote") }}')
    with pytest.raises(BriefingError, match="must be a paragraph of its own"):
        composed(project, tmp=tmp_path)


def test_writers_read_figure_files_from_the_cache_only(project, tmp_path):
    from briefings.writers import docx as docx_writer
    from briefings.writers import html as html_writer
    document = composed(project, tmp=tmp_path / "cache")
    theme = Theme(peru(project, "cancilleria").chain)
    secret = tmp_path / "secret.svg"
    secret.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    img = document.body.xpath("//figure/img")[0]
    img.set("src", secret.as_uri())
    img.set("data-png", secret.as_uri())
    with pytest.raises(BriefingError, match=f"refused to load {secret.as_uri()}"):
        html_writer.render(document, theme)
    with pytest.raises(BriefingError, match=f"refused to load {secret.as_uri()}"):
        docx_writer.render(document, theme)


def test_labels_never_overlap_nor_cross_a_leader():
    canvas = figures.Canvas(ROOT / "templates/theme/fonts")
    style = figures.Style()
    xs = [5, 9, 12, 13, 60, 200, 430, 440, 445]
    callouts = [figures.Callout(x, [[(f"label number {k} for x", style)]])
                for k, x in enumerate(xs)]
    callouts.append(figures.Callout(300, [[("two", style)], [("lines of label", style)]]))
    lanes = figures.place_callouts(callouts, canvas, 0, figures.WIDTH, keep_clear=[250])
    assert lanes <= 10
    for a in callouts:
        assert 0 <= a.span[0] and a.span[1] <= figures.WIDTH
        assert not a.span[0] - figures.PAD / 2 <= 250 <= a.span[1] + figures.PAD / 2
        for b in callouts:
            if a is not b:
                assert figures._apart(a, b)


def test_png_resolution_is_stamped():
    png = figures.to_png('<svg xmlns="http://www.w3.org/2000/svg" width="96" height="24" '
                         'viewBox="0 0 72 18"><rect width="72" height="18" fill="#1f3a5f"/></svg>',
                         72, ROOT / "templates/theme/fonts")
    with Image.open(io.BytesIO(png)) as image:   # one printed inch (72 pt) wide
        assert image.size == (figures.DPI, figures.DPI / 4)
        assert round(image.info["dpi"][0]) == figures.DPI
