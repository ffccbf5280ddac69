"""Documents made in forked worker processes, each under a time and a memory limit.

A template is text anyone may send an analyst: a loop in it may run for hours, and no
signal reaches code that runs no Python bytecode in between (a regular expression, a
native library). So documents are made in processes of their own, forked (they inherit
what the parent loaded), which may write at most ``BRIEFINGS_DOCUMENT_MB`` more per
document than they held before it, and which the parent kills past
``BRIEFINGS_DOCUMENT_SECONDS`` for one document. The kernel kills a worker when its parent
goes, however it goes (even SIGKILL); Ctrl-C and SIGTERM stop the parent, which kills its
workers at once. A worker that crashes is one line, never a traceback.

A worker makes one document after another, so what it has parsed, compiled or drawn for
one (stylesheets, templates, figures, each kept by its content) serves the next; a worker
killed at a limit, or that ran out of memory, is replaced by a fresh one.

A worker reports where it is (``limits.at``), so that a limit met names the file."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from briefings import limits
from briefings.errors import BriefingError

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
STOPS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def _stops_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait while a worker is forked and recorded: a worker inherits them
    held, so none lands in it before it ignores them (that printed "Process ForkProcess-2:"
    and a traceback), and the parent stops only workers it knows of."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _worker_start(parent: int) -> None:
    """The kernel kills the worker when the parent goes. Ctrl-C reaches every process of
    the terminal: the parent alone answers it, by stopping its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent went before prctl took effect
        os._exit(1)


def _child(conn: Connection, work: Callable, jobs: list, parent: int,
           megabytes: float) -> None:
    """Make ``jobs[k]`` for each ``k`` the parent sends (the jobs are inherited, not
    pickled), until it sends None or goes; a worker that ran out of memory goes."""
    _worker_start(parent)
    limits.report_to(lambda file, doing: conn.send(("at", file, doing)))
    while True:
        try:
            k = conn.recv()
        except EOFError:
            os._exit(0)
        if k is None:  # the work is over: ending normally runs the worker's finalizers
            return
        limits.cap_memory(megabytes)
        try:
            outcome = ("done", work(jobs[k]))
        except MemoryError:
            outcome = ("memory", None)
        except BaseException as exc:  # sent to the parent, which raises it
            outcome = ("failed", exc)
        try:
            conn.send(outcome)
        except Exception as exc:  # an exception that does not pickle: its words do
            conn.send(("failed", RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]} "
                                              f"({exc})")))
        if outcome[0] == "memory":
            os._exit(1)


class _Given:
    """The jobs a worker looks up by what it is sent: the index of one it was forked with
    (inherited, not pickled), or one it was not (``run``'s added since, a kept worker's),
    sent whole in a list."""

    def __init__(self, jobs: list):
        self._jobs = jobs

    def __getitem__(self, given):
        return self._jobs[given] if isinstance(given, int) else given[0]


@dataclass
class _Running:
    job: Any
    process: multiprocessing.process.BaseProcess
    conn: Connection
    deadline: float
    file: str | None = None
    doing: str = "starting"     # what it was doing, e.g. "composing this section"


def _stopped(running: _Running, label: str, why: str) -> BriefingError:
    return BriefingError(f"stopped while {running.doing} ({label}): {why}", running.file)


def run(jobs: Iterable, work: Callable, workers: int, label: Callable[[Any], str],
        then: Callable[[Any, Any], Iterable] | None = None) -> Iterator[tuple[Any, Any]]:
    """``(job, work(job))`` for each job as it finishes, at most ``workers`` at a time;
    ``work(job)`` is a ``BriefingError`` when that is what it raised, or when the job
    met a limit or crashed. Any other exception is raised here. ``then(job, outcome)``
    gives the jobs a finished one leads to, made after those waiting by the same workers,
    which kept what they parsed and drew (new workers would start cold): a worker forked
    before such a job existed is sent it pickled."""
    seconds = limits.setting("BRIEFINGS_DOCUMENT_SECONDS")
    megabytes = limits.setting("BRIEFINGS_DOCUMENT_MB")
    context = multiprocessing.get_context("fork")
    jobs = list(jobs)
    inherited = len(jobs)   # what a worker forked now has; later jobs are sent
    pending, running, idle = list(range(len(jobs))), {}, []

    def start() -> Connection:
        mine, theirs = context.Pipe()
        process = context.Process(target=_child, daemon=True,
                                  args=(theirs, work, _Given(jobs), os.getpid(), megabytes))
        with _stops_held():
            process.start()
            theirs.close()  # the parent keeps only its end: EOF when the worker dies
            running[mine] = _Running(None, process, mine, 0.0)
        return mine

    def give(conn: Connection) -> None:
        k = pending.pop(0)
        r = running[conn]
        r.job, r.deadline, r.file, r.doing = jobs[k], time.monotonic() + seconds, None, \
            "starting"
        conn.send(k if k < inherited else [jobs[k]])

    def finished(job, outcome):
        """``(job, outcome)``, once what it leads to waits for a worker."""
        for follow in then(job, outcome) if then else ():
            pending.append(len(jobs))
            jobs.append(follow)
        while pending and idle:
            woken = idle.pop()
            running[woken.conn] = woken
            give(woken.conn)
        while pending and len(running) < workers:
            give(start())
        return job, outcome

    def done(conn: Connection) -> None:
        """The worker's document is made: it takes the next, or waits."""
        if pending:
            give(conn)
        else:
            running[conn].job = None
            idle.append(running.pop(conn))

    try:
        while pending and len(running) < workers:
            give(start())
        while any(r.job is not None for r in running.values()):
            nearest = min(r.deadline for r in running.values() if r.job is not None)
            for conn in wait(list(running), timeout=max(nearest - time.monotonic(), 0)):
                r = running[conn]
                try:
                    kind, *payload = conn.recv()
                except EOFError:  # died without a word: killed, or crashed natively
                    r.process.join()
                    _end(running.pop(conn))
                    code = -r.process.exitcode if r.process.exitcode < 0 else 0
                    name = signal.Signals(code).name if code else f"exit {r.process.exitcode}"
                    if pending:
                        give(start())
                    yield finished(r.job, _stopped(
                        r, label(r.job), f"it crashed ({name}), or needed more memory than "
                        f"a document may use ({megabytes:g} MB, BRIEFINGS_DOCUMENT_MB): look "
                        "for a loop that makes a text or a list grow"))
                    continue
                if kind == "at":
                    r.file, r.doing = payload
                    continue
                job = r.job
                if kind == "memory":
                    _end(running.pop(conn))  # what it holds after running out is not sure
                    if pending:
                        give(start())
                    yield finished(job, _stopped(
                        r, label(job), f"it needed more memory than a document may use "
                        f"({megabytes:g} MB, BRIEFINGS_DOCUMENT_MB)"))
                    continue
                if kind == "failed" and not isinstance(payload[0], BriefingError):
                    raise payload[0]  # a bug: its traceback helps
                outcome = finished(job, payload[0])   # its next job may be one this leads to
                done(conn)
                yield outcome
            for conn, r in list(running.items()):
                if r.job is not None and time.monotonic() >= r.deadline:
                    _end(running.pop(conn))
                    if pending:
                        give(start())
                    yield finished(r.job, _stopped(
                        r, label(r.job), f"it took more than {seconds:g} s, the time a document "
                        "may take (BRIEFINGS_DOCUMENT_SECONDS): look for a loop that runs "
                        "too many times"))
    finally:  # an error, Ctrl-C or SIGTERM: the documents still being made are not wanted
        for r in running.values():
            _end(r)
        _dismiss(idle)


def _dismiss(idle: list[_Running]) -> None:
    """Workers with nothing to do are told the work is over, so that each ends as a
    process does, cleaning up after itself; one that does not at once is killed."""
    for r in idle:
        with contextlib.suppress(OSError):
            r.conn.send(None)
    for r in idle:
        r.process.join(timeout=1)
        _end(r)


def _end(running: _Running) -> None:
    running.process.kill()  # nothing if it has finished
    running.process.join()
    running.conn.close()
