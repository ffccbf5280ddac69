"""Where the writer's blocks go: the document's body or a table cell (a footnote's body is
in ``footnotes``), each adding paragraphs and tables as Word requires there; and the
context a block is written in."""

from __future__ import annotations

from dataclasses import dataclass

from docx.text.paragraph import Paragraph

from briefings.writers.docx import ooxml


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


@dataclass(frozen=True)
class Context:
    blocks: object              # BodyBlocks, CellBlocks or footnotes.NoteBlocks
    text_style: str             # the style a <p> gets here
    part: object                # the package part holding this text's hyperlink targets
    depth: int = 0              # list nesting
