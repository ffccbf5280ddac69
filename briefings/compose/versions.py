"""Compose one document: each section template → Markdown → one HTML tree.

Templates run sandboxed, with StrictUndefined and autoescaping. They reach facts only
through ``fact("id")``, which records every use: that record gives the cited sources,
the "current as of" date and the set of fact ids a document rests on. Sources carry the
brief's numbers (``numbering``), worked out from drafts of every version of the brief."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from pathlib import Path

from lxml import html

from briefings import glyphs, i18n, numbering, projectfiles, prose, templating, urls
from briefings.briefs import Brief, Edition, editions
from briefings.compose import typography
from briefings.compose.environment import make_environment, missing_section, render_section
from briefings.compose.facts_door import FactAccess
from briefings.compose.figures import FigureMaker, place_figures
from briefings.compose.markdown_tree import markdown_converter, markdown_to_section
from briefings.document import Document, Meta
from briefings.errors import BriefingError
from briefings.facts import FactBase
from briefings.project import Project


def compose(project: Project, facts: FactBase, edition: Edition, lang: str,
            today: dt.date, numbers: Mapping[str, int] | None = None) -> Document:
    """One version of a brief, its sources carrying the brief's ``numbers``: worked out
    here unless given (who composes several versions works them out once, from
    ``drafts``). Composing writes nothing: the document carries its drawings."""
    if numbers is None:
        numbers = brief_numbers(project, facts, edition.brief, today, (edition.reader, lang))
    return draft(project, facts, edition, lang, today, numbers)


def brief_numbers(project: Project, facts: FactBase, brief: Brief, today: dt.date,
                  first: tuple[str, str] | None = None) -> dict[str, int]:
    """The brief's source numbers (``numbering``), from drafts of every version: who
    composes several versions works them out once and gives them to ``compose``."""
    return numbering.brief_numbers(facts.sources, map(numbering.cited, drafts(
        project, facts, brief, today, first)))


def drafts(project: Project, facts: FactBase, brief: Brief, today: dt.date,
           first: tuple[str, str] | None = None) -> list[Document]:
    """Every version of the brief, each reader in each of their languages, as drafts;
    ``first`` (reader, language) before the others, so that its own mistakes are the ones
    reported."""
    versions = sorted(((edition, lang) for edition in editions(project, brief)
                       for lang in edition.languages),
                      key=lambda version: (version[0].reader, version[1]) != first)
    return [draft(project, facts, edition, lang, today) for edition, lang in versions]


def draft(project: Project, facts: FactBase, edition: Edition, lang: str,
          today: dt.date, numbers: Mapping[str, int] | None = None) -> Document:
    """The document, its sources numbered with ``numbers`` or, in a draft, in the order it
    first cites them: all the check reads, and what the brief's numbers are worked out
    from."""
    strings = i18n.labels(edition.chain, lang)
    locale = project.settings.locale(lang)
    env = make_environment(edition, locale, today)
    access = FactAccess(facts, lang, numbers, strings)
    figure = FigureMaker(edition, access, lang, locale, today, strings["date_range"])
    context = template_context(edition, lang, today, strings, access, figure)
    words = prose.Prose(env, edition.chain, lang, locale, project.root)
    converter = markdown_converter()
    article = html.Element("article")
    article.set("class", "brief")
    numbers = itertools.count(1)
    resources = urls.Resources(edition.theme, *edition.chain, assets=figure.assets)
    chars = glyphs.font_chars(edition.theme / "fonts")
    for name in edition.sections:
        if missing := missing_section(env, edition, name, lang, project.root):
            raise missing
        context["say"] = _helper(words.say(name))
        text, template = render_section(env, name, lang, context, project, edition)
        # Templates print only what facts may hold: nothing invisible, nothing the fonts lack.
        if problem := glyphs.problem(text, chars):
            raise templating.misprint(env, project.root, chars) or words.misprint(chars) \
                or BriefingError(f"it prints text that {problem}", template)
        section = markdown_to_section(converter, text, name, template)
        typography.tie_phrases(section, i18n.listed(strings.get("no_break", "")))
        typography.mark_long_words(section)
        place_figures(section, figure, numbers, strings["figure"], template)
        before = project.settings.languages[lang].citation_call == "before"
        typography.place_citations(section, before)
        typography.place_notes(section, before)
        if problem := urls.body_problem(section, resources):
            raise BriefingError(problem.message, template,
                                _line_of(project.root / template, problem.culprit))
        article.append(section)

    spec = edition.brief.spec
    as_of = max((f.as_of for f in access.used.values()), default=today)
    meta = Meta(
        brief=edition.brief.id,
        reader=edition.reader,
        reader_name=edition.profile.name[lang],
        lang=lang,
        language_tag=locale.replace("_", "-"),
        title=spec.title[lang],
        subtitle=spec.subtitle[lang],
        keywords=spec.keywords[lang],
        classification=edition.profile.classification[lang],
        version=edition.brief.version,
        created=today,
        created_text=i18n.date(today, locale),
        as_of_text=i18n.date(as_of, locale),
        labels=strings,
        **_replaces(edition.brief.history, lang, locale),
    )
    return Document(meta, article, tuple(access.used), figure.assets)


def _replaces(history, lang: str, locale: str) -> dict[str, str]:
    """From the second version on, what the document says it replaces, and why."""
    if len(history) < 2 or history[0].changes is None or lang not in history[0].changes.root:
        return {}
    return {"replaces_version": history[1].version,
            "replaces_date_text": i18n.date(history[1].date, locale),
            "changes": " ".join(history[0].changes[lang].split())}


def _line_of(path: Path, text: str) -> int | None:
    """The first line of a template holding ``text``."""
    lines = projectfiles.read_text(path).splitlines()
    return next((n for n, line in enumerate(lines, 1) if text in line), None)


def _helper(call):
    """A plain function around a helper object: a template can call it, and reach nothing
    else of the object (its records of facts used, its drawings' files)."""
    def helper(*args, **kwargs):
        return call(*args, **kwargs)
    return helper


def template_context(edition: Edition, lang: str, today: dt.date, strings: dict[str, str],
                     access: FactAccess, figure: FigureMaker) -> dict:
    """Everything a section template sees: plain data and helper functions (``say``, the
    section's prose, is given per section)."""
    spec = edition.brief.spec
    base_year = spec.base_year or today.year
    return {
        "fact": _helper(access),
        "figure": _helper(figure),
        "sources": _helper(access.sources),
        "lang": lang,
        "reader": {"slug": edition.reader, "name": edition.profile.name[lang]},
        "length": edition.length,
        "today": today,
        "base_year": base_year,
        "horizons": [{"years": n, "year": base_year + n} for n in spec.horizons],
        "t": dict(strings),
    }
