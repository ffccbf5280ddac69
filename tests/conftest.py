"""Shared fixtures: a throwaway copy of the real project or of the small fixture project
(tests/fixtures/project, which the engine's tests run on), and one build of each."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from briefings import projectfiles, workers
from briefings.errors import BriefingError
from briefings.project import Project

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)
EPOCH = "1795453200"  # SOURCE_DATE_EPOCH of TODAY: noon in Lima


@pytest.fixture(autouse=True)
def project_files(request):
    """The files a test may read (``projectfiles``): besides the projects it opens, the
    repository's own and the test's folder, where tests hand the writers a theme without
    opening a project. Files outside these stay refused (tests put them in their own
    ``tmp_path_factory`` folder)."""
    projectfiles.allow(ROOT)
    if "tmp_path" in request.fixturenames:
        projectfiles.allow(request.getfixturevalue("tmp_path"))


def in_this_process(jobs, work, processes: int, label, then=None):
    """``briefings.workers.run`` without its processes: each job made in this one, in turn
    (those ``then`` leads to after those waiting), a ``BriefingError`` handed back as a
    worker hands it back. What a document parsed, compiled or drew (kept by its content)
    then serves the next test's, as it serves the next document in a build's worker,
    where a worker forked for each test started cold."""
    waiting = list(jobs)
    while waiting:
        job = waiting.pop(0)
        try:
            outcome = work(job)
        except BriefingError as exc:
            outcome = exc
        waiting += then(job, outcome) if then else []
        yield job, outcome


@pytest.fixture
def workers_in_this_process(monkeypatch):
    """For the tests of what a check or a build finds and writes, where the worker processes
    are not the point (tests/test_build.py, test_limits.py and test_incremental.py test
    them, each document in a process of its own under its limits)."""
    monkeypatch.setattr(workers, "run", in_this_process)
    yield
    # The PDF writer keeps its font configuration for the process's next document, as a
    # worker does: each test starts with one of its own, so that faces an earlier test's
    # theme loaded stand in for none of this one's.
    if pdf := sys.modules.get("briefings.writers.pdf"):
        pdf._drop_fonts()


def briefings(project: Project, *args: str) -> subprocess.CompletedProcess:
    """The briefings command as an analyst types it in the project's folder, run in this
    process (a new one would spend a second importing WeasyPrint): its exit status and what
    it printed. An unexpected exception fails the test, as a traceback would."""
    return typed_in(project.root, "--project", str(project.root), *args)


def typed_in(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """``briefings ARGS`` typed in ``folder``, run in this process, as ``briefings`` does."""
    from briefings.cli import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            contextlib.chdir(folder):
        try:
            code = main(list(args))
        except SystemExit as stop:  # argparse: --help, --version, a mistyped option
            code = stop.code
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


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


def section(project: Project, lang: str, name: str, reader: str | None = None,
            brief: str = PERU) -> Path:
    """A section template of a brief (or a reader's override of it): the section's one
    template, or its template in ``lang`` where the brief is still written per language."""
    folder = project.briefs / brief / ("readers/" + reader if reader else "")
    if (project.briefs / brief / "sections" / f"{name}.md.j2").exists():
        return folder / "sections" / f"{name}.md.j2"
    return folder / "sections" / lang / f"{name}.md.j2"


# The small made-up project the engine's tests run on, so that writing or editing a brief
# never breaks them: brief 'alpha' (summary, works, outlook, sources; horizons; readers
# ministry and press, press with a short edition and an override) and brief 'beta' (one
# section, reader ministry only); facts in harbour.yaml and council.yaml; the sources' texts
# in its facts/sources/.
FIXTURES = ROOT / "tests/fixtures"
SEEDS = FIXTURES / "project/facts/sources"
ALPHA, BETA = "alpha", "beta"


def copy_tiny(dest: Path) -> Project:
    """The fixture project, with the real theme: the theme is the engine's shared layout,
    which the engine's tests exercise; only the content is made up."""
    shutil.copytree(FIXTURES / "project", dest, dirs_exist_ok=True)
    shutil.copytree(ROOT / "templates/theme", dest / "templates/theme")
    return Project(dest)


def alpha(project: Project, reader: str = "ministry"):
    """The fixture's brief 'alpha' for one reader."""
    from briefings.briefs import edition, load_brief
    return edition(project, load_brief(project, ALPHA), reader)


@pytest.fixture
def tiny(tmp_path, monkeypatch) -> Project:
    """A private copy of the fixture project that a test may edit."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return copy_tiny(tmp_path)


def built_on_today(project: Project, out: Path, **options) -> Path:
    """``project`` built in every format on TODAY: the folder holding manifest.json."""
    from briefings.build import build
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build(project, formats=["pdf", "docx", "html"], out=out, **options)
    return out


def made_once(tmp_path_factory, name: str, make) -> Path:
    """The folder ``make(folder)`` fills, made once for the whole test session: with
    ``make test``'s workers (pytest-xdist) the first to need it makes it in their shared
    temporary folder while the others wait on its lock, then all read it. Tests only read it."""
    base = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        base = base.parent  # each worker's own folder is in the session's
    folder, done = base / name, base / f"{name}.done"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when closed, even if ``make`` fails
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def tiny_built(tmp_path_factory) -> Path:
    """The fixture project built once."""
    return made_once(tmp_path_factory, "tiny-built", lambda folder: built_on_today(
        copy_tiny(folder / "project"), folder / "build")) / "build"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    """A private copy of facts/ and templates/ that a test may edit."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The real project built once, every brief for every reader in every format (what the
    content tests and every brief's tests read)."""
    return made_once(tmp_path_factory, "built",
                     lambda folder: built_on_today(Project(ROOT), folder))


def pytest_collection_modifyitems(items):
    """For ``make test``'s workers (pytest-xdist, ``--dist loadgroup``): the tests of a
    module that keeps something from one test to the next (a module or class fixture, a
    cached function) run in one worker, which makes it once; any other test goes to
    whichever worker is free, so that no worker is left alone with a long module at the
    end. The session's builds are shared by all workers (``made_once``)."""
    for item in items:
        if keeps_between_tests(item):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


def keeps_between_tests(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    scopes = {definition.scope for definitions in getattr(info, "name2fixturedefs", {}).values()
              for definition in definitions}
    return bool(scopes & {"module", "class", "package"}) or any(
        hasattr(value, "cache_info") for value in vars(item.module).values())
