"""Where the calls go in a composed section: a citation's and a note's, each tied to the word
it follows, in the order and on the side of the punctuation each language wants; the
expressions a language keeps on one line; and table cells holding a word too long for any
column, marked so that it may break."""

from __future__ import annotations

import re

from lxml import html

_CALL_MARKS = re.compile(r"(?<!\.)[.,;:]$")


def _names_a_source(after: str) -> bool:
    """After a mark, a citation followed by a lower-case word or a mark is no call: it names
    a source in the clause it starts ("…el destinatario. [3] y [4] hablan…", "el Senado,
    [3]. El…")."""
    first = after.lstrip()[:1]
    return first != "" and (first in ".,;:" or first.islower())


def place_citations(section: html.HtmlElement, before: bool) -> None:
    """Templates and facts write a citation after its sentence's period ("…la OTAN. [3]"),
    as English has it. Where the language puts the call ``before`` a period, comma,
    semicolon or colon (Spanish: "…la OTAN [3]."), the mark moves after the call (out of
    an emphasis that ends just before it too). In every language a no-break space ties the
    call to the word, mark, closing quote or question mark before it, so that no line
    starts with a call; a citation that names a source ("…no la menciona. [2] lo
    confirma") keeps its space. In the tree a citation is ``[``, its links joined by
    ``,\u00a0``, then ``]``."""
    for link in section.xpath(".//a[starts-with(@href, '#src-')]"):
        holder, where = _text_before(link)
        text = getattr(holder, where) or ""
        last = link
        while (last.tail or "") == ",\u00a0" and last.getnext() is not None:
            last = last.getnext()
        if not text.endswith("[") or not (last.tail or "").startswith("]"):
            continue  # a citation's second number (already placed), or another link
        head = text[:-1].rstrip()
        spaced = head != text[:-1]  # no space at the start of a paragraph
        inner = None if head else _emphasis_end(holder, where)  # "*…no lo designa.* [3]"
        end = (getattr(*inner) or "") if inner else head
        mark = _CALL_MARKS.search(end)
        if mark and _names_a_source(last.tail[1:]):
            continue
        if mark and before:
            if inner:
                setattr(*inner, end[:-1])
            else:
                head = head[:-1]
            last.tail = "]" + mark.group() + last.tail[1:]
            spaced = True
        setattr(holder, where, head + ("\u00a0[" if spaced else "["))


# A mark right after a note's call, not the first of an ellipsis.
_CALL_MARKS_AFTER = re.compile(r"[.,;:](?!\.)")
# A citation's end, "]", and the mark a language that calls before it has moved after it.
_CITATION_END = re.compile(r"\][.,;:]?")
# A citation's opening and the space before it, if any.
_CITATION_OPENING = re.compile(r"\s*\[$")


def _is_citation(element: html.HtmlElement | None) -> bool:
    return element is not None and element.get("href", "").startswith("#src-")


def place_notes(section: html.HtmlElement, before: bool) -> None:
    """A note's call right after a citation (``{{ fact }}[^n]``: "…of NATO.\u00a0[3]¹",
    "…la OTAN\u00a0[3].¹") goes before it ("…of NATO.¹\u00a0[3]", "…la OTAN¹\u00a0[3]."), in
    every language: the note belongs to the words it annotates, the citation to the whole
    sentence. Runs after ``place_citations``, which ties the citation to the note's call.
    Elsewhere templates write a call before the period, comma, semicolon or colon it goes
    with ("…el Senado[^n]."), where it stays in a language that calls ``before`` the mark;
    in one that calls after it the mark moves before the call ("…the Senate.¹"). Written
    the other way round, a period would be ambiguous: "EE. UU.[^n]" ends an abbreviation."""
    for call in section.xpath(".//sup[a[@class='footnote-ref']]"):
        if not before and (mark := _CALL_MARKS_AFTER.match(call.tail or "")):
            holder, where = _text_before(call)
            setattr(holder, where, (getattr(holder, where) or "") + mark.group())
            call.tail = call.tail[1:]
        last = call.getprevious()
        if not _is_citation(last) or not _CITATION_END.fullmatch(last.tail or ""):
            continue
        first = last
        while _is_citation(first.getprevious()) and first.getprevious().tail == ",\u00a0":
            first = first.getprevious()
        holder, where = _text_before(first)
        text = getattr(holder, where) or ""
        if not (opening := _CITATION_OPENING.search(text)):
            continue
        last.tail += call.tail or ""
        first.addprevious(call)  # lxml moves the call's tail with it: set anew below
        setattr(holder, where, text[:opening.start()])
        call.tail = opening.group()


def _text_before(element: html.HtmlElement) -> tuple[html.HtmlElement, str]:
    """Where the text right before an element is: its parent's text or its sibling's tail."""
    previous = element.getprevious()
    return (element.getparent(), "text") if previous is None else (previous, "tail")


def _emphasis_end(holder: html.HtmlElement, where: str) -> tuple[html.HtmlElement, str] | None:
    """Where the last text of an emphasis is, if the text ``where`` is its tail."""
    if where != "tail" or holder.tag not in ("em", "strong"):
        return None
    return (holder[-1], "tail") if len(holder) else (holder, "text")


def tie_phrases(section: html.HtmlElement, phrases: list[str]) -> None:
    """Expressions a language keeps on one line (``no_break`` in the theme's i18n file,
    e.g. "EE. UU."): their spaces become no-break spaces wherever the section prints them,
    so that no line, nor a narrow table cell, splits one."""
    if not phrases:
        return
    pattern = re.compile("|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)))

    def tie(match: re.Match) -> str:
        return match.group().replace(" ", "\u00a0")

    for element in section.iter():
        for where in ("text", "tail"):
            if text := getattr(element, where):
                setattr(element, where, pattern.sub(tie, text))


# Longer than any word of the briefs' languages: an address, a code. A table cell holding
# one lets it break anywhere (class "long-word"), so the table stays on the page; other
# cells keep their words whole.
LONG_WORD = 30


def mark_long_words(section: html.HtmlElement) -> None:
    for cell in section.xpath(".//td | .//th"):
        if any(len(word) > LONG_WORD for word in cell.text_content().split()):
            cell.set("class", " ".join([*cell.classes, "long-word"]))
