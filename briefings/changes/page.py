"""What changed, as a web page in the document's language: each section that changed, its
blocks that changed with their sentences, the removed ones struck through and the added ones
underlined, each also labelled in words (a screen reader does not say <del> or <ins>, and
colour alone tells nothing to whom does not see it); then a table of the facts whose values
changed. Written through the page's allow-list (``writers.safe_page``) as the brief's own
page is: no script, nothing loaded, links only by the URL rules."""

from __future__ import annotations

from lxml import html
from lxml.html import builder as E

from briefings import urls
from briefings.changes.compare import ADDED, REMOVED, SAME, Changes
from briefings.changes.terminal import value_text
from briefings.writers import safe_page

# Dark text on light tints, over 7:1 contrast; struck or underlined as well as coloured.
_STYLE = """
body { font-family: Georgia, "Times New Roman", serif; line-height: 1.5; margin: 0 auto;
       max-width: 46rem; padding: 1rem; color: #1a1a1a; background: #fff; }
del { color: #7a1010; background: #fdecec; text-decoration: line-through; }
ins { color: #0f4d1a; background: #e8f5ea; text-decoration: underline; }
.label { font-weight: bold; }
.block { border-left: 3px solid #8a8a8a; margin: 0.75rem 0; padding-left: 0.75rem; }
table { border-collapse: collapse; } th, td { border: 1px solid #8a8a8a; padding: 0.25rem 0.5rem;
       text-align: left; vertical-align: top; }
"""


def _sentence(change: str, text: str, words: dict[str, str]):
    if change == SAME:
        return E.SPAN(text)
    tag = E.DEL if change == REMOVED else E.INS
    label = words["changes_removed" if change == REMOVED else "changes_added"]
    return tag(E.SPAN(label, E.CLASS("label")), " ", text)


def _block(block, words: dict[str, str]):
    div = E.DIV(E.CLASS("block"))
    for sentence in block.sentences:
        div.append(E.P(_sentence(sentence.change, sentence.text, words)))
    return div


def page(changes: Changes, words: dict[str, str], resources: urls.Resources) -> str:
    """The page's HTML; ``words``: the theme's labels in the document's language."""
    old, new = changes.old, changes.new
    title = f"{words['changes_title']}: {new['title']}"
    versions = (words["changes_versions"].replace("{new}", new["version"])
                .replace("{new_date}", new["date_text"]).replace("{old}", old["version"])
                .replace("{old_date}", old["date_text"]))
    main = E.MAIN(E.H1(words["changes_title"]), E.P(E.STRONG(new["title"])), E.P(versions))
    if changes.none:
        main.append(E.P(words["changes_none"]))
    for number, section in enumerate(changes.sections, 1):
        heading = E.H2(section.title, id=f"section-{number}")
        if section.old_title and section.old_title != section.title:
            heading = E.H2(_sentence(REMOVED, section.old_title, words), " ",
                           _sentence(ADDED, section.title, words), id=f"section-{number}")
        part = E.SECTION(heading, **{"aria-labelledby": f"section-{number}"})
        for block in section.blocks:
            part.append(_block(block, words))
        main.append(part)
    if changes.facts:
        body = E.TBODY()
        for fact in changes.facts:
            values = fact.values or [None]
            for value in values:
                body.append(E.TR(
                    E.TD(fact.id),
                    E.TD(value.name if value else ""),
                    E.TD(value_text(value.old) if value else (
                        "" if fact.change == ADDED else words["changes_removed"])),
                    E.TD(value_text(value.new) if value else (
                        words["changes_added"] if fact.change == ADDED else ""))))
        main.append(E.SECTION(E.H2(words["changes_facts"], id="facts"), E.TABLE(
            E.THEAD(E.TR(*(E.TH(words[key], scope="col") for key in (
                "changes_fact", "changes_value", "changes_before", "changes_now")))),
            body), **{"aria-labelledby": "facts"}))
    document = E.HTML(E.HEAD(E.TITLE(title), E.STYLE(_STYLE)), E.BODY(main),
                      lang=new["language_tag"])
    return safe_page.write(html.tostring(document, encoding="unicode"), resources)
