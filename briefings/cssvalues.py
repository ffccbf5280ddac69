"""Text written into CSS, escaped where it is written: a value from a label or style.yaml
is a CSS string and nothing more, and no stylesheet can close the <style> element that
holds it."""

from __future__ import annotations

import re

# In a CSS string: the quote, the backslash, line breaks and other controls, and "<" (so
# that "</style>" cannot appear), each as a hexadecimal escape; the trailing space ends it.
_STRING_ESCAPED = re.compile(r'["\\<>&\x00-\x1f\x7f]')


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string."""
    return '"' + _STRING_ESCAPED.sub(lambda m: f"\\{ord(m[0]):x} ", text) + '"'


def style_text(css: str) -> str:
    """A stylesheet as the text of a <style> element: every "<" escaped as CSS reads it
    (in a string or a name it is the same character; elsewhere it has no meaning in CSS),
    so the element ends only where the writer ends it."""
    return css.replace("<", "\\3c ")
