"""WeasyPrint, imported without searching for its libraries under other systems' names.

WeasyPrint loads Pango, HarfBuzz and fontconfig by trying each library's names on Windows,
macOS and Linux in turn, and cffi hands every name that does not load to
``ctypes.util.find_library``, which on Linux runs ldconfig, gcc and ld each time: some
twenty programs, a third of a second of every process that makes a PDF (WeasyPrint issue
#1125). The names Linux uses (``libpango-1.0.so.0``) come later in each list and load
directly, so on Linux the search is skipped while WeasyPrint is imported; a library the
system lacks still fails as it did."""

from __future__ import annotations

import ctypes.util
import sys

_search = ctypes.util.find_library
if sys.platform.startswith("linux"):
    ctypes.util.find_library = lambda name: None
try:
    from weasyprint import CSS, HTML
    from weasyprint.pdf.stream import Stream
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse
finally:
    ctypes.util.find_library = _search

__all__ = ["CSS", "HTML", "FontConfiguration", "Stream", "URLFetcher", "URLFetcherResponse"]
