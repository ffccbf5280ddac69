"""What frames the text: the cover, its contents list, and the running header and footer.

- The cover is page 1, with the PDF's details in the PDF's order, and carries no running
  header or footer; every later page has the title and classification on top and
  "Page N of M" (Word fields) at the bottom.
- The cover's contents list is written out, as a TOC field's result would be: per section
  its heading, linked to a bookmark on it, and a page reference to that bookmark, a field
  marked stale. LibreOffice computes those pages as it lays the document out, and Word
  updates stale fields on opening; inside a TOC field LibreOffice would instead show the
  result as written, without pages, until the reader updated the index.
"""

from __future__ import annotations

import re

from docx.enum.text import WD_BREAK
from docx.text.paragraph import Paragraph

from briefings.document import Meta
from briefings.errors import BriefingError
from briefings.writers.docx import ooxml
from briefings.writers.docx.segments import one_line

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
    changes(doc, meta)
    contents_list(doc, meta, contents_entries)
    p = doc.add_paragraph(one_line(m.classification), style="Classification")
    p.add_run().add_break(WD_BREAK.PAGE)
    return p


def changes(doc, meta: Meta) -> None:
    """From the second version on, as the PDF's: a title, the version replaced, the note."""
    if not meta.changes:
        return
    doc.add_paragraph(label(meta, "changes"), style="Cover Changes Title")
    replaces = label(meta, "replaces").replace("{version}", meta.replaces_version or "")
    p = doc.add_paragraph(style="Cover Changes")
    p.add_run(replaces.replace("{date}", meta.replaces_date_text or "")).style = "Cover Label"
    doc.add_paragraph(one_line(meta.changes), style="Cover Changes")


def contents_list(doc, meta: Meta, entries: list) -> None:
    """Per section its heading, a link to its bookmark, then a tab (the dotted leader of
    style "toc 1") and the page the bookmark falls on (a PAGEREF field)."""
    if not entries:
        return
    doc.add_paragraph(label(meta, "contents"), style="TOC Heading")
    for name, text in entries:
        p = doc.add_paragraph(style="toc 1")
        link = ooxml.hyperlink(p._p, anchor=name)
        link.append(p.add_run(text)._r)
        p.add_run("\t")
        ooxml.field(p._p, f"PAGEREF {name} \\h", placeholder="", dirty=True)


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
