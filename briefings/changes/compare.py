"""What changed between two texts of one document (``writers.text``): section by section,
block by block (``writers.text.block_pairs``), sentence by sentence, and the values of the
facts it prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from briefings.changes.sentences import sentences
from briefings.writers.text import block_pairs

SAME, REMOVED, ADDED = "same", "removed", "added"


@dataclass(frozen=True)
class Sentence:
    change: str          # SAME, REMOVED or ADDED
    text: str


@dataclass(frozen=True)
class Block:
    change: str          # REMOVED, ADDED, or "changed"
    kind: str            # heading, paragraph, item, row, caption, note
    old: str
    new: str
    sentences: tuple[Sentence, ...]     # all of them, each SAME, REMOVED or ADDED


@dataclass(frozen=True)
class Section:
    id: str
    title: str           # the new title, or the old one for a section removed
    change: str          # "changed", REMOVED or ADDED
    old_title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Value:
    name: str            # a value's name, or "as_of", "status"
    old: Any
    new: Any


@dataclass(frozen=True)
class Fact:
    id: str
    change: str          # "changed", REMOVED (no longer printed) or ADDED
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Changes:
    old: dict[str, Any]      # the two texts' data other than sections and facts
    new: dict[str, Any]
    sections: tuple[Section, ...] = field(default=())
    facts: tuple[Fact, ...] = field(default=())

    @property
    def none(self) -> bool:
        return not self.sections and not self.facts


def _sentence_changes(old: str, new: str, lang: str) -> tuple[Sentence, ...]:
    before, after = sentences(old, lang), sentences(new, lang)
    found = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            found += [Sentence(SAME, s) for s in before[i1:i2]]
            continue
        found += [Sentence(REMOVED, s) for s in before[i1:i2]]
        found += [Sentence(ADDED, s) for s in after[j1:j2]]
    return tuple(found)


def _blocks(old: list[dict], new: list[dict], lang: str) -> tuple[Block, ...]:
    found = []
    for i, j, _ in block_pairs(old, new):
        before = None if i is None else old[i]
        after = None if j is None else new[j]
        if before and after:
            found.append(Block("changed", after["kind"], before["text"], after["text"],
                               _sentence_changes(before["text"], after["text"], lang)))
        elif before:
            found.append(Block(REMOVED, before["kind"], before["text"], "", tuple(
                Sentence(REMOVED, s) for s in sentences(before["text"], lang))))
        else:
            found.append(Block(ADDED, after["kind"], "", after["text"], tuple(
                Sentence(ADDED, s) for s in sentences(after["text"], lang))))
    return tuple(found)


def _sections(old: list[dict], new: list[dict], lang: str) -> tuple[Section, ...]:
    before = {s["id"]: s for s in old}
    found = []
    for section in new:
        was = before.get(section["id"])
        if was is None:
            found.append(Section(section["id"], section["title"], ADDED, "",
                                 _blocks([], section["blocks"], lang)))
            continue
        blocks = _blocks(was["blocks"], section["blocks"], lang)
        if blocks or was["title"] != section["title"]:
            found.append(Section(section["id"], section["title"], "changed", was["title"],
                                 blocks))
    now = {s["id"] for s in new}
    found += [Section(s["id"], s["title"], REMOVED, s["title"], _blocks(s["blocks"], [], lang))
              for s in old if s["id"] not in now]
    return tuple(found)


def _facts(old: dict[str, dict], new: dict[str, dict]) -> tuple[Fact, ...]:
    found = []
    for fact_id in sorted(old.keys() | new.keys()):
        before, after = old.get(fact_id), new.get(fact_id)
        if before is None or after is None:
            found.append(Fact(fact_id, ADDED if before is None else REMOVED, ()))
            continue
        values = before["values"].keys() | after["values"].keys()
        changed = [Value(name, before["values"].get(name), after["values"].get(name))
                   for name in sorted(values)
                   if before["values"].get(name) != after["values"].get(name)]
        # Not its text: the sentences that print it say that.
        changed += [Value(name, before[name], after[name]) for name in ("as_of", "status")
                    if before.get(name) != after.get(name)]
        if changed:
            found.append(Fact(fact_id, "changed", tuple(changed)))
    return tuple(found)


def compare(old: dict[str, Any], new: dict[str, Any]) -> Changes:
    """What changed from ``old`` to ``new``, two texts of the same document."""
    return Changes(_about(old), _about(new),
                   _sections(old["sections"], new["sections"], new["lang"]),
                   _facts(old["facts"], new["facts"]))


def _about(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in ("sections", "facts")}
