"""DOCX writer: visits the Document's HTML tree and writes Word paragraphs in the styles of
``reference.docx`` (pandoc's reference-doc idea: restyle the output by restyling that file).

Its rooms: ``writer`` (the visitor and the package it saves), ``blocks``, ``inline`` and
``segments`` (block and text-level elements), ``tables``, ``figures``, ``footnotes``,
``furniture`` (cover, contents list, header and footer), ``properties``, ``links``
(bookmarks), ``places`` (body or cell), ``styles`` (the styles it names); and, below them,
``ooxml`` (the Word XML python-docx lacks), ``embedded_fonts`` and ``package_allowlist``.

Choices worth knowing:
- As in the PDF, running text (Body Text, and the Quote and Box Text based on it) is
  justified and hyphenated, in the document's language; the rest is ragged and whole-worded.
  That is reference.docx's doing (its styles, and automatic hyphenation in its settings),
  not the writer's.
- The theme's font faces are embedded, subset (``embedded_fonts``): the DOCX looks the
  same on a machine without them.
- Nothing of reference.docx reaches the reader unless the writer needs it: the saved
  package passes an allow-list of parts, relationships, settings and fields
  (``package_allowlist``), so no attached template, linked picture or field of its own
  survives.
"""

from briefings.writers.docx.styles import REFERENCE
from briefings.writers.docx.writer import DocxWriter, render

__all__ = ["REFERENCE", "DocxWriter", "render"]
