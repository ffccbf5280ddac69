"""Processes that made PDFs end cleanly and leave nothing behind: the PDF writer keeps a
font configuration between documents, and WeasyPrint writes the faces it loads into a
folder of the system's temporary folder, which nothing else removes."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from briefings.build import build
from tests.conftest import ALPHA, ROOT

PRINT_A_PDF = """
from briefings import projectfiles
from briefings.writers import pdf
from tests.test_formats import THEME, document
projectfiles.allow(pdf.__file__.rsplit("/briefings/", 1)[0])
pdf.render(document("<article><h1>Title</h1><p>Text.</p></article>"), THEME)
"""


def test_a_process_that_printed_a_pdf_exits_cleanly(tmp_path):
    """The kept configuration went at the interpreter's teardown, after the libraries it
    points into: a segmentation fault on exit, and its folder left."""
    done = subprocess.run([sys.executable, "-c", PRINT_A_PDF], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.glob("weasyprint-*"))


def test_a_build_leaves_no_font_folder(tiny, tmp_path, monkeypatch):
    """Each worker ends itself when the work is over, removing its folder of faces (a
    worker killed at the end left one per worker and build)."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    build(tiny, briefs=[ALPHA], formats=["pdf"], out=tmp_path / "out", jobs=2)
    assert list((tmp_path / "out").rglob("*.pdf"))
    assert not list(temporary.glob("weasyprint-*"))
