"""Where the PDF breaks its pages: no heading is left at the foot of a page, away from the
text it heads. Read from the PDF's tag tree (PDF/UA), which says on which page each
element's content is drawn."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from briefings.build import build
from tests.conftest import ALPHA

# What is checked and written is the point here, not the worker processes: documents are
# made in this one (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("workers_in_this_process")

HEADINGS = {"/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}
BLOCKS = HEADINGS | {"/P", "/L", "/Table", "/Figure", "/BlockQuote", "/Caption"}


def _kids(element: DictionaryObject) -> list:
    kids = element.get("/K")
    kids = kids if isinstance(kids, ArrayObject) else [] if kids is None else [kids]
    return [kid.get_object() for kid in kids]


def _pages(element, numbers: dict) -> list[int]:
    """The pages an element's content is drawn on, in the order of its content."""
    if not isinstance(element, DictionaryObject):
        return []
    own = [numbers[element.raw_get("/Pg").idnum]] if "/Pg" in element else []
    return own + [page for kid in _kids(element) for page in _pages(kid, numbers)]


def blocks(element: DictionaryObject):
    """The blocks under an element (headings, paragraphs, lists, tables, figures), in the
    order of the text. WeasyPrint tags each page's part of a section as a section of its
    own, so a heading and what follows it may have different parents."""
    for kid in _kids(element):
        if isinstance(kid, DictionaryObject) and "/S" in kid:
            if kid["/S"] in BLOCKS:
                yield kid
            else:
                yield from blocks(kid)


def stranded_headings(pdf) -> list[tuple[int, str]]:
    """(page, tag) of each heading whose next block starts on a later page."""
    reader = PdfReader(pdf)
    numbers = {page.indirect_reference.idnum: k + 1 for k, page in enumerate(reader.pages)}
    drawn = [(block, pages) for block in blocks(reader.trailer["/Root"]["/StructTreeRoot"])
             if (pages := _pages(block, numbers))]
    return [(ends[-1], str(heading["/S"])) for (heading, ends), (_, starts)
            in zip(drawn, drawn[1:]) if heading["/S"] in HEADINGS and starts[0] > ends[-1]]


def test_no_heading_is_left_at_the_foot_of_a_page(tiny, tmp_path):
    """Forty headings, each over a paragraph too short to split: pages fill to every depth,
    and each heading is on the page its paragraph starts (with 'h3 { break-after: auto }'
    two are left at the foot of pages 2 and 4)."""
    works = tiny.briefs / ALPHA / "sections/works.md.j2"
    works.write_text(works.read_text(encoding="utf-8") + """
{% set works = fact("harbour.works") %}
{% set opening = fact("harbour.opening") %}
{% for _ in range(40) %}
### {{ say("schedule") }}

{{ works }} {{ opening }} {{ works }} {{ opening }} {{ works }}

{% endfor %}
""", encoding="utf-8")
    out = tmp_path / "out"
    build(tiny, briefs=[ALPHA], readers=["ministry"], langs=["es"], formats=["pdf"], out=out, jobs=1)
    [pdf] = out.rglob("*.pdf")
    assert len(PdfReader(pdf).pages) >= 6
    assert stranded_headings(pdf) == []
