"""How much one document, one template expression and one chart may take.

A template or a figure is text anyone may send an analyst: none may hang or crash a build,
a check or the preview. Sizes are checked where a template makes a text (``bounded``);
time and memory are enforced by the process itself (``workers``, and the chart drawer's
own process), since neither a loop in a template nor a regular expression in a chart's
JavaScript engine stops to listen for a signal.

The time and memory limits can be changed on the analyst's machine, never by a project:
``BRIEFINGS_DOCUMENT_SECONDS``, ``BRIEFINGS_DOCUMENT_MB``, ``BRIEFINGS_FIGURE_SECONDS``,
``BRIEFINGS_FIGURE_MB``."""

from __future__ import annotations

import os
import resource

from briefings.errors import BriefingError

TEXT = 1_000_000        # characters one template expression may make, and a section hold
ITEMS = 100_000         # items of a list it may make (Jinja's sandbox allows range(100000))

# Defaults far above what the real briefs take (about 2 s and 150 MB a document, 0.5 s a
# chart), so that only a runaway template or chart meets them.
_DEFAULTS = {"BRIEFINGS_DOCUMENT_SECONDS": 120, "BRIEFINGS_DOCUMENT_MB": 2048,
             "BRIEFINGS_FIGURE_SECONDS": 30, "BRIEFINGS_FIGURE_MB": 1024}


def setting(name: str) -> float:
    """A limit, from the environment if set there."""
    text = os.environ.get(name)
    if text is None:
        return _DEFAULTS[name]
    try:
        value = float(text)
    except ValueError:
        value = 0
    if not 0 < value < 1e9:
        raise BriefingError(f"{name}={text} in the environment: give a positive number "
                            f"(default: {_DEFAULTS[name]})")
    return value


def cap_memory(megabytes: float) -> None:
    """This process may write at most ``megabytes`` more than it holds now (a forked worker
    inherits what its parent loaded). RLIMIT_DATA rather than RLIMIT_AS: V8 reserves
    tens of gigabytes of address space it never writes, and a chart needs V8. A soft limit
    only, so the chart drawer a worker starts can set its own."""
    with open("/proc/self/statm", encoding="ascii") as statm:  # pages: …, data is the 6th
        held = int(statm.read().split()[5]) * resource.getpagesize()
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    soft = held + int(megabytes * 2**20)
    resource.setrlimit(resource.RLIMIT_DATA,
                       (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


_report = None  # in a worker: where to tell the parent what it is doing


def report_to(callback) -> None:
    global _report
    _report = callback


def at(file: str | None, doing: str) -> None:
    """What a worker does now (``file``: the file it reads), named if it meets a limit."""
    if _report is not None:
        _report(file, doing)
