"""The theme declared once: the DOCX's reference document is built from the theme's text
parts (``templates/theme/docx/``) and ``style.yaml``, so a change of the palette or the
typeface there reaches the DOCX as it reaches the PDF and the web page; a brief or reader
may replace a part, or bring a whole reference.docx."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pypdf
import pytest

from briefings.document import Theme
from briefings.errors import BriefingError
from briefings.writers.docx import reference
from tests.conftest import ALPHA, ROOT, built_on_today

OLD, NEW = "#1f3a5f", "#7a1f2b"
FAMILY = "Plex Test"


def restyled(project) -> None:
    """The fixture's style.yaml with another accent colour and another family name."""
    path = project.theme / "style.yaml"
    style = path.read_text(encoding="utf-8")
    assert OLD in style and 'family: "IBM Plex Serif"' in style
    path.write_text(style.replace(OLD, NEW).replace('family: "IBM Plex Serif"',
                                                    f'family: "{FAMILY}"'), encoding="utf-8")


def pdf_colours(path) -> set[tuple[int, int, int]]:
    """The fill and stroke colours the PDF's pages set, as 0–255 triples."""
    colours = set()
    for page in pypdf.PdfReader(path).pages:
        data = page.get_contents().get_data().decode("latin-1")
        for rgb in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)", data):
            colours.add(tuple(round(float(c) * 255) for c in rgb))
    return colours


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def test_one_change_in_style_yaml_reaches_the_docx_the_pdf_and_the_web_page(tiny, tmp_path):
    restyled(tiny)
    out = built_on_today(tiny, tmp_path / "out", briefs=[ALPHA], readers=["ministry"],
                         langs=["en"])
    (docx_file,) = out.rglob("*.docx")
    (pdf_file,) = out.rglob("*.pdf")
    (html_file,) = out.rglob("*.html")
    with zipfile.ZipFile(docx_file) as package:
        styles = package.read("word/styles.xml").decode()
        theme = package.read("word/theme/theme1.xml").decode()
    word = NEW.lstrip("#").upper()
    assert f'w:color w:val="{word}"' in styles and OLD.lstrip("#").upper() not in styles
    assert f'w:ascii="{FAMILY}"' in styles and 'w:ascii="IBM Plex Serif"' not in styles
    assert f'<a:accent1><a:srgbClr val="{word}"/></a:accent1>' in theme
    assert f'<a:latin typeface="{FAMILY}"/>' in theme
    page = html_file.read_text(encoding="utf-8")
    assert f"--accent: {NEW};" in page and f'--font: "{FAMILY}";' in page and OLD not in page
    colours = pdf_colours(pdf_file)
    assert rgb(NEW) in colours and rgb(OLD) not in colours


def test_the_built_reference_has_the_palette_and_the_faces_word_knows():
    d = docx.Document(io.BytesIO(reference.built(Theme((ROOT / "templates/theme",)))))
    assert str(d.styles["Heading 1"].font.color.rgb) == OLD.lstrip("#").upper()
    assert d.styles["Normal"].font.name == "IBM Plex Serif"
    # the semibold face is a family of its own to Word, named as its font file names it
    assert d.styles["Strong"].font.name == "IBM Plex Serif SemiBold"


def test_level_3_headings_take_their_colour_from_the_palette(tiny):
    """As the web page and the PDF do (var(--subheading) in brief.css)."""
    path = tiny.theme / "style.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('subheading: "#33475f"',
                                                             'subheading: "#2b6a4f"'),
                    encoding="utf-8")
    d = docx.Document(io.BytesIO(reference.built(Theme((tiny.theme,)))))
    assert str(d.styles["Heading 3"].font.color.rgb) == "2B6A4F"
    assert str(d.styles["Heading 3 Char"].font.color.rgb) == "2B6A4F"
    assert "var(--subheading)" in (tiny.theme / "brief.css").read_text(encoding="utf-8")


def test_a_brief_may_replace_one_part(tiny):
    """Looked up along the chain as every theme file: the brief's settings, the theme's
    styles."""
    settings = tiny.theme / "docx/word/settings.xml"
    own = tiny.briefs / ALPHA / "docx/word/settings.xml"
    own.parent.mkdir(parents=True)
    own.write_text(settings.read_text(encoding="utf-8").replace(
        'w:defaultTabStop w:val="720"', 'w:defaultTabStop w:val="567"'), encoding="utf-8")
    data = reference.built(Theme((tiny.briefs / ALPHA, tiny.theme)))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert 'w:defaultTabStop w:val="567"' in package.read("word/settings.xml").decode()
        assert 'w:color w:val="1F3A5F"' in package.read("word/styles.xml").decode()


def test_a_brief_may_bring_its_own_reference_docx(tiny):
    """A house Word template, restyled in Word, is used whole."""
    theme = Theme((tiny.briefs / ALPHA, tiny.theme))
    (tiny.briefs / ALPHA / reference.REFERENCE).write_bytes(b"PK house template")
    ref = reference.load(theme)
    assert ref.data == b"PK house template" and ref.styles.name == reference.REFERENCE


@pytest.mark.parametrize("part, breakage, message", [
    ("word/styles.xml.j2", ("<w:docDefaults>", "<w:docDefaults>&nbsp;"),
     "not well-formed XML: Entity 'nbsp' not defined"),
    ("word/styles.xml.j2", ('<w:color w:val="{{ colour.accent }}"/>',
                            '<w:color w:val="{{ colour.acent }}"/>'),
     "Word styles: 'dict object' has no attribute 'acent'"),
    ("word/settings.xml", ("<w:zoom", "<w:zoom <"), "not well-formed XML"),
])
def test_a_broken_part_is_named_with_its_line(tiny, part, breakage, message):
    path = tiny.theme / "docx" / part
    text = path.read_text(encoding="utf-8")
    line = text[:text.index(breakage[0])].count("\n") + 1
    path.write_text(text.replace(*breakage, 1), encoding="utf-8")
    with pytest.raises(BriefingError) as caught:
        reference.built(Theme((tiny.theme,)))
    assert (caught.value.file, caught.value.line) == (str(path), line)
    assert message in caught.value.message


def test_a_missing_part_is_named(tiny):
    (tiny.theme / "docx/word/numbering.xml.j2").unlink()
    with pytest.raises(BriefingError) as caught:
        reference.built(Theme((tiny.theme,)))
    assert "part word/numbering.xml of the Word styles missing" in str(caught.value)
