"""The brief's own settings: ``templates/base/brief.yaml``."""

from __future__ import annotations

from pydantic import Field, field_validator

from briefings.facts import Slug, Strict, Text
from briefings.project import time_zone


class BriefSettings(Strict):
    id: Slug = Field(description="first part of every output file name")
    version: Text
    timezone: str = Field("UTC", description="time zone the brief is dated in (an IANA name "
                          "such as America/Lima): its day is the brief's date")
    base_year: int | None = Field(None, description="year the 2-, 5- and 10-year horizons "
                                  "count from; default: the year of the build")
    horizons: list[int] = Field([2, 5, 10], description="recommendation horizons, in years")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        time_zone(name)
        return name
