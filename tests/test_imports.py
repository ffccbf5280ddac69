"""The package's floors hold: no import circle, no import from a lower floor back up
(import-linter, with the contracts in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_no_import_circle_and_no_import_back_up(tmp_path):
    lint = Path(sys.executable).parent / "lint-imports"
    # Run from tmp_path with no cache: nothing is written into the checkout.
    run = subprocess.run([lint, "--config", ROOT / "pyproject.toml", "--no-cache", "--no-logo"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
