"""Each kind's drawing, from its spec (briefings/figures/kinds.py), in the theme's font and
palette. Coordinates are points at the printed size."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from briefings.figures.canvas import LANE, Callout, Canvas, Ink, draw_callouts, place_callouts

LABEL = Ink(8.0, 600)
BODY = Ink(8.0)
NOTE = Ink(7.5, 400, True, "muted")
HEAD = Ink(9.0, 600, False, "accent")
SCALE = Ink(7.5, 400, False, "muted")
YEAR = Ink(7.5, 600, False, "muted")


def draw(canvas: Canvas, spec: dict) -> float:
    """Draws the spec on the canvas; returns the drawing's height."""
    return _DRAW[spec["kind"]](canvas, spec)


def bars(c: Canvas, spec: dict) -> float:
    rows, numbers = spec["bars"], spec["numbers"]
    label_w = max(c.measure(label, Ink(9.0)) for label, _, _ in rows) + 10
    number_w = max(c.measure(n, Ink(9.5, 600)) for n in numbers) + 8
    x0, full = label_w, c.width - label_w - number_w
    top = max(n for _, n, _ in rows) or 1
    bar_h, gap, y = 15.0, 6.0, 4.0
    for (label, n, colour), shown in zip(rows, numbers):
        w = full * n / top
        c.text(x0 - 8, y + bar_h / 2 + 3.2, label, Ink(9.0), anchor="end")
        c.rect(x0, y, w, bar_h, colour)
        c.text(x0 + w + 5, y + bar_h / 2 + 3.4, shown, Ink(9.5, 600))
        y += bar_h + gap
    c.line(x0, 1, x0, y - gap + 3, "ink", 0.75)
    return y - gap + 4


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _next_month(d: dt.date) -> dt.date:
    return (d.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def timeline(c: Canvas, spec: dict) -> float:
    """Events as labelled points above a month axis, spans as bars below it, an optional
    dashed line for today."""
    first = _date(spec["start"]).replace(day=1)
    last = _next_month(_date(spec["end"]))
    left, right = 6.0, c.width - 6.0

    def x(d: dt.date) -> float:
        return left + (right - left) * (d - first).days / (last - first).days

    callouts = [Callout(x(_date(d)), [[(day + "  ", LABEL), (label, BODY)]], marker)
                for d, day, label, marker in spec["events"]]
    lanes = place_callouts(callouts, c, 0.0, c.width)
    axis_y = 12 + lanes * LANE
    row_y = axis_y + 8                  # spans: one row each, below the axis
    for s, e, label, style in spec["spans"]:
        x1, x2 = x(_date(s)), x(_date(e))
        if style == "solid":
            c.rect(x1, row_y, x2 - x1, 14, "accent")
            inside = Ink(8.0, 600, False, "paper")
            if c.measure(label, inside) + 10 < x2 - x1:
                c.text(x1 + 6, row_y + 9.8, label, inside)
            else:
                c.text(x2 + 4, row_y + 9.8, label, LABEL)
        else:
            c.rect(x1, row_y + 2, x2 - x1, 10, "tint", "accent", 0.9, "2.5,1.5")
            if x2 + 4 + c.measure(label, BODY) <= c.width:
                c.text(x2 + 4, row_y + 9.8, label, BODY)
            else:
                c.text(x1 - 4, row_y + 9.8, label, BODY, anchor="end")
        row_y += 18
    # month ticks, then month names and years under everything, as many as fit
    scale_y = row_y + 2
    c.line(left, axis_y, right, axis_y, "ink", 0.9)
    months = []
    d = first
    while d <= last:
        c.line(x(d), axis_y, x(d), axis_y + 3, "ink", 0.75)
        c.line(x(d), scale_y, x(d), scale_y + 3, "rule", 0.6)
        months.append(d)
        d = _next_month(d)
    months.pop()                        # the last tick closes the last month
    step = _month_step(c, months, x, spec["locale"])
    names = [(x(m), x(_next_month(m)), format_date(m, "MMM", locale=spec["locale"]).rstrip("."))
             for m in months if step < 12 and (m.month - 1) % step == 0]
    _scale_row(c, [((a + b) / 2 - c.measure(n, SCALE) / 2, n) for a, b, n in names],
               scale_y + 10, SCALE)
    year_y = scale_y + (20 if step < 12 else 10)
    _scale_row(c, [(x(m) + 1, str(m.year)) for m in months if m == first or m.month == 1],
               year_y, YEAR)
    bottom = year_y + 3
    if spec["today"]:     # from the axis down, labelled under the scale: it meets no callout
        day, label = spec["today"]
        tx = x(_date(day))
        c.line(tx, axis_y, tx, scale_y + 3, "ink", 0.9, "3,2")     # not over the month names
        c.line(tx, bottom, tx, bottom + 4, "ink", 0.9)
        if tx + 3 + c.measure(label, LABEL) <= c.width:
            c.text(tx + 3, bottom + 9, label, LABEL)
        else:
            c.text(tx - 3, bottom + 9, label, LABEL, anchor="end")
        bottom += 12
    draw_callouts(c, callouts, axis_y)
    return bottom


STEPS = (1, 2, 3, 6, 12)      # months between two month names; at 12, the years alone
ROOM = 4.0                    # pt between two names on the scale


def _month_step(c: Canvas, months: list[dt.date], x, locale: str) -> int:
    """How many months apart the month names must be so that none runs into the next, by
    the narrowest month's width and the widest name measured in the font (Vega-Lite's tick
    count does the same with its labels): every month, every other, quarters, half-years,
    or the years alone."""
    narrowest = min(x(_next_month(m)) - x(m) for m in months)
    widest = max(c.measure(format_date(m, "MMM", locale=locale).rstrip("."), SCALE)
                 for m in months)
    return next((s for s in STEPS[:-1] if widest + ROOM <= s * narrowest), STEPS[-1])


def _scale_row(c: Canvas, labels: list[tuple[float, str]], y: float, ink: Ink) -> None:
    """Labels at their left edge ``x`` on one line, each dropped that would touch the one
    after it or run past the figure's edge: the year under the first month gives way to
    the next January's."""
    kept, start = [], c.width + ROOM
    for at, text in reversed(labels):
        if at >= 0 and at + c.measure(text, ink) + ROOM <= start:
            kept.append((at, text))
            start = at
    for at, text in reversed(kept):
        c.text(at, y, text, ink)


def points(c: Canvas, spec: dict) -> float:
    """Labelled points on a year axis, and optionally a list of names with no place on it."""
    rows = spec["points"]
    low, high = min(r[0] for r in rows), max(r[0] for r in rows)
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 10 ** 9)
                if (high - low) / s <= 10)          # ten ticks at most
    first = int(low) - int(low) % step
    last = (int(high) // step + 1) * step
    left, right = 10.0, c.width - 10.0

    def x(year: float) -> float:
        return left + (right - left) * (year - first) / (last - first)

    callouts = []
    for at, when, label, note, marker in rows:
        ink = {"tick": NOTE, "ring": Ink(8.0, 600)}.get(marker, BODY)
        lines = [[(when + "  ", LABEL), (label, ink)]] + ([[(note, NOTE)]] if note else [])
        callouts.append(Callout(x(at), lines, marker))
    lanes = place_callouts(callouts, c, 0.0, c.width)
    axis_y = 12 + lanes * LANE
    c.line(left, axis_y, right, axis_y, "ink", 0.9)
    for year in range(first, last + 1, step):
        c.line(x(year), axis_y, x(year), axis_y + 3, "ink", 0.75)
        c.text(x(year), axis_y + 12, str(year), SCALE, anchor="middle")
    draw_callouts(c, callouts, axis_y)
    if not spec["others"]:
        return axis_y + 16
    listed = spec["others"]
    y = axis_y + 32
    c.line(0, y - 12, c.width, y - 12, "rule", 0.5)
    w = c.text(0, y, listed["title"], Ink(8.5, 600, False, "accent"))
    if listed["note"]:
        c.text(w + 6, y, listed["note"], NOTE)
    names, cols = listed["items"], 4
    per_col = -(-len(names) // cols)
    col_w = c.width / cols
    for k, name in enumerate(names):
        col, row = divmod(k, per_col)
        cx, cy = col * col_w, y + 14 + row * 12
        c.rect(cx + 1, cy - 5.2, 3.5, 3.5, "grey")
        c.text(cx + 9, cy, name, BODY)
    return y + 14 + (per_col - 1) * 12 + 5


def groups(c: Canvas, spec: dict) -> float:
    """One column per group: its name and count, then its items with their notes."""
    drawn = spec["groups"]
    gap = 14.0
    col_w = (c.width - gap * (len(drawn) - 1)) / len(drawn)
    bottom = 0.0
    for k, (name, count, rows) in enumerate(drawn):
        x0 = k * (col_w + gap)
        c.rect(x0, 0, col_w, 20, "tint")
        c.text(x0 + 5, 13.5, name, HEAD)
        c.text(x0 + col_w - 5, 13.5, count, NOTE, anchor="end")
        c.line(x0, 20, x0 + col_w, 20, "accent", 1.2)
        y = 33.0
        for item, note in rows:
            item_ink = Ink(9.0, 600)
            w = c.measure(item, item_ink)
            c.rect(x0 + 5, y - 5.6, 4, 4, "accent")
            c.text(x0 + 13, y, item, item_ink)
            if 13 + w + 5 + c.measure(note, NOTE) <= col_w - 3:
                c.text(x0 + 13 + w + 5, y, note, NOTE)
            elif note:
                for line in _wrap(c, note, NOTE, col_w - 16):
                    y += 9.0
                    c.text(x0 + 13, y + 0.5, line, NOTE)
            y += 13.5
        bottom = max(bottom, y - 13.5 + 5)
    for k in range(1, len(drawn)):
        xg = k * (col_w + gap) - gap / 2
        c.line(xg, 24, xg, bottom, "rule", 0.5)
    return bottom


def _wrap(c: Canvas, text: str, ink: Ink, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and c.measure(candidate, ink) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line] if line else lines


_DRAW = {"bars": bars, "timeline": timeline, "points": points, "groups": groups}
