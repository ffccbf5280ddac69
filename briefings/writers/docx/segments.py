"""Running text as segments, before it becomes Word runs: text with its formatting, line
breaks, note calls, bookmarks and fields. White space is collapsed across segments as a
browser would (runs of ASCII white space → one space, trimmed at block edges and around
line breaks; no-break spaces are kept), so the DOCX shows the spaces the PDF shows."""

from __future__ import annotations

import re
from dataclasses import dataclass

WHITESPACE = re.compile(r"[ \t\n\r\f]+")   # what HTML collapses; U+00A0 is not in it
# Characters XML 1.0 forbids (python-docx raises on them): dropped, not fatal.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


def one_line(text: str) -> str:
    """Furniture text (title, labels): cleaned, white space collapsed."""
    return WHITESPACE.sub(" ", clean(text)).strip()


@dataclass(frozen=True)
class Format:
    bold: bool = False
    italic: bool = False
    code: bool = False
    # ("url", href), ("anchor", bookmark name) or ("citation", a source entry's bookmark)
    link: tuple[str, str] | None = None


@dataclass
class Text:
    text: str
    fmt: Format


@dataclass(frozen=True)
class Break:
    pass


@dataclass(frozen=True)
class NoteRef:
    key: str                                # the footnote's li id, e.g. "fn:2-places"


@dataclass(frozen=True)
class Anchor:
    name: str                               # bookmark on an inline element with a linked id


@dataclass(frozen=True)
class Field:
    instruction: str                        # e.g. "SEQ Figure \\* ARABIC"
    result: str                             # what it shows until Word updates it


def normalize(segments: list) -> list:
    """Collapse white space across segments as a browser does; drop what becomes empty."""
    out: list = []
    after_space = True                      # at a block's start, leading space goes
    for seg in segments:
        if isinstance(seg, Text):
            text = WHITESPACE.sub(" ", clean(seg.text))
            if after_space and text.startswith(" "):
                text = text[1:]
            if text:
                out.append(Text(text, seg.fmt))
                after_space = text.endswith(" ")
            continue
        if isinstance(seg, Break):
            _trim_end(out)
            after_space = True
        elif isinstance(seg, (NoteRef, Field)):
            after_space = False
        out.append(seg)
    _trim_end(out)
    return out


def _trim_end(out: list) -> None:
    """Trailing white space before a line break or a block's end is not shown."""
    for i in range(len(out) - 1, -1, -1):
        seg = out[i]
        if isinstance(seg, Anchor):
            continue
        if isinstance(seg, Text):
            seg.text = seg.text.rstrip(" ")
            if not seg.text:
                del out[i]
                continue
        return
