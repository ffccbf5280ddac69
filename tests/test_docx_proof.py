"""make docx-proof: built DOCX opened by LibreOffice, their pages drawn and fonts checked."""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest

from briefings import proof
from briefings.build import build
from tests.conftest import BETA

NEEDED = ("soffice", "pdffonts", "pdftoppm")


def rename_font(docx, new_docx, old: str, new: str) -> None:
    """A copy of ``docx`` whose text asks for font ``new`` where it asked for ``old``."""
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(new_docx, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename in ("word/styles.xml", "word/numbering.xml"):
                data = data.replace(old.encode(), new.encode())
            dst.writestr(item, data)


@pytest.mark.skipif(any(shutil.which(tool) is None for tool in NEEDED),
                    reason="LibreOffice (soffice) and poppler-utils are not installed")
def test_proof_converts_each_docx_and_names_fonts_it_fell_back_to(tiny, tmp_path, capsys):
    out = tmp_path / "build"
    build(tiny, briefs=[BETA], langs=["en"], formats=["docx"], out=out)
    (good,) = out.rglob("*.docx")
    bad = good.with_name("unfaithful.docx")
    rename_font(good, bad, "IBM Plex Serif", "No Such Serif")

    assert proof.run(out) == 1                      # a fallback font fails the proof
    printed = capsys.readouterr().out
    report = {entry["docx"]: entry for entry in
              json.loads((out / "proof/report.json").read_text(encoding="utf-8"))}

    entry = report[str(good.relative_to(out))]
    assert entry["error"] is None and entry["fallback"] == []
    assert entry["pages"] >= 2                      # the cover, then the body
    assert set(entry["fonts"]) <= set(entry["carried"])
    assert entry["fonts"] and all(f.startswith("IBMPlexSerif-") for f in entry["fonts"])
    assert "IBMPlexSerif-Regular" in entry["fonts"]
    pages = out / "proof" / good.parent.relative_to(out) / good.stem
    assert len(list(pages.glob("page-*.png"))) == entry["pages"]
    assert (out / entry["pdf"]).read_bytes().startswith(b"%PDF")
    assert f"{entry['docx']}: {entry['pages']} pages, fonts: " in printed

    entry = report[str(bad.relative_to(out))]
    assert entry["fallback"] and not any("Plex" in f for f in entry["fallback"])
    assert f"fallback: {', '.join(entry['fallback'])}" in printed
    assert printed.rstrip().endswith("2 DOCX proofed in " + str(out / "proof") +
                                     "/ (PDFs and page images); 1 with a problem")


def test_without_libreoffice_it_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))       # no soffice, no poppler
    assert proof.run(tmp_path) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line == ("docx-proof needs soffice and pdffonts and pdftoppm: install with "
                    "apt-get install -y libreoffice-writer-nogui poppler-utils")
