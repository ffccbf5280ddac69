"""A figure's words and labels as a reader meets them: years without a thousands separator,
axis labels chosen by the room they have, ranges in the language's words, and ``check``'s
warning when labels collide (on the fixture project)."""

from __future__ import annotations

import re

from briefings.project import Project
from tests.test_figures import FIGURES, compose_alpha, drawn, with_figures

# harbour.works, with the year its quote gives as a value of its own
YEAR = ("      start: 2026-04-01\n", "      start: 2026-04-01\n      year: 2026\n")


def with_year(project: Project) -> None:
    facts = project.facts / "harbour.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace(*YEAR), encoding="utf-8")


def test_a_year_in_a_figures_words_has_no_thousands_separator(tiny, tmp_path):
    with_year(tiny)
    figures = FIGURES.replace('label: {es: "A favor", en: "In favour"}',
                              'label: {es: "A favor en {harbour.works.year}", '
                              'en: "In favour in {harbour.works.year}"}')
    figures = figures.replace('caption: {es: "La votación.", en: "The vote."}',
                              'caption: {es: "La votación de {harbour.works.year}.", '
                              'en: "The vote of {harbour.works.year}."}')
    with_figures(tiny, figures, names=("vote",))
    for lang in ("es", "en"):
        alt, caption, svg = drawn(compose_alpha(tiny, lang, tmp_path))["vote"]
        assert "2026" in caption and "2026</text>" in svg
        for text in (alt, caption, *re.findall(r">([^<]*)</text>", svg)):
            assert not re.search(r"2[,.\u202f\u00a0]0", text), text
