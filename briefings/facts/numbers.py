"""What a fact's parts must agree on, so a brief cannot print one number in the text and
another in a table: every number its text writes in digits is one of its values, and every
number among its values is in one of its quotes unless it is marked ``derived`` (worked out
by us, with how)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from babel import UnknownLocaleError
from babel.numbers import NumberFormatError, parse_decimal
from num2words import num2words

from briefings.facts.model import Fact, Source, Value
from briefings.schema import Texts

Loc = tuple[str | int, ...]


def _leaves(values: dict[str, Value]) -> Iterator[tuple[str, str, Any]]:
    """(value name, label, item): ``places[2]`` for the third item of a list."""
    for name, value in values.items():
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            yield name, name if i is None else f"{name}[{i}]", item


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")  # 73, 2026, 1,500 or 2.5, as written
_DIGITS = re.compile(r"\d+")


# How fact files write numbers, in every language and whatever locale a project's briefs
# print in: a point before decimals and commas between thousands ("1,500.5"), as English
# does and as the RAE recommends for Spanish decimals.
_WRITTEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def _number(written: str) -> Decimal | None:
    """A number of a fact's text, as fact files write it; None if it is not written so."""
    return Decimal(written.replace(",", "")) if _WRITTEN.fullmatch(written) else None


def _in_language(written: str, lang: str) -> Decimal | None:
    """A number of a quote as its source's language writes it (Babel's): "3,5" in Spanish."""
    try:
        return parse_decimal(written, lang, strict=True)
    except (NumberFormatError, UnknownLocaleError, ValueError):
        return None


def inconsistencies(fact: Fact, sources: dict[str, Source]) -> Iterator[tuple[Loc, str]]:
    """Where a fact's text, values and quotes disagree on a number, as (where, problem)."""
    for name in fact.derived:
        if name not in fact.values:
            yield ("derived", name), f"derived names '{name}', which is not one of its values"
    numbers = [(label, item) for _, label, item in _leaves(fact.values)
               if isinstance(item, (int, float))]
    for lang in fact.text:
        yield from _text_numbers(fact, lang, numbers)
    stated = [(name, label, item) for name, label, item in _leaves(fact.values)
              if isinstance(item, (int, float)) and name not in fact.derived]
    for name, label, item in stated:
        if not any(_says(ref.quote, item, sources[ref.id].language) for ref in fact.sources
                   if ref.id in sources):
            yield ("values", name), (
                f"{label} is {item} but none of its quotes gives it: quote the passage of "
                "the source that does, or, if the brief works it out, say how under derived")


def _text_numbers(fact: Fact, lang: str, numbers: list[tuple[str, Any]]):
    """Every number written in the text (in digits) is one of the fact's values: a number,
    or else each of its digit groups is a day, month or year of a date value or digits inside
    a text value ("APEC 2024", "6.e")."""
    exact = {Decimal(str(item)) for _, item in numbers}
    digits: set[str] = set()
    for _, _, item in _leaves(fact.values):
        if isinstance(item, dt.date):
            digits |= {str(item.year), str(item.month), str(item.day), f"{item.day:02}",
                       f"{item.month:02}"}
        elif isinstance(item, (str, Texts)):
            digits.update(_DIGITS.findall(item[lang] if isinstance(item, Texts) else item))
    text = fact.text[lang]
    written = _NUMBER.findall(text)
    said = {_number(w) for w in written}
    for w in dict.fromkeys(written):
        if _number(w) in exact or all(d in digits for d in _DIGITS.findall(w)):
            continue
        # A value of as many digits that the text does not give is likely the one meant.
        value = _number(w)
        meant = [(label, item) for label, item in numbers if Decimal(str(item)) not in said
                 and len(str(int(item))) == len(_DIGITS.match(w)[0])]
        if value is not None and meant:
            label, item = min(meant, key=lambda pair: abs(Decimal(str(pair[1])) - value))
            yield ("text", lang), f"the text says {w} but {label} is {item}"
        else:
            yield ("text", lang), (f"the text says {w}, which is not one of its values: add "
                                   "it to values, or correct the text")


def _says(quote: str, number: int | float, lang: str) -> bool:
    """The quote, in the language ``lang``, gives ``number``: in digits, or in words."""
    target = Decimal(str(number))
    for written in _NUMBER.findall(quote):
        # "1.500" is fifteen hundred where a point groups thousands, 1.5 where it marks decimals
        if target in (_number(written), _in_language(written, lang),
                      Decimal(re.sub(r"[.,]", "", written))):
            return True
    return isinstance(number, int) and number >= 0 and _spelled_out(quote, number, lang)


def _spelled_out(quote: str, number: int, lang: str) -> bool:
    """The quote spells ``number`` out ("cada tres a seis meses", "el segundo nivel"), as
    num2words writes it in ``lang``: its cardinal, or its ordinal. An ordinal ending in a
    vowel may end in another or none, as gender and shortening have it ("primera", "tercer"
    for "primero", "tercero"); a language num2words does not know is read in digits only."""
    text = quote.lower()
    for to in ("cardinal", "ordinal"):
        try:
            form = num2words(number, to=to, lang=lang).lower()
        except (NotImplementedError, OverflowError, TypeError, ValueError):
            form = ""
        if not form:  # a language num2words lacks, or no ordinal (of zero)
            continue
        pattern = re.escape(form)
        if to == "ordinal" and form[-1] in "aeo":
            pattern = re.escape(form[:-1]) + "[aeo]?"
        if re.search(rf"(?<!\w){pattern}(?!\w)", text):
            return True
    return False
