"""Compose one document: each section template → Markdown → one HTML tree.

Templates run sandboxed, with StrictUndefined and autoescaping. They reach facts only
through ``fact("id")``, which records every use: that record gives the cited sources,
the "current as of" date and the set of fact ids a document rests on. Sources carry the
brief's numbers (``numbering``), worked out from drafts of every version of the brief.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping
from pathlib import Path

import markdown
from lxml import html
from markupsafe import Markup, escape

from briefings import (glyphs, i18n, numbering, projectfiles, prose, template_rules,
                       templating, typography, urls)
from briefings.briefs import Brief, Edition, editions
from briefings.document import ASSET, Asset, Document, Meta, Theme
from briefings.errors import BriefingError, BriefingErrors, did_you_mean
from briefings.facts import SOURCE_REF, Fact, FactBase
from briefings.figures import declared, kinds, render
from briefings.figures.bind import Data
from briefings.figures.canvas import NoRoom
from briefings.figures.vegalite import CannotDraw
from briefings.project import Project
from briefings.schema import Bilingual
from briefings.style import Style, load_style
from briefings.templating import Sandbox, TemplateValueError

FIGURES = "figures.yaml"      # in a brief's folder

MARKDOWN_EXTENSIONS = ["tables", "footnotes", "attr_list", "sane_lists", "admonition"]

# Characters that would turn a fact's words into Markdown syntax (emphasis, links,
# attribute lists, table cells). HTML-special characters are left to autoescaping.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}|])")


def markdown_text(value: str) -> Markup:
    """Plain text made safe to place inside Markdown: one line, no syntax, no HTML."""
    return _escaped(" ".join(str(value).split()))


def _escaped(text: str) -> Markup:
    return Markup(_MARKDOWN_SPECIAL.sub(r"\\\1", str(escape(text))))


class Citation:
    """``[1, 3]`` linking to the sources section. Numbers are given when the citation is
    printed: the brief's, or in a draft the order of first use. A no-break space after each
    comma keeps a citation on one line."""

    def __init__(self, access: FactAccess, source_ids: list[str]):
        self._access, self._ids = access, source_ids

    def __html__(self) -> str:
        numbers = sorted({self._access.number(sid): sid for sid in self._ids}.items())
        links = [f"[{n}](#src-{sid})" for n, sid in numbers]
        return "\\[" + ",\u00a0".join(links) + "\\]"


class CitedText:
    """A fact's note: its text made safe for Markdown, each ``{source:<id>}`` in it printed
    as that source's citation, numbered (like every citation) when it is printed."""

    def __init__(self, access: FactAccess, text: str):
        self._access, self._text = access, " ".join(text.split())

    def __html__(self) -> str:
        parts = SOURCE_REF.split(self._text)  # text, id, text, id, …, text
        out = [_escaped(parts[0])]
        for source_id, text in zip(parts[1::2], parts[2::2]):
            out += [Citation(self._access, [source_id]).__html__(), _escaped(text)]
        return "".join(out)


class FactView(dict):
    """What a template sees of a fact, in the document's language: plain data (its id,
    text, note, status, as_of, cite, its values, and each value by name). ``{{ fact("x") }}`` alone
    prints the sentence with its citation."""

    def __init__(self, fact: Fact, lang: str, cite: Citation, note: CitedText | None):
        values = {k: _localize(v, lang) for k, v in fact.values.items()}
        super().__init__(values, id=fact.id, text=markdown_text(fact.text[lang]),
                         note=note,
                         status=fact.status, as_of=fact.as_of, cite=cite,
                         values=values)
        self._values = list(values)

    def __missing__(self, name: str):
        known = ", ".join(self._values) or "none"
        raise TemplateValueError(
            f"fact '{self['id']}' has no value '{name}' (its values: {known})")

    def __html__(self) -> str:
        return f"{self['text']} {self['cite'].__html__()}"


def _localize(value, lang: str):
    if isinstance(value, Bilingual):
        return value[lang]
    if isinstance(value, list):
        return [_localize(v, lang) for v in value]
    return value


class FactAccess:
    """The one door from templates to facts; it records the facts used and the sources
    cited. ``numbers`` are the brief's (``numbering.brief_numbers``); without them, sources
    are numbered in the order this document first cites them (a draft)."""

    def __init__(self, base: FactBase, lang: str, numbers: Mapping[str, int] | None = None):
        self._base, self._lang, self._numbers = base, lang, numbers
        self.used: dict[str, Fact] = {}
        self.cited: dict[str, int] = {}

    def __call__(self, fact_id: str | None = None) -> FactView:
        if not isinstance(fact_id, str):
            raise TemplateValueError('fact() needs a fact id in quotes, e.g. '
                                     'fact("harbour.vote")')
        try:
            fact = self._base.get(fact_id)
        except KeyError:
            hint = did_you_mean(fact_id, self._base.facts)
            raise TemplateValueError(f"unknown fact '{fact_id}'"
                                     + (f" ({hint})" if hint else "")) from None
        self.used[fact_id] = fact
        return FactView(fact, self._lang, Citation(self, [ref.id for ref in fact.sources]),
                        CitedText(self, fact.note[self._lang]) if fact.note else None)

    def number(self, source_id: str) -> int:
        if self._numbers is None:
            return self.cited.setdefault(source_id, len(self.cited) + 1)
        if source_id not in self._numbers:  # the drafts the numbers came from did not cite it
            raise TemplateValueError(f"source '{source_id}' has no number in this brief: "
                                     "build the brief again")
        self.cited[source_id] = self._numbers[source_id]
        return self.cited[source_id]

    def sources(self) -> list[dict]:
        """The sources cited so far, numbered; the sources section comes last."""
        by_id = self._base.sources
        return [dict(by_id[sid].model_dump(), number=n, anchor=f"src-{sid}")
                for sid, n in sorted(self.cited.items(), key=lambda item: item[1])]


class FigureMaker:
    """``{{ figure("vote") }}``: a figure of the brief's figures.yaml, drawn from the facts,
    which it reads through the template's own fact door (so they count as used and are
    cited), drawn in memory. Returns one line of Markdown, the image then its caption and
    citation, which ``place_figures`` turns into ``<figure>`` once the section is a tree."""

    def __init__(self, edition: Edition, access: FactAccess, lang: str, locale: str,
                 today: dt.date, ranges: str):
        self._path = edition.brief.folder / FIGURES
        self._theme = Theme(edition.chain)
        self._access, self._lang, self._locale, self._today = access, lang, locale, today
        self._ranges = ranges
        self._declared: declared.Declared | None = None
        self._style: Style | None = None
        self.made: dict[str, render.Figure] = {}
        self.assets: dict[str, Asset] = {}   # the drawings placed so far, by id

    def __call__(self, name: str | None = None) -> Markup:
        if not isinstance(name, str):
            raise TemplateValueError('figure() needs a figure name in quotes, e.g. '
                                     'figure("vote")')
        self._declared = self._declared or declared.load(self._path)
        self._style = self._style or load_style(self._theme)
        figure = self._declared.figures.get(name)
        if figure is None:
            known = list(self._declared.figures)
            hint = did_you_mean(name, known)
            hint = hint and f" ({hint})"
            listed = f"; {FIGURES} has " + ", ".join(known) if known else \
                f": declare it in the brief's {FIGURES}"
            raise TemplateValueError(f"unknown figure '{name}'{hint}{listed}")
        data = Data(self._declared, name, self._access, self._lang, self._locale,
                    self._today, self._ranges)
        made = kinds.make(figure, data, self._style)
        try:
            self.made[name] = render.render(name, made, self._style)
        except (NoRoom, CannotDraw) as exc:  # figures.yaml's mistake, not the section's
            raise self._declared.error((name,), str(exc)) from None
        sources = [ref.id for fact_id in data.facts
                   for ref in self._access.used[fact_id].sources]
        cite = Citation(self._access, list(dict.fromkeys(sources))).__html__()
        return Markup(f"![](figure:{name}) {markdown_text(made.caption)} {cite}")


def place_figures(section: html.HtmlElement, maker: FigureMaker, numbers, label: str,
                  template: str) -> None:
    """``<p><img src="figure:NAME"> caption…</p>`` → ``<figure class="figure"><img …>
    <figcaption>Figure N. caption…</figcaption></figure>``. The image names the drawing
    by its id in ``maker.assets``, which it joins."""
    for img in list(section.iter("img")):
        src = img.get("src", "")
        if not src.startswith("figure:"):
            continue
        figure = maker.made.get(src.removeprefix("figure:"))
        p = img.getparent()
        if figure is None:
            raise BriefingError(f"image '{src}': place a figure with {{{{ figure(\"name\") }}}}",
                                template)
        if p.tag != "p" or p.index(img) != 0 or (p.text or "").strip():
            raise BriefingError(f"figure '{figure.name}' must be a paragraph of its own",
                                template)
        n = next(numbers)
        maker.assets[figure.id] = Asset(figure.forms())
        element = html.Element("figure", {"class": "figure", "id": f"figure-{n}",
                                          "data-figure": figure.name})
        html.etree.SubElement(element, "img", {
            "src": ASSET + figure.id, "alt": figure.alt,
            "width": str(round(figure.width * 4 / 3)),
            "height": str(round(figure.height * 4 / 3))})
        caption = html.etree.SubElement(element, "figcaption")
        span = html.etree.SubElement(caption, "span", {"class": "figure-label"})
        span.text = label + "\u00a0"
        number = html.etree.SubElement(span, "span", {"class": "figure-number"})
        number.text, number.tail = str(n), "."
        span.tail = " " + (img.tail or "").lstrip()
        for child in list(p)[1:]:
            caption.append(child)
        element.tail = p.tail
        p.getparent().replace(p, element)


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


def missing_section(env: Sandbox, edition: Edition, name: str, lang: str
                    ) -> BriefingError | None:
    """A section the edition lists that has no template in ``lang``, said as the check says
    it (``env`` is any of the edition's environments: they share the templates)."""
    def exists(language: str) -> bool:
        return prose.exists(env, prose.section_template(env, name, language))
    if exists(lang):
        return None
    found = [i18n.language_name(other) for other in edition.languages if exists(other)]
    return BriefingError(
        f"section '{name}' exists in {', '.join(found) or 'no language'} but not in "
        f"{i18n.language_name(lang)} for reader '{edition.reader}'",
        f"templates/briefs/{edition.brief.id}/{prose.section_template(env, name, lang)}")


def render_section(env: Sandbox, name: str, lang: str, context: dict,
                   project: Project, edition: Edition) -> tuple[str, str]:
    """The section's Markdown, and the file of the template that made it."""
    return templating.render(env, prose.section_template(env, name, lang), context,
                             project.root, edition.brief.folder)


def markdown_converter() -> markdown.Markdown:
    """One per document: with UNIQUE_IDS, each ``reset()`` gives footnotes new ids, so
    notes in different sections never share one."""
    # Table cells align with the align attribute, not style: a brief's tree has no style.
    converter = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, extension_configs={
        "footnotes": {"UNIQUE_IDS": True}, "tables": {"use_align_attribute": True}})
    # Section templates write Markdown only: raw HTML in them is shown as text.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


def markdown_to_section(converter: markdown.Markdown, text: str, name: str,
                        template: str) -> html.HtmlElement:
    converter.reset()
    section = html.fragment_fromstring(converter.convert(text), create_parent="section")
    section.set("data-section", name)
    section.set("data-template", template)
    section.set("id", name)
    return section


def compose(project: Project, facts: FactBase, edition: Edition, lang: str,
            today: dt.date, numbers: Mapping[str, int] | None = None) -> Document:
    """One version of a brief, its sources carrying the brief's ``numbers``: worked out
    here unless given (who composes several versions works them out once, from
    ``drafts``). Composing writes nothing: the document carries its drawings."""
    if numbers is None:
        numbers = numbering.brief_numbers(facts.sources, map(numbering.cited, drafts(
            project, facts, edition.brief, today, first=(edition.reader, lang))))
    return draft(project, facts, edition, lang, today, numbers)


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
    access = FactAccess(facts, lang, numbers)
    figure = FigureMaker(edition, access, lang, locale, today, strings["date_range"])
    context = template_context(edition, lang, today, strings, access, figure)
    words = prose.Prose(env, edition.chain, lang, locale, project.root)
    converter = markdown_converter()
    article = html.Element("article")
    article.set("class", "brief")
    numbers = itertools.count(1)
    resources = urls.Resources(edition.theme, *edition.chain, assets=figure.assets)
    problems: list[BriefingError] = []
    chars = glyphs.font_chars(edition.theme / "fonts")
    for name in edition.sections:
        if missing := missing_section(env, edition, name, lang):
            raise missing
        context["say"] = _helper(words.say(name))
        text, template = render_section(env, name, lang, context, project, edition)
        # Templates print only what facts may hold: nothing invisible, nothing the fonts lack.
        if problem := glyphs.problem(text, chars):
            raise templating.misprint(env, project.root, chars) or words.misprint(chars) \
                or BriefingError(f"it prints text that {problem}", template)
        problems += template_rules.override_errors(
            env, prose.section_template(env, name, lang), template)
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
    for file in dict.fromkeys(env.loader.files):  # every template used, included ones too
        problems += template_rules.typed_numbers(Path(file), templating.relative(
            file, project.root), env)
    problems += words.typed_numbers()
    if problems:
        raise BriefingErrors(problems)

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
        version=spec.version,
        created=today,
        created_text=i18n.date(today, locale),
        as_of_text=i18n.date(as_of, locale),
        labels=strings,
    )
    return Document(meta, article, tuple(access.used), figure.assets)


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
