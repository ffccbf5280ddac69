"""DOCX writer: a composed brief (the fixture project's) in both languages, hand-made
documents for the edge cases, and the raw Word XML helpers in ``writers/ooxml.py``."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree, html

from briefings.compose import compose, markdown_converter, markdown_to_section
from briefings.document import Document, Meta, Theme
from briefings.errors import BriefingError
from briefings.facts import load_facts
from briefings.project import Project
from briefings.writers import ooxml
from briefings.writers import docx as writer
from tests.conftest import alpha, copy_tiny

ROOT = Path(__file__).resolve().parents[1]
THEME = Theme((ROOT / "templates/theme",))
REFERENCE = str(THEME.file("reference.docx"))
TODAY = dt.date(2026, 11, 23)
SPECIAL = "& < > \" ¿ ¡ ñ á é í ó ú ü —"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# -- helpers -------------------------------------------------------------------------------

def make_meta(**changes) -> Meta:
    labels = {"kind": "Policy brief", "date": "Prepared on", "as_of": "Information as of",
              "version": "Version", "reader": "Prepared for", "language": "Language",
              "language_name": "English", "page_of": "Page {page} of {pages}",
              "contents": "Contents", "author": "Desk"}
    values = dict(brief="test", reader="desk", reader_name="Test Desk", lang="en",
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


# -- reference.docx --------------------------------------------------------------------------

def test_reference_docx_has_every_style_the_writer_uses():
    d = docx.Document(REFERENCE)
    assert writer.missing_styles(d) == []
    kinds = {s.name: s.type for s in d.styles}
    for name in writer.PARAGRAPH_STYLES:
        assert kinds[name] == WD_STYLE_TYPE.PARAGRAPH, name
    for name in writer.CHARACTER_STYLES:
        assert kinds[name] == WD_STYLE_TYPE.CHARACTER, name
    for name in writer.TABLE_STYLES:
        assert kinds[name] == WD_STYLE_TYPE.TABLE, name


def test_reference_docx_is_a_styled_empty_a4_template():
    d = docx.Document(REFERENCE)
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
    document = compose(tiny_project, load_facts(tiny_project.facts), edition, request.param,
                       TODAY)
    data = writer.render(document, Theme(edition.chain))
    return document, data, docx.Document(io.BytesIO(data))


def test_brief_headings_match_the_document(brief):
    document, _, d = brief
    for tag, style in (("h1", "Heading 1"), ("h2", "Heading 2"), ("h3", "Heading 3")):
        assert texts(d, style) == html_texts(document.body, f"//section/{tag}"), tag
    assert texts(d, "Heading 1")            # the brief has sections at all


def test_brief_cover(brief):
    document, _, d = brief
    meta = document.meta
    first = [p for p in d.paragraphs[:9]]
    assert first[0].style.name == "Cover Kind" and first[0].text == meta.labels["kind"]
    assert texts(d, "Title") == [meta.title]
    assert texts(d, "Subtitle") == [meta.subtitle]
    cover_meta = texts(d, "Cover Meta")
    assert cover_meta[0] == f"{meta.labels['date']}:\t{meta.created_text}"
    assert f"{meta.labels['reader']}:\t{meta.reader_name}" in cover_meta
    classification = [p for p in d.paragraphs if p.style.name == "Classification"]
    assert [p.text for p in classification] == [meta.classification]
    assert 'w:type="page"' in classification[0]._p.xml    # the body starts on page 2


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
    anchors = {h.get(f"{W}anchor") for h in root.iter(f"{W}hyperlink")}
    bookmarks = {b.get(f"{W}name") for b in root.iter(f"{W}bookmarkStart")}
    assert anchors and anchors <= bookmarks
    for link in root.iter(f"{W}hyperlink"):
        style = link.find(f"{W}r/{W}rPr/{W}rStyle")
        assert style is not None and style.get(f"{W}val") == "Hyperlink"


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
    assert props.language == meta.lang
    assert props.author == meta.labels["author"] and props.author
    assert props.keywords == meta.keywords and props.keywords
    assert props.revision == 1
    midnight = dt.datetime.combine(meta.created, dt.time())
    assert props.created.replace(tzinfo=None) == midnight
    assert props.modified.replace(tzinfo=None) == midnight
    lang = d.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == meta.lang


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
    assert [r.text for r in p.runs if r.bold] == ["two "]


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
    assert runs["bold"].bold and runs["italic"].italic
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
    assert row._tr.trPr is None


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
    d = docx.Document(REFERENCE)
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


def test_ooxml_footnotes_part_keeps_only_separators():
    d = docx.Document(REFERENCE)
    part = ooxml.footnotes_part(d.part)
    note = ooxml.add_footnote(part.element, 1)
    assert note.get(qn("w:id")) == "1"
    # a second call (as with a reference.docx an editor saved with notes) starts afresh
    again = ooxml.footnotes_part(d.part)
    ids = [n.get(qn("w:id")) for n in again.element.findall(qn("w:footnote"))]
    assert ids == ["-1", "0"]
    assert [r.target_part for r in d.part.rels.values()].count(again) == 1
    assert part not in [r.target_part for r in d.part.rels.values() if not r.is_external]


def test_ooxml_footnote_reference_and_mark():
    r = parse_xml(f'<w:r {nsdecls("w")}/>')
    ooxml.footnote_reference(r, 3)
    assert r[0].tag == qn("w:footnoteReference") and r[0].get(qn("w:id")) == "3"
    r = parse_xml(f'<w:r {nsdecls("w")}/>')
    ooxml.footnote_mark(r)
    assert r[0].tag == qn("w:footnoteRef")


def test_ooxml_repeat_header_row_and_table_look():
    d = docx.Document(REFERENCE)
    table = d.add_table(2, 2)
    ooxml.repeat_header_row(table.rows[0]._tr)
    ooxml.set_table_look(table._tbl, first_row=True)
    ooxml.full_width(table._tbl)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    (look,) = table._tbl.tblPr.findall(qn("w:tblLook"))
    assert look.get(qn("w:firstRow")) == "1" and look.get(qn("w:firstColumn")) == "0"
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    assert (tbl_w.get(qn("w:type")), tbl_w.get(qn("w:w"))) == ("pct", "5000")


def test_ooxml_clear_body_keeps_page_setup():
    d = docx.Document(REFERENCE)
    d.add_paragraph("x")
    d.add_table(1, 1)
    ooxml.clear_body(d.element.body)
    assert [etree.QName(c).localname for c in d.element.body] == ["sectPr"]


def test_ooxml_reproducible_zip():
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as z:
        z.writestr("b.xml", "<b/>")
        z.writestr("a.xml", "<a/>")
    when = dt.datetime(2026, 3, 4)
    out = ooxml.reproducible_zip(raw.getvalue(), when)
    assert out == ooxml.reproducible_zip(raw.getvalue(), when)
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        assert z.namelist() == ["a.xml", "b.xml"]
        assert {i.date_time for i in z.infolist()} == {(2026, 3, 4, 0, 0, 0)}
        assert z.read("b.xml") == b"<b/>"
