"""The outbox, ``build/outbox/``: each run's messages as ``.eml`` files, and ``sent.jsonl``,
the delivery log that records each message before its DATA and its outcome after, so a re-run
never sends the same files to the same person twice: not even when the server's answer was
lost and the message may have arrived."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path

from briefings.buildfiles import open_plain, read, real_folder, write_atomic
from briefings.errors import BriefingError
from briefings.mail.message import Outgoing

SKIP_REASONS = {"sent": "already sent", "unknown": "may have been delivered"}


def sent_key(edition: str, email: str, shas) -> tuple:
    return edition, email.lower(), tuple(sorted(shas))


def read_sent_log(path: Path) -> dict[tuple, tuple[str, str]]:
    """What each edition (brief/reader), address and set of files (by sha256) already got,
    with its time: "sent" when a message was delivered, else "unknown" when one may have been
    (its answer was lost, or the run died after "sending" was logged). A "failed" message
    counts for nothing."""
    latest = {}  # message id -> (key, status, time): a message's last line is its outcome
    try:
        # <build>/outbox/sent.jsonl, never through a link
        lines = read(path.parent.parent, path).decode("utf-8").splitlines()
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise BriefingError("the delivery log is not UTF-8 text: fix it rather than delete "
                            "it (it records the messages sent)", path) from None
    for number, line in enumerate(lines, 1):
        try:
            entry = json.loads(line)
            key = sent_key(entry["edition"], entry["to"], [f["sha256"] for f in entry["files"]])
            # A line without a status predates the "sending" lines: each recorded a delivery.
            latest[entry["message_id"]] = (key, entry.get("status", "sent"),
                                           entry.get("at") or entry["sent_at"])
        except (ValueError, KeyError, TypeError, AttributeError):
            # Guessing could send twice: better stop and let a person look.
            raise BriefingError("unreadable line (it records a message sent or being sent: "
                                "fix it rather than delete it)", path, number) from None
    state = {}
    for key, status, at in latest.values():
        if status == "sent" or (status != "failed" and key not in state):
            state[key] = ("sent" if status == "sent" else "unknown", at)
    return state


def record(path: Path, status: str, edition: str, item: Outgoing,
           problem: str | None = None) -> None:
    """Appended and synced before the next step: "sending" just before DATA, then "sent",
    "failed" or "unknown". A run killed in between leaves "sending" alone, which the next run
    takes as "may have been delivered"."""
    entry = {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
             "status": status, "message_id": item.message_id, "edition": edition,
             "to": item.recipient.email, "lang": item.recipient.lang,
             "files": [{"name": a.name, "sha256": a.sha256} for a in item.attachments]}
    if problem:
        entry["problem"] = problem
    try:
        # <build>/outbox/sent.jsonl, appended to, never through a link
        with os.fdopen(open_plain(path.parent.parent, path, os.O_WRONLY | os.O_APPEND), "a",
                       encoding="utf-8") as log:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")
            log.flush()
            os.fsync(log.fileno())
    except OSError as exc:
        raise BriefingError(f"cannot write the delivery log ({exc.strerror}): stopped before "
                            "sending anything more", path) from None


@contextmanager
def outbox_lock(outbox: Path):
    """One ``briefings email`` at a time per project: two at once could both send."""
    with os.fdopen(open_plain(outbox.parent, outbox / ".lock", os.O_RDWR), "r+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BriefingError("another 'briefings email' is running on this project",
                                outbox) from None
        yield


def write_outbox(folder: Path, outgoing: list[Outgoing], langs: set[str]) -> list[Path]:
    """This run's messages, byte for byte as they go to the server, replace the folder's
    earlier ones in the languages of this run (only those)."""
    build = folder.parents[2]  # <build>/outbox/<brief>/<reader>
    real_folder(build, folder)
    for old in folder.glob("*.eml"):
        if old.name.split("-", 1)[0] in langs:  # named <lang>-<address>.eml
            old.unlink()
    paths = []
    for item in outgoing:
        write_atomic(build, folder / item.eml_name, item.data)
        paths.append(folder / item.eml_name)
    return paths
