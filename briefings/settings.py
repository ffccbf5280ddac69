"""The settings every brief of a project shares: ``templates/project.yaml``."""

from __future__ import annotations

from pydantic import Field, field_validator

from briefings.facts import Strict
from briefings.project import time_zone


class ProjectSettings(Strict):
    timezone: str = Field("UTC", description="time zone the briefs are dated in (an IANA name "
                          "such as America/Lima): its day is a brief's date")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        time_zone(name)
        return name
