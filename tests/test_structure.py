"""The package's shape holds: rooms of one job, none over about 500 lines; no import circle
and no import from a lower floor back up (import-linter, with the contracts in
pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

MAX_LINES = 500


def test_no_import_circle_and_no_import_back_up(tmp_path):
    lint = Path(sys.executable).parent / "lint-imports"
    # Run from tmp_path with no cache: nothing is written into the checkout.
    run = subprocess.run([lint, "--config", ROOT / "pyproject.toml", "--no-cache", "--no-logo"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_no_module_is_over_500_lines():
    """A module that grows past this holds more than one job: split it by job."""
    sizes = {str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
             for path in (ROOT / "briefings").rglob("*.py")}
    assert sizes and {path: n for path, n in sizes.items() if n > MAX_LINES} == {}
