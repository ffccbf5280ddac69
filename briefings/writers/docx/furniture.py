"""What frames the text: the cover, its contents list, and the running header and footer.

- The cover is page 1, with the PDF's details in the PDF's order, and carries no running
  header or footer; every later page has the title and classification on top and
  "Page N of M" (Word fields) at the bottom.
- The cover's contents list is a Word TOC field whose result is already written (each
  section's heading, linked to a bookmark on it), so it shows on opening without a prompt;
  Word adds page numbers when the field is updated. LibreOffice shows the result as written.
"""

from __future__ import annotations

import re

from docx.enum.text import WD_BREAK
from docx.text.paragraph import Paragraph

from briefings.document import Meta
from briefings.errors import BriefingError
from briefings.writers.docx import ooxml
from briefings.writers.docx.segments import one_line

# The contents list: Word's own TOC field, as pandoc writes it but for the level: the
# PDF's contents list names the sections (their Heading 1), and so does this one.
# \h links entries, \z hides page numbers in web view, \u uses outline levels too.
TOC_FIELD = 'TOC \\o "1-1" \\h \\z \\u'


def label(meta: Meta, key: str) -> str:
    try:
        return one_line(meta.labels[key])
    except KeyError:
        raise BriefingError(f"label '{key}' missing from the document's strings",
                            key="labels") from None


def cover(doc, meta: Meta, contents_entries: list) -> Paragraph:
    """Page 1, as the PDF's (layout.html.j2): kind, title, subtitle, the details, the
    contents list (``(bookmark, heading)`` pairs), the classification (returned: the page
    break ends it)."""
    m = meta
    doc.add_paragraph(label(m, "kind"), style="Cover Kind")
    doc.add_paragraph(one_line(m.title), style="Title")
    doc.add_paragraph(one_line(m.subtitle), style="Subtitle")
    for key, value in (("reader", m.reader_name), ("date", m.created_text),
                       ("as_of", m.as_of_text), ("version", m.version),
                       ("language", label(m, "language_name"))):
        p = doc.add_paragraph(style="Cover Meta")
        p.add_run(label(m, key)).style = "Cover Label"
        p.add_run("\t" + one_line(value))
    contents_list(doc, meta, contents_entries)
    p = doc.add_paragraph(one_line(m.classification), style="Classification")
    p.add_run().add_break(WD_BREAK.PAGE)
    return p


def contents_list(doc, meta: Meta, entries: list) -> None:
    """A TOC field whose last result is already written: the sections' headings, each a
    link to its bookmark. Word and LibreOffice show it as it is on opening; updating the
    field in Word adds the page numbers."""
    if not entries:
        return
    doc.add_paragraph(label(meta, "contents"), style="TOC Heading")
    for i, (name, text) in enumerate(entries):
        p = doc.add_paragraph(style="toc 1")
        if i == 0:
            ooxml.field_begin(p._p, TOC_FIELD)
        link = ooxml.hyperlink(p._p, anchor=name)
        link.append(p.add_run(text)._r)
        if i == len(entries) - 1:
            ooxml.field_end(p._p)


def header_and_footer(doc, meta: Meta) -> None:
    section = doc.sections[0]
    section.different_first_page_header_footer = True   # the cover stays clean
    for part in (section.first_page_header, section.first_page_footer):
        part.is_linked_to_previous = False
        ooxml.clear_body(part._element)
        part.add_paragraph(style="Normal")
    header = section.header
    header.is_linked_to_previous = False
    ooxml.clear_body(header._element)
    p = header.add_paragraph(one_line(meta.title), style="Header")
    p.add_run("\t" + one_line(meta.classification)).font.all_caps = True  # as the PDF
    footer = section.footer
    footer.is_linked_to_previous = False
    ooxml.clear_body(footer._element)
    p = footer.add_paragraph(style="Footer")
    # "Página {page} de {pages}": the text around the placeholders stays as written
    for piece in re.split(r"(\{page\}|\{pages\})", label(meta, "page_of")):
        if piece == "{page}":
            ooxml.field(p._p, "PAGE")
        elif piece == "{pages}":
            ooxml.field(p._p, "NUMPAGES")
        elif piece:
            p.add_run(piece)
