"""End to end: build the real project and read the files back."""

import hashlib
import io
import json
import os
import subprocess
import sys

import pytest
from pypdf import PdfReader

from briefings.build import build
from briefings.compose import CACHE
from briefings.errors import BriefingError
from tests.conftest import ROOT


def manifest(out):
    return json.loads((out / "manifest.json").read_text())["outputs"]


def pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def test_manifest_lists_every_output_with_its_hash(built):
    entries = manifest(built)
    combos = {(e["audience"], e["lang"], e["format"]) for e in entries}
    assert {("cancilleria", lang, fmt) for lang in ("es", "en")
            for fmt in ("pdf", "docx", "html")} <= combos
    for entry in entries:
        data = (built / entry["path"]).read_bytes()
        assert entry["path"] == (f"{entry['audience']}/peru-mnna-{entry['audience']}-"
                                 f"{entry['lang']}.{entry['format']}")
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        if entry["format"] == "pdf":
            assert entry["pages"] == len(PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("lang, words", [
    ("es", ["Resumen ejecutivo", "La autorización del Congreso", "Fuentes", "CIFRAS CLAVE",
            "73 a favor, 25 en contra", "1 de enero – 31 de diciembre de 2026",
            "Página 2 de", "USO OFICIAL — DISTRIBUCIÓN RESTRINGIDA",
            "Información vigente al", "Lima, Callao"]),
    ("en", ["Executive summary", "The authorization by Peru's Congress", "Sources", "KEY FIGURES",
            "73 in favour, 25 against", "1 Jan – 31 Dec 2026",
            "Page 2 of", "OFFICIAL USE — LIMITED DISTRIBUTION",
            "Information current as of", "Lima, Callao"]),
])
def test_pdf_has_sections_values_and_furniture_in_its_language(built, lang, words):
    path = built / f"cancilleria/peru-mnna-cancilleria-{lang}.pdf"
    text = pdf_text(path)
    for word in words:
        assert word in text
    reader = PdfReader(path)
    assert reader.metadata.title == ("El Perú, aliado principal no miembro de la OTAN"
                                     if lang == "es" else "Peru as a Major Non-NATO Ally")
    assert reader.trailer["/Root"]["/Lang"] == lang


def test_pdf_links_its_contents_but_prints_citations_as_plain_numbers(built):
    path = built / "cancilleria/peru-mnna-cancilleria-es.pdf"
    targets = {str(annot.get_object().get("/Dest")) for page in PdfReader(path).pages
               for annot in page.get("/Annots") or ()}
    assert {"summary", "sources"} <= targets
    assert not [t for t in targets if t.startswith("src-")]
    assert "[1]" in pdf_text(path)


def test_pdf_embeds_the_shipped_font(built):
    reader = PdfReader(built / "cancilleria/peru-mnna-cancilleria-es.pdf")
    fonts = {str(font["/BaseFont"]).split("+")[-1]
             for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts and all(name.startswith("IBM-Plex-Serif") for name in fonts)
    assert {"IBM-Plex-Serif", "IBM-Plex-Serif-Semi-Bold", "IBM-Plex-Serif-Italic"} <= fonts


def test_a_missing_font_is_an_error(project, tmp_path):
    (project.base / "fonts/IBMPlexSerif-Bold.ttf").unlink()
    with pytest.raises(BriefingError, match="brief.css: Font-face 'IBM Plex Serif' cannot"):
        build(project, formats=["pdf"], langs=["es"], out=tmp_path / "out")


def test_failed_build_keeps_previous_outputs(project, tmp_path):
    out = tmp_path / "out"
    build(project, formats=["pdf", "html"], langs=["en"], out=out)

    def outputs():  # the cache (figures, compiled templates) is not an output
        return {p: p.read_bytes() for p in out.rglob("*")
                if p.is_file() and CACHE not in p.relative_to(out).parents}
    before = outputs()
    template = project.base / "sections/en/authorization.md.j2"
    template.write_text(template.read_text() + "\n{{ fact('congress.nothing') }}\n")
    with pytest.raises(BriefingError):
        build(project, formats=["pdf", "html"], langs=["en"], out=out)
    assert outputs() == before


def test_unknown_audience_language_or_format(project, tmp_path):
    for kwargs, message in (({"audiences": ["prensa-x"]}, "unknown audience 'prensa-x'"),
                            ({"langs": ["fr"]}, "unknown language 'fr'"),
                            ({"formats": ["odt"]}, "unknown format 'odt'")):
        with pytest.raises(BriefingError, match=message):
            build(project, out=tmp_path, **kwargs)


def test_cli_prints_one_line_and_fails(project):
    template = project.base / "sections/es/summary.md.j2"
    template.write_text(template.read_text().replace("vote.against", "vote.contra"))
    result = subprocess.run(
        [sys.executable, "-m", "briefings", "--project", str(project.root), "build",
         "--lang", "es", "--format", "html"],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: templates/base/sections/es/summary.md.j2:39: fact 'congress.vote' has no "
        "value 'contra' (its values: in_favour, against)"]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_pdf_is_tagged_and_labelled(built, lang):
    reader = PdfReader(built / f"cancilleria/peru-mnna-cancilleria-{lang}.pdf")
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    info = reader.metadata
    assert info.author and info.subject and info.get("/Keywords")
    assert (("Perú" in info["/Keywords"]) if lang == "es" else ("Peru" in info["/Keywords"]))
