"""The settings every brief of a project shares: ``templates/project.yaml``."""

from __future__ import annotations

from typing import Annotated

from babel import Locale, UnknownLocaleError
from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from briefings.facts import Strict
from briefings.project import time_zone


def _babel_locale(name: str, info: ValidationInfo) -> str:
    """``name`` as Babel spells it (es_pe → es_PE), or a ValueError saying what to write."""
    lang = info.field_name  # the brief language it is for
    example = f"write {lang}, or {lang}_ and a country code such as {lang}_US"
    try:
        locale = Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"unknown locale '{name}' ({example})") from None
    if locale.language != lang:  # its month names would be in another language
        raise ValueError(f"'{name}' is not a locale of the language '{lang}' ({example})")
    return str(locale)


BabelLocale = Annotated[str, AfterValidator(_babel_locale)]


class Locales(Strict):
    """The conventions (Babel locale) each brief language writes dates, numbers and lists
    in; by default the language's own ("es": "14 de diciembre de 2025", "1500")."""
    es: BabelLocale = "es"
    en: BabelLocale = "en"

    def __getitem__(self, lang: str) -> str:
        return getattr(self, lang)


class ProjectSettings(Strict):
    timezone: str = Field("UTC", description="time zone the briefs are dated in (an IANA name "
                          "such as America/Lima): its day is a brief's date")
    locales: Locales = Field(default_factory=Locales, description="how each brief language "
                             "writes dates, numbers and lists, as a Babel locale (es_MX, en_GB)")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        time_zone(name)
        return name
