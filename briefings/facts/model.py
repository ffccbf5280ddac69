"""What a fact file and the sources registry hold: the schema, and the validated ``FactBase``.

A fact file is ``facts/<topic>.yaml`` (or ``.yml``) holding ``facts:``, a list of facts whose
ids start with ``<topic>.``. Sources are registered once in ``facts/sources.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import (BeforeValidator, Discriminator, Field, StrictInt, Tag, ValidationInfo,
                      field_validator, model_validator)

from briefings.errors import BriefingError, did_you_mean
from briefings.urls import web_address_problem
from briefings.schema import Day, Language, Strict, Text, Texts, hand_date, spelled
from briefings.yamlfile import YamlFile

# In a fact's note, a source cited as the reader sees it: "{source:arce-opinion}" → "[4]".
SOURCE_REF = re.compile(r"\{source:([^}\s]*)\}")
MAX_QUOTE_WORDS = 30  # "a short verbatim quote": about 25 words, with a little slack



Slug = Annotated[str, spelled(r"[a-z0-9][a-z0-9-]*",
                              "use lowercase letters, digits and hyphens, e.g. 'arce-opinion'")]
FactId = Annotated[str, spelled(r"[a-z0-9_]+(\.[a-z0-9_]+)+",
                                "write topic.name in lowercase letters, digits and "
                                "underscores, e.g. 'trade.agreement'")]


def _value_kind(value: Any) -> str | None:
    """Which of the value types ``value`` is written as; None for any other. (A bool, which
    Python counts as an int, is refused before: ``in_favour: true`` must not print as 1.)"""
    if isinstance(value, dt.datetime):  # a date with a time of day
        return None
    for kind, types in (("<number>", int), ("<decimal>", float), ("<date>", dt.date),
                        ("<text>", str), ("<per-language>", (dict, Texts)), ("<list>", list)):
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
    # A date written by hand would be a text, refused only where a figure needs a date.
    if problem := hand_date(value):
        raise ValueError(problem)
    return value


_ONE_OF = "expected a number, a date, a text or a text per language"
_SCALARS = (Annotated[StrictInt, Tag("<number>")],
            Annotated[float, Field(allow_inf_nan=False), Tag("<decimal>")],
            Annotated[dt.date, Tag("<date>")],
            Annotated[Text, Tag("<text>")],
            Annotated[Texts, Tag("<per-language>")])
Scalar = Annotated[Union[_SCALARS], Discriminator(
    _scalar_kind, custom_error_type="value_type", custom_error_message=_ONE_OF),
    BeforeValidator(_not_yes_no)]
Value = Annotated[Union[(*_SCALARS, Annotated[list[Scalar], Tag("<list>")])], Discriminator(
    _value_kind, custom_error_type="value_type",
    custom_error_message=_ONE_OF + ", or a list of these"), BeforeValidator(_not_yes_no)]
ValueName = Annotated[str, spelled(r"[a-z_][a-z0-9_]*", "use lowercase letters, digits "
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
    language: Language
    file: Text = Field(description="the file of its text, in the sources' folder, that the "
                       "facts were curated from and their quotes are checked against")
    url: Text | None = Field(None, description="where it is published: the sources list "
                             "prints it as a link")
    read_on: Day | None = Field(None, description="the day the analyst read it and saved "
                                "its text")

    @field_validator("url")
    @classmethod
    def _web_address(cls, url):
        if url is not None and (problem := web_address_problem(url)):
            raise ValueError(problem)
        return url

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


# The statuses of a figure someone worked out rather than a source stated: printed with who
# made it and from what (made_by, basis), through the theme's labels of the same names.
WORKED_OUT = ("estimate", "projection")


class Fact(Strict):
    id: FactId
    text: Texts
    values: dict[ValueName, Value] = {}
    derived: dict[ValueName, Text] = Field(
        {}, description="values the brief works out (a count, a sum) rather than quotes, "
        "each with how")
    as_of: Day
    valid_until: Day | None = Field(
        None, description="the last day it holds (an authorization's end): check warns when "
        "a brief prints it within review_within_days of that day, or after it")
    kind: Literal["state", "event"] = Field(
        "state", description="'event' for what happened (a vote, a statement): it stays true "
        "and never goes stale; 'state' for what holds now and may change")
    status: Literal["intended", "notified", "official", "reported", "opinion",
                    "scheduled", "estimate", "projection"] | None = None
    made_by: Texts | None = Field(
        None, description="for a model estimate or a projection: who made it, in each "
        "language")
    basis: Texts | None = Field(
        None, description="for a model estimate or a projection: what it rests on (data, "
        "method, assumptions), in each language")
    note: Texts | None = Field(None, description="where sources disagree or are vague")
    sources: list[SourceRef] = Field(min_length=1)

    @model_validator(mode="after")
    def _worked_out_says_how(self):
        """A figure someone worked out is printed with who did and from what: a reader must
        not take it for what a source states."""
        worked_out = self.status in WORKED_OUT
        missing = [name for name in ("made_by", "basis") if getattr(self, name) is None]
        if worked_out and missing:
            raise ValueError(f"a fact of status {self.status} needs made_by (who made it) and "
                             f"basis (from what), in each language: add {' and '.join(missing)}")
        if not worked_out and len(missing) < 2:
            raise ValueError("made_by and basis are for a fact of status estimate or "
                             "projection: set its status, or remove them")
        return self

    @field_validator("note")
    @classmethod
    def _known_source_refs(cls, note, info: ValidationInfo):
        """``{source:<id>}`` in a note prints as the reader's citation number: the id must
        be a registered source."""
        known = (info.context or {}).get("sources")
        for text in note.values() if note and known is not None else ():
            for source_id in SOURCE_REF.findall(text):
                if source_id not in known:
                    hint = did_you_mean(source_id, known)
                    raise ValueError(f"{{source:{source_id}}}: no such source in "
                                     "facts/sources.yaml" + (f" ({hint})" if hint else ""))
        return note

    @field_validator("valid_until")
    @classmethod
    def _not_before_as_of(cls, until, info: ValidationInfo):
        as_of = info.data.get("as_of")
        if until is not None and as_of is not None and until < as_of:
            raise ValueError(f"{until} is before as_of ({as_of}): a fact holds from the day "
                             "it was confirmed")
        return until

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
    # A build's fact files left out for their problems, by topic (the file's name).
    broken: dict[str, list[BriefingError]] = field(default_factory=dict)

    def get(self, fact_id: str) -> Fact:
        return self.facts[fact_id]

    def broken_file(self, fact_id: str) -> list[BriefingError] | None:
        """The problems of the left-out file that would hold ``fact_id`` (its topic's)."""
        return next((problems for topic, problems in self.broken.items()
                     if fact_id.startswith(topic + ".")), None)

    def line_of(self, fact_id: str, *loc: str | int) -> int | None:
        """The line of a part of a fact, e.g. ``line_of("harbour.vote", "sources", 0)``."""
        doc, index = self._places[fact_id]
        return doc.line_of(["facts", index, *loc])

