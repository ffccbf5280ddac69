"""``briefings new-audience``: a new audience folder, copied from an existing one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from briefings.audiences import check_name, load_audience
from briefings.errors import BriefingError
from briefings.project import Project

PROFILE = """\
# Audience '{name}', copied from '{base}'. Edit what differs, then run: make brief
# (docs/editing-templates.md explains every field and how to override a template).

# How the audience is named on the cover, in each language.
name:
  es: {name_es}
  en: {name_en}

# Languages to build, the audience's own first: es, en.
languages: {languages}

# Sections, in order. Each is templates/base/sections/<lang>/<section>.md.j2; a file of the
# same name under this folder's sections/<lang>/ overrides it (or one block of it).
sections: {sections}

# full, or short for a brief of about two pages (the templates print less).
length: {length}

# Printed in the running header and on the cover.
classification:
  es: {classification_es}
  en: {classification_en}

# Notes for whoever writes for this audience; never printed.
tone: {tone}

# Who receives the brief by email: name, email and lang (the attachment's language).
# Left empty on purpose, so a copy never mails the original audience's people.
distribution: []
"""


def _yaml(value) -> str:
    """A YAML flow scalar or list: JSON is valid YAML and quotes safely."""
    return json.dumps(value, ensure_ascii=False)


def new_audience(project: Project, name: str, base: str) -> Path:
    check_name(name)
    source = load_audience(project, base)
    folder = project.templates / "audiences" / name
    if folder.exists():
        raise BriefingError(f"audience '{name}' already exists", folder)
    profile = source.profile
    shutil.copytree(source.folder, folder, ignore=shutil.ignore_patterns("audience.yaml"))
    (folder / "audience.yaml").write_text(PROFILE.format(
        name=name, base=base,
        name_es=_yaml(f"{profile.name.es} ({name})"),
        name_en=_yaml(f"{profile.name.en} ({name})"),
        languages=_yaml(profile.languages),
        sections=_yaml(profile.sections),
        length=profile.length,
        classification_es=_yaml(profile.classification.es),
        classification_en=_yaml(profile.classification.en),
        tone=_yaml(profile.tone),
    ), encoding="utf-8")
    return folder
