"""``{{ figure("name") }}``: a figure of the brief's figures.yaml drawn from the facts, in
memory, and placed in the section's tree as a numbered ``<figure>``."""

from __future__ import annotations

import datetime as dt

from lxml import html
from markupsafe import Markup

from briefings.briefs import Edition
from briefings.compose.facts_door import Citation, FactAccess, markdown_text
from briefings.document import ASSET, Asset, Theme
from briefings.errors import BriefingError, did_you_mean
from briefings.figures import declared, kinds, render
from briefings.figures.bind import Data
from briefings.figures.canvas import NoRoom
from briefings.figures.vegalite import CannotDraw
from briefings.style import Style, load_style
from briefings.templating import TemplateValueError


FIGURES = "figures.yaml"      # in a brief's folder


class FigureMaker:
    """``{{ figure("vote") }}``: a figure of the brief's figures.yaml, drawn from the facts,
    which it reads through the template's own fact door (so they count as used and are
    cited), drawn in memory. Returns one line of Markdown, the image then its caption and
    citation, which ``place_figures`` turns into ``<figure>`` once the section is a tree."""

    def __init__(self, edition: Edition, access: FactAccess, lang: str, locale: str,
                 today: dt.date, ranges: str):
        self._path = edition.brief.folder / FIGURES
        self._theme = Theme(edition.chain)
        self._access, self._lang, self._locale, self._today = access, lang, locale, today
        self._ranges = ranges
        self._declared: declared.Declared | None = None
        self._style: Style | None = None
        self.made: dict[str, render.Figure] = {}
        self.assets: dict[str, Asset] = {}   # the drawings placed so far, by id

    def __call__(self, name: str | None = None) -> Markup:
        if not isinstance(name, str):
            raise TemplateValueError('figure() needs a figure name in quotes, e.g. '
                                     'figure("vote")')
        self._declared = self._declared or declared.load(self._path)
        self._style = self._style or load_style(self._theme)
        figure = self._declared.figures.get(name)
        if figure is None:
            known = list(self._declared.figures)
            hint = did_you_mean(name, known)
            hint = hint and f" ({hint})"
            listed = f"; {FIGURES} has " + ", ".join(known) if known else \
                f": declare it in the brief's {FIGURES}"
            raise TemplateValueError(f"unknown figure '{name}'{hint}{listed}")
        data = Data(self._declared, name, self._access, self._lang, self._locale,
                    self._today, self._ranges)
        made = kinds.make(figure, data, self._style)
        try:
            self.made[name] = render.render(name, made, self._style)
        except (NoRoom, CannotDraw) as exc:  # figures.yaml's mistake, not the section's
            raise self._declared.error((name,), str(exc)) from None
        sources = [ref.id for fact_id in data.facts
                   for ref in self._access.used[fact_id].sources]
        cite = Citation(self._access, list(dict.fromkeys(sources))).__html__()
        return Markup(f"![](figure:{name}) {markdown_text(made.caption)} {cite}")


def place_figures(section: html.HtmlElement, maker: FigureMaker, numbers, label: str,
                  template: str) -> None:
    """``<p><img src="figure:NAME"> caption…</p>`` → ``<figure class="figure"><img …>
    <figcaption>Figure N. caption…</figcaption></figure>``. The image names the drawing
    by its id in ``maker.assets``, which it joins."""
    for img in list(section.iter("img")):
        src = img.get("src", "")
        if not src.startswith("figure:"):
            continue
        figure = maker.made.get(src.removeprefix("figure:"))
        p = img.getparent()
        if figure is None:
            raise BriefingError(f"image '{src}': place a figure with {{{{ figure(\"name\") }}}}",
                                template)
        if p.tag != "p" or p.index(img) != 0 or (p.text or "").strip():
            raise BriefingError(f"figure '{figure.name}' must be a paragraph of its own",
                                template)
        n = next(numbers)
        maker.assets[figure.id] = Asset(figure.forms())
        element = html.Element("figure", {"class": "figure", "id": f"figure-{n}",
                                          "data-figure": figure.name})
        html.etree.SubElement(element, "img", {
            "src": ASSET + figure.id, "alt": figure.alt,
            "width": str(round(figure.width * 4 / 3)),
            "height": str(round(figure.height * 4 / 3))})
        caption = html.etree.SubElement(element, "figcaption")
        span = html.etree.SubElement(caption, "span", {"class": "figure-label"})
        span.text = label + "\u00a0"
        number = html.etree.SubElement(span, "span", {"class": "figure-number"})
        number.text, number.tail = str(n), "."
        span.tail = " " + (img.tail or "").lstrip()
        for child in list(p)[1:]:
            caption.append(child)
        element.tail = p.tail
        p.getparent().replace(p, element)
