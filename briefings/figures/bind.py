"""A declared figure's data, read from the facts in one language.

Values are read through the template's own fact door, so every fact a figure shows counts
as used and its caption cites exactly those facts. Every problem is the analyst's: one line
naming figures.yaml, the line and what is wrong."""

from __future__ import annotations

import datetime as dt
import re

from briefings import i18n
from briefings.errors import did_you_mean
from briefings.figures.declared import Declared, Words
from briefings.schema import missing_text
from briefings.templating import TemplateValueError

_PLACEHOLDER = re.compile(r"\{([^}]*)\}")
# A whole number in this range, taken from a fact into a figure's words, is a year.
YEARS = range(1000, 3000)
_TYPES = {int: "a number", float: "a number", dt.date: "a date", str: "a text",
          list: "a list"}


def _type_name(value) -> str:
    return next((name for kind, name in _TYPES.items() if isinstance(value, kind)),
                "something else")


class Data:
    """Values and words of one figure: ``loc`` arguments are its place in figures.yaml
    (after the figure's name), for the error line. ``lang`` picks the words, ``locale``
    (Babel's) how dates, numbers and lists are written, ``ranges`` the words that join
    the ends of a range (the theme's ``date_range``)."""

    def __init__(self, declared: Declared, name: str, door, lang: str, locale: str,
                 today: dt.date, ranges: str):
        self.declared, self.name, self.today = declared, name, today
        self.lang, self.locale, self.ranges = lang, locale, ranges
        self._door = door
        self.facts: dict[str, dict] = {}      # id → fact view, in the order first read

    def error(self, loc: tuple, message: str):
        return self.declared.error((self.name, *loc), message)

    def _view(self, fact_id: str, loc: tuple) -> dict:
        if fact_id not in self.facts:
            try:
                self.facts[fact_id] = self._door(fact_id)
            except TemplateValueError as exc:
                raise self.error(loc, str(exc)) from None
        return self.facts[fact_id]

    def value(self, ref: str, loc: tuple, fact: str | None = None, optional: bool = False):
        """The value ``ref`` names (``<fact id>.<value>``, or a value of ``fact``); None when
        ``optional`` and the fact lacks it."""
        if "." in ref:
            fact, ref = ref.rsplit(".", 1)
        elif fact is None:
            raise self.error(loc, f"'{ref}': name the value as <fact id>.<value>, e.g. "
                                  f"harbour.vote.{ref}, or give the item a 'fact'")
        values = self._view(fact, loc)["values"]
        if ref not in values:
            if optional:
                return None
            known = ", ".join(values) or "none"
            raise self.error(loc, f"fact '{fact}' has no value '{ref}' (its values: {known})")
        return values[ref]

    def typed(self, kind: type, ref: str, loc: tuple, fact: str | None = None,
              optional: bool = False):
        value = self.value(ref, loc, fact, optional)
        if value is None or (isinstance(value, kind) and not isinstance(value, bool)):
            return value
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return value
        raise self.error(loc, f"'{ref}' is {_type_name(value)}; this figure needs "
                              f"{_TYPES[kind]} here")

    def names(self, ref: str, loc: tuple) -> list[str]:
        items = self.typed(list, ref, loc)
        if not all(isinstance(item, str) for item in items):
            raise self.error(loc, f"'{ref}' must be a list of names")
        return items

    def spellings(self, ref: str, loc: tuple) -> list[set[str]]:
        """Each name of the list ``ref`` in every language it is written in, so data keyed
        by name (a group's items) may use either language's spelling."""
        self.names(ref, loc)
        fact, name = ref.rsplit(".", 1)
        return [{item} if isinstance(item, str) else set(item.values())
                for item in self._door.used[fact].values[name]]

    def words(self, words: Words, loc: tuple, fact: str | None = None, **offered) -> str:
        """The words in this language, each ``{placeholder}`` filled: what the kind offers,
        a value of the item's ``fact`` (``{place}``) or of any fact
        (``{harbour.vote.in_favour}``)."""
        def fill(match: re.Match) -> str:
            key = match[1]
            if key in offered:
                return str(offered[key])
            if "." in key or fact is not None:
                return self.shown(self.value(key, loc + (self.lang,), fact))
            known = ", ".join(f"{{{k}}}" for k in offered) or "none here"
            hint = did_you_mean(f"{{{key}}}", [f"{{{k}}}" for k in offered])
            raise self.error(loc + (self.lang,), f"unknown placeholder {{{key}}} ("
                             f"{hint + ' ' if hint else ''}this "
                             f"figure offers {known}, or a fact value such as "
                             "{harbour.vote.in_favour})")
        if self.lang not in words.root:
            raise self.error(loc, missing_text(self.lang, "a reader of the brief"))
        return _PLACEHOLDER.sub(fill, words[self.lang])

    def shown(self, value) -> str:
        """A fact's value as words print it in this language. A whole number from 1000 to
        2999 is a year, printed without grouping ("2023", never "2,023"): facts hold years
        as plain numbers under any name (``year``, ``created_year``, ``lisbon``), and a
        figure's words name years far more often than they count past a thousand (Spanish
        writes four-digit counts ungrouped too, as the RAE prescribes). What a kind counts
        itself (bars, days, items) is a quantity: ``number``."""
        if isinstance(value, bool) or (isinstance(value, int) and value in YEARS):
            return str(value)
        if isinstance(value, (int, float)):
            return self.number(value)
        if isinstance(value, dt.date):
            return i18n.date(value, self.locale)
        if isinstance(value, list):
            return i18n.join([self.shown(v) for v in value], self.locale)
        return str(value)

    def number(self, value: int | float) -> str:
        """A quantity, grouped as this language writes it: "1,234" / "1.234"."""
        return i18n.number(value, self.locale)
