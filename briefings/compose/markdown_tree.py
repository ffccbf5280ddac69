"""A section's Markdown → its HTML tree (Python-Markdown), raw HTML shown as text."""

from __future__ import annotations

from collections import OrderedDict

import markdown
from lxml import html
from markdown.extensions.footnotes import FootnoteExtension


MARKDOWN_EXTENSIONS = ["tables", "footnotes", "attr_list", "sane_lists", "admonition"]


def markdown_converter() -> markdown.Markdown:
    """One per document: with UNIQUE_IDS, each ``reset()`` gives footnotes new ids, so
    notes in different sections never share one."""
    # Table cells align with the align attribute, not style: a brief's tree has no style.
    converter = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, extension_configs={
        "footnotes": {"UNIQUE_IDS": True}, "tables": {"use_align_attribute": True}})
    # Section templates write Markdown only: raw HTML in them is shown as text.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


# A section's HTML by its Markdown and its place in the document (which its footnotes'
# ids carry): a worker making a document again after an edit (the preview) converts only
# the sections whose text changed. The least recently used are dropped past KEPT.
KEPT = 256
_converted: OrderedDict[tuple[str, int], str] = OrderedDict()


def _html(converter: markdown.Markdown, text: str) -> str:
    footnotes = next(e for e in converter.registeredExtensions
                     if isinstance(e, FootnoteExtension))
    key = (text, footnotes.unique_prefix)
    if (converted := _converted.get(key)) is None:
        converted = _converted[key] = converter.convert(text)
        if len(_converted) > KEPT:
            _converted.popitem(last=False)
    _converted.move_to_end(key)
    return converted


def markdown_to_section(converter: markdown.Markdown, text: str, name: str,
                        template: str) -> html.HtmlElement:
    converter.reset()
    section = html.fragment_fromstring(_html(converter, text), create_parent="section")
    section.set("data-section", name)
    section.set("data-template", template)
    section.set("id", name)
    return section
