"""Read a YAML file and remember where each value sits, so schema errors can name the line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from briefings.errors import BriefingError, BriefingErrors

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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

    def validate(self, model: type[BaseModel], **context: Any) -> Any:
        """Validate the whole file against ``model``; every schema error becomes one line."""
        try:
            return model.model_validate(self.data, context=context)
        except ValidationError as exc:
            raise BriefingErrors([
                BriefingError(_explain(err), self.path, self.line_of(err["loc"]),
                              ".".join(str(p) for p in err["loc"]) or None)
                for err in exc.errors()
            ]) from None


def _explain(err: dict) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field (check its spelling)"
    if err["type"] == "missing":
        return "required field is missing"
    return err["msg"].removeprefix("Value error, ")


def read_yaml(path: Path) -> YamlFile:
    """Parse ``path``; a syntax error names the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BriefingError(f"cannot read file ({exc.strerror})", path) from None
    except UnicodeDecodeError:
        raise BriefingError("file is not UTF-8 text", path) from None
    try:
        root = yaml.compose(text, Loader=_Loader)
        if root:
            _refuse_duplicate_keys(root, path)
        data = _Loader(text).construct_document(root) if root else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise BriefingError(f"invalid YAML: {exc.problem or exc.context}", path,
                            mark.line + 1 if mark else None) from None
    return YamlFile(path, data, root)


def _refuse_duplicate_keys(node: yaml.Node, path: Path) -> None:
    """YAML keeps the last of two equal keys without a word; for facts that hides an edit."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if key.value in seen:
                raise BriefingError(f"'{key.value}' appears twice in the same block "
                                    f"(first on line {seen[key.value]})", path, line)
            seen[key.value] = line
            _refuse_duplicate_keys(value, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _refuse_duplicate_keys(item, path)
