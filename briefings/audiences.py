"""Audience profiles: ``templates/audiences/<name>/audience.yaml``, plus the folder's
optional template overrides (looked up before ``templates/base/``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, EmailStr, Field, ValidationInfo, field_validator

from briefings.errors import BriefingError
from briefings.facts import LANGS, Bilingual, Strict, Text
from briefings.project import Project
from briefings.yamlfile import read_yaml

NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MAX_NAME = 40


def _known_language(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language '{lang}' (known: {', '.join(LANGS)})")
    return lang


Lang = Annotated[str, AfterValidator(_known_language)]


def _one_line(name: str) -> str:
    if "\n" in name or "\r" in name:  # in a mail header it would start a header of its own
        raise ValueError("a name must be on one line")
    return name


class Recipient(Strict):
    name: Annotated[Text, AfterValidator(_one_line)]
    email: EmailStr
    lang: Lang


class Profile(Strict):
    name: Bilingual = Field(description="how the audience is named on the cover")
    languages: list[Lang] = Field(min_length=1, description="first = the audience's own")
    sections: list[str] = Field(min_length=1, description="section templates, in order")
    length: Literal["full", "short"] = "full"
    classification: Bilingual
    tone: Text | None = Field(None, description="notes for whoever writes for this audience")
    distribution: list[Recipient] = []

    @field_validator("languages")
    @classmethod
    def _once_each(cls, langs):
        if len(set(langs)) != len(langs):
            raise ValueError("a language is listed twice")
        return langs

    @field_validator("sections")
    @classmethod
    def _known_sections(cls, sections, info: ValidationInfo):
        known = (info.context or {}).get("sections")
        for name in sections:
            if known is not None and name not in known:
                raise ValueError(f"unknown section '{name}' (known: {', '.join(sorted(known))})")
        if len(set(sections)) != len(sections):
            raise ValueError("a section is listed twice")
        return sections


@dataclass(frozen=True)
class Audience:
    slug: str
    folder: Path
    profile: Profile


def section_names(project: Project) -> set[str]:
    """Sections are the templates in ``base/sections/<lang>/``; audiences only override."""
    return {p.name.removesuffix(".md.j2") for p in (project.base / "sections").glob("*/*.md.j2")}


def check_name(name: str) -> str:
    if len(name) > MAX_NAME:  # it names a folder and every output file
        raise BriefingError(f"an audience name of {len(name)} characters is too long: keep it "
                            f"to {MAX_NAME}, e.g. 'comision-defensa'")
    if not NAME.fullmatch(name):  # fullmatch: "$" would let a trailing newline through
        raise BriefingError(f"{name!r} is not a valid audience name: use lowercase letters, "
                            "digits and hyphens, e.g. 'comision-defensa'")
    return name


def load_audience(project: Project, slug: str) -> Audience:
    folder = project.templates / "audiences" / check_name(slug)
    path = folder / "audience.yaml"
    if not path.is_file():
        known = ", ".join(project.audience_names()) or "none"
        raise BriefingError(f"unknown audience '{slug}' (known: {known})", path)
    profile = read_yaml(path).validate(Profile, sections=section_names(project))
    return Audience(slug, folder, profile)
