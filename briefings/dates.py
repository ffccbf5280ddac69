"""The day a brief is dated on: the day in the brief's own time zone, of now or of a pinned
``SOURCE_DATE_EPOCH``.

Standard library only: deciding that nothing needs rebuilding must stay cheap."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from briefings.errors import BriefingError


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
