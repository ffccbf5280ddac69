"""``briefings email --tracked``: a recipient who received an earlier text of the brief gets
its DOCX with the changes since that text as Word tracked changes (``writers.tracked``), so
the review pane lists what changed for them to accept; the built DOCX stays as it is."""

from __future__ import annotations

import dataclasses
import hashlib

from briefings import received
from briefings.buildfiles import read
from briefings.mail.attachments import Attachment
from briefings.outputs import text_path
from briefings.project import Project
from briefings.writers.text import decode
from briefings.writers.tracked import track

SUFFIX = "-changes.docx"    # as briefings diff --docx names it beside the build's file


class TrackedFiles:
    """The files each recipient gets, a tracked DOCX made once per text received."""

    def __init__(self, project: Project, brief: str, reader: str):
        self.project, self.brief, self.reader = project, brief, reader
        self._made: dict[tuple[str, str], tuple[Attachment, ...]] = {}

    def files(self, files: tuple[Attachment, ...], lang: str, holding: str | None
              ) -> tuple[Attachment, ...]:
        """``files``, their DOCX tracked against the text ``holding`` names (the one the
        record says the recipient received), if any."""
        if holding is None or not any(a.format == "docx" for a in files):
            return files
        if (lang, holding) not in self._made:
            path = text_path(self.project.build, self.brief, self.reader, lang)
            new = decode(read(self.project.build, path), path)
            old = received.load(self.project, holding)
            self._made[lang, holding] = tuple(
                _tracked(a, old, new) if a.format == "docx" else a for a in files)
        return self._made[lang, holding]


def _tracked(attachment: Attachment, old: dict, new: dict) -> Attachment:
    data = track(attachment.data, old, new)
    return dataclasses.replace(attachment, name=attachment.name.removesuffix(".docx") + SUFFIX,
                               data=data, sha256=hashlib.sha256(data).hexdigest(),
                               tracks=(attachment.name, attachment.sha256))
