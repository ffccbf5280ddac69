"""A small SVG canvas in points, with text measured in the theme's font, and a placer for
labels that must not collide: what no well-kept charting library does for a brief's
timelines (Vega-Lite places a label only where it fits, or drops it)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from briefings import fonts
from briefings.style import Style

WIDTH = 450.0           # pt: fits the PDF's text column (476 pt) and the DOCX's (454 pt)


# -- measuring and drawing ----------------------------------------------------------------

@dataclass(frozen=True)
class Ink:
    """How a piece of text is set: ``fill`` is a colour of the palette."""
    size: float = 8.0
    weight: int = 400
    italic: bool = False
    fill: str = "ink"


Run = tuple[str, Ink]          # a piece of a line in one style
ASCENT, DESCENT = 0.75, 0.2    # of the font size, above and below the baseline
TOUCH = 0.5                    # pt two texts may share without colliding


@dataclass(frozen=True)
class Box:
    """Where a line of text is drawn, in points."""
    words: str
    left: float
    top: float
    right: float
    bottom: float


class Canvas:
    """SVG elements in points; text widths measured with the shipped font."""

    def __init__(self, style: Style, width: float = WIDTH):
        self.style, self.width = style, width
        self.items: list[str] = []
        self.boxes: list[Box] = []      # every line of text, where it is drawn

    def colour(self, name: str | None) -> str | None:
        return None if name is None else self.style.palette[name]

    def measure(self, text: str, ink: Ink) -> float:
        return fonts.width(self.style.face(ink.weight, ink.italic), text) * ink.size

    def runs_width(self, runs: list[Run]) -> float:
        return sum(self.measure(text, style) for text, style in runs)

    # Colours are the palette's names (ink, accent, grey…), resolved here.
    def rect(self, x, y, w, h, fill, stroke=None, stroke_width=0.75, dash=None) -> None:
        self.items.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" '
                          f'fill="{self.colour(fill)}"'
                          f'{_stroke(self.colour(stroke), stroke_width, dash)}/>')

    def line(self, x1, y1, x2, y2, stroke, width=0.75, dash=None) -> None:
        self.items.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"'
                          f'{_stroke(self.colour(stroke), width, dash)}/>')

    def circle(self, cx, cy, r, fill, stroke=None, stroke_width=1.0) -> None:
        self.items.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" '
                          f'fill="{self.colour(fill)}"'
                          f'{_stroke(self.colour(stroke), stroke_width, None)}/>')

    def text(self, x, y, runs: list[Run] | str, ink: Ink | None = None,
             anchor: str = "start") -> float:
        """One line of text whose baseline is ``y``; returns its width."""
        if isinstance(runs, str):
            runs = [(runs, ink or Ink())]
        width = self.runs_width(runs)
        if anchor == "middle":
            x -= width / 2
        elif anchor == "end":
            x -= width
        size = max(s.size for _, s in runs)
        self.boxes.append(Box(_plain(runs).strip(), x, y - ASCENT * size, x + width,
                              y + DESCENT * size))
        # one <text> per run, each at its measured place: renderers differ on white space
        # and on tspan, not on this
        for text, s in runs:
            if text.strip():
                at = x + self.measure(text[:len(text) - len(text.lstrip())], s)
                # textLength: a browser showing the HTML file without the shipped font
                # still fits each text in the room measured for it
                self.items.append(f'<text x="{_n(at)}" y="{_n(y)}" font-family="'
                                  f'{escape(self.style.font.family)}, serif"'
                                  f'{self._ink_attrs(s)} textLength="'
                                  f'{_n(self.measure(text.strip(), s))}" '
                                  'lengthAdjust="spacingAndGlyphs">'
                                  f'{escape(text.strip(), quote=False)}</text>')
            x += self.measure(text, s)
        return width

    def collisions(self) -> list[str]:
        """Each pair of texts drawn over each other, and each text past the figure's edge,
        in words (``check`` warns of them)."""
        found = []
        for k, a in enumerate(self.boxes):
            if a.left < -TOUCH or a.right > self.width + TOUCH:
                found.append(f"'{a.words}' runs past the figure's edge")
            found += [f"'{a.words}' and '{b.words}' overlap" for b in self.boxes[k + 1:]
                      if a.left < b.right - TOUCH and b.left < a.right - TOUCH
                      and a.top < b.bottom - TOUCH and b.top < a.bottom - TOUCH]
        return found

    def _ink_attrs(self, ink: Ink) -> str:
        out = f' font-size="{_n(ink.size)}" fill="{self.colour(ink.fill)}"'
        if ink.weight != 400:
            out += f' font-weight="{ink.weight}"'
        if ink.italic:
            out += ' font-style="italic"'
        return out

    def svg(self, height: float, title: str) -> str:
        """Unitless width and height are CSS pixels: 4/3 of the points, so the figure's
        natural size is its printed size."""
        return (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
                f'width="{_n(self.width * 4 / 3)}" height="{_n(height * 4 / 3)}" '
                f'viewBox="0 0 {_n(self.width)} {_n(height)}" role="img">\n'
                f'<title>{escape(title, quote=False)}</title>\n'
                + "\n".join(self.items) + "\n</svg>\n")


def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _stroke(stroke, width, dash) -> str:
    if stroke is None:
        return ""
    out = f' stroke="{stroke}" stroke-width="{_n(width)}"'
    return out + (f' stroke-dasharray="{dash}"' if dash else "")


# -- labels that do not collide -----------------------------------------------------------

class NoRoom(Exception):
    """The labels do not fit above the axis: the figure's words must be shorter."""


@dataclass
class Callout:
    """A label on lines stacked above an axis, joined to its point ``x`` by a leader line."""
    x: float
    lines: list[list[Run]]
    marker: str = "dot"            # dot, ring or tick
    lane: int = 0
    side: str = "right"
    span: tuple[float, float] = (0.0, 0.0)
    width: float = 0.0

    @property
    def top(self) -> int:
        return self.lane + len(self.lines) - 1


GAP = 3.0           # between a leader and its label
PAD = 6.0           # between two labels on one lane


def place_callouts(callouts: list[Callout], canvas: Canvas, left: float, right: float,
                   keep_clear: list[float] = (), max_lanes: int = 10) -> int:
    """Stack the labels in as few lanes as they need: no two labels overlap, no label sits
    on another point's leader line, every label stays within ``left``–``right`` and covers
    none of ``keep_clear`` (x positions of lines drawn the full height). A label goes right
    of its leader when it can, else left. A small search (a handful of labels): fewest
    lanes first, then lowest lanes, right before left. Returns the number of lanes."""
    options: list[list[tuple[str, tuple[float, float]]]] = []
    for c in callouts:
        c.width = max(canvas.runs_width(line) for line in c.lines)
        sides = []
        for side in ("right", "left"):
            span = ((c.x + GAP, c.x + GAP + c.width) if side == "right"
                    else (c.x - GAP - c.width, c.x - GAP))
            if span[0] >= left and span[1] <= right and not any(
                    span[0] - PAD / 2 <= x <= span[1] + PAD / 2 for x in keep_clear):
                sides.append((side, span))
        if not sides:       # too wide either way: keep it inside the figure
            sides = [("right", (left, left + c.width)) if c.x - left < right - c.x
                     else ("left", (right - c.width, right))]
        options.append(sides)
    order = sorted(range(len(callouts)), key=lambda k: -callouts[k].x)

    def search(depth: int, lanes: int, placed: list[Callout]) -> bool:
        if depth == len(order):
            return True
        c = callouts[order[depth]]
        for lane in range(lanes - len(c.lines) + 1):
            for side, span in options[order[depth]]:
                c.lane, c.side, c.span = lane, side, span
                if all(_apart(c, o) for o in placed) and search(depth + 1, lanes, placed + [c]):
                    return True
        return False

    if not callouts:
        return 0
    for lanes in range(max(len(c.lines) for c in callouts), max_lanes + 1):
        if search(0, lanes, []):
            return lanes
    raise NoRoom(f"no room for the label '{_plain(callouts[order[0]].lines[0])}' above the "
                 "axis: shorten some labels")


def _apart(a: Callout, b: Callout) -> bool:
    """Two placed callouts neither overlap nor cross each other's leader."""
    a_lo, a_hi = a.span[0] - PAD / 2, a.span[1] + PAD / 2
    b_lo, b_hi = b.span[0] - PAD / 2, b.span[1] + PAD / 2
    if not (a.top < b.lane or b.top < a.lane) and a_lo < b_hi and b_lo < a_hi:
        return False                    # two labels on one lane
    if b_lo <= a.x <= b_hi and b.lane <= a.top:
        return False                    # b's label on a's leader
    if a_lo <= b.x <= a_hi and a.lane <= b.top:
        return False                    # a's label on b's leader
    return True


def _plain(runs: list[Run]) -> str:
    return "".join(text for text, _ in runs)


LANE = 11.0                          # pt between callout lines


def draw_callouts(canvas: Canvas, callouts: list[Callout], axis_y: float) -> None:
    for c in callouts:
        top_baseline = axis_y - 8 - c.top * LANE
        canvas.line(c.x, axis_y, c.x, top_baseline - 7,
                    "rule" if c.marker == "tick" else "muted", 0.5)
        for i, runs in enumerate(c.lines):
            y = top_baseline + i * LANE
            x = c.span[0]
            if c.side == "left":       # right-aligned against the leader
                x = c.span[1] - canvas.runs_width(runs)
            canvas.text(x, y, runs)
    for c in callouts:
        if c.marker == "ring":
            canvas.circle(c.x, axis_y, 3.2, "paper", "accent", 1.4)
        elif c.marker == "tick":
            canvas.rect(c.x - 1.5, axis_y - 3.5, 3, 7, "muted")
        else:
            canvas.circle(c.x, axis_y, 3.2, "accent", "paper", 0.8)
