"""``briefings add-source``: a saved web page, PDF or text, or an address, becomes a source of
the fixture project: its text in facts/sources/, its entry in facts/sources.yaml, which a
fact then cites with a quote the check verifies. Each bad input is one line, and leaves the
project as it was."""

from __future__ import annotations

import functools
import http.server
import io
import threading

import pytest
import yaml

from tests.conftest import briefings

# A news page as a browser saves it: the article amid a menu, a cookie notice, share
# buttons, a list of other stories and a footer (all made up, as the fixture is).
PAGE = """<!doctype html><html lang="es-PE"><head><meta charset="utf-8">
<title>El faro de Strelsau abre en mayo | La Gaceta del Faro</title>
<meta property="og:title" content="El faro de Strelsau abre en mayo">
<meta property="article:published_time" content="2026-04-02T09:15:00-05:00">
<link rel="canonical" href="https://gaceta-faro.example/2026/04/02/faro-abre"></head><body>
<header><nav><ul><li><a href="/">Portada</a></li><li><a href="/puerto">Puerto</a></li>
<li><a href="/suscripcion">Suscríbase por un ducado al mes</a></li></ul></nav></header>
<div class="cookies">Usamos cookies para mejorar su experiencia. Aceptar</div>
<main><article><h1>El faro de Strelsau abre en mayo</h1>
<time datetime="2026-04-02">2 de abril de 2026</time>
<p>El Consejo del Puerto de Strelsau anunció que el nuevo faro se encenderá el 4 de mayo de 2026, tras once meses de obras en el espigón norte.</p>
<p>Según el acta del consejo, la luz alcanzará 22 millas náuticas y la guardarán cuatro fareros en turnos de seis horas.</p>
<p>La consejera de obras dijo que el presupuesto se cumplió sin desvíos, aunque la oposición pidió una auditoría independiente de las cuentas.</p>
<div class="share">Compartir en Facebook · Compartir por correo</div></article>
<aside><h3>Lo más leído</h3><ul><li><a href="/a">El tiempo en Strelsau este fin de semana</a></li>
<li><a href="/b">Resultados de la lotería del puerto</a></li></ul></aside></main>
<footer><p>© 2026 La Gaceta del Faro. Todos los derechos reservados.</p></footer>
</body></html>"""
ARTICLE = "la luz alcanzará 22 millas náuticas y la guardarán cuatro fareros"
BOILERPLATE = ["Suscríbase", "cookies", "Lo más leído", "lotería", "derechos reservados"]


def entry(project, source_id):
    sources = yaml.safe_load((project.facts / "sources.yaml").read_text(encoding="utf-8"))
    [found] = [s for s in sources["sources"] if s["id"] == source_id]
    return found


def cite(project, source_id, quote):
    """A fact of its own file citing the source with ``quote``."""
    (project.facts / "opening.yaml").write_text(f"""facts:
  - id: opening.lit
    text:
      es: Cuatro fareros guardarán el faro.
      en: Four keepers will tend the lighthouse.
    as_of: 2026-04-02
    kind: event
    status: reported
    sources:
      - id: {source_id}
        quote: "{quote}"
        locator: "párrafo 2"
""", encoding="utf-8")


def test_a_saved_news_page_becomes_a_source_a_fact_can_cite(tiny, tmp_path):
    saved = tmp_path / "saved" / "faro.html"
    saved.parent.mkdir()
    saved.write_text(PAGE, encoding="utf-8")
    added = briefings(tiny, "add-source", str(saved), "--kind", "news")
    assert added.returncode == 0, added.stderr
    # The article's words, without the page around them, as UTF-8 text.
    text = (tiny.facts / "sources" / "el-faro-de-strelsau-abre-en-mayo.txt").read_text(
        encoding="utf-8")
    assert ARTICLE in " ".join(text.split())
    assert not [words for words in BOILERPLATE if words in text]
    # Registered with what the page gives of itself, and printed for the analyst.
    source = entry(tiny, "el-faro-de-strelsau-abre-en-mayo")
    assert source["title"] == "El faro de Strelsau abre en mayo"
    assert str(source["date"]) == "2026-04-02" and source["date_basis"] == "stated"
    assert source["language"] == "es" and source["kind"] == "news"
    assert source["url"] == "https://gaceta-faro.example/2026/04/02/faro-abre"
    assert source["file"] == "el-faro-de-strelsau-abre-en-mayo.txt"
    assert "read_on" in source
    assert "  - id: el-faro-de-strelsau-abre-en-mayo" in added.stdout
    # Cited with a quote from its text, it passes the check; a quote altered fails it.
    cite(tiny, "el-faro-de-strelsau-abre-en-mayo", ARTICLE)
    assert briefings(tiny, "check", "--brief", "alpha").returncode == 0
    cite(tiny, "el-faro-de-strelsau-abre-en-mayo", ARTICLE.replace("cuatro", "cinco"))
    failed = briefings(tiny, "check", "--brief", "alpha")
    assert failed.returncode == 1
    assert "quote not found in source 'el-faro-de-strelsau-abre-en-mayo'" in failed.stdout


def _pdf(html: str) -> bytes:
    from weasyprint import HTML
    return HTML(string=html).write_pdf()


def test_a_pdf_gives_its_text_title_and_language(tiny, tmp_path):
    saved = tmp_path / "acta.pdf"
    saved.write_bytes(_pdf('<html lang="es"><head><title>Acta de apertura del faro</title>'
                           '</head><body><p>El consejo aprobó el encendido del faro el 4 de '
                           'mayo.</p></body></html>'))
    added = briefings(tiny, "add-source", str(saved), "--id", "acta-apertura")
    assert added.returncode == 0, added.stderr
    text = (tiny.facts / "sources" / "acta-apertura.txt").read_text(encoding="utf-8")
    assert "aprobó el encendido del faro" in text
    source = entry(tiny, "acta-apertura")
    assert source["title"] == "Acta de apertura del faro" and source["language"] == "es"
    # What the document cannot say is left for the analyst, marked in the file and printed.
    assert source["kind"] is None
    assert "    kind:  # complete: news, opinion, thesis, official or report" in added.stdout


@pytest.fixture
def server(tmp_path):
    """A real web server on 127.0.0.1 serving the news page, and nothing else."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # the test reads what briefings prints, alone
            pass

    handler = functools.partial(Quiet, directory=tmp_path)
    (tmp_path / "faro.html").write_text(PAGE, encoding="utf-8")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_an_address_is_downloaded_and_added(tiny, server):
    added = briefings(tiny, "add-source", "--url", f"{server}/faro.html", "--id", "faro-web",
                      "--kind", "news")
    assert added.returncode == 0, added.stderr
    assert ARTICLE in " ".join((tiny.facts / "sources" / "faro-web.txt").read_text(
        encoding="utf-8").split())
    assert entry(tiny, "faro-web")["url"] == "https://gaceta-faro.example/2026/04/02/faro-abre"
    missing = briefings(tiny, "add-source", "--url", f"{server}/gone.html")
    assert missing.returncode == 1
    assert missing.stderr == f"error: {server}/gone.html: the server answered 404 File not found\n"


def _scanned() -> bytes:
    from PIL import Image
    page = io.BytesIO()
    Image.new("RGB", (400, 560), "white").save(page, "PDF")
    return page.getvalue()


@pytest.mark.parametrize("name, content, args, says", [
    ("gone.html", None, [], "gone.html: there is no such file"),
    ("nota.docx", b"PK\x03\x04", [], "nota.docx: a '.docx' file cannot be added: save the "
     "source as a PDF, a web page (.html) or a text file (.txt)"),
    ("vacio.txt", b"  \n\n", [], "vacio.txt: no text was found in it"),
    ("escaneo.pdf", "scanned", [], "escaneo.pdf: no text was found in it (a scanned PDF"),
    ("roto.pdf", b"%PDF-1.7 broken", [], "roto.pdf: it is not a PDF that can be read"),
    ("latin1.txt", "Año".encode("latin-1"), [], "latin1.txt: it is not UTF-8 text"),
    ("nota.txt", b"Nota del faro", ["--id", "tide-herald"],
     "facts/sources.yaml: the id 'tide-herald' is already used: give another with --id"),
    ("nota.txt", b"Nota del faro", ["--id", "Nota_1"], "--id 'Nota_1': use lowercase"),
    ("nota.txt", b"Nota del faro", ["--url", "http://127.0.0.1:9/"],
     "name the file you saved, or give --url ADDRESS (one of the two)"),
])
def test_bad_input_is_one_line_and_changes_nothing(tiny, tmp_path, name, content, args, says):
    saved = tmp_path / "saved" / name
    saved.parent.mkdir()
    if content is not None:
        saved.write_bytes(_scanned() if content == "scanned" else content)
    register = (tiny.facts / "sources.yaml").read_bytes()
    texts = sorted(p.name for p in (tiny.facts / "sources").iterdir())
    result = briefings(tiny, "add-source", str(saved), *args)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ") and says in line, line
    assert (tiny.facts / "sources.yaml").read_bytes() == register
    assert sorted(p.name for p in (tiny.facts / "sources").iterdir()) == texts
