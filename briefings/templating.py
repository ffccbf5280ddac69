"""Running a user's Jinja template: a mistake in it becomes one ``BriefingError`` naming
the template's file and line (Jinja rewrites tracebacks so that template frames carry both)."""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError

from briefings.errors import BriefingError


class TemplateValueError(Exception):
    """A template asked the facts or a filter for something they do not have."""


def relative(filename: str | None, root: Path) -> str | None:
    """A path under the project as the user sees it, e.g. ``templates/base/…``."""
    if filename and Path(filename).is_relative_to(root):
        return str(Path(filename).relative_to(root))
    return filename


def _place(exc: BaseException, root: Path) -> tuple[str | None, int | None]:
    """The innermost template frame of a rendering error."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2"):
            return relative(frame.filename, root), frame.lineno
    return None, None


def render(env: jinja2.Environment, name: str, context: dict, root: Path,
           folder: Path) -> tuple[str, str]:
    """The rendered text and the file of the template that made it. ``folder`` is where the
    template belongs when no override exists: a missing one is named there."""
    try:
        template = env.get_template(name)
        return template.render(context), relative(template.filename, root)
    except jinja2.TemplateSyntaxError as exc:
        raise BriefingError(f"template syntax error: {exc.message}",
                            relative(exc.filename, root), exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        file, line = _place(exc, root)
        raise BriefingError(f"template not found: {exc.name}",
                            file or relative(str(folder / name), root), line) from None
    except (jinja2.UndefinedError, TemplateValueError, SecurityError) as exc:
        file, line = _place(exc, root)
        message = f"undefined: {exc}" if isinstance(exc, jinja2.UndefinedError) else str(exc)
        raise BriefingError(message, file or name, line) from None
