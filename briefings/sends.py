"""The record of sends: who received which version of which brief, with which files, when.

It is ``records/sends.jsonl`` in the project, beside ``facts/`` and ``templates/``: not in
``build/``, which ``make clean`` deletes, and kept in git so the whole team shares one
record. ``briefings email --send`` appends to it (one line just before a message's DATA, one
with its outcome after); ``uses``, ``status`` and ``email`` read it here, and only here.

A line is a JSON object: ``at`` (UTC, ISO 8601), ``status`` (``sending``, ``sent``,
``failed``, ``unknown``), ``message_id``, ``brief``, ``reader``, ``lang``, ``version``,
``to``, ``files`` (each ``name`` and ``sha256``; a DOCX with tracked changes also names the
built one it marks up, ``tracks``), and ``received``: the file, under
``records/``, holding the text the recipient received, when one was kept. Lines written
before versions were recorded (in ``build/outbox/sent.jsonl``) name ``edition``
("brief/reader") and no version; they are read too, until ``briefings email`` moves them
here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from briefings.buildfiles import read, remove, write_atomic
from briefings.errors import BriefingError
from briefings.project import Project

RECORD = "sends.jsonl"
EARLIER = Path("build/outbox/sent.jsonl")   # where the record was kept before, in build/


@dataclass(frozen=True)
class Send:
    """One line of the record: a message about to go, or its outcome."""
    at: str          # when, as the record writes it (ISO 8601, UTC)
    status: str      # sending, sent, failed or unknown
    message_id: str
    brief: str
    reader: str
    lang: str
    version: str | None      # None: sent before versions were recorded
    to: str
    files: tuple[tuple[str, str], ...]   # (name, sha256) of each file attached
    received: str | None     # the text received, a file under records/, if kept

    @property
    def file_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.files)


def record_path(project: Project) -> Path:
    return project.records / RECORD


def _lines(top: Path, path: Path) -> list[str]:
    try:
        return read(top, path).decode("utf-8").splitlines()
    except FileNotFoundError:
        return []
    except UnicodeDecodeError:
        raise BriefingError("the record of sends is not UTF-8 text: fix it rather than "
                            "delete it (it records the messages sent)", path) from None


def _parse(line: str, path: Path, number: int) -> Send:
    try:
        entry = json.loads(line)
        if "edition" in entry:  # written before briefs and readers had fields of their own
            entry["brief"], entry["reader"] = entry["edition"].split("/")
        return Send(entry.get("at") or entry["sent_at"],
                    # A line without a status predates the "sending" lines: each recorded
                    # a delivery.
                    entry.get("status", "sent"), entry["message_id"], entry["brief"],
                    entry["reader"], entry["lang"], entry.get("version"), entry["to"],
                    tuple(_built(f) for f in entry["files"]),
                    entry.get("received"))
    except (ValueError, KeyError, TypeError, AttributeError):
        # Guessing could send twice: better stop and let a person look.
        raise BriefingError("unreadable line (it records a message sent or being sent: fix "
                            "it rather than delete it)", path, number) from None


def _built(file: dict) -> tuple[str, str]:
    """The built file a message carried: for a DOCX with tracked changes (``tracks``), the
    one it marks up, so that it counts as that version received."""
    built = file.get("tracks", file)
    return built["name"], built["sha256"]


def sends(project: Project) -> list[Send]:
    """Every line of the record, in the order written: those of the earlier record first,
    as long as it has not been moved here."""
    found = []
    for top, path in ((project.build, project.root / EARLIER),
                      (project.records, record_path(project))):
        found += [_parse(line, path, number)
                  for number, line in enumerate(_lines(top, path), 1)]
    return found


def outcomes(project: Project) -> list[Send]:
    """Each message's last line, its outcome: "sent", "failed", "unknown", or "sending"
    when the run stopped before it knew (which counts as "may have been delivered")."""
    last: dict[str, Send] = {}
    for send in sends(project):
        last[send.message_id] = send
    return list(last.values())


def deliveries(project: Project) -> list[Send]:
    """The messages delivered, in the order sent; one that failed, or whose answer was
    lost, was not."""
    return [send for send in outcomes(project) if send.status == "sent"]


def move_earlier_record(project: Project) -> None:
    """The record kept in ``build/outbox/sent.jsonl`` put at the top of
    ``records/sends.jsonl`` (in one step: a run killed half-way leaves both, read as one),
    then removed. Called with the outbox locked, before a send appends."""
    earlier = project.root / EARLIER
    lines = _lines(project.build, earlier)
    if not lines:
        return
    path = record_path(project)
    now = _lines(project.records, path)
    write_atomic(project.records, path, "".join(f"{line}\n" for line in lines + now)
                 .encode("utf-8"))
    remove(earlier)
