"""The fact modules: schema, loader and the validated ``FactBase``.

A fact file is ``facts/<topic>.yaml`` holding ``facts:``, a list of facts whose ids start
with ``<topic>.``. Sources are registered once in ``facts/sources.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StrictInt,
                      StringConstraints, ValidationInfo, field_validator)

from briefings.errors import BriefingError, BriefingErrors
from briefings.yamlfile import read_yaml

LANGS = ("es", "en")
MAX_QUOTE_WORDS = 30  # "a short verbatim quote": about 25 words, with a little slack

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(text: str) -> str:
    """Control characters are invisible in an editor and invalid in Word's XML."""
    if match := _CONTROL.search(text):
        raise ValueError(f"contains an invisible control character (U+{ord(match[0]):04X}); "
                         "retype the text around it")
    return text


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1),
                 AfterValidator(_printable)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
FactId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Strict):
    """The same statement written for each language."""
    es: Text
    en: Text

    def __getitem__(self, lang: str) -> str:
        return getattr(self, lang)


Scalar = Union[StrictInt, float, dt.date, Bilingual, Text]
Value = Union[Scalar, list[Scalar]]


class Source(Strict):
    id: Slug
    title: Text
    title_basis: Literal["stated", "supplied"] = Field(
        "stated", description="'supplied' when the document has no title and we describe it")
    kind: Literal["news", "opinion", "thesis", "official", "report"]
    outlet: Text | None = None
    author: Text | None = None
    date: dt.date
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
            raise ValueError(f"source '{source_id}' is not registered in facts/sources.yaml")
        return source_id

    @field_validator("quote")
    @classmethod
    def _short(cls, quote):
        if len(quote.split()) > MAX_QUOTE_WORDS:
            raise ValueError(f"quote has {len(quote.split())} words; keep it under "
                             f"{MAX_QUOTE_WORDS} (a short verbatim excerpt)")
        return quote


class Fact(Strict):
    id: FactId
    text: Bilingual
    values: dict[Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$")], Value] = {}
    as_of: dt.date
    status: Literal["intended", "notified", "official", "reported", "opinion",
                    "scheduled"] | None = None
    note: Bilingual | None = Field(None, description="where sources disagree or are vague")
    sources: list[SourceRef] = Field(min_length=1)

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

    def get(self, fact_id: str) -> Fact:
        return self.facts[fact_id]


def load_facts(folder: Path) -> FactBase:
    """Load and validate every fact file in ``folder``; report all problems at once."""
    sources_path = folder / "sources.yaml"
    if not sources_path.is_file():
        raise BriefingError("the sources registry is missing", sources_path)
    base = FactBase(files=[sources_path])
    sources_file = read_yaml(sources_path)
    registry = sources_file.validate(SourcesFile).sources
    errors: list[BriefingError] = []
    for i, source in enumerate(registry):
        if source.id in base.sources:
            errors.append(BriefingError(f"duplicate source id '{source.id}'", sources_path,
                                        sources_file.line_of(["sources", i, "id"])))
        base.sources[source.id] = source

    for path in sorted(folder.glob("*.yaml")):
        if path == sources_path:
            continue
        base.files.append(path)
        try:
            doc = read_yaml(path)
            facts = doc.validate(FactFile, sources=base.sources, topic=path.stem).facts
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
    if errors:
        raise BriefingErrors(errors)
    return base
