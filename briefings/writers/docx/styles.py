"""The Word styles the writer names, all of which the reference document must have, and
how it looks them up."""

from __future__ import annotations

from dataclasses import dataclass

from docx.shared import Emu, Pt

# Every style the writer names; all must exist in the reference document (checked first).
PARAGRAPH_STYLES = (
    "Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Body Text",
    "List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2",
    "List Number 3", "List Continue", "List Continue 2", "List Continue 3", "Quote",
    "Footnote Text", "Header", "Footer", "Cover Kind", "Cover Meta", "Cover Changes Title",
    "Cover Changes", "Classification",
    "Table Text", "Table Heading", "Box Title", "Box Text", "Horizontal Rule", "Spacer",
    "Caption", "TOC Heading", "toc 1", "Bibliography",
)
CHARACTER_STYLES = ("Footnote Reference", "Hyperlink", "Cover Label", "Verbatim Char",
                    "Strong")
TABLE_STYLES = ("Brief Table", "Box")
STYLES = PARAGRAPH_STYLES + CHARACTER_STYLES + TABLE_STYLES


def missing_styles(document) -> list[str]:
    """Styles the writer uses that ``document`` (a python-docx Document) lacks."""
    names = {style.name for style in document.styles}
    return [name for name in STYLES if name not in names]


# Style ids by name, per reference document (its bytes): kept for every DOCX a process
# writes from the same reference.
_KNOWN: dict[bytes, dict] = {}


def remember_style_ids(part, reference: bytes) -> None:
    """python-docx finds a style's id by scanning every style, each time a style is named
    (over two thirds of a brief's DOCX time); the styles do not change while writing, so
    each name is looked up once for every document made from the same ``reference``."""
    lookup = part.get_style_id
    if len(_KNOWN) > 8 and reference not in _KNOWN:
        _KNOWN.clear()
    known = _KNOWN.setdefault(reference, {})

    def get_style_id(style, style_type):
        if not isinstance(style, str):
            return lookup(style, style_type)
        if (style, style_type) not in known:
            known[style, style_type] = lookup(style, style_type)
        return known[style, style_type]

    part.get_style_id = get_style_id


@dataclass(frozen=True)
class StyleFont:
    name: str | None
    size: Emu


def style_font(document, name: str) -> StyleFont:
    """The font (name and size) of paragraph style ``name``, as it inherits them."""
    style, font_name, size = document.styles[name], None, None
    while style is not None and not (font_name and size):
        font_name, size = font_name or style.font.name, size or style.font.size
        style = style.base_style
    return StyleFont(font_name, size or Pt(10.5))
