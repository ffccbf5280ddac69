"""A block's text as sentences, in its language: Wikimedia's segmenter (``sentencex``), which
knows each language's abbreviations ("Sr.", "EE. UU.", "Mr.") and falls back along a chain of
related languages for one it has no rules for."""

from __future__ import annotations

import re

import sentencex

# A citation call placed after the period ("… 17. [1, 2] Works …") belongs to the sentence
# before it, not to the next one.
_LEADING_CALL = re.compile(r"^(\[[^\]]*\])\s*")


def sentences(text: str, lang: str) -> list[str]:
    """The sentences of ``text``, each stripped, in order."""
    found: list[str] = []
    for sentence in sentencex.segment(lang.split("_")[0], text):
        sentence = sentence.strip()
        call = _LEADING_CALL.match(sentence)
        if call and found:
            found[-1] += " " + call.group(1)
            sentence = sentence[call.end():]
        if sentence:
            found.append(sentence)
    return found
