"""A section's Markdown → its HTML tree (Python-Markdown), raw HTML shown as text."""

from __future__ import annotations

import markdown
from lxml import html


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


def markdown_to_section(converter: markdown.Markdown, text: str, name: str,
                        template: str) -> html.HtmlElement:
    converter.reset()
    section = html.fragment_fromstring(converter.convert(text), create_parent="section")
    section.set("data-section", name)
    section.set("data-template", template)
    section.set("id", name)
    return section
