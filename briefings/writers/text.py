"""The document as text, for comparing two versions of it: what each section says, block by
block, and the values of the facts it prints. Plain JSON, kept beside the built files and in
the record of sends (what each recipient received), and read back only as data.

A block is what a reader sees as one piece: a heading, a paragraph, a list item, a table row
(its cells, joined by " | "), a figure's caption, a note. Its text is as printed, citation
calls included; a note's call is left out (notes are numbered by where they fall, and a note
is a block of its own)."""

from __future__ import annotations

import datetime as dt
import json
from difflib import SequenceMatcher
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lxml import html

from briefings.document import Document
from briefings.errors import BriefingError

FORMAT = 1   # the layout of the JSON below; a reader of another one refuses it
CELL = " | "
_LEAVES = {"h1": "heading", "h2": "heading", "h3": "heading", "p": "paragraph",
           "li": "item", "tr": "row", "figcaption": "caption"}
_NESTED = {"p", "ul", "ol", "table", "div", "blockquote", "figure"}


def _text(el: html.HtmlElement) -> str:
    """The words of ``el`` as printed, on one line, without the blocks inside it, note
    calls, back-links and soft hyphens."""
    parts: list[str] = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in _NESTED and not _skipped(child):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).replace("\u00ad", "").split())


def _skipped(el: html.HtmlElement) -> bool:
    return el.get("class") in ("footnote-backref", "footnote-ref") or (
        el.tag == "sup" and el.find("a[@class='footnote-ref']") is not None)


def _blocks(el: html.HtmlElement, kind: str | None = None) -> list[dict[str, Any]]:
    """The blocks inside ``el``, in reading order; inside a note's list, items are notes."""
    found = []
    for child in el:
        if not isinstance(child.tag, str):
            continue
        classes = (child.get("class") or "").split()
        if child.tag == "div" and "footnote" in classes:
            found += _blocks(child, "note")
        elif child.tag == "tr":
            cells = [_text(cell) for cell in child if cell.tag in ("td", "th")]
            found.append({"kind": "row", "text": CELL.join(cells), "cells": cells})
        elif child.tag in _LEAVES:
            text = _text(child)
            if child.tag == "li" and kind == "note":
                text = " ".join(_text(p) for p in child.iter("p")) or text
                found.append({"kind": "note", "text": text})
                continue
            if text:
                found.append({"kind": _LEAVES[child.tag], "text": text})
            found += _blocks(child, kind)
        else:
            found += _blocks(child, kind)
    return found


def _plain(value: Any, lang: str) -> Any:
    """A fact's value as JSON data; a value written per language, in ``lang``."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(getattr(value, "root", None), Mapping):   # schema.Texts
        return value.root.get(lang, "")
    if isinstance(value, Mapping):
        return {str(k): _plain(v, lang) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, lang) for v in value]
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def snapshot(document: Document, facts: Mapping[str, Any]) -> dict[str, Any]:
    """What ``document`` says, as plain data; ``facts`` holds the fact base's facts by id
    (each with ``text``, ``values``, ``as_of``, ``status``)."""
    meta = document.meta
    sections = []
    for section in document.body.iterchildren("section"):
        blocks = _blocks(section)
        title = blocks.pop(0)["text"] if blocks and blocks[0]["kind"] == "heading" else ""
        sections.append({"id": section.get("data-section") or section.get("id"),
                         "title": title, "blocks": blocks})
    printed = {}
    for fact_id in sorted(set(document.facts_used)):
        fact = facts[fact_id]
        printed[fact_id] = {"text": fact.text.root.get(meta.lang, ""),
                            "values": _plain(fact.values, meta.lang),
                            "as_of": fact.as_of.isoformat(),
                            "status": fact.status}
    return {"format": FORMAT, "brief": meta.brief, "reader": meta.reader, "lang": meta.lang,
            "language_tag": meta.language_tag, "title": meta.title, "version": meta.version,
            "date": meta.created.isoformat(), "date_text": meta.created_text,
            "sections": sections, "facts": printed}


def encode(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def decode(data: bytes, path: Path) -> dict[str, Any]:
    """A document's text as the build or the record of sends keeps it (``path``), checked
    to be one."""
    try:
        text = json.loads(data)
    except ValueError:
        raise BriefingError("is not a document's text (JSON) as briefings writes it", path) \
            from None
    if not isinstance(text, dict) or text.get("format") != FORMAT or not isinstance(
            text.get("sections"), list) or not isinstance(text.get("facts"), dict):
        raise BriefingError("is not a document's text in the form this briefings reads "
                            f"(format {FORMAT}): build it again", path)
    return text


# A changed block is taken for the same block rewritten when this much of it stays.
_SIMILAR = 0.4


def block_pairs(old: list[dict], new: list[dict]):
    """Blocks are matched by their text in order (difflib, as ``diff`` does lines); a block
    whose text changed is one removed and one added in the same place, paired when enough
    of it stays. ``(i, j, place)`` for every block that differs, in reading order: ``old[i]``
    rewritten into ``new[j]``, or ``(i, None)`` removed, or ``(None, j)`` added; ``place``
    is how many of the new blocks come before it."""
    matcher = SequenceMatcher(None, [b["text"] for b in old], [b["text"] for b in new],
                              autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        gone, came = list(range(i1, i2)), list(range(j1, j2))
        while gone or came:
            place = came[0] if came else j2
            if gone and came and SequenceMatcher(None, old[gone[0]]["text"],
                                                 new[came[0]]["text"],
                                                 autojunk=False).ratio() >= _SIMILAR:
                yield gone.pop(0), came.pop(0), place
            elif gone and (not came or len(gone) >= len(came)):
                yield gone.pop(0), None, place
            else:
                yield None, came.pop(0), place
