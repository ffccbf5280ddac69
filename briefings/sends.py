"""Who received which brief, and when: the deliveries in the record of sends.

The record is ``build/outbox/sent.jsonl``, which ``briefings email --send`` appends to (one
line before a message's DATA, one with its outcome after). Only ``ledger`` and
``deliveries`` know that: point them at another record and ``uses`` follows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from briefings.buildfiles import read
from briefings.errors import BriefingError
from briefings.project import Project


@dataclass(frozen=True)
class Delivery:
    brief: str
    reader: str
    lang: str
    to: str
    at: str          # when it was delivered, as the record writes it (ISO 8601, UTC)
    files: tuple[str, ...]


def ledger(project: Project) -> Path:
    return project.build / "outbox" / "sent.jsonl"


def deliveries(project: Project) -> list[Delivery]:
    """The messages delivered, in the order sent; one that failed, or whose answer was
    lost, was not (a message's last line is its outcome)."""
    path = ledger(project)
    try:
        lines = read(project.build, path).decode("utf-8").splitlines()
    except FileNotFoundError:
        return []
    except UnicodeDecodeError:
        raise BriefingError("the record of sends is not UTF-8 text", path) from None
    last: dict[str, tuple[str, Delivery]] = {}   # message id → its outcome
    for number, line in enumerate(lines, 1):
        try:
            entry = json.loads(line)
            brief, reader = entry["edition"].split("/")
            # A line without a status predates the "sending" lines: each recorded a delivery.
            last[entry["message_id"]] = (entry.get("status", "sent"), Delivery(
                brief, reader, entry["lang"], entry["to"], entry["at"],
                tuple(f["name"] for f in entry["files"])))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BriefingError("unreadable line: it should record one message (fix it "
                                "rather than delete it)", path, number) from None
    return [delivery for status, delivery in last.values() if status == "sent"]
