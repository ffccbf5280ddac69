"""Read a YAML file and remember where each value sits, so schema errors can name the line.

The files are data typed by people, so only plain YAML is read: no anchors or aliases (a
self-reference loops and a few hundred bytes of nested aliases expand to billions of
values), no explicit tags, no keys that are lists or mappings, no deeper nesting than
any of our files needs. Anything else is refused with its line, never a traceback."""

from __future__ import annotations

import datetime as dt
import functools
import re
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from briefings import projectfiles
from briefings.errors import BriefingError, BriefingErrors, did_you_mean

MAX_DEPTH = 20  # a fact file nests six deep; a list this deep is a mistake or an attack

# What YAML accepts in a file (YAML 1.1, "printable characters"); we name the first other.
_UNREADABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    def construct_date(self, node: yaml.ScalarNode) -> dt.date:
        """An impossible date (2026-02-30) looks like one to the parser, then fails to build."""
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is not a real date ({exc})", node.start_mark
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_date)


@dataclass
class YamlFile:
    path: Path
    data: Any
    root: yaml.Node | None

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """The 1-based line of the value at ``loc`` (mapping keys and list indexes), or the
        deepest enclosing value that exists."""
        node = self.root
        line = node.start_mark.line + 1 if node else None
        for part in loc:
            child = None
            if isinstance(node, yaml.MappingNode):
                child = next((v for k, v in node.value if k.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                    and part < len(node.value):
                child = node.value[part]
            if child is None:
                break
            node, line = child, child.start_mark.line + 1
        return line

    def validate(self, model: type[BaseModel],
                 name: Callable[[Sequence[str | int]], str] | None = None,
                 **context: Any) -> Any:
        """Validate the whole file against ``model``; every schema error becomes one line.
        ``name`` turns an error's location into the words shown before the message
        (default: the dotted path, e.g. ``distribution.0.email``)."""
        try:
            return model.model_validate(self.data, context=context)
        except ValidationError as exc:
            errors = []
            for err in exc.errors():
                # A tagged union puts its tag (written "<like this>") in the location.
                loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("<"))]
                errors.append(BriefingError(
                    _explain(err, model), self.path, self.line_of(loc),
                    (name or dotted)(loc) or None))
            raise BriefingErrors(errors) from None


def dotted(loc: Sequence[str | int]) -> str:
    return ".".join(str(p) for p in loc)


def _explain(err: dict, model: type[BaseModel]) -> str:
    if err["type"] == "extra_forbidden":
        hint = did_you_mean(str(err["loc"][-1]), _field_names(model))
        return f"unknown field ({hint or 'check its spelling'})"
    if err["type"] == "missing":
        return "required field is missing"
    return err["msg"].removeprefix("Value error, ")


@functools.cache
def _field_names(model: type[BaseModel]) -> frozenset[str]:
    """Every field name of ``model`` and of the models inside it: what a misspelt one may be."""
    names: set[str] = set()
    types = [model]
    while types:
        kind = types.pop()
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            for name, field in kind.model_fields.items():
                names.add(field.alias or name)
                types.append(field.annotation)
        else:
            types.extend(typing.get_args(kind))
    return frozenset(names)


def read_yaml(path: Path) -> YamlFile:
    """Parse ``path``; a syntax error names the file and line."""
    try:
        text = projectfiles.read_text(path)
    except OSError as exc:
        raise BriefingError(f"cannot read file ({exc.strerror})", path) from None
    if bad := _UNREADABLE.search(text):
        what = "a code point that is not a character" if bad[0] in "\ufffe\uffff" \
            else "an invisible control character"
        raise BriefingError(f"contains {what} (U+{ord(bad[0]):04X}); retype the text around it",
                            path, text.count("\n", 0, bad.start()) + 1)
    try:
        _refuse_unplain(text, path)
        root = yaml.compose(text, Loader=_Loader)
        if root:
            _check_keys(root, path)
        data = _Loader(text).construct_document(root) if root else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # Syntax is checked first, so a constructor error here is a value: our dates.
        problem = exc.problem if isinstance(exc, yaml.constructor.ConstructorError) \
            else f"invalid YAML: {_advice(exc, text)}"
        raise BriefingError(problem, path, mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:  # the parser's other complaints carry no line
        raise BriefingError(f"invalid YAML: {' '.join(str(exc).split())}", path) from None
    return YamlFile(path, data, root)


_INDENTED = ("the keys of a block must each start straight under the one above: check the "
             "indentation of this line and the one above it")


def _advice(exc: yaml.MarkedYAMLError, text: str) -> str:
    """What an analyst should do about the parser's complaint, in their words: the usual
    slips are a sentence with ': ' in it and a line indented one space off."""
    problem = exc.problem or exc.context or ""
    mark = exc.problem_mark
    if "mapping values are not allowed" in problem and mark:
        before = text.splitlines()[mark.line][:mark.column].strip().removeprefix("- ")
        if ": " in before:
            return "this sentence has a colon followed by a space; put the whole sentence in quotes"
        return _INDENTED
    if "expected '-' indicator" in problem:
        return ("the items of a list must each start with '-' straight under the one above: "
                "check the indentation of this line and the one above it")
    if "did not find expected key" in problem:
        return _INDENTED + " (or, if a quoted text goes on after its closing quote, quote it all)"
    return problem


def _refuse_unplain(text: str, path: Path) -> None:
    """Anchors, aliases, tags and deep nesting, found in the parser's events before any
    value is built."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise BriefingError("anchors and aliases (&name, *name) are not allowed here: "
                                "write the value out in full", path, line)
        if getattr(event, "tag", None):
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise BriefingError(f"tags such as '{tag}' are not allowed here: write the "
                                "value plainly (quote it to keep it as text)", path, line)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise BriefingError(f"nested more than {MAX_DEPTH} levels deep", path, line)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_keys(node: yaml.Node, path: Path) -> None:
    """Keys are plain words, each once per block: YAML keeps the last of two equal keys
    without a word, and for facts that hides an edit."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if not isinstance(key, yaml.ScalarNode):
                raise BriefingError("a key must be a plain word, not a list or a block", path,
                                    line)
            if key.value in seen:
                raise BriefingError(f"'{key.value}' appears twice in the same block "
                                    f"(first on line {seen[key.value]})", path, line)
            seen[key.value] = line
            _check_keys(value, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_keys(item, path)
