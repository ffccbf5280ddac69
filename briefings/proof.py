"""The DOCX as a recipient sees it: every built DOCX opened by LibreOffice and printed to PDF,
then its pages drawn, its fonts listed and any font it fell back to named.

    python -m briefings.proof [BUILD]          (make docx-proof)

writes ``BUILD/proof/<brief>/<reader>/<stem>.pdf`` and ``<stem>/page-NN.png``, and
``BUILD/proof/report.json``; exits 1 when a document shows a font it does not carry (so a
recipient without that font sees another) or could not be converted.

Each document is converted by its own LibreOffice process with a profile of this run's
own, as one recipient opening one attachment; none of it touches a LibreOffice the user
has open. LibreOffice and poppler's ``pdffonts``/``pdftoppm`` must be installed.

LibreOffice fetches what a document links to (linked images, an attached template), and
any DOCX under ``BUILD`` is proofed, built here or not: it runs in a network namespace of
its own, with no network (``unshare --net``, as root or through a user namespace). Where
neither works the proof refuses to run rather than run connected.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError
from lxml import etree

from briefings.writers.docx.embedded_fonts import obfuscate

TOOLS = {"soffice": "libreoffice-writer-nogui", "pdffonts": "poppler-utils",
         "pdftoppm": "poppler-utils"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
CONVERT_SECONDS = 300
# ways to run a program with no network: a new, empty network namespace; without root,
# inside a user namespace of its own where this user is root
OFFLINE = (("unshare", "--net"), ("unshare", "--net", "--map-root-user"))
RESOLUTION = 60                             # dots per inch of the page images


@dataclass
class Proof:
    docx: str                               # relative to the build folder
    pdf: str | None = None
    pages: int = 0
    fonts: list[str] | None = None          # PostScript names, as pdffonts lists them
    carried: list[str] | None = None        # the faces the DOCX embeds
    fallback: list[str] | None = None       # fonts used that the DOCX does not carry
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.fallback


def carried_fonts(docx: Path) -> set[str]:
    """The PostScript names of the faces embedded in ``docx`` (its font table's
    ``w:embed*`` parts, de-obfuscated with their keys)."""
    names = set()
    with zipfile.ZipFile(docx) as z:
        if "word/fontTable.xml" not in z.namelist():
            return names
        table = etree.fromstring(z.read("word/fontTable.xml"))
        rels = {}
        if "word/_rels/fontTable.xml.rels" in z.namelist():
            rels = {r.get("Id"): r.get("Target")
                    for r in etree.fromstring(z.read("word/_rels/fontTable.xml.rels"))}
        for embedded in table.iter(f"{W}embedRegular", f"{W}embedBold", f"{W}embedItalic",
                                   f"{W}embedBoldItalic"):
            target = rels.get(embedded.get(f"{R}id"))
            key = embedded.get(f"{W}fontKey")
            if target is None or key is None:
                continue
            data = obfuscate(z.read("word/" + target.lstrip("/").removeprefix("word/")), key)
            names.add(TTFont(io.BytesIO(data), lazy=True)["name"].getDebugName(6))
    names.discard(None)
    return names


def pdf_fonts(pdf: Path) -> list[str]:
    """The fonts a PDF uses, by PostScript name, without the subset tag (``ABCDEF+``)."""
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    return sorted({re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in listing if line})


def offline() -> list[str] | None:
    """The command prefix that cuts a program off the network here, or None if none does."""
    for prefix in OFFLINE:
        try:
            if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
                return list(prefix)
        except OSError:                     # no unshare
            return None
    return None


def proof_one(docx: Path, build: Path, out: Path, profile: Path, work: Path,
              isolated: list[str]) -> Proof:
    result = Proof(str(docx.relative_to(build)))
    folder = out / docx.parent.relative_to(build)
    converted = work / (docx.stem + ".pdf")
    try:
        subprocess.run([*isolated, "soffice", f"-env:UserInstallation={profile.as_uri()}",
                        "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                        str(work), str(docx)],
                       capture_output=True, timeout=CONVERT_SECONDS, check=True)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        result.error = f"LibreOffice could not convert it ({exc})"
        return result
    if not converted.is_file():
        result.error = "LibreOffice wrote no PDF for it"
        return result
    pages = work / docx.stem
    pages.mkdir()
    try:
        subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), str(converted),
                        str(pages / "page")], capture_output=True, check=True)
        result.fonts = pdf_fonts(converted)
        result.carried = sorted(carried_fonts(docx))
    except subprocess.CalledProcessError as exc:
        result.error = f"poppler could not read LibreOffice's PDF of it ({exc})"
        return result
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, TTLibError) as exc:
        result.error = f"its embedded fonts cannot be read ({exc})"
        return result
    result.pages = len(list(pages.glob("page-*.png")))
    result.fallback = [f for f in result.fonts if f not in result.carried]
    # the new proof replaces the old one only now that it is complete
    folder.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder / docx.stem, ignore_errors=True)
    shutil.move(str(pages), folder / docx.stem)
    shutil.move(str(converted), folder / converted.name)
    result.pdf = str((folder / converted.name).relative_to(build))
    return result


def describe(proof: Proof) -> str:
    if proof.error:
        return f"{proof.docx}: {proof.error}"
    line = f"{proof.docx}: {proof.pages} pages, fonts: {', '.join(proof.fonts) or 'none'}"
    if proof.fallback:
        line += (f"\n  fallback: {', '.join(proof.fallback)} (the document does not carry "
                 f"it; it carries {', '.join(proof.carried) or 'no font'})")
    return line


def run(build: Path) -> int:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        packages = " ".join(dict.fromkeys(TOOLS[tool] for tool in missing))
        print(f"docx-proof needs {' and '.join(missing)}: install with "
              f"apt-get install -y {packages}")
        return 1
    isolated = offline()
    if isolated is None:
        print("docx-proof runs LibreOffice without network, and cannot here: 'unshare --net' "
              "fails (it needs root, or user namespaces allowed to this user)")
        return 1
    out = build / "proof"
    documents = sorted(p for p in build.rglob("*.docx") if out not in p.parents)
    if not documents:
        print(f"no DOCX in {build}/: build them first (make brief)")
        return 1
    with tempfile.TemporaryDirectory(prefix="docx-proof-") as temp:
        profile = Path(temp) / "profile"
        proofs = []
        for n, docx in enumerate(documents):
            work = Path(temp) / str(n)
            work.mkdir()
            proofs.append(proof_one(docx, build, out, profile, work, isolated))
            print(describe(proofs[-1]), flush=True)
    out.mkdir(parents=True, exist_ok=True)
    report = out / "report.json"
    report.with_suffix(".tmp").write_text(json.dumps([asdict(p) for p in proofs], indent=2),
                                          encoding="utf-8")
    report.with_suffix(".tmp").replace(report)
    bad = [p for p in proofs if not p.ok]
    print(f"{len(proofs)} DOCX proofed in {out}/ (PDFs and page images)"
          + (f"; {len(bad)} with a problem" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1] if len(sys.argv) > 1 else "build")))
