"""Tables as Word tables: rows never break across pages and header rows repeat, as in the
PDF; columns get the widths the PDF's automatic table layout gives them, measured with the
theme's fonts."""

from __future__ import annotations

import dataclasses

from docx.enum.text import WD_ALIGN_PARAGRAPH
from lxml import html

from briefings.writers.docx import embedded_fonts, ooxml
from briefings.writers.docx.places import CellBlocks, Context
from briefings.writers.docx.segments import WHITESPACE
from briefings.writers.docx.styles import style_font

# A table cell's padding, left and right, in ems of its text: the PDF's 2 mm at 9.5 pt
CELL_PADDING = 1.2
_ALIGNMENTS = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT,
               "center": WD_ALIGN_PARAGRAPH.CENTER}


class TableVisitor:
    """The DocxWriter's tables (a mixin: the writer holds the state)."""

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
        font = style_font(self.doc, "Table Text")
        measure = embedded_fonts.text_measure(self.folders, font.name,
                                              style_font(self.doc, "Table Heading").name)
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
                align = _ALIGNMENTS.get(td.get("align"))
                for paragraph in cell.paragraphs:
                    paragraph.alignment = align


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
            text = WHITESPACE.sub(" ", cell.text_content()).strip()
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
