"""A brief's ``figures.yaml``: each figure's kind, its data named by fact values, and its
words in each language. Read and checked here; nothing is drawn."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, StringConstraints, Tag, model_validator

from briefings import projectfiles
from briefings.errors import BriefingError, did_you_mean
from briefings.schema import Strict, Text, Texts
from briefings.yamlfile import YamlFile, read_yaml

# A value of a fact: `harbour.vote.in_favour` (the fact's id, then the value's name), or
# within an item that names its `fact`, the value's name alone (`in_favour`).
Ref = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
FactId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")]
_DIGIT = re.compile(r"\d")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


class Words(Texts):
    """Words in each language. They hold no digits: a number comes from a fact, through a
    {placeholder}."""

    @model_validator(mode="after")
    def _no_typed_numbers(self):
        for lang, words in self.root.items():
            if _DIGIT.search(_PLACEHOLDER.sub("", words)):
                raise ValueError(f"a number is typed into the {lang} words; take it from a "
                                 "fact through a {placeholder}")
        return self


class _Figure(Strict):
    caption: Words
    alt: Words = Field(description="the figure described in words, for those who cannot see it")


class Bar(Strict):
    value: Ref
    label: Words
    colour: str = "accent"


class Bars(_Figure):
    kind: Literal["bars"]
    bars: list[Bar] = Field(min_length=1)


class Event(Strict):
    fact: FactId
    date: Ref = "date"
    label: Words
    undated: Words | None = Field(None, description="how the caption names it when the "
                                                    "fact has no date")
    marker: Literal["dot", "ring"] = "dot"


class Span(Strict):
    fact: FactId | None = None
    start: Ref
    end: Ref | None = None
    days: Ref | None = None
    label: Words
    style: Literal["solid", "outline"] = "solid"

    @model_validator(mode="after")
    def _one_end(self):
        if (self.end is None) == (self.days is None):
            raise ValueError("give either 'end' (a date) or 'days' (a number of days)")
        return self


class Today(Strict):
    label: Words
    alt: Words


class Timeline(_Figure):
    kind: Literal["timeline"]
    events: list[Event] = Field(min_length=1)
    spans: list[Span] = []
    today: Today | None = None
    undated: Words | None = None


class Point(Strict):
    fact: FactId | None = None
    year: Ref | None = None
    date: Ref | None = None
    label: Words
    note: Words | None = None
    marker: Literal["dot", "ring", "tick"] = "dot"

    @model_validator(mode="after")
    def _one_time(self):
        if (self.year is None) == (self.date is None):
            raise ValueError("give either 'year' (a number) or 'date'")
        return self


class NameList(Strict):
    items: Ref
    title: Words
    note: Words | None = None


class Points(_Figure):
    kind: Literal["points"]
    points: list[Point] = Field(min_length=1)
    others: NameList | None = Field(None, description="names with no place on the axis")


class Group(Strict):
    name: Words
    items: dict[Text, Words | None]


class Groups(_Figure):
    kind: Literal["groups"]
    items: Ref
    groups: list[Group] = Field(min_length=1)
    count: Words
    count_one: Words | None = None


class VegaLite(_Figure):
    kind: Literal["vega-lite"]
    rows: list[dict[Name, Union[Words, Ref]]] = Field(min_length=1)
    spec: dict[str, Any]


_MODELS = {"bars": Bars, "timeline": Timeline, "points": Points, "groups": Groups,
           "vega-lite": VegaLite}
KINDS = tuple(_MODELS)
# Tagged "<kind>": a schema error's location then holds no name that could be a key of
# the file (yamlfile drops such tags when it looks for the line).
Figure = Annotated[Union[tuple(Annotated[model, Tag(f"<{kind}>")]
                               for kind, model in _MODELS.items())],
                   Discriminator(lambda v: f"<{v.get('kind')}>" if isinstance(v, dict)
                                 else None)]


class FiguresFile(Strict):
    figures: dict[Name, Figure]


@dataclass(frozen=True)
class Declared:
    """The figures of a brief, and where each value was written (for error lines)."""
    path: Path
    figures: dict[str, Any]
    doc: YamlFile | None

    def error(self, loc: tuple, message: str) -> BriefingError:
        return BriefingError(message, self.path, self.doc.line_of(("figures", *loc))
                             if self.doc else None, ".".join(str(p) for p in loc))


def load(path: Path, languages: Collection[str] | None = None) -> Declared:
    """The brief's figures.yaml, its words in the project's ``languages`` only (when given:
    a trace of what is printed reads it unchecked); a brief without one has no figures."""
    if not projectfiles.found(path):
        return Declared(path, {}, None)
    doc = read_yaml(path)
    listed = doc.data.get("figures") if isinstance(doc.data, dict) else None
    for name, figure in (listed.items() if isinstance(listed, dict) else ()):
        kind = figure.get("kind") if isinstance(figure, dict) else None
        if kind not in KINDS:
            hint = did_you_mean(str(kind), KINDS)
            raise BriefingError(f"unknown kind '{kind}' ({hint + ' ' if hint else ''}kinds: {', '.join(KINDS)})",
                                path, doc.line_of(["figures", name, "kind"]), f"{name}.kind")
    return Declared(path, doc.validate(FiguresFile, languages=languages).figures, doc)
