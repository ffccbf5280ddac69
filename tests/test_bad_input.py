"""Every kind of bad input: one line naming the file and the problem, exit 1, and the
previous outputs in the output folder left exactly as they were."""

import os
import subprocess
import sys

import pytest

from briefings.build import build
from tests.conftest import ROOT, only_audiences


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CASES = {
    "malformed YAML": (
        lambda p: edit(p.facts / "congress.yaml", "in_favour: 73", "in_favour: [73"),
        [], "facts/congress.yaml:", "invalid YAML"),
    "wrong type": (
        lambda p: edit(p.facts / "congress.yaml", "as_of: 2025-12-14", "as_of: pronto"),
        [], "facts/congress.yaml:", "as_of: Input should be a valid date"),
    "control character": (
        lambda p: edit(p.facts / "congress.yaml", "es: El Congreso de la República aprobó el "
                       "ingreso de personal militar de los Estados Unidos con 73 votos a favor "
                       "y 25 en contra.", 'es: "El Congreso\\x07 aprobó."'),
        [], "facts/congress.yaml:", "control character (U+0007)"),
    "unknown audience": (lambda p: None, ["--audience", "prensa-x"], "",
                         "unknown audience 'prensa-x'"),
    "unknown language": (lambda p: None, ["--lang", "fr"], "", "unknown language 'fr'"),
    "template syntax error": (
        lambda p: edit(p.base / "sections/es/summary.md.j2", "{% block", "{% blok"),
        [], "templates/base/sections/es/summary.md.j2:", "syntax error"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_fails_in_one_line_and_loses_nothing(project, tmp_path, case):
    spoil, args, place, problem = CASES[case]
    only_audiences(project, "cancilleria")
    out = tmp_path / "out"
    build(project, formats=["html"], out=out, jobs=1)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    spoil(project)
    result = subprocess.run(
        [sys.executable, "-m", "briefings", "--project", str(project.root), "build",
         "--format", "html", "--force", "--out", str(out), *args],
        capture_output=True, text=True, cwd=project.root,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {place}") and problem in line
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
