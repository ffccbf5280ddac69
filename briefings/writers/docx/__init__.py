"""DOCX writer: visits the Document's HTML tree and writes Word paragraphs in the styles of a
reference document (pandoc's reference-doc idea), which ``reference`` builds from the theme's
text parts (``docx/word/styles.xml.j2``…) and ``style.yaml``, or takes from a
``reference.docx`` a brief or reader supplies.

Its rooms: ``writer`` (the visitor and the package it saves), ``blocks``, ``inline`` and
``segments`` (block and text-level elements), ``tables``, ``figures``, ``footnotes``,
``furniture`` (cover, contents list, header and footer), ``properties``, ``links``
(bookmarks), ``places`` (body or cell), ``styles`` (the styles it names), ``reference``
(the reference document); and, below them, ``ooxml`` (the Word XML python-docx lacks),
``embedded_fonts`` and ``package_allowlist``.

Choices worth knowing:
- As in the PDF, running text (Body Text, and the Quote and Box Text based on it) is
  justified and hyphenated, in the document's language; the rest is ragged and whole-worded.
  That is the reference document's doing (its styles, and automatic hyphenation in its
  settings), not the writer's.
- The theme's font faces are embedded, subset (``embedded_fonts``): the DOCX looks the
  same on a machine without them.
- Nothing of the reference reaches the reader unless the writer needs it: the saved
  package passes an allow-list of parts, relationships, settings and fields
  (``package_allowlist``), so no attached template, linked picture or field of its own
  survives.
"""

from briefings.writers.docx.reference import REFERENCE
from briefings.writers.docx.writer import DocxWriter, render

__all__ = ["REFERENCE", "DocxWriter", "render"]
