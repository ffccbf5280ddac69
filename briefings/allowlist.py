"""What a page may hold: the elements and attributes known safe, in HTML and in the inline
SVG of the figures. Anything else is refused by the page check (with its file and line) and
dropped by the sanitiser that writes the page, so a new way to run script or load a file
is closed before anyone finds it: it is simply not on the list.

Names are as an HTML5 parser gives them (SVG's are camelCase, ``viewBox``); the page check
reads the page with lxml, which lowercases them, and compares in lower case."""

from __future__ import annotations

# The page's text: what Python-Markdown writes (tables, footnotes, admonitions) and what
# the layout and the HTML writer add around it.
HTML_ELEMENTS = frozenset({
    "a", "abbr", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code",
    "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd",
    "li", "main", "mark", "nav", "ol", "p", "pre", "q", "s", "samp", "section", "small",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
    "tr", "u", "ul", "var", "wbr"})
# Static drawings only: no SMIL (set, animate…), no script, foreignObject, image, filters
# or links; nothing that fetches or runs.
SVG_ELEMENTS = frozenset({
    "svg", "g", "defs", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "clipPath", "linearGradient", "radialGradient", "stop", "use",
    "symbol", "desc"})
# The page around the body: rebuilt by the writer from these, each value escaped.
HEAD_ELEMENTS = frozenset({"html", "head", "body", "title", "meta", "style"})

GLOBAL_ATTRIBUTES = frozenset({
    "id", "class", "title", "lang", "dir", "role", "aria-label", "aria-hidden",
    "aria-describedby", "aria-labelledby", "aria-roledescription",
    # the HTML writer's and compose's own marks
    "data-section", "data-template", "data-figure"})
HTML_ATTRIBUTES = {
    "a": {"href"}, "img": {"src", "alt", "width", "height"}, "ol": {"start"},
    "td": {"align", "colspan", "rowspan"}, "th": {"align", "colspan", "rowspan", "scope"},
    "col": {"span"}, "colgroup": {"span"}, "time": {"datetime"},
    "meta": {"charset", "name", "content"}}
SVG_ATTRIBUTES = frozenset({
    "version", "viewBox", "preserveAspectRatio", "width", "height", "x", "y", "x1", "x2",
    "y1", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "d", "points", "transform",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-dasharray",
    "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
    "stroke-opacity", "opacity", "display", "visibility", "pointer-events", "clip-path",
    "clip-rule", "clipPathUnits", "font-family", "font-size", "font-style", "font-weight",
    "text-anchor", "dominant-baseline", "alignment-baseline", "baseline-shift",
    "letter-spacing", "textLength", "lengthAdjust", "dx", "dy", "rotate", "offset",
    "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod",
    "shape-rendering", "text-rendering", "paint-order", "vector-effect",
    "href"})  # on use only, and only to #an-id of the same drawing
# SVG attributes read as CSS values that may name a paint server or clip path: only
# url(#an-id) of the same drawing is allowed in them.
PAINT_ATTRIBUTES = frozenset({"fill", "stroke", "clip-path"})


def _lower(names) -> frozenset[str]:
    return frozenset(name.lower() for name in names)


ELEMENTS = HTML_ELEMENTS | SVG_ELEMENTS
_ELEMENTS_LOWER = _lower(ELEMENTS | HEAD_ELEMENTS)
_SVG_LOWER = _lower(SVG_ELEMENTS)
_SVG_ATTRIBUTES_LOWER = _lower(SVG_ATTRIBUTES)


def nh3_attributes() -> dict[str, set[str]]:
    """The attribute list in nh3's form: per element, and ``*`` for any."""
    allowed = {"*": set(GLOBAL_ATTRIBUTES)}
    allowed.update({tag: set(names) for tag, names in HTML_ATTRIBUTES.items()
                    if tag in HTML_ELEMENTS})
    allowed.update({tag: set(SVG_ATTRIBUTES) for tag in SVG_ELEMENTS})
    return allowed


def element_allowed(tag: str) -> bool:
    return tag.lower() in _ELEMENTS_LOWER


def is_svg(tag: str) -> bool:
    return tag.lower() in _SVG_LOWER


def attribute_allowed(tag: str, name: str) -> bool:
    """Whether ``name`` may stand on ``tag`` at all (its value is checked apart)."""
    name = name.lower()
    if name in GLOBAL_ATTRIBUTES:
        return True
    if is_svg(tag):
        return name in _SVG_ATTRIBUTES_LOWER
    return name in HTML_ATTRIBUTES.get(tag.lower(), ())
