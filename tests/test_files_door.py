"""One door for files (review of 6 December 2026: N1, N4, N11b, N12, N13, N17, N18, N19,
N22, item 84): a project file whose real location is outside the project, or that is not a
plain file, is refused with one line naming it; nothing in build/ is written through a link;
leftovers and damaged manifests never hang or crash a build."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
from pathlib import Path

import pytest

from briefings import buildfiles
from briefings.errors import BriefingError
from tests.conftest import EPOCH, SEEDS, briefings, copy_tiny

SECRET = "OUTSIDE-SECRET-TOKEN"
HTML = ("build", "--brief", "alpha", "--reader", "press", "--lang", "en", "--format", "html")
DOCX = HTML[:-1] + ("docx",)


@pytest.fixture
def outside(tmp_path_factory) -> Path:
    """A folder outside the project (and outside every folder a test may read)."""
    return tmp_path_factory.mktemp("outside")


@pytest.fixture(scope="module")
def press_page(tmp_path_factory) -> Path:
    """The fixture project's build folder once ``briefings build`` made the press page in
    English (HTML): made once for the module, copied by the tests that start from it."""
    project = copy_tiny(tmp_path_factory.mktemp("press-page"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        assert briefings(project, *HTML).returncode == 0
    return project.build


@pytest.fixture
def press_built(tiny, press_page) -> None:
    """``tiny`` (untouched so far) with its press page built, as ``briefings build`` left it."""
    shutil.copytree(press_page, tiny.build, symlinks=True)


@contextlib.contextmanager
def deadline(seconds: int = 120):
    """A named pipe must not make a command wait for ever: fail the test instead."""
    def stop(signum, frame):
        raise TimeoutError(f"still waiting after {seconds} s")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def link_outside(project, name: str, outside: Path) -> Path:
    """Move ``name`` (a file or a folder of the project) outside it, with the secret in
    every template, and leave a link to it in its place."""
    path = project.root / name
    target = outside / path.name
    shutil.move(path, target)
    for template in [target] if target.is_file() else target.rglob("*"):
        if template.suffix == ".j2":
            template.write_text(template.read_text(encoding="utf-8") + f"\n{SECRET}\n",
                                encoding="utf-8")
    path.symlink_to(target, target_is_directory=target.is_dir())
    return target


def built_texts(project) -> str:
    """Everything written into build/ (HTML and the messages are text; the rest binary)."""
    build = project.build
    files = [p for p in build.rglob("*") if p.is_file() and not p.is_symlink()] \
        if build.is_dir() else []
    return "".join(p.read_bytes().decode("latin-1") for p in files)


def one_error(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: "), \
        result.stderr
    return lines[0]


# --- reading: every project file through the door -----------------------------------------

def _layout_include(project):
    """The page layout includes a theme template (the review's /etc/passwd route)."""
    layout = project.theme / "layout.html.j2"
    layout.write_text(layout.read_text(encoding="utf-8").replace(
        "{{ body }}", '{{ body }}<pre>{% include "notes.j2" %}</pre>'), encoding="utf-8")
    (project.theme / "notes.j2").write_text("notes\n", encoding="utf-8")


def _figures(project):
    (project.briefs / "alpha/figures.yaml").write_text("figures: {}\n", encoding="utf-8")


ATTACKS = {
    # name: (the file or folder made a link, what the test adds first, the command)
    "section template": ("templates/briefs/alpha/sections/works.md.j2", None, HTML),
    "reader override": ("templates/briefs/alpha/readers/press/sections/summary.md.j2",
                        None, HTML),
    "layout include": ("templates/theme/notes.j2", _layout_include, HTML),
    "reader yaml": ("templates/readers/press.yaml", None, HTML),
    "fact file": ("facts/harbour.yaml", None, HTML),
    "sources registry": ("facts/sources.yaml", None, HTML),
    "whole brief folder": ("templates/briefs/alpha", None, HTML),
    "style.yaml": ("templates/theme/style.yaml", None, HTML),
    "i18n": ("templates/theme/i18n/en.yaml", None, HTML),
    "terms.yaml": ("templates/theme/terms.yaml", None, ("check", "--brief", "alpha")),
    "figures.yaml": ("templates/briefs/alpha/figures.yaml", _figures, HTML),
    "font": ("templates/theme/fonts/IBMPlexSerif-Regular.ttf", None, DOCX),
    "Word styles": ("templates/theme/docx/word/styles.xml.j2", None, DOCX),
    "stylesheet": ("templates/theme/brief.css", None, HTML),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_link_out_of_the_project_is_refused_with_one_line(tiny, outside, attack):
    name, prepare, command = ATTACKS[attack]
    if prepare:
        prepare(tiny)
    target = link_outside(tiny, name, outside)
    result = briefings(tiny, *command)
    what = "folder" if target.is_dir() else "file"
    message = (f"{name}: this {what} is a link to a {what} outside the project ({target}); "
               f"replace it with the {what} itself")
    if command[0] == "check":  # check reports it among its findings
        assert f"error: {message}" in result.stdout.splitlines() and result.returncode == 1
    else:
        assert one_error(result) == f"error: {message}"
    assert SECRET not in built_texts(tiny) + result.stdout + result.stderr.replace(
        str(target), "")


def test_a_link_out_that_no_brief_uses_is_refused_too(tiny, press_built, outside):
    """Every file of a brief's chain is hashed to tell whether it changed: a link out is
    refused even before anything includes it."""
    (outside / "passwd").write_text(f"root:x:0:0:{SECRET}\n", encoding="utf-8")
    (tiny.theme / "unused.j2").symlink_to(outside / "passwd")
    assert one_error(briefings(tiny, *HTML)) == (
        "error: templates/theme/unused.j2: this file is a link to a file outside the project "
        f"({outside / 'passwd'}); replace it with the file itself")


def test_the_layout_route_of_the_review_is_refused_by_check_too(tiny, outside):
    _layout_include(tiny)
    (outside / "passwd").write_text(f"root:x:0:0:{SECRET}\n", encoding="utf-8")
    (tiny.theme / "notes.j2").unlink()
    (tiny.theme / "notes.j2").symlink_to(outside / "passwd")
    result = briefings(tiny, "check", "--brief", "alpha", "--no-warnings")
    assert result.returncode == 1 and SECRET not in result.stdout
    assert "templates/theme/notes.j2: this file is a link to a file outside the project" \
        in result.stdout


def test_the_email_templates_read_through_the_door(tiny, outside, monkeypatch):
    monkeypatch.setenv("BRIEFINGS_FROM", "Briefings <briefings@example.org>")
    assert briefings(tiny, *HTML[:-1], "pdf").returncode == 0
    (outside / "passwd").write_text(f"root:x:0:0:{SECRET}\n", encoding="utf-8")
    (tiny.theme / "email/en/leak.j2").symlink_to(outside / "passwd")
    body = tiny.theme / "email/en/body.txt.j2"
    body.write_text(body.read_text(encoding="utf-8") + "{% include 'theme/en/leak.j2' %}\n",
                    encoding="utf-8")
    result = briefings(tiny, "email", "--brief", "alpha", "--reader", "press")
    assert one_error(result).startswith(
        "error: templates/theme/email/en/leak.j2: this file is a link to a file outside")
    assert SECRET not in built_texts(tiny)


def test_a_link_that_stays_in_the_project_keeps_working(tiny):
    # A link inside the project shows nothing the project does not already hold: kept, as
    # a shared section is a natural thing to link.
    works = tiny.briefs / "alpha/sections/works.md.j2"
    shared = tiny.templates / "shared-works.md.j2"
    works.rename(shared)
    works.symlink_to(Path("../../../shared-works.md.j2"))
    assert briefings(tiny, *HTML).returncode == 0


@pytest.mark.parametrize("name", ["templates/briefs/alpha/sections/works.md.j2",
                                  "templates/theme/i18n/en.yaml", "facts/council.yaml",
                                  "templates/readers/press.yaml"])
def test_a_named_pipe_is_refused_not_waited_on(tiny, name):
    path = tiny.root / name
    path.unlink()
    os.mkfifo(path)
    with deadline():
        result = briefings(tiny, *HTML)
    assert one_error(result) == (f"error: {name}: this is a named pipe, not a file: replace "
                                 "it with the file itself")


@pytest.mark.parametrize("command", [HTML, ("check", "--brief", "alpha")])
def test_fonts_named_outside_the_project_in_style_yaml_are_refused(tiny, command):
    """N17: style.yaml naming system fonts (the regular face by a path out of the theme,
    the others beside it) had them embedded."""
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    if not font.is_file():
        pytest.skip(f"{font} is not installed")
    relative = os.path.relpath(font, tiny.theme / "fonts")
    style = tiny.theme / "style.yaml"
    text = re.sub(r"(regular|italic|bold): IBMPlexSerif-[A-Za-z]+\.ttf", rf"\1: {font.name}",
                  style.read_text(encoding="utf-8"))
    style.write_text(text.replace(f"regular: {font.name}", f"regular: {relative}"),
                     encoding="utf-8")
    result = briefings(tiny, *command)
    line = one_error(result) if command == HTML else next(
        line for line in result.stdout.splitlines() if "style.yaml" in line)
    assert "templates/theme/style.yaml:7: font.faces.regular: " \
        f"{relative}: this file is outside the project" in line


# --- source texts: the project and the sources folder only ----------------------------------

def _source_file(project, file: str) -> None:
    sources = project.facts / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip().startswith("file:"))
    sources.write_text(text.replace(first, first.split("file:")[0] + f"file: '{file}'", 1),
                       encoding="utf-8")


def test_a_source_text_outside_the_sources_folder_is_refused(tiny, outside):
    """N18: ``file:`` could name any file, and the quote check became an oracle on it."""
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    _source_file(tiny, os.path.relpath(outside / "secret.txt", SEEDS))
    result = briefings(tiny, "check", "--sources", str(SEEDS), "--brief", "alpha")
    assert result.returncode == 1
    assert "this file is outside the project: a brief may use only files" in result.stdout


def test_a_binary_source_text_is_one_line(tiny, tmp_path):
    """N11b: a binary source text was a UnicodeDecodeError traceback."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "binary.txt").write_bytes(b"\xd0\xff\xfe\x00binary")
    _source_file(tiny, "binary.txt")
    result = briefings(tiny, "check", "--sources", str(seeds), "--brief", "alpha")
    assert result.returncode == 1
    assert "source 'gaceta-faro': seeds/binary.txt: the file is not UTF-8 text" in result.stdout
    one_error(briefings(tiny, *HTML[:-2], "--sources", str(seeds)))


# --- writing: nothing in build/ through a link ---------------------------------------------

@pytest.mark.parametrize("lock", ["build/.lock", "build/outbox/.lock"])
def test_a_linked_lock_is_refused_and_its_target_untouched(tiny, outside, monkeypatch, lock):
    """N4: the locks were opened with "w" through the link, emptying what it points to."""
    monkeypatch.setenv("BRIEFINGS_FROM", "Briefings <briefings@example.org>")
    assert briefings(tiny, *HTML[:-1], "pdf").returncode == 0
    victim = outside / "victim.txt"
    victim.write_text("IMPORTANT USER DATA\n", encoding="utf-8")
    (tiny.root / lock).parent.mkdir(exist_ok=True)
    (tiny.root / lock).unlink(missing_ok=True)
    (tiny.root / lock).symlink_to(victim)
    command = ("email", "--brief", "alpha", "--reader", "press") if "outbox" in lock \
        else (*HTML, "--force")
    assert one_error(briefings(tiny, *command)) == (
        f"error: {lock}: this file is a link (to {victim}), where the build keeps its own "
        "file: delete the link and build again")
    assert victim.read_text(encoding="utf-8") == "IMPORTANT USER DATA\n"


def test_a_linked_brief_folder_in_build_is_refused(tiny, press_built, outside):
    """N13: a linked build/<brief> received the outputs outside the project."""
    shutil.move(tiny.build / "alpha", outside / "alpha")
    (tiny.build / "alpha").symlink_to(outside / "alpha", target_is_directory=True)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in (outside / "alpha").rglob("*"))
    assert one_error(briefings(tiny, *HTML, "--force")) == (
        f"error: build/alpha: this folder is a link (to {outside / 'alpha'}), where the build "
        "keeps its own folder: delete the link and build again")
    assert sorted((p.name, p.stat().st_mtime_ns)
                  for p in (outside / "alpha").rglob("*")) == before


def test_a_named_pipe_left_as_staging_does_not_hang_the_build(tiny, press_built):
    """N12: rmtree opened the leftover, and opening a named pipe waits for a writer."""
    os.mkfifo(tiny.build / ".staging-x")
    with deadline():
        result = briefings(tiny, *HTML, "--force")
    assert result.returncode == 0, result.stderr
    assert not os.path.lexists(tiny.build / ".staging-x")


def test_a_no_op_build_removes_what_a_killed_build_left(tiny, press_built):
    """N22: the staging folder stayed until a build that had work to do."""
    left = tiny.build / ".staging-killed"
    (left / "alpha").mkdir(parents=True)
    (left / "alpha/partial.pdf").write_bytes(b"%PDF-half")
    result = briefings(tiny, *HTML)
    assert result.stdout.startswith("up to date")
    assert not left.exists()


def test_a_link_in_build_is_replaced_not_written_through(tmp_path, outside):
    victim = outside / "victim.txt"
    victim.write_text("kept\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out/sent.jsonl").symlink_to(victim)
    with pytest.raises(BriefingError, match="this file is a link"):
        buildfiles.open_plain(tmp_path / "out", tmp_path / "out/sent.jsonl",
                              os.O_WRONLY | os.O_APPEND)
    buildfiles.write_atomic(tmp_path / "out", tmp_path / "out/sent.jsonl", b"new\n")
    assert victim.read_text(encoding="utf-8") == "kept\n"
    assert (tmp_path / "out/sent.jsonl").read_bytes() == b"new\n"


# --- the manifest: only what the build wrote, of the kinds it writes --------------------------

def _manifest(project) -> dict:
    return json.loads((project.build / "manifest.json").read_text(encoding="utf-8"))


def test_a_manifest_entry_naming_a_file_outside_build_is_rebuilt(tiny, press_built, outside):
    """N19: with the file's own sha256 and size, the build answered 'up to date'."""
    manifest = _manifest(tiny)
    entry = manifest["outputs"][0]
    elsewhere = outside / "page.html"
    shutil.copy(tiny.build / entry["path"], elsewhere)
    (tiny.build / entry["path"]).unlink()
    entry["path"] = os.path.relpath(elsewhere, tiny.build)
    (tiny.build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = briefings(tiny, *HTML)
    assert result.returncode == 0 and result.stdout.startswith("built 1 files"), result.stdout
    (tiny.build / "alpha/press/alpha-press-en.html").unlink()
    (tiny.build / "alpha/press/alpha-press-en.html").symlink_to(elsewhere)
    assert briefings(tiny, *HTML).stdout.startswith("built 1 files")  # a link is no output


@pytest.mark.parametrize("key, value", [("path", 5), ("reader", ["a"]), ("brief", ["x"]),
                                        ("fact_files", 5), ("fact_files", [5]),
                                        ("bytes", "many"), ("sha256", None)])
@pytest.mark.parametrize("command", [HTML, ("list",),
                                     ("email", "--brief", "alpha", "--reader", "press")])
def test_a_manifest_entry_of_the_wrong_kind_is_one_line(tiny, press_built, monkeypatch, key,
                                                         value, command):
    """Item 84: these were TypeError tracebacks in build, list and email."""
    monkeypatch.setenv("BRIEFINGS_FROM", "Briefings <briefings@example.org>")
    manifest = _manifest(tiny)
    manifest["outputs"][0][key] = value
    (tiny.build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert one_error(briefings(tiny, *command)).startswith(
        f"error: build/manifest.json: output 1: '{key}' is not ")


@pytest.mark.parametrize("name", ["build/manifest.json", "build/.lock"])
def test_a_named_pipe_in_build_is_refused_not_waited_on(tiny, press_built, name):
    (tiny.root / name).unlink()
    os.mkfifo(tiny.root / name)
    with deadline():
        line = one_error(briefings(tiny, *HTML, "--force"))
    assert line.startswith(f"error: {name}: is not a plain file")
