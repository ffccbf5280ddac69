"""The fact modules: schema, loader and the validated ``FactBase``.

A fact file is ``facts/<topic>.yaml`` (or ``.yml``) holding ``facts:``, a list of facts whose
ids start with ``<topic>.``. Sources are registered once in ``facts/sources.yaml``.

Beyond its schema, a fact must agree with itself, so a brief cannot print one number in the
text and another in a table: every number its text writes in digits is one of its values,
and every number among its values is in one of its quotes unless it is marked ``derived``
(worked out by us, with how). It must also print: no invisible characters, no character the
brief's fonts lack.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from babel.numbers import NumberFormatError, parse_decimal
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator,
                      Field, StrictInt, StringConstraints, Tag, ValidationInfo,
                      field_validator)

from briefings import glyphs
from briefings.errors import BriefingError, BriefingErrors, did_you_mean
from briefings.project import Project
from briefings.yamlfile import YamlFile, dotted, read_yaml

LANGS = ("es", "en")
# In a fact's note, a source cited as the reader sees it: "{source:arce-opinion}" → "[4]".
SOURCE_REF = re.compile(r"\{source:([^}\s]*)\}")
MAX_QUOTE_WORDS = 30  # "a short verbatim quote": about 25 words, with a little slack

def _printable(text: str) -> str:
    if problem := glyphs.invisible(text):
        raise ValueError(problem)
    return text


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1),
                 AfterValidator(_printable)]


def _not_a_number(value: Any) -> Any:
    # pydantic reads a number as seconds since 1970: "as_of: 5" is not a date.
    if isinstance(value, (int, float)):
        raise ValueError(f"{value!r} is not a date: write it as year-month-day, e.g. "
                         "2026-03-02")
    return value


Day = Annotated[dt.date, BeforeValidator(_not_a_number)]


def _spelled(pattern: str, rule: str) -> AfterValidator:
    """A name that must match ``pattern``; the error says the rule in words."""
    def check(name: str) -> str:
        if not re.fullmatch(pattern, name):
            raise ValueError(f"{name!r} is not a valid name here: {rule}")
        return name
    return AfterValidator(check)


Slug = Annotated[str, _spelled(r"[a-z0-9][a-z0-9-]*",
                               "use lowercase letters, digits and hyphens, e.g. 'arce-opinion'")]
FactId = Annotated[str, _spelled(r"[a-z0-9_]+(\.[a-z0-9_]+)+",
                                 "write topic.name in lowercase letters, digits and "
                                 "underscores, e.g. 'trade.agreement'")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Strict):
    """The same statement written for each language."""
    es: Text
    en: Text

    def __getitem__(self, lang: str) -> str:
        return getattr(self, lang)


def _value_kind(value: Any) -> str | None:
    """Which of the value types ``value`` is written as; None for any other. (A bool, which
    Python counts as an int, is refused before: ``in_favour: true`` must not print as 1.)"""
    if isinstance(value, dt.datetime):  # a date with a time of day
        return None
    for kind, types in (("<number>", int), ("<decimal>", float), ("<date>", dt.date),
                        ("<text>", str), ("<es/en>", (dict, Bilingual)), ("<list>", list)):
        if isinstance(value, types):
            return kind
    return None


def _scalar_kind(value: Any) -> str | None:
    kind = _value_kind(value)
    return None if kind == "<list>" else kind  # no lists in lists


def _not_yes_no(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("yes, no, true and false are not values: write the number, or put "
                         "the word in quotes to keep it as text")
    return value


_ONE_OF = "expected a number, a date, a text or {es, en}"
_SCALARS = (Annotated[StrictInt, Tag("<number>")],
            Annotated[float, Field(allow_inf_nan=False), Tag("<decimal>")],
            Annotated[dt.date, Tag("<date>")],
            Annotated[Text, Tag("<text>")],
            Annotated[Bilingual, Tag("<es/en>")])
Scalar = Annotated[Union[_SCALARS], Discriminator(
    _scalar_kind, custom_error_type="value_type", custom_error_message=_ONE_OF),
    BeforeValidator(_not_yes_no)]
Value = Annotated[Union[(*_SCALARS, Annotated[list[Scalar], Tag("<list>")])], Discriminator(
    _value_kind, custom_error_type="value_type",
    custom_error_message=_ONE_OF + ", or a list of these"), BeforeValidator(_not_yes_no)]
ValueName = Annotated[str, _spelled(r"[a-z_][a-z0-9_]*", "use lowercase letters, digits "
                                    "and underscores, e.g. 'in_favour'")]


class Source(Strict):
    id: Slug
    title: Text
    title_basis: Literal["stated", "supplied"] = Field(
        "stated", description="'supplied' when the document has no title and we describe it")
    kind: Literal["news", "opinion", "thesis", "official", "report"]
    outlet: Text | None = None
    author: Text | None = None
    date: Day
    date_precision: Literal["day", "month", "year"] = "day"
    date_basis: Literal["stated", "inferred"]
    date_note: Text | None = Field(None, description="why an inferred date is what it is")
    language: Literal["es", "en"]
    file: Text = Field(description="the seed file the facts were curated from")

    @field_validator("date_note")
    @classmethod
    def _explained(cls, note, info: ValidationInfo):
        if info.data.get("date_basis") == "inferred" and not note:
            raise ValueError("an inferred date needs a date_note saying why")
        return note


class SourceRef(Strict):
    id: Slug
    quote: Text
    locator: Text

    @field_validator("id")
    @classmethod
    def _registered(cls, source_id, info: ValidationInfo):
        known = (info.context or {}).get("sources")
        if known is not None and source_id not in known:
            hint = did_you_mean(source_id, known)
            raise ValueError(f"source '{source_id}' is not registered in facts/sources.yaml"
                             + (f" ({hint})" if hint else ""))
        return source_id

    @field_validator("quote")
    @classmethod
    def _short(cls, quote):
        if len(quote.split()) > MAX_QUOTE_WORDS:
            raise ValueError(f"quote has {len(quote.split())} words; quote "
                             f"{MAX_QUOTE_WORDS} words at most (a short verbatim excerpt)")
        return quote


class Fact(Strict):
    id: FactId
    text: Bilingual
    values: dict[ValueName, Value] = {}
    derived: dict[ValueName, Text] = Field(
        {}, description="values the brief works out (a count, a sum) rather than quotes, "
        "each with how")
    as_of: Day
    kind: Literal["state", "event"] = Field(
        "state", description="'event' for what happened (a vote, a statement): it stays true "
        "and never goes stale; 'state' for what holds now and may change")
    status: Literal["intended", "notified", "official", "reported", "opinion",
                    "scheduled"] | None = None
    note: Bilingual | None = Field(None, description="where sources disagree or are vague")
    sources: list[SourceRef] = Field(min_length=1)

    @field_validator("note")
    @classmethod
    def _known_source_refs(cls, note, info: ValidationInfo):
        """``{source:<id>}`` in a note prints as the reader's citation number: the id must
        be a registered source."""
        known = (info.context or {}).get("sources")
        for text in (note.es, note.en) if note and known is not None else ():
            for source_id in SOURCE_REF.findall(text):
                if source_id not in known:
                    hint = did_you_mean(source_id, known)
                    raise ValueError(f"{{source:{source_id}}}: no such source in "
                                     "facts/sources.yaml" + (f" ({hint})" if hint else ""))
        return note

    @field_validator("id")
    @classmethod
    def _in_its_topic(cls, fact_id, info: ValidationInfo):
        topic = (info.context or {}).get("topic")
        if topic and not fact_id.startswith(topic + "."):
            raise ValueError(f"fact ids in {topic}.yaml must start with '{topic}.'")
        return fact_id


class FactFile(Strict):
    facts: list[Fact]


class SourcesFile(Strict):
    sources: list[Source]


@dataclass
class FactBase:
    facts: dict[str, Fact] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    origin: dict[str, tuple[Path, int | None]] = field(default_factory=dict)
    _places: dict[str, tuple[YamlFile, int]] = field(default_factory=dict, repr=False)

    def get(self, fact_id: str) -> Fact:
        return self.facts[fact_id]

    def line_of(self, fact_id: str, *loc: str | int) -> int | None:
        """The line of a part of a fact, e.g. ``line_of("harbour.vote", "sources", 0)``."""
        doc, index = self._places[fact_id]
        return doc.line_of(["facts", index, *loc])


def _namer(data: Any, kind: str):
    """Schema errors name the fact or source by its id (``fact 'trade.agreement': as_of``),
    not by its place in the list (``facts.0.as_of``)."""
    def name(loc: Sequence[str | int]) -> str:
        if len(loc) < 2 or not isinstance(loc[1], int):
            return dotted(loc)
        try:
            item_id = data[loc[0]][loc[1]].get("id")
        except (AttributeError, KeyError, IndexError, TypeError):
            item_id = None
        who = (f"{kind} {item_id!r}" if isinstance(item_id, str)
               else f"{kind} {loc[1] + 1} (no id)")
        return f"{who}: {dotted(loc[2:])}" if loc[2:] else who
    return name


def load_facts(folder: Path) -> FactBase:
    """Load and validate every fact file in ``folder``; report all problems at once."""
    sources_path = folder / "sources.yaml"
    if not sources_path.is_file():
        raise BriefingError("the sources registry is missing", sources_path)
    # The fonts the brief prints with, when the facts sit in a project that ships them.
    chars = glyphs.font_chars(Project(folder.parent).theme / "fonts")
    base = FactBase(files=[sources_path])
    sources_file = read_yaml(sources_path)
    registry = sources_file.validate(SourcesFile, _namer(sources_file.data, "source")).sources
    errors: list[BriefingError] = []
    for i, source in enumerate(registry):
        if source.id in base.sources:
            errors.append(BriefingError(f"duplicate source id '{source.id}'", sources_path,
                                        sources_file.line_of(["sources", i, "id"])))
        base.sources[source.id] = source
        for loc, problem in _unprintable(source, chars):
            errors.append(BriefingError(problem, sources_path,
                                        sources_file.line_of(["sources", i, *loc]),
                                        f"source '{source.id}'"))

    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    for path in paths:
        if path == sources_path:
            continue
        base.files.append(path)
        if path.name == "sources.yml":
            errors.append(BriefingError("the sources registry is read from sources.yaml: "
                                        "rename this file", path))
            continue
        try:
            doc = read_yaml(path)
            facts = doc.validate(FactFile, _namer(doc.data, "fact"), sources=base.sources,
                                 topic=path.stem).facts
        except BriefingErrors as exc:
            errors.extend(exc.errors)
            continue
        except BriefingError as exc:
            errors.append(exc)
            continue
        for i, fact in enumerate(facts):
            line = doc.line_of(["facts", i, "id"])
            if fact.id in base.facts:
                first_path, first_line = base.origin[fact.id]
                errors.append(BriefingError(f"duplicate fact id '{fact.id}' (first defined "
                                            f"at {first_path.name}:{first_line})", path, line))
                continue
            base.facts[fact.id] = fact
            base.origin[fact.id] = (path, line)
            base._places[fact.id] = (doc, i)
            for loc, problem in [*_inconsistencies(fact, base.sources),
                                 *_unprintable(fact, chars)]:
                errors.append(BriefingError(problem, path, base.line_of(fact.id, *loc),
                                            f"fact '{fact.id}'"))
    if errors:
        raise BriefingErrors(errors)
    return base


# -- what a fact's parts must agree on ----------------------------------------------------

Loc = tuple[str | int, ...]


def _strings(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*loc, i))


def _unprintable(model: BaseModel, chars: frozenset[int] | None) -> Iterator[tuple[Loc, str]]:
    if chars is None:
        return
    for loc, text in _strings(model.model_dump()):
        if problem := glyphs.unprintable(text, chars):
            yield loc, f"{dotted(loc)}: {problem}"


def _leaves(values: dict[str, Value]) -> Iterator[tuple[str, str, Any]]:
    """(value name, label, item): ``places[2]`` for the third item of a list."""
    for name, value in values.items():
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            yield name, name if i is None else f"{name}[{i}]", item


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")  # 73, 2026, 1,500 or 2.5, as written
_DIGITS = re.compile(r"\d+")


# How fact files write numbers in each language, whatever locale a project's briefs print
# in: a point before decimals and commas between thousands ("1,500.5"), as English does and
# as the RAE recommends for Spanish decimals (Babel's Latin American Spanish writes so).
_WRITTEN = {"es": "es_419", "en": "en"}


def _number(written: str, lang: str) -> Decimal | None:
    if written.isdigit():
        return Decimal(written)
    try:
        return parse_decimal(written, _WRITTEN[lang], strict=True)
    except NumberFormatError:
        return None


def _inconsistencies(fact: Fact, sources: dict[str, Source]) -> Iterator[tuple[Loc, str]]:
    """Where a fact's text, values and quotes disagree on a number, as (where, problem)."""
    for name in fact.derived:
        if name not in fact.values:
            yield ("derived", name), f"derived names '{name}', which is not one of its values"
    numbers = [(label, item) for _, label, item in _leaves(fact.values)
               if isinstance(item, (int, float))]
    for lang in LANGS:
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
        elif isinstance(item, (str, Bilingual)):
            digits.update(_DIGITS.findall(item[lang] if isinstance(item, Bilingual) else item))
    text = fact.text[lang]
    written = _NUMBER.findall(text)
    said = {_number(w, lang) for w in written}
    for w in dict.fromkeys(written):
        if _number(w, lang) in exact or all(d in digits for d in _DIGITS.findall(w)):
            continue
        # A value of as many digits that the text does not give is likely the one meant.
        value = _number(w, lang)
        meant = [(label, item) for label, item in numbers if Decimal(str(item)) not in said
                 and len(str(int(item))) == len(_DIGITS.match(w)[0])]
        if value is not None and meant:
            label, item = min(meant, key=lambda pair: abs(Decimal(str(pair[1])) - value))
            yield ("text", lang), f"the text says {w} but {label} is {item}"
        else:
            yield ("text", lang), (f"the text says {w}, which is not one of its values: add "
                                   "it to values, or correct the text")


# Numbers a source may spell out instead of writing in digits ("cada tres a seis meses",
# "el segundo nivel"): cardinals to twenty, ordinals to ten.
_WORDS = {
    "es": ["cero", "uno primer primero primera", "dos segundo segunda",
           "tres tercer tercero tercera", "cuatro cuarto cuarta", "cinco quinto quinta",
           "seis sexto sexta", "siete séptimo séptima sétimo sétima", "ocho octavo octava",
           "nueve noveno novena", "diez décimo décima", "once", "doce", "trece", "catorce",
           "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve", "veinte"],
    "en": ["zero", "one first", "two second", "three third", "four fourth", "five fifth",
           "six sixth", "seven seventh", "eight eighth", "nine ninth", "ten tenth", "eleven",
           "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
           "nineteen", "twenty"],
}


def _says(quote: str, number: int | float, lang: str) -> bool:
    """The quote gives ``number``: in digits, or in words."""
    target = Decimal(str(number))
    for written in _NUMBER.findall(quote):
        # "1.500" is fifteen hundred where a point groups thousands, 1.5 where it marks decimals
        if target in (_number(written, lang), Decimal(re.sub(r"[.,]", "", written))):
            return True
    if isinstance(number, int) and 0 <= number < len(_WORDS[lang]):
        words = set(re.findall(r"\w+", quote.lower()))
        return not words.isdisjoint(_WORDS[lang][number].split())
    return False
