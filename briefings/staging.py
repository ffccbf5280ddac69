"""Where a build puts its files until all are made: a staging folder inside the output
folder, from which the files of each brief that succeeded are moved into place, the
manifest last (``build``). Nothing stands in the way of the move once it starts: what
would is found first (``check_targets``), and a Ctrl-C arriving meanwhile waits."""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from briefings.buildfiles import cannot_write, real_folder, remove, write_atomic
from briefings.errors import BriefingError
from briefings.outputs import MANIFEST, STAGING


@contextmanager
def folder(out: Path):
    """A fresh folder inside ``out`` (same file system: moving out of it is a rename),
    removed whatever happens."""
    try:
        stage = Path(tempfile.mkdtemp(prefix=STAGING, dir=out)).resolve()
    except OSError as exc:
        raise cannot_write(out / STAGING, exc) from None
    try:
        yield stage
    finally:
        remove(stage)


def put(stage: Path, out: Path, name: str, data: bytes) -> None:
    try:
        write_atomic(stage, stage / name, data)
    except BriefingError as exc:
        exc.file = str(out / name)
        raise


def unstaged(error: BriefingError, stage: Path, out: Path) -> None:
    """Errors name the place a file was going to, not the staging folder."""
    for each in getattr(error, "errors", [error]):
        if each.file and Path(each.file).is_relative_to(stage):
            each.file = str(out / Path(each.file).relative_to(stage))


def check_targets(out: Path, names: list[str]) -> None:
    """Find what would stop the move into place before anything is built or moved."""
    for name in [*names, MANIFEST]:
        path = out / name
        real_folder(out, path.parent, make=False)  # no file, and no link, for a folder
        if path.is_dir():
            raise BriefingError("is a folder where the build puts a file: move or delete it",
                                path)


@contextmanager
def uninterrupted():
    """Moving the staged files into place is not stopped half way: a Ctrl-C or SIGTERM
    arriving meanwhile is dropped, as the build is finished a moment later."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives signals
        return
    stops = (signal.SIGINT, signal.SIGTERM)
    previous = [signal.signal(stop, signal.SIG_IGN) for stop in stops]
    try:
        yield
    finally:
        for stop, handler in zip(stops, previous):
            signal.signal(stop, handler)


def commit(stage: Path, out: Path, names: list[str]) -> None:
    """Move everything staged into place, the manifest last."""
    for name in [*names, MANIFEST]:
        real_folder(out, (out / name).parent)
        try:
            os.replace(stage / name, out / name)
        except OSError as exc:
            raise cannot_write(out / name, exc) from None
