"""Template operations that could make a huge text, list or number, measured before they
run: ``'x' * 2000000000`` would take 2 GB before anything could look at its result.

The sandbox (``templating.Sandbox``) sends here its operators, its calls and every filter.
What is measured beforehand is what multiplies (``*``, ``**``, ``%`` and ``format``
widths, ``center``, ``indent``, ``replace``, ``wordwrap``, ``join``, ``batch``,
``slice``, ``lipsum``); every result is measured after. What grows by steps (``~`` in a
loop) meets the document's memory limit instead (``limits``)."""

from __future__ import annotations

import functools
import inspect
import math
import re

from briefings.limits import ITEMS, TEXT

DIGITS = 10_000          # digits of a number a template may make
_BITS = math.ceil(DIGITS * math.log2(10))
# A %-conversion: its width and precision, each a number or * (taken from the values).
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?")


class TooLarge(Exception):
    """A template asked for more than a brief can hold."""


def _text(n: int) -> None:
    if n > TEXT:
        raise TooLarge(f"this expression makes a text of {n:,} characters; a brief's "
                       f"section holds at most {TEXT:,}")


def _items(n: int) -> None:
    if n > ITEMS:
        raise TooLarge(f"this expression makes a list of {n:,} items; a template's list "
                       f"holds at most {ITEMS:,}")


def checked(value):
    """``value``, if it is not too large."""
    if isinstance(value, str):
        _text(len(value))
    elif isinstance(value, (list, tuple)):
        _items(len(value))
    elif isinstance(value, int) and value.bit_length() > _BITS:
        raise TooLarge(f"this expression makes a number of about "
                       f"{round(value.bit_length() * math.log10(2)):,} digits; a template's "
                       f"number has at most {DIGITS:,}")
    return value


def _int(value) -> int:
    return value if isinstance(value, int) else 0


def _percent(text, values) -> None:
    """``text % values``: its text, the values, and the widths and precisions it asks for."""
    values = values if isinstance(values, tuple) else (values,)
    largest = max((_int(v) for v in values), default=0)
    widths = sum(largest if n == "*" else int(n or 0)
                 for match in _CONVERSION.finditer(str(text)) for n in match.groups())
    _text(len(str(text)) + widths + sum(len(str(v)) for v in values))


def _replaced(text, old, new, count=None) -> None:
    text, old, new = str(text), str(old), str(new)
    times = len(text) + 1 if old == "" else text.count(old)
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    _text(len(text) + times * max(len(new) - len(old), 0))


def before_binop(operator: str, left, right) -> None:
    if operator == "*":
        for sequence, times in ((left, right), (right, left)):
            if isinstance(sequence, (str, list, tuple)) and isinstance(times, int):
                (_text if isinstance(sequence, str) else _items)(len(sequence) * times)
    elif operator == "**" and isinstance(left, int) and isinstance(right, int) \
            and abs(left) > 1 and right > 0:
        checked(1 << min(right * abs(left).bit_length(), _BITS + 1))
    elif operator == "%" and isinstance(left, str):
        _percent(left, right)


def before_call(function, args, kwargs) -> None:
    """A method of a string that multiplies it (``"x".replace("", …)``), or ``lipsum``."""
    name = getattr(function, "__name__", None)
    try:
        if name == "replace" and isinstance(getattr(function, "__self__", None), str):
            _replaced(function.__self__, *args, **kwargs)
        elif name == "generate_lorem_ipsum":
            bound = inspect.signature(function).bind(*args, **kwargs)
            bound.apply_defaults()
            _text(_int(bound.arguments["n"]) * _int(bound.arguments["max"]) * 12)  # words
    except TypeError:
        pass  # wrong arguments: the call itself says so


def _joined(value, d="", attribute=None, **_) -> None:
    if isinstance(value, (list, tuple)) and attribute is None:
        _text(sum(len(str(item)) for item in value) + len(str(d)) * len(value))


def _wrapped(value, width=79, wrapstring=None, **_) -> None:
    lines = len(str(value)) // max(_int(width), 1) + 1
    _text(len(str(value)) + len(str(wrapstring or "\n")) * lines)


def _indented(value, width=4, **_) -> None:
    width = width if isinstance(width, int) else len(str(width))
    _text(len(str(value)) + (str(value).count("\n") + 1) * width)


# Filters that multiply what they are given: each is called with the filter's value and
# its other arguments by name.
_BEFORE = {
    "center": lambda value, width=80, **_: _text(max(len(str(value)), _int(width))),
    "indent": _indented,
    "format": lambda value, args=(), kwargs=None, **_: _percent(value, kwargs or args),
    "replace": lambda value, old, new, count=None, **_: _replaced(value, old, new, count),
    "wordwrap": _wrapped,
    "join": _joined,
    "batch": lambda value, linecount, **_: _items(_int(linecount)),
    "slice": lambda value, slices, **_: _items(_int(slices)),
}


def filter_(name: str, function):
    """A filter that measures what it would make, then what it made."""
    before = _BEFORE.get(name)
    if before is not None:
        signature = inspect.signature(function)
        skip = 1 if getattr(function, "jinja_pass_arg", None) else 0  # context or env
        first = list(signature.parameters)[skip]

    @functools.wraps(function)
    def bounded(*args, **kwargs):
        if before is not None:
            try:
                arguments = signature.bind(*args, **kwargs)
            except TypeError:
                pass  # wrong arguments: the filter itself says so
            else:
                arguments.apply_defaults()
                named = dict(arguments.arguments)
                before(named.pop(first), **named)
        return checked(function(*args, **kwargs))
    return bounded


class Filters(dict):
    """An environment's filters, each bounded, those added later too."""

    def __init__(self, filters: dict):
        super().__init__()
        self.update(filters)

    def __setitem__(self, name, function):
        super().__setitem__(name, filter_(name, function))

    def update(self, *args, **kwargs):
        for name, function in dict(*args, **kwargs).items():
            self[name] = function
