"""Only what changed is rebuilt; nothing changed costs nothing."""

import json
import os
import subprocess
import sys

from briefings.build import build
from briefings.scaffold import new_reader
from tests.conftest import ALPHA, ROOT, briefings


def test_a_second_build_rebuilds_nothing(tiny, tmp_path):
    out = tmp_path / "out"
    first = build(tiny, formats=["html", "docx"], out=out, jobs=1)
    manifest = (out / "manifest.json").read_text()
    again = build(tiny, formats=["html", "docx"], out=out, jobs=1)
    # alpha for ministry and press, beta for ministry: 3 editions × 2 languages × 2 formats
    assert len(first.built) == 12 and again.built == [] and again.current == 12
    assert (out / "manifest.json").read_text() == manifest


def test_one_reader_template_rebuilds_its_brief_and_no_other(tiny, tmp_path):
    """A reader's template may cite a source the others do not, which changes the numbers
    every version of the brief gives its sources: the whole brief is rebuilt, no other."""
    new_reader(tiny, "bulletin", "ministry")
    brief = tiny.briefs / ALPHA / "brief.yaml"
    brief.write_text(brief.read_text() + "  bulletin: {}\n")
    out = tmp_path / "out"
    build(tiny, formats=["html"], out=out, jobs=1)
    override = tiny.briefs / ALPHA / "readers/bulletin/sections/sources.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "brief/sections/sources.md.j2" %}\n')
    report = build(tiny, formats=["html"], out=out, jobs=1)
    assert sorted(p.name for p in report.built) == [
        f"alpha-{reader}-{lang}.html" for reader in ("bulletin", "ministry", "press")
        for lang in ("en", "es")]


def test_a_fact_change_rebuilds_the_documents_that_use_it(tiny, tmp_path):
    out = tmp_path / "out"
    build(tiny, formats=["html"], out=out, jobs=1)
    (tiny.facts / "unused.yaml").write_text("facts: []\n")
    assert build(tiny, formats=["html"], out=out, jobs=1).built == []
    # text, value and quote, and the sources' texts the quotes are checked against
    for path in (tiny.facts / "harbour.yaml", *(tiny.facts / "sources").iterdir()):
        path.write_text(path.read_text(encoding="utf-8").replace("41", "42"), encoding="utf-8")
    report = build(tiny, formats=["html"], out=out, jobs=1)
    # alpha's documents, and beta's: its one fact cites gaceta-faro, whose text changed
    # (its quote is checked against the new one). tests/test_apart.py edits a fact alone.
    assert sorted(p.name for p in report.built) == [
        "alpha-ministry-en.html", "alpha-ministry-es.html", "alpha-press-en.html",
        "alpha-press-es.html", "beta-ministry-en.html", "beta-ministry-es.html"]
    assert "42" in (out / ALPHA / "ministry/alpha-ministry-en.html").read_text()


def test_parallel_and_serial_builds_give_the_same_files(tiny, tmp_path):
    def hashes(out):
        return {e["path"]: e["sha256"]
                for e in json.loads((out / "manifest.json").read_text())["outputs"]}
    build(tiny, formats=["docx", "html"], out=tmp_path / "serial", jobs=1)
    build(tiny, formats=["docx", "html"], out=tmp_path / "parallel", jobs=2)
    assert hashes(tmp_path / "serial") == hashes(tmp_path / "parallel")


def test_a_no_op_build_imports_neither_weasyprint_nor_pydantic(tiny, tmp_path):
    out = tmp_path / "out"
    build(tiny, formats=["html"], out=out, jobs=1)
    code = ("import sys; from briefings.cli import main; "
            f"code = main(['--project', {str(tiny.root)!r}, 'build', '--format', 'html', "
            f"'--out', {str(out)!r}]); "
            "print(code, 'weasyprint' in sys.modules, 'pydantic' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert result.stdout.splitlines() == [
        f"up to date: nothing changed since the last build in {out}", "0 False False"]


def test_an_output_changed_in_place_is_rebuilt(tiny, tmp_path):
    out = tmp_path / "out"
    build(tiny, formats=["html"], langs=["es"], out=out, jobs=1)
    path = out / ALPHA / "press/alpha-press-es.html"
    original = path.read_bytes()
    path.write_bytes(original.replace(b"Prensa", b"PRENSA", 1))  # same size, other bytes
    assert path.read_bytes() != original
    result = briefings(tiny, "build", "--format", "html", "--lang", "es", "--out", str(out))
    assert result.stdout == f"built 1 files in {out} (2 already up to date)\n"
    assert path.read_bytes() == original
