"""A section a brief gives a reader has its template, and its words in each of the reader's
languages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefings.briefs import Edition
from briefings.compose import make_environment, missing_section
from briefings.errors import BriefingError
from briefings.settings import ProjectSettings


def missing_translations(edition: Edition, settings: ProjectSettings, root: Path
                         ) -> list[BriefingError]:
    env = make_environment(edition, settings.locale(edition.languages[0]), dt.date.today())
    return [missing for name in edition.sections for lang in edition.languages
            if (missing := missing_section(env, edition, name, lang, root))]
