"""Footnotes: a note cited in the text becomes a Word footnote there, its body written
into the footnotes part by the same block and inline visitors as the text."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.text.paragraph import Paragraph

from briefings.writers.docx import ooxml
from briefings.writers.docx.places import Context


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


class FootnoteWriter:
    """The DocxWriter's footnotes (a mixin: the writer holds the state)."""

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
