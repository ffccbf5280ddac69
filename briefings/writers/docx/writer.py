"""The DOCX writer: the document's tree, visited block by block (``blocks``), text by text
(``inline``), with its tables, figures and footnotes, written into a copy of the reference
document (``reference``); then its fonts are embedded and its package is cleaned and made
reproducible."""

from __future__ import annotations

import datetime as dt
import io

import docx
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.parfmt import ParagraphFormat
from lxml import html

from briefings.document import Document, Meta, Theme
from briefings.errors import BriefingError
from briefings.writers.docx import (embedded_fonts, furniture, links, ooxml, package_allowlist,
                                    reference)
from briefings.writers.docx.blocks import BlockVisitor
from briefings.writers.docx.figures import FigureVisitor
from briefings.writers.docx.footnotes import FootnoteWriter
from briefings.writers.docx.inline import InlineVisitor
from briefings.writers.docx.places import BodyBlocks, Context
from briefings.writers.docx.properties import set_properties
from briefings.writers.docx.styles import missing_styles, remember_style_ids
from briefings.writers.docx.tables import TableVisitor


class DocxWriter(BlockVisitor, InlineVisitor, TableVisitor, FigureVisitor, FootnoteWriter):
    def __init__(self, document: Document, theme: Theme):
        ref = reference.load(theme)
        self.meta: Meta = document.meta
        self.body = document.body
        self.doc = docx.Document(io.BytesIO(ref.data))
        missing = missing_styles(self.doc)
        if missing:
            raise BriefingError(f"styles missing: {', '.join(missing)}", ref.styles)
        self.reference = ref.styles
        self.folders = theme.folders            # where the fonts to embed are
        remember_style_ids(self.doc.part, ref.data)
        ooxml.clear_body(self.doc.element.body)
        self.numbering = self.doc.part.numbering_part.element
        self.notes_part = ooxml.footnotes_part(self.doc.part)
        self.section: str | None = None
        self.template: str | None = None    # the section's template, for error messages
        self.notes: dict[str, html.HtmlElement] = {}
        self.note_count = 0
        self.anchors = links.anchor_names(self.body)
        self.contents_entries = links.contents_entries(self.body, self.anchors)
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
        embedded_fonts.embed(self.doc, self.folders)
        package_allowlist.clean(self.doc.part.package)  # nothing of the reference unasked
        created = dt.datetime.combine(self.meta.created, dt.time())
        return ooxml.reproducible_zip(ooxml.package_entries(self.doc.part.package), created)

    def write(self) -> None:
        """The document's tree as Word paragraphs and tables, in memory: where the writer
        refuses what it cannot write."""
        if self.body.tag != "article":
            raise self.unsupported(self.body, " as the document root (expected <article>)")
        cover_end = furniture.cover(self.doc, self.meta, list(self.contents_entries.values()))
        furniture.header_and_footer(self.doc, self.meta)
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
        set_properties(self.doc, self.meta)


def render(document: Document, theme: Theme) -> bytes:
    """The document as DOCX bytes, in the styles of the edition's reference document; same
    input, same bytes."""
    return DocxWriter(document, theme).render()
