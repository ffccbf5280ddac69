"""The brief's own settings: ``templates/base/brief.yaml``."""

from __future__ import annotations

from pydantic import Field

from briefings.facts import Slug, Strict, Text


class BriefSettings(Strict):
    id: Slug = Field(description="first part of every output file name")
    version: Text
    base_year: int | None = Field(None, description="year the 2-, 5- and 10-year horizons "
                                  "count from; default: the year of the build")
    horizons: list[int] = Field([2, 5, 10], description="recommendation horizons, in years")
