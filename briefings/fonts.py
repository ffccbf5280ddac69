"""The theme's font files, through HarfBuzz: cut down to the glyphs a document shows, for
the DOCX (embedded faces) and the HTML page (data: URLs), in about 2 ms a face (fontTools
took 0.6 s); and the width of a text set in one of them, for the figures."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import uharfbuzz

from briefings import projectfiles
from briefings.errors import BriefingError


def subset(path: Path, chars: Iterable[str], hinting: bool = True) -> bytes:
    """The font at ``path`` with only the glyphs for ``chars`` (and those its layout rules
    reach); without its hints when ``hinting`` is false."""
    face = uharfbuzz.Face(projectfiles.read_bytes(path))
    if not face.glyph_count:
        raise BriefingError(f"{path.name} is not a TrueType or OpenType font", path)
    plan = uharfbuzz.SubsetInput()
    plan.unicode_set.update(ord(c) for c in chars)
    if not hinting:
        plan.flags |= uharfbuzz.SubsetFlags.NO_HINTING
    try:
        return bytes(uharfbuzz.subset(face, plan).blob.data)
    except RuntimeError:
        raise BriefingError("HarfBuzz cannot subset this font", path) from None


def width(path: Path, text: str) -> float:
    """``text`` on one line in the font at ``path``, shaped as it is printed (kerning,
    ligatures), in ems."""
    if not text:
        return 0.0
    font = _shaper(path, path.stat().st_mtime)
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(font, buffer)
    return sum(glyph.x_advance for glyph in buffer.glyph_positions) / font.face.upem


@lru_cache(maxsize=32)
def _shaper(path: Path, mtime: float) -> uharfbuzz.Font:
    face = uharfbuzz.Face(projectfiles.read_bytes(path))
    if not face.glyph_count:
        raise BriefingError(f"{path.name} is not a TrueType or OpenType font", path)
    return uharfbuzz.Font(face)
