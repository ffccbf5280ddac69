"""A figure drawn in memory: its SVG (vector, for the PDF and the HTML) and, when a writer asks
for one, its PNG (220 dpi at its printed size, for the DOCX). Nothing is written anywhere:
drawing the SVG takes milliseconds, and only the DOCX pays for the PNG. A process keeps
the last drawings it made, by what they show: a worker making the brief for four readers
draws a figure they share once, not four times (a PNG takes a tenth of a second).

The PNG is the SVG rasterized by vl-convert (the resvg inside it) with the theme's fonts
registered, so the two forms look alike, and stored by Pillow."""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from html import escape

from briefings.figures import draw, vegalite
from briefings.figures.canvas import WIDTH, Canvas
from briefings.figures.kinds import Made
from briefings.style import Style

DPI = 220               # the PNG for Word, at its printed size: the resolution Word itself
                        # keeps for pictures by default, so it would not gain from more
SVG_TYPE, PNG_TYPE = "image/svg+xml", "image/png"


@dataclass(frozen=True)
class Figure:
    name: str
    svg: bytes
    width: float          # pt, printed
    height: float
    alt: str
    caption: str
    style: Style

    @property
    def id(self) -> str:
        """Names the drawing in the document's tree: its content's hash."""
        return hashlib.sha256(self.svg).hexdigest()[:32]

    @cached_property
    def png(self) -> bytes:
        return to_png(self.svg.decode("utf-8"), self.style)

    def forms(self) -> dict:
        """The drawing by media type, each made when first asked for."""
        return {SVG_TYPE: lambda: self.svg, PNG_TYPE: lambda: self.png}


_SIZE = re.compile(rb'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


def _size_pt(svg: bytes) -> tuple[float, float]:
    """An SVG's width and height (CSS pixels) in points."""
    match = _SIZE.search(svg[:1000])
    return float(match[1]) * 0.75, float(match[2]) * 0.75


def render(name: str, made: Made, style: Style) -> Figure:
    """The figure, drawn, or kept from an earlier drawing of the same."""
    key = json.dumps({"spec": made.spec, "alt": made.alt,
                      "style": style.model_dump(mode="json")},
                     sort_keys=True, ensure_ascii=False, default=str)
    svg = _drawn.pop(key, None) or _draw(made, style).encode("utf-8")
    _drawn[key] = svg   # the most recent last
    while len(_drawn) > KEPT:
        del _drawn[next(iter(_drawn))]
    width, height = _size_pt(svg)
    return Figure(name, svg, width, height, made.alt, made.caption, style)


KEPT = 64   # drawings a process keeps: more than a brief has, in every language
_drawn: dict[str, bytes] = {}   # by what they show (as JSON), the oldest first


def _draw(made: Made, style: Style) -> str:
    spec = made.spec
    if spec["kind"] == "vega-lite":
        svg = vegalite.to_svg(spec["spec"], spec["rows"], spec["locale"], style, WIDTH * 4 / 3)
        # padding, legends and views side by side add to the size the spec gives
        if max(_size_pt(svg.encode("utf-8"))) * 4 / 3 > vegalite.DRAWN:
            raise vegalite.CannotDraw(f"this chart is drawn larger than {vegalite.DRAWN:,} px "
                                      "wide or tall: make it smaller")
        # its description, as the drawn kinds have it, for a browser showing the SVG alone
        return re.sub(r"(<svg[^>]*>)", lambda m: f"{m[1]}<title>{escape(made.alt)}</title>",
                      svg, count=1)
    canvas = Canvas(style)
    height = draw.draw(canvas, spec)
    return canvas.svg(height, made.alt)


def collisions(made: Made, style: Style) -> list[str]:
    """The texts of a figure drawn over each other or past its edge (none in a Vega-Lite
    chart, which leaves out a label it has no room for)."""
    if made.spec["kind"] == "vega-lite":
        return []
    canvas = Canvas(style)
    draw.draw(canvas, made.spec)
    return canvas.collisions()


def to_png(svg: str, style: Style) -> bytes:
    """The SVG at ``DPI`` dots per inch of its printed size (an SVG pixel is 3/4 pt), on
    white, its text set in the theme's faces: drawn by vl-convert, stored by Pillow with its
    resolution (vl-convert's own file is three times the size)."""
    return _png(svg, str(style.fonts))


@lru_cache(maxsize=KEPT)
def _png(svg: str, fonts: str) -> bytes:
    import vl_convert
    from PIL import Image
    _register_fonts(fonts)
    on_white = re.sub(r"(<svg[^>]*>)", r'\1<rect width="100%" height="100%" fill="white"/>',
                      svg, count=1)
    out = io.BytesIO()
    with Image.open(io.BytesIO(vl_convert.svg_to_png(on_white, scale=0.75, ppi=DPI))) as drawn:
        drawn.convert("RGB").save(out, "PNG", compress_level=9, dpi=(DPI, DPI))
    return out.getvalue()


@lru_cache(maxsize=None)
def _register_fonts(folder: str) -> None:
    """vl-convert keeps one font list per process: each theme's fonts are added once."""
    import vl_convert
    vl_convert.register_font_directory(folder)
