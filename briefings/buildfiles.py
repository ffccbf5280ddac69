"""The one door through which the engine writes into a build folder.

A build folder may come from a CI cache, an archive or a colleague, so what it holds is not
trusted: a link where the build puts a folder (``build/<brief>``) would send the outputs
elsewhere on the disk, a link where it keeps a file (``build/.lock``) would empty the file it
points to, and a named pipe would stop the build for ever. So every folder below the build
folder is checked to be a real folder (made where missing), every file is opened without
following a link and refused unless plain, and a leftover is removed by its name, never
opened.

Standard library only: the no-op build takes the lock through here."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path

from briefings.errors import BriefingError

_UMASK = os.umask(0)
os.umask(_UMASK)


def cannot_write(path: Path, exc: OSError) -> BriefingError:
    return BriefingError(f"cannot write this file ({exc.strerror})", path)


def _unwritable(folder: Path, exc: OSError) -> BriefingError:
    return BriefingError(f"cannot write the output folder ({exc.strerror})", folder)


def _link(path: Path, what: str) -> BriefingError:
    return BriefingError(f"this {what} is a link (to {os.path.realpath(path)}), where the build "
                         f"keeps its own {what}: delete the link and build again", path)


def _special(path: Path) -> BriefingError:
    return BriefingError("is not a plain file (a named pipe, a device or a folder), where the "
                         "build keeps its own file: delete it and build again", path)


def real_folder(top: Path, folder: Path, make: bool = True) -> Path:
    """``folder``, inside ``top`` or ``top`` itself, with each folder from ``top`` down a
    real folder (made where missing, unless ``make`` is false): never a link."""
    top, folder = Path(os.path.abspath(top)), Path(os.path.abspath(folder))
    if make:
        try:  # the folders above the build folder are the user's: only made
            top.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _unwritable(top, exc) from None
    parts = folder.relative_to(top).parts
    for path in [top, *(top.joinpath(*parts[:n]) for n in range(1, len(parts) + 1))]:
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            if not make:
                return folder
            try:
                os.mkdir(path)
            except FileExistsError:  # made meanwhile by another worker: checked again below
                pass
            except OSError as exc:
                raise _unwritable(path, exc) from None
            mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            raise _link(path, "folder")
        if not stat.S_ISDIR(mode):
            raise BriefingError("is a file where the build puts a folder: move or delete it",
                                path)
    return folder


def open_plain(top: Path, path: Path, flags: int) -> int:
    """A descriptor of the plain file ``path`` inside ``top`` (made if missing), opened
    with ``flags`` (os.O_RDWR, os.O_WRONLY | os.O_APPEND…) but never through a link, and
    never a named pipe or a device."""
    real_folder(top, path.parent)
    try:
        fd = os.open(path, flags | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                     0o666)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _link(path, "file") from None
        if exc.errno == errno.ENXIO:  # a named pipe no one reads
            raise _special(path) from None
        raise cannot_write(path, exc) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _special(path)
    os.set_blocking(fd, True)
    return fd


def read(top: Path, path: Path) -> bytes:
    """The content of the plain file ``path`` inside ``top``, read without following a link
    and never waiting on a named pipe. A missing file raises FileNotFoundError, a folder
    IsADirectoryError, as ``Path.read_bytes`` does."""
    real_folder(top, path.parent, make=False)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _link(path, "file") from None
        raise
    with os.fdopen(fd, "rb") as file:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise _special(path)
        os.set_blocking(fd, True)
        return file.read()


def write_atomic(top: Path, path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` (inside ``top``), then rename: never a
    half-written file, and a link at ``path`` is replaced, not written through."""
    real_folder(top, path.parent)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(path.parent, exc) from None
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes files private; outputs are shared
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from None
        raise


def remove(path: Path) -> None:
    """A leftover, whatever it is: a real folder with all it holds (links inside are
    removed, not followed), anything else by its name alone, never opened: opening a
    named pipe waits for ever."""
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except OSError:
        pass  # gone already, or not ours to remove: the next build tries again
