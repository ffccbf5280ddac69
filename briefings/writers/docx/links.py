"""Bookmarks for the writer's internal links: one for each id a link points to (and only
those), and one on each section's heading for the contents list."""

from __future__ import annotations

import re

from briefings.errors import BriefingError
from briefings.writers.docx.segments import one_line

# The ids compose gives the entries of the sources list, which citations link to
SOURCE_ENTRY = "src-"


def is_footnote_link(a) -> bool:
    return bool({"footnote-ref", "footnote-backref"} & set(a.classes))


def anchor_names(body) -> dict[str, str]:
    """Bookmark names for the ids that internal links in ``body`` point to (and only
    those). A link to an id no element has is an error naming its section."""
    ids = {el.get("id") for el in body.iter() if el.get("id")}
    anchors: dict[str, str] = {}
    for a in body.iter("a"):
        href = a.get("href", "")
        if not href.startswith("#") or is_footnote_link(a):
            continue
        target = href[1:]
        if target not in ids:
            section = next(a.iterancestors("section"), None)
            name = section.get("data-section") if section is not None else None
            raise BriefingError(f"link to '#{target}', but no element has that id",
                                section.get("data-template") if section is not None else None,
                                key=f"section '{name}'" if name else None)
        if target not in anchors:
            # Word: bookmark names ≤ 40 characters, letters/digits/_; "_" hides them
            name = base = "_" + re.sub(r"\W", "_", target, flags=re.ASCII)[:32]
            while name in anchors.values():
                name = f"{base}_{len(anchors)}"
            anchors[target] = name
    return anchors


def contents_entries(body, anchors: dict[str, str]) -> dict:
    """Each section's heading → (bookmark name, text): the contents list links to them."""
    entries = {}
    for section in body.iterchildren("section"):
        heading = section.find("h1")
        if heading is None:
            continue
        name = f"_Toc{len(entries) + 1}"
        while name in anchors.values():
            name += "_"
        entries[heading] = (name, one_line(heading.text_content()))
    return entries
