"""A brief's versions, newest first, as ``brief.yaml`` lists them under ``versions:``: each
its number, its date and, from the second on, a change note in each language its readers
read (what changed and why). The newest is the one a build makes; the document shows what it
replaces and its note, the record of sends keeps it, and ``status`` and ``email --reissue``
compare it with the one each recipient holds.

A brief written with ``version: "1.0"`` alone has that one version, undated."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from briefings.errors import BriefingError
from briefings.schema import Day, Strict, Texts
from briefings.yamlfile import YamlFile

_NUMBER = re.compile(r"\d+(\.\d+)*")


def _quoted(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f'write the version in quotes, "{value}": as a number, 1.10 would '
                         "be read as 1.1")
    return value


def _number(value: str) -> str:
    if not _NUMBER.fullmatch(value):
        raise ValueError(f"'{value}' is not a version number: write numbers and dots, "
                         'e.g. "1.1"')
    return value


Number = Annotated[str, BeforeValidator(_quoted), AfterValidator(_number)]


class Version(Strict):
    version: Number
    date: Day = Field(description="the day it was issued")
    changes: Texts | None = Field(None, description="what changed since the version before, "
                                  "and why, in each language read; the first has none")

    @property
    def order(self) -> tuple[int, ...]:
        return numbered(self.version)


def numbered(version: str) -> tuple[int, ...]:
    """"1.10" → (1, 10): versions compare number by number, not as texts."""
    return tuple(int(part) for part in version.split("."))


def first_only(version: str) -> list[Version]:
    """A brief that says ``version:`` alone: that one version, undated and without a note."""
    return [Version.model_construct(version=version, date=None, changes=None)]


def check_versions(versions: list[Version], doc: YamlFile,
                   languages: dict[str, list[str]]) -> None:
    """Newest first, each number and date after the next one's, and a change note for each
    version after the first in every language one of the brief's readers reads
    (``languages``, by reader). One line, at the version's place in brief.yaml."""
    for k, (newer, older) in enumerate(zip(versions, versions[1:])):
        where = doc.line_of(["versions", k, "version"])
        if newer.order == older.order:
            raise BriefingError(f"version {newer.version} is listed twice", doc.path, where,
                                "versions")
        if newer.order < older.order:
            raise BriefingError(f"version {newer.version} is listed above {older.version}: "
                                "list the newest first", doc.path, where, "versions")
        if newer.date and older.date and newer.date < older.date:
            raise BriefingError(f"version {newer.version} is dated {newer.date}, before "
                                f"version {older.version} ({older.date})", doc.path,
                                doc.line_of(["versions", k, "date"]), "versions")
        for reader, langs in languages.items():
            for lang in langs:
                if newer.changes is None or lang not in newer.changes.root:
                    raise BriefingError(
                        f"version {newer.version} has no change note in '{lang}', which "
                        f"reader '{reader}' reads: say under changes what changed since "
                        f"{older.version}, and why", doc.path,
                        doc.line_of(["versions", k, "changes"]), "changes")
