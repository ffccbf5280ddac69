"""One rule for every address a brief holds, whichever writer makes the file.

Links may lead to https, http or mailto addresses, or to a place in the brief (``#id``).
Resources (images, fonts, stylesheets) come from files under the theme folder, from the
document's own drawings, held in memory (``asset:<id>``), or from ``data:`` URLs. Nothing else: no ``javascript:``, no other file, no network,
and no element or attribute that runs code. The PDF, the HTML file, the preview and the DOCX
all obey it, so what one format refuses no other keeps."""

from __future__ import annotations

import functools
from collections.abc import Collection
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import tinycss2
from lxml import html

from briefings import allowlist, projectfiles
from briefings.document import ASSET

WEB_SCHEMES = ("https", "http")
LINK_SCHEMES = (*WEB_SCHEMES, "mailto")
LINKS = "links may go to https, http or mailto addresses, or to #a-place in the brief"
RESOURCES = ("images, fonts and stylesheets must be files in the templates folder or "
             "data: URLs of an image or a font")
# What a data: URL may hold: pictures and fonts, which load nothing more. A stylesheet, an
# SVG or an HTML page could (an @import, an <image>, a frame), so they are refused.
DATA_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "font/woff", "font/woff2",
              "font/ttf", "font/otf", "font/sfnt", "application/font-woff")
# CSS functions whose strings are addresses, as url()'s are.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
URL_FUNCTIONS = ("url", "src", "image", "image-set", "-webkit-image-set", "cross-fade")

# The attributes Markdown writes, and the ones compose adds; Markdown's attribute lists
# ({: … }) may set only id and class, so anything else came from one and is refused.
BODY_ATTRIBUTES = frozenset({"id", "class", "href", "src", "alt", "title", "align", "start",
                             "width", "height", "data-section", "data-template",
                             "data-figure"})
# Elements that run code or load another page: never in a brief.
ACTIVE_ELEMENTS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed",
                             "applet", "base", "form", "portal"})


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


def web_address_problem(url: str) -> str | None:
    """Why ``url`` is not a web page's address a reader can follow from the brief (https or
    http, with its host, nothing a link could not hold), or None."""
    parts = urlsplit(url)
    if parts.scheme.lower() in WEB_SCHEMES and parts.netloc \
            and not any(c.isspace() or c in '<>"' for c in url):
        return None
    return f"'{url}' is not a web address: write it whole, from https:// or http://"


class Resources:
    """Where a brief's resources may come from: ``data:`` URLs, files under ``roots`` (the
    theme folders) that really are in the project (``projectfiles``), and the document's
    ``assets`` (its drawings, in memory, by id). Relative URLs are read against ``base``
    (the theme folder), as WeasyPrint reads them."""

    def __init__(self, base: Path, *roots: Path, assets: Collection[str] = ()):
        self.base = base.resolve()
        self.roots = [self.base, *(root.resolve() for root in roots)]
        self.assets = assets

    def file(self, url: str) -> Path | None:
        """The allowed file ``url`` names, or None if it names no allowed file."""
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in ("", "file") or parts.netloc not in ("", "localhost"):
            return None
        name = unquote(parts.path)
        if "\0" in name:  # no file is named so (and resolve() would raise)
            return None
        path = (self.base / name).resolve()
        return path if any(path.is_relative_to(root) for root in self.roots) \
            and projectfiles.inside(path) else None

    def problem(self, url: str) -> Refused | None:
        """Why ``url`` may not be loaded, or None."""
        if is_data(url) or self.is_asset(url) or self.file(url) is not None:
            return None
        return Refused(f"refused to load {url}: {RESOURCES}", url)

    def is_asset(self, url: str) -> bool:
        """Whether ``url`` names one of the document's own drawings."""
        return url.startswith(ASSET) and url.removeprefix(ASSET) in self.assets

    def css_problem(self, css: str) -> Refused | None:
        """The first ``url()`` or ``@import`` of a stylesheet that breaks the rule."""
        for url in _stylesheet_urls(css):
            if problem := self.problem(url):
                return problem
        return None


@functools.lru_cache(maxsize=16)
def _stylesheet_urls(css: str) -> tuple[str, ...]:
    """``css_urls`` of a stylesheet's text, kept by the text: every page of a language
    has the same stylesheet, and parsing it took longer than checking the page."""
    return tuple(css_urls(tinycss2.parse_stylesheet(css)))


def is_data(url: str) -> bool:
    """Whether ``url`` is a data: URL of a type that loads nothing more."""
    url = "".join(url.split()).lower()   # browsers drop tabs and newlines in URLs
    if not url.startswith("data:"):
        return False
    kind = url[5:].split(",", 1)[0].split(";", 1)[0]
    return kind in DATA_TYPES


def css_urls(nodes) -> list[str]:
    """Every address a parsed stylesheet (or style attribute) names: url(…) in any form,
    the strings of image-set() and its kin, and @import "…"."""
    found = []
    for node in nodes:
        if node.type == "url":
            found.append(node.value)
        elif node.type == "function" and node.lower_name in URL_FUNCTIONS:
            found += [arg.value for arg in node.arguments if arg.type == "string"]
        elif node.type == "at-rule" and node.lower_at_keyword == "import":
            found += [arg.value for arg in node.prelude if arg.type == "string"]
        for child in ("prelude", "content", "arguments"):
            found += css_urls(getattr(node, child, None) or [])
    return found


def element_problem(element: html.HtmlElement, resources: Resources) -> Refused | None:
    """Why one element of a page may not be kept: an element or attribute not on the
    allow-list, or a link or resource against the rule."""
    if not isinstance(element.tag, str):
        return None  # a comment: the page is written without them
    tag = element.tag
    if tag.lower() in ACTIVE_ELEMENTS:
        return Refused(f"<{tag}> refused: a brief holds no scripts and embeds no other page",
                       f"<{tag}")
    if not allowlist.element_allowed(tag):
        return Refused(f"<{tag}> refused: a page holds text, tables and static figures "
                       "only", f"<{tag}")
    for name, value in element.attrib.items():
        if name.lower().startswith("on"):
            return Refused(f"attribute '{name}' refused: a brief runs no scripts", name)
        if not allowlist.attribute_allowed(tag, name):
            return Refused(f"attribute '{name}' on <{tag}> refused: it is not one a page "
                           "needs", f"{name}=")
        if problem := value_problem(tag, name, value, resources):
            return problem
    if tag == "style":
        return resources.css_problem(element.text or "")
    return None


def value_problem(tag: str, name: str, value: str, resources: Resources) -> Refused | None:
    """Why the value of an allowed attribute may not be kept: a link or a resource against
    the rule, or a figure reaching outside its own drawing."""
    name = name.lower()
    if allowlist.is_svg(tag):
        if name == "href" and not value.startswith("#"):
            return Refused(f"href=\"{value}\" refused: a figure may refer only to a part "
                           "of itself (#id)", value)
        if name in allowlist.PAINT_ATTRIBUTES and any(
                not url.startswith("#") for url in css_urls(
                    tinycss2.parse_component_value_list(value))):
            return Refused(f"{name}=\"{value}\" refused: a figure may use only its own "
                           "gradients and clip paths, url(#id)", value)
        return None
    if name == "href":
        return link_problem(value)
    if name == "src":
        if resources.is_asset(value):
            return None
        return resources.problem(value) or image_problem(value)
    return None


def image_problem(src: str) -> Refused | None:
    """Why an allowed file may not be shown as an image: a stylesheet or a font in the theme
    would otherwise reach WeasyPrint, whose failure names no line."""
    if is_data(src) or urlsplit(src.strip()).path.lower().endswith(IMAGE_SUFFIXES):
        return None
    return Refused(f"'{src}' is not an image: show a PNG, JPEG, GIF, WebP or SVG file", src)


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
