"""One problem type for everything a user can get wrong: it names the file, the place and the
problem, at a level. Raised, it stops the command; collected by the rules (``briefings.rules``),
it is reported with its level: an error fails the check and the build, a warning only under
``--strict``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


LEVELS = ("error", "warning")


class BriefingError(Exception):
    """A problem in the user's input, reported as one line: ``file:line: key: message``.
    An exception, so that a loader stops where it finds one; the same object, collected,
    is a finding of the check (no second type to convert to and from)."""

    def __init__(self, message: str, file: str | Path | None = None,
                 line: int | None = None, key: str | None = None, level: str = "error"):
        super().__init__(message)
        assert level in LEVELS, level
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.key = key
        self.level = level

    def __reduce__(self):
        # Problems cross from worker processes: keep file, line, key and level on the way.
        return (type(self), (self.message, self.file, self.line, self.key, self.level))

    def _value(self) -> tuple:
        return (type(self), self.level, self.file, self.line, self.key, self.message)

    # Equal by what they say: a mistake in a shared template, found in every edition that
    # uses it, is reported once.
    def __eq__(self, other) -> bool:
        return isinstance(other, BriefingError) and self._value() == other._value()

    def __hash__(self) -> int:
        return hash(self._value())

    def at(self, level: str) -> BriefingError:
        """The same problem at another level (``--strict`` makes every warning an error)."""
        return BriefingError(self.message, self.file, self.line, self.key, level)

    def as_dict(self) -> dict:
        return {"level": self.level, "file": self.file, "line": self.line, "key": self.key,
                "message": self.message}

    def report(self) -> str:
        """The line a command prints: ``error: file:line: key: message``."""
        return f"{self.level}: {self}"

    def __str__(self) -> str:
        place = ""
        if self.file:
            place = shown(self.file) + (f":{self.line}" if self.line else "") + ": "
        key = f"{self.key}: " if self.key else ""
        return f"{place}{key}{self.message}"


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``did you mean 'x'?`` for the known name closest to a misspelt one, else ''."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else ""


def shown(file: str | Path) -> str:
    """Paths inside the current folder are shown relative to it, as a user would type them."""
    path = Path(file)
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(file)


class BriefingErrors(BriefingError):
    """Several problems found in one pass, so the user can fix them all at once."""

    def __init__(self, errors: list[BriefingError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))

    def __reduce__(self):
        return (type(self), (self.errors,))

    def _value(self) -> tuple:
        return (type(self), *(e._value() for e in self.errors))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
