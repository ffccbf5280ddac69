"""A brief's versions in brief.yaml: each checked at its line, and from the second on, what
it replaces and its change note near the top of every format."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree, html
from pypdf import PdfReader

from briefings.briefs import load_brief
from briefings.build import build
from briefings.cli import main
from tests.conftest import ALPHA, BETA, only_readers

# What is checked and written is the point here, not the worker processes: documents are
# made in this one (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("workers_in_this_process")

NOTES = {"es": "La obra terminará en 2027, no en 2026: el Consejo aprobó una prórroga.",
         "en": "The works will end in 2027, not 2026: the Council approved an extension."}


def second_version(project, versions: str | None = None) -> None:
    """Brief alpha at version 1.1 (or with the ``versions`` block given)."""
    path = project.briefs / ALPHA / "brief.yaml"
    versions = versions or (
        f'  - version: "1.1"\n    date: 2026-11-23\n    changes:\n'
        f'      es: "{NOTES["es"]}"\n      en: "{NOTES["en"]}"\n'
        '  - {version: "1.0", date: 2026-11-20}\n')
    text, found = re.subn(r"^versions:.*?^(?=sections:)", lambda _: "versions:\n" + versions,
                          path.read_text(encoding="utf-8"), flags=re.M | re.S)
    assert found == 1
    path.write_text(text, encoding="utf-8")


def test_the_newest_version_is_the_brief_s_and_version_alone_still_works(tiny):
    second_version(tiny)
    alpha = load_brief(tiny, ALPHA)
    assert alpha.version == "1.1" and [v.version for v in alpha.history] == ["1.1", "1.0"]
    beta = load_brief(tiny, BETA)   # still written `version: "0.1"`
    assert beta.version == "0.1" and beta.history[0].date is None


@pytest.mark.parametrize("versions, line, message", [
    ('  - {version: "1.0", date: 2026-11-20}\n  - {version: "1.1", date: 2026-11-23}\n',
     14, "version 1.0 is listed above 1.1: list the newest first"),
    ('  - {version: "1.0", date: 2026-11-20}\n  - {version: "1.0", date: 2026-11-20}\n',
     14, "version 1.0 is listed twice"),
    ('  - {version: "1.1", date: 2026-11-19, changes: {es: "x", en: "y"}}\n'
     '  - {version: "1.0", date: 2026-11-20}\n',
     14, "version 1.1 is dated 2026-11-19, before version 1.0 (2026-11-20)"),
    ('  - {version: "1.1", date: 2026-11-23, changes: {es: "Corregido."}}\n'
     '  - {version: "1.0", date: 2026-11-20}\n',
     14, "version 1.1 has no change note in 'en', which reader 'ministry' reads: say under "
         "changes what changed since 1.0, and why"),
    ('  - {version: "1.1", date: 2026-11-23}\n  - {version: "1.0", date: 2026-11-20}\n',
     14, "version 1.1 has no change note in 'es', which reader 'ministry' reads"),
    ('  - {version: 1.1, date: 2026-11-23}\n',
     14, 'versions.0.version: write the version in quotes, "1.1": as a number, 1.10 would '
         "be read as 1.1"),
    ('  - {version: "1.1b", date: 2026-11-23}\n',
     14, "versions.0.version: '1.1b' is not a version number: write numbers and dots"),
    ('  - {version: "1.1", date: 23/11/2026}\n',
     14, "versions.0.date: '23/11/2026' is not a date: write it as year-month-day, "
         "2026-11-23"),
])
def test_a_wrong_version_list_is_one_line_at_its_place(tiny, capsys, versions, line, message):
    second_version(tiny, versions)
    code = main(["--project", str(tiny.root), "check", "--brief", ALPHA])
    err = capsys.readouterr().out   # check lists its findings
    assert code == 1
    assert f"templates/briefs/alpha/brief.yaml:{line}: " in err and message in err
    assert "Traceback" not in err


def test_version_and_versions_together_are_refused(tiny, capsys):
    path = tiny.briefs / ALPHA / "brief.yaml"
    path.write_text(path.read_text(encoding="utf-8") + 'version: "1.0"\n', encoding="utf-8")
    assert main(["--project", str(tiny.root), "check", "--brief", ALPHA]) == 1
    assert "give the brief's versions under versions: (newest first), or its first alone " \
           'as version: "1.0", not both' in capsys.readouterr().out


def texts(folder) -> dict[str, str]:
    """Each built file's text: the PDF's first page, the DOCX's paragraphs, the page's."""
    found = {}
    for path in folder.rglob("*.*"):
        if path.suffix == ".pdf":
            found[path.name] = PdfReader(path).pages[0].extract_text()
        elif path.suffix == ".docx":
            root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
            w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
            found[path.name] = "\n".join("".join(t.text or "" for t in p.iter(f"{w}t"))
                                         for p in root.iter(f"{w}p"))
        elif path.suffix == ".html":
            found[path.name] = html.parse(str(path)).getroot().body.text_content()
    return found


def test_from_the_second_version_every_format_says_what_it_replaces_and_why(tiny, tmp_path):
    only_readers(tiny, "ministry", brief=ALPHA)
    second_version(tiny)
    build(tiny, out=tmp_path / "out")
    found = texts(tmp_path / "out")
    assert len(found) == 6
    replaces = {"es": "Reemplaza la versión 1.0 del 20 de noviembre de 2026",
                "en": "Replaces version 1.0 of 20 November 2026"}
    title = {"es": "Qué cambió", "en": "What changed"}
    for name, text in found.items():
        lang = name.rsplit(".", 1)[0][-2:]
        flat = " ".join(text.split())
        assert title[lang] in flat and replaces[lang] in flat and NOTES[lang] in flat, name
        # near the top: after the cover's details, before the contents
        lower = flat.lower()   # the PDF prints the contents' title in capitals
        assert lower.index("1.1") < lower.index(replaces[lang].lower()) < lower.index(
            {"es": "contenido", "en": "contents"}[lang]), name


def test_a_first_version_says_nothing_of_changes(tiny_built):
    for name, text in texts(tiny_built).items():
        assert "What changed" not in text and "Qué cambió" not in text, name
