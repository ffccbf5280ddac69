"""The pydantic pieces every input file's schema is built from: strict models, printable
text, names spelled by a rule, and a statement written in each of the project's languages.

Facts, readers, briefs, figures, terms, the style and the project settings all use them, so
they live below all of those and import none."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, RootModel,
                      StringConstraints, ValidationInfo, model_validator)

from briefings import glyphs
from briefings.errors import did_you_mean


def _printable(text: str) -> str:
    if problem := glyphs.invisible(text):
        raise ValueError(problem)
    return text


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1),
                 AfterValidator(_printable)]


# A date as people write it by hand (31/12/2025, 31-12-2025, 31.12.2025): day first.
_HAND_DATE = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*")


def hand_date(value: Any) -> str | None:
    """How to write ``value`` if it is a date written day first: ``2025-12-31``."""
    match = isinstance(value, str) and _HAND_DATE.fullmatch(value)
    if not match:
        return None
    day, month, year = match.groups()
    return f"{value!r} is not a date: write it as year-month-day, {year}-{month:0>2}-{day:0>2}"


def _not_a_number(value: Any) -> Any:
    # pydantic reads a number as seconds since 1970: "as_of: 5" is not a date.
    if isinstance(value, (int, float)):
        raise ValueError(f"{value!r} is not a date: write it as year-month-day, e.g. "
                         "2026-03-02")
    if problem := hand_date(value):
        raise ValueError(problem)
    return value


Day = Annotated[dt.date, BeforeValidator(_not_a_number)]


def spelled(pattern: str, rule: str) -> AfterValidator:
    """A name that must match ``pattern``; the error says the rule in words."""
    def check(name: str) -> str:
        if not re.fullmatch(pattern, name):
            raise ValueError(f"{name!r} is not a valid name here: {rule}")
        return name
    return AfterValidator(check)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def project_language(lang: str, info: ValidationInfo) -> str:
    """``lang`` if it is one of the project's languages (the ``languages`` the file is
    validated with: templates/project.yaml's), else a ValueError naming them."""
    known = (info.context or {}).get("languages")
    if known is not None and lang not in known:
        hint = did_you_mean(lang, known)
        raise ValueError(f"unknown language '{lang}' ({hint + ' ' if hint else ''}known: "
                         f"{', '.join(known)}; a language is added in templates/project.yaml)")
    return lang


Language = Annotated[str, AfterValidator(project_language)]


def missing_text(lang: str, who: str = "a reader") -> str:
    return f"no text in '{lang}', which {who} reads: add one"


class Texts(RootModel[dict[str, Text]]):
    """The same statement written in several of the project's languages, by language code:
    ``{es: …, en: …}``. A file is validated with the project's ``languages`` (no text in
    another) and the ``required`` ones, those its readers read (a text in each): a language
    no reader reads yet is one being added, its texts written as they come."""
    model_config = ConfigDict(frozen=True)
    root: dict[Language, Text] = Field(min_length=1)

    @model_validator(mode="after")
    def _in_every_language_read(self, info: ValidationInfo) -> Texts:
        required = (info.context or {}).get("required") or ()
        if missing := [lang for lang in required if lang not in self.root]:
            raise ValueError(missing_text(missing[0]))
        return self

    def __getitem__(self, lang: str) -> str:
        return self.root[lang]

    def __iter__(self):
        return iter(self.root)

    def values(self):
        return self.root.values()
