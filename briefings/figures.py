"""Figures made from the facts: a timeline, the Congress vote, the places, the MNNA allies.

A section template places a figure with ``{{ figure("vote") }}``. The figure's builder reads
its facts through the template's own fact door (so they count as used and are cited), and
turns them into a *spec*: plain data with every label already in the brief's language. The
spec's hash names the cached drawing, ``<cache>/<hash>.svg`` (vector, for the PDF and the
HTML) and ``<hash>.png`` (220 dpi at its printed size, for the DOCX): a figure whose inputs
did not change is read back, not drawn again.

Drawing is a small SVG writer here (no plotting library): text is laid out with the
metrics of the shipped IBM Plex Serif (measured with Pillow, already installed for
WeasyPrint) and the PNG is the same SVG rasterized by resvg (``resvg-py``, a self-contained
wheel), so the two forms look alike. Coordinates are points at the printed size.

Words in figures come from the brief's ``figures/<lang>.yaml``; the regions of the
places from its ``figures/places.yaml`` (the brief's own grouping, not a fact).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Callable, Literal

from babel.dates import format_date
from pydantic import Field

from briefings import i18n
from briefings.errors import BriefingError
from briefings.facts import Bilingual, Strict, Text
from briefings.outputs import write_atomic
from briefings.yamlfile import read_yaml

WIDTH = 450.0           # pt: fits the PDF's text column (476 pt) and the DOCX's (454 pt)
DPI = 220               # the PNG for Word, at its printed size: the resolution Word itself
                        # keeps for pictures by default, so it would not gain from more
FONT = "IBM Plex Serif"
FONT_FILES = {(400, False): "IBMPlexSerif-Regular.ttf", (400, True): "IBMPlexSerif-Italic.ttf",
              (600, False): "IBMPlexSerif-SemiBold.ttf", (600, True): "IBMPlexSerif-SemiBoldItalic.ttf",
              (700, False): "IBMPlexSerif-Bold.ttf", (700, True): "IBMPlexSerif-BoldItalic.ttf"}
# The brief's palette (brief.css): navy and greys, distinct when printed in greyscale.
NAVY, INK, MUTED, RULE, TINT, GREY = "#1f3a5f", "#1a1a1a", "#5a6270", "#b8c2cf", "#eef2f7", "#8c96a3"
WHITE = "#ffffff"

# Changing this file changes every figure's hash, so a new drawing code redraws them all.
_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


# -- the words and the editorial data -----------------------------------------------------

_DIGIT = re.compile(r"\d")


def load_strings(folder: Path, lang: str) -> dict[str, str]:
    """``figures/<lang>.yaml``: labels, captions and alt-text patterns. They hold no digits:
    every number in a figure comes from a fact, through a ``{placeholder}``."""
    strings = i18n.load_strings(folder, lang)
    for key, text in strings.items():
        if _DIGIT.search(re.sub(r"\{[^}]*\}", "", text)):
            path = folder / f"{lang}.yaml"
            raise BriefingError("a number is typed into a figure's words; take it from a fact "
                                "through a {placeholder}", path, read_yaml(path).line_of([key]),
                                key)
    return strings


Region = Literal["coast", "highlands", "amazon"]


class Place(Strict):
    region: Region
    kind: Literal["region", "city", "district", "region_or_city"]
    within: Bilingual | None = Field(None, description="the department a city or district is in")
    also: list[Region] = Field([], description="other natural regions a department reaches")


class PlacesFile(Strict):
    places: dict[Text, Place]


def load_places(path: Path) -> dict[str, Place]:
    return read_yaml(path).validate(PlacesFile).places


# -- measuring and drawing ----------------------------------------------------------------

@lru_cache(maxsize=None)
def _font(fonts: str, weight: int, italic: bool):
    from PIL import ImageFont
    path = Path(fonts) / FONT_FILES[weight, italic]
    try:
        return ImageFont.truetype(str(path), 100)
    except OSError:
        raise BriefingError("the figures' font cannot be loaded (is the file there?)",
                            path) from None


@dataclass(frozen=True)
class Style:
    size: float = 8.0
    weight: int = 400
    italic: bool = False
    fill: str = INK


Run = tuple[str, Style]          # a piece of a line in one style


class Canvas:
    """SVG elements in points; text widths measured with the shipped font."""

    def __init__(self, fonts: Path, width: float = WIDTH):
        self.fonts, self.width = str(fonts), width
        self.items: list[str] = []

    def measure(self, text: str, style: Style) -> float:
        return _font(self.fonts, style.weight, style.italic).getlength(text) * style.size / 100

    def runs_width(self, runs: list[Run]) -> float:
        return sum(self.measure(text, style) for text, style in runs)

    def rect(self, x, y, w, h, fill, stroke=None, stroke_width=0.75, dash=None) -> None:
        self.items.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" '
                          f'fill="{fill}"{_stroke(stroke, stroke_width, dash)}/>')

    def line(self, x1, y1, x2, y2, stroke, width=0.75, dash=None) -> None:
        self.items.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"'
                          f'{_stroke(stroke, width, dash)}/>')

    def circle(self, cx, cy, r, fill, stroke=None, stroke_width=1.0) -> None:
        self.items.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="{fill}"'
                          f'{_stroke(stroke, stroke_width, None)}/>')

    def diamond(self, cx, cy, r, fill, stroke=None) -> None:
        points = f"{_n(cx)},{_n(cy - r)} {_n(cx + r)},{_n(cy)} {_n(cx)},{_n(cy + r)} {_n(cx - r)},{_n(cy)}"
        self.items.append(f'<polygon points="{points}" fill="{fill}"{_stroke(stroke, 1.0, None)}/>')

    def text(self, x, y, runs: list[Run] | str, style: Style | None = None,
             anchor: str = "start") -> float:
        """One line of text whose baseline is ``y``; returns its width."""
        if isinstance(runs, str):
            runs = [(runs, style or Style())]
        width = self.runs_width(runs)
        if anchor == "middle":
            x -= width / 2
        elif anchor == "end":
            x -= width
        # one <text> per run, each at its measured place: renderers differ on white space
        # and on tspan, not on this
        for text, s in runs:
            if text.strip():
                at = x + self.measure(text[:len(text) - len(text.lstrip())], s)
                # textLength: a browser showing the HTML file without the shipped font
                # still fits each text in the room measured for it
                self.items.append(f'<text x="{_n(at)}" y="{_n(y)}" font-family="{FONT}, serif"'
                                  f'{_style_attrs(s)} textLength="'
                                  f'{_n(self.measure(text.strip(), s))}" '
                                  'lengthAdjust="spacingAndGlyphs">'
                                  f'{escape(text.strip(), quote=False)}</text>')
            x += self.measure(text, s)
        return width

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


def _style_attrs(style: Style) -> str:
    out = f' font-size="{_n(style.size)}" fill="{style.fill}"'
    if style.weight != 400:
        out += f' font-weight="{style.weight}"'
    if style.italic:
        out += ' font-style="italic"'
    return out


# -- labels that do not collide -----------------------------------------------------------

@dataclass
class Callout:
    """A label on lines stacked above an axis, joined to its point ``x`` by a leader line."""
    x: float
    lines: list[list[Run]]
    marker: str = "dot"            # dot, ring or diamond
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
    raise BriefingError(f"figure: no room for the label '{_plain(callouts[order[0]].lines[0])}'")


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
        canvas.line(c.x, axis_y, c.x, top_baseline - 7, RULE if c.marker == "tick" else MUTED,
                    0.5)
        for i, runs in enumerate(c.lines):
            y = top_baseline + i * LANE
            x = c.span[0]
            if c.side == "left":       # right-aligned against the leader
                x = c.span[1] - canvas.runs_width(runs)
            canvas.text(x, y, runs)
    for c in callouts:
        if c.marker == "ring":
            canvas.circle(c.x, axis_y, 3.2, WHITE, NAVY, 1.4)
        elif c.marker == "diamond":
            canvas.diamond(c.x, axis_y, 3.6, WHITE, NAVY)
        elif c.marker == "tick":
            canvas.rect(c.x - 1.5, axis_y - 3.5, 3, 7, MUTED)
        else:
            canvas.circle(c.x, axis_y, 3.2, NAVY, WHITE, 0.8)


# -- the four figures: specs from facts ---------------------------------------------------

LABEL = Style(8.0, 600, False, INK)
BODY = Style(8.0)
NOTE = Style(7.5, 400, True, MUTED)
HEAD = Style(9.0, 600, False, NAVY)


@dataclass
class Made:
    """One figure's spec: what it draws, its alt text and caption, the facts it used."""
    spec: dict
    alt: str
    caption: str
    facts: list = field(default_factory=list)     # FactViews, for the citation


@dataclass
class Inputs:
    fact: Callable                 # the template's fact door
    strings: dict[str, str]
    lang: str
    today: dt.date
    templates: Path                # the brief's figures/ folder

    def s(self, key: str, **values) -> str:
        try:
            return self.strings[key].format(**values)
        except KeyError as exc:
            raise BriefingError(f"figure words: '{key}' is missing or uses an unknown "
                                f"placeholder {exc}", self.templates / f"{self.lang}.yaml",
                                key=key) from None

    def day(self, d: dt.date, year: bool = False) -> str:
        return format_date(d, "d MMM y" if year else "d MMM", locale=i18n.LOCALES[self.lang])

    def month(self, d: dt.date, year: bool = False) -> str:
        return format_date(d, "MMM y" if year else "MMM", locale=i18n.LOCALES[self.lang])

    def number(self, n) -> str:
        return i18n.number(n, self.lang)

    def date(self, d: dt.date, form: str = "long") -> str:
        return i18n.date(d, self.lang, form)

    def join(self, items) -> str:
        return i18n.join(list(items), self.lang)


def vote(i: Inputs) -> Made:
    v = i.fact("congress.vote")
    bars = [(i.s("vote_in_favour"), v.in_favour, NAVY), (i.s("vote_against"), v.against, GREY)]
    return Made({"figure": "vote", "bars": [[label, n, colour] for label, n, colour in bars],
                 "numbers": [i.number(n) for _, n, _ in bars]},
                alt=i.s("vote_alt", in_favour=i.number(v.in_favour),
                        against=i.number(v.against)),
                caption=i.s("vote_caption"), facts=[v])


def timeline(i: Inputs) -> Made:
    meeting = i.fact("procedure.washington_meeting")
    message = i.fact("procedure.presidential_message")
    confirmation = i.fact("procedure.de_zela_confirmation")
    publication = i.fact("congress.publication")
    notice = i.fact("designation.notice")
    period = i.fact("congress.period")
    visit = i.fact("procedure.rubio_visit")
    official = i.fact("procedure.officialization")
    op_ed = i.fact("risks.arce_op_ed")
    events = [(meeting.date, i.s("timeline_meeting", place=meeting.place), "dot"),
              (message.date, i.s("timeline_message"), "dot"),
              (confirmation.date, i.s("timeline_confirmation"), "dot"),
              (publication.date, i.s("timeline_publication"), "dot")]
    undated = []
    if "date" in official.values:
        events.append((official.date, i.s("timeline_officialization"), "dot"))
    else:
        undated.append(i.s("timeline_officialization_undated"))
    if "date" in visit.values:
        events.append((visit.date, i.s("timeline_visit"), "dot"))
    else:
        undated.append(i.s("timeline_visit_undated", period=visit.period))
    events.append((op_ed.date, i.s("timeline_op_ed"), "ring"))
    notice_end = message.date + dt.timedelta(days=notice.notice_days)
    spans = [[message.date.isoformat(), notice_end.isoformat(),
              i.s("timeline_notice", days=i.number(notice.notice_days)), "notice"],
             [period.start.isoformat(), period.end.isoformat(),
              i.s("timeline_period", range=i18n.date_range(period.start, period.end, i.lang)),
              "period"]]
    dates = [d for d, _, _ in events] + [message.date, notice_end, period.start, period.end]
    start, end = min(dates), max(dates)
    today = i.today if start <= i.today <= end else None
    spec = {"figure": "timeline", "lang": i.lang,
            "start": start.isoformat(), "end": end.isoformat(),
            "events": [[d.isoformat(), i.day(d), label, marker] for d, label, marker in events],
            "spans": spans,
            "today": [today.isoformat(), i.s("timeline_today", date=i.day(today, year=True))]
            if today else None}
    listed = "; ".join(f"{i.date(d)}: {label}" for d, label, _ in sorted(events))
    alt = i.s("timeline_alt", start=i.date(start), end=i.date(end), events=listed,
              notice=i.s("timeline_notice", days=i.number(notice.notice_days)),
              period=i18n.date_range(period.start, period.end, i.lang))
    if today:
        alt += " " + i.s("timeline_alt_today", date=i.date(today))
    caption = i.s("timeline_caption")
    if undated:
        caption += " " + i.s("timeline_caption_undated", items=i.join(undated))
    return Made(spec, alt, caption,
                [meeting, message, confirmation, publication, notice, period, visit, official,
                 op_ed])


_REGIONS = ("coast", "highlands", "amazon")


def places(i: Inputs) -> Made:
    fact = i.fact("congress.places")
    path = i.templates / "places.yaml"
    known = load_places(path)
    missing = [p for p in fact.places if p not in known]
    if missing:
        raise BriefingError(f"no natural region for {', '.join(missing)} (named by fact "
                            "'congress.places'): add it to this file", path)
    groups = []
    alt_groups = []
    for region in _REGIONS:
        rows, alt_rows = [], []
        for name in fact.places:
            place = known[name]
            if place.region != region:
                continue
            note = i.s(f"kind_{place.kind}")
            if place.within is not None:
                note = i.s("places_within", kind=note, within=place.within[i.lang])
            for other in place.also:
                note = i.s("places_also", note=note, region=i.s(f"also_{other}"))
            rows.append([name, note])
            alt_rows.append(f"{name} ({note})")
        if rows:
            count = i.s("places_count_one" if len(rows) == 1 else "places_count",
                        n=i.number(len(rows)))
            groups.append([i.s(f"region_{region}"), count, rows])
            alt_groups.append(f"{i.s(f'region_{region}')}: {i.join(alt_rows)}")
    alt = i.s("places_alt", n=i.number(len(fact.places)), groups=". ".join(alt_groups))
    return Made({"figure": "places", "groups": groups}, alt, i.s("places_caption"), [fact])


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def allies(i: Inputs) -> Made:
    latam = i.fact("context.latam_mnnas")
    legal = i.fact("designation.legal_basis_thesis")
    official = i.fact("procedure.officialization")
    others = i.fact("context.other_mnnas")
    points, used = [], [latam, legal, official, others]
    for fact_id in ("context.argentina_mnna", "context.brazil_mnna", "context.colombia_mnna"):
        f = i.fact(fact_id)
        # The country is the one of the regional list named in the fact's text (as the
        # context section's table does): the facts carry the year, not the country.
        names = [c for c in latam.countries if c in str(f.text)]
        if len(names) != 1:
            raise BriefingError(f"figure 'allies': fact '{fact_id}' names {len(names)} of the "
                                "countries in 'context.latam_mnnas' (expected one)")
        points.append([f.year, names[0]])
        used.append(f)
    points.sort()
    notified = official.notified
    peru = [notified.isoformat(), i.s("allies_peru"), i.month(notified, year=True),
            i.s("allies_peru_note")]
    rest = sorted(others.countries, key=_sort_key)
    spec = {"figure": "allies", "created": legal.created_year, "points": points, "peru": peru,
            "created_label": i.s("allies_created"),
            "rest_title": i.s("allies_rest", n=i.number(others.count)),
            "rest_note": i.s("allies_rest_note"), "rest": rest}
    designated = i.join(i.s("allies_alt_point", country=c, year=y) for y, c in points)
    alt = i.s("allies_alt", created=legal.created_year, designated=designated,
              peru_month=i.date(notified, "month"), n=i.number(others.count),
              rest=i.join(rest))
    return Made(spec, alt, i.s("allies_caption"), used)


BUILDERS: dict[str, Callable[[Inputs], Made]] = {
    "timeline": timeline, "vote": vote, "places": places, "allies": allies}


# -- the four figures: drawings from specs ------------------------------------------------

def draw(spec: dict, fonts: Path) -> tuple[str, float]:
    """The figure's SVG and its height in points."""
    canvas = Canvas(fonts)
    height = _DRAW[spec["figure"]](canvas, spec)
    return canvas.svg(height, spec.get("title", "")), height


def draw_vote(c: Canvas, spec: dict) -> float:
    bars, numbers = spec["bars"], spec["numbers"]
    label_w = max(c.measure(label, Style(9.0)) for label, _, _ in bars) + 10
    number_w = max(c.measure(n, Style(9.5, 600)) for n in numbers) + 8
    x0, full = label_w, c.width - label_w - number_w
    top = max(n for _, n, _ in bars) or 1
    bar_h, gap, y = 15.0, 6.0, 4.0
    for (label, n, colour), shown in zip(bars, numbers):
        w = full * n / top
        c.text(x0 - 8, y + bar_h / 2 + 3.2, label, Style(9.0), anchor="end")
        c.rect(x0, y, w, bar_h, colour)
        c.text(x0 + w + 5, y + bar_h / 2 + 3.4, shown, Style(9.5, 600))
        y += bar_h + gap
    c.line(x0, 1, x0, y - gap + 3, INK, 0.75)
    return y - gap + 4


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def draw_timeline(c: Canvas, spec: dict) -> float:
    start, end = _date(spec["start"]), _date(spec["end"])
    first = start.replace(day=1)
    last = (end.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    left, right = 6.0, c.width - 6.0

    def x(d: dt.date) -> float:
        return left + (right - left) * (d - first).days / (last - first).days

    today = spec["today"]
    callouts = [Callout(x(_date(d)), [[(day + "  ", LABEL), (label, BODY)]], marker)
                for d, day, label, marker in spec["events"]]
    lanes = place_callouts(callouts, c, 0.0, c.width)
    axis_y = 12 + lanes * LANE
    # spans: one row each, below the axis
    row_y, spans_y = axis_y + 8, []
    for s, e, label, kind in spec["spans"]:
        x1, x2 = x(_date(s)), x(_date(e))
        if kind == "period":
            c.rect(x1, row_y, x2 - x1, 14, NAVY)
            style = Style(8.0, 600, False, WHITE)
            if c.measure(label, style) + 10 < x2 - x1:
                c.text(x1 + 6, row_y + 9.8, label, style)
            else:
                c.text(x2 + 4, row_y + 9.8, label, Style(8.0, 600))
        else:
            c.rect(x1, row_y + 2, x2 - x1, 10, TINT, NAVY, 0.9, "2.5,1.5")
            width = c.measure(label, BODY)
            if x2 + 4 + width <= c.width:
                c.text(x2 + 4, row_y + 9.8, label, BODY)
            else:
                c.text(x1 - 4, row_y + 9.8, label, BODY, anchor="end")
        spans_y.append(row_y)
        row_y += 18
    # month ticks and names under everything; years under January and the first month
    scale_y = row_y + 2
    c.line(left, axis_y, right, axis_y, INK, 0.9)
    d = first
    while d <= last:
        c.line(x(d), axis_y, x(d), axis_y + 3, INK, 0.75)
        c.line(x(d), scale_y, x(d), scale_y + 3, RULE, 0.6)
        if d < last:
            nxt = (d + dt.timedelta(days=32)).replace(day=1)
            mid = (x(d) + x(nxt)) / 2
            c.text(mid, scale_y + 10, _month_name(d, spec["lang"]), Style(7.5, 400, False, MUTED),
                   anchor="middle")
            if d == first or d.month == 1:
                c.text(x(d) + 1, scale_y + 20, str(d.year), Style(7.5, 600, False, MUTED))
        d = (d + dt.timedelta(days=32)).replace(day=1)
    bottom = scale_y + 23
    if today:      # from the axis down, labelled under the scale: it never meets a callout
        tx = x(_date(today[0]))
        c.line(tx, axis_y, tx, scale_y + 3, INK, 0.9, "3,2")     # not over the month names
        c.line(tx, scale_y + 23, tx, scale_y + 27, INK, 0.9)
        label_w = c.measure(today[1], LABEL)
        if tx + 3 + label_w <= c.width:
            c.text(tx + 3, scale_y + 32, today[1], LABEL)
        else:
            c.text(tx - 3, scale_y + 32, today[1], LABEL, anchor="end")
        bottom = scale_y + 35
    draw_callouts(c, callouts, axis_y)
    return bottom


def _month_name(d: dt.date, lang: str) -> str:
    return format_date(d, "MMM", locale=i18n.LOCALES[lang]).rstrip(".")


def draw_places(c: Canvas, spec: dict) -> float:
    groups = spec["groups"]
    gap = 14.0
    col_w = (c.width - gap * (len(groups) - 1)) / len(groups)
    bottom = 0.0
    for k, (name, count, rows) in enumerate(groups):
        x0 = k * (col_w + gap)
        c.rect(x0, 0, col_w, 20, TINT)
        c.text(x0 + 5, 13.5, name, HEAD)
        c.text(x0 + col_w - 5, 13.5, count, Style(7.5, 400, True, MUTED), anchor="end")
        c.line(x0, 20, x0 + col_w, 20, NAVY, 1.2)
        y = 33.0
        for place, note in rows:
            name_style = Style(9.0, 600, False, INK)
            w = c.measure(place, name_style)
            c.rect(x0 + 5, y - 5.6, 4, 4, NAVY)
            c.text(x0 + 13, y, place, name_style)
            note_w = c.measure(note, NOTE)
            if 13 + w + 5 + note_w <= col_w - 3:
                c.text(x0 + 13 + w + 5, y, note, NOTE)
            else:
                y += 9.5
                for line in _wrap(c, note, NOTE, col_w - 16):
                    c.text(x0 + 13, y, line, NOTE)
                    y += 9.0
                y -= 9.0
            y += 13.5
        bottom = max(bottom, y - 13.5 + 5)
    for k in range(1, len(groups)):
        xg = k * (col_w + gap) - gap / 2
        c.line(xg, 24, xg, bottom, RULE, 0.5)
    return bottom


def _wrap(c: Canvas, text: str, style: Style, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and c.measure(candidate, style) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line] if line else lines


def draw_allies(c: Canvas, spec: dict) -> float:
    created, points, peru = spec["created"], spec["points"], spec["peru"]
    notified = _date(peru[0])
    first = created - created % 5
    last_year = notified.year + (notified.timetuple().tm_yday / 366)
    last = int(last_year) + (5 - int(last_year) % 5) if int(last_year) % 5 else int(last_year) + 5
    left, right = 10.0, c.width - 10.0

    def x(year: float) -> float:
        return left + (right - left) * (year - first) / (last - first)

    callouts = [Callout(x(created + 0.5), [[(f"{created}  ", LABEL),
                                            (spec["created_label"], NOTE)]], "tick")]
    callouts += [Callout(x(year + 0.5), [[(f"{year}  ", LABEL), (name, BODY)]])
                 for year, name in points]
    callouts.append(Callout(x(last_year), [[(peru[2] + "  ", LABEL), (peru[1], Style(8.0, 600))],
                                           [(peru[3], NOTE)]], "ring"))
    lanes = place_callouts(callouts, c, 0.0, c.width)
    axis_y = 6 + lanes * LANE + 6
    c.line(left, axis_y, right, axis_y, INK, 0.9)
    for year in range(first, last + 1, 5):
        c.line(x(year), axis_y, x(year), axis_y + 3, INK, 0.75)
        c.text(x(year), axis_y + 12, str(year), Style(7.5, 400, False, MUTED), anchor="middle")
    draw_callouts(c, callouts, axis_y)
    # the rest of the list: no years in the sources, so names only
    y = axis_y + 32
    c.line(0, y - 12, c.width, y - 12, RULE, 0.5)
    w = c.text(0, y, spec["rest_title"], Style(8.5, 600, False, NAVY))
    c.text(w + 6, y, spec["rest_note"], NOTE)
    rest, cols = spec["rest"], 4
    rows = -(-len(rest) // cols)
    col_w = c.width / cols
    for k, name in enumerate(rest):
        col, row = divmod(k, rows)
        cx, cy = col * col_w, y + 14 + row * 12
        c.rect(cx + 1, cy - 5.2, 3.5, 3.5, GREY)
        c.text(cx + 9, cy, name, BODY)
    return y + 14 + (rows - 1) * 12 + 5


_DRAW = {"vote": draw_vote, "timeline": draw_timeline, "places": draw_places,
         "allies": draw_allies}


# -- rasterizing and caching --------------------------------------------------------------

def to_png(svg: str, width_pt: float, fonts: Path) -> bytes:
    """The SVG at ``DPI`` dots per inch of its printed width, on white, stamped with its
    resolution (a pHYs chunk), drawn by resvg with the shipped fonts only."""
    import resvg_py
    pixels = round(width_pt / 72 * DPI)
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, width=pixels, background="white",
                                      skip_system_fonts=True, font_dirs=[str(fonts)],
                                      font_family=FONT, serif_family=FONT))
    return _with_dpi(png, DPI)


def _with_dpi(png: bytes, dpi: int) -> bytes:
    """Insert (or replace) the pHYs chunk right after IHDR."""
    ppm = round(dpi / 0.0254)
    data = struct.pack(">IIB", ppm, ppm, 1)
    chunk = struct.pack(">I", len(data)) + b"pHYs" + data + \
        struct.pack(">I", zlib.crc32(b"pHYs" + data) & 0xFFFFFFFF)
    pos, out = 8, [png[:8]]
    while pos < len(png):
        length = struct.unpack(">I", png[pos:pos + 4])[0]
        kind = png[pos + 4:pos + 8]
        end = pos + 12 + length
        if kind != b"pHYs":
            out.append(png[pos:end])
        if kind == b"IHDR":
            out.append(chunk)
        pos = end
    return b"".join(out)


@dataclass(frozen=True)
class Figure:
    name: str
    key: str
    svg: Path
    png: Path
    width: float          # pt, printed
    height: float
    alt: str
    caption: str


_SIZE = re.compile(rb'viewBox="0 0 ([\d.]+) ([\d.]+)"')


@lru_cache(maxsize=None)
def _tools() -> str:
    """The drawing code and the versions of the libraries that measure and rasterize."""
    import PIL
    import resvg_py
    return f"{_CODE} pillow {PIL.__version__} resvg-py {resvg_py.__version__} dpi {DPI}"


def render(name: str, made: Made, cache: Path, fonts: Path) -> Figure:
    """The figure's files, drawn only when no file of the same inputs exists."""
    spec = dict(made.spec, title=made.alt)
    key = hashlib.sha256(json.dumps({"spec": spec, "tools": _tools()},
                                    sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    svg_path, png_path = cache / f"{key[:32]}.svg", cache / f"{key[:32]}.png"
    if svg_path.is_file() and png_path.is_file():
        match = _SIZE.search(svg_path.read_bytes()[:600])
        if match:
            return Figure(name, key, svg_path, png_path, float(match[1]), float(match[2]),
                          made.alt, made.caption)
    svg, height = draw(spec, fonts)
    # Atomic: build workers may draw the same figure at the same time.
    write_atomic(svg_path, svg.encode("utf-8"))
    write_atomic(png_path, to_png(svg, WIDTH, fonts))
    return Figure(name, key, svg_path, png_path, WIDTH, height, made.alt, made.caption)
