"""The package's shape holds: rooms of one job, none over about 500 lines; no import circle
and no import from a lower floor back up (import-linter, with the contracts in
pyproject.toml)."""

import ast
import re
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


def test_the_package_names_no_language():
    """Languages are data (templates/project.yaml): no language's code is a text of the
    package, not even English for the tool's own messages, which name a language by
    Babel's English name of it (i18n.language_name)."""
    from briefings.i18n import language_name
    from briefings.project import Project
    languages = Project(ROOT).settings.languages   # and Portuguese, which the theme ships
    codes = "|".join(sorted({*languages, "pt"} | {lang.locale for lang in languages.values()}))
    code = re.compile(rf"({codes})([_-][A-Za-z]{{2}})?")
    found = [f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
             for path in sorted((ROOT / "briefings").rglob("*.py"))
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and code.fullmatch(node.value)]
    assert found == []
    assert [language_name(code) for code in ("es", "es_MX", "pt_BR")] == \
        ["Spanish", "Spanish", "Portuguese"]
