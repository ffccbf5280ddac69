"""Jinja syntax errors in plain words, at the line where the faulty tag starts.

Jinja notices a missing ``%}`` or an unclosed ``{% if %}`` only where it gives up, often
many lines later; an analyst needs the line of the tag to fix."""

from __future__ import annotations

import re

import jinja2

from briefings.errors import did_you_mean

# Tags that need an end tag; ``set`` only in its block form ({% set x %}…{% endset %}).
_PAIRED = ("if", "for", "block", "macro", "call", "filter", "with", "set", "autoescape",
           "trans")
_KNOWN = sorted({*_PAIRED, "elif", "else", "extends", "include", "import", "from", "raw",
                 "break", "continue", "do", *(f"end{tag}" for tag in _PAIRED)})
_INNERMOST = re.compile(r"innermost block that needs to be closed is '(\w+)'")
_UNKNOWN = re.compile(r"Encountered unknown tag '(\w+)'")
_NO_FILTER = re.compile(r"No filter named '(\w+)'")
_UNCLOSED = {"end of statement block": ("{%", "%}"), "end of print statement": ("{{", "}}")}


def _tags(source: str, env: jinja2.Environment):
    """Each ``{% … %}`` tag of ``source``: its line and its tokens' values."""
    tag: list[str] | None = None
    for line, kind, value in env.lex(source):
        if kind == "block_begin":
            tag, start = [], line
        elif kind == "block_end" and tag is not None:
            yield start, tag
            tag = None
        elif tag is not None and kind != "whitespace":
            tag.append(value)


def _open_tags(source: str, env: jinja2.Environment) -> list[tuple[str, int]]:
    """The paired tags still open at the end of ``source`` (name, line), outermost first."""
    stack: list[tuple[str, int]] = []
    for line, (name, *rest) in _tags(source, env):
        if name in _PAIRED and not (name == "set" and "=" in rest):
            stack.append((name, line))
        elif name.startswith("end") and stack and stack[-1][0] == name[3:]:
            stack.pop()
    return stack


def _tag_start(source: str, line: int, opener: str) -> int:
    """The last line at or before ``line`` where ``opener`` appears."""
    lines = source.splitlines()
    for number in range(min(line, len(lines)), 0, -1):
        if opener in lines[number - 1]:
            return number
    return line


def explain_syntax_error(exc: jinja2.TemplateSyntaxError, env: jinja2.Environment
                         ) -> tuple[str, int | None]:
    message, line, source = exc.message or "", exc.lineno, exc.source or ""
    for expected, (opener, closer) in _UNCLOSED.items():
        if f"expected token '{expected}'" in message:
            return (f"syntax error: the '{opener}' that starts here is not closed with "
                    f"'{closer}'", _tag_start(source, line, opener))
    if message == "unexpected '}'":  # "{{ x }" or "{% if x }": a closer lacks a character
        before = "\n".join(source.splitlines()[:line])
        opener, closer = max(_UNCLOSED.values(), key=lambda pair: before.rfind(pair[0]))
        return (f"syntax error: the '{opener}' that starts here is not closed with '{closer}'",
                _tag_start(source, line, opener))
    if innermost := _INNERMOST.search(message):
        tag = innermost[1]
        try:
            # Lexing stops at the line where Jinja gave up: what is open there is the culprit.
            open_tags = _open_tags("\n".join(source.splitlines()[:line]), env)
        except jinja2.TemplateSyntaxError:
            open_tags = []
        where = next((at for name, at in reversed(open_tags) if name == tag), line)
        ending = _UNKNOWN.search(message)
        before = f" before '{{% {ending[1]} %}}' on line {line}" if ending else ""
        return (f"syntax error: '{{% {tag} %}}' is never closed{before}: add "
                f"'{{% end{tag} %}}'", where)
    if message.startswith("Expected an expression, got 'end of"):
        return "syntax error: something is missing before the tag closes (e.g. {% if x %})", line
    if missing := _NO_FILTER.match(message):
        hint = did_you_mean(missing[1], env.filters)
        return f"unknown filter '{missing[1]}'" + (f" ({hint})" if hint else ""), line
    if unknown := _UNKNOWN.search(message):
        hint = did_you_mean(unknown[1], _KNOWN)
        return f"syntax error: unknown tag '{unknown[1]}'" + (f" ({hint})" if hint else ""), line
    return f"syntax error: {message}", line
