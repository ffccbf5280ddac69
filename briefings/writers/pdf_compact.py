"""The PDF as WeasyPrint draws and tags it, written in fewer bytes (a finisher, run last):
the same page images, the same text, the same tags for a screen reader.

- Glyph runs: WeasyPrint writes a kern that rounds to nothing between two glyphs
  (``<0009>0<0019>``), an empty string before a move, and a move with all a float holds
  (``-33.285714285714285`` thousandths of an em, where six decimals are what it writes of
  every other number). The runs are written joined and to six decimals.
- Tags: WeasyPrint wraps every piece of text in a ``/Span`` (or, outside an inline element,
  a ``/NonStruct``) of its own, with no attribute: an element that, by the PDF standard, has
  no meaning of its own. Its marked content is given to its parent directly, as word
  processors write it, and the element is left out: a third of a brief's objects.
- Streams are compressed once, here: pydyf compresses a stream each time it writes it out,
  and it writes every object twice in a file with an identifier (once to hash them). The
  bytes are those pydyf writes."""

from __future__ import annotations

import re
import zlib

import pydyf

from briefings.writers.engine import Stream

# A glyph run: hex strings (<0009>) and the moves between them, in thousandths of an em
_GLYPH_RUN = re.compile(rb"\[[^\]]*\] TJ")
_LONG_DECIMAL = re.compile(rb"-?\d+\.\d{7,}")
# Elements of no meaning of their own: a piece of text, wrapped as nothing else is
_WRAPPERS = ("/Span", "/NonStruct")
_BARE = {"Type", "S", "K", "Pg", "P"}
_REFERENCE = re.compile(rb"\d+ 0 R")


def compact(pdf: pydyf.PDF) -> None:
    compact_glyph_runs(pdf)
    unwrap_text(pdf)
    compress_once(pdf)


def compress_once(pdf: pydyf.PDF) -> None:
    """Each stream to compress, compressed as pydyf does (``Stream.data``), and marked
    as written so: its filter after its other keys, before its length."""
    for stream in pdf.objects:
        if isinstance(stream, pydyf.Stream) and stream.compress:
            data = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
            compressor = zlib.compressobj(level=9)
            stream.stream = [compressor.compress(data) + compressor.flush()]
            stream.extra["Filter"] = "/FlateDecode"
            stream.compress = False


def compact_glyph_runs(pdf: pydyf.PDF) -> None:
    """Each content stream's glyph runs without moves of nothing, their moves to six
    decimals. A stream holding a literal string, which could hold a bracket, is left."""
    for stream in pdf.objects:
        if isinstance(stream, Stream):  # a page's or a drawing's, not a font or image
            data = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
            if b"(" not in data:
                stream.stream = [_GLYPH_RUN.sub(_glyph_run, data)]


def _glyph_run(run: re.Match) -> bytes:
    joined = run[0].replace(b">0<", b"").replace(b">0]", b">]").replace(b"<>", b" ")
    return _LONG_DECIMAL.sub(_six_decimals, joined)


def _six_decimals(number: re.Match) -> bytes:
    return (b"%.6f" % float(number[0])).rstrip(b"0").rstrip(b".")


def unwrap_text(pdf: pydyf.PDF) -> None:
    """Give the marked content of each bare wrapper to its parent on the same page, in its
    place among the parent's kids and in the page's map from content to element (the
    parent tree), then write the PDF without the wrappers. Kids come after their parent,
    so a wrapper of wrappers is bare once its own are given away."""
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    nums = _object(pdf, root["ParentTree"])["Nums"]
    page_maps = dict(zip(pdf.page_references, nums[1::2]))  # pages come first
    gone = set()
    for wrapper in reversed(pdf.objects):
        if not (isinstance(wrapper, pydyf.Dictionary) and wrapper.get("S") in _WRAPPERS
                and wrapper.keys() == _BARE
                and all(isinstance(kid, int) for kid in wrapper["K"])):
            continue
        parent = _object(pdf, wrapper["P"])
        kids = parent.get("K", ())
        if parent.get("Pg") != wrapper["Pg"] or wrapper.reference not in kids:
            continue
        at = kids.index(wrapper.reference)
        kids[at:at + 1] = wrapper["K"]
        for mcid in wrapper["K"]:
            page_maps[wrapper["Pg"]][mcid] = parent.reference
        gone.add(wrapper.number)
    _leave_out(pdf, gone)


def _object(pdf: pydyf.PDF, reference: bytes) -> pydyf.Object:
    return pdf.objects[int(reference.split()[0])]


def _leave_out(pdf: pydyf.PDF, gone: set[int]) -> None:
    """The PDF without the objects numbered ``gone`` (referred to by none left): the others
    are numbered anew, as pydyf numbers them (by their place) and writes a free object
    wrongly in an object stream's cross-reference."""
    kept = [obj for obj in pdf.objects if obj.number not in gone]
    numbers = {obj.number: new for new, obj in enumerate(kept)}

    def renumbered(value):
        if isinstance(value, bytes) and _REFERENCE.fullmatch(value):
            return b"%d 0 R" % numbers[int(value.split()[0])]
        if isinstance(value, dict):
            for key, item in value.items():
                value[key] = renumbered(item)
        elif isinstance(value, list):
            value[:] = map(renumbered, value)
        return value

    for obj in kept:
        renumbered(obj.extra if isinstance(obj, pydyf.Stream) else obj)
        obj.number = numbers[obj.number]
    renumbered(pdf.info)
    kids = pdf.pages["Kids"]  # the pages as number, 0, "R"
    kids[::3] = [numbers[number] for number in kids[::3]]
    pdf.objects[:] = kept

