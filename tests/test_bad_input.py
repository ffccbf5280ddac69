"""Every kind of bad input: one line naming the file and the problem, exit 1, and the
previous outputs in the output folder left exactly as they were."""

import json
import os
import subprocess
import sys

import pytest

from briefings.build import build
from tests.conftest import ALPHA, ROOT, section


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CASES = {
    "malformed YAML": (
        lambda p: edit(p.facts / "harbour.yaml", "in_favour: 41", "in_favour: [41"),
        [], "facts/harbour.yaml:", "invalid YAML"),
    "wrong type": (
        lambda p: edit(p.facts / "harbour.yaml", "as_of: 2026-03-02", "as_of: pronto"),
        [], "facts/harbour.yaml:", "as_of: Input should be a valid date"),
    "control character": (
        lambda p: edit(p.facts / "harbour.yaml", "es: El Consejo del Puerto de Strelsau aprobó "
                       "el nuevo faro con 41 votos a favor y 17 en contra.",
                       'es: "El Consejo\\x07 aprobó."'),
        [], "facts/harbour.yaml:", "control character (U+0007)"),
    "unknown brief": (lambda p: None, ["--brief", "alpah"], "",
                      "unknown brief 'alpah' (did you mean 'alpha'? known: alpha, beta)"),
    "unknown reader": (lambda p: None, ["--reader", "press-x"], "",
                       "unknown reader 'press-x' (did you mean 'press'? known: "),
    "unknown language": (lambda p: None, ["--lang", "fr"], "", "unknown language 'fr'"),
    "template syntax error": (
        lambda p: edit(section(p, "es", "summary", brief=ALPHA), "{% block", "{% blok"),
        [], "templates/briefs/alpha/sections/es/summary.md.j2:", "syntax error"),
    "unknown time zone": (
        lambda p: edit(p.templates / "project.yaml", "America/Lima", "America/Atlantis"),
        [], "templates/project.yaml:4:", "timezone: unknown time zone 'America/Atlantis'"),
    "unknown locale": (
        lambda p: edit(p.templates / "project.yaml", "es: es_PE", "es: es_XX"),
        [], "templates/project.yaml:8:", "locales.es: unknown locale 'es_XX' (write es, or "
        "es_ and a country code such as es_US)"),
    "locale of another language": (
        lambda p: edit(p.templates / "project.yaml", "en: en_GB", "en: es_PE"),
        [], "templates/project.yaml:9:", "locales.en: 'es_PE' is not a locale of the "
        "language 'en'"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_fails_in_one_line_and_loses_nothing(tiny, tmp_path, case):
    spoil, args, place, problem = CASES[case]
    out = tmp_path / "out"
    build(tiny, formats=["html"], out=out, jobs=1)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    spoil(tiny)
    result = subprocess.run(
        [sys.executable, "-m", "briefings", "--project", str(tiny.root), "build",
         "--format", "html", "--force", "--out", str(out), *args],
        capture_output=True, text=True, cwd=tiny.root,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {place}") and problem in line
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


# What stands where the build writes, and the environment: spoil(out) -> extra environment.
def folder_at(path):
    if path.is_file():
        path.unlink()
    path.mkdir()
    (path / "notes.txt").write_text("someone's file")


def drop_key(out, key):
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["outputs"][0][key]
    (out / "manifest.json").write_text(json.dumps(manifest))


OUTPUT_CASES = {
    "output path is a folder": (
        lambda out: folder_at(out / "alpha/ministry/alpha-ministry-es.html"),
        "out/alpha/ministry/alpha-ministry-es.html:",
        "is a folder where the build puts a file: move or delete it"),
    "manifest is a folder": (
        lambda out: folder_at(out / "manifest.json"), "out/manifest.json:",
        "is a folder where the build puts its manifest: move or delete it"),
    "manifest entry missing a key": (
        lambda out: drop_key(out, "sha256"), "out/manifest.json:",
        "output 1 has no 'sha256'"),
    "SOURCE_DATE_EPOCH out of range": (
        lambda out: {"SOURCE_DATE_EPOCH": "99999999999999"}, "SOURCE_DATE_EPOCH:",
        "'99999999999999' is out of range"),
}


def contents(out):
    """Every file (its bytes) and folder (None) under ``out``."""
    return {p: p.read_bytes() if p.is_file() else None for p in out.rglob("*")}


@pytest.mark.parametrize("forced", [False, True], ids=["build", "--force"])
@pytest.mark.parametrize("case", OUTPUT_CASES)
def test_bad_output_folder_fails_in_one_line_and_changes_nothing(tiny, tmp_path, case,
                                                                 forced):
    spoil, place, problem = OUTPUT_CASES[case]
    out = tmp_path / "out"
    build(tiny, formats=["html"], out=out, jobs=1)
    env = spoil(out) or {}
    before = contents(out)
    result = subprocess.run(
        [sys.executable, "-m", "briefings", "--project", str(tiny.root), "build",
         "--format", "html", "--out", str(out), *(["--force"] if forced else [])],
        capture_output=True, text=True, cwd=tiny.root,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {place}") and problem in line
    assert contents(out) == before


def test_a_full_disk_fails_in_one_line_and_changes_nothing(tiny, tmp_path):
    """The previous build on a small file system of its own (a tmpfs in a private mount
    namespace) with too little room left for the new files."""
    if subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a file system here (unshare -rm)")
    previous = tmp_path / "previous"
    build(tiny, formats=["html"], out=previous, jobs=1)
    pages = sum(-(-p.stat().st_size // 4096) for p in previous.rglob("*") if p.is_file())
    disk, seen = tmp_path / "disk", tmp_path / "seen"
    disk.mkdir(), seen.mkdir()
    script = """
        mount -t tmpfs -o size=$(( ($1 + 4) * 4 ))k tmpfs disk && cp -r previous disk/out
        snapshot() { find disk/out | sort; find disk/out -type f | sort | xargs sha256sum; }
        snapshot > seen/before
        "$2" -m briefings --project . build --format html --force --jobs 1 \\
            --out disk/out 2> seen/error
        echo $? > seen/status
        snapshot > seen/after
    """
    subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", str(pages), sys.executable],
                   cwd=tiny.root, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert (seen / "status").read_text() == "1\n"
    lines = (seen / "error").read_text().splitlines()
    assert len(lines) == 1, lines
    [line] = lines
    assert line.startswith("error: disk/out/")
    assert line.endswith(": cannot write this file (No space left on device)")
    assert (seen / "after").read_text() == (seen / "before").read_text()
