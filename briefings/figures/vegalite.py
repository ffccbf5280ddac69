"""The ``vega-lite`` kind: any chart a Vega-Lite specification describes, its data rows
bound to facts, drawn by vl-convert (no browser, no network) in the theme's font and
palette. A specification may not load data or images itself: its data are the rows.

A specification is text anyone may send an analyst, and Vega runs its expressions: a
regular expression can run for hours, ``sequence`` or ``pad`` fill gigabytes. So a chart
calls only the functions of an allow-list, is of bounded size, and is drawn in a process
of its own under a time and memory limit (``vegalite_process``)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from functools import lru_cache

from babel import Locale
from babel.dates import get_day_names, get_month_names

from briefings import limits
from briefings.errors import did_you_mean
from briefings.figures.bind import YEARS
from briefings.style import Style


MARKS = ("arc", "area", "bar", "boxplot", "circle", "errorband", "errorbar", "line", "point",
         "rect", "rule", "square", "text", "tick", "trail")     # not image or geoshape: no files

# Vega's expression functions a chart may call: arithmetic, text, dates, colours and
# scales. Not regexp, test, match, replace or split (regular expressions backtrack), nor
# sequence, pad, format or timeSequence (they make what their numbers say), nor now or
# random (a brief is the same whenever it is built).
FUNCTIONS = frozenset("""
    if isArray isBoolean isDate isDefined isNumber isObject isString isValid
    toBoolean toDate toNumber toString
    isNaN isFinite abs acos asin atan atan2 ceil clamp cos exp floor hypot log max min pow
    round sin sqrt tan
    datetime date day dayofyear year quarter month week hours minutes seconds milliseconds
    time timezoneoffset utc utcdate utcday utcdayofyear utcyear utcquarter utcmonth utcweek
    utchours utcminutes utcseconds utcmilliseconds
    extent clampRange indexof inrange join lastindexof length lerp peek reverse slice span
    lower upper trim substring truncate parseFloat parseInt merge
    dayFormat dayAbbrevFormat monthFormat monthAbbrevFormat timeFormat timeParse utcFormat
    utcParse rgb hsl lab hcl luminance contrast scale invert bandwidth
""".split())
# Where Vega-Lite reads an expression (in a filter, anywhere below it).
EXPRESSIONS = ("calculate", "filter", "expr", "test", "labelExpr", "signal")
_QUOTED = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"")
_CALL = re.compile(r"([A-Za-z_$][\w$]*)\s*\(")
_NUMBER = re.compile(r"\d+")
PIXELS = 2_000           # a chart's width, height or step
DRAWN = 4_000            # what is drawn, padding, legends and side-by-side views included
ROWS = 1_000
LIST = 100               # items of a list in a specification (repeat, concat, layers…)
SPEC = 20_000            # characters of a specification, as JSON


class CannotDraw(Exception):
    """vl-convert refused a chart, or drawing it met a limit: one line."""


def check_spec(spec: dict, rows: list, data) -> None:
    """No ``url`` anywhere (data, images, fonts) and no ``data`` of its own: everything a
    chart shows comes from the facts, through its rows. Nothing a reader could click, no
    function off the allow-list, no size beyond the limits. A mark's name is checked here,
    since Vega-Lite's own message for a misspelt one names no mark."""
    if len(rows) > ROWS:
        raise data.error(("rows",), f"a chart has at most {ROWS:,} rows, not {len(rows):,}")
    if len(json.dumps(spec, default=str)) > SPEC:
        raise data.error(("spec",), f"a chart's specification holds at most {SPEC:,} "
                                    "characters: make it simpler")

    def walk(node, loc: tuple, expression: bool) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                _check_key(key, value, loc + (key,), data)
                walk(value, loc + (key,), expression or key in EXPRESSIONS)
        elif isinstance(node, list):
            if len(node) > LIST:
                raise data.error(loc, f"a list in a chart has at most {LIST} items")
            for k, value in enumerate(node):
                walk(value, loc + (k,), expression)
        elif isinstance(node, str) and expression:
            for function in _CALL.findall(_QUOTED.sub("''", node)):
                if function not in FUNCTIONS:
                    raise data.error(loc, f"a chart's expression may not call {function}(): "
                                          "only arithmetic, text, date and colour functions "
                                          "(no regular expressions, sequences or padding, "
                                          "which can run for hours)")
    walk(spec, ("spec",), False)
    for loc, mark in _marks(spec, ("spec",)):
        if mark not in MARKS:
            hint = did_you_mean(str(mark), MARKS)
            raise data.error(loc, f"unknown mark '{mark}' ({hint + ' ' if hint else ''}marks: {', '.join(MARKS)})")


def _check_key(key, value, loc: tuple, data) -> None:
    if key == "url":
        raise data.error(loc, "a chart may not load anything from a URL or a file: its "
                              "data are its rows")
    if key in ("data", "datasets"):
        raise data.error(loc, "a chart's data are its rows, bound to facts: remove this "
                              "'data'")
    if key in ("params", "selection", "href"):
        raise data.error(loc, f"a chart is printed, no one clicks it: remove this '{key}'")
    if key in ("width", "height", "step") and isinstance(value, (int, float)) \
            and not 0 <= value <= PIXELS:
        raise data.error(loc, f"a chart's {key} is at most {PIXELS:,} px")
    if key == "format" and isinstance(value, str) and any(
            len(n) > 3 or int(n) > 100 for n in _NUMBER.findall(value)):
        raise data.error(loc, "a format's width or precision is at most 100")


def _marks(node, loc: tuple):
    """Every mark type in a specification, with its place (layers and concatenations too)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "mark":
                if isinstance(value, dict):
                    yield loc + (key, "type"), value.get("type")
                else:
                    yield loc + (key,), value
            else:
                yield from _marks(value, loc + (key,))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from _marks(value, loc + (k,))


# Channels drawn with an axis, and those read as words; the others have a legend.
AXES = ("x", "y", "x2", "y2")
WORDS = ("text", "tooltip")


def years_as_years(spec: dict, rows: list[dict]) -> dict:
    """The specification with each quantitative field whose every value is a year (a whole
    number from 1000 to 2999, as in a figure's words) printed as one: Vega-Lite groups the
    thousands of every number ("2,026", "2.026") and ticks in fractions ("2,026.5"). Its
    axis has a tick a year, its legend and text say "2026"; a format the chart gives stays."""
    fields = {field for row in rows for field in row}
    years = {field for field in fields if all(
        type(row.get(field)) is int and row[field] in YEARS for row in rows)}

    def as_year(channel: str, encoding):
        if isinstance(encoding, list):
            return [as_year(channel, e) for e in encoding]
        if not isinstance(encoding, dict) or encoding.get("field") not in years \
                or encoding.get("type", "quantitative") != "quantitative" \
                or "aggregate" in encoding:
            return encoding
        if channel in WORDS:
            return {"format": "d", **encoding}
        place, extra = ("axis", {"tickMinStep": 1}) if channel in AXES else ("legend", {})
        if encoding.get(place, {}) is None:     # axis: null, legend: null
            return encoding
        return {**encoding, place: {"format": "d", **extra, **encoding.get(place, {})}}

    def walk(node):
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: walk(value) for key, value in node.items()}
        if isinstance(node.get("encoding"), dict):
            node["encoding"] = {channel: as_year(channel, encoding)
                                for channel, encoding in node["encoding"].items()}
        return node
    return walk(spec)


def compile_problem(spec: dict, rows: list[dict], style: Style) -> str | None:
    """Vega-Lite's complaint about a chart, compiled but not drawn; None when it is valid."""
    try:
        _convert("vega", _chart(spec, rows, 600), style)
    except CannotDraw as exc:
        return f"Vega-Lite cannot read this chart: {exc}"
    return None


def _chart(spec: dict, rows: list[dict], width_px: float) -> dict:
    return {"width": width_px, **spec, "data": {"values": rows}}


def config(style: Style) -> dict:
    """The theme's font and palette as Vega-Lite configuration."""
    p = style.palette
    axis = {"labelColor": p["muted"], "titleColor": p["ink"], "domainColor": p["ink"],
            "tickColor": p["ink"], "gridColor": p["rule"], "labelFont": style.font.family,
            "titleFont": style.font.family, "titleFontWeight": 600}
    return {"font": style.font.family, "background": p["paper"],
            "view": {"stroke": None}, "axis": axis,
            "legend": {"labelColor": p["ink"], "titleColor": p["ink"]},
            "mark": {"color": p["accent"]},
            "range": {"category": [p["accent"], p["grey"], p["muted"], p["rule"]]},
            "autosize": {"type": "fit", "contains": "padding"}}


def _number_locale(locale: str) -> dict:
    symbols = Locale.parse(locale).number_symbols["latn"]
    return {"decimal": symbols["decimal"], "thousands": symbols["group"], "grouping": [3],
            "currency": ["", ""]}


def _time_locale(locale: str) -> dict:
    days = get_day_names("wide", locale=locale)          # Monday is 0; d3 starts on Sunday
    short_days = get_day_names("abbreviated", locale=locale)
    months = get_month_names("wide", locale=locale)
    short = get_month_names("abbreviated", locale=locale)
    return {"dateTime": "%x, %X", "date": "%d/%m/%Y", "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [days[(k + 6) % 7] for k in range(7)],
            "shortDays": [short_days[(k + 6) % 7] for k in range(7)],
            "months": [months[k] for k in range(1, 13)],
            "shortMonths": [short[k].rstrip(".") for k in range(1, 13)]}


def to_svg(spec: dict, rows: list[dict], locale: str, style: Style, width_px: float) -> str:
    return _convert("svg", _chart(spec, rows, width_px), style,
                    format_locale=_number_locale(locale),
                    time_format_locale=_time_locale(locale))


def _convert(to: str, chart: dict, style: Style, **locales) -> str:
    """vl-convert's answer, from a process of its own that may take ``BRIEFINGS_FIGURE_*``
    (killed past its time, on Ctrl-C, and with the build)."""
    request = json.dumps({"to": to, "chart": chart, "config": config(style),
                          "fonts": str(style.fonts), **locales}, sort_keys=True)
    answer = _answer(request, limits.setting("BRIEFINGS_FIGURE_SECONDS"),
                     limits.setting("BRIEFINGS_FIGURE_MB"))
    if "error" in answer:
        raise CannotDraw(answer["error"])
    return answer["result"]


@lru_cache(maxsize=64)
def _answer(request: str, seconds: float, megabytes: float) -> dict:
    """vl-convert's answer to a request, kept by what it asks (under the same limits): every
    draft of every version of a brief compiles its charts, and each chart is the same in
    them all. A chart stopped at a limit raises, and is not kept."""
    try:
        done = subprocess.run([sys.executable, "-I", "-m", "briefings.figures.vegalite_process"],
                              input=request.encode(), capture_output=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        raise CannotDraw(f"drawing this chart took more than {seconds:g} s, the time a "
                         "chart may take (BRIEFINGS_FIGURE_SECONDS): look for a transform or "
                         "an expression that repeats work") from None
    if done.returncode != 0:
        how = signal.Signals(-done.returncode).name if done.returncode < 0 \
            else f"exit {done.returncode}"
        raise CannotDraw(f"drawing this chart needed more memory than a chart may use "
                         f"({megabytes:g} MB, BRIEFINGS_FIGURE_MB), or crashed ({how}): look "
                         "for a transform that makes many rows")
    return json.loads(done.stdout)
