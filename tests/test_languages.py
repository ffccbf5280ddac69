"""A language is data: the fixture project declares Portuguese in its templates/project.yaml,
with the facts' texts, the briefs' titles and the sections' words in it and the theme's
i18n/pt.yaml; a reader who reads it gets every format in Portuguese, with no Python change.
What the project does not declare is refused in one line."""

import json
import re
import shutil
import zipfile

import pytest
import yaml
from lxml import etree, html
from pypdf import PdfReader

from briefings.build import build
from briefings.project import Project
from briefings.scaffold import new_reader
from tests.conftest import ALPHA, FIXTURES, briefings

# What is checked and written is the point here, not the worker processes: documents are
# made in this one (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("workers_in_this_process")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PORTUGUESE = FIXTURES / "portuguese"
# What a project writes to add a language: its code, its Babel locale, where its calls go.
DECLARED = """\
  pt:
    locale: pt_BR
    citation_call: before
"""


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def in_portuguese(project: Project) -> Project:
    """The fixture project with Portuguese added as an analyst adds it: declared in
    project.yaml, each text given in it (after its English), the sections' words in it
    (the theme's i18n/pt.yaml and sections/pt/ are the real theme's)."""
    english = "  en:\n    locale: en_GB\n    citation_call: after\n"
    edit(project.templates / "project.yaml", english, english + DECLARED)
    texts = yaml.safe_load((PORTUGUESE / "texts.yaml").read_text(encoding="utf-8"))
    block = re.compile(r"^( *)en: (.*)$", re.M)
    flow = re.compile(r"(\{es: [^,}]+, en: ([^,}]+))\}")
    def pt(english: str) -> str:
        return json.dumps(texts[english.strip('"')], ensure_ascii=False)
    for path in [*project.facts.glob("*.yaml"), *project.briefs.glob("*/brief.yaml"),
                 *project.readers.glob("*.yaml")]:
        text = path.read_text(encoding="utf-8")
        text = block.sub(lambda m: f"{m[0]}\n{m[1]}pt: {pt(m[2])}" if m[2] else m[0], text)
        text = flow.sub(lambda m: f"{m[1]}, pt: {pt(m[2])}}}", text)
        path.write_text(text, encoding="utf-8")
    shutil.copytree(PORTUGUESE / "templates", project.templates, dirs_exist_ok=True)
    return Project(project.root)


def portuguese_reader(project: Project, brief: str = ALPHA) -> None:
    """'porto', who reads Portuguese only, made as an analyst would: new-reader, then its
    name and languages, then added to the brief's readers."""
    path = new_reader(project, "porto", "ministry")
    edit(path, '  pt: "porto"', "  pt: Câmara do Porto de Strelsau")
    path.write_text(path.read_text(encoding="utf-8") + "languages: [pt]\n", encoding="utf-8")
    edit(project.briefs / brief / "brief.yaml", "readers:\n", "readers:\n  porto: {}\n")


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def porto_built(tmp_path_factory):
    """Brief 'alpha' built for the Portuguese reader, in every format."""
    from tests.conftest import EPOCH, copy_tiny
    project = in_portuguese(copy_tiny(tmp_path_factory.mktemp("pt")))
    portuguese_reader(project)
    out = tmp_path_factory.mktemp("pt-build")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build(project, briefs=[ALPHA], readers=["porto"], out=out)
    return out / ALPHA / "porto"


def test_a_reader_in_portuguese_gets_every_format(porto_built):
    assert sorted(p.name for p in porto_built.iterdir()) == [
        "alpha-porto-pt.docx", "alpha-porto-pt.html", "alpha-porto-pt.pdf",
        "alpha-porto-pt.text.json"]


def test_the_pdf_is_in_portuguese(porto_built):
    pdf = porto_built / "alpha-porto-pt.pdf"
    text = words(" ".join(page.extract_text() for page in PdfReader(pdf).pages))
    # the theme's furniture, the brief's title, the reader's name, a fact and its call
    # before the period (citation_call: before in project.yaml), dates by Babel's pt_BR
    for said in ("INFORME DE POLÍTICA", "O farol de Strelsau", "Câmara do Porto de Strelsau",
                 "Data de elaboração", "23 de novembro de 2026", "Página 2 de",
                 "USO OFICIAL — DISTRIBUIÇÃO RESTRITA",
                 "aprovou o novo farol por 41 votos a favor e 17 contra [1, 2].",
                 "Resumo", "Fontes"):
        assert said in text, said
    for english_or_spanish in ("Prepared on", "Fecha de elaboración", "November", "noviembre"):
        assert english_or_spanish not in text
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "pt-BR"  # the locale of project.yaml


def test_the_web_page_is_in_portuguese(porto_built):
    page = html.parse(str(porto_built / "alpha-porto-pt.html")).getroot()
    assert page.get("lang") == "pt-BR"
    text = words(page.text_content())
    assert "O Conselho do Porto de Strelsau aprovou o novo farol" in text
    assert "23 de novembro de 2026" in text and "Português" in text


def test_the_docx_is_in_portuguese(porto_built):
    with zipfile.ZipFile(porto_built / "alpha-porto-pt.docx") as package:
        document = etree.fromstring(package.read("word/document.xml"))
        styles = etree.fromstring(package.read("word/styles.xml"))
    text = words(" ".join(t.text or "" for t in document.iter(f"{W}t")))
    assert "O Conselho do Porto de Strelsau aprovou o novo farol" in text
    assert "23 de novembro de 2026" in text
    tags = {el.get(f"{W}val") for root in (document, styles) for el in root.iter(f"{W}lang")}
    assert tags == {"pt-BR"}  # Word checks the spelling of Brazilian Portuguese


def test_a_language_the_project_does_not_declare_is_one_line(tiny):
    edit(tiny.readers / "press.yaml", "languages: [en, es]", "languages: [en, pt]")
    result = briefings(tiny, "build", "--format", "html")
    assert (result.returncode, result.stderr) == (1, (
        "error: templates/readers/press.yaml:5: languages.1: unknown language 'pt' (known: "
        "es, en; a language is added in templates/project.yaml)\n"))


def test_a_text_missing_in_a_language_a_reader_reads_names_its_file_line_and_language(tiny):
    """Before a reader reads Portuguese, a fact may lack it (the language is being added);
    after, the fact is refused at its line."""
    project = in_portuguese(tiny)
    edit(project.facts / "council.yaml",
         "\n      pt: \"O Conselho do Porto de Strelsau se reúne a cada 14 dias.\"", "")
    assert briefings(project, "build", "--format", "html").returncode == 0
    portuguese_reader(project)
    result = briefings(project, "build", "--format", "html")
    assert (result.returncode, result.stderr) == (1, (
        "error: facts/council.yaml:6: fact 'council.sessions': text: no text in 'pt', which "
        "a reader reads: add one\n"))


def test_a_new_brief_builds_in_every_language_of_the_project(tiny):
    """new-brief writes the words of each declared language (the theme's new/pt.yaml):
    a reader of Portuguese gets it at once, in every format, with nothing of another brief."""
    project = in_portuguese(tiny)
    portuguese_reader(project)
    assert briefings(project, "new-brief", "demo", "--reader", "porto").returncode == 0
    checked = briefings(project, "check", "--brief", "demo", "--no-warnings")
    assert checked.returncode == 0, checked.stdout
    built = briefings(project, "build", "--brief", "demo")
    assert built.returncode == 0, built.stderr
    folder = project.build / "demo/porto"
    assert sorted(p.name for p in folder.iterdir()) == [
        "demo-porto-pt.docx", "demo-porto-pt.html", "demo-porto-pt.pdf",
        "demo-porto-pt.text.json"]
    text = words(html.parse(str(folder / "demo-porto-pt.html")).getroot().text_content())
    assert "Novo informe" in text and "Resumo" in text and "Escreva aqui o resumo" in text
    assert "Conselho" not in text and "[1]" not in text  # no fact, no source of another brief
