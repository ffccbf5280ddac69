"""What changed, for the terminal: a heading per section, then each block that changed with
its sentences removed (``-``) and added (``+``), and the facts whose values changed. Red and
green only when printed to a terminal."""

from __future__ import annotations

from briefings.changes.compare import ADDED, REMOVED, SAME, Changes

_COLOURS = {REMOVED: "\033[31m", ADDED: "\033[32m", "heading": "\033[1m"}
_RESET = "\033[0m"
_MARKS = {REMOVED: "-", ADDED: "+"}


def value_text(value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    return str(value)


def versions_line(changes: Changes) -> str:
    old, new = changes.old, changes.new
    return (f"{new['brief']} for {new['reader']} ({new['lang']}): version {old['version']} "
            f"of {old['date']} → version {new['version']} of {new['date']}")


def show(changes: Changes, colour: bool) -> str:
    def paint(kind: str, text: str) -> str:
        return f"{_COLOURS[kind]}{text}{_RESET}" if colour else text

    lines = [paint("heading", versions_line(changes))]
    if changes.none:
        return "\n".join([*lines, "no change in the text or in the facts it prints"])
    for section in changes.sections:
        lines += ["", paint("heading", section.title)
                  + (f" (section {section.change})" if section.change != "changed" else "")]
        if section.old_title != section.title and section.change == "changed":
            lines += [paint(REMOVED, f"  - {section.old_title}"),
                      paint(ADDED, f"  + {section.title}")]
        for block in section.blocks:
            lines.append(f"  {block.kind} {block.change}:")
            lines += [paint(s.change, f"    {_MARKS[s.change]} {s.text}")
                      for s in block.sentences if s.change != SAME]
    if changes.facts:
        lines += ["", paint("heading", "Facts")]
        for fact in changes.facts:
            if fact.change != "changed":
                now = "now printed" if fact.change == ADDED else "no longer printed"
                lines.append(paint(fact.change, f"  {_MARKS[fact.change]} {fact.id} ({now})"))
                continue
            lines.append(f"  {fact.id}")
            for value in fact.values:
                lines.append(f"    {value.name}: " + paint(REMOVED, value_text(value.old))
                             + " → " + paint(ADDED, value_text(value.new)))
    return "\n".join(lines)
