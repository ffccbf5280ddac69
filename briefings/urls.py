"""One rule for every address a brief holds, whichever writer makes the file.

Links may lead to https, http or mailto addresses, or to a place in the brief (``#id``).
Resources (images, fonts, stylesheets) come from files under the theme folder or the figure
cache, or from ``data:`` URLs. Nothing else: no ``javascript:``, no other file, no network,
and no element or attribute that runs code. The PDF, the HTML file, the preview and the DOCX
all obey it, so what one format refuses no other keeps."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import tinycss2
from lxml import html

LINK_SCHEMES = ("https", "http", "mailto")
LINKS = "links may go to https, http or mailto addresses, or to #a-place in the brief"
RESOURCES = ("images, fonts and stylesheets must be files in the templates folder or "
             "data: URLs")

# The attributes Markdown writes, and the ones compose adds; Markdown's attribute lists
# ({: … }) may set only id and class, so anything else came from one and is refused.
BODY_ATTRIBUTES = frozenset({"id", "class", "href", "src", "alt", "title", "align", "start",
                             "width", "height", "data-section", "data-template",
                             "data-figure", "data-png"})
# Elements that run code or load another page: never in a brief.
ACTIVE_ELEMENTS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed",
                             "applet", "base", "form", "portal"})
# Attributes that load a resource, on any element (href is a link on <a> and <area>).
RESOURCE_ATTRIBUTES = ("src", "srcset", "poster", "data", "background", "href",
                       "{http://www.w3.org/1999/xlink}href")


class Refused(NamedTuple):
    """Why something may not be kept, and the text that is refused (to find its line)."""
    message: str
    culprit: str

    def __str__(self) -> str:
        return self.message


def link_problem(href: str) -> Refused | None:
    """Why a link may not be kept, or None."""
    if href.startswith("#") or urlsplit(href.strip()).scheme.lower() in LINK_SCHEMES:
        return None
    return Refused(f"link to '{href}' refused: {LINKS}", href)


class Resources:
    """Where a brief's resources may come from: ``data:`` URLs and files under ``roots``.
    Relative URLs are read against ``base`` (the theme folder), as WeasyPrint reads them."""

    def __init__(self, base: Path, *roots: Path):
        self.base = base.resolve()
        self.roots = [self.base, *(root.resolve() for root in roots)]

    def file(self, url: str) -> Path | None:
        """The allowed file ``url`` names, or None if it names no allowed file."""
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in ("", "file") or parts.netloc not in ("", "localhost"):
            return None
        name = unquote(parts.path)
        if "\0" in name:  # no file is named so (and resolve() would raise)
            return None
        path = (self.base / name).resolve()
        return path if any(path.is_relative_to(root) for root in self.roots) else None

    def problem(self, url: str) -> Refused | None:
        """Why ``url`` may not be loaded, or None."""
        if url.strip().lower().startswith("data:") or self.file(url) is not None:
            return None
        return Refused(f"refused to load {url}: {RESOURCES}", url)

    def css_problem(self, css: str) -> Refused | None:
        """The first ``url()`` or ``@import`` of a stylesheet that breaks the rule."""
        for url in css_urls(tinycss2.parse_stylesheet(css)):
            if problem := self.problem(url):
                return problem
        return None


def css_urls(nodes) -> list[str]:
    """Every address a parsed stylesheet (or style attribute) names: url(…) in any form and
    @import "…"."""
    found = []
    for node in nodes:
        if node.type == "url":
            found.append(node.value)
        elif node.type == "function" and node.lower_name == "url":
            found += [arg.value for arg in node.arguments if arg.type == "string"]
        elif node.type == "at-rule" and node.lower_at_keyword == "import":
            found += [arg.value for arg in node.prelude if arg.type == "string"]
        for child in ("prelude", "content", "arguments"):
            found += css_urls(getattr(node, child, None) or [])
    return found


def element_problem(element: html.HtmlElement, resources: Resources) -> Refused | None:
    """Why one element of a page may not be kept: active content, an event handler, a link
    or a resource against the rule."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in ACTIVE_ELEMENTS:
        return Refused(f"<{tag}> refused: a brief holds no scripts and embeds no other page",
                       f"<{tag}")
    for name, value in element.attrib.items():
        if name.lower().startswith("on"):
            return Refused(f"attribute '{name}' refused: a brief runs no scripts", name)
        if name.lower() == "style":
            problem = resources.css_problem(f"x{{{value}}}")
        elif name.lower() == "href" and tag in ("a", "area"):
            problem = link_problem(value)
        elif name.lower() in RESOURCE_ATTRIBUTES:
            problem = resources.problem(value)
        else:
            continue
        if problem:
            return problem
    if tag == "style":
        return resources.css_problem(element.text or "")
    return None


def page_problem(page: html.HtmlElement, resources: Resources) -> Refused | None:
    """The first thing in a whole page (layout, stylesheet and body) against the rule."""
    for element in page.iter():
        if problem := element_problem(element, resources):
            return problem
    return None


def body_problem(section: html.HtmlElement, resources: Resources) -> Refused | None:
    """The first thing in a section's tree against the rule; Markdown's attribute lists
    may set id and class only."""
    for element in section.iter():
        for name in element.attrib:
            if name not in BODY_ATTRIBUTES:
                return Refused(f"attribute '{name}' refused: in {{: … }} a brief may set "
                               "only an id (#name) and classes (.name)", name)
        if problem := element_problem(element, resources):
            return problem
    return None
