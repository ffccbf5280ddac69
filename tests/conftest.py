"""Shared fixtures: a throwaway copy of the project, and one real build of it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from briefings.project import Project

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)


def copy_project(dest: Path) -> Project:
    for folder in ("facts", "templates"):
        shutil.copytree(ROOT / folder, dest / folder)
    return Project(dest)


PERU = "peru-mnna"


def only_readers(project: Project, *names: str, brief: str = PERU) -> None:
    """Keep only these readers of a brief in a copy, and only that brief, for tests that
    count outputs or findings."""
    for folder in project.briefs.iterdir():
        if folder.name != brief:
            shutil.rmtree(folder)
    path = project.briefs / brief / "brief.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["readers"] = {name: spec["readers"][name] for name in names}
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def peru(project: Project, reader: str = "cancilleria"):
    """The Peru brief for one reader."""
    from briefings.briefs import edition, load_brief
    return edition(project, load_brief(project, PERU), reader)


def section(project: Project, lang: str, name: str, reader: str | None = None) -> Path:
    """A section template of the Peru brief (or a reader's override of it)."""
    folder = project.briefs / PERU / ("readers/" + reader if reader else "")
    return folder / "sections" / lang / f"{name}.md.j2"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    """A private copy of facts/ and templates/ that a test may edit."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795453200")  # 2026-11-23, noon in Lima
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The real project built once, all formats: the folder holding manifest.json."""
    from briefings.build import build
    out = tmp_path_factory.mktemp("build")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1795453200")
    try:
        build(Project(ROOT), formats=["pdf", "docx", "html"], out=out)
    finally:
        mp.undo()
    return out
