"""Where a project's inputs and outputs live.

Standard library only: deciding that nothing needs rebuilding must stay cheap."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from briefings import projectfiles
from briefings.errors import BriefingError

SETTINGS = Path("templates/project.yaml")


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

    @property
    def records(self) -> Path:
        """What stays when build/ goes: the record of who received what (``sends``)."""
        return self.root / "records"

    @property
    def own_sources(self) -> Path:
        """The project's own folder of sources' texts, where ``add-source`` saves them."""
        return self.facts / "sources"

    def source_folders(self, named: Path | None = None) -> list[Path]:
        """Where the sources' texts are looked for, in order: the project's own folder,
        then the one ``templates/project.yaml`` names (or ``named``, e.g. ``--sources``)."""
        named = self.root / self.settings.sources if named is None else named
        own = self.own_sources
        return [own] if named.resolve() == own.resolve() else [own, named]

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
