"""The document's properties (what Word's File ▸ Info shows) and its language."""

from __future__ import annotations

import datetime as dt

from briefings.document import Meta
from briefings.writers.docx import ooxml
from briefings.writers.docx.furniture import label
from briefings.writers.docx.segments import one_line


def set_properties(doc, meta: Meta) -> None:
    m = meta
    ooxml.set_language(doc.styles.element, m.language_tag)
    when = dt.datetime.combine(m.created, dt.time(), tzinfo=dt.timezone.utc)
    cp = doc.core_properties
    cp.title = one_line(m.title)
    cp.subject = one_line(m.subtitle)
    cp.author = cp.last_modified_by = label(m, "author")
    cp.keywords = one_line(m.keywords)
    cp.category = label(m, "kind")
    cp.content_status = one_line(m.classification)
    cp.identifier = m.stem
    cp.version = one_line(m.version)
    cp.language = m.language_tag
    cp.comments = ""
    cp.created = cp.modified = when
    cp.revision = 1
