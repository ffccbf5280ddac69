"""Text-level elements as Word runs: one ``inline_<tag>`` method per tag collects a block's
text as segments (``segments``), which ``emit`` writes as runs, hyperlinks, bookmarks,
fields and footnote references.

- What the PDF sets in semibold (strong text, and the headings, titles and table headers
  whose styles say so) is in the theme's semibold face, which Word knows as a family of its
  own ("IBM Plex Serif SemiBold", embedded like the others): strong text takes the "Strong"
  style. Nothing is bold, as nothing in the PDF is.
- A citation links to its entry in the sources list but keeps its text's colour, as on
  the PDF's paper; other links take the "Hyperlink" style. Web links obey the URL rule.
"""

from __future__ import annotations

import dataclasses

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.text.paragraph import Paragraph

from briefings import urls
from briefings.writers.docx import ooxml
from briefings.writers.docx.blocks import BLOCK_TAGS
from briefings.writers.docx.links import SOURCE_ENTRY
from briefings.writers.docx.places import Context
from briefings.writers.docx.segments import Anchor, Break, Field, Format, NoteRef, Text


# What python-docx's run.text turns into elements of their own (tab, break).
_TAB_OR_BREAK = frozenset("\t\r\n")


class InlineVisitor:
    """The DocxWriter's text-level elements (a mixin: the writer holds the state)."""

    def text(self, text: str | None, fmt: Format, out: list) -> None:
        if text:
            out.append(Text(text, fmt))

    def inline(self, el, fmt: Format, out: list) -> None:
        if not isinstance(el.tag, str):
            return
        if el.get("id") in self.anchors:
            out.append(Anchor(self.anchors[el.get("id")]))
        visit = getattr(self, f"inline_{el.tag}", None)
        if visit is None:
            raise self.unsupported(el, " in running text" if el.tag in BLOCK_TAGS else "")
        visit(el, fmt, out)

    def inline_children(self, el, fmt: Format, out: list) -> None:
        self.text(el.text, fmt, out)
        for child in el:
            self.inline(child, fmt, out)
            self.text(child.tail, fmt, out)

    def inline_strong(self, el, fmt: Format, out: list) -> None:
        self.inline_children(el, dataclasses.replace(fmt, bold=True), out)

    def inline_em(self, el, fmt: Format, out: list) -> None:
        self.inline_children(el, dataclasses.replace(fmt, italic=True), out)

    def inline_code(self, el, fmt: Format, out: list) -> None:
        self.inline_children(el, dataclasses.replace(fmt, code=True), out)

    inline_b, inline_i = inline_strong, inline_em

    def inline_span(self, el, fmt: Format, out: list) -> None:
        """Only the figure caption's label: "Figure" in bold, its number a SEQ field."""
        if "figure-label" in el.classes:
            self.inline_children(el, dataclasses.replace(fmt, bold=True), out)
        elif "figure-number" in el.classes and len(el) == 0:
            out.append(Field("SEQ Figure \\* ARABIC", (el.text or "").strip()))
        else:
            raise self.unsupported(el, " (except in a figure's caption label)")

    def inline_br(self, el, fmt: Format, out: list) -> None:
        out.append(Break())

    def inline_a(self, el, fmt: Format, out: list) -> None:
        if "footnote-backref" in el.classes:
            # the "↩" back to the text: Word's footnote number already does that.
            # Python-Markdown puts a no-break space before it; that goes too.
            if out and isinstance(out[-1], Text):
                out[-1].text = out[-1].text.rstrip("\xa0 ")
            return
        href = el.get("href")
        if href is None:
            raise self.error("<a> without href is not supported by the DOCX writer")
        if href.startswith("#"):
            if href[1:] not in self.anchors:    # e.g. a footnote link outside its <sup>
                raise self.error(f"link '{href}' is not supported by the DOCX writer here")
            kind = "citation" if href[1:].startswith(SOURCE_ENTRY) else "anchor"
            link = (kind, self.anchors[href[1:]])
        elif problem := urls.link_problem(href):
            raise self.error(problem.message)
        else:
            link = ("url", href)
        self.inline_children(el, dataclasses.replace(fmt, link=link), out)

    def inline_sup(self, el, fmt: Format, out: list) -> None:
        # Markdown makes <sup> only for footnote references: <sup><a class=footnote-ref>
        a = el[0] if len(el) == 1 else None
        if (a is None or a.tag != "a" or "footnote-ref" not in a.classes
                or (el.text or "").strip() or (a.tail or "").strip()):
            raise self.unsupported(el, " (except as a footnote reference)")
        out.append(NoteRef(a.get("href", "").lstrip("#")))

    # -- writing runs -------------------------------------------------------------------

    def emit(self, paragraph: Paragraph, segments: list, ctx: Context) -> None:
        link_el, link_of = None, None
        for seg in segments:
            if isinstance(seg, Anchor):
                self.bookmark_count += 1
                ooxml.bookmark(paragraph._p, self.bookmark_count, seg.name)
                link_el = None
                continue
            if isinstance(seg, Field):               # a figure's number, in its bold label
                ooxml.field(paragraph._p, seg.instruction, seg.result,
                            style=self.doc.styles["Strong"].style_id)
                link_el = None
                continue
            run = paragraph.add_run()
            if isinstance(seg, Text):
                if _TAB_OR_BREAK.isdisjoint(seg.text):
                    if seg.text:   # as run.text does, without its look at every character
                        run._r.add_t(seg.text)
                else:
                    run.text = seg.text
                fmt = seg.fmt
                if fmt.italic:
                    run.italic = True
                if fmt.code:
                    run.style = "Verbatim Char"
                # a citation keeps its text's colour, as on the PDF's paper (brief.css)
                if fmt.link is not None and fmt.link[0] != "citation":
                    run.style = "Hyperlink"
                if fmt.bold:                    # after the style a link or code takes
                    self.strong(run)
                if fmt.link is not None:
                    if link_el is None or link_of != fmt.link:
                        kind, target = fmt.link
                        if kind == "url":
                            r_id = ctx.part.relate_to(target, RT.HYPERLINK,
                                                      is_external=True)
                            link_el = ooxml.hyperlink(paragraph._p, r_id=r_id)
                        else:
                            link_el = ooxml.hyperlink(paragraph._p, anchor=target)
                        link_of = fmt.link
                    link_el.append(run._r)
                    continue
            elif isinstance(seg, Break):
                run.add_break()
            elif isinstance(seg, NoteRef):
                run.style = "Footnote Reference"
                ooxml.footnote_reference(run._r, self.footnote(seg.key))
            link_el = None

    def strong(self, run) -> None:
        """Bold text as the PDF sets it: in the "Strong" style (the theme's semibold, a
        family of its own to Word), or, in a run that has a style already (a link, code),
        in the font (and weight) of "Strong", set on the run."""
        rpr = run._r.get_or_add_rPr()
        if rpr.rStyle is None:
            run.style = "Strong"
            return
        strong = self.doc.styles["Strong"].element.rPr
        if strong is not None and strong.rFonts is not None:
            fonts = rpr.get_or_add_rFonts()
            for name, value in strong.rFonts.attrib.items():
                fonts.set(name, value)
        if strong is not None and strong.b is not None:
            run.bold = True
