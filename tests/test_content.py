"""What the Peru MNNA brief says, in both languages: the nine sections in order, the key
values taken from its facts, the figures computed from the build date, and the page budget.
Keyed on that brief and its facts only; what every brief is held to is test_every_brief.py."""

from __future__ import annotations

import datetime as dt
import functools
import re

import pytest
from pypdf import PdfReader

from briefings import i18n
from briefings.compose import compose, draft
from briefings.facts import load_facts
from briefings.project import Project
from tests.conftest import ROOT, TODAY, peru

SECTIONS = ["summary", "status", "designation", "benefits", "authorization", "context",
            "risks", "recommendations", "sources"]
HEADINGS = {
    "es": ["Resumen ejecutivo", "Alcance del estatus: qué es y qué no es",
           "La designación: procedimiento y cronología", "Beneficios del estatus",
           "La autorización del Congreso de la República",
           "Contexto regional y vínculos con la OTAN", "Soberanía y riesgos",
           "Recomendaciones por horizonte temporal", "Fuentes"],
    "en": ["Executive summary", "What the status is — and what it is not",
           "The designation: procedure and timeline", "Benefits of the status",
           "The authorisation by Peru’s Congress", "Regional context and ties with NATO",
           "Sovereignty and risks", "Recommendations by time horizon", "Sources"],
}
# One word or phrase per benefit fact, as each language's fact text words it.
BENEFIT_WORDS = {
    "es": {"benefits.joint_research": "proyectos conjuntos de investigación",
           "benefits.equipment_ammunition": "municiones",
           "benefits.war_reserve_stocks": "reserva de guerra",
           "benefits.export_licences": "licencias de exportación",
           "benefits.military_financing": "financiamiento militar extranjero",
           "benefits.cooperative_training": "capacitación cooperativa",
           "benefits.material_loans": "préstamos de materiales",
           "benefits.broad_access": "tecnología sensible",
           "benefits.satellite_licences": "tecnología satelital",
           "benefits.counterterrorism": "antiterroristas",
           "benefits.privileged_position": "posición privilegiada",
           "benefits.excess_defense_articles_thesis": "excedentes de artículos de defensa"},
    "en": {"benefits.joint_research": "joint research projects",
           "benefits.equipment_ammunition": "ammunition",
           "benefits.war_reserve_stocks": "war reserve stocks",
           "benefits.export_licences": "export licences",
           "benefits.military_financing": "foreign military financing",
           "benefits.cooperative_training": "cooperative training agreements",
           "benefits.material_loans": "loans of materials",
           "benefits.broad_access": "sensitive technology",
           "benefits.satellite_licences": "satellite technology",
           "benefits.counterterrorism": "counter-terrorism",
           "benefits.privileged_position": "privileged position",
           "benefits.excess_defense_articles_thesis": "surplus defence articles"},
}
HORIZON_LABELS = {"es": ["Corto plazo ({n} años, hacia {year})",
                         "Mediano plazo ({n} años, hacia {year})",
                         "Largo plazo ({n} años, hacia {year})"],
                  "en": ["Short term ({n} years, by {year})",
                         "Medium term ({n} years, by {year})",
                         "Long term ({n} years, by {year})"]}
PLACES = ["Lima", "Callao", "Loreto", "San Martín", "Huánuco", "Ucayali", "Pasco", "Junín",
          "Cusco", "Ayacucho", "Iquitos", "Pucusana", "Puerto Maldonado", "Apurímac"]
LANGS = ["es", "en"]

PROJECT = Project(ROOT)


@functools.cache
def peru_facts():
    return load_facts(PROJECT.facts, PROJECT.theme / "fonts", PROJECT.settings.languages)


@pytest.fixture
def facts():
    return peru_facts()


@functools.cache  # the tests only read the document
def composed(lang):
    return compose(PROJECT, peru_facts(), peru(PROJECT, "cancilleria"), lang, TODAY)


@functools.cache
def drafted(lang, today):
    """The brief on another day, as a draft: its words and dates as the document has them,
    only its sources numbered in the order it cites them (the brief's numbers are worked out
    from drafts of all eight versions, which a sentence's wording does not need)."""
    return draft(PROJECT, peru_facts(), peru(PROJECT, "cancilleria"), lang, today)


def on(lang, today):
    return composed(lang) if today == TODAY else drafted(lang, today)


def flat(text: str) -> str:
    return " ".join(text.split())


def worded(text: str) -> str:
    """A fact's text as a document prints it: in Spanish its final period follows the
    citation ("…de defensa [1].")."""
    return flat(text).removesuffix(".")


def section_text(document, name) -> str:
    (section,) = document.body.xpath(f"//section[@data-section='{name}']")
    return flat(section.text_content())


@functools.cache  # pypdf reads a page's text in a tenth of a second or more
def pdf_pages(built, lang) -> tuple[str, ...]:
    reader = PdfReader(built / f"peru-mnna/cancilleria/peru-mnna-cancilleria-{lang}.pdf")
    return tuple(flat(page.extract_text()) for page in reader.pages)


def unhyphenated(text: str) -> str:
    """PDF text with words rejoined where the layout hyphenated them at a line end."""
    return re.sub(r"(\w)- (\w)", r"\1\2", text)


def page_of(pages, needle, start=0) -> int:
    return next(i for i in range(start, len(pages)) if needle in pages[i])


def period(facts):
    values = facts.get("congress.period").values
    return values["start"], values["end"]


def test_composing_the_real_brief_writes_nothing_into_the_checkout():
    """The content tests compose the checkout's own project: composing writes nowhere, so
    its build/ is as it was (the tests' builds go to their own temporary folders)."""
    def listing():
        build = ROOT / "build"
        return sorted((p, p.stat().st_mtime_ns) for p in build.rglob("*")) \
            if build.exists() else None
    before = listing()
    composed.cache_clear()  # composed here, then kept for the tests that read it
    for lang in LANGS:
        composed(lang)
    assert listing() == before


@pytest.mark.parametrize("lang", LANGS)
def test_nine_sections_in_order_with_their_headings(facts, lang):
    document = composed(lang)
    sections = document.body.findall("section")
    assert [s.get("data-section") for s in sections] == SECTIONS
    assert [s.findtext("h1") for s in sections] == HEADINGS[lang]
    for section in sections:   # exactly one level-1 heading, and it comes first
        assert len(section.findall("h1")) == 1 and section[0].tag == "h1"


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_has_every_heading_in_order_after_the_cover(built, lang):
    pages = pdf_pages(built, lang)
    body = " ".join(pages[1:])        # page 1 is the cover, whose contents list repeats them
    position = 0
    for heading in HEADINGS[lang]:    # each one after the one before
        found = body.find(heading, position)
        assert found >= 0, f"{heading!r} missing, or out of order"
        position = found + len(heading)


def note_numbers(path) -> list[int]:
    """The footnotes' numbers in the order their notes are set, page by page: the text runs
    that start with "n. " in the notes' 8.5 pt."""
    numbers = []
    for page in PdfReader(path).pages:
        def visit(text, cm, tm, font, size):
            if (match := re.match(r"(\d{1,3})\. ", text)) and size * tm[0] * cm[0] < 9:
                numbers.append(int(match[1]))
        page.extract_text(visitor_text=visit)
    return numbers


@pytest.mark.parametrize("lang", LANGS)
def test_notes_are_set_in_their_order(built, lang):
    """A note that does not fit under its call must not go alone to a later page, where
    WeasyPrint may set it after the next one (34 after 35 in the English brief)."""
    numbers = note_numbers(built / f"peru-mnna/cancilleria/peru-mnna-cancilleria-{lang}.pdf")
    assert len(numbers) > 20 and numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_is_at_least_five_pages(built, lang):
    assert len(pdf_pages(built, lang)) >= 5


@pytest.mark.parametrize("lang, last_row", [("es", "Rotación del personal"),
                                            ("en", "Personnel rotation")])
def test_summary_fits_on_one_page(built, lang, last_row):
    pages = pdf_pages(built, lang)
    summary, status = HEADINGS[lang][0], HEADINGS[lang][1]
    first = page_of(pages, summary, start=1)
    # the key-figures box ends the summary: its last row is on the summary's own page
    assert page_of(pages, last_row, start=first) == first
    assert page_of(pages, status, start=first) in (first, first + 1)


@pytest.mark.parametrize("lang", LANGS)
def test_key_values_reach_the_pdf(built, facts, lang):
    text = unhyphenated(" ".join(pdf_pages(built, lang)[1:]))
    vote = facts.get("congress.vote").values
    assert {vote["in_favour"], vote["against"]} == {73, 25}
    assert ("73 a favor, 25 en contra" if lang == "es" else "73 in favour, 25 against") in text
    start, end = period(facts)
    assert (start, end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    locale = PROJECT.settings.locale(lang)
    assert flat(i18n.date_range(start, end, locale)) in text
    assert i18n.date(start, locale) in text and i18n.date(end, locale) in text
    assert facts.get("congress.places").values["places"] == PLACES
    for place in PLACES:
        assert place in text
    notice = facts.get("designation.notice").values["notice_days"]
    assert (f"{notice} días como mínimo" if lang == "es" else f"at least {notice} days") in text


@pytest.mark.parametrize("lang", LANGS)
def test_every_benefit_is_named_with_its_citation(facts, lang):
    document = composed(lang)
    (section,) = document.body.xpath("//section[@data-section='benefits']")
    text = flat(section.text_content())
    assert set(BENEFIT_WORDS[lang]) == {i for i in facts.facts if i.startswith("benefits.")}
    for fact_id, word in BENEFIT_WORDS[lang].items():
        assert word in text, fact_id
    # each benefit sentence is followed by its "[n]" link to the sources
    links = section.xpath(".//a[starts-with(@href, '#src-')]")
    assert len(links) >= len(BENEFIT_WORDS[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_horizons_show_their_target_years(built, facts, lang):
    base_year = TODAY.year                      # the year of SOURCE_DATE_EPOCH in the fixture
    expected = [label.format(n=n, year=base_year + n)
                for label, n in zip(HORIZON_LABELS[lang], (2, 5, 10))]
    document = composed(lang)
    (section,) = document.body.xpath("//section[@data-section='recommendations']")
    assert [flat(h.text_content()) for h in section.findall("h2")] == expected
    pdf = " ".join(pdf_pages(built, lang)[1:])
    positions = [pdf.find(label) for label in expected]
    assert -1 not in positions and positions == sorted(positions)


@pytest.mark.parametrize("lang", LANGS)
def test_horizons_follow_the_build_year(facts, lang):
    later = dt.date(TODAY.year + 3, 2, 1)
    text = section_text(on(lang, later), "recommendations")
    assert HORIZON_LABELS[lang][0].format(n=2, year=later.year + 2) in text
    assert HORIZON_LABELS[lang][2].format(n=10, year=later.year + 10) in text


@pytest.mark.parametrize("lang", LANGS)
def test_recommendations_say_who_leads_or_that_no_one_is_named(facts, lang):
    text = section_text(composed(lang), "recommendations")
    for fact_id in ("recommendations.thesis_regional_interlocutor",
                    "recommendations.thesis_integral_study",
                    "recommendations.thesis_nato_engagement"):
        assert facts.get(fact_id).values["lead"][lang] in text
    assert ("La fuente no designa responsable" if lang == "es"
            else "None named in the source") in text
    assert ("criterio de este informe" if lang == "es" else "this brief’s judgement") in text


def days_sentence(facts, lang, today) -> str:
    document = on(lang, today)
    (section,) = document.body.xpath("//section[@data-section='authorization']")
    label = "Conforme a la resolución" if lang == "es" else "Under the resolution"
    (paragraph,) = [p for p in section.iter("p") if label in p.text_content()]
    return flat(paragraph.text_content())


@pytest.mark.parametrize("lang", LANGS)
def test_days_remaining_are_computed_from_the_build_date(facts, lang):
    start, end = period(facts)
    locale = PROJECT.settings.locale(lang)
    before, during, after = start - dt.timedelta(days=12), TODAY, end + dt.timedelta(days=32)
    assert start < during < end
    sentences = {when: days_sentence(facts, lang, when) for when in (before, during, after)}
    assert len(set(sentences.values())) == 3
    expected = {
        "es": {before: [f"comenzará el {i18n.date(start, locale)}",
                        f"dentro de {(start - before).days} días"],
               during: [f"concluirá el {i18n.date(end, locale)}",
                        f"dentro de {(end - during).days} días"],
               after: [f"concluyó el {i18n.date(end, locale)}",
                       f"hace {(after - end).days} días"]},
        "en": {before: [f"begins on {i18n.date(start, locale)}",
                        f"in {(start - before).days} days’ time"],
               during: [f"ends on {i18n.date(end, locale)}", f"in {(end - during).days} days’ time"],
               after: [f"ended on {i18n.date(end, locale)}", f"{(after - end).days} days ago"]},
    }[lang]
    for when, phrases in expected.items():
        for phrase in phrases:
            assert phrase in sentences[when]
    for sentence in sentences.values():
        assert i18n.date(end, locale) in sentence or i18n.date(start, locale) in sentence


def test_last_day_and_single_day_wording(facts):
    start, end = period(facts)
    assert "concluye hoy" in days_sentence(facts, "es", end)
    assert "ends today" in days_sentence(facts, "en", end)
    assert "dentro de 1 día." in days_sentence(facts, "es", start - dt.timedelta(days=1))
    assert "in 1 day’s time." in days_sentence(facts, "en", start - dt.timedelta(days=1))


@pytest.mark.parametrize("lang", LANGS)
def test_status_section_never_suggests_membership_or_a_defence_guarantee(facts, lang):
    text = section_text(composed(lang), "status")
    for fact_id in ("designation.not_membership", "designation.no_us_defence_obligation",
                    "designation.no_obligation_for_peru"):
        assert worded(facts.get(fact_id).text[lang]) in text


@pytest.mark.parametrize("lang", LANGS)
def test_opinion_is_marked_as_opinion(facts, lang):
    text = section_text(composed(lang), "risks")
    assert ("opiniones y análisis" if lang == "es" else "opinion and analysis") in text
    assert ("parlamentario andino" if lang == "es" else "Andean Parliament") in text


@pytest.mark.parametrize("lang", LANGS)
def test_notice_recipient_discrepancy_is_footnoted_in_the_summary(facts, lang):
    document = composed(lang)
    (summary,) = document.body.xpath("//section[@data-section='summary']")
    notes = flat(" ".join(summary.xpath(".//div[@class='footnote']//text()")))
    assert worded(facts.get("procedure.notified_body").text[lang]) in notes
