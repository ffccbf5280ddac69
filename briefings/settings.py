"""The settings every brief of a project shares: ``templates/project.yaml``.

Its ``languages`` are the only place the project's languages are named: the package holds no
list of them, so a language is added by writing it there (with a theme i18n file, the
sections and the facts' texts in it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from babel import Locale, UnknownLocaleError
from pydantic import AfterValidator, Field, StrictInt, field_validator

from briefings.dates import time_zone
from briefings.errors import BriefingError, did_you_mean
from briefings.schema import Strict
from briefings.yamlfile import read_yaml


def _as_babel_spells_it(name: str) -> str:
    """es_pe → es_PE; a name Babel does not know is left for ``load_settings`` to explain."""
    try:
        return str(Locale.parse(name))
    except (UnknownLocaleError, ValueError, TypeError):
        return name


def _before_or_after(where: str) -> str:
    if where not in ("before", "after"):
        raise ValueError(f'must be "before" or "after", not "{where}"')
    return where


class Language(Strict):
    """What the engine needs of one brief language."""
    locale: Annotated[str, AfterValidator(_as_babel_spells_it)] = Field(
        description="the Babel locale its dates, numbers and lists are written in (es_PE, en_GB)")
    citation_call: Annotated[str, AfterValidator(_before_or_after)] = Field(
        description="where a citation's call stands against a period: 'before' it (RAE) or "
        "'after' it (Chicago, Oxford)")


class ProjectSettings(Strict):
    timezone: str = Field("UTC", description="time zone the briefs are dated in (an IANA name "
                          "such as America/Lima): its day is a brief's date")
    review_within_days: StrictInt = Field(
        30, ge=0, le=3650, description="check and due name a brief for review this many "
        "days before a fact it prints stops holding (its valid_until)")
    languages: dict[str, Language] = Field(min_length=1, description="the languages briefs "
                                           "are written in, by their code (es, en, pt)")
    # facts/sources is always the project's own folder of texts, looked in first, so that a
    # brief added to any project keeps its sources in the project; this names another
    # folder, looked in next: texts kept beside the project and shared with others.
    sources: str = Field("facts/sources", description="a folder of sources' texts looked in "
                         "after facts/sources, from the project's folder: the quotes are "
                         "checked against them")

    @field_validator("sources")
    @classmethod
    def _plain_folder(cls, folder: str) -> str:
        # A project is sent by others: its texts' folder may not name any folder of the
        # analyst's (/home/…, ~/.ssh), only one in or beside the project.
        path = Path(folder)
        if path.is_absolute() or folder.startswith("~") or any(
                part.startswith(".") and part != ".." for part in path.parts):
            raise ValueError(f"'{folder}': name a folder from the project's folder, such as "
                             "facts/sources or ../shared/seeds (no hidden folders)")
        return folder

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        time_zone(name)
        return name

    def locale(self, lang: str) -> str:
        return self.languages[lang].locale

    def known(self, lang: str, path: Path | None = None) -> str:
        """``lang`` if the project writes in it, or one error naming the languages it has."""
        if lang not in self.languages:
            hint = did_you_mean(lang, self.languages)
            raise BriefingError(f"unknown language '{lang}' ({hint + ' ' if hint else ''}"
                                f"known: {', '.join(self.languages)}; a language is added in "
                                "templates/project.yaml)", path)
        return lang


def load_settings(path: Path) -> ProjectSettings:
    """``templates/project.yaml``, validated; each language's code and locale checked with
    Babel (a code is a language, es; its locale a country's way of writing it, es_PE)."""
    doc = read_yaml(path)
    settings = doc.validate(ProjectSettings)
    for lang, language in settings.languages.items():
        problem, where = _code_problem(lang), [lang]
        if problem is None:
            problem, where = _locale_problem(lang, language.locale), [lang, "locale"]
        if problem:
            raise BriefingError(problem, path, doc.line_of(["languages", *where]),
                                ".".join(["languages", *where]))
    return settings


def _code_problem(lang: str) -> str | None:
    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError, TypeError):
        locale = None
    if locale is None or locale.language != lang:
        return (f"'{lang}' is not a language code: write the language's code (es, en, pt) "
                "here and its country under locale")
    return None


def _locale_problem(lang: str, name: str) -> str | None:
    example = f"write {lang}, or {lang}_ and a country code such as {lang}_US"
    try:
        locale = Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return f"unknown locale '{name}' ({example})"
    if locale.language != lang:  # its month names would be in another language
        return f"'{name}' is not a locale of the language '{lang}' ({example})"
    return None
