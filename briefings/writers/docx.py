"""DOCX writer: visits the Document's HTML tree and writes Word paragraphs in the styles of
``reference.docx`` (pandoc's reference-doc idea: restyle the output by restyling that file).

One method per tag (``visit_<tag>`` for blocks, ``inline_<tag>`` for text-level elements),
as Sphinx writers do. A tag without a method is an error naming the tag and the section:
the writer never drops text silently. Word XML python-docx lacks lives in ``ooxml``.

Choices worth knowing:
- Headings h1–h3 map to Heading 1–3; h4–h6 are an error (the brief has three levels, and
  mapping deeper ones onto Heading 3 would flatten the outline silently).
- Inline text is first collected as segments, then whitespace is collapsed as a browser
  would (runs of ASCII white space → one space, trimmed at block edges and around line
  breaks; no-break spaces are kept), then written as runs.
- The cover is page 1, with the PDF's details in the PDF's order, and carries no running
  header or footer; every later page has the title and classification on top and
  "Page N of M" (Word fields) at the bottom.
- The cover's contents list is a Word TOC field whose result is already written (each
  section's heading, linked to a bookmark on it), so it shows on opening without a prompt;
  Word adds page numbers when the field is updated. LibreOffice shows the result as written.
- Table rows never break across pages and header rows repeat, as in the PDF; columns get
  the widths the PDF's automatic table layout gives them, measured with the theme's fonts.
- As in the PDF, running text (Body Text, and the Quote and Box Text based on it) is
  justified and hyphenated, in the document's language; the rest is ragged and whole-worded.
  That is reference.docx's doing (its styles, and automatic hyphenation in its settings),
  not the writer's. The sources list's entries take Word's "Bibliography" style, which
  hangs their numbers in the margin as the PDF does.
- What the PDF sets in semibold (headings, the cover's title, table headers, box titles,
  strong text) is in the theme's semibold face, which Word knows as a family of its own
  ("IBM Plex Serif SemiBold", embedded like the others): reference.docx's styles name it,
  and strong text takes its "Strong" style. Nothing is bold, as nothing in the PDF is.
- The theme's font faces are embedded, subset (``docx_fonts``): the DOCX looks the same
  on a machine without them.
- Nothing of reference.docx reaches the reader unless the writer needs it: the saved
  package passes an allow-list of parts, relationships, settings and fields
  (``docx_package``), so no attached template, linked picture or field of its own survives.
- A ``<figure>`` becomes its PNG (300 dpi at its printed size; Word's SVG support is
  uneven), with the alt text as the picture's description, then a "Caption" paragraph
  whose number is a ``SEQ Figure`` field, as Word's own Insert Caption writes it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from dataclasses import dataclass

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt
from docx.text.paragraph import Paragraph
from docx.text.parfmt import ParagraphFormat
from lxml import html

from briefings import projectfiles, urls
from briefings.document import Document, Meta, Theme
from briefings.errors import BriefingError
from briefings.writers import docx_fonts, docx_package, ooxml

REFERENCE = "reference.docx"
# The contents list: Word's own TOC field, as pandoc writes it but for the level: the
# PDF's contents list names the sections (their Heading 1), and so does this one.
# \h links entries, \z hides page numbers in web view, \u uses outline levels too.
TOC_FIELD = 'TOC \\o "1-1" \\h \\z \\u'

# Every style the writer names; all must exist in reference.docx (checked before writing).
PARAGRAPH_STYLES = (
    "Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Body Text",
    "List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2",
    "List Number 3", "List Continue", "List Continue 2", "List Continue 3", "Quote",
    "Footnote Text", "Header", "Footer", "Cover Kind", "Cover Meta", "Classification",
    "Table Text", "Table Heading", "Box Title", "Box Text", "Horizontal Rule", "Spacer",
    "Caption", "TOC Heading", "toc 1", "Bibliography",
)
CHARACTER_STYLES = ("Footnote Reference", "Hyperlink", "Cover Label", "Verbatim Char",
                    "Strong")
TABLE_STYLES = ("Brief Table", "Box")
STYLES = PARAGRAPH_STYLES + CHARACTER_STYLES + TABLE_STYLES

_HEADINGS = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3"}
# The ids compose gives the entries of the sources list, which citations link to
SOURCE_ENTRY = "src-"
_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "blockquote",
               "div", "hr", "pre", "section", "article", "thead", "tbody", "tr", "td", "th",
               "figure", "figcaption"}
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")   # what HTML collapses; U+00A0 is not in it
# A table cell's padding, left and right, in ems of its text: the PDF's 2 mm at 9.5 pt
CELL_PADDING = 1.2
# Characters XML 1.0 forbids (python-docx raises on them): dropped, not fatal.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ALIGNMENTS = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT,
               "center": WD_ALIGN_PARAGRAPH.CENTER}


def clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


def one_line(text: str) -> str:
    """Furniture text (title, labels): cleaned, white space collapsed."""
    return _WHITESPACE.sub(" ", clean(text)).strip()


# -- inline segments ---------------------------------------------------------------------

@dataclass(frozen=True)
class Format:
    bold: bool = False
    italic: bool = False
    code: bool = False
    # ("url", href), ("anchor", bookmark name) or ("citation", a source entry's bookmark)
    link: tuple[str, str] | None = None


@dataclass
class Text:
    text: str
    fmt: Format


@dataclass(frozen=True)
class Break:
    pass


@dataclass(frozen=True)
class NoteRef:
    key: str                                # the footnote's li id, e.g. "fn:2-places"


@dataclass(frozen=True)
class Anchor:
    name: str                               # bookmark on an inline element with a linked id


@dataclass(frozen=True)
class Field:
    instruction: str                        # e.g. "SEQ Figure \\* ARABIC"
    result: str                             # what it shows until Word updates it


def normalize(segments: list) -> list:
    """Collapse white space across segments as a browser does; drop what becomes empty."""
    out: list = []
    after_space = True                      # at a block's start, leading space goes
    for seg in segments:
        if isinstance(seg, Text):
            text = _WHITESPACE.sub(" ", clean(seg.text))
            if after_space and text.startswith(" "):
                text = text[1:]
            if text:
                out.append(Text(text, seg.fmt))
                after_space = text.endswith(" ")
            continue
        if isinstance(seg, Break):
            _trim_end(out)
            after_space = True
        elif isinstance(seg, (NoteRef, Field)):
            after_space = False
        out.append(seg)
    _trim_end(out)
    return out


def _trim_end(out: list) -> None:
    """Trailing white space before a line break or a block's end is not shown."""
    for i in range(len(out) - 1, -1, -1):
        seg = out[i]
        if isinstance(seg, Anchor):
            continue
        if isinstance(seg, Text):
            seg.text = seg.text.rstrip(" ")
            if not seg.text:
                del out[i]
                continue
        return


# -- where blocks go ---------------------------------------------------------------------

class BodyBlocks:
    def __init__(self, document):
        self._document = document

    def add_paragraph(self, style: str) -> Paragraph:
        return self._document.add_paragraph(style=style)

    def add_table(self, rows: int, cols: int):
        # Word tables have no space around them: a small empty "Spacer" paragraph above
        # keeps a table off the text before it (and from merging with a table before it).
        self._document.add_paragraph(style="Spacer")
        return self._document.add_table(rows, cols)


class CellBlocks:
    """A table cell. Word requires a paragraph in every cell and after a nested table:
    the next text reuses that empty paragraph rather than adding another."""

    def __init__(self, cell):
        self._cell = cell
        self._empty = cell.paragraphs[0]
        self._untouched = True

    def add_paragraph(self, style: str) -> Paragraph:
        self._untouched = False
        if self._empty is not None:
            paragraph, self._empty = self._empty, None
            paragraph.style = style
            return paragraph
        return self._cell.add_paragraph(style=style)

    def add_table(self, rows: int, cols: int):
        if self._untouched:                 # a table may open a cell
            self._cell._tc.remove(self._empty._p)
        self._untouched = False
        table = self._cell.add_table(rows, cols)
        ooxml.full_width(table._tbl)
        # the paragraph Word needs after it: a small gap unless text comes to fill it
        self._empty = self._cell.paragraphs[-1]
        self._empty.style = "Spacer"
        return table


class NoteBlocks:
    """A footnote's body; its first paragraph starts with the note's own number."""

    def __init__(self, note, body, error):
        self._note, self._body, self._error = note, body, error

    def add_paragraph(self, style: str) -> Paragraph:
        p = OxmlElement("w:p")
        self._note.append(p)
        paragraph = Paragraph(p, self._body)
        paragraph.style = style
        if len(self._note) == 1:
            mark = paragraph.add_run()
            mark.style = "Footnote Reference"
            ooxml.footnote_mark(mark._r)
            paragraph.add_run(" ")
        return paragraph

    def add_table(self, rows: int, cols: int):
        raise self._error("tables and boxes inside footnotes are not supported in DOCX")


@dataclass(frozen=True)
class Context:
    blocks: object              # BodyBlocks, CellBlocks or NoteBlocks
    text_style: str             # the style a <p> gets here
    part: object                # the package part holding this text's hyperlink targets
    depth: int = 0              # list nesting


# -- the writer --------------------------------------------------------------------------

def _remember_style_ids(part) -> None:
    """python-docx finds a style's id by scanning every style, each time a style is named
    (over two thirds of a brief's DOCX time); the styles do not change while writing, so
    each name is looked up once."""
    lookup, known = part.get_style_id, {}

    def get_style_id(style, style_type):
        if not isinstance(style, str):
            return lookup(style, style_type)
        if (style, style_type) not in known:
            known[style, style_type] = lookup(style, style_type)
        return known[style, style_type]

    part.get_style_id = get_style_id


class DocxWriter:
    def __init__(self, document: Document, theme: Theme):
        reference = theme.file(REFERENCE)
        if not projectfiles.found(reference):
            raise BriefingError("reference document not found", reference)
        self.meta: Meta = document.meta
        self.body = document.body
        self.doc = docx.Document(io.BytesIO(projectfiles.read_bytes(reference)))
        missing = missing_styles(self.doc)
        if missing:
            raise BriefingError(f"styles missing: {', '.join(missing)}", reference)
        self.reference = reference
        self.folders = theme.folders            # where the fonts to embed are
        _remember_style_ids(self.doc.part)
        ooxml.clear_body(self.doc.element.body)
        self.numbering = self.doc.part.numbering_part.element
        self.notes_part = ooxml.footnotes_part(self.doc.part)
        self.section: str | None = None
        self.template: str | None = None    # the section's template, for error messages
        self.notes: dict[str, html.HtmlElement] = {}
        self.note_count = 0
        self.anchors = self._anchors()
        self.contents_entries = self._contents_entries()
        self.bookmark_count = 0
        self.pending_bookmarks: list[str] = []
        self.pending_item: tuple[str, int | None] | None = None
        self.document = document
        # the text column's width, for figures wider than it
        section = self.doc.sections[0]
        self.text_width = section.page_width - section.left_margin - section.right_margin

    # errors name the section and the tag
    def error(self, message: str) -> BriefingError:
        return BriefingError(message, self.template,
                             key=f"section '{self.section}'" if self.section else None)

    def unsupported(self, el, where: str = "") -> BriefingError:
        tag = el.tag if isinstance(el.tag, str) else "comment"
        return self.error(f"<{tag}> is not supported by the DOCX writer{where}")

    def render(self) -> bytes:
        self.write()
        docx_fonts.embed(self.doc, self.folders)
        docx_package.clean(self.doc.part.package)     # nothing from reference.docx unasked
        out = io.BytesIO()
        self.doc.save(out)
        created = dt.datetime.combine(self.meta.created, dt.time())
        return ooxml.reproducible_zip(out.getvalue(), created)

    def write(self) -> None:
        """The document's tree as Word paragraphs and tables, in memory: where the writer
        refuses what it cannot write."""
        if self.body.tag != "article":
            raise self.unsupported(self.body, " as the document root (expected <article>)")
        cover_end = self.cover()
        self.furniture()
        ctx = Context(BodyBlocks(self.doc), "Body Text", self.doc.part)
        for child in self.body:
            if child.tag != "section":
                raise self.unsupported(child, " directly in <article>")
            self.block(child, ctx)
        if self.pending_bookmarks:          # a linked id on an empty last element
            self.paragraph(ctx, "Spacer")
        # Word and LibreOffice keep the space before the paragraph after a page break; the
        # PDF's text starts at the top of page 2.
        first = cover_end._p.getnext()
        if first is not None and first.tag == qn("w:p"):
            ParagraphFormat(first).space_before = Pt(0)
        self.properties()

    # -- links and bookmarks ----------------------------------------------------------

    def _anchors(self) -> dict[str, str]:
        """Bookmark names for the ids that internal links point to (and only those)."""
        ids = {el.get("id") for el in self.body.iter() if el.get("id")}
        anchors: dict[str, str] = {}
        for a in self.body.iter("a"):
            href = a.get("href", "")
            if not href.startswith("#") or _is_footnote_link(a):
                continue
            target = href[1:]
            if target not in ids:
                section = next(a.iterancestors("section"), None)
                if section is not None:
                    self.section = section.get("data-section")
                    self.template = section.get("data-template")
                raise self.error(f"link to '#{target}', but no element has that id")
            if target not in anchors:
                # Word: bookmark names ≤ 40 characters, letters/digits/_; "_" hides them
                name = base = "_" + re.sub(r"\W", "_", target, flags=re.ASCII)[:32]
                while name in anchors.values():
                    name = f"{base}_{len(anchors)}"
                anchors[target] = name
        return anchors

    def _contents_entries(self) -> dict:
        """Each section's heading → (bookmark name, text): the contents list links to them."""
        entries = {}
        for section in self.body.iterchildren("section"):
            heading = section.find("h1")
            if heading is None:
                continue
            name = f"_Toc{len(entries) + 1}"
            while name in self.anchors.values():
                name += "_"
            entries[heading] = (name, one_line(heading.text_content()))
        return entries

    def paragraph(self, ctx: Context, style: str) -> Paragraph:
        """Every paragraph is made here, so bookmarks and list numbering waiting for
        "the next paragraph" land on it."""
        num_id = None
        if self.pending_item is not None:
            style, num_id = self.pending_item
            self.pending_item = None
        paragraph = ctx.blocks.add_paragraph(style)
        if num_id is not None:
            ooxml.set_numbering(paragraph._p, num_id)
        for name in self.pending_bookmarks:
            self.bookmark_count += 1
            ooxml.bookmark(paragraph._p, self.bookmark_count, name)
        self.pending_bookmarks = []
        return paragraph

    # -- blocks -----------------------------------------------------------------------

    def block(self, el, ctx: Context) -> None:
        if not isinstance(el.tag, str):
            return                          # comments and processing instructions: no content
        if el.get("id") in self.anchors:
            self.pending_bookmarks.append(self.anchors[el.get("id")])
        if el in self.contents_entries:
            self.pending_bookmarks.append(self.contents_entries[el][0])
        visit = getattr(self, f"visit_{el.tag}", None)
        if visit is None:
            raise self.unsupported(el)
        visit(el, ctx)

    def contents(self, el, ctx: Context, style: str) -> None:
        """Blocks and loose text of ``el`` in order; loose text between blocks becomes
        paragraphs in ``style`` (tight list items, table cells)."""
        segments: list = []
        self.text(el.text, Format(), segments)
        for child in el:
            if isinstance(child.tag, str) and child.tag in _BLOCK_TAGS:
                self.flush(segments, ctx, style)
                segments = []
                self.block(child, ctx)
            else:
                self.inline(child, Format(), segments)
            self.text(child.tail, Format(), segments)
        self.flush(segments, ctx, style)

    def flush(self, segments: list, ctx: Context, style: str) -> None:
        segments = normalize(segments)
        if segments:
            self.emit(self.paragraph(ctx, style), segments, ctx)

    def visit_section(self, el, ctx: Context) -> None:
        self.section = el.get("data-section") or el.get("id")
        self.template = el.get("data-template")
        self.notes = {li.get("id"): li for div in el.iter("div")
                      if "footnote" in div.classes for li in div.iter("li")}
        self.contents(el, ctx, ctx.text_style)

    def visit_p(self, el, ctx: Context) -> None:
        if "admonition-title" in el.classes:
            style = "Box Title"
        elif el.get("id", "").startswith(SOURCE_ENTRY):
            style = "Bibliography"          # Word's own style for a list of works cited
        else:
            style = ctx.text_style
        self.inline_paragraph(el, ctx, style)

    def inline_paragraph(self, el, ctx: Context, style: str) -> None:
        segments: list = []
        self.inline_children(el, Format(), segments)
        self.emit(self.paragraph(ctx, style), normalize(segments), ctx)

    def visit_h1(self, el, ctx: Context) -> None:
        self.inline_paragraph(el, ctx, _HEADINGS[el.tag])

    visit_h2 = visit_h3 = visit_h1

    def visit_h4(self, el, ctx: Context) -> None:
        raise self.error(f"<{el.tag}>: headings deeper than three levels are not supported "
                         "in DOCX (use ### at most)")

    visit_h5 = visit_h6 = visit_h4

    def visit_blockquote(self, el, ctx: Context) -> None:
        self.contents(el, dataclasses.replace(ctx, text_style="Quote"), "Quote")

    def visit_hr(self, el, ctx: Context) -> None:
        self.paragraph(ctx, "Horizontal Rule")

    def visit_pre(self, el, ctx: Context) -> None:
        raise self.error("<pre> (a code block; an indented line in a template?) is not "
                         "supported by the DOCX writer")

    def visit_figure(self, el, ctx: Context) -> None:
        img, caption = el.find("img"), el.find("figcaption")
        if img is None or caption is None or len(el) != 2 or (el.text or "").strip():
            raise self.error("a <figure> must hold one <img> and one <figcaption>")
        if isinstance(ctx.blocks, NoteBlocks):
            raise self.error("figures inside footnotes are not supported in DOCX")
        alt = one_line(img.get("alt", ""))
        if not alt:
            raise self.error(f"figure '{el.get('data-figure')}' has no alt text")
        png = self.document.figure_file(img.get("data-png", ""))
        try:
            width = Emu(int(Pt(float(img.get("width")) * 0.75)))   # CSS px → points
        except (TypeError, ValueError):
            raise self.error("a figure's <img> needs its width in pixels") from None
        # inside a box the cell's padding leaves less room than the text column
        room = self.text_width - (Pt(24) if isinstance(ctx.blocks, CellBlocks) else 0)
        paragraph = self.paragraph(ctx, ctx.text_style)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True    # the caption stays with it
        shape = paragraph.add_run().add_picture(str(png), width=min(width, Emu(room)))
        ooxml.describe_picture(shape._inline, alt, self.label_of(caption))
        self.inline_paragraph(caption, ctx, "Caption")

    @staticmethod
    def label_of(caption) -> str:
        """"Figure 3": the caption's label, to name the picture in Word's selection pane."""
        label = caption.find('span[@class="figure-label"]')
        return one_line(label.text_content()).rstrip(".") if label is not None else "Figure"

    def visit_div(self, el, ctx: Context) -> None:
        if "footnote" in el.classes:
            return                          # its notes became Word footnotes where cited
        if "admonition" not in el.classes:
            raise self.unsupported(el, f" (class '{el.get('class', '')}')")
        # A box: a one-cell table in the "Box" style holding the admonition's blocks.
        table = ctx.blocks.add_table(1, 1)
        table.style = "Box"
        ooxml.set_table_look(table._tbl, first_row=False)
        ooxml.table_row(table.rows[0]._tr, header=False)  # as the PDF keeps a box whole
        cell = table.rows[0].cells[0]
        inner = dataclasses.replace(ctx, blocks=CellBlocks(cell), text_style="Box Text")
        self.contents(el, inner, "Box Text")

    # lists
    def visit_ul(self, el, ctx: Context) -> None:
        self.list(el, ctx, "List Bullet", numbered=False)

    def visit_ol(self, el, ctx: Context) -> None:
        self.list(el, ctx, "List Number", numbered=True)

    def list(self, el, ctx: Context, base: str, numbered: bool) -> None:
        depth = ctx.depth + 1
        if depth > 3:
            raise self.error(f"<{el.tag}> nested {depth} deep: DOCX lists go 3 levels deep")
        if self.pending_item is not None:   # an item that opens with a nested list
            self.paragraph(ctx, ctx.text_style)
        suffix = "" if depth == 1 else f" {depth}"
        style = base + suffix
        num_id = None
        if numbered:
            # each list counts from its own start: a new numbering instance per <ol>
            style_num = ooxml.style_num_id(self.doc.styles[style].element)
            if style_num is None:
                raise BriefingError(f"style '{style}' has no list numbering", self.reference)
            num_id = ooxml.restart_numbering(self.numbering, style_num,
                                             int(el.get("start", "1")))
        inner = dataclasses.replace(ctx, depth=depth, text_style="List Continue" + suffix)
        self.no_loose_text(el)
        for li in el:
            if li.tag != "li":
                raise self.unsupported(li, f" inside <{el.tag}>")
            if li.get("id") in self.anchors:
                self.pending_bookmarks.append(self.anchors[li.get("id")])
            self.pending_item = (style, num_id)
            self.contents(li, inner, inner.text_style)
            if self.pending_item is not None:   # an empty item still shows its number
                self.paragraph(inner, inner.text_style)

    def no_loose_text(self, el) -> None:
        loose = (el.text or "") + "".join(child.tail or "" for child in el)
        if loose.strip():
            raise self.error(f"text '{loose.strip()[:40]}' directly inside <{el.tag}>")

    # tables
    def visit_table(self, el, ctx: Context) -> None:
        rows: list[tuple[html.HtmlElement, bool]] = []
        self.no_loose_text(el)
        for child in el:
            if child.tag in ("thead", "tbody"):
                self.no_loose_text(child)
                rows += [(tr, child.tag == "thead") for tr in child]
            else:
                rows.append((child, False))
        for tr, _ in rows:
            if tr.tag != "tr":
                raise self.unsupported(tr, " inside <table>")
            self.no_loose_text(tr)
        if not rows:
            return
        has_header = rows[0][1]
        table = ctx.blocks.add_table(len(rows), max(len(tr) for tr, _ in rows))
        table.style = "Brief Table"
        ooxml.set_table_look(table._tbl, first_row=has_header)
        total = sum(column.width for column in table.columns)
        font = self.style_font("Table Text")
        measure = docx_fonts.text_measure(self.folders, font.name,
                                          self.style_font("Table Heading").name)
        shares = column_shares([tr for tr, _ in rows], total / font.size, measure)
        widths = [total * share // 1000 for share in shares]
        for column, width in zip(table.columns, widths):
            column.width = width
        # row.cells once per row: table.cell(r, c) rescans the table on every call
        for row, (tr, header) in zip(table.rows, rows):
            ooxml.table_row(row._tr, header=header)
            style = "Table Heading" if header else "Table Text"
            for cell, td, width in zip(row.cells, tr, widths):
                cell.width = width
                if td.tag not in ("td", "th") or td.get("colspan") or td.get("rowspan"):
                    raise self.unsupported(td, " in a table row (only td/th, no spans)")
                inner = dataclasses.replace(ctx, blocks=CellBlocks(cell), text_style=style,
                                            depth=0)
                self.contents(td, inner, style)
                align = self.alignment(td)
                for paragraph in cell.paragraphs:
                    paragraph.alignment = align

    def style_font(self, name: str) -> StyleFont:
        """The font (name and size) of paragraph style ``name``, as it inherits them."""
        style, font_name, size = self.doc.styles[name], None, None
        while style is not None and not (font_name and size):
            font_name, size = font_name or style.font.name, size or style.font.size
            style = style.base_style
        return StyleFont(font_name, size or Pt(10.5))

    @staticmethod
    def alignment(cell):
        return _ALIGNMENTS.get(cell.get("align"))

    # -- inline -------------------------------------------------------------------------

    def text(self, text: str | None, fmt: Format, out: list) -> None:
        if text:
            out.append(Text(text, fmt))

    def inline(self, el, fmt: Format, out: list) -> None:
        if not isinstance(el.tag, str):
            return
        if el.get("id") in self.anchors:
            out.append(Anchor(self.anchors[el.get("id")]))
        visit = getattr(self, f"inline_{el.tag}", None)
        if visit is None:
            raise self.unsupported(el, " in running text" if el.tag in _BLOCK_TAGS else "")
        visit(el, fmt, out)

    def inline_children(self, el, fmt: Format, out: list) -> None:
        self.text(el.text, fmt, out)
        for child in el:
            self.inline(child, fmt, out)
            self.text(child.tail, fmt, out)

    def inline_strong(self, el, fmt: Format, out: list) -> None:
        self.inline_children(el, dataclasses.replace(fmt, bold=True), out)

    def inline_em(self, el, fmt: Format, out: list) -> None:
        self.inline_children(el, dataclasses.replace(fmt, italic=True), out)

    def inline_code(self, el, fmt: Format, out: list) -> None:
        self.inline_children(el, dataclasses.replace(fmt, code=True), out)

    inline_b, inline_i = inline_strong, inline_em

    def inline_span(self, el, fmt: Format, out: list) -> None:
        """Only the figure caption's label: "Figure" in bold, its number a SEQ field."""
        if "figure-label" in el.classes:
            self.inline_children(el, dataclasses.replace(fmt, bold=True), out)
        elif "figure-number" in el.classes and len(el) == 0:
            out.append(Field("SEQ Figure \\* ARABIC", (el.text or "").strip()))
        else:
            raise self.unsupported(el, " (except in a figure's caption label)")

    def inline_br(self, el, fmt: Format, out: list) -> None:
        out.append(Break())

    def inline_a(self, el, fmt: Format, out: list) -> None:
        if "footnote-backref" in el.classes:
            # the "↩" back to the text: Word's footnote number already does that.
            # Python-Markdown puts a no-break space before it; that goes too.
            if out and isinstance(out[-1], Text):
                out[-1].text = out[-1].text.rstrip("\xa0 ")
            return
        href = el.get("href")
        if href is None:
            raise self.error("<a> without href is not supported by the DOCX writer")
        if href.startswith("#"):
            if href[1:] not in self.anchors:    # e.g. a footnote link outside its <sup>
                raise self.error(f"link '{href}' is not supported by the DOCX writer here")
            kind = "citation" if href[1:].startswith(SOURCE_ENTRY) else "anchor"
            link = (kind, self.anchors[href[1:]])
        elif problem := urls.link_problem(href):
            raise self.error(problem.message)
        else:
            link = ("url", href)
        self.inline_children(el, dataclasses.replace(fmt, link=link), out)

    def inline_sup(self, el, fmt: Format, out: list) -> None:
        # Markdown makes <sup> only for footnote references: <sup><a class=footnote-ref>
        a = el[0] if len(el) == 1 else None
        if (a is None or a.tag != "a" or "footnote-ref" not in a.classes
                or (el.text or "").strip() or (a.tail or "").strip()):
            raise self.unsupported(el, " (except as a footnote reference)")
        out.append(NoteRef(a.get("href", "").lstrip("#")))

    # -- writing runs -------------------------------------------------------------------

    def emit(self, paragraph: Paragraph, segments: list, ctx: Context) -> None:
        link_el, link_of = None, None
        for seg in segments:
            if isinstance(seg, Anchor):
                self.bookmark_count += 1
                ooxml.bookmark(paragraph._p, self.bookmark_count, seg.name)
                link_el = None
                continue
            if isinstance(seg, Field):               # a figure's number, in its bold label
                ooxml.field(paragraph._p, seg.instruction, seg.result,
                            style=self.doc.styles["Strong"].style_id)
                link_el = None
                continue
            run = paragraph.add_run()
            if isinstance(seg, Text):
                run.text = seg.text
                fmt = seg.fmt
                if fmt.italic:
                    run.italic = True
                if fmt.code:
                    run.style = "Verbatim Char"
                # a citation keeps its text's colour, as on the PDF's paper (brief.css)
                if fmt.link is not None and fmt.link[0] != "citation":
                    run.style = "Hyperlink"
                if fmt.bold:                    # after the style a link or code takes
                    self.strong(run)
                if fmt.link is not None:
                    if link_el is None or link_of != fmt.link:
                        kind, target = fmt.link
                        if kind == "url":
                            r_id = ctx.part.relate_to(target, RT.HYPERLINK,
                                                      is_external=True)
                            link_el = ooxml.hyperlink(paragraph._p, r_id=r_id)
                        else:
                            link_el = ooxml.hyperlink(paragraph._p, anchor=target)
                        link_of = fmt.link
                    link_el.append(run._r)
                    continue
            elif isinstance(seg, Break):
                run.add_break()
            elif isinstance(seg, NoteRef):
                run.style = "Footnote Reference"
                ooxml.footnote_reference(run._r, self.footnote(seg.key))
            link_el = None

    def strong(self, run) -> None:
        """Bold text as the PDF sets it: in the "Strong" style (the theme's semibold, a
        family of its own to Word), or, in a run that has a style already (a link, code),
        in the font (and weight) of "Strong", set on the run."""
        rpr = run._r.get_or_add_rPr()
        if rpr.rStyle is None:
            run.style = "Strong"
            return
        strong = self.doc.styles["Strong"].element.rPr
        if strong is not None and strong.rFonts is not None:
            fonts = rpr.get_or_add_rFonts()
            for name, value in strong.rFonts.attrib.items():
                fonts.set(name, value)
        if strong is not None and strong.b is not None:
            run.bold = True

    def footnote(self, key: str) -> int:
        """Write footnote ``key`` (a ``div.footnote`` item of this section) as a Word
        footnote; returns its number. Cited twice, it is written twice (Word notes have
        one reference each)."""
        li = self.notes.get(key)
        if li is None:
            raise self.error(f"footnote reference '#{key}' has no footnote text")
        self.note_count += 1
        note = ooxml.add_footnote(self.notes_part.element, self.note_count)
        ctx = Context(NoteBlocks(note, self.doc._body, self.error), "Footnote Text",
                      self.notes_part)
        saved = self.pending_bookmarks, self.pending_item
        self.pending_bookmarks, self.pending_item = [], None
        self.contents(li, ctx, "Footnote Text")
        self.pending_bookmarks, self.pending_item = saved
        if len(note) == 0:                  # Word needs a paragraph in every footnote
            ctx.blocks.add_paragraph("Footnote Text")
        return self.note_count

    # -- cover, header, footer, properties ----------------------------------------------

    def label(self, key: str) -> str:
        try:
            return one_line(self.meta.labels[key])
        except KeyError:
            raise BriefingError(f"label '{key}' missing from the document's strings",
                                key="labels") from None

    def cover(self) -> Paragraph:
        """Page 1, as the PDF's (layout.html.j2): kind, title, subtitle, the details, the
        contents list, the classification (returned: the page break ends it)."""
        m = self.meta
        d = self.doc
        d.add_paragraph(self.label("kind"), style="Cover Kind")
        d.add_paragraph(one_line(m.title), style="Title")
        d.add_paragraph(one_line(m.subtitle), style="Subtitle")
        for key, value in (("reader", m.reader_name), ("date", m.created_text),
                           ("as_of", m.as_of_text), ("version", m.version),
                           ("language", self.label("language_name"))):
            p = d.add_paragraph(style="Cover Meta")
            p.add_run(self.label(key)).style = "Cover Label"
            p.add_run("\t" + one_line(value))
        self.contents_list()
        p = d.add_paragraph(one_line(m.classification), style="Classification")
        p.add_run().add_break(WD_BREAK.PAGE)
        return p

    def contents_list(self) -> None:
        """A TOC field whose last result is already written: the sections' headings, each a
        link to its bookmark. Word and LibreOffice show it as it is on opening; updating the
        field in Word adds the page numbers."""
        entries = list(self.contents_entries.values())
        if not entries:
            return
        self.doc.add_paragraph(self.label("contents"), style="TOC Heading")
        for i, (name, text) in enumerate(entries):
            p = self.doc.add_paragraph(style="toc 1")
            if i == 0:
                ooxml.field_begin(p._p, TOC_FIELD)
            link = ooxml.hyperlink(p._p, anchor=name)
            link.append(p.add_run(text)._r)
            if i == len(entries) - 1:
                ooxml.field_end(p._p)

    def furniture(self) -> None:
        section = self.doc.sections[0]
        section.different_first_page_header_footer = True   # the cover stays clean
        for part in (section.first_page_header, section.first_page_footer):
            part.is_linked_to_previous = False
            ooxml.clear_body(part._element)
            part.add_paragraph(style="Normal")
        header = section.header
        header.is_linked_to_previous = False
        ooxml.clear_body(header._element)
        p = header.add_paragraph(one_line(self.meta.title), style="Header")
        p.add_run("\t" + one_line(self.meta.classification)).font.all_caps = True  # as the PDF
        footer = section.footer
        footer.is_linked_to_previous = False
        ooxml.clear_body(footer._element)
        p = footer.add_paragraph(style="Footer")
        # "Página {page} de {pages}": the text around the placeholders stays as written
        for piece in re.split(r"(\{page\}|\{pages\})", self.label("page_of")):
            if piece == "{page}":
                ooxml.field(p._p, "PAGE")
            elif piece == "{pages}":
                ooxml.field(p._p, "NUMPAGES")
            elif piece:
                p.add_run(piece)

    def properties(self) -> None:
        m = self.meta
        ooxml.set_language(self.doc.styles.element, m.language_tag)
        when = dt.datetime.combine(m.created, dt.time(), tzinfo=dt.timezone.utc)
        cp = self.doc.core_properties
        cp.title = one_line(m.title)
        cp.subject = one_line(m.subtitle)
        cp.author = cp.last_modified_by = self.label("author")
        cp.keywords = one_line(m.keywords)
        cp.category = self.label("kind")
        cp.content_status = one_line(m.classification)
        cp.identifier = m.stem
        cp.version = one_line(m.version)
        cp.language = m.language_tag
        cp.comments = ""
        cp.created = cp.modified = when
        cp.revision = 1


@dataclass(frozen=True)
class StyleFont:
    name: str | None
    size: Emu


def column_shares(rows, width: float, measure) -> list[int]:
    """Column widths in thousandths of the table, set as the PDF sets them: a browser's
    automatic table layout (CSS 2.1 §17.5.2.2, as WeasyPrint does it). Each column lies
    between its narrowest (its longest word) and its widest (each cell on one line): all
    at their widest, grown alike, when that fits ``width``; else each narrowest plus the
    same fraction of its range. Widths in ems, as ``measure(text, bold)`` gives them."""
    narrow: list[float] = []
    wide: list[float] = []
    for tr in rows:
        for i, cell in enumerate(tr):
            text = _WHITESPACE.sub(" ", cell.text_content()).strip()
            bold = cell.tag == "th"
            # A cell marked "long-word" breaks anywhere, as the PDF's does (its CSS).
            pieces = text if "long-word" in cell.classes else text.split(" ")
            least = max(measure(piece, bold) for piece in pieces) + CELL_PADDING
            most = measure(text, bold) + CELL_PADDING
            if i == len(narrow):
                narrow.append(least)
                wide.append(most)
            narrow[i], wide[i] = max(narrow[i], least), max(wide[i], most)
    if sum(wide) <= width:
        widths = wide
    elif sum(narrow) >= width:
        widths = narrow
    else:
        share = (width - sum(narrow)) / (sum(wide) - sum(narrow))
        widths = [n + (w - n) * share for n, w in zip(narrow, wide)]
    return [round(1000 * w / sum(widths)) for w in widths]


def _is_footnote_link(a) -> bool:
    return bool({"footnote-ref", "footnote-backref"} & set(a.classes))


def missing_styles(document) -> list[str]:
    """Styles the writer uses that ``document`` (a python-docx Document) lacks."""
    names = {style.name for style in document.styles}
    return [name for name in STYLES if name not in names]


def render(document: Document, theme: Theme) -> bytes:
    """The document as DOCX bytes, styled by the theme's ``reference.docx``; same input,
    same bytes."""
    return DocxWriter(document, theme).render()
