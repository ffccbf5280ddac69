"""make docx-proof: built DOCX opened by LibreOffice, their pages drawn and fonts checked."""

from __future__ import annotations

import http.server
import json
import re
import shutil
import subprocess
import threading
import zipfile

import pytest

from briefings import proof
from briefings.build import build
from tests.conftest import BETA
from tests.test_docx_package import hostile

NEEDED = ("soffice", "pdffonts", "pdftoppm")
# The real client: where it is missing these tests skip, and pytest's -ra (pyproject.toml)
# lists each with this reason in the summary. make test installs it when it can.
needs_libreoffice = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in NEEDED),
    reason="LibreOffice or poppler-utils is not installed: "
           "sudo apt-get install -y libreoffice-writer-nogui poppler-utils")


def test_make_test_installs_libreoffice_or_the_summary_names_each_skip():
    """A fresh machine never skips the real client silently: make test installs it (as
    root, with apt-get), and pytest's summary lists every skip with its reason."""
    import tomllib
    from tests.conftest import ROOT
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"]["addopts"].split()
    assert "-ra" in options or "-rs" in options
    command = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
    assert "apt-get install -y -qq libreoffice-writer-nogui poppler-utils" in command


def rename_font(docx, new_docx, old: str, new: str) -> None:
    """A copy of ``docx`` whose text asks for font ``new`` where it asked for ``old``."""
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(new_docx, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename in ("word/styles.xml", "word/numbering.xml"):
                data = data.replace(old.encode(), new.encode())
            dst.writestr(item, data)


@needs_libreoffice
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
    assert_contents_show_each_sections_page(out / entry["pdf"])

    entry = report[str(bad.relative_to(out))]
    assert entry["fallback"] and not any("Plex" in f for f in entry["fallback"])
    assert f"fallback: {', '.join(entry['fallback'])}" in printed
    assert printed.rstrip().endswith("2 DOCX proofed in " + str(out / "proof") +
                                     "/ (PDFs and page images); 1 with a problem")


def assert_contents_show_each_sections_page(pdf):
    """The cover's contents list as LibreOffice first shows it (its PDF of the DOCX): each
    section's heading, then the page that heading is on, without the reader updating any
    field."""
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    listed = dict(re.findall(r"^(\S.*?)\.{3,}\s*(\d+)$", pages[0], re.MULTILINE))
    assert list(listed) == ["Summary", "Sources"], pages[0]
    for heading, page in listed.items():
        assert heading in pages[int(page) - 1], (heading, page)


def test_without_libreoffice_it_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))       # no soffice, no poppler
    assert proof.run(tmp_path) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line == ("docx-proof needs soffice and pdffonts and pdftoppm: install with "
                    "apt-get install -y libreoffice-writer-nogui poppler-utils")


def test_libreoffice_runs_without_network(tmp_path, monkeypatch):
    """Each soffice command starts with the prefix that cuts it off the network."""
    commands = []

    def run(command, **kwargs):
        commands.append(command)
        return subprocess.CompletedProcess(command, 0)
    monkeypatch.setattr(proof, "offline", lambda: ["unshare", "--net"])
    monkeypatch.setattr(proof.shutil, "which", lambda tool: "/usr/bin/" + tool)
    monkeypatch.setattr(proof.subprocess, "run", run)
    (tmp_path / "a.docx").write_bytes(b"")
    proof.run(tmp_path)
    (soffice,) = [c for c in commands if "soffice" in c]
    assert soffice[:3] == ["unshare", "--net", "soffice"]


def test_without_a_way_to_cut_the_network_it_refuses(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(proof, "offline", lambda: None)
    monkeypatch.setattr(proof.shutil, "which", lambda tool: "/usr/bin/" + tool)
    (tmp_path / "a.docx").write_bytes(b"")
    assert proof.run(tmp_path) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("docx-proof runs LibreOffice without network, and cannot here")
    assert not (tmp_path / "proof").exists()


@pytest.mark.parametrize("answers, expected", [
    ([0], ["unshare", "--net"]),                                # root
    ([1, 0], ["unshare", "--net", "--map-root-user"]),          # a user with namespaces
    ([1, 1], None),
    ([FileNotFoundError], None),                                # no unshare at all
])
def test_offline_takes_the_first_way_that_works_here(monkeypatch, answers, expected):
    answers = iter(answers)

    def run(command, **kwargs):
        assert command[-1] == "true"
        answer = next(answers)
        if answer is FileNotFoundError:
            raise answer(command[0])
        return subprocess.CompletedProcess(command, answer)
    monkeypatch.setattr(proof.subprocess, "run", run)
    assert proof.offline() == expected


@needs_libreoffice
def test_proof_reaches_no_address_a_document_links_to(tiny, tmp_path):
    """A DOCX under build/ that links to pictures on a local listener: LibreOffice asks for
    them when run as it is, and the proof makes no request."""
    if proof.offline() is None:
        pytest.skip("unshare --net does not work here (the proof refuses to run)")
    hits = []

    class Listener(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_HEAD = do_OPTIONS = do_PROPFIND = do_GET

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out = tmp_path / "build"
        build(tiny, briefs=[BETA], langs=["en"], formats=["docx"], out=out)
        (built,) = out.rglob("*.docx")
        url = f"http://127.0.0.1:{server.server_address[1]}"
        linked = built.with_name("linked.docx")
        linked.write_bytes(hostile(built.read_bytes(), url))
        built.unlink()

        assert proof.run(out) == 0  # its fonts are the theme's: no problem to report
        assert hits == []
        assert (out / "proof" / linked.parent.relative_to(out) / "linked.pdf").is_file()

        # the same document, opened by LibreOffice on the network, asks for them
        subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
                        "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                        str(tmp_path), str(linked)], capture_output=True, timeout=300)
        assert hits
    finally:
        server.shutdown()
        server.server_close()
