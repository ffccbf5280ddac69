"""The web page (the HTML writer's file) as good as the PDF: notes numbered through the
document, every generated word in the page's language, landmarks, links told apart without
colour, no internal path, and no print-only CSS."""

from __future__ import annotations

import dataclasses

from lxml import etree, html

from briefings.compose import markdown_converter, markdown_to_section
from briefings.document import Document
from briefings.writers import html as html_writer
from tests.test_formats import THEME, css_rules, document

SECTIONS = {"first": "# One\n\nA fact.[^a] Another.[^b]\n\n[^a]: Note a.\n[^b]: Note b.\n",
            "second": "# Two\n\nA third fact.[^c]\n\n[^c]: Note c.\n"}


def noted(labels: dict[str, str] | None = None) -> Document:
    """A document of two sections with notes, made by compose's own Markdown."""
    converter = markdown_converter()
    body = html.Element("article")
    for name, text in SECTIONS.items():
        body.append(markdown_to_section(converter, text, name, f"sections/en/{name}.md.j2"))
    made = document("<article/>")
    meta = dataclasses.replace(made.meta, labels={
        **made.meta.labels, "note_back": "Back to note {note} in the text", **(labels or {})})
    return Document(meta, body, ())


def page(doc: Document) -> html.HtmlElement:
    return html.fromstring(html_writer.render(doc, THEME))


def test_notes_are_numbered_through_the_document():
    built = page(noted())
    assert built.xpath('//a[@class="footnote-ref"]/text()') == ["1", "2", "3"]
    assert built.xpath('//div[@class="footnote"]/ol/@start') == ["1", "3"]
    # each call leads to the note of its number
    for n, call in enumerate(built.xpath('//a[@class="footnote-ref"]'), 1):
        [note] = built.xpath(f'//li[@id="{call.get("href")[1:]}"]')
        assert note.xpath("string(p)").startswith(f"Note {'abc'[n - 1]}")


def test_the_links_back_from_notes_speak_the_page_language():
    spanish = {"note_back": "Volver a la nota {note} en el texto"}
    titles = page(noted(spanish)).xpath('//a[@class="footnote-backref"]/@title')
    assert titles == [f"Volver a la nota {n} en el texto" for n in (1, 2, 3)]


def test_the_spanish_pages_have_no_english_tooltip(tiny_built):
    for path in sorted(tiny_built.rglob("*-es.html")):
        built = html.fromstring(path.read_bytes())
        titles = built.xpath('//a[@class="footnote-backref"]/@title')
        assert all(t.startswith("Volver a la nota ") for t in titles), path.name
        assert "Jump back" not in path.read_text(encoding="utf-8")


def test_the_page_is_in_landmarks_with_no_internal_path(tiny_built):
    for path in sorted(tiny_built.rglob("*.html")):
        built = html.fromstring(path.read_bytes())
        [main] = built.xpath("//main")
        assert main.xpath("article/section")
        # the cover (banner, with the contents' nav) and main; the running header is
        # print furniture, hidden on screen
        assert [el.tag for el in built.find("body")] == ["div", "header", "main"]
        assert built.xpath("//header/nav[@class='contents']")
        assert not built.xpath("//@data-template"), path.name
        assert "templates/" not in path.read_text(encoding="utf-8"), path.name


def test_links_in_the_text_are_told_apart_without_colour(tiny_built):
    path = next(tiny_built.rglob("*-en.html"))
    built = html.fromstring(path.read_bytes())
    assert built.xpath('//main//a[starts-with(@href, "#src-")]')
    style = "".join(built.xpath("//style/text()"))
    assert css_rules(style)["main a"]["text-decoration"] == "underline"


PAGED = ("@page", "string-set", "running(", "element(", "float: footnote", "::footnote",
         "bookmark-level", "target-counter(", "leader(")


def test_the_screen_stylesheet_has_no_rules_for_paged_media(tiny_built):
    theme = (THEME.base / "brief.css").read_text(encoding="utf-8")
    assert all(rule in theme for rule in PAGED if rule != "string-set")  # the PDF's
    for path in sorted(tiny_built.rglob("*.html")):
        style = "".join(html.fromstring(path.read_bytes()).xpath("//style/text()"))
        assert not [rule for rule in PAGED if rule in style], path.name
        # the rest is there, screen rules and all
        assert css_rules(style)[".running-header"] == {"display": "none"}


def test_screen_css_keeps_all_but_paged_media():
    css = ("@page { size: A4; @top-left { content: element(h) } }\n"
           "h1 { color: red; bookmark-level: 1; string-set: title content() }\n"
           ".note { float: footnote; float: left; footnote-policy: line }\n"
           "::footnote-call { content: counter(footnote) }\n"
           "@media screen { a:hover { text-decoration: underline } }")
    assert "".join(html_writer.screen_css(css).split()).replace(";}", "}") == \
        "h1{color:red}.note{float:left}@mediascreen{a:hover{text-decoration:underline}}"


def test_a_figure_is_as_wide_as_its_smallest_words_need_on_a_phone(tiny_built):
    svg = etree.fromstring(
        '<svg width="600" height="197.33" viewBox="0 0 450 148"><g font-size="9">'
        '<text font-size="7.5">Coast</text><text>1985</text></g></svg>')
    html_writer.legible(svg)
    # 450 units drawn 660 px wide: 7.5-unit words are 11 px
    assert (svg.get("width"), svg.get("height")) == ("660", "217.07")
    html_writer.legible(svg)  # already legible: as it was
    assert svg.get("width") == "660"
    # on a screen narrower than that, the figure scrolls in its box; the page does not
    style = "".join(html.fromstring(next(tiny_built.rglob("*.html")).read_bytes())
                    .xpath("//style/text()"))
    assert css_rules(style)["figure.figure"]["overflow-x"] == "auto"
    assert css_rules(style)["figure.figure > svg"]["max-width"] == "none"
