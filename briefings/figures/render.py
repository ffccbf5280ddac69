"""A figure's files, cached by the hash of what it shows: ``<hash>.svg`` (vector, for the
PDF and the HTML) and ``<hash>.png`` (220 dpi at its printed size, for the DOCX). A figure
whose inputs did not change is read back, not drawn again.

The PNG is the SVG rasterized by vl-convert (the resvg inside it) with the theme's fonts
registered, so the two forms look alike, and stored by Pillow."""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from briefings.figures import draw, vegalite
from briefings.figures.canvas import WIDTH, Canvas
from briefings.figures.kinds import Made
from briefings.buildfiles import write_atomic
from briefings.style import Style

DPI = 220               # the PNG for Word, at its printed size: the resolution Word itself
                        # keeps for pictures by default, so it would not gain from more
_DRAWING_CODE = ("canvas.py", "draw.py", "render.py", "vegalite.py", "../fonts.py")


@dataclass(frozen=True)
class Figure:
    name: str
    svg: Path
    png: Path
    width: float          # pt, printed
    height: float
    alt: str
    caption: str


@lru_cache(maxsize=None)
def _tools() -> str:
    """The drawing code and the versions of the libraries that measure and draw: a change
    to any of them redraws every figure."""
    import PIL
    import uharfbuzz
    import vl_convert
    here = Path(__file__).parent
    code = hashlib.sha256(b"".join((here / name).read_bytes() for name in _DRAWING_CODE))
    return (f"{code.hexdigest()} uharfbuzz {uharfbuzz.__version__} vl-convert "
            f"{vl_convert.__version__} pillow {PIL.__version__} dpi {DPI}")


_SIZE = re.compile(rb'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


def _size_pt(svg: bytes) -> tuple[float, float]:
    """An SVG's width and height (CSS pixels) in points."""
    match = _SIZE.search(svg[:1000])
    return float(match[1]) * 0.75, float(match[2]) * 0.75


def render(name: str, made: Made, cache: Path, style: Style) -> Figure:
    """The figure's files, drawn only when no file of the same inputs exists."""
    key = hashlib.sha256(json.dumps(
        {"spec": made.spec, "alt": made.alt, "tools": _tools(),
         "style": style.model_dump(mode="json", exclude={"fonts"})},
        sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]
    svg_path, png_path = cache / f"{key}.svg", cache / f"{key}.png"
    if not (svg_path.is_file() and png_path.is_file()):
        svg = _draw(made, style).encode("utf-8")
        # Atomic: build workers may draw the same figure at the same time. Inside the
        # build folder (``cache`` is <build>/.cache/figures), through real folders only.
        build = cache.parent.parent
        write_atomic(build, svg_path, svg)
        write_atomic(build, png_path, to_png(svg.decode("utf-8"), style))
    width, height = _size_pt(svg_path.read_bytes())
    return Figure(name, svg_path, png_path, width, height, made.alt, made.caption)


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
    import vl_convert
    from PIL import Image
    _register_fonts(str(style.fonts))
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
