"""PDF writer: the HTML writer's page, adapted for print, rendered by WeasyPrint.

A process keeps the stylesheets WeasyPrint parsed, by their text, with one font
configuration for them all: a worker making several documents in one language parses the
stylesheet and loads its faces once."""

from __future__ import annotations

import copy
import functools
import hashlib
import logging
import os
import re
import shutil
from multiprocessing import util as process_exit
from contextlib import contextmanager
from typing import NamedTuple

import pydyf
from lxml import html

from briefings.document import Document, Theme
from briefings.errors import BriefingError
from briefings.writers.engine import CSS, HTML, FontConfiguration, URLFetcher, URLFetcherResponse
from briefings import urls
from briefings.writers import html as html_writer
from briefings.writers import pdf_compact

# What the PDF takes of a figure (``Document.image``): its vector drawing.
IMAGE_TYPES = ("image/svg+xml",)


class LocalFetcher(URLFetcher):
    """WeasyPrint's only way out: it serves what ``urls.Resources`` allows (``data:`` URLs,
    files under the theme, and the document's drawings from memory) and refuses everything
    else, so nothing in a brief can make the build read the network or the disk at large."""

    def __init__(self, resources: urls.Resources, document: Document):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.resources, self.document = resources, document
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if problem := self.resources.problem(url):
            self.refused.append(url)
            raise ValueError(problem.message)
        if self.resources.is_asset(url):
            kind, data = self.document.image(url, IMAGE_TYPES)
            return URLFetcherResponse(url, data, {"Content-Type": kind})
        return super().fetch(url, headers)


@contextmanager
def _resource_failures():
    """WeasyPrint only logs a font or stylesheet it cannot load; collect those so a missing
    font fails the build instead of silently falling back to another one."""
    failures: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            message = record.getMessage()
            if message.startswith("Failed to load") or message.endswith("cannot be loaded"):
                failures.append(message.splitlines()[0])

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield failures
    finally:
        logger.removeHandler(handler)


def print_tree(body: html.HtmlElement) -> html.HtmlElement:
    """The tree as printed: each footnote moved to where it is called, as CSS ``float:
    footnote`` needs, without its link back to the call nor the no-break space before that
    link (WeasyPrint 70 breaks the first line of a note ending in one after its first word,
    "34. Se / apoya en…"). Citations stay links to their sources, as in the DOCX and HTML."""
    tree = copy.deepcopy(body)
    for call in tree.xpath('//sup[a[@class="footnote-ref"]]'):
        note_id = call[0].get("href").lstrip("#")
        note = tree.xpath(f'//div[@class="footnote"]//li[@id="{note_id}"]')[0]
        span = html.Element("span")
        span.set("class", "footnote-note")
        for paragraph in note.iterchildren("p"):
            for backref in paragraph.xpath('a[@class="footnote-backref"]'):
                previous = backref.getprevious()
                if previous is None:
                    paragraph.text = (paragraph.text or "").rstrip()
                else:
                    previous.tail = (previous.tail or "").rstrip()
                backref.drop_tree()
            span.text = (span.text or "") + (paragraph.text or "")
            span.extend(paragraph)
        span.tail = call.tail
        call.getparent().replace(call, span)
    for block in tree.xpath('//div[@class="footnote"]'):
        block.drop_tree()
    return tree


def scope_header_cells(_document, pdf) -> None:
    """Give each table header cell a ``/Scope`` (PDF/UA-1 §7.5), as a WeasyPrint finisher.
    WeasyPrint ties each data cell to its headers (``/Headers`` naming their ``/ID``) but
    writes no scope on the header cells themselves; the scope is the one it read from the
    ``scope`` attribute (see ``html_writer.scope_headers``): a row header is named by a data cell
    of its own row, any other is a column header."""
    cells = [obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary)
             and obj.get("Type") == "/StructElem" and obj.get("S") in ("/TH", "/TD")]
    in_own_row = {(cell["P"], header.string) for cell in cells if cell["S"] == "/TD"
                  for header in cell.get("A", {}).get("Headers", ())}
    for header in (cell for cell in cells if cell["S"] == "/TH"):
        ident = header.get("ID")  # none if the th was not laid out as a table cell
        row = ident is not None and (header["P"], ident.string) in in_own_row
        header.setdefault("A", pydyf.Dictionary({"O": "/Table"}))["Scope"] = \
            "/Row" if row else "/Column"


def join_split_tables(document, pdf) -> None:
    """One ``/Table`` in the tag tree for each table, as a WeasyPrint finisher. WeasyPrint
    tags each page apart, so a table split over two pages was two tables to a screen
    reader: the rows of its later parts join its first part's tag, which the later parts'
    tags leave."""
    tables: dict[html.HtmlElement, list[pydyf.Dictionary]] = {}
    for page in document.pages:
        for table, cell in _cells(page._page_box):
            tag = _ancestor(pdf, cell.mark, "/Table")
            parts = tables.setdefault(table, [])
            if tag is not None and not any(part is tag for part in parts):
                parts.append(tag)
    for first, *rest in (parts for parts in tables.values() if len(parts) > 1):
        for part in rest:
            for kid in part["K"]:
                _object(pdf, kid)["P"] = first.reference
                first["K"].append(kid)
            parent = _object(pdf, part["P"])
            parent["K"] = pydyf.Array(k for k in parent["K"] if k != part.reference)


def _cells(box, table=None):
    """(HTML table, cell box) for each tagged table cell under a layout box: WeasyPrint's
    tagging keeps a cell's tag on its box, as ``mark``."""
    if box.element_tag == "table":
        table = box.element
    if table is not None and getattr(box, "mark", None) is not None:
        yield table, box
        return
    for child in getattr(box, "children", ()):
        yield from _cells(child, table)


def _object(pdf, reference) -> pydyf.Dictionary:
    return pdf.objects[int(reference.split()[0])]


def _ancestor(pdf, element: pydyf.Dictionary, kind: str) -> pydyf.Dictionary | None:
    while element.get("Type") == "/StructElem":
        if element["S"] == kind:
            return element
        element = _object(pdf, element["P"])
    return None


def link_descriptions(tree: html.HtmlElement) -> dict[str, str]:
    """What an internal link leads to, in the document's own words, by the id it points
    at: a section by its heading, anything else (a source entry…) by its text. WeasyPrint
    describes a link (its ``/Contents``, which PDF/UA requires and screen readers read) by
    the bare id, such as "src-…"."""
    described = {}
    for target in tree.iter():
        if not isinstance(target.tag, str) or not target.get("id"):
            continue
        heading = next(target.iterchildren("h1", "h2", "h3"), None) \
            if target.tag == "section" else None
        words = " ".join((target if heading is None else heading).text_content().split())
        if words:
            described[target.get("id")] = words
    return described


def describe_links(descriptions: dict[str, str], _document, pdf) -> None:
    """Give each internal link the words of ``link_descriptions`` (a WeasyPrint finisher)."""
    for link in pdf.objects:
        if isinstance(link, pydyf.Dictionary) and link.get("Subtype") == "/Link" \
                and isinstance(link.get("Dest"), pydyf.String) \
                and link["Dest"].string in descriptions:
            link["Contents"] = pydyf.String(descriptions[link["Dest"].string])


def finish(descriptions: dict[str, str], document, pdf) -> None:
    join_split_tables(document, pdf)
    scope_header_cells(document, pdf)
    describe_links(descriptions, document, pdf)
    pdf_compact.compact(pdf)  # last: it renumbers the objects


class Printed(NamedTuple):
    data: bytes
    pages: int


# The page's one stylesheet, which the layout holds in a <style> in its head.
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_FONTS: FontConfiguration | None = None
_SHEETS: dict[tuple[str, str], CSS] = {}     # by text and folder, the most recent last
KEPT = 8    # stylesheets kept: one per language and theme a worker meets


def _own_fonts_after_fork() -> None:
    """A forked process (a build's worker) starts its own font configuration. WeasyPrint
    writes the faces it loads into a folder of the configuration's: shared with the parent,
    workers would overwrite a face a sibling has mapped (a bus error) or take a half-written
    one as loaded ("Font-face … cannot be loaded"). That folder stays the parent's to
    delete, so this process's copy forgets it."""
    global _FONTS
    if _FONTS is not None:
        _FONTS._folder = None
    _FONTS = None
    _SHEETS.clear()  # parsed into the parent's configuration


os.register_at_fork(after_in_child=_own_fonts_after_fork)


def _drop_fonts() -> None:
    """When the process ends: the kept stylesheets and font configuration go before the
    interpreter's teardown, which freed them after the libraries they point into (a
    segmentation fault on exit), and the folder of faces goes with them (nothing else
    removes it from the system's temporary folder)."""
    global _FONTS
    _SHEETS.clear()
    if _FONTS is not None and _FONTS._folder:
        shutil.rmtree(_FONTS._folder, ignore_errors=True)
    _FONTS = None


def _kept_fonts() -> FontConfiguration:
    """The font configuration this process keeps, dropped when it ends (in a build's
    worker too: multiprocessing runs its finalizers as the worker ends)."""
    global _FONTS
    if _FONTS is None:
        _FONTS = FontConfiguration()
        process_exit.Finalize(None, _drop_fonts, exitpriority=1)
    return _FONTS


def _stylesheet(page: str, base: str, fetcher: LocalFetcher
                ) -> tuple[str, list[CSS], FontConfiguration]:
    """The page without its stylesheet, the stylesheet parsed (or kept from an earlier
    page), and the font configuration it loaded its faces into. A page whose layout has
    other styles or linked sheets is given to WeasyPrint whole: cut out, its one
    stylesheet is the same last author sheet it was in the page."""
    found = _STYLE.findall(page)
    if len(found) != 1 or "<link" in page or "<style " in page:
        return page, [], FontConfiguration()
    fonts = _kept_fonts()
    key = (found[0], base)
    sheet = _SHEETS.pop(key, None) or CSS(string=found[0], base_url=base,
                                          url_fetcher=fetcher, font_config=fonts)
    return _STYLE.sub("", page, count=1), [sheet], fonts


def _keep(page: str, base: str, sheets: list[CSS]) -> None:
    """Keep the page's stylesheet for the next page: only once it loaded without a
    failure (a font it could not load fails each document it is used in)."""
    for sheet in sheets:
        _SHEETS[_STYLE.findall(page)[0], base] = sheet
        while len(_SHEETS) > KEPT:
            del _SHEETS[next(iter(_SHEETS))]


def render(document: Document, theme: Theme) -> Printed:
    tree = print_tree(document.body)
    page = html_writer.render(document, theme, body=tree)
    # the theme (fonts), and the document's drawings: nothing else
    fetcher = LocalFetcher(urls.Resources(theme.base, *theme.folders,
                                          assets=document.assets), document)
    base = str(theme.base) + "/"
    # Tagged PDF/UA-1: headings, lists and tables are readable by screen readers.
    variant = "pdf/ua-1"
    with _resource_failures() as failures:
        html_only, sheets, fonts = _stylesheet(page, base, fetcher)
        laid_out = HTML(string=html_only, base_url=base, url_fetcher=fetcher).render(
            pdf_variant=variant, stylesheets=sheets, font_config=fonts)
        data = laid_out.write_pdf(
            pdf_variant=variant, finisher=functools.partial(finish, link_descriptions(tree)),
            # Derived from the content (figures are named by their drawing's hash), so the
            # same inputs give the same bytes.
            pdf_identifier=hashlib.md5(page.encode()).hexdigest().encode(),
        )
    if fetcher.refused:
        raise BriefingError(f"refused to load {fetcher.refused[0]}: a brief may only use "
                            "files inside the templates folder and its own figures")
    if failures:
        raise BriefingError(f"{failures[0]} (check its url() and that the file exists)",
                            theme.file("brief.css") if "Font-face" in failures[0] else None)
    _keep(page, base, sheets)
    return Printed(data, len(laid_out.pages))
