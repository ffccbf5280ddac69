"""The block elements of the document's tree as Word paragraphs: one ``visit_<tag>`` method
per tag, as Sphinx writers do; a tag without one is an error naming the tag and the
section, so the writer never drops text silently.

- Headings h1–h3 map to Heading 1–3; h4–h6 are an error (the brief has three levels, and
  mapping deeper ones onto Heading 3 would flatten the outline silently).
- Lists go three levels deep, in the List Bullet/Number styles of each level; each
  numbered list counts from its own start.
- A box (an admonition) is a one-cell table in the "Box" style; the sources list's entries
  take Word's "Bibliography" style, which hangs their numbers in the margin as the PDF does.
"""

from __future__ import annotations

import dataclasses

from docx.text.paragraph import Paragraph

from briefings.errors import BriefingError
from briefings.writers.docx import ooxml
from briefings.writers.docx.links import SOURCE_ENTRY
from briefings.writers.docx.places import CellBlocks, Context
from briefings.writers.docx.segments import Format, normalize

HEADINGS = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3"}
BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "blockquote",
              "div", "hr", "pre", "section", "article", "thead", "tbody", "tr", "td", "th",
              "figure", "figcaption"}


class BlockVisitor:
    """The DocxWriter's block elements (a mixin: the writer holds the state)."""

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
            if isinstance(child.tag, str) and child.tag in BLOCK_TAGS:
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
        self.inline_paragraph(el, ctx, HEADINGS[el.tag])

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
