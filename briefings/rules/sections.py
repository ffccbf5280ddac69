"""Rules on a section's templates and its words read from their source, for each section a
document prints: no number typed into them, and an override that fills only blocks its base
has (``template_source``); the comment at the top of a template lists its blocks (the guide
sends analysts there to find what a reader's override may replace); every key of the
section's words in the language is said by one of its templates, and every key said is
written."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import jinja2
from jinja2 import meta, nodes

from briefings import i18n, projectfiles
from briefings.errors import BriefingError
from briefings.prose import catalog, key_lines, prose_file, section_template
from briefings.rules.template_source import override_errors, typed_numbers_in
from briefings.templating import TemplatesOnly, chain_loader, relative

if TYPE_CHECKING:
    from briefings.rules.documents import Reading

# Parses and lexes as compose's sandbox does; runs nothing (what a template may call is
# compose's affair).
_PARSER = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@functools.lru_cache(maxsize=256)
def _parsed(source: str) -> nodes.Template | None:
    try:
        return _PARSER.parse(source)
    except jinja2.TemplateSyntaxError:   # compose names it, at its line
        return None


@dataclass(frozen=True)
class _Shape:
    """What these rules read of a template's tree, found once per text: every version of a
    brief, in each language, reads the same templates, and walking a tree again for each
    took most of the rules' time."""
    extends: bool                        # it fills the blocks of another
    blocks: tuple[tuple[str, int], ...]  # each block's name and line
    quoted: frozenset[str]               # every quoted text in it
    alone: bool                          # it includes and imports nothing
    # each say(…) with an argument: whether that is a quoted text, the text, whether it is
    # a quoted text or a name (a key it does not take from a value), its line
    says: tuple[tuple[bool, object, bool, int], ...]


@functools.lru_cache(maxsize=256)
def _shape(source: str) -> _Shape | None:
    tree = _parsed(source)
    if tree is None:
        return None
    says = tuple((isinstance(call.args[0], nodes.Const), getattr(call.args[0], "value", None),
                  isinstance(call.args[0], (nodes.Const, nodes.Name)), call.lineno)
                 for call in tree.find_all(nodes.Call)
                 if isinstance(call.node, nodes.Name) and call.node.name == "say" and call.args)
    return _Shape(
        next(tree.find_all(nodes.Extends), None) is not None,
        tuple((block.name, block.lineno) for block in tree.find_all(nodes.Block)),
        frozenset(const.value for const in tree.find_all(nodes.Const)
                  if isinstance(const.value, str)),
        next(tree.find_all((nodes.Include, nodes.Import, nodes.FromImport)), None) is None,
        says)


def _templates(reading: Reading, section: str) -> list[tuple[str, str, _Shape]]:
    """The section's templates along the chain (a reader's, the brief's, the theme's):
    each as the analyst sees its file, its source and what the rules read of its tree."""
    found = []
    for folder in reading.chain:
        path = folder / section_template(section)
        if projectfiles.found(path):
            source = projectfiles.read_text(path)
            if (shape := _shape(source)) is not None:
                found.append((relative(str(path), reading.root), source, shape))
    return found


def _listed(source: str) -> set[str]:
    """The names after ``Blocks:`` in the comment the template starts with."""
    text = source.lstrip()
    comment = text[2:text.find("#}")] if text.startswith("{#") and "#}" in text else ""
    _, marker, names = comment.partition("Blocks:")
    return set(re.findall(r"\w+", names)) if marker else set()


def blocks_listed(reading: Reading) -> list[BriefingError]:
    """A template with blocks, extending none, names each of them in its first comment."""
    problems = []
    for section in reading.sections():
        for shown, source, shape in _templates(reading, section.get("data-section")):
            if shape.extends:
                continue   # an override fills its base's blocks, listed there
            missing = [(name, line) for name, line in shape.blocks
                       if name not in _listed(source)]
            if missing:
                names = ", ".join(f"'{name}'" for name, _ in missing)
                problems.append(BriefingError(
                    f"the comment at the top of the template does not list its block "
                    f"{names}: list every block there (Blocks: "
                    f"{', '.join(name for name, _ in shape.blocks)}.), where the guide sends "
                    "analysts to find what a reader's override may replace", shown,
                    missing[0][1], level="warning"))
    return problems


def _said(shapes: list[_Shape]) -> tuple[set[str], bool]:
    """Every quoted text in the templates (a key is said as ``say("key")`` or handed to a
    macro or a loop that says it), and whether every key said is among them: not when a
    template says a key it takes from a value (``say(source.kind)``) or another file."""
    quoted, followed = set(), True
    for shape in shapes:
        quoted |= shape.quoted
        followed &= shape.alone and all(plain for _, _, plain, _ in shape.says)
    return quoted, followed


def words_said(reading: Reading) -> list[BriefingError]:
    """A key of a section's words in the language that none of its templates says is a
    text no reader ever gets (a warning at the key); ``say("key")`` with no text for the key
    in the language is an error at its line, even where no version takes that branch."""
    problems = []
    for section in reading.sections():
        name = section.get("data-section")
        templates = _templates(reading, name)
        quoted, followed = _said([shape for _, _, shape in templates])
        written: dict[str, None] = {}
        for folder in reading.chain:
            path = prose_file(folder, reading.lang, name)
            if not projectfiles.found(path):
                continue
            keys = key_lines(path)
            written.update(dict.fromkeys(keys))
            problems += [BriefingError(
                f"no template of section '{name}' says it (say(\"{key}\")): delete it, or "
                "say it where it belongs", relative(str(path), reading.root), line, key,
                level="warning") for key, line in keys.items() if followed and key not in quoted]
        for shown, _, shape in templates:
            for quoted_key, key, _, line in shape.says:
                if quoted_key and key not in written:
                    problems.append(BriefingError(
                        f"say(\"{key}\"): section '{name}' has no text '{key}' in "
                        f"{i18n.language_name(reading.lang)}: add it to its words",
                        shown, line))
    return problems


@functools.lru_cache(maxsize=256)
def _referenced(source: str) -> tuple[str, ...]:
    """The templates a template extends, includes or imports by name, found once per text."""
    tree = _parsed(source)
    return () if tree is None else tuple(
        name for name in meta.find_referenced_templates(tree) if name)


def _loaded(reading: Reading, section: str) -> tuple[TemplatesOnly, dict[str, str]]:
    """The section's template as the edition finds it, and every template it extends,
    includes or imports, each by file: what composing it loads."""
    loader = TemplatesOnly(chain_loader(reading.chain))
    files: dict[str, str] = {}
    names = [section_template(section)]
    while names:
        try:
            source, filename, _ = loader.get_source(_PARSER, names.pop())
        except (jinja2.TemplateNotFound, BriefingError):   # compose names it
            continue
        if filename not in files:
            files[filename] = source
            names += _referenced(source)
    return loader, files


def typed_and_overrides(reading: Reading) -> list[BriefingError]:
    """No number typed into a section's templates or its words: a number in a brief comes
    from a fact, so it changes when the fact does. An override prints only blocks its base
    has (``template_source``)."""
    problems = []
    locale = reading.document.meta.language_tag.replace("-", "_")
    for section in reading.sections():
        name, shown = section.get("data-section"), section.get("data-template")
        loader, files = _loaded(reading, name)
        try:
            problems += override_errors(_PARSER.overlay(loader=loader), section_template(name),
                                        shown)
        except BriefingError as exc:
            problems.append(exc)
        except jinja2.TemplateSyntaxError:   # compose names it
            pass
        for file, source in files.items():
            problems += typed_numbers_in(source, relative(file, reading.root), _PARSER)
        for text in catalog(reading.chain, name, reading.lang, locale, reading.root).values():
            for value in text.value.values() if isinstance(text.value, dict) else [text.value]:
                for problem in typed_numbers_in(value, text.file, _PARSER, text.line or 1):
                    problem.key = text.key
                    problems.append(problem)
    return problems
