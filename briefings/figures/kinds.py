"""What each kind of figure shows, worked out from its data: a *spec* of plain data with
every label already in the document's language (the drawing reads nothing else), plus
the figure's caption and alt text.

Words may use these placeholders besides fact values (docs/editing-templates.md):
- bars: ``{bars}`` (each label with its number);
- timeline: ``{start}``, ``{end}``, ``{events}``, ``{spans}``; an event's label ``{date}``;
  a span's label ``{range}`` and ``{days}``; ``today``'s words ``{date}``; ``undated``'s
  ``{items}``;
- points: ``{points}``, ``{others}`` and ``{count}`` (of the others);
- groups: ``{n}`` (all items) and ``{groups}``; ``count`` has ``{n}`` (of the group);
- vega-lite: none; in its ``spec``, ``{es: …, en: …}`` is the text in the document's
  language (an axis title, say).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from babel.dates import format_date

from briefings import i18n
from briefings.errors import did_you_mean
from briefings.figures import declared as d, vegalite
from briefings.figures.bind import Data
from briefings.style import Style


@dataclass
class Made:
    spec: dict             # what is drawn: plain data, hashed to name the cached drawing
    alt: str
    caption: str


def make(figure, data: Data, style: Style) -> Made:
    return _KINDS[figure.kind](figure, data, style)


def _colour(data: Data, name: str, style: Style, loc: tuple) -> str:
    """A colour of the palette, by name (the drawing resolves it)."""
    if name not in style.palette:
        hint = did_you_mean(name, style.palette)
        raise data.error(loc, f"unknown colour '{name}' ({hint + ' ' if hint else ''}the "
                              f"theme's style.yaml has {', '.join(style.palette)})")
    return name


def bars(figure: d.Bars, data: Data, style: Style) -> Made:
    rows = []
    for k, bar in enumerate(figure.bars):
        loc = ("bars", k)
        n = data.typed(float, bar.value, loc + ("value",))
        rows.append([data.words(bar.label, loc + ("label",)), n,
                     _colour(data, bar.colour, style, loc + ("colour",))])
    shown = [data.number(n) for _, n, _ in rows]
    listed = "; ".join(f"{label}: {n}" for (label, _, _), n in zip(rows, shown))
    return Made({"kind": "bars", "bars": rows, "numbers": shown},
                data.words(figure.alt, ("alt",), bars=listed),
                data.words(figure.caption, ("caption",), bars=listed))


def _day(d: dt.date, locale: str, year: bool = False) -> str:
    return format_date(d, "d MMM y" if year else "d MMM", locale=locale)


def timeline(figure: d.Timeline, data: Data, style: Style) -> Made:
    locale = data.locale
    events, undated = [], []
    for k, event in enumerate(figure.events):
        loc = ("events", k)
        day = data.typed(dt.date, event.date, loc + ("date",), event.fact, optional=True)
        if day is None:
            if event.undated is None:
                raise data.error(loc, f"fact '{event.fact}' has no value '{event.date}': give "
                                      "it one, or say with 'undated' how the caption names "
                                      "the event")
            undated.append(data.words(event.undated, loc + ("undated",), event.fact))
            continue
        label = data.words(event.label, loc + ("label",), event.fact,
                           date=i18n.date(day, locale))
        events.append([day, label, event.marker])
    spans = []
    for k, span in enumerate(figure.spans):
        loc = ("spans", k)
        start = data.typed(dt.date, span.start, loc + ("start",), span.fact)
        if span.days is not None:
            days = data.typed(int, span.days, loc + ("days",), span.fact)
            end = start + dt.timedelta(days=days)
        else:
            end = data.typed(dt.date, span.end, loc + ("end",), span.fact)
            days = (end - start).days
        if end < start:
            raise data.error(loc, "the span ends before it starts")
        shown_range = i18n.date_range(start, end, locale, data.ranges)
        label = data.words(span.label, loc + ("label",), span.fact, range=shown_range,
                           days=data.number(days))
        spans.append([start, end, label, span.style, shown_range])
    dates = [e[0] for e in events] + [s[0] for s in spans] + [s[1] for s in spans]
    start, end = min(dates), max(dates)
    today = data.today if figure.today and start <= data.today <= end else None
    spec = {"kind": "timeline", "locale": locale, "start": start.isoformat(),
            "end": end.isoformat(),
            "events": [[day.isoformat(), _day(day, locale), label, marker]
                       for day, label, marker in events],
            "spans": [[s.isoformat(), e.isoformat(), label, style]
                      for s, e, label, style, _ in spans],
            "today": [today.isoformat(),
                      data.words(figure.today.label, ("today", "label"),
                                 date=_day(today, locale, year=True))] if today else None}
    offered = {"start": i18n.date(start, locale), "end": i18n.date(end, locale),
               "events": "; ".join(f"{i18n.date(day, locale)}: {label}"
                                   for day, label, _ in sorted(events, key=lambda e: e[0])),
               "spans": "; ".join(f"{label} ({shown})" if shown not in label else label
                                  for _, _, label, _, shown in spans)}
    alt = data.words(figure.alt, ("alt",), **offered)
    if today:
        alt += " " + data.words(figure.today.alt, ("today", "alt"),
                                date=i18n.date(today, locale))
    caption = data.words(figure.caption, ("caption",), **offered)
    if undated:
        if figure.undated is None:
            raise data.error(("undated",), "some events have no date: say with 'undated' "
                                           "how the caption lists them ({items})")
        caption += " " + data.words(figure.undated, ("undated",),
                                    items=i18n.join(undated, locale))
    return Made(spec, alt, caption)


def points(figure: d.Points, data: Data, style: Style) -> Made:
    locale = data.locale
    rows = []
    for k, point in enumerate(figure.points):
        loc = ("points", k)
        if point.year is not None:
            year = data.typed(int, point.year, loc + ("year",), point.fact)
            at, when = year + 0.5, str(year)       # mid-year: the sources give the year
            said = when
        else:
            day = data.typed(dt.date, point.date, loc + ("date",), point.fact)
            at = day.year + day.timetuple().tm_yday / 366
            when = format_date(day, "MMM y", locale=locale)
            said = i18n.date(day, locale, "month")
        label = data.words(point.label, loc + ("label",), point.fact)
        note = data.words(point.note, loc + ("note",), point.fact) if point.note else ""
        rows.append([at, when, label, note, point.marker, said])
    rows.sort(key=lambda row: row[0])
    names, others = [], None
    if figure.others:
        names = sorted(data.names(figure.others.items, ("others", "items")), key=_sort_key)
        others = {"title": data.words(figure.others.title, ("others", "title"),
                                      count=data.number(len(names))),
                  "note": data.words(figure.others.note, ("others", "note"))
                  if figure.others.note else "",
                  "items": names}
    offered = {"points": "; ".join(f"{said}: {label}" + (f" ({note})" if note else "")
                                   for *_, label, note, _, said in rows),
               "others": i18n.join(names, locale), "count": data.number(len(names))}
    return Made({"kind": "points", "points": [row[:5] for row in rows], "others": others},
                data.words(figure.alt, ("alt",), **offered),
                data.words(figure.caption, ("caption",), **offered))


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def groups(figure: d.Groups, data: Data, style: Style) -> Made:
    items = data.names(figure.items, ("items",))
    spellings = data.spellings(figure.items, ("items",))
    placed = {}               # item's position in the fact → (group, key written)
    for k, group in enumerate(figure.groups):
        for key in group.items:
            at = next((i for i, names in enumerate(spellings) if key in names), None)
            if at is None:
                raise data.error(("groups", k, "items", key),
                                 f"'{key}' is not among the items of '{figure.items}'")
            if at in placed:
                raise data.error(("groups", k, "items", key), f"'{key}' is in two groups")
            placed[at] = (k, key)
    missing = [item for i, item in enumerate(items) if i not in placed]
    if missing:
        raise data.error(("groups",), f"no group for {', '.join(missing)} (named by "
                                      f"'{figure.items}'): add each to a group")
    drawn, described = [], []
    for k, group in enumerate(figure.groups):
        loc = ("groups", k)
        rows = []
        for i, item in enumerate(items):               # the fact's order
            if placed[i][0] == k:
                note = group.items[placed[i][1]]
                rows.append([item, data.words(note, loc + ("items", placed[i][1]))
                             if note else ""])
        if not rows:
            continue
        count_words = figure.count_one if len(rows) == 1 and figure.count_one \
            else figure.count
        name = data.words(group.name, loc + ("name",))
        drawn.append([name, data.words(count_words, ("count",), n=data.number(len(rows))),
                      rows])
        described.append(f"{name}: " + i18n.join(
            [f"{item} ({note})" if note else item for item, note in rows], data.locale))
    offered = {"n": data.number(len(items)), "groups": ". ".join(described)}
    return Made({"kind": "groups", "groups": drawn},
                data.words(figure.alt, ("alt",), **offered),
                data.words(figure.caption, ("caption",), **offered))


def vega_lite(figure: d.VegaLite, data: Data, style: Style) -> Made:
    vegalite.check_spec(figure.spec, figure.rows, data)
    rows = []
    for k, row in enumerate(figure.rows):
        out = {}
        for field, item in row.items():
            loc = ("rows", k, field)
            if isinstance(item, d.Words):
                out[field] = data.words(item, loc)
            else:
                value = data.value(item, loc)
                if isinstance(value, list):
                    raise data.error(loc, f"'{item}' is a list; a row holds single values")
                out[field] = value.isoformat() if isinstance(value, dt.date) else value
        rows.append(out)
    caption = data.words(figure.caption, ("caption",))  # in this language, or an error
    spec = vegalite.years_as_years(_in_language(figure.spec, data.lang, set(figure.caption)),
                                   rows)
    if problem := vegalite.compile_problem(spec, rows, style):
        raise data.error(("spec",), problem)
    return Made({"kind": "vega-lite", "locale": data.locale, "rows": rows, "spec": spec},
                data.words(figure.alt, ("alt",)), caption)


def _in_language(node, lang: str, languages: set[str]):
    """A specification's words in one language: each ``{es: …, en: …}`` in it (an axis
    title, say), keyed by the project's ``languages`` as the caption is, becomes the text
    for ``lang``."""
    if isinstance(node, dict):
        if node and set(node) == languages:
            return node[lang]
        return {key: _in_language(value, lang, languages) for key, value in node.items()}
    if isinstance(node, list):
        return [_in_language(value, lang, languages) for value in node]
    return node


_KINDS = {"bars": bars, "timeline": timeline, "points": points, "groups": groups,
          "vega-lite": vega_lite}
