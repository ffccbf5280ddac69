"""DOCX writer: a composed brief (the fixture project's) in both languages, hand-made
documents for the edge cases, and the raw Word XML helpers in ``writers/docx/ooxml.py``."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest
import tinycss2
from fontTools.ttLib import TTFont
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree, html

from briefings.compose import compose, markdown_converter, markdown_to_section
from briefings.document import Asset, Document, Meta, Theme
from briefings.errors import BriefingError
from briefings.facts import load_facts
from briefings.project import Project
from briefings.style import FACES, load_style
from briefings.writers import docx as writer
from briefings.writers.docx import ooxml, reference, tables
from briefings.writers.docx import embedded_fonts as font_embedding
from briefings.writers.docx import styles as writer_styles
from briefings.writers import html as html_writer
from tests.conftest import alpha, copy_tiny, peru

ROOT = Path(__file__).resolve().parents[1]
THEME = Theme((ROOT / "templates/theme",))
TODAY = dt.date(2026, 11, 23)
SPECIAL = "& < > \" ¿ ¡ ñ á é í ó ú ü —"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


# -- helpers -------------------------------------------------------------------------------


@functools.cache
def reference_docx() -> bytes:
    """The theme's reference document, as the writer builds it from the theme's parts."""
    return reference.built(THEME)


def make_meta(**changes) -> Meta:
    labels = {"kind": "Policy brief", "date": "Prepared on", "as_of": "Information as of",
              "version": "Version", "reader": "Prepared for", "language": "Language",
              "language_name": "English", "page_of": "Page {page} of {pages}",
              "contents": "Contents", "author": "Desk"}
    values = dict(brief="test", reader="desk", reader_name="Test Desk", lang="en",
                  language_tag="en-GB",
                  title="Test brief", subtitle="A subtitle", keywords="test",
                  classification="Official use",
                  version="1.0", created=dt.date(2026, 1, 2), created_text="2 January 2026",
                  as_of_text="1 January 2026", labels=labels)
    values.update(changes)
    return Meta(**values)


def from_markdown(*sections: tuple[str, str], **meta) -> Document:
    """A Document made the way compose makes one: Markdown → one <section> per part."""
    article, converter = html.Element("article"), markdown_converter()
    for name, text in sections:
        article.append(markdown_to_section(converter, text, name, f"sections/en/{name}.md.j2"))
    return Document(make_meta(**meta), article, ())


def from_html(body: str, **meta) -> Document:
    return Document(make_meta(**meta), html.fromstring(body), ())


def render(document: Document) -> docx.document.Document:
    return docx.Document(io.BytesIO(writer.render(document, THEME)))


def part_xml(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def body_paragraphs(d) -> list:
    """Every paragraph in the body, including those inside (nested) tables, in order."""
    from docx.text.paragraph import Paragraph
    return [Paragraph(p, d._body) for p in d.element.body.iter(qn("w:p"))]


def texts(d, style: str) -> list[str]:
    return [p.text for p in body_paragraphs(d) if p.style.name == style]


def html_texts(body, xpath: str) -> list[str]:
    return [" ".join(el.text_content().split()) for el in body.xpath(xpath)]


# -- the reference document ---------------------------------------------------------------

def test_reference_docx_has_every_style_the_writer_uses():
    d = docx.Document(io.BytesIO(reference_docx()))
    assert writer_styles.missing_styles(d) == []
    kinds = {s.name: s.type for s in d.styles}
    for name in writer_styles.PARAGRAPH_STYLES:
        assert kinds[name] == WD_STYLE_TYPE.PARAGRAPH, name
    for name in writer_styles.CHARACTER_STYLES:
        assert kinds[name] == WD_STYLE_TYPE.CHARACTER, name
    for name in writer_styles.TABLE_STYLES:
        assert kinds[name] == WD_STYLE_TYPE.TABLE, name


def test_reference_docx_is_a_styled_empty_a4_template():
    d = docx.Document(io.BytesIO(reference_docx()))
    assert d.paragraphs == [] and d.tables == []
    section = d.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert d.styles["Footnote Reference"].font.superscript
    fonts = d.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    for script in ("ascii", "hAnsi", "cs", "eastAsia"):
        assert fonts.get(qn(f"w:{script}")) == "IBM Plex Serif"
    # every list style carries its own numbering, which the writer restarts per list
    for name in ("List Bullet", "List Bullet 2", "List Bullet 3",
                 "List Number", "List Number 2", "List Number 3"):
        assert ooxml.style_num_id(d.styles[name].element) is not None, name


def test_missing_reference_styles_are_reported(tmp_path):
    bare = docx.Document()                  # python-docx's template lacks our custom styles
    (tmp_path / writer.REFERENCE).write_bytes(_save(bare))
    with pytest.raises(BriefingError) as err:
        writer.render(from_markdown(("x", "text")), Theme((tmp_path,)))
    assert "Cover Meta" in str(err.value) and "reference.docx" in str(err.value)


def _save(d) -> bytes:
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


# -- a composed brief, both languages --------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_project(tmp_path_factory) -> Project:
    return copy_tiny(tmp_path_factory.mktemp("docx") / "project")


@pytest.fixture(scope="module", params=["es", "en"])
def brief(request, tiny_project):
    """Brief alpha for ministry: lists, a key-figures box, citations and a footnote."""
    edition = alpha(tiny_project)
    document = compose(tiny_project, load_facts(tiny_project.facts, tiny_project.theme / "fonts", tiny_project.settings.languages), edition, request.param,
                       TODAY)
    data = writer.render(document, Theme(edition.chain))
    return document, data, docx.Document(io.BytesIO(data))


def test_brief_headings_match_the_document(brief):
    document, _, d = brief
    for tag, style in (("h1", "Heading 1"), ("h2", "Heading 2"), ("h3", "Heading 3")):
        assert texts(d, style) == html_texts(document.body, f"//section/{tag}"), tag
    assert texts(d, "Heading 1")            # the brief has sections at all


def cover_of_the_pdf(document) -> list[str]:
    """The PDF's cover, read from the page the PDF is rendered from: each text in order,
    a detail as "label<TAB>value"."""
    page = html.document_fromstring(html_writer.render(document, THEME))
    (cover,) = page.xpath('//header[contains(@class, "cover")]')
    shown = []
    for el in cover.iter("p", "h1", "h2", "dt", "li"):
        text = " ".join(el.text_content().split())
        shown.append(f"{text}\t{' '.join(el.getnext().text_content().split())}"
                     if el.tag == "dt" else text)
    return shown


def cover_of_the_docx(d) -> list[str]:
    """Page 1 of the DOCX: every paragraph up to the page break; of the contents list's
    entries, the heading (the page after the tab is for the reader's program to compute)."""
    shown = []
    for p in body_paragraphs(d):
        shown.append(p.text.removesuffix("\t") if p.style.name == "toc 1" else p.text)
        if 'w:type="page"' in p._p.xml:
            return shown
    raise AssertionError("no page break after the cover")


def test_brief_cover_shows_what_the_pdf_cover_shows_in_its_order(brief):
    document, _, d = brief
    assert cover_of_the_docx(d) == cover_of_the_pdf(document)
    styles = [p.style.name for p in body_paragraphs(d)[:len(cover_of_the_docx(d))]]
    assert styles[:3] == ["Cover Kind", "Title", "Subtitle"]
    assert styles[-1] == "Classification"


def test_the_text_after_the_cover_starts_at_the_top_of_its_page(brief):
    """Word and LibreOffice keep a paragraph's space before after a page break: the first
    heading would sit lower on page 2 than in the PDF."""
    _, _, d = brief
    paragraphs = body_paragraphs(d)
    first = paragraphs[len(cover_of_the_docx(d))]
    assert first.style.name == "Heading 1" and d.styles["Heading 1"].paragraph_format.space_before
    assert first.paragraph_format.space_before == 0
    assert all(p.paragraph_format.space_before is None
               for p in paragraphs if p.style.name == "Heading 1" and p is not first)


def test_brief_cover_styles_take_the_pdf_cover_look():
    """As the PDF cover (brief.css): kind, contents heading and classification in capitals
    in the accent colour; the subtitle and the detail labels muted; the subtitle upright.
    The colours are the theme's palette (style.yaml)."""
    palette = load_style(THEME).palette
    colour = {name: palette[name].lstrip("#").upper() for name in ("accent", "muted")}
    styles = docx.Document(io.BytesIO(reference_docx())).styles
    for name in ("Cover Kind", "TOC Heading", "Classification"):
        font = styles[name].font
        assert font.all_caps and not font.small_caps, name
        assert str(font.color.rgb) == colour["accent"], name
    for name in ("Subtitle", "Cover Label"):
        assert str(styles[name].font.color.rgb) == colour["muted"], name
    assert not styles["Subtitle"].font.italic
    assert not styles["Cover Label"].font.bold


def test_brief_contents_lists_linked_headings_with_their_pages(brief):
    document, data, d = brief
    root = etree.fromstring(part_xml(data, "word/document.xml").encode())
    paragraphs = list(root.iter(f"{W}p"))
    # one paragraph per section: a link to a bookmark on its heading, a tab, then a page
    # reference to the same bookmark, marked stale so that the reader's program computes it
    entries = [p for p in paragraphs if p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "TOC1"]
    headings = html_texts(document.body, "//section/h1")
    assert ["".join(p.find(f"{W}hyperlink").itertext()) for p in entries] == headings
    targets = [p.find(f"{W}hyperlink").get(f"{W}anchor") for p in entries]
    for p, target in zip(entries, targets):
        link, tab, page = p[1:]
        assert tab.find(f"{W}tab") is not None
        assert page.get(f"{W}instr").split()[:3] == ["PAGEREF", target, "\\h"]
        assert page.get(f"{W}dirty") == "true"
    marked = {}
    for p in paragraphs:
        if p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Heading1":
            for mark in p.iter(f"{W}bookmarkStart"):
                marked[mark.get(f"{W}name")] = "".join(t.text for t in p.iter(f"{W}t"))
    assert [marked[t] for t in targets] == headings
    # on page 1, under the PDF's label for the list; no prompt to update fields on opening
    assert texts(d, "TOC Heading") == [document.meta.labels["contents"]]
    assert "updateFields" not in part_xml(data, "word/settings.xml")


def theme_faces() -> dict[tuple[str, str], Path]:
    """Every face style.yaml declares, by the names Word knows it by: (family, style), e.g.
    ("IBM Plex Serif", "Bold") or ("IBM Plex Serif SemiBold", "Italic")."""
    style = load_style(THEME)
    faces = {}
    for weight, italic in FACES:
        names = TTFont(style.face(weight, italic), lazy=True)["name"]
        faces[names.getDebugName(1), names.getDebugName(2)] = style.face(weight, italic)
    return faces


SLOTS = {"Regular": "embedRegular", "Bold": "embedBold", "Italic": "embedItalic",
         "Bold Italic": "embedBoldItalic"}


def test_brief_embeds_its_faces_subset_and_obfuscated(brief):
    """Each face of the theme, the semibold ones too (a family of their own to Word)."""
    _, data, _ = brief
    fonts = etree.fromstring(part_xml(data, "word/fontTable.xml").encode())
    entries = {f.get(f"{W}name"): f for f in fonts}
    plex = entries["IBM Plex Serif"]
    assert plex.find(f"{W}family").get(f"{W}val") == "roman"
    assert plex.find(f"{W}altName").get(f"{W}val") == "Cambria"
    assert plex.find(f"{W}panose1").get(f"{W}val") == "02060503050406000203"
    rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(
        part_xml(data, "word/_rels/fontTable.xml.rels").encode())}
    types = part_xml(data, "[Content_Types].xml")
    shown = set("".join(etree.fromstring(part_xml(data, "word/document.xml").encode())
                        .xpath("//w:t/text()", namespaces={"w": W[1:-1]})))
    faces = theme_faces()
    assert {family for family, _ in faces} == {"IBM Plex Serif", "IBM Plex Serif SemiBold"}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for (family, style), path in faces.items():
            embedded = entries[family].find(f"{W}{SLOTS[style]}")
            key = embedded.get(f"{W}fontKey")
            assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", key)
            name = "word/" + rels[embedded.get(f"{R}id")]
            assert re.fullmatch(r"word/fonts/font\d\.odttf", name)
            assert f'PartName="/{name}" ContentType="application/vnd.openxmlformats-' \
                   'officedocument.obfuscatedFont"' in types
            stored = z.read(name)
            with pytest.raises(Exception):
                TTFont(io.BytesIO(stored))           # unreadable as it is stored
            font = TTFont(io.BytesIO(deobfuscate(stored, key)))
            assert font["name"].getDebugName(6) == \
                TTFont(path, lazy=True)["name"].getDebugName(6)      # that very face
            cmap = font.getBestCmap()
            assert {ord(c) for c in shown} <= set(cmap)
            assert len(font.getGlyphOrder()) < len(TTFont(path).getGlyphOrder()) / 2  # a subset
    settings = etree.fromstring(part_xml(data, "word/settings.xml").encode())
    names = [etree.QName(c).localname for c in settings]
    assert names[names.index("zoom") + 1:names.index("zoom") + 3] == [
        "embedTrueTypeFonts", "saveSubsetFonts"]


def deobfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 Part 1 §17.8.1, written out again: the GUID's bytes, reversed, XOR the
    first 32 bytes."""
    guid = bytes.fromhex(re.sub(r"[{}-]", "", key))[::-1]
    return bytes(b ^ guid[i % 16] for i, b in enumerate(data[:32])) + data[32:]


def embedded_fonts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("word/fonts/")}


def test_every_brief_embeds_the_same_faces(tiny_project):
    """LibreOffice keeps the first embedded face of a name for its whole session: a brief
    opened after another must find its glyphs in that one's faces."""
    edition = alpha(tiny_project)
    facts = load_facts(tiny_project.facts, tiny_project.theme / "fonts", tiny_project.settings.languages)
    faces = [embedded_fonts(writer.render(compose(tiny_project, facts, edition, lang, TODAY),
                                          Theme(edition.chain)))
             for lang in ("es", "en")]
    assert faces[0] == faces[1] and len(faces[0]) == len(FACES)


def test_characters_beyond_latin_1_are_embedded_too():
    data = writer.render(from_markdown(("s", "North \u2192 south, \u015e and \u0142.\n")),
                         THEME)
    fonts = etree.fromstring(part_xml(data, "word/fontTable.xml").encode())
    key = fonts.find(f'{W}font[@{W}name="IBM Plex Serif"]/{W}embedRegular').get(f"{W}fontKey")
    (regular, *_) = embedded_fonts(data).values()
    cmap = TTFont(io.BytesIO(deobfuscate(regular, key))).getBestCmap()
    assert {0x2192, 0x015E, 0x0142} <= set(cmap)
    assert 0x0416 not in cmap                    # Ж: the font has it, the document not


def test_the_full_brief_with_its_fonts_stays_under_400_kb():
    """The Peru brief for the ministry, the fullest: about 360 KB, 150 KB of them fonts."""
    project = Project(ROOT)
    edition = peru(project)
    facts = load_facts(project.facts, project.theme / "fonts", project.settings.languages)
    for lang in ("es", "en"):
        document = compose(project, facts, edition, lang, TODAY)
        data = writer.render(document, Theme(edition.chain))
        assert len(embedded_fonts(data)) == len(FACES) and len(data) < 400 * 1024


def test_a_theme_without_font_files_embeds_nothing(tmp_path):
    (tmp_path / writer.REFERENCE).write_bytes(reference_docx())
    data = writer.render(from_markdown(("s", "text")), Theme((tmp_path,)))
    assert embedded_fonts(data) == {}
    assert "embedTrueTypeFonts" not in part_xml(data, "word/settings.xml")


def test_brief_table_rows_stay_whole_and_header_rows_repeat(brief):
    document, data, _ = brief
    root = etree.fromstring(part_xml(data, "word/document.xml").encode())
    rows = list(root.iter(f"{W}tr"))
    assert len(rows) == len(document.body.xpath("//tr")) + len(
        document.body.xpath('//div[contains(@class, "admonition")]'))    # a box is a row
    for tr in rows:
        assert tr.find(f"{W}trPr/{W}cantSplit") is not None
    headers = [tr for tr in rows if tr.find(f"{W}trPr/{W}tblHeader") is not None]
    assert len(headers) == len(document.body.xpath("//thead/tr")) > 0
    for tr in headers:
        assert tr.getprevious().tag != f"{W}tr"              # the first row of its table


def test_brief_lists(brief):
    document, _, d = brief
    bullets = document.body.xpath("//section/ul/li")
    numbers = document.body.xpath("//section/ol/li")
    assert len(texts(d, "List Bullet")) == len(bullets) > 0
    assert len(texts(d, "List Number")) == len(numbers) > 0
    # whitespace collapsed as a browser does: the no-break spaces of a citation stay
    assert texts(d, "List Bullet")[0] == re.sub(r"[ \t\r\n]+", " ",
                                                bullets[0].text_content()).strip()


def test_brief_key_figures_box(brief):
    _, _, d = brief
    boxes = [t for t in d.tables if t.style.name == "Box"]
    assert boxes    # the summary's key-figures box comes first; later sections have others
    cell = boxes[0].rows[0].cells[0]
    assert cell.paragraphs[0].style.name == "Box Title"
    (figures,) = cell.tables
    assert figures.style.name == "Brief Table"
    cells = [c for row in figures.rows for c in row.cells]
    assert any("41" in c.text and "17" in c.text for c in cells)
    header, *rows = figures.rows
    assert header._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert header.cells[0].paragraphs[0].style.name == "Table Heading"
    # the value column is right-aligned (|--:| in the Markdown table)
    assert {r.cells[1].paragraphs[0].alignment for r in rows} == {WD_ALIGN_PARAGRAPH.RIGHT}
    assert rows[0].cells[0].paragraphs[0].alignment is None


def test_brief_citations_are_internal_links_to_bookmarks(brief):
    _, data, _ = brief
    root = etree.fromstring(part_xml(data, "word/document.xml").encode())
    # a source's address (tide-herald's url) is the one link out of the brief
    internal = [h for h in root.iter(f"{W}hyperlink") if h.get(f"{W}anchor")]
    assert len(internal) == len(list(root.iter(f"{W}hyperlink"))) - 1
    anchors = {h.get(f"{W}anchor") for h in internal}
    bookmarks = {b.get(f"{W}name") for b in root.iter(f"{W}bookmarkStart")}
    assert anchors and anchors <= bookmarks
    citations = [link for link in internal
                 if link.getparent().find(f"{W}pPr/{W}pStyle").get(f"{W}val") != "TOC1"]
    assert citations                        # the contents list's links are ink too
    for link in citations:
        assert link.get(f"{W}anchor").startswith("_src_")
        # the colour of the text around it, as the PDF prints a citation (brief.css:
        # a[href^="#src-"] { color: inherit }); Word's Hyperlink style is blue
        assert not link.findall(f"{W}r/{W}rPr/{W}rStyle") + link.findall(f"{W}r/{W}rPr/{W}color")


def test_brief_footnotes_are_word_footnotes(brief):
    document, data, _ = brief
    notes = document.body.xpath("//div[@class='footnote']//li")
    assert notes, "the brief is expected to carry at least one footnote"
    footnotes = part_xml(data, "word/footnotes.xml")
    body = part_xml(data, "word/document.xml")
    words = " ".join(re.sub(r"<[^>]+>", "", footnotes).split())
    for li in notes:
        assert " ".join(li.text_content().replace("\u21a9", "").split()) in words
    assert body.count("<w:footnoteReference ") == len(
        document.body.xpath("//sup/a[@class='footnote-ref']"))
    assert "\u21a9" not in footnotes and "\u21a9" not in body   # no "↩" back-links


def print_rule(selector: str) -> dict[str, str]:
    """brief.css's declarations for ``selector`` on paper (its rules outside @media)."""
    found = {}
    css = THEME.file("brief.css").read_text(encoding="utf-8")
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule" and selector in [
                s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]:
            found.update((d.lower_name, tinycss2.serialize(d.value).strip())
                         for d in tinycss2.parse_blocks_contents(rule.content,
                                                                 skip_whitespace=True)
                         if d.type == "declaration")
    return found


def applied(p, name: str):
    """Paragraph property ``w:name`` as it applies to ``p``: its own, else its style's,
    else that of the style it is based on, and so on."""
    el = p._p.pPr.find(qn(f"w:{name}")) if p._p.pPr is not None else None
    style = p.style
    while el is None and style is not None:
        ppr = style.element.pPr
        el = ppr.find(qn(f"w:{name}")) if ppr is not None else None
        style = style.base_style
    return el


def is_on(el) -> bool:
    """A Word on/off property that is present is on unless its w:val says off."""
    return el is not None and el.get(qn("w:val"), "1") not in ("0", "false", "off")


def justified(p) -> bool:
    jc = applied(p, "jc")
    return jc is not None and jc.get(qn("w:val")) == "both"


# As in the PDF (brief.css: p justified and hyphenated): running text, quotes and boxes.
# Headings, list items, table cells, captions, footnotes, the sources and the cover are
# ragged and unhyphenated there.
JUSTIFIED = {"Body Text", "Quote", "Box Text"}


def every_paragraph(d, data: bytes) -> list:
    from docx.text.paragraph import Paragraph
    notes = parse_xml(part_xml(data, "word/footnotes.xml").encode())   # python-docx's classes
    return body_paragraphs(d) + [Paragraph(p, d._body) for note in notes
                                 if note.get(f"{W}type") is None for p in note]


def check_justified_as_the_pdf(d, data: bytes) -> Counter:
    settings = etree.fromstring(part_xml(data, "word/settings.xml").encode())
    assert is_on(settings.find(f"{W}autoHyphenation"))
    assert is_on(settings.find(f"{W}doNotHyphenateCaps"))   # names in capitals stay whole
    seen = Counter()
    for p in every_paragraph(d, data):
        if not p.text.strip() or p._p.find(f".//{W}drawing") is not None:
            continue                            # spacers; a figure is centred
        running = p.style.name in JUSTIFIED
        assert justified(p) == running, (p.style.name, p.text[:40])
        assert is_on(applied(p, "suppressAutoHyphens")) != running, (p.style.name, p.text)
        seen[p.style.name] += 1
    return seen


def test_brief_running_text_is_justified_and_hyphenated_as_the_pdfs(brief):
    document, data, d = brief
    assert print_rule("p")["text-align"] == "justify" and print_rule("p")["hyphens"] == "auto"
    seen = check_justified_as_the_pdf(d, data)
    # hyphenated by the document's language: no style or run says another
    languages = [el.get(f"{W}val") for name in ("word/styles.xml", "word/document.xml",
                                                "word/footnotes.xml")
                 for el in etree.fromstring(part_xml(data, name).encode()).iter(f"{W}lang")]
    assert languages == [{"es": "es-PE", "en": "en-GB"}[document.meta.lang]]  # the locales
    assert seen["Body Text"] and seen["List Bullet"] and seen["Heading 1"] \
        and seen["Table Text"] and seen["Bibliography"]


def test_quotes_boxes_loose_lists_and_notes_are_justified_as_the_pdfs():
    document = from_markdown(("s", "> a quote long enough\n\n1. one\n\n    more about one\n\n"
                                   "Text.[^n]\n\n[^n]: a note\n\n!!! note \"Box\"\n    "
                                   "Boxed text.\n"))
    data = writer.render(document, THEME)
    seen = check_justified_as_the_pdf(docx.Document(io.BytesIO(data)), data)
    assert {"Quote", "Box Text", "Box Title", "List Number", "List Continue",
            "Footnote Text"} <= set(seen)


def test_brief_sources_hang_as_the_pdfs(brief):
    """Each entry of the sources list: its number out in the margin, the lines after it
    indented, in the PDF's size (brief.css: #sources p)."""
    document, _, d = brief
    entries = html_texts(document.body, '//p[starts-with(@id, "src-")]')
    assert entries and texts(d, "Bibliography") == entries
    rule = print_rule("#sources p")
    assert rule["text-indent"] == "-" + rule["padding-left"]
    twips = round(float(rule["padding-left"].removesuffix("mm")) / 25.4 * 1440)
    style = d.styles["Bibliography"]
    assert style.font.size.pt == float(rule["font-size"].removesuffix("pt"))
    for p in body_paragraphs(d):
        if p.style.name == "Bibliography":
            ind = applied(p, "ind")
            assert abs(int(ind.get(qn("w:hanging"))) - twips) <= 1
            assert ind.get(qn("w:left")) == ind.get(qn("w:hanging"))


def run_property(d, p, r, name: str):
    """Run property ``w:name`` as it applies to run element ``r`` of paragraph ``p``: the
    run's own, else its character style's, else its paragraph style's (each through the
    styles it is based on), else the document default."""
    styles = d.styles.element
    rpr = r.find(f"{W}rPr")
    if rpr is not None and rpr.find(f"{W}{name}") is not None:
        return rpr.find(f"{W}{name}")
    r_style = rpr.find(f"{W}rStyle") if rpr is not None else None
    p_style = p._p.pPr.pStyle if p._p.pPr is not None else None
    for style_id in (r_style.get(f"{W}val") if r_style is not None else None,
                     p_style.val if p_style is not None else "Normal"):
        style = styles.get_by_id(style_id) if style_id else None
        while style is not None:
            if style.rPr is not None and style.rPr.find(f"{W}{name}") is not None:
                return style.rPr.find(f"{W}{name}")
            style = styles.get_by_id(style.basedOn_val) if style.basedOn_val else None
    return styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}{name}")


# The PDF's semibold (brief.css: font-weight 600): headings, the cover's title, kind,
# classification and contents heading, box titles, table headers, and strong text.
SEMIBOLD = {"Heading 1", "Heading 2", "Heading 3", "Title", "Cover Kind", "Classification",
            "TOC Heading", "Box Title", "Table Heading"}


def test_brief_sets_in_semibold_what_the_pdf_does(brief):
    """As the PDF, in the theme's semibold face (style.yaml), which Word knows as a family
    of its own; nothing in bold, which the PDF does not use."""
    document, data, d = brief
    for selector in ("h1", "h2", "h3", "strong", "th", ".cover-title", ".cover-kind",
                     ".admonition-title", ".figure-label"):
        assert print_rule(selector)["font-weight"] == "600", selector
    semibold = next(family for (family, _), path in theme_faces().items()
                    if path == load_style(THEME).face(600, False))
    strong = Counter(" ".join(el.text_content().split())
                     for el in document.body.xpath("//strong | //b"))
    set_semibold, styles = Counter(), set()
    for p in every_paragraph(d, data):
        for r in p._p.iter(f"{W}r"):
            text = "".join(t.text for t in r.iter(f"{W}t"))
            if not text.strip():
                continue
            assert not is_on(run_property(d, p, r, "b")), text
            family = run_property(d, p, r, "rFonts").get(f"{W}ascii")
            if p.style.name in SEMIBOLD:
                assert family == semibold, (p.style.name, text)
                styles.add(p.style.name)
            elif family == semibold:
                set_semibold[text.strip()] += 1
    assert set_semibold == strong and strong
    assert {"Heading 1", "Title", "Table Heading"} <= styles


def test_bold_links_code_and_figure_labels_are_semibold_too():
    from PIL import Image
    png = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(png, "PNG")
    document = Document(make_meta(), html.fromstring(
        '<article><section data-section="s">'
        '<p><strong><a href="https://example.org">a link</a></strong> and '
        '<strong><code>code</code></strong>.</p>'
        '<figure class="figure"><img src="asset:f" width="20" alt="A drawing">'
        '<figcaption><span class="figure-label">Figure <span class="figure-number">1</span>.'
        '</span> What it shows.</figcaption></figure></section></article>'), (),
        {"f": Asset({"image/png": png.getvalue})})
    d = render(document)
    semibold = []
    for p in body_paragraphs(d):
        if p.style.name not in ("Body Text", "Caption"):
            continue
        for r in p._p.iter(f"{W}r"):
            text = "".join(t.text for t in r.iter(f"{W}t"))
            family = run_property(d, p, r, "rFonts").get(f"{W}ascii")
            semibold.append((text, family == "IBM Plex Serif SemiBold"))
            assert not is_on(run_property(d, p, r, "b")), text
    assert [run for run in semibold if run[0]] == [
        ("a link", True), (" and ", False), ("code", True), (".", False),
        ("Figure ", True), ("1", True), (".", True), (" What it shows.", False)]


def test_list_text_is_indented_as_the_pdfs():
    """brief.css indents each list level by the ul/ol padding, its marker just before the
    text ("outside"): so do the list styles' numbering and the paragraphs continuing an
    item."""
    d = docx.Document(io.BytesIO(reference_docx()))
    (step,) = {print_rule(tag)["padding-left"] for tag in ("ul", "ol")}
    twips = round(float(step.removesuffix("mm")) / 25.4 * 1440)
    numbering = d.part.numbering_part.element
    for depth, suffix in ((1, ""), (2, " 2"), (3, " 3")):
        for base in ("List Bullet", "List Number"):
            num = numbering.num_having_numId(ooxml.style_num_id(d.styles[base + suffix].element))
            (level,) = numbering.xpath(f'w:abstractNum[@w:abstractNumId="'
                                       f'{num.abstractNumId.val}"]/w:lvl[@w:ilvl="0"]')
            assert level.find(f"{W}lvlJc").get(f"{W}val") == "right"   # against the text
            assert int(level.find(f"{W}pPr/{W}ind").get(f"{W}left")) == depth * twips
        assert d.styles["List Continue" + suffix].paragraph_format.left_indent.twips == \
            depth * twips


def test_brief_header_and_footer(brief):
    document, data, d = brief
    section = d.sections[0]
    assert section.different_first_page_header_footer     # the cover has none
    header = section.header.paragraphs[0].text
    assert header == f"{document.meta.title}\t{document.meta.classification}"
    footer = section.footer._element.xml
    assert 'w:instr=" PAGE ' in footer and 'w:instr=" NUMPAGES ' in footer
    before, _, rest = document.meta.labels["page_of"].partition("{page}")
    assert section.footer.paragraphs[0].text.startswith(before)
    assert section.first_page_header.paragraphs[0].text == ""


def test_brief_core_properties(brief):
    document, _, d = brief
    props = d.core_properties
    meta = document.meta
    assert props.title == meta.title
    assert props.subject == meta.subtitle
    assert props.language == meta.language_tag == {"es": "es-PE", "en": "en-GB"}[meta.lang]
    assert props.author == meta.labels["author"] and props.author
    assert props.keywords == meta.keywords and props.keywords
    assert props.revision == 1
    midnight = dt.datetime.combine(meta.created, dt.time())
    assert props.created.replace(tzinfo=None) == midnight
    assert props.modified.replace(tzinfo=None) == midnight
    lang = d.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == meta.language_tag


def test_brief_rendering_is_reproducible(brief, tiny_project):
    document, data, _ = brief
    assert writer.render(document, Theme(alpha(tiny_project).chain)) == data
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        assert names == sorted(names)
        created = document.meta.created
        assert {i.date_time for i in z.infolist()} == {
            (created.year, created.month, created.day, 0, 0, 0)}


# -- hand-made documents: constructs and edge cases ------------------------------------------

def test_unknown_tag_is_an_error_naming_tag_and_section():
    document = from_html('<article><section data-section="x"><h1>T</h1><video/></section>'
                         '</article>')
    with pytest.raises(BriefingError) as err:
        writer.render(document, THEME)
    assert "<video>" in str(err.value) and "'x'" in str(err.value)


@pytest.mark.parametrize("body", [
    "<p>text <span>in a span</span></p>",
    "<p>x<sup>2</sup></p>",
    "<p><img src='a.png' alt='a'></p>",
    "<h4>Too deep</h4>",
    "<pre><code>indented</code></pre>",
    "<div class='other'><p>x</p></div>",
    "<p><a href='file:///etc/passwd'>local</a></p>",
    "<p><a href='#nowhere'>dangling</a></p>",
    "<ul><li>1<ul><li>2<ul><li>3<ul><li>4</li></ul></li></ul></li></ul></li></ul>",
])
def test_constructs_the_writer_cannot_render_are_errors(body):
    document = from_html(f'<article><section data-section="s">{body}</section></article>')
    with pytest.raises(BriefingError) as err:
        writer.render(document, THEME)
    assert "section 's'" in str(err.value)


def test_special_characters_come_through_verbatim():
    document = from_markdown(("s", f"# Title {SPECIAL}\n\nBody {SPECIAL} end.\n"),
                             title=f"T {SPECIAL}", subtitle=SPECIAL)
    d = render(document)
    assert texts(d, "Heading 1") == [f"Title {SPECIAL}"]
    assert texts(d, "Body Text") == [f"Body {SPECIAL} end."]
    assert texts(d, "Title") == [f"T {SPECIAL}"]
    assert d.core_properties.title == f"T {SPECIAL}"
    assert d.sections[0].header.paragraphs[0].text.startswith(f"T {SPECIAL}\t")


def test_whitespace_is_collapsed_like_a_browser():
    document = from_html('<article><section data-section="s">'
                         '<p>\n  one   <strong> two </strong>  three\u00a0 four<br>\n five  </p>'
                         '</section></article>')
    (p,) = body_paragraphs(render(document))[-1:]
    assert p.text == "one two three\u00a0 four\nfive"
    assert [r.text for r in p.runs if r.style.name == "Strong"] == ["two "]


def test_xml_invalid_control_characters_are_dropped():
    document = from_html('<article><section data-section="s"><p>a\x01b\x0bc</p></section>'
                         '</article>', title="ti\x02tle")
    d = render(document)
    assert texts(d, "Body Text") == ["abc"]
    assert d.core_properties.title == "title"


def test_inline_formatting_and_external_links():
    document = from_markdown(("s", "Some **bold**, *italic*, `code` and "
                                   "[a link](https://example.org/?a=1&b=2).\n"))
    data = writer.render(document, THEME)
    d = docx.Document(io.BytesIO(data))
    (p,) = [p for p in body_paragraphs(d) if p.style.name == "Body Text"]
    assert p.text == "Some bold, italic, code and a link."
    runs = {r.text: r for r in p.runs}
    assert runs["bold"].style.name == "Strong" and runs["italic"].italic
    assert runs["code"].style.name == "Verbatim Char"
    (link,) = p.hyperlinks
    assert link.text == "a link" and link.address == "https://example.org/?a=1&b=2"
    assert link.runs[0].style.name == "Hyperlink"


def test_nested_and_loose_lists_and_numbering_restarts():
    document = from_markdown(("s", "1. one\n\n    more about one\n\n2. two\n"
                                   "    - sub\n        - subsub\n\ntext\n\n"
                                   "1. again\n2. and\n\ntext\n\n3. from three\n"))
    d = render(document)
    styled = [(p.style.name, p.text) for p in body_paragraphs(d)
              if p.style.name.startswith("List")]
    assert styled == [
        ("List Number", "one"), ("List Continue", "more about one"), ("List Number", "two"),
        ("List Bullet 2", "sub"), ("List Bullet 3", "subsub"),
        ("List Number", "again"), ("List Number", "and"), ("List Number", "from three")]
    numbering = d.part.numbering_part.element
    num_ids = [p._p.pPr.numPr.numId.val for p in body_paragraphs(d)
               if p.style.name == "List Number"]
    assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3] != num_ids[4]
    starts = [numbering.num_having_numId(n).find(f"{W}lvlOverride/{W}startOverride")
              .get(f"{W}val") for n in dict.fromkeys(num_ids)]
    assert starts == ["1", "1", "3"]


def test_blockquote_rule_and_internal_targets():
    document = from_markdown(("s", "> quoted *words*\n\n---\n\nSee [below](#t).\n\n"
                                   "Target.\n{: #t }\n"))
    data = writer.render(document, THEME)
    d = docx.Document(io.BytesIO(data))
    assert texts(d, "Quote") == ["quoted words"]
    assert texts(d, "Horizontal Rule") == [""]
    xml = part_xml(data, "word/document.xml")
    assert 'w:anchor="_t"' in xml and 'w:name="_t"' in xml


def test_bookmark_names_are_valid_and_distinct():
    long_id = "x" * 50
    document = from_html(
        '<article><section data-section="s">'
        f'<p><a href="#a-b">1</a> <a href="#a_b">2</a> <a href="#{long_id}">3</a></p>'
        f'<p id="a-b">one</p><p id="a_b">two</p><p id="{long_id}">three</p>'
        '</section></article>')
    xml = part_xml(writer.render(document, THEME), "word/document.xml")
    names = re.findall(r'<w:bookmarkStart w:id="\d+" w:name="([^"]+)"', xml)
    anchors = re.findall(r'w:anchor="([^"]+)"', xml)
    assert len(set(names)) == 3 and anchors == names
    assert all(re.fullmatch(r"_\w{1,39}", name, re.ASCII) for name in names)


def test_error_names_the_section_template():
    document = from_markdown(("s", "#### Too deep\n"))
    with pytest.raises(BriefingError) as err:
        writer.render(document, THEME)
    assert err.value.file == "sections/en/s.md.j2" and "<h4>" in str(err.value)


def test_footnotes_resolve_within_their_section():
    # Python-Markdown gives the same footnote ids in every section it converts
    document = from_markdown(("a", "A[^n]\n\n[^n]: note of a\n"),
                             ("b", "B[^n]\n\n[^n]: note of b with [link](https://e.org)\n"))
    data = writer.render(document, THEME)
    notes = etree.fromstring(part_xml(data, "word/footnotes.xml").encode())
    real = [n for n in notes.iter(f"{W}footnote") if n.get(f"{W}type") is None]
    assert [n.get(f"{W}id") for n in real] == ["1", "2"]
    assert ["".join(n.itertext()).strip() for n in real] == [
        "note of a", "note of b with link"]
    rels = part_xml(data, "word/_rels/footnotes.xml.rels")
    assert 'Target="https://e.org"' in rels         # a note's link lives in the notes part
    assert real[0].find(f"{W}p/{W}r/{W}footnoteRef") is not None


def test_table_alignment_and_header_row():
    document = from_markdown(("s", "| L | C | R |\n|:--|:-:|--:|\n| a | b | 1 |\n"))
    d = render(document)
    (table,) = d.tables
    header, row = table.rows
    assert [c.text for c in header.cells] == ["L", "C", "R"]
    assert [c.paragraphs[0].alignment for c in row.cells] == [
        WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert row._tr.trPr.find(qn("w:tblHeader")) is None
    assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def cells(*rows: tuple[str, ...]):
    return [html.fromstring("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
            for row in rows]


def test_column_shares_are_the_browsers_automatic_table_layout():
    def one_em_a_character(text, bold=False):
        return len(text)
    pad = tables.CELL_PADDING
    # it all fits on one line: the widest widths, grown alike
    assert tables.column_shares(cells(("ab", "abcd")), 100, one_em_a_character) == [
        round(1000 * (2 + pad) / (6 + 2 * pad)), round(1000 * (4 + pad) / (6 + 2 * pad))]
    # it does not: each column from its longest word, plus the same share of its range
    date, text = "5 de diciembre de 2025", " ".join(["word"] * 20)
    narrow, wide = [9 + pad, 4 + pad], [22 + pad, 99 + pad]
    share = (50 - sum(narrow)) / (sum(wide) - sum(narrow))
    widths = [n + (w - n) * share for n, w in zip(narrow, wide)]
    assert tables.column_shares(cells((date, text)), 50, one_em_a_character) == [
        round(1000 * w / sum(widths)) for w in widths]          # 17 % for the dates
    # not even the longest words fit: those
    assert tables.column_shares(cells((date, text)), 5, one_em_a_character) == [
        round(1000 * n / sum(narrow)) for n in narrow]


def test_text_is_measured_with_the_fonts_advance_widths():
    measure = font_embedding.text_measure(THEME.folders, "IBM Plex Serif")
    assert measure("iiii") < measure("MMMM") < measure("MMMM", bold=True)
    assert measure("MMMM") == pytest.approx(4 * 0.9, abs=0.4)
    assert font_embedding.text_measure(THEME.folders, "No Such Font")("abcd") == 2.0
    # header cells in a semibold, a family of its own to Word: measured in that face
    text = "Notificación previa al Poder Legislativo"
    semibold = font_embedding.text_measure(THEME.folders, "IBM Plex Serif",
                                       "IBM Plex Serif SemiBold")
    assert semibold(text) == measure(text) < semibold(text, bold=True) < measure(text, True)


def test_table_columns_take_the_pdfs_proportions():
    rows = "".join(f"| {n} de diciembre de 2025 | {' '.join(['words'] * 25)} |\n"
                   for n in (5, 10))
    d = render(from_markdown(("s", "| Date | Event |\n|--|--|\n" + rows)))
    (table,) = d.tables
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert 0.15 < grid[0] / sum(grid) < 0.25     # a half would be even, a third by length


# -- ooxml helpers -------------------------------------------------------------------------------

def _p():
    return parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="BodyText"/></w:pPr></w:p>')


def test_ooxml_hyperlink_and_bookmark():
    p = _p()
    ooxml.bookmark(p, 7, "_x")
    ooxml.hyperlink(p, anchor="_x")
    ooxml.hyperlink(p, r_id="rId9")
    tags = [etree.QName(c).localname for c in p]
    assert tags == ["pPr", "bookmarkStart", "bookmarkEnd", "hyperlink", "hyperlink"]
    assert p[1].get(qn("w:name")) == "_x" and p[2].get(qn("w:id")) == "7"
    assert p[3].get(qn("w:anchor")) == "_x" and p[4].get(qn("r:id")) == "rId9"


def test_ooxml_fields():
    p = _p()
    ooxml.field(p, "PAGE")
    (fld,) = p.findall(qn("w:fldSimple"))
    assert fld.get(qn("w:instr")).split()[0] == "PAGE"


def test_ooxml_restart_numbering():
    d = docx.Document(io.BytesIO(reference_docx()))
    numbering = d.part.numbering_part.element
    base = ooxml.style_num_id(d.styles["List Number"].element)
    new = ooxml.restart_numbering(numbering, base, start=4)
    num = numbering.num_having_numId(new)
    assert new != base
    assert num.abstractNumId.val == numbering.num_having_numId(base).abstractNumId.val
    assert num.find(f"{W}lvlOverride/{W}startOverride").get(f"{W}val") == "4"
    p = _p()
    ooxml.set_numbering(p, new)
    assert p.pPr.numPr.numId.val == new and p.pPr.numPr.ilvl.val == 0


def test_ooxml_footnotes_part_is_the_writers_own():
    d = docx.Document(io.BytesIO(reference_docx()))
    part = ooxml.footnotes_part(d.part)
    note = ooxml.add_footnote(part.element, 1)
    part.element[0].append(parse_xml(f'<w:p {nsdecls("w")}><w:r><w:t>x</w:t></w:r></w:p>'))
    assert note.get(qn("w:id")) == "1"
    # a second call (as with a reference.docx an editor saved with notes, or separators of
    # its own) starts afresh
    again = ooxml.footnotes_part(d.part)
    ids = [n.get(qn("w:id")) for n in again.element.findall(qn("w:footnote"))]
    assert ids == ["-1", "0"] and b"<w:t>x</w:t>" not in again.blob
    assert [r.target_part for r in d.part.rels.values()].count(again) == 1
    assert part not in [r.target_part for r in d.part.rels.values() if not r.is_external]


def test_ooxml_footnote_reference_and_mark():
    r = parse_xml(f'<w:r {nsdecls("w")}/>')
    ooxml.footnote_reference(r, 3)
    assert r[0].tag == qn("w:footnoteReference") and r[0].get(qn("w:id")) == "3"
    r = parse_xml(f'<w:r {nsdecls("w")}/>')
    ooxml.footnote_mark(r)
    assert r[0].tag == qn("w:footnoteRef")


def test_ooxml_table_rows_and_table_look():
    d = docx.Document(io.BytesIO(reference_docx()))
    table = d.add_table(2, 2)
    ooxml.table_row(table.rows[0]._tr, header=True)
    ooxml.table_row(table.rows[1]._tr, header=False)
    ooxml.set_table_look(table._tbl, first_row=True)
    ooxml.full_width(table._tbl)
    # in the schema's order: cantSplit, then tblHeader
    assert [etree.QName(c).localname for c in table.rows[0]._tr.trPr] == [
        "cantSplit", "tblHeader"]
    assert [etree.QName(c).localname for c in table.rows[1]._tr.trPr] == ["cantSplit"]
    (look,) = table._tbl.tblPr.findall(qn("w:tblLook"))
    assert look.get(qn("w:firstRow")) == "1" and look.get(qn("w:firstColumn")) == "0"
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    assert (tbl_w.get(qn("w:type")), tbl_w.get(qn("w:w"))) == ("pct", "5000")


def test_ooxml_clear_body_keeps_page_setup():
    d = docx.Document(io.BytesIO(reference_docx()))
    d.add_paragraph("x")
    d.add_table(1, 1)
    ooxml.clear_body(d.element.body)
    assert [etree.QName(c).localname for c in d.element.body] == ["sectPr"]


def test_ooxml_reproducible_zip():
    when = dt.datetime(2026, 3, 4)
    out = ooxml.reproducible_zip({"b.xml": b"<b/>", "a.xml": b"<a/>"}, when)
    assert out == ooxml.reproducible_zip({"a.xml": b"<a/>", "b.xml": b"<b/>"}, when)
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        assert z.namelist() == ["a.xml", "b.xml"]
        assert {i.date_time for i in z.infolist()} == {(2026, 3, 4, 0, 0, 0)}
        assert z.read("b.xml") == b"<b/>"


def test_ooxml_font_table_and_embedding_settings():
    d = docx.Document(io.BytesIO(reference_docx()))
    table = ooxml.font_table_part(d.part)
    assert [r.target_part for r in d.part.rels.values()].count(table) == 1
    names = [f.get(qn("w:name")) for f in table.element.findall(qn("w:font"))]
    assert "Cambria" in names                       # reference.docx's entries are kept
    # without the faces a reference.docx embedded: they are not carried over
    ooxml.font_entry(table.element, "Cambria").append(parse_xml(
        f'<w:embedRegular {nsdecls("w", "r")} r:id="rId1"/>'))
    table = ooxml.font_table_part(d.part)
    assert not list(table.element.iter(qn("w:embedRegular")))
    assert "Cambria" in [f.get(qn("w:name")) for f in table.element.findall(qn("w:font"))]
    entry = ooxml.font_entry(table.element, "New Face")
    assert ooxml.font_entry(table.element, "New Face") is entry
    settings = d.settings.element
    ooxml.embed_fonts_setting(settings)
    ooxml.embed_fonts_setting(settings)             # once only, however often asked
    tags = [etree.QName(c).localname for c in settings]
    assert tags[:3] == ["zoom", "embedTrueTypeFonts", "saveSubsetFonts"]
    assert tags.count("embedTrueTypeFonts") == 1


def test_font_obfuscation_is_the_one_libreoffice_reads():
    """LibreOffice's reader (writerfilter FontTable.cxx) takes the key's hex pairs from
    the end of "{62E79491-959F-41E9-B76B-6B32631DEA5C}" to its start, twice over."""
    key = "{62E79491-959F-41E9-B76B-6B32631DEA5C}"
    positions = [35, 33, 31, 29, 27, 25, 22, 20, 17, 15, 12, 10, 7, 5, 3, 1]
    mask = bytes(int(key[i:i + 2], 16) for i in positions) * 2
    data = bytes(range(40))
    hidden = font_embedding.obfuscate(data, key)
    assert hidden[:32] == bytes(b ^ m for b, m in zip(data, mask))
    assert hidden[32:] == data[32:] and font_embedding.obfuscate(hidden, key) == data
    assert font_embedding.font_key(data) == font_embedding.font_key(bytes(range(40)))
    assert font_embedding.font_key(data) != font_embedding.font_key(hidden)
