"""One worker process kept from one job to the next (the preview's): what it parsed,
compiled, drew and loaded for a page (templates, fonts cut down, figures, facts, each kept
by its content) serves the next save's page, which a fresh worker would make again.

It runs under the limits of ``workers`` (forked, killed with its parent, stopped past the
time and memory a document may take); a worker killed at a limit, or that failed on
anything but a ``BriefingError`` (a bug: what it holds is not sure), is replaced by a
fresh one at the next job. Unlike ``workers.run``'s, whose jobs are inherited, its jobs
are sent (pickled): they must be plain data."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from briefings import limits, workers
from briefings.errors import BriefingError


class WarmWorker:
    """``worker(job)``: ``work(job)`` made in the kept worker; a ``BriefingError`` when that
    is what it raised, or when it met a limit or crashed; any other exception is raised."""

    def __init__(self, work: Callable[[Any], Any], label: str):
        self._work, self._label = work, label
        self._process, self._conn = None, None
        self._lock = threading.Lock()  # one job at a time: the worker makes one

    def __call__(self, job):
        with self._lock:
            seconds = limits.setting("BRIEFINGS_DOCUMENT_SECONDS")
            megabytes = limits.setting("BRIEFINGS_DOCUMENT_MB")
            if self._process is None:
                self._start(megabytes)
            self._conn.send([job])  # sent whole: ``workers`` reads None as the end
            deadline, at = time.monotonic() + seconds, (None, "starting")
            while self._conn.poll(max(deadline - time.monotonic(), 0)):
                try:
                    kind, *payload = self._conn.recv()
                except EOFError:  # died without a word: killed, or crashed natively
                    code = self.close()
                    name = signal.Signals(-code).name if code < 0 else f"exit {code}"
                    return self._stopped(at, f"it crashed ({name}), or needed more memory "
                                         f"than a document may use ({megabytes:g} MB, "
                                         "BRIEFINGS_DOCUMENT_MB): look for a loop that "
                                         "makes a text or a list grow")
                if kind == "at":
                    at = tuple(payload)
                elif kind == "memory":
                    self.close()
                    return self._stopped(at, "it needed more memory than a document may "
                                         f"use ({megabytes:g} MB, BRIEFINGS_DOCUMENT_MB)")
                elif kind == "failed" and not isinstance(payload[0], BriefingError):
                    self.close()
                    raise payload[0]
                else:
                    return payload[0]
            self.close()
            return self._stopped(at, f"it took more than {seconds:g} s, the time a document "
                                 "may take (BRIEFINGS_DOCUMENT_SECONDS): look for a loop that "
                                 "runs too many times")

    @property
    def pid(self) -> int | None:
        """The worker's process id; None until a job starts one."""
        return self._process and self._process.pid

    def _start(self, megabytes: float) -> None:
        context = multiprocessing.get_context("fork")
        mine, theirs = context.Pipe()
        process = context.Process(target=workers._child, daemon=True,
                                  args=(theirs, self._work, workers._Given([]), os.getpid(), megabytes))
        with workers._stops_held():
            process.start()
        theirs.close()  # the parent keeps only its end: EOF when the worker dies
        self._process, self._conn = process, mine

    def _stopped(self, at: tuple[str | None, str], why: str) -> BriefingError:
        file, doing = at
        return BriefingError(f"stopped while {doing} ({self._label}): {why}", file)

    def close(self) -> int:
        """End the worker (a next job starts a fresh one); its exit code."""
        process, self._process = self._process, None
        if process is None:
            return 0
        process.kill()  # nothing if it has ended
        process.join()
        self._conn.close()
        return process.exitcode
