"""Shared fixtures: a throwaway copy of the project, and one real build of it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from briefings.project import Project

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)


def copy_project(dest: Path) -> Project:
    for folder in ("facts", "templates"):
        shutil.copytree(ROOT / folder, dest / folder)
    return Project(dest)


def only_audiences(project: Project, *names: str) -> None:
    """Keep only these audiences in a copy, for tests that count outputs or findings."""
    for folder in (project.templates / "audiences").iterdir():
        if folder.name not in names:
            shutil.rmtree(folder)


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
