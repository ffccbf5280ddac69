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


def test_a_year_in_a_figures_words_has_no_thousands_separator(tiny):
    with_year(tiny)
    figures = FIGURES.replace('label: {es: "A favor", en: "In favour"}',
                              'label: {es: "A favor en {harbour.works.year}", '
                              'en: "In favour in {harbour.works.year}"}')
    figures = figures.replace('caption: {es: "La votación.", en: "The vote."}',
                              'caption: {es: "La votación de {harbour.works.year}.", '
                              'en: "The vote of {harbour.works.year}."}')
    with_figures(tiny, figures, names=("vote",))
    for lang in ("es", "en"):
        alt, caption, svg = drawn(compose_alpha(tiny, lang))["vote"]
        assert "2026" in caption and "2026</text>" in svg
        for text in (alt, caption, *re.findall(r">([^<]*)</text>", svg)):
            assert not re.search(r"2[,.\u202f\u00a0]0", text), text


YEARS_CHART = """\
figures:
  years:
    kind: vega-lite
    rows:
      - {year: harbour.works.year, votes: harbour.vote.in_favour}
      - {year: harbour.works.last_year, votes: harbour.vote.against}
    spec:
      mark: point
      encoding:
        x: {field: year, type: quantitative, scale: {zero: false}}
        y: {field: votes, type: quantitative}
        color: {field: year, type: quantitative}
    caption: {es: "Años.", en: "Years."}
    alt: {es: "Años.", en: "Years."}
  labelled:
    kind: vega-lite
    rows:
      - {year: harbour.works.year, votes: harbour.vote.in_favour}
    spec:
      mark: text
      encoding:
        text: {field: year, type: quantitative}
    caption: {es: "Años.", en: "Years."}
    alt: {es: "Años.", en: "Years."}
"""


def test_a_year_on_a_charts_axis_legend_or_text_has_no_thousands_separator(tiny):
    """Vega-Lite groups the thousands of every quantitative label ("2,026", "2.026"): a field
    whose values are all years prints as years, on its axis (a tick a year), its legend and
    as text; a count beside it keeps its grouping."""
    facts = tiny.facts / "harbour.yaml"
    with_year(tiny)
    facts.write_text(facts.read_text(encoding="utf-8").replace(
        "      end: 2026-11-30\n", "      end: 2026-11-30\n      last_year: 2029\n    derived:\n"
        "      last_year: the end of the works' warranty, three years after they end\n"),
        encoding="utf-8")
    with_figures(tiny, YEARS_CHART, names=("years", "labelled"))
    for lang in ("es", "en"):
        figures = drawn(compose_alpha(tiny, lang))
        labels = re.findall(r">([^<]*)</text>", figures["years"][2])
        # the axis, its title, the votes' axis and title, the legend and its title
        axis, legend = labels[:labels.index("year")], labels[labels.index("votes") + 1:]
        assert axis == legend[:-1] == ["2026", "2027", "2028", "2029"], labels
        assert "2026" in re.findall(r">([^<]*)</text>", figures["labelled"][2])


LONGER = [("end: 2026-11-30", "end: 2028-12-31"),
          ("30 de noviembre de 2026", "31 de diciembre de 2028"),
          ("30 November 2026", "31 December 2028")]


def texts(svg: str) -> list[tuple[float, float, float, str]]:
    """Each text of a drawing as (baseline, left, right, words): its place and its width as
    measured in the font (textLength)."""
    return [(float(y), float(x), float(x) + float(width), words) for x, y, width, words
            in re.findall(r'<text x="([\d.]+)" y="([\d.]+)"[^>]*textLength="([\d.]+)"[^>]*>'
                          r'([^<]*)</text>', svg)]


def test_a_long_timeline_labels_the_months_it_has_room_for(tiny):
    harbour = tiny.facts / "harbour.yaml"       # works over 33 months, April to December
    text = harbour.read_text(encoding="utf-8")
    for old, new in LONGER:
        text = text.replace(old, new)
    harbour.write_text(text, encoding="utf-8")
    with_figures(tiny, names=("works",))
    for lang in ("es", "en"):
        svg = drawn(compose_alpha(tiny, lang))["works"][2]
        placed = texts(svg)
        for k, (y, left, right, words) in enumerate(placed):
            assert 0 <= left and right <= 450, words
            for other in placed[k + 1:]:
                assert other[0] != y or other[1] >= right or other[2] <= left, (words, other)
        years = {words: y for y, _, _, words in placed if words.isdigit()}
        assert {"2026", "2027", "2028"} <= set(years)
        months = [words for y, _, _, words in placed if y == years["2027"] - 10]
        assert 10 <= len(months) < 33          # months named, not every one


def test_a_range_in_a_figure_is_written_in_the_languages_words(tiny):
    figures = FIGURES.replace('label: {es: "Obras", en: "Works: {range}"}',
                              'label: {es: "Obras: {range}", en: "Works: {range}"}')
    with_figures(tiny, figures, names=("works",))
    es = drawn(compose_alpha(tiny, "es"))["works"]
    assert ">Obras: del 1 de abril al 30 de noviembre de 2026</text>" in es[2]
    assert "Rotación (del 1 al 3 de abril de 2026)" in es[0]
    en = drawn(compose_alpha(tiny, "en"))["works"]
    assert ">Works: from 1 Apr to 30 Nov 2026</text>" in en[2]
    assert "Rotation (from 1 to 3 Apr 2026)" in en[0]


def test_check_warns_of_labels_drawn_over_each_other(tiny, capsys):
    from briefings.cli import main
    crowded = "Sea, along every coast and every quay of the harbour, and far beyond it"
    with_figures(tiny, FIGURES.replace('name: {es: "Mar", en: "Sea"}',
                                       f'name: {{es: "Mar", en: "{crowded}"}}'))
    assert main(["--project", str(tiny.root), "check", "--brief", "alpha"]) == 0
    out = capsys.readouterr().out
    line = FIGURES.splitlines().index("  uses:") + 2       # its first line: kind
    warnings = [found for found in out.splitlines() if "overlap" in found]
    assert f"warning: templates/briefs/alpha/figures.yaml:{line}: uses: '{crowded}' and " \
        "'2 uses' overlap in the English drawing: shorten the words" in warnings
    assert all(w.startswith(f"warning: templates/briefs/alpha/figures.yaml:{line}: uses: ")
               and "English" in w for w in warnings)
