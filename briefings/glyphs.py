"""Which characters a brief can print: none that is invisible, and none the shipped fonts
lack (it would come out of WeasyPrint and Word as an empty box, or a glyph from whatever font
the reader has). Facts and templates are held to the same rule."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from briefings.errors import BriefingError


# Characters that print nothing yet change the text: control characters (invalid in Word's
# XML), format characters (zero-width spaces and joiners, bidirectional overrides that make
# a sentence display in another order than it reads) and code points that are no character.
_INVISIBLE = {"Cc": "an invisible control character", "Cf": "an invisible formatting character",
              "Cs": "a code point that is not a character",
              "Cn": "a code point that is not a character"}


def invisible(text: str) -> str | None:
    """Why ``text`` holds a character that does not print as itself, or None."""
    bad = [ch for ch in set(text)
           if unicodedata.category(ch) in _INVISIBLE and ch not in "\t\n\r"]
    if bad:
        ch = min(bad, key=text.index)
        name = unicodedata.name(ch, "")
        return (f"contains {_INVISIBLE[unicodedata.category(ch)]} "
                f"(U+{ord(ch):04X}{' ' + name if name else ''}); retype the text around it")
    return None


def font_chars(fonts: Path) -> frozenset[int] | None:
    """The code points every font in ``fonts`` has (any face may set any text), or None
    when the folder holds no font."""
    files = sorted(p for p in fonts.glob("*") if p.suffix.lower() in (".ttf", ".otf"))
    if not files:
        return None
    return _chars(tuple((str(p), p.stat().st_mtime_ns) for p in files))


@lru_cache(maxsize=4)
def _chars(files: tuple[tuple[str, int], ...]) -> frozenset[int]:
    from briefings import fonts  # HarfBuzz, only where fonts are checked
    maps = []
    for path, _mtime in files:  # the times are part of the cache key only
        try:
            face = fonts.open_face(Path(path))
        except OSError:
            face = None
        if face is None:
            raise BriefingError("not a font file the brief can use (it cannot be read as "
                                "TrueType or OpenType): replace it with the original", path)
        maps.append(fonts.characters(face))
    return frozenset(set.intersection(*maps))


def unprintable(text: str, chars: frozenset[int]) -> str | None:
    """Why ``text`` cannot be printed with these fonts, or None. White space is left out:
    the brief writes every run of it as a plain space."""
    missing = [ch for ch in set(text) if ord(ch) not in chars and not ch.isspace()]
    if missing:
        ch = min(missing, key=text.index)
        name = unicodedata.name(ch, "").lower()
        return (f"'{ch}' (U+{ord(ch):04X}{' ' + name if name else ''}) is not in the "
                "brief's fonts and would print as an empty box: leave it out or say it "
                "in words")
    return None


def problem(text: str, chars: frozenset[int] | None) -> str | None:
    """Why ``text`` cannot be printed as written (``chars``: the fonts' characters, None when
    the project ships no font), or None."""
    return invisible(text) or (unprintable(text, chars) if chars is not None else None)
