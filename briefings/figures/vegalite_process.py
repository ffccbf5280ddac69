"""vl-convert in a process of its own: ``python -m briefings.figures.vegalite_process``
reads a request (JSON) on its standard input and writes ``{"result": …}`` or
``{"error": "one line"}`` on its standard output.

Its JavaScript engine (V8) runs a chart's expressions with no Python in between: no
signal stops it, and running out of memory kills the whole process. Here that process is
this one, which the caller kills past its time limit and which may write at most
``BRIEFINGS_FIGURE_MB`` (``limits``); what V8 prints when it dies goes to a stderr no one
reads."""

from __future__ import annotations

import ctypes
import json
import signal
import sys


def _one_line(exc: Exception) -> str:
    """vl-convert's complaint without its header or JavaScript stack: ``Error: …``."""
    lines = [line.strip() for line in str(exc).splitlines()]
    words = [line for line in lines[1:] if line and not line.startswith("at ")]
    return (words or lines or ["unknown error"])[0]


def main() -> None:
    from briefings import limits
    if sys.platform.startswith("linux"):  # gone with the process that asked
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    limits.cap_memory(limits.setting("BRIEFINGS_FIGURE_MB"))
    request = json.load(sys.stdin)
    import vl_convert
    try:
        if request["fonts"]:
            vl_convert.register_font_directory(request["fonts"])
        if request["to"] == "vega":
            result = vl_convert.vegalite_to_vega(request["chart"], config=request["config"])
        else:
            result = vl_convert.vegalite_to_svg(
                request["chart"], config=request["config"], allowed_base_urls=[],
                format_locale=request["format_locale"],
                time_format_locale=request["time_format_locale"])
        answer = {"result": result}
    except ValueError as exc:
        answer = {"error": _one_line(exc)}
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
