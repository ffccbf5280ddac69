"""The ``vega-lite`` kind: any chart a Vega-Lite specification describes, its data rows
bound to facts, drawn by vl-convert (no browser, no network) in the theme's font and
palette. A specification may not load data or images itself: its data are the rows."""

from __future__ import annotations

import difflib

from babel import Locale
from babel.dates import get_day_names, get_month_names

from briefings.style import Style


MARKS = ("arc", "area", "bar", "boxplot", "circle", "errorband", "errorbar", "line", "point",
         "rect", "rule", "square", "text", "tick", "trail")     # not image or geoshape: no files


def check_spec(spec: dict, data) -> None:
    """No ``url`` anywhere (data, images, fonts) and no ``data`` of its own: everything a
    chart shows comes from the facts, through its rows. A mark's name is checked here,
    since Vega-Lite's own message for a misspelt one names no mark."""
    def walk(node, loc: tuple) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "url":
                    raise data.error(loc + (key,), "a chart may not load anything from a "
                                                   "URL or a file: its data are its rows")
                if key in ("data", "datasets"):
                    raise data.error(loc + (key,), "a chart's data are its rows, bound to "
                                                   "facts: remove this 'data'")
                walk(value, loc + (key,))
        elif isinstance(node, list):
            for k, value in enumerate(node):
                walk(value, loc + (k,))
    walk(spec, ("spec",))
    for loc, mark in _marks(spec, ("spec",)):
        if mark not in MARKS:
            close = difflib.get_close_matches(str(mark), MARKS, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise data.error(loc, f"unknown mark '{mark}' ({hint}marks: {', '.join(MARKS)})")


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


def compile_problem(spec: dict, rows: list[dict], style: Style) -> str | None:
    """Vega-Lite's complaint about a chart, compiled but not drawn; None when it is valid."""
    import vl_convert
    try:
        vl_convert.vegalite_to_vega(_chart(spec, rows, 600), config=config(style))
    except ValueError as exc:
        lines = [line.strip() for line in str(exc).splitlines()[1:] if line.strip()]
        return "Vega-Lite cannot read this chart: " + (lines[0] if lines else str(exc))
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
    import vl_convert
    vl_convert.register_font_directory(str(style.fonts))
    return vl_convert.vegalite_to_svg(_chart(spec, rows, width_px), config=config(style), allowed_base_urls=[],
                                      format_locale=_number_locale(locale),
                                      time_format_locale=_time_locale(locale))
