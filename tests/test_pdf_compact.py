"""The PDF written small (briefings/writers/pdf_compact.py): the same drawing, number for
number, and the same text as WeasyPrint makes it, tagged without empty wrappers, each
piece of text still mapped to the element that holds it, and compressed once."""

from __future__ import annotations

import io
import math
from decimal import Decimal

import pikepdf
import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

from briefings import projectfiles
from briefings.writers import pdf as pdf_writer
from briefings.writers import pdf_compact
from tests.conftest import ROOT
from tests.test_formats import THEME, document, findings, structure

BODY = ('<article><section id="s"><h1>Ports of the coast</h1>'
        "<p>Strelsau <em>handles</em> most ships, <strong>by far</strong>; see "
        '<a href="#t">the table</a>. Avoid «Zenda» – it closes in 2027.</p>'
        "<ul><li>Strelsau: deep water</li><li>Zenda: <em>river</em> port</li></ul>"
        '<table id="t"><thead><tr><th>Port</th><th>Ships</th></tr></thead><tbody>'
        + "".join(f"<tr><td>Port {n}</td><td>{n * 7}</td></tr>" for n in range(60))
        + "</tbody></table></section></article>")


WRAPPERS = ("/Span", "/NonStruct")


@pytest.fixture(scope="module")
def printed():
    """The same document written as WeasyPrint makes it, and compacted."""
    projectfiles.allow(ROOT)  # as the autouse fixture does for each test
    doc = document(BODY)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pdf_compact, "compact", lambda pdf: None)
        plain = pdf_writer.render(doc, THEME).data
    return plain, pdf_writer.render(doc, THEME).data


def test_each_stream_is_compressed_once_into_the_bytes_pydyf_writes(printed):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pdf_compact, "compress_once", lambda pdf: None)
        assert pdf_writer.render(document(BODY), THEME).data == printed[1]


def drawing(page: pikepdf.Page) -> list:
    """A page's operators and operands, a glyph run as its strings joined and its moves
    summed (what the run places where), numbers as floats."""
    return [(str(operator), [_placed(operands[0])] if str(operator) == "TJ"
             else [_value(o) for o in operands])
            for operands, operator in pikepdf.parse_content_stream(page)]


def _placed(run: pikepdf.Array) -> list:
    placed: list = []
    for item in run:
        if isinstance(item, pikepdf.String):
            if bytes(item):
                if placed and isinstance(placed[-1], bytes):
                    placed[-1] += bytes(item)
                else:
                    placed.append(bytes(item))
        elif float(item):
            if placed and isinstance(placed[-1], float):
                placed[-1] += float(item)
            else:
                placed.append(float(item))
    return placed


def _value(operand):
    if isinstance(operand, pikepdf.Array):
        return [_value(o) for o in operand]
    if isinstance(operand, (int, Decimal)):
        return float(operand)
    return str(operand)


def test_the_pages_draw_the_same_and_read_the_same(printed):
    text = [[page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
            for data in printed]
    assert text[1] == text[0]
    plain, compact = (pikepdf.open(io.BytesIO(data)) for data in printed)
    assert len(printed[1]) < len(printed[0])
    assert len(compact.pages) == len(plain.pages) > 1
    for before, after in zip(plain.pages, compact.pages):
        for (op_a, args_a), (op_b, args_b) in zip(drawing(before), drawing(after),
                                                  strict=True):
            assert op_b == op_a
            assert all(math.isclose(a, b, abs_tol=2e-6) if isinstance(a, float) else a == b
                       for a, b in zip(_flat(args_a), _flat(args_b), strict=True))
        # written without the moves of nothing WeasyPrint leaves in its glyph runs
        assert b">0<" not in after.obj.Contents.read_bytes()


def _flat(values):
    for value in values:
        yield from _flat(value) if isinstance(value, list) else (value,)


def test_text_is_tagged_by_the_element_that_holds_it(printed, tmp_path):
    """No element of no meaning (a bare /Span or /NonStruct) wraps a piece of text; the
    parent tree maps each piece drawn on a page to an element of that page that holds it;
    the same elements of meaning are there; and the checker finds nothing."""
    plain, compact = (PdfReader(io.BytesIO(data)) for data in printed)
    elements = structure(compact)
    assert _meaningful(elements) == _meaningful(structure(plain))
    assert not [e for e in elements if e["/S"] in WRAPPERS
                and all(isinstance(kid, int) for kid in e["/K"])]
    parent_tree = compact.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    for number, page in enumerate(compact.pages):
        drawn = [operands[1]["/MCID"] for operands, operator
                 in ContentStream(page.get_contents(), compact).operations
                 if operator == b"BDC" and isinstance(operands[1], DictionaryObject)]
        held_by = parent_tree[2 * number + 1]
        assert len(drawn) == len(held_by) > 0
        for mcid in drawn:
            element = held_by[mcid].get_object()
            assert mcid in element["/K"]
            assert element.raw_get("/Pg").idnum == page.indirect_reference.idnum
    pdf = tmp_path / "compact.pdf"
    pdf.write_bytes(printed[1])
    assert findings(pdf) == []


def _meaningful(elements) -> list[str]:
    return sorted(str(e["/S"]) for e in elements if e["/S"] not in WRAPPERS)
