"""A section's prose, per language: ``say("key", name=value)`` in a section template.

A section is one template (``sections/<section>.md.j2``): its fact look-ups, conditions,
loops and footnotes, written once. Its words are in ``sections/<lang>/<section>.yaml``,
``key: text`` lines whose texts may print values (``{{ period.start | date }}``) but hold no
statement: what a text prints depends only on what ``say`` passes it, so the languages
cannot drift apart in their logic. A key may give one text per CLDR plural category
(``one:``, ``other:``…), chosen for ``count`` by the language's Babel plural rule. Files are
merged key by key along the edition's chain: the reader's over the brief's over the theme's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import CodeType

import jinja2
from babel.core import Locale
from markupsafe import Markup

from briefings import glyphs, i18n, projectfiles, templating
from briefings.errors import BriefingError, BriefingErrors, did_you_mean
from briefings.templating import TemplateValueError
from briefings.yamlfile import read_yaml

PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")


def section_template(section: str) -> str:
    """The section's one template, whatever the language."""
    return f"sections/{section}.md.j2"


def exists(env: jinja2.Environment, name: str) -> bool:
    try:
        env.loader.get_source(env, name)
    except jinja2.TemplateNotFound:
        return False
    except BriefingError:  # a file the loader refuses: reported when it is rendered
        pass
    return True


def prose_file(folder: Path, lang: str, section: str) -> Path:
    return folder / "sections" / lang / f"{section}.yaml"


@dataclass(frozen=True)
class Text:
    """One key's text (or its texts by plural category), where it was written."""
    key: str
    value: str | Mapping[str, str]
    file: str   # as the user sees it
    line: int | None

    def error(self, message: str) -> BriefingError:
        return BriefingError(message, self.file, self.line, self.key)


# What was read from each words file, with the bytes it was read from: a worker making a
# page again after an edit (the preview's) reads again only the files that changed.
_KEPT: dict[tuple, tuple[bytes, object]] = {}


def _kept(key: tuple, path: Path, read: Callable[[], object]):
    """``read()``, or what it gave before while ``path`` holds the same bytes (compared
    before and after: what was read while the file changed is not kept)."""
    before = _content(path)
    if before is not None and (kept := _KEPT.get(key)) is not None and kept[0] == before:
        return kept[1]
    made = read()
    if before is not None and _content(path) == before:
        _KEPT[key] = (before, made)
    return made


def _content(path: Path) -> bytes | None:
    try:
        return projectfiles.read_bytes(path)
    except (OSError, BriefingError):
        return None  # reading it says why


def _read(path: Path, root: Path, locale: str) -> dict[str, Text]:
    """One prose file's texts (kept by its content): callers only read them."""
    return _kept(("texts", path, root, locale), path, lambda: _texts(path, root, locale))


def _keys(path: Path) -> list[str]:
    """The keys of a prose file (kept by its content)."""
    return _kept(("keys", path), path, lambda: [str(key) for key in read_yaml(path).data or {}])


def key_lines(path: Path) -> dict[str, int | None]:
    """Each key of a prose file and its line (kept by its content): the rules on every
    document read them."""
    def read():
        doc = read_yaml(path)
        return {str(key): doc.line_of([key]) for key in doc.data} \
            if isinstance(doc.data, dict) else {}
    return _kept(("lines", path), path, read)


def _texts(path: Path, root: Path, locale: str) -> dict[str, Text]:
    """One prose file's texts, each checked: a text, or texts by plural category of the
    language (``other`` among them, as ICU requires: the form any number may fall back to)."""
    doc = read_yaml(path)
    shown = templating.relative(str(path), root)
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        raise BriefingError("expected 'key: text' lines only", shown)
    forms = Locale.parse(locale).plural_form.tags | {"other"}
    texts, errors = {}, []
    for key, value in doc.data.items():
        text = Text(str(key), value, shown, doc.line_of([key]))
        if isinstance(value, dict):
            wrong = [f for f in value if f not in forms]
            if wrong:
                errors.append(text.error(
                    f"'{wrong[0]}' is not a plural form of {i18n.language_name(locale)} "
                    f"(its forms: {', '.join(f for f in PLURAL_FORMS if f in forms)})"))
            elif "other" not in value:
                errors.append(text.error("a text with plural forms needs 'other:', the form "
                                         "any number falls back to"))
            elif not all(isinstance(v, str) for v in value.values()):
                errors.append(text.error("expected a text for each plural form (put it in "
                                         "quotes)"))
        elif not isinstance(value, str):
            errors.append(text.error("expected a text (put it in quotes), or texts by plural "
                                     "form (one:, other:)"))
        texts[text.key] = text
    if errors:
        raise BriefingErrors(errors)
    return texts


def missing_words(chain: tuple[Path, ...], section: str, lang: str, root: Path
                  ) -> BriefingError | None:
    """A section with words in another language along the chain but none in ``lang``."""
    if any(projectfiles.found(prose_file(folder, lang, section)) for folder in chain):
        return None
    for folder in reversed(chain):
        for other in sorted((folder / "sections").glob(f"*/{section}.yaml")):
            return BriefingError(
                f"section '{section}' has its words in {other.parent.name}/{other.name} but "
                f"none in {i18n.language_name(lang)}: copy that file here and translate its "
                "texts", templating.relative(str(prose_file(folder, lang, section)), root))
    return None


def catalog(chain: tuple[Path, ...], section: str, lang: str, locale: str,
            root: Path) -> dict[str, Text]:
    """The section's texts in ``lang``, merged along the chain. A key another language has
    and this one lacks is an error here, named in the file to add it to: otherwise it would
    fail only when that language is built."""
    if problem := missing_words(chain, section, lang, root):
        raise problem
    merged: dict[str, Text] = {}
    others: dict[str, tuple[Path, str]] = {}  # key → (folder, language file that has it)
    for folder in reversed(chain):  # theme first, the reader's override last
        path = prose_file(folder, lang, section)
        if projectfiles.found(path):
            merged.update(_read(path, root, locale))
        for other in sorted((folder / "sections").glob(f"*/{section}.yaml")):
            if other.parent.name != lang:
                for key in _keys(other):
                    others.setdefault(key, (folder, f"{other.parent.name}/{other.name}"))
    missing = [BriefingError(f"missing ({has} has it): add it in this language",
                             templating.relative(str(prose_file(folder, lang, section)), root),
                             key=key)
               for key, (folder, has) in others.items() if key not in merged]
    if missing:
        raise BriefingErrors(missing)
    return merged


# Compiled once per process: every section environment compiles alike (compose.COMPILED).
_CODE: dict[tuple[str, str], CodeType] = {}


class Prose:
    """The ``say`` of one document: each section's texts in its language."""

    def __init__(self, env: jinja2.Environment, chain: tuple[Path, ...], lang: str,
                 locale: str, root: Path):
        self._env, self._chain, self._lang, self._locale, self._root = \
            env, chain, lang, locale, root
        self._plural = Locale.parse(locale).plural_form
        self.texts: dict[str, Text] = {}   # every text of the sections loaded so far

    def say(self, section: str) -> Callable[..., Markup]:
        texts = catalog(self._chain, section, self._lang, self._locale, self._root)
        for text in texts.values():
            self._check(text)
        self.texts.update({f"{t.file}\0{t.key}": t for t in texts.values()})
        files = [prose_file(folder, self._lang, section) for folder in self._chain]
        where = templating.relative(str(next(
            (f for f in files if projectfiles.found(f)), files[1])), self._root)

        def say(key=None, /, **values) -> Markup:
            if not isinstance(key, str):
                raise TemplateValueError('say() needs a key in quotes, e.g. say("bottom_line")')
            if key not in texts:
                hint = did_you_mean(key, texts)
                raise TemplateValueError(f"say(\"{key}\"): {where} has no text '{key}'"
                                         + (f" ({hint})" if hint else ""))
            return self._render(texts[key], values)
        return say

    def _check(self, text: Text) -> None:
        """No statement in a text: its logic belongs to the section, written once."""
        for source in self._sources(text):
            if self._plain(source):
                continue
            try:
                tokens = list(self._env.lex(source))
            except jinja2.TemplateSyntaxError as exc:
                raise text.error(f"syntax error: {exc.message}") from None
            if any(kind == "block_begin" for _, kind, _ in tokens):
                raise text.error("a text may print values ({{ … }}) but not hold a statement "
                                 "({% … %}): put conditions and loops in the section's "
                                 "template, and give the text what it prints with say()")

    def _plain(self, source: str) -> bool:
        """A text that prints no value (most of them): Jinja would make it into itself (a
        carriage return aside, which it makes a newline), so it is neither lexed nor
        compiled, which a fresh process paid for every text of every section."""
        env = self._env
        return not any(mark in source for mark in (
            env.variable_start_string, env.block_start_string, env.comment_start_string,
            "\r")) and env.line_statement_prefix is None and env.line_comment_prefix is None

    @staticmethod
    def _sources(text: Text) -> list[str]:
        return list(text.value.values()) if isinstance(text.value, dict) else [text.value]

    def _render(self, text: Text, values: dict) -> Markup:
        source = text.value
        if isinstance(source, dict):
            count = values.get("count")
            if isinstance(count, bool) or not isinstance(count, (int, float)):
                raise TemplateValueError(
                    f"say(\"{text.key}\") needs count=<a number>: its text in {text.file} "
                    "has plural forms")
            source = source.get(self._plural(abs(count)), source["other"])
        if self._plain(source):
            return Markup(source.rstrip("\n"))
        key = (text.file, source)
        if key not in _CODE:
            if len(_CODE) > 4096:
                _CODE.clear()
            try:
                _CODE[key] = self._env.compile(source.rstrip("\n"), text.key, text.file)
            except jinja2.TemplateSyntaxError as exc:
                raise text.error(f"syntax error: {exc.message}") from None
        template = self._env.template_class.from_code(self._env, _CODE[key],
                                                      self._env.make_globals(None))
        try:
            return Markup(template.render(values))
        except jinja2.UndefinedError as exc:
            given = ", ".join(values) or "nothing"
            raise text.error(f"{exc} (say(\"{text.key}\") gives it {given})") from None
        except Exception as exc:  # the text's mistake: never a traceback
            raise text.error(templating.runtime_message(exc)) from None

    def misprint(self, chars: frozenset[int] | None) -> BriefingError | None:
        """The first text loaded that holds what a brief cannot print (``glyphs.problem``)."""
        for text in self.texts.values():
            for source in self._sources(text):
                if problem := glyphs.problem(source, chars):
                    return text.error(f"it prints text that {problem}")
        return None
