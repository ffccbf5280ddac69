"""Only what changed is rebuilt; nothing changed costs nothing."""

import json
import os
import subprocess
import sys

from briefings.build import build
from briefings.scaffold import new_reader
from tests.conftest import PERU, ROOT, only_readers


def test_a_second_build_rebuilds_nothing(project, tmp_path):
    only_readers(project, "cancilleria")
    out = tmp_path / "out"
    first = build(project, formats=["html", "docx"], out=out, jobs=1)
    manifest = (out / "manifest.json").read_text()
    again = build(project, formats=["html", "docx"], out=out, jobs=1)
    assert len(first.built) == 4 and again.built == [] and again.current == 4
    assert (out / "manifest.json").read_text() == manifest


def test_one_reader_template_rebuilds_only_that_reader(project, tmp_path):
    only_readers(project, "cancilleria")
    new_reader(project, "boletin", "cancilleria")
    brief = project.briefs / PERU / "brief.yaml"
    brief.write_text(brief.read_text() + "  boletin: {}\n")
    out = tmp_path / "out"
    build(project, formats=["html"], out=out, jobs=1)
    override = project.briefs / PERU / "readers/boletin/sections/es/sources.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "brief/sections/es/sources.md.j2" %}\n')
    report = build(project, formats=["html"], out=out, jobs=1)
    assert [p.name for p in report.built] == ["peru-mnna-boletin-es.html"]


def test_a_fact_change_rebuilds_the_documents_that_use_it(project, tmp_path):
    only_readers(project, "cancilleria")
    out = tmp_path / "out"
    build(project, formats=["html"], out=out, jobs=1)
    (project.facts / "unused.yaml").write_text("facts: []\n")
    assert build(project, formats=["html"], out=out, jobs=1).built == []
    congress = project.facts / "congress.yaml"
    congress.write_text(congress.read_text().replace("73", "74"))  # text, value and quote
    report = build(project, formats=["html"], out=out, jobs=1)
    assert len(report.built) == 2
    assert "74" in (out / PERU / "cancilleria/peru-mnna-cancilleria-en.html").read_text()


def test_parallel_and_serial_builds_give_the_same_files(project, tmp_path):
    def hashes(out):
        return {e["path"]: e["sha256"]
                for e in json.loads((out / "manifest.json").read_text())["outputs"]}
    build(project, formats=["docx", "html"], out=tmp_path / "serial", jobs=1)
    build(project, formats=["docx", "html"], out=tmp_path / "parallel", jobs=2)
    assert hashes(tmp_path / "serial") == hashes(tmp_path / "parallel")


def test_a_no_op_build_imports_neither_weasyprint_nor_pydantic(project, tmp_path):
    out = tmp_path / "out"
    build(project, formats=["html"], out=out, jobs=1)
    code = ("import sys; from briefings.cli import main; "
            f"code = main(['--project', {str(project.root)!r}, 'build', '--format', 'html', "
            f"'--out', {str(out)!r}]); "
            "print(code, 'weasyprint' in sys.modules, 'pydantic' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert result.stdout.splitlines() == [
        f"up to date: nothing changed since the last build in {out}", "0 False False"]


def test_an_output_changed_in_place_is_rebuilt(project, tmp_path):
    only_readers(project, "prensa")
    out = tmp_path / "out"
    build(project, formats=["html"], langs=["es"], out=out, jobs=1)
    path = out / PERU / "prensa/peru-mnna-prensa-es.html"
    original = path.read_bytes()
    path.write_bytes(original.replace(b"Prensa", b"PRENSA", 1))  # same size, other bytes
    result = subprocess.run(
        [sys.executable, "-m", "briefings", "--project", str(project.root), "build",
         "--format", "html", "--lang", "es", "--out", str(out)],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert result.stdout == f"built 1 files in {out}\n"
    assert path.read_bytes() == original
