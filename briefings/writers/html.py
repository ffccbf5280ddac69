"""HTML writer: the document inside the page layout, with the stylesheet inlined.

The PDF writer renders this same page; the HTML file is the on-screen form. In the HTML
file each figure's SVG is inlined as a ``data:`` URL, so the file stands alone."""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
from pathlib import Path

import jinja2
from lxml import html
from markupsafe import Markup

from briefings import templating, urls
from briefings.document import Document, Theme
from briefings.errors import BriefingError


def page_counter_css(label: str) -> str:
    """"Página {page} de {pages}" → a CSS ``content`` value with page counters."""
    parts = []
    for chunk in label.replace("{pages}", "\0pages\0").replace("{page}", "\0page\0").split("\0"):
        if chunk in ("page", "pages"):
            parts.append(f"counter({chunk})")
        elif chunk:
            parts.append(json.dumps(chunk, ensure_ascii=False))
    return " ".join(parts)


def contents(body: html.HtmlElement) -> list[tuple[str, str]]:
    """(section id, first heading) for the table of contents."""
    return [(section.get("id"), section.findtext("h1") or "")
            for section in body.iterchildren("section")]


def inline_figures(document: Document) -> html.HtmlElement:
    """A copy of the tree whose figures carry their SVG as ``data:`` URLs."""
    tree = copy.deepcopy(document.body)
    for img in tree.xpath('//figure[contains(@class, "figure")]/img'):
        data = document.figure_file(img.get("src", "")).read_bytes()
        img.set("src", "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii"))
        del img.attrib["data-png"]
    return tree


def render(document: Document, theme: Theme, body: html.HtmlElement | None = None) -> str:
    """The whole page; ``body`` lets the PDF writer pass a print-adapted copy of the tree
    (whose figures stay files, fetched by WeasyPrint). Without it, the HTML file's page."""
    env = templating.environment(jinja2.FileSystemLoader(list(theme.folders)), autoescape=True)
    tree = inline_figures(document) if body is None else body
    try:
        page = env.get_template("layout.html.j2").render(
            meta=dataclasses.asdict(document.meta),  # plain data, like every template's
            labels=dict(document.meta.labels),
            page_counter=Markup(page_counter_css(document.meta.labels["page_of"])),
            contents=contents(tree),
            body=Markup(html.tostring(tree, encoding="unicode")),
            stylesheet=Markup(theme.file("brief.css").read_text(encoding="utf-8")),
        )
    except jinja2.TemplateError as exc:
        raise BriefingError(f"page layout: {exc}", theme.file("layout.html.j2"),
                            getattr(exc, "lineno", None)) from None
    resources = urls.Resources(theme.base, *theme.folders,
                               *filter(None, [document.figures_dir]))
    if problem := urls.page_problem(html.document_fromstring(page), resources):
        raise BriefingError(problem.message, *_where(problem.culprit, theme))
    return page


def _where(culprit: str, theme: Theme) -> tuple[Path, int | None]:
    """The theme file and line holding what the page may not keep: the body was checked
    when it was composed, so it is in the layout or the stylesheet."""
    for name in ("layout.html.j2", "brief.css"):
        lines = theme.file(name).read_text(encoding="utf-8").splitlines()
        line = next((n for n, text in enumerate(lines, 1) if culprit in text), None)
        if line:
            return theme.file(name), line
    return theme.file("layout.html.j2"), None
