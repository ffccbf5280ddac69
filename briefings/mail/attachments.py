"""The built files a message carries, checked against the build's manifest, and the day
the brief was built."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from briefings.briefs import Edition
from briefings.buildfiles import read
from briefings.dates import time_zone
from briefings.errors import BriefingError
from briefings.outputs import MANIFEST

MIME_TYPES = {"pdf": ("application", "pdf"),
              "docx": ("application",
                       "vnd.openxmlformats-officedocument.wordprocessingml.document")}
MB = 1024 * 1024
RUN_MAKE_BRIEF = "run make brief"


@dataclass(frozen=True)
class Attachment:
    name: str
    format: str
    data: bytes = field(repr=False)
    sha256: str
    version: str | None   # of the brief, as the manifest says it was built (None: not said)
    # A DOCX with tracked changes (``mail.tracked``): the name and sha256 of the built one
    # it marks up, which the record of sends counts as received.
    tracks: tuple[str, str] | None = None


def load_attachments(build: Path, manifest: dict[str, dict], edition: Edition, lang: str,
                     formats: list[str], limit_mb: float) -> tuple[Attachment, ...]:
    """The built files of ``edition`` in ``lang``, each checked against the manifest's
    sha256 so a brief edited or rebuilt half-way is never sent."""
    attachments = []
    wanted = (edition.brief.id, edition.reader, lang)
    for fmt in formats:
        entry = next((e for e in manifest.values() if (e.get("brief"), e.get("reader"),
                      e.get("lang"), e.get("format")) == (*wanted, fmt)), None)
        if entry is None:
            raise BriefingError(f"no {fmt} of '{edition.brief.id}' for '{edition.reader}' in "
                                f"'{lang}' has been built: "
                                f"{RUN_MAKE_BRIEF}", build / MANIFEST)
        path = build / entry["path"]
        # Only what the build wrote: an edited manifest (or a link) must not mail other files.
        if not path.resolve().is_relative_to(build.resolve()):
            raise BriefingError(f"the {fmt} of '{lang}' listed in the manifest is outside "
                                f"{build.name}/: {RUN_MAKE_BRIEF}", build / MANIFEST)
        try:
            data = read(build, path)
        except OSError:
            raise BriefingError(f"file listed in the manifest is missing: {RUN_MAKE_BRIEF}",
                                path) from None
        sha = hashlib.sha256(data).hexdigest()
        if sha != entry["sha256"]:
            raise BriefingError(f"file changed since the manifest was written: "
                                f"{RUN_MAKE_BRIEF}", path)
        attachments.append(Attachment(path.name, fmt, data, sha, entry.get("version")))
    total = sum(len(a.data) for a in attachments)
    if total > limit_mb * MB:
        raise BriefingError(f"attachments for '{lang}' are {total / MB:.2f} MB, over the "
                            f"{limit_mb:g} MB limit (raise it with --max-size-mb or "
                            "BRIEFINGS_MAX_ATTACHMENT_MB)", build / edition.brief.id)
    return tuple(attachments)


def brief_date(build: Path, zone: str) -> dt.date:
    """The day of the last build in the brief's time zone, the rule the build dates the
    brief by. Not today: the brief may have been built the day before it is sent."""
    mtime = (build / MANIFEST).stat().st_mtime
    return dt.datetime.fromtimestamp(mtime, time_zone(zone)).date()


def file_names(attachments) -> str:
    return ", ".join(a.name for a in attachments)
