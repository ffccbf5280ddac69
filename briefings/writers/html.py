"""HTML writer: the document inside the page layout, with the stylesheet inlined.

The PDF writer renders this same page; the HTML file is the on-screen form. In the HTML
file each figure's SVG is an element of the page and each font a ``data:`` URL, so the file
stands alone: it shows the brief, figures included, in its own font wherever it is opened,
e-mailed or served."""

from __future__ import annotations

import base64
import copy
import dataclasses
import functools
import io
import re
import uuid
from pathlib import Path

import jinja2
import tinycss2
from fontTools.ttLib import TTFont
from lxml import etree, html
from markupsafe import Markup

from briefings import allowlist, fonts, projectfiles, templating, urls
from briefings.cssvalues import css_string, style_text
from briefings.document import Document, Theme
from briefings.errors import BriefingError
from briefings.style import load_style
from briefings.writers import safe_page


def page_counter_css(label: str) -> str:
    """"Página {page} de {pages}" → a CSS ``content`` value with page counters."""
    parts = []
    for chunk in label.replace("{pages}", "\0pages\0").replace("{page}", "\0page\0").split("\0"):
        if chunk in ("page", "pages"):
            parts.append(f"counter({chunk})")
        elif chunk:
            parts.append(css_string(chunk))
    return " ".join(parts)


def contents(body: html.HtmlElement) -> list[tuple[str, str]]:
    """(section id, first heading) for the table of contents."""
    return [(section.get("id"), section.findtext("h1") or "")
            for section in body.iterchildren("section")]


# The figures are our own drawings, still read as XML that may hold anything: no entity is
# expanded and nothing is fetched.
SVG_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
ID_REFERENCE = re.compile(r"""url\(\s*['"]?#""")
SVG = "http://www.w3.org/2000/svg"
# What the page takes of a figure (``Document.image``): its drawing, inline.
IMAGE_TYPES = ("image/svg+xml",)


def _drawn(el: etree._Element) -> bool:
    """Whether ``el`` is an SVG element a static chart may hold."""
    return isinstance(el.tag, str) and etree.QName(el).namespace == SVG \
        and allowlist.is_svg(etree.QName(el).localname)


def _drop(el: etree._Element) -> None:
    """Remove ``el`` and all it holds, keeping the text after it."""
    parent, previous = el.getparent(), el.getprevious()
    if parent is None:
        return  # inside an element already dropped
    if el.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def inline_svg(data: bytes, alt: str, prefix: str,
               resources: urls.Resources) -> etree._Element:
    """A figure's SVG drawing as an element of the page, named by ``alt`` (as the <img> was).

    Inside <img>, an SVG cannot use the page's fonts; inline, its text is set in the
    brief's own font. Only what a static chart needs is kept (``allowlist``): no script,
    animation, foreign HTML, page-wide <style> or link out, and no <title>: the figure's
    alt text is its one name. Its ids are prefixed, and every reference to them
    (``url(#…)``, ``href="#…"``), so that two charts (Vega-Lite numbers its clip paths and
    gradients alike in each) do not use each other's. Namespaces are dropped: in an HTML
    page the <svg> element sets them, and SVG 2 reads ``href`` without xlink."""
    try:
        svg = etree.fromstring(data, SVG_PARSER)
    except etree.XMLSyntaxError:
        svg = None
    if svg is None or svg.tag != f"{{{SVG}}}svg":
        raise BriefingError(f"the figure '{alt}' is not an SVG drawing")
    for el in [el for el in svg.iter() if not _drawn(el)]:
        _drop(el)
    for el in svg.iter():
        el.tag = etree.QName(el).localname
        for name, value in list(el.attrib.items()):
            del el.attrib[name]
            name = etree.QName(name).localname    # xlink:href → href
            if not allowlist.attribute_allowed(el.tag, name) \
                    or urls.value_problem(el.tag, name, value, resources):
                continue
            if name == "id":
                value = prefix + value
            elif name == "href":
                value = "#" + prefix + value[1:]
            else:
                value = ID_REFERENCE.sub(lambda m: f"{m[0]}{prefix}", value)
            el.set(name, value)
    etree.cleanup_namespaces(svg)
    svg.set("role", "img")
    svg.set("aria-label", alt)
    return svg


# The smallest words of a figure on a screen, in CSS pixels.
MIN_TEXT_PX = 11
LENGTH = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)(px)?\s*")


def legible(svg: etree._Element) -> None:
    """Widen a figure, if need be, to where its smallest words are ``MIN_TEXT_PX``. It is
    drawn for the printed column, and a phone would shrink it to half that size; on a screen
    narrower than this width it scrolls sideways in its box instead (brief.css), as a wide
    table does. Its words stay in the drawing, where they were placed for its shapes."""
    box = [float(n) for n in svg.get("viewBox", "").replace(",", " ").split()]
    width, height = (LENGTH.fullmatch(svg.get(name, "")) for name in ("width", "height"))
    sizes = [float(m[1]) for m in map(LENGTH.fullmatch, svg.xpath(".//@font-size")) if m]
    if len(box) != 4 or not (box[2] > 0 and width and height and sizes):
        return
    needed = box[2] * MIN_TEXT_PX / min(sizes)
    if needed > float(width[1]):
        svg.set("width", f"{needed:.2f}".rstrip("0").rstrip("."))
        svg.set("height", f"{needed * box[3] / box[2]:.2f}".rstrip("0").rstrip("."))


def inline_figures(document: Document, resources: urls.Resources) -> html.HtmlElement:
    """A copy of the tree whose figures are their SVG drawings, inline."""
    tree = copy.deepcopy(document.body)
    figures = tree.xpath('//figure[contains(@class, "figure")]/img')
    for n, img in enumerate(figures, 1):
        _kind, data = document.image(img.get("src", ""), IMAGE_TYPES)
        svg = inline_svg(data, img.get("alt", ""), f"figure-{n}-", resources)
        legible(svg)
        svg.tail = img.tail
        img.getparent().replace(img, svg)
    return tree


def wrap_tables(tree: html.HtmlElement) -> None:
    """Each table in a box of its own, which scrolls on a screen too narrow for it (a table
    set to scroll itself loses its table semantics in some browsers)."""
    for table in list(tree.iter("table")):
        box = html.Element("div", {"class": "table-scroll"})
        table.addprevious(box)
        box.append(table)  # moves it, with its tail: the tail belongs after the box
        box.tail, table.tail = table.tail, None


def scope_headers(tree: html.HtmlElement) -> None:
    """Say what each table header cell heads, for screen readers (and PDF/UA's /Scope):
    the first cell of a row of data heads its row, any other header cell its column."""
    for th in tree.iter("th"):
        heads_row = th.getprevious() is None and th.getparent().find("td") is not None
        th.set("scope", "row" if heads_row else "col")


def number_notes(tree: html.HtmlElement, labels: dict[str, str]) -> None:
    """Number the notes through the document, as the PDF and the DOCX do (Python-Markdown
    numbers them from 1 in each section), and title each link back to the text with
    the label ``note_back`` ("… {note} …"), in the page's language rather than
    Python-Markdown's English."""
    before = 0
    for section in tree.iter("section"):
        notes = section.xpath('.//div[@class="footnote"]/ol/li')
        numbers = {"#" + li.get("id"): before + n for n, li in enumerate(notes, 1)}
        for call in section.xpath('.//a[@class="footnote-ref"]'):
            call.text = str(numbers[call.get("href")])
        for ol in section.xpath('.//div[@class="footnote"]/ol'):
            ol.set("start", str(before + 1))
        for li in notes:
            back = labels["note_back"].replace("{note}", str(numbers["#" + li.get("id")]))
            for link in li.xpath('.//a[@class="footnote-backref"]'):
                link.set("title", back)
        before += len(notes)


def web_font(path: Path, text: str) -> bytes:
    """A TrueType or OpenType font cut down to the glyphs ``text`` needs, as WOFF.

    WOFF2 would save about a third of the fonts' bytes but costs about a second a page to
    compress. Hints are dropped: screens hint on their own, and they were a quarter of the
    size."""
    # with their other case too: the stylesheet sets some text in capitals
    chars = {c for char in set(text) for c in char + char.upper() + char.lower()}
    return _web_font(path, path.stat().st_mtime_ns, frozenset(chars))


@functools.lru_cache(maxsize=32)
def _web_font(path: Path, mtime: int, chars: frozenset[str]) -> bytes:
    """Kept by the face (its file, and the time it was written) and the characters: a page
    made again after an edit that brought no new character (the preview's) takes its faces
    as they were cut."""
    font = TTFont(io.BytesIO(fonts.subset(path, chars, hinting=False)), recalcTimestamp=False)
    font.flavor = "woff"
    data = io.BytesIO()
    font.save(data)
    return data.getvalue()


# CSS for paged media (WeasyPrint's, from CSS Paged Media and GCPM): the PDF's alone. A
# browser ignores it and the Nu Html Checker reports each as an error, so the web page's
# stylesheet leaves out @page rules, the footnote pseudo-elements, these properties, and
# these values: float: footnote, position: running(…), content: element(…) and the like.
PAGED_PROPERTIES = ("bookmark-", "string-set", "footnote-")
PAGED_FUNCTIONS = {"running", "element", "leader", "target-counter", "target-counters",
                   "target-text", "string"}


def _paged(declaration) -> bool:
    values = [token for token in declaration.value if token.type != "whitespace"]
    return declaration.lower_name.startswith(PAGED_PROPERTIES) \
        or any(token.type == "function" and token.lower_name in PAGED_FUNCTIONS
               for token in values) \
        or (declaration.lower_name == "float"
            and [getattr(token, "lower_value", None) for token in values] == ["footnote"])


def _screen_rules(rules: list) -> list:
    kept = []
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "page" \
                or rule.type == "qualified-rule" \
                and "::footnote-" in tinycss2.serialize(rule.prelude).lower():
            continue
        if rule.type == "qualified-rule" or rule.type == "at-rule" and rule.content:
            inner = tinycss2.parse_blocks_contents(rule.content, skip_comments=True)
            rule.content = [node for node in _screen_rules(inner)
                            if node.type != "declaration" or not _paged(node)]
        kept.append(rule)
    return kept


@functools.lru_cache(maxsize=8)
def screen_css(css: str) -> str:
    """``css`` without its rules for paged media (``PAGED_PROPERTIES``), nor comments; kept
    by its text, the same for every page of a theme."""
    return tinycss2.serialize(_screen_rules(tinycss2.parse_stylesheet(css, skip_comments=True)))


FONT_TYPES = {".woff": "font/woff", ".woff2": "font/woff2"}


def embed_fonts(css: str, css_file: Path, resources: urls.Resources, text: str) -> str:
    """The stylesheet with each ``@font-face`` source a ``data:`` URL. TrueType and
    OpenType files are cut down to ``text`` (the page's characters, stylesheet included,
    so generated content is covered); WOFF files go in as they are."""
    pieces, sources = _font_sources(css)
    out = [pieces[0]]
    for (address, line, is_url, written), piece in zip(sources, pieces[1:]):
        path = resources.file(address)
        if path:  # else not a file the rule allows: page_problem refuses it
            if not path.is_file():
                raise BriefingError(f"font {address} not found: check the url() in "
                                    "@font-face and that the file exists", css_file, line)
            kind = FONT_TYPES.get(path.suffix.lower(), "font/woff")
            data = projectfiles.read_bytes(path) if path.suffix.lower() in FONT_TYPES \
                else web_font(path, text)
            url = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
            written = f'url("{url}")' if is_url else f'"{url}"'
        out += [written, piece]
    return "".join(out)


@functools.lru_cache(maxsize=8)
def _font_sources(css: str) -> tuple[tuple[str, ...], tuple[tuple[str, int, bool, str], ...]]:
    """``css`` cut at each ``@font-face`` source, parsed once per stylesheet: the text
    around the sources, and each source's address, line, whether it is a url() token
    (else a string inside url(…)), and the source as written."""
    rules = tinycss2.parse_stylesheet(css)
    cut = uuid.uuid4().hex  # where a source was: no stylesheet holds it
    sources = []
    for rule in rules:
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face":
            continue
        for token in rule.content or []:
            if token.type == "function" and token.lower_name == "url":
                # url("…"): the string inside is replaced
                token = next((a for a in token.arguments if a.type == "string"), None)
            elif token.type != "url":
                continue
            if token is not None:
                sources.append((token.value, token.source_line, token.type == "url",
                                tinycss2.serialize([token])))
                token.representation = cut
    return tuple(tinycss2.serialize(rules).split(cut)), tuple(sources)


# The page layout, compiled once per process (every page's environment has the same
# options, which decide what Jinja compiles).
COMPILED = templating.CompiledInMemory(size=16)


def render(document: Document, theme: Theme, body: html.HtmlElement | None = None) -> str:
    """The whole page; ``body`` lets the PDF writer pass a print-adapted copy of the tree
    (whose figures and fonts stay files, fetched by WeasyPrint). Without it, the HTML
    file's page, figures and fonts inlined."""
    env = templating.environment(templating.Folders(list(theme.folders)), autoescape=True,
                                 bytecode_cache=COMPILED)
    resources = urls.Resources(theme.base, *theme.folders, assets=document.assets)
    if body is None:  # the web page
        tree = inline_figures(document, resources)
        wrap_tables(tree)
        number_notes(tree, document.meta.labels)
    else:
        tree = body
    scope_headers(tree)
    for section in tree.xpath("//*[@data-template]"):
        del section.attrib["data-template"]  # a path of the project, for its tools only

    def page_with(stylesheet: str) -> str:
        try:
            return env.get_template("layout.html.j2").render(
                meta=dataclasses.asdict(document.meta),  # plain data, like every template's
                labels=dict(document.meta.labels),
                # the PDF's page numbers, for its @page rule (the page has no pages)
                page_counter=body is not None
                and Markup(page_counter_css(document.meta.labels["page_of"])),
                contents=contents(tree),
                body=Markup(html.tostring(tree, encoding="unicode")),
                stylesheet=Markup(style_text(stylesheet)),
            )
        except jinja2.TemplateError as exc:
            raise BriefingError(f"page layout: {exc}", theme.file("layout.html.j2"),
                                getattr(exc, "lineno", None)) from None

    # the theme's typeface and palette (style.yaml), then the stylesheet that uses them
    sheets = [(load_style(theme).css(theme.base), theme.file("style.yaml")),
              (projectfiles.read_text(theme.file("brief.css")), theme.file("brief.css"))]
    if body is None:
        sheets = [(screen_css(css), file) for css, file in sheets]
    page = page_with("\n".join(css for css, _ in sheets))
    parsed = html.document_fromstring(page)
    # Checked before the fonts go in: their data: URLs are made here from files the rule
    # allows, and reading them back would only cost time.
    if problem := urls.page_problem(parsed, resources):
        raise BriefingError(problem.message, *_where(problem.culprit, theme))
    if body is None:
        text = parsed.text_content()
        page = page_with("\n".join(embed_fonts(css, file, resources, text)
                                   for css, file in sheets))
    return safe_page.write(page, resources)


def _where(culprit: str, theme: Theme) -> tuple[Path, int | None]:
    """The theme file and line holding what the page may not keep: the body was checked
    when it was composed, so it is in the layout or the stylesheet."""
    for name in ("layout.html.j2", "brief.css"):
        lines = projectfiles.read_text(theme.file(name)).splitlines()
        # lxml gives the names of SVG elements in lower case
        line = next((n for n, text in enumerate(lines, 1) if culprit.lower() in text.lower()),
                    None)
        if line:
            return theme.file(name), line
    return theme.file("layout.html.j2"), None
