"""The outbox, ``build/outbox/``: each run's messages as ``.eml`` files; and what goes into
the record of sends (``briefings.sends``), each message before its DATA and its outcome
after, so a re-run never sends the same files to the same person twice: not even when the
server's answer was lost and the message may have arrived."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path

from briefings.buildfiles import open_plain, real_folder, write_atomic
from briefings.errors import BriefingError
from briefings.mail.attachments import Attachment
from briefings.mail.message import Outgoing
from briefings.project import Project
from briefings.sends import outcomes, record_path

SKIP_REASONS = {"sent": "already sent", "unknown": "may have been delivered"}


def sent_key(brief: str, reader: str, email: str, shas) -> tuple:
    return brief, reader, email.lower(), tuple(sorted(shas))


def already_sent(project: Project) -> dict[tuple, tuple[str, str]]:
    """What each brief, reader, address and set of files (by sha256) already got, with its
    time: "sent" when a message was delivered, else "unknown" when one may have been (its
    answer was lost, or the run died after "sending" was recorded). A "failed" message
    counts for nothing."""
    state = {}
    for send in outcomes(project):
        key = sent_key(send.brief, send.reader, send.to, [sha for _, sha in send.files])
        if send.status == "sent" or (send.status != "failed" and key not in state):
            state[key] = ("sent" if send.status == "sent" else "unknown", send.at)
    return state


def _file(attachment: Attachment) -> dict:
    entry = {"name": attachment.name, "sha256": attachment.sha256}
    if attachment.tracks:
        entry["tracks"] = {"name": attachment.tracks[0], "sha256": attachment.tracks[1]}
    return entry


def record(project: Project, status: str, item: Outgoing, problem: str | None = None) -> None:
    """Appended to the record of sends and synced before the next step: "sending" just
    before DATA, then "sent", "failed" or "unknown". A run killed in between leaves
    "sending" alone, which the next run takes as "may have been delivered"."""
    entry = {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
             "status": status, "message_id": item.message_id, "brief": item.brief,
             "reader": item.reader, "lang": item.recipient.lang, "version": item.version,
             "to": item.recipient.email,
             "files": [_file(a) for a in item.attachments],
             "received": item.received}
    if problem:
        entry["problem"] = problem
    path = record_path(project)
    try:
        # records/sends.jsonl, appended to, never through a link
        with os.fdopen(open_plain(project.records, path, os.O_WRONLY | os.O_APPEND), "a",
                       encoding="utf-8") as log:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")
            log.flush()
            os.fsync(log.fileno())
    except OSError as exc:
        raise BriefingError(f"cannot write the record of sends ({exc.strerror}): stopped "
                            "before sending anything more", path) from None


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
