"""``briefings new-brief`` and ``new-reader``: a start that builds and passes the check."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from briefings import templating
from briefings.briefs import check_name, load_reader
from briefings.errors import BriefingError, shown
from briefings.project import Project
from briefings.schema import LANGS

NEW = "new"  # the theme's folder of scaffold templates

BRIEF = """\
# Brief '{name}'. The folder's name is the brief's id: it starts every output file name.
# docs/editing-templates.md explains every field below and how to write the sections.

# Printed on the cover, in the running header, in the files' properties and in the email.
title:
  es: "Nuevo informe ({name})"
  en: "New brief ({name})"
subtitle:
  es: "Subtítulo del informe"
  en: "The brief's subtitle"
# The files' search keywords.
keywords:
  es: "palabra clave, otra palabra clave"
  en: "keyword, another keyword"

# Printed on the cover.
version: "0.1"

# Sections, in order: each is sections/<lang>/<section>.md.j2 in this folder, or in
# templates/theme/sections/ (the shared `sources`, which must come last).
sections: [summary, sources]

# Recommendation horizons in years, if the brief has any: [2, 5, 10]
horizons: []

# Who the brief goes to (each is templates/readers/<reader>.yaml), with their own
# `sections` list or `length: short` where they differ from the above.
readers:
  {reader}: {{}}
"""

SUMMARY = {
    "es": """\
{{# Resumen: reemplace este texto. Cada afirmación sale de un hecho de facts/. #}}
# Resumen

{{{{ fact("{fact}") }}}}
""",
    "en": """\
{{# Summary: replace this text. Every statement comes from a fact in facts/. #}}
# Summary

{{{{ fact("{fact}") }}}}
""",
}

def _first_fact(project: Project) -> str:
    """A fact the new brief's summary can print at once, so that it builds: the first one
    of the first fact file."""
    from briefings.facts import load_facts
    facts = load_facts(project.facts, project.theme / "fonts").facts
    if not facts:
        raise BriefingError("there is no fact yet: add one to a facts/<topic>.yaml first",
                            project.facts)
    return next(iter(facts))


@contextlib.contextmanager
def _created(made: Path):
    """A folder that cannot be written (or a full disk) is one line, and nothing half-made
    is left behind."""
    try:
        yield
    except OSError as exc:
        if made.is_dir():
            shutil.rmtree(made, ignore_errors=True)
        else:
            made.unlink(missing_ok=True)
        raise BriefingError(f"cannot be created ({exc.strerror}): check that you may write "
                            f"in {shown(made.parent)}/", made) from None


def new_brief(project: Project, name: str, reader: str | None = None) -> Path:
    check_name(name, "brief")
    readers = project.reader_names()
    if reader is None and not readers:
        raise BriefingError("there is no reader yet: define one in templates/readers/ first",
                            project.readers)
    reader = reader or readers[0]
    load_reader(project, reader)
    folder = project.briefs / name
    if folder.exists():
        raise BriefingError(f"brief '{name}' already exists", folder)
    fact = _first_fact(project)
    with _created(folder):
        for lang in LANGS:
            sections = folder / "sections" / lang
            sections.mkdir(parents=True)
            (sections / "summary.md.j2").write_text(SUMMARY[lang].format(fact=fact),
                                                    encoding="utf-8")
        (folder / "brief.yaml").write_text(BRIEF.format(name=name, reader=reader),
                                           encoding="utf-8")
    return folder


def new_reader(project: Project, name: str, base: str) -> Path:
    """A reader that extends ``base``, with only its name to write (the theme's
    ``new/reader.yaml.j2``) and nobody to mail."""
    check_name(name)
    load_reader(project, base)
    path = project.readers / f"{name}.yaml"
    if path.exists():
        raise BriefingError(f"reader '{name}' already exists", path)
    text = _from_theme(project, "reader.yaml.j2", name=name, base=base,
                       languages=list(project.settings.languages))
    with _created(path):
        path.write_text(text, encoding="utf-8")
    return path


def _from_theme(project: Project, template: str, **context) -> str:
    """A scaffold file, written by the theme's template ``new/<template>``."""
    folder = project.theme / NEW
    env = templating.environment(templating.Folders([folder]), keep_trailing_newline=True)
    return templating.render(env, template, context, project.root, folder)[0]
