"""The one door through which the engine reads a project's files.

A project is files anyone may send an analyst, and git keeps symbolic links: a template, a
fact file, a font or a whole brief folder may be a link to /etc/passwd or to the analyst's
mail settings, and a named pipe would stop a build for ever. So every project file (templates,
YAML, fonts, images, stylesheets, reference.docx, source texts) is read here, and only when
its real location, links and '..' resolved, is inside a project this process opened (or a
folder the caller names, such as the source texts' folder), and only when it is a plain file.
A link that stays inside the project keeps working: it cannot show anything the project
does not already hold.

Standard library only: the no-op build reads through here too."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from briefings.errors import BriefingError

# The real locations of the projects this process works on (``Project`` adds its own).
_projects: set[Path] = set()

_KINDS = {stat.S_IFIFO: "a named pipe", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def allow(root: Path) -> None:
    """Files under ``root`` may be read."""
    _projects.add(Path(os.path.realpath(root)))


def _roots(extra: tuple[Path, ...]) -> list[Path]:
    return [*_projects, *(Path(os.path.realpath(folder)) for folder in extra)]


def _inside(real: Path, roots: list[Path]) -> bool:
    return any(real.is_relative_to(root) for root in roots)


def inside(path: Path, *extra: Path) -> bool:
    """Whether the real location of ``path`` is in a project (or in ``extra``)."""
    return _inside(Path(os.path.realpath(path)), _roots(extra))


def resolve(path: Path, *extra: Path) -> Path:
    """The real location of ``path``, or one error naming the link (or the name) that
    leads outside the project and the folders ``extra``."""
    path = Path(os.path.abspath(path))
    roots = _roots(extra)
    real = Path(os.path.realpath(path))
    if _inside(real, roots):
        return real
    # The outermost link that leads out is the one to replace.
    for link in [*reversed(path.parents), path]:
        if link.is_symlink() and not _inside(Path(os.path.realpath(link)), roots):
            what = "folder" if link != path else "file"
            raise BriefingError(f"this {what} is a link to a {what} outside the project "
                                f"({os.path.realpath(link)}); replace it with the {what} "
                                "itself", link)
    raise BriefingError("this file is outside the project: a brief may use only files in "
                        "its project's folder", path)


def found(path: Path) -> bool:
    """Something other than a folder is at ``path``: a file, or a link or special file the
    door will refuse with its reason (``Path.is_file`` would call those missing)."""
    return os.path.lexists(path) and not os.path.isdir(path)


def read_bytes(path: Path, *extra: Path) -> bytes:
    """The content of the plain file ``path`` inside the project (or ``extra``).
    A missing file raises FileNotFoundError, as ``Path.read_bytes`` does."""
    real = resolve(path, *extra)
    # Non-blocking, so that opening a named pipe returns at once and is refused below.
    fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as file:
        kind = stat.S_IFMT(os.fstat(fd).st_mode)
        if kind != stat.S_IFREG:
            raise BriefingError(f"this is {_KINDS.get(kind, 'not a plain file')}, not a "
                                "file: replace it with the file itself", path)
        os.set_blocking(fd, True)
        return file.read()


def read_text(path: Path, *extra: Path) -> str:
    """``read_bytes`` as UTF-8 text; any other encoding is one error naming the file."""
    try:
        return read_bytes(path, *extra).decode("utf-8")
    except UnicodeDecodeError:
        raise BriefingError("the file is not UTF-8 text: save it as UTF-8 in your editor",
                            path) from None
