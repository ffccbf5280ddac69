"""The theme's font files, through HarfBuzz: cut down to the glyphs a document shows, for
the DOCX (embedded faces) and the HTML page (data: URLs), in about 2 ms a face (fontTools
took 0.6 s); the width of a text set in one of them, for the figures; and what a face says
of itself (its names, its characters, its classification), read without importing fontTools,
which alone took longer to import than a short DOCX takes to write."""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
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


def open_face(path: Path) -> uharfbuzz.Face | None:
    """The font at ``path``, or None when the file is not one HarfBuzz can read."""
    found = uharfbuzz.Face(projectfiles.read_bytes(path))
    return found if found.glyph_count else None


def characters(found: uharfbuzz.Face) -> set[int]:
    """The code points the face maps to a glyph (its best Unicode character map)."""
    return set(found.unicodes)


def names(found: uharfbuzz.Face) -> tuple[str | None, str | None]:
    """The face's family and subfamily, as Word knows them (name IDs 1 and 2, in English)."""
    return found.get_name(1), found.get_name(2)


@dataclass(frozen=True)
class Classification:
    """What the face's OS/2 table says an application choosing a substitute goes by."""
    panose: bytes                           # the 10 PANOSE digits
    unicode_ranges: tuple[int, int, int, int]
    code_pages: tuple[int, int]             # none in a version 0 table


def classification(path: Path) -> Classification:
    """The OS/2 table of the font at ``path``, at the offsets the OpenType specification
    gives its fields."""
    table = uharfbuzz.Face(projectfiles.read_bytes(path)).reference_table("OS/2").data
    if len(table) < 78:
        raise BriefingError("this font has no OS/2 table, which says what kind of typeface "
                            "it is: replace it with the original", path)
    version = struct.unpack_from(">H", table)[0]
    return Classification(table[32:42], struct.unpack_from(">4L", table, 42),
                          struct.unpack_from(">2L", table, 78) if version and len(table) >= 86
                          else (0, 0))
