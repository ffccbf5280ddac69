"""The sandbox section templates run in: looked up along the edition's chain, autoescaped,
every printed value passed through ``_finalize``, filters that write dates and numbers as the
language does and say in an analyst's words when a fact's value is of the wrong kind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from markupsafe import Markup

from briefings import i18n, prose, templating
from briefings.briefs import Edition
from briefings.compose.facts_door import markdown_text
from briefings.errors import BriefingError
from briefings.project import Project
from briefings.templating import Sandbox, TemplateValueError


def _finalize(value):
    """Every ``{{ … }}``: dates must go through the ``date`` filter; text is made
    Markdown-safe unless a helper already made it so."""
    if isinstance(value, dt.date):
        raise TemplateValueError(f"format the date {value.isoformat()} with the date "
                                 "filter, e.g. {{ value | date }}")
    if value is None or isinstance(value, Markup):
        return value
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return markdown_text(value)


def _needs(value, kind, filter_name: str):
    """A fact value of the wrong type reaching a filter is the fact's mistake: say so."""
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = "a date" if kind is dt.date else "a number"
        raise TemplateValueError(f"the {filter_name} filter needs {expected}, got "
                                 f"{_in_words(value)} (check the fact's value)")
    return value


def _in_words(value) -> str:
    """A value as an analyst would name it (the text "x", the number 5, a list), never as
    Python writes it."""
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return {type(None): "nothing", bool: "yes/no", list: "a list", tuple: "a list",
            dict: "a block of values"}.get(type(value), "a value of another kind")


DATE_FORMS = ("long", "day", "month", "year", "short", "medium", "full")


def _date_form(form) -> str:
    if form not in DATE_FORMS:
        raise TemplateValueError(f"the date filter does not know the form '{form}' "
                                 f"(known: {', '.join(DATE_FORMS)})")
    return form


# Shared by every section environment: they all have the options below, which decide
# what Jinja compiles.
COMPILED = templating.CompiledInMemory()


def make_environment(edition: Edition, locale: str, today: dt.date) -> Sandbox:
    """Templates looked up along the edition's chain (``templating.chain_loader``), their
    filters writing values as the Babel ``locale`` does."""
    env = templating.environment(
        templating.chain_loader(edition.chain),
        bytecode_cache=COMPILED,
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        days_until=lambda d: (_needs(d, dt.date, "days_until") - today).days,
        date=lambda d, form="long": i18n.date(_needs(d, dt.date, "date"), locale,
                                              _date_form(form)),
        date_range=lambda start, end: i18n.date_range(_needs(start, dt.date, "date_range"),
                                                      _needs(end, dt.date, "date_range"),
                                                      locale),
        number=lambda n: i18n.number(_needs(n, (int, float), "number"), locale),
        join=lambda items, style="standard": i18n.join(items, locale, style),
    )
    return env


def missing_section(env: Sandbox, edition: Edition, name: str, lang: str, root: Path
                    ) -> BriefingError | None:
    """What keeps a section the edition lists from being printed in ``lang``, said as the
    check says it (``env`` is any of the edition's environments: they share the templates)."""
    for folder in edition.chain:  # the old shape, one template per language: never read
        if (old := folder / "sections" / lang / f"{name}.md.j2").is_file():
            return BriefingError(
                f"a section's template per language is no longer read: move its logic into "
                f"sections/{name}.md.j2 and its words into sections/{lang}/{name}.yaml",
                templating.relative(str(old), root))
    if not prose.exists(env, prose.section_template(name)):
        return BriefingError(
            f"section '{name}' has no template: add it, written once for every language",
            f"templates/briefs/{edition.brief.id}/{prose.section_template(name)}")
    return prose.missing_words(edition.chain, name, lang, root)


def render_section(env: Sandbox, name: str, lang: str, context: dict,
                   project: Project, edition: Edition) -> tuple[str, str]:
    """The section's Markdown, and the file of the template that made it."""
    return templating.render(env, prose.section_template(name), context,
                             project.root, edition.brief.folder)
