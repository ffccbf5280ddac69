"""Who holds which version: per brief × reader × language, the version built (the manifest
says it) and, from the record of sends, what each recipient last received. ``briefings
status`` prints it, ``email --reissue`` sends to those holding an older version, and
``make brief`` names the briefs whose recipients now hold an outdated text."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from briefings.briefs import Brief, editions, load_brief
from briefings.columns import aligned
from briefings.history import numbered
from briefings.outputs import load_manifest
from briefings.project import Project
from briefings.sends import Send, deliveries

# What a recipient holds, against what is built now.
CURRENT, OLDER, EARLIER_BUILD, NONE = "current", "older", "earlier build", "none"


@dataclass(frozen=True)
class Built:
    version: str | None        # None: built before the manifest said versions
    files: dict[str, str]      # file name → sha256, each format built


@dataclass(frozen=True)
class Holding:
    """One recipient of a brief × reader × language, and what they last received."""
    brief: str
    reader: str
    lang: str
    to: str
    last: Send | None          # None: nothing received yet

    def state(self, built: Built | None) -> str:
        if self.last is None:
            return NONE
        if built is None:   # not built: nothing to compare with
            return CURRENT
        if all(built.files.get(name) == sha for name, sha in self.last.files):
            return CURRENT
        held, now = self.last.version, built.version
        if held is None or now is None or numbered(held) < numbered(now):
            return OLDER
        return EARLIER_BUILD   # the same number (or a later one), other files


def built_files(project: Project) -> dict[tuple[str, str, str], Built]:
    """By (brief, reader, language): the version built and its files, from the manifest."""
    found: dict[tuple[str, str, str], Built] = {}
    for entry in load_manifest(project.build).get("outputs", []):
        key = (entry["brief"], entry["reader"], entry["lang"])
        built = found.setdefault(key, Built(entry.get("version"), {}))
        built.files[entry["path"].rsplit("/", 1)[-1]] = entry["sha256"]
    return found


def holdings(project: Project, brief: Brief) -> list[Holding]:
    """Everyone on each reader's distribution list, in their language, then anyone else
    the record says received the brief (``--to``), each with what they last received."""
    last: dict[tuple[str, str, str], Send] = {}
    for send in deliveries(project):
        if send.brief == brief.id:
            last[send.reader, send.lang, send.to.lower()] = send
    found = []
    for edition in editions(project, brief):
        listed = [(r.lang, r.email.lower()) for r in edition.profile.distribution]
        others = [(lang, to) for reader, lang, to in last
                  if reader == edition.reader and (lang, to) not in listed]
        for lang, to in dict.fromkeys(listed + others):
            if lang in edition.languages:
                found.append(Holding(brief.id, edition.reader, lang, to,
                                     last.get((edition.reader, lang, to))))
    return found


def newer_notes(brief: Brief, held: str | None, sent: str, lang: str) -> list[dict]:
    """The change notes of the versions after ``held`` (after the first, when the version
    held was not recorded) up to ``sent``, newest first: what its recipient has not read."""
    after = numbered(held if held is not None else brief.history[-1].version)
    return [{"version": v.version, "date": v.date, "note": " ".join(v.changes[lang].split())}
            for v in brief.history
            if after < numbered(v.version) <= numbered(sent) and v.changes
            and lang in v.changes.root]


def status(project: Project, brief_ids: list[str]) -> str:
    """``briefings status``: per brief, its version, and per reader × language the version
    built and what each recipient holds; then, per reader, the reissue to send."""
    built = built_files(project)
    blocks, behind = [], defaultdict(int)
    for brief_id in brief_ids:
        brief = load_brief(project, brief_id)
        newest = brief.history[0]
        dated = f" of {newest.date}" if newest.date else ""
        rows = [("reader", "lang", "built", "recipient", "holds")]
        everyone = holdings(project, brief)
        for edition in editions(project, brief):
            for lang in edition.languages:
                made = built.get((brief_id, edition.reader, lang))
                mine = [h for h in everyone if (h.reader, h.lang) == (edition.reader, lang)]
                if not mine:
                    rows.append((edition.reader, lang, _built(made, newest.version), "-",
                                 "nobody on its list reads it"))
                for holding in mine:
                    state = holding.state(made)
                    if state == OLDER:
                        behind[brief_id, holding.reader] += 1
                    rows.append((holding.reader, holding.lang, _built(made, newest.version),
                                 holding.to, _holds(holding, state)))
        blocks.append("\n".join([f"{brief_id}: version {newest.version}{dated}",
                                  *aligned(rows)]))
    reissues = [f"{count} recipient{'s' * (count != 1)} of {brief_id} for {reader} "
                f"hold{'s' * (count == 1)} an older version: briefings email --brief "
                f"{brief_id} --reader {reader} --reissue --send"
                for (brief_id, reader), count in behind.items()]
    return "\n\n".join(blocks + (["\n".join(reissues)] if reissues else []))


def _built(made: Built | None, newest: str) -> str:
    if made is None:
        return "not built"
    if made.version != newest:
        return f"{made.version or '?'} (make brief for {newest})"
    return made.version


def _holds(holding: Holding, state: str) -> str:
    if state == NONE:
        return "nothing yet"
    send = holding.last
    held = f"{send.version or '? (sent before versions were recorded)'}, sent {send.at}"
    return {CURRENT: held, OLDER: f"{held}: older",
            EARLIER_BUILD: f"{held}: an earlier build of it"}[state]


def outdated(project: Project, brief_ids: list[str]) -> list[str]:
    """After a build: one line per brief whose recipients now hold a text other than the
    one built (those with a version older than the one built, or an earlier build of it)."""
    built = built_files(project)
    lines = []
    for brief_id in brief_ids:
        brief = load_brief(project, brief_id)
        count = sum(1 for h in holdings(project, brief)
                    if h.state(built.get((brief_id, h.reader, h.lang))) in (OLDER, EARLIER_BUILD))
        if count:
            lines.append(f"{brief_id} changed: {count} recipient{'s' * (count != 1)} now "
                         f"hold{'s' * (count == 1)} an outdated version (briefings status "
                         f"--brief {brief_id})")
    return lines
