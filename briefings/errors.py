"""One error type for everything a user can get wrong: it names the file, the place and the problem."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


class BriefingError(Exception):
    """A problem in the user's input, reported as one line: ``file:line: key: message``."""

    def __init__(self, message: str, file: str | Path | None = None,
                 line: int | None = None, key: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.key = key

    def __reduce__(self):
        # Errors cross from build worker processes: keep file, line and key on the way.
        return (type(self), (self.message, self.file, self.line, self.key))

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

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
