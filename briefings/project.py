"""Where a project's inputs and outputs live, and the brief's own settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import Field

from briefings.facts import Slug, Strict, Text
from briefings.yamlfile import read_yaml


class BriefSettings(Strict):
    id: Slug = Field(description="first part of every output file name")
    version: Text
    base_year: int | None = Field(None, description="year the 2-, 5- and 10-year horizons "
                                  "count from; default: the year of the build")
    horizons: list[int] = Field([2, 5, 10], description="recommendation horizons, in years")


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def facts(self) -> Path:
        return self.root / "facts"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def base(self) -> Path:
        return self.templates / "base"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @cached_property
    def settings(self) -> BriefSettings:
        return read_yaml(self.base / "brief.yaml").validate(BriefSettings)
