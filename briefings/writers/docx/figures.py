"""Figures as Word pictures: a ``<figure>`` becomes its PNG (220 dpi at its printed size;
Word's SVG support is uneven), taken from the document's assets in memory, with the alt text as the picture's description, then a
"Caption" paragraph whose number is a ``SEQ Figure`` field, as Word's own Insert Caption
writes it."""

from __future__ import annotations

import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Emu, Pt

from briefings.writers.docx import ooxml
from briefings.writers.docx.footnotes import NoteBlocks
from briefings.writers.docx.places import CellBlocks, Context
from briefings.writers.docx.segments import one_line

# What Word takes of a figure (``Document.image``): a picture at its printed resolution.
IMAGE_TYPES = ("image/png",)


class FigureVisitor:
    """The DocxWriter's figures (a mixin: the writer holds the state)."""

    def visit_figure(self, el, ctx: Context) -> None:
        img, caption = el.find("img"), el.find("figcaption")
        if img is None or caption is None or len(el) != 2 or (el.text or "").strip():
            raise self.error("a <figure> must hold one <img> and one <figcaption>")
        if isinstance(ctx.blocks, NoteBlocks):
            raise self.error("figures inside footnotes are not supported in DOCX")
        alt = one_line(img.get("alt", ""))
        if not alt:
            raise self.error(f"figure '{el.get('data-figure')}' has no alt text")
        _kind, png = self.document.image(img.get("src", ""), IMAGE_TYPES)
        try:
            width = Emu(int(Pt(float(img.get("width")) * 0.75)))   # CSS px → points
        except (TypeError, ValueError):
            raise self.error("a figure's <img> needs its width in pixels") from None
        # inside a box the cell's padding leaves less room than the text column
        room = self.text_width - (Pt(24) if isinstance(ctx.blocks, CellBlocks) else 0)
        paragraph = self.paragraph(ctx, ctx.text_style)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True    # the caption stays with it
        shape = paragraph.add_run().add_picture(io.BytesIO(png), width=min(width, Emu(room)))
        ooxml.describe_picture(shape._inline, alt, label_of(caption))
        self.inline_paragraph(caption, ctx, "Caption")


def label_of(caption) -> str:
    """"Figure 3": the caption's label, to name the picture in Word's selection pane."""
    label = caption.find('span[@class="figure-label"]')
    return one_line(label.text_content()).rstrip(".") if label is not None else "Figure"
