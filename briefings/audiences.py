"""Audience profiles: ``templates/audiences/<name>/audience.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, ValidationInfo, field_validator

from briefings.errors import BriefingError
from briefings.facts import LANGS, Bilingual, Strict
from briefings.yamlfile import read_yaml


class Profile(Strict):
    name: Bilingual = Field(description="how the audience is named on the cover")
    languages: list[str] = Field(min_length=1)
    sections: list[str] = Field(min_length=1, description="section templates, in order")
    classification: Bilingual

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, langs):
        for lang in langs:
            if lang not in LANGS:
                raise ValueError(f"unknown language '{lang}' (known: {', '.join(LANGS)})")
        return langs

    @field_validator("sections")
    @classmethod
    def _known_sections(cls, sections, info: ValidationInfo):
        known = (info.context or {}).get("sections")
        for name in sections:
            if known is not None and name not in known:
                raise ValueError(f"unknown section '{name}' (known: {', '.join(sorted(known))})")
        return sections


@dataclass(frozen=True)
class Audience:
    slug: str
    folder: Path
    profile: Profile


def audience_names(templates: Path) -> list[str]:
    return sorted(p.parent.name for p in (templates / "audiences").glob("*/audience.yaml"))


def load_audience(templates: Path, slug: str) -> Audience:
    folder = templates / "audiences" / slug
    path = folder / "audience.yaml"
    if not path.is_file():
        known = ", ".join(audience_names(templates)) or "none"
        raise BriefingError(f"unknown audience '{slug}' (known: {known})", path)
    sections = {p.name.removesuffix(".md.j2")
                for p in (templates / "base" / "sections").glob("*/*.md.j2")}
    profile = read_yaml(path).validate(Profile, sections=sections)
    return Audience(slug, folder, profile)
