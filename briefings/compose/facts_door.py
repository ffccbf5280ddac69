"""The one door from section templates to facts: ``fact("id")`` records every fact used and
every source cited, and gives the template what it may print of a fact (its text, note,
values), made safe for Markdown, its citation numbered when printed."""

from __future__ import annotations

import re
from collections.abc import Mapping

from markupsafe import Markup, escape

from briefings.errors import BriefingErrors, did_you_mean
from briefings.facts import Fact, FactBase, SOURCE_REF, WORKED_OUT
from briefings.schema import Texts
from briefings.templating import TemplateValueError


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
    text, note, status, as_of, cite, its values, and each value by name; for a model estimate
    or a projection, made_by, basis and the qualifier saying both). ``{{ fact("x") }}`` alone
    prints the sentence with its citation, and its qualifier."""

    def __init__(self, fact: Fact, lang: str, cite: Citation, note: CitedText | None,
                 labels: Mapping[str, str]):
        values = {k: _localize(v, lang) for k, v in fact.values.items()}
        worked_out = {}
        if fact.status in WORKED_OUT:
            by, basis = fact.made_by[lang], fact.basis[lang]
            worked_out = dict(made_by=markdown_text(by), basis=markdown_text(basis),
                              qualifier=_qualifier(labels, fact.status, by, basis))
        super().__init__(values, id=fact.id, text=markdown_text(fact.text[lang]),
                         note=note,
                         status=fact.status, as_of=fact.as_of, cite=cite,
                         values=values, **worked_out)
        self._values = list(values)

    def __missing__(self, name: str):
        known = ", ".join(self._values) or "none"
        raise TemplateValueError(
            f"fact '{self['id']}' has no value '{name}' (its values: {known})")

    def __html__(self) -> str:
        said = f"{self['text']} {self['cite'].__html__()}"
        return f"{said} *({self['qualifier']})*" if "qualifier" in self else said


def _qualifier(labels: Mapping[str, str], status: str, by: str, basis: str) -> Markup:
    """The theme's words for a worked-out fact (i18n ``estimate``: "Model estimate by {by},
    based on {basis}.")."""
    try:
        return markdown_text(labels[status].format(by=by, basis=basis))
    except (KeyError, IndexError, ValueError):
        raise TemplateValueError(f"the theme's label '{status}' must say {{by}} and {{basis}} "
                                 "and nothing else in braces (templates/theme/i18n/)") from None


def _localize(value, lang: str):
    if isinstance(value, Texts):
        return value[lang]
    if isinstance(value, list):
        return [_localize(v, lang) for v in value]
    return value


class FactAccess:
    """The one door from templates to facts; it records the facts used and the sources
    cited. ``numbers`` are the brief's (``numbering.brief_numbers``); without them, sources
    are numbered in the order this document first cites them (a draft)."""

    def __init__(self, base: FactBase, lang: str, numbers: Mapping[str, int] | None = None,
                 labels: Mapping[str, str] | None = None):
        self._base, self._lang, self._numbers = base, lang, numbers
        self._labels = labels or {}  # the theme's, for a worked-out fact's qualifier
        self.used: dict[str, Fact] = {}
        self.cited: dict[str, int] = {}

    def __call__(self, fact_id: str | None = None) -> FactView:
        if not isinstance(fact_id, str):
            raise TemplateValueError('fact() needs a fact id in quotes, e.g. '
                                     'fact("harbour.vote")')
        try:
            fact = self._base.get(fact_id)
        except KeyError:
            if broken := self._base.broken_file(fact_id):  # the file that would hold it
                raise BriefingErrors(broken) from None
            hint = did_you_mean(fact_id, self._base.facts)
            raise TemplateValueError(f"unknown fact '{fact_id}'"
                                     + (f" ({hint})" if hint else "")) from None
        self.used[fact_id] = fact
        return FactView(fact, self._lang, Citation(self, [ref.id for ref in fact.sources]),
                        CitedText(self, fact.note[self._lang]) if fact.note else None,
                        self._labels)

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
