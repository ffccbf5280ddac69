"""Where a project's inputs and outputs live, and the date a build is made on.

Standard library only: deciding that nothing needs rebuilding must stay cheap."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from briefings import projectfiles
from briefings.errors import BriefingError

SETTINGS = Path("templates/project.yaml")


def time_zone(name: str) -> ZoneInfo:
    """The zone called ``name``, or a ValueError saying what to write instead."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{name}' (use a name such as America/Lima "
                         "or UTC)") from None


def build_date(zone: str) -> dt.date:
    """The brief's date: the day in the brief's own time zone ``zone`` of
    ``SOURCE_DATE_EPOCH`` when it is set (to pin a date), else of now."""
    tz = time_zone(zone)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return dt.datetime.now(tz).date()
    try:
        seconds = int(epoch)
    except ValueError:
        raise BriefingError(f"must be a number of seconds, not '{epoch}'",
                            key="SOURCE_DATE_EPOCH") from None
    try:
        if seconds < 0:
            raise ValueError
        return dt.datetime.fromtimestamp(seconds, tz).date()
    except (ValueError, OverflowError, OSError):
        raise BriefingError(f"'{epoch}' is out of range: give the seconds from 1 January 1970 "
                            "to a day before the year 10000", key="SOURCE_DATE_EPOCH") from None


def day_start(day: dt.date, zone: str) -> int:
    """The first second of ``day`` in ``zone``, as a Unix time."""
    return int(dt.datetime.combine(day, dt.time(), time_zone(zone)).timestamp())


@dataclass(frozen=True)
class Project:
    root: Path

    def __post_init__(self):
        projectfiles.allow(self.root)  # the project's files may be read, and only they

    @property
    def facts(self) -> Path:
        return self.root / "facts"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def theme(self) -> Path:
        return self.templates / "theme"

    @property
    def briefs(self) -> Path:
        return self.templates / "briefs"

    @property
    def readers(self) -> Path:
        return self.templates / "readers"

    @property
    def build(self) -> Path:
        return self.root / "build"

    def brief_ids(self) -> list[str]:
        return sorted(p.parent.name for p in self.briefs.glob("*/brief.yaml"))

    def reader_names(self) -> list[str]:
        return sorted(p.stem for p in self.readers.glob("*.yaml"))

    def require(self) -> Project:
        """This project, or one error saying the folder is not one and how to name one."""
        if not (self.root / SETTINGS).is_file():
            raise BriefingError(f"{self.root} is not a briefings project (it has no {SETTINGS}): "
                                "run briefings in the project's folder, or name that folder "
                                "with --project FOLDER")
        return self

    @cached_property
    def settings(self):
        from briefings.settings import load_settings
        return load_settings(self.root / SETTINGS)
