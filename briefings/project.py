"""Where a project's inputs and outputs live, and the date a build is made on.

Standard library only: deciding that nothing needs rebuilding must stay cheap."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from briefings.errors import BriefingError


def build_date() -> dt.date:
    """The brief's date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return dt.date.today()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    except ValueError:
        raise BriefingError(f"SOURCE_DATE_EPOCH must be a number of seconds, not '{epoch}'")


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

    def audience_names(self) -> list[str]:
        return sorted(p.parent.name
                      for p in (self.templates / "audiences").glob("*/audience.yaml"))

    @cached_property
    def settings(self):
        from briefings.settings import BriefSettings
        from briefings.yamlfile import read_yaml
        return read_yaml(self.base / "brief.yaml").validate(BriefSettings)
