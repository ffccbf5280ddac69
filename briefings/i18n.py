"""Per-language strings and the Babel-backed filters templates use to format values.

The filters take a Babel locale ("es_MX", "en_GB"): the ``locale`` of the brief's language
in templates/project.yaml (briefings/settings.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from babel.core import Locale
from babel.dates import format_date, format_interval, format_skeleton, match_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal

from briefings import projectfiles
from briefings.errors import BriefingError, BriefingErrors
from briefings.yamlfile import read_yaml


# What the engine and the layout read from templates/theme/i18n/<lang>.yaml: the page
# furniture, the words of the tense rule (tense.py) and of a worked-out fact (facts_door.py).
LABELS = ("kind", "date", "as_of", "version", "replaces", "changes", "reader", "language",
          "language_name", "page_of", "contents", "figure", "date_range", "author",
          "present_markers", "past_with_year", "estimate", "projection")


def load_strings(folder: Path, lang: str, required: Iterable[str] = ()) -> dict[str, str]:
    """``<folder>/<lang>.yaml``: ``key: text`` lines, e.g. the page furniture (labels,
    header, cover) in ``templates/theme/i18n/``. Every key of ``required`` and every key the
    other languages' files in ``folder`` have must be there: a label missing in one language
    would otherwise fail only when that language is built."""
    path = folder / f"{lang}.yaml"
    if not projectfiles.found(path):
        known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml")))
        raise BriefingError(f"no strings for language '{lang}' (known: {known})", path)
    strings = _strings(path)
    expected = {}  # key → why: the other language's file is the likelier fix to copy from
    for other in sorted(folder.glob("*.yaml")):
        if other != path and projectfiles.found(other):
            for key in _strings(other):
                expected.setdefault(key, f"{other.name} has it")
    for key in required:
        expected.setdefault(key, "the brief needs it")
    missing = [BriefingError(f"'{key}' is missing ({why}): add it in this language", path)
               for key, why in expected.items() if key not in strings]
    if missing:
        raise BriefingErrors(missing)
    return strings


def labels(chain, lang: str) -> dict[str, str]:
    """The page furniture of one edition: the theme's labels (all of them, in every language),
    with any label the brief or the reader's overrides give in ``i18n/<lang>.yaml``."""
    *overrides, theme = chain
    merged = load_strings(theme / "i18n", lang, LABELS)
    for folder in reversed(overrides):
        path = folder / "i18n" / f"{lang}.yaml"
        if projectfiles.found(path):
            merged.update(_strings(path))
    return merged


def _strings(path: Path) -> dict[str, str]:
    doc = read_yaml(path)
    if not isinstance(doc.data, dict):
        raise BriefingError("expected 'key: text' lines only", path)
    for key, value in doc.data.items():
        if not isinstance(value, str):
            raise BriefingError("expected a text (put it in quotes)", path,
                                doc.line_of([key]), str(key))
    return doc.data


def listed(text: str) -> list[str]:
    """The items of a label that lists several, separated by commas ("hoy, ahora")."""
    return [item.strip() for item in text.split(",") if item.strip()]


def language_name(lang: str) -> str:
    """A language's name in the tool's messages, which are written in English: Babel's
    English name of the language ("Spanish" for es or es_MX), so a new language needs no
    list here and the package names no language. A document names its own language by the
    theme's ``language_name`` label, in that language ("Español")."""
    return Locale(Locale.parse(lang).language).english_name


def date(value: dt.date, locale: str, form: str = "long") -> str:
    """``long`` (or ``day``): "14 de diciembre de 2025" / "December 14, 2025"; ``month``:
    "diciembre de 2025"; ``year``: "2025"; ``short``: "14/12/25". The precisions are those
    of a source's ``date_precision``."""
    if form == "year":
        return str(value.year)
    if form == "day":
        form = "long"
    if form == "month":
        return format_skeleton("yMMMM", value, locale=locale)
    return format_date(value, form, locale=locale)


RANGE = "yMMMMd"          # a range's dates: day, month in words, year
_DASHES = " \u2009\u00a0–—-~～"


def date_range(start: dt.date, end: dt.date, locale: str, words: str | None = None) -> str:
    """"1 de enero–31 de diciembre de 2026" / "1 Jan – 31 Dec 2026": Babel's interval
    format, which writes the month and year the two ends share once. With ``words`` (the
    theme's ``date_range``, "del {start} al {end}") the ends are joined by those words
    instead of the dash: "del 1 de enero al 31 de diciembre de 2026", "del 1 al 3 de abril
    de 2026". Each end is written by its own part of the same interval format (CLDR's
    first part ends with the dash, which goes)."""
    if words is None or start == end:
        return format_interval(start, end, RANGE, locale=locale)
    formats = Locale.parse(locale).interval_formats
    parts = formats[match_skeleton(RANGE, formats)]
    greatest = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    first, second = parts[greatest]
    return (words.replace("{start}", format_date(start, first, locale=locale).rstrip(_DASHES))
            .replace("{end}", format_date(end, second, locale=locale)))


def number(value: int | float, locale: str) -> str:
    return format_decimal(value, locale=locale)


def join(items: list, locale: str, style: str = "standard") -> str:
    """"Lima, Callao y Cusco" / "Lima, Callao, and Cusco"; ``style="or"`` for alternatives."""
    return format_list([str(i) for i in items], style=style, locale=locale)
