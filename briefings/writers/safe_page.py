"""The page as it is written out: whatever the layout, the stylesheet or a figure holds, the
file carries only what the allow-list admits.

- The head is made here, not copied: the layout's title, ``<meta name content>`` and
  stylesheet, each value escaped, behind a Content-Security-Policy that blocks script and
  every load but ``data:`` images and fonts, should anything slip through.
- The body goes through nh3 (Rust's ammonia): it parses the page as a browser does (HTML5,
  SVG included) and writes back only the elements and attributes of ``allowlist``, each
  value passed by the URL rule. An allow-list check (``urls.page_problem``) has already
  refused, with its file and line, anything that would be dropped here; this pass is what
  makes the file safe even where that check and the browser read the page differently."""

from __future__ import annotations

import re

import nh3
from lxml import html
from markupsafe import escape

from briefings import allowlist, urls
from briefings.cssvalues import style_text

# The page needs its inline stylesheet, and the fonts and images inside it as data: URLs;
# nothing else loads, runs, is framed or is sent anywhere.
POLICY = ("default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
          "base-uri 'none'; form-action 'none'")
# Text elements whose content is dropped with them, not kept as text.
DROPPED_WITH_CONTENT = {"script", "style", "title", "template", "noscript", "textarea",
                        "xmp", "iframe", "noembed", "noframes", "object", "select"}
# then checked by ``urls``; asset: is a drawing the document carries (the PDF's page)
SCHEMES = {"http", "https", "mailto", "data", "file", "asset"}
META_NAME = re.compile(r"[A-Za-z][\w.:-]*")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
# Base64 holds no quote, bracket or space: the stylesheet is checked without the fonts'
# bytes, which cost a tenth of a second to read through and cannot change its structure.
BASE64_DATA = re.compile(r"(data:[\w/+.-]+;base64,)[A-Za-z0-9+/=]+")


def policy_meta(policy: str = POLICY) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">'


def write(page: str, resources: urls.Resources) -> str:
    """``page`` (the rendered layout) as the file to write."""
    parsed = html.document_fromstring(page)
    lang = parsed.get("lang", "")
    head = parsed.find("head")
    parts = ["<!DOCTYPE html>",
             f'<html lang="{lang}">' if LANGUAGE_TAG.fullmatch(lang) else "<html>",
             "<head>", '<meta charset="utf-8">', policy_meta(),
             *(_head_element(el, resources) for el in (head if head is not None else ())),
             "</head>", "<body>", body(page, resources).strip(), "</body>", "</html>", ""]
    return "\n".join(part for part in parts if part)


def _head_element(el: html.HtmlElement, resources: urls.Resources) -> str:
    """One element of the layout's head, rebuilt from its allowed parts (or nothing)."""
    if el.tag == "title":
        return f"<title>{escape(el.text_content())}</title>"
    if el.tag == "meta" and META_NAME.fullmatch(el.get("name", "")):
        return f'<meta name="{el.get("name")}" content="{escape(el.get("content", ""))}">'
    css = el.text or ""
    if el.tag == "style" and not resources.css_problem(BASE64_DATA.sub(r"\1", css)):
        return f"<style>{style_text(css)}</style>"
    return ""


def body(page: str, resources: urls.Resources) -> str:
    """The page's body content, through the allow-list (the head's elements, read as a
    fragment, are dropped: the head is made apart)."""
    def keep(tag: str, name: str, value: str) -> str | None:
        return None if urls.value_problem(tag, name, value, resources) else value

    return nh3.clean(page, tags=set(allowlist.ELEMENTS),
                     clean_content_tags=DROPPED_WITH_CONTENT,
                     attributes=allowlist.nh3_attributes(), attribute_filter=keep,
                     url_schemes=SCHEMES, link_rel=None, strip_comments=True)
