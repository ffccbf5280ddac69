"""One number per source per brief: ``[n]`` names the same source in every reader's and every
language's version of a brief.

The rule: the register's order (``facts/sources.yaml``), restricted to the sources some
version of the brief cites. Not the order of first use in the fullest version, because
that order moves whenever a sentence, a section or the fullest reader changes, so every
version would be renumbered by an edit to one of them, and a reader's own section citing a
source the fullest version does not would have no place in it. The register's order
changes only when the brief starts or stops citing a source, and an analyst who wants
another order reorders the register.

A version that cites fewer sources keeps the brief's numbers, gaps included ([1], [3]): its
sources list prints them too, so that a reader comparing two versions, or quoting "[3]" to
a colleague holding another, means the same document."""

from __future__ import annotations

from collections.abc import Iterable

from briefings.document import Document

# Where a citation's link points, in a composed tree: the entry of the sources list.
ANCHOR = "#src-"


def cited(document: Document) -> set[str]:
    """The ids of the sources a document's citations link to."""
    return {href.removeprefix(ANCHOR) for href in document.body.xpath(
        f".//a[starts-with(@href, '{ANCHOR}')]/@href")}


def brief_numbers(register: Iterable[str], cited_by: Iterable[set[str]]) -> dict[str, int]:
    """Each source some version cites (``cited_by``: each version's), numbered in the
    register's order."""
    used = set().union(*cited_by)
    return {source_id: n for n, source_id in
            enumerate((s for s in register if s in used), 1)}
