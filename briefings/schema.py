"""The pydantic pieces every input file's schema is built from: strict models, printable
text, names spelled by a rule, and a statement written in each brief language.

Facts, readers, briefs, figures, terms, the style and the project settings all use them, so
they live below all of those and import none."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from briefings import glyphs

LANGS = ("es", "en")


def _printable(text: str) -> str:
    if problem := glyphs.invisible(text):
        raise ValueError(problem)
    return text


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1),
                 AfterValidator(_printable)]


def spelled(pattern: str, rule: str) -> AfterValidator:
    """A name that must match ``pattern``; the error says the rule in words."""
    def check(name: str) -> str:
        if not re.fullmatch(pattern, name):
            raise ValueError(f"{name!r} is not a valid name here: {rule}")
        return name
    return AfterValidator(check)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Strict):
    """The same statement written for each language."""
    es: Text
    en: Text

    def __getitem__(self, lang: str) -> str:
        return getattr(self, lang)
