"""Rules a section template and its words follow, read from their source (not from what they
printed): no number typed into them, and an override that only fills blocks its base has.
Run on each document by ``sections.typed_and_overrides``."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import jinja2
from jinja2 import nodes

from briefings import projectfiles
from briefings.errors import BriefingError, did_you_mean

# Markdown syntax that holds digits without being a number of the brief: a list item's
# number at the start of a line, a footnote label ([^1], [^1]:) and an attribute list.
_SYNTAX = re.compile(r"^[ \t]*\d+[.)][ \t]|\[\^[^\]]*\]|\{:[^}]*\}", re.MULTILINE)
_DIGITS = re.compile(r"\d+")
# In a quoted string, a number standing as a word ("73 votos"), not part of a name
# ("harbour.precedent_2023", "summary.md.j2").
_WORD_DIGITS = re.compile(r"(?<![\w.])\d+(?!\w)")


def typed_numbers(path: Path, shown: str, env: jinja2.Environment) -> list[BriefingError]:
    """Every number typed into a template's text (or into a quoted string it may print),
    whatever it equals: a number in a brief comes from a fact, so it changes when the fact
    does."""
    return typed_numbers_in(projectfiles.read_text(path), shown, env)


def typed_numbers_in(source: str, shown: str, env: jinja2.Environment, first_line: int = 1
                     ) -> list[BriefingError]:
    """``typed_numbers`` of a template's text, or of a prose text starting at ``first_line``
    of its file."""
    return [BriefingError(
        f"the number {number} is typed into the template; take it from a fact value so it "
        "changes when the fact does", shown, line + first_line - 1)
        for line, number in _typed(env.lexer, source)]


@functools.lru_cache(maxsize=1024)
def _typed(lexer, source: str) -> tuple[tuple[int, str], ...]:
    """The line and digits of each number typed into ``source``, as ``lexer`` reads it:
    kept by the text, as every version of a brief, and its draft, read the same
    templates."""
    found = []
    for line, kind, value in lexer.tokeniter(source, None):
        if kind == "data":
            text, digits = _SYNTAX.sub(lambda m: re.sub(r"\d", "_", m[0]), value), _DIGITS
        elif kind == "string":
            text, digits = value, _WORD_DIGITS
        else:
            continue
        found += [(line + text.count("\n", 0, match.start()), match[0])
                  for match in digits.finditer(text)]
    return tuple(found)


def _parse(env: jinja2.Environment, source: str) -> nodes.Template:
    """The template's tree, parsed once per text as ``env``'s lexer reads it (a tree is
    only read here): the bases of an override are the same for every document."""
    key = (env.lexer, source)
    if (tree := _TREES.get(key)) is None:
        tree = _TREES[key] = env.parse(source)
        if len(_TREES) > KEPT:
            del _TREES[next(iter(_TREES))]
    return tree


KEPT = 256
_TREES: dict[tuple, nodes.Template] = {}   # the oldest first


def _blocks(template: nodes.Template) -> dict[str, int]:
    return {block.name: block.lineno for block in template.find_all(nodes.Block)}


def _extends(tree: nodes.Template, shown: str) -> nodes.Extends | None:
    """The template's ``{% extends %}``: one, at its top level. Inside an ``if`` or a loop
    it would make the template a different one depending on data, which no check can
    follow (and a condition never true hid a template extending itself)."""
    found = list(tree.find_all(nodes.Extends))
    for extends in found:
        if not any(extends is node for node in tree.body):
            raise BriefingError("{% extends %} inside an {% if %}, a loop or a block: put it "
                                "on the template's first line, outside anything else",
                                shown, extends.lineno)
    if len(found) > 1:
        raise BriefingError("a template extends one other template: keep one "
                            "{% extends %}", shown, found[1].lineno)
    return found[0] if found else None


def _bases(env: jinja2.Environment, first: str, name: str, shown: str) -> dict[str, int]:
    """The blocks of the whole chain of bases, from ``first`` up."""
    blocks: dict[str, int] = {}
    chain, parent = [name], first
    while parent is not None:
        if parent in chain:
            raise BriefingError("this template extends itself through "
                                f"{' → '.join([*chain, parent])}: a base cannot extend the "
                                "template that builds on it", shown)
        chain.append(parent)
        try:
            source, filename, _ = env.loader.get_source(env, parent)
            parent_tree = _parse(env, source)
            grand = _extends(parent_tree, filename)
        except jinja2.TemplateNotFound:
            raise BriefingError(f"template not found: {parent} (which {chain[-2]} "
                                "extends)", shown) from None
        blocks.update(_blocks(parent_tree))
        parent = grand.template.value if grand and isinstance(grand.template, nodes.Const) \
            else None
    return blocks


def override_errors(env: jinja2.Environment, name: str, shown: str) -> list[BriefingError]:
    """A template that extends another prints only its blocks: a block its base does not
    have, or text outside any block, would be lost without a word."""
    source, _, _ = env.loader.get_source(env, name)
    if "extends" not in source:  # most templates: no need to parse them
        return []
    tree = _parse(env, source)
    extends = _extends(tree, shown)
    if extends is None or not isinstance(extends.template, nodes.Const):
        return []
    base_blocks = _bases(env, extends.template.value, name, shown)
    known = ", ".join(base_blocks) or "none"
    errors = []
    for block, line in _blocks(tree).items():
        if block not in base_blocks:
            hint = did_you_mean(block, base_blocks)
            errors.append(BriefingError(
                f"block '{block}' is not in {extends.template.value}, so its text would be "
                f"lost ({hint + ' ' if hint else ''}its blocks: {known})", shown, line))
    for node in tree.body:
        if isinstance(node, nodes.Output) and any(
                isinstance(child, nodes.TemplateData) and child.data.strip()
                or not isinstance(child, nodes.TemplateData) for child in node.nodes):
            errors.append(BriefingError(
                "text outside any block is never printed in a template that extends "
                f"another: put it inside one of its blocks ({known})", shown, node.lineno))
    return errors
