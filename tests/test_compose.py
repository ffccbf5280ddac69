import re

import pytest

from briefings.compose import compose
from briefings.errors import BriefingError
from briefings.facts import load_facts
from briefings.project import Project
from tests.conftest import TODAY, alpha


def composed(project, lang="es"):
    return compose(project, load_facts(project.facts, project.theme / "fonts", project.settings.languages), alpha(project), lang, TODAY)


def text_of(document) -> str:
    return " ".join(document.body.text_content().split())


def edit(path, old, new):
    content = path.read_text(encoding="utf-8")
    assert old in content
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def test_sections_in_the_editions_order_with_fact_values(tiny):
    for lang, heading in (("es", "Resumen"), ("en", "Summary")):
        doc = composed(tiny, lang)
        sections = doc.body.findall("section")
        assert [s.get("data-section") for s in sections] == list(alpha(tiny).sections)
        assert sections[0].findtext("h1") == heading
        assert "41" in text_of(doc) and "17" in text_of(doc)


def test_a_template_edited_between_two_documents_is_compiled_anew(tiny):
    """Templates compiled once are kept in memory for the next document: an edit (as the
    preview makes while it runs) must still show, and its mistakes name their new line."""
    template = tiny.briefs / "alpha/sections/summary.md.j2"
    assert "Texto añadido" not in text_of(composed(tiny))
    template.write_text(template.read_text(encoding="utf-8") + "\nTexto añadido.\n",
                        encoding="utf-8")
    assert "Texto añadido" in text_of(composed(tiny))
    template.write_text("\n" + template.read_text(encoding="utf-8") + "{{ nada }}\n",
                        encoding="utf-8")
    with pytest.raises(BriefingError, match=r"summary\.md\.j2:\d+: .*nada"):
        composed(tiny)


def test_unknown_fact_names_template_line_and_key(tiny):
    template = tiny.briefs / "alpha/sections/summary.md.j2"
    edit(template, 'fact("harbour.works")', 'fact("harbour.wroks")')
    with pytest.raises(BriefingError) as excinfo:
        composed(tiny)
    assert str(excinfo.value) == (
        "templates/briefs/alpha/sections/summary.md.j2:6: "
        "unknown fact 'harbour.wroks' (did you mean 'harbour.works'?)")


def test_unknown_value_names_the_key_and_the_known_ones(tiny):
    template = tiny.briefs / "alpha/sections/summary.md.j2"
    edit(template, "{{ vote }}", "{{ vote.for }}")
    with pytest.raises(BriefingError) as excinfo:
        composed(tiny, "en")
    message = str(excinfo.value)
    assert message.startswith("templates/briefs/alpha/sections/summary.md.j2:")
    assert "fact 'harbour.vote' has no value 'for' (its values: in_favour, against)" in message


def test_undefined_variable_is_an_error_not_a_blank(tiny):
    template = tiny.briefs / "alpha/sections/works.md.j2"
    edit(template, '\n# {{ say("title") }}\n', '\n# {{ say("title") }} {{ periodo }}\n')
    with pytest.raises(BriefingError) as excinfo:
        composed(tiny)
    assert str(excinfo.value) == (
        "templates/briefs/alpha/sections/works.md.j2:2: "
        "undefined: 'periodo' is undefined")


def test_template_syntax_error_names_file_and_line(tiny):
    template = tiny.briefs / "alpha/sections/outlook.md.j2"
    edit(template, "{% endfor %}", "{% endfo %}")
    with pytest.raises(BriefingError) as excinfo:
        composed(tiny, "en")
    assert str(excinfo.value).startswith(
        "templates/briefs/alpha/sections/outlook.md.j2:")
    assert "syntax error" in str(excinfo.value)


def test_raw_date_must_be_formatted(tiny):
    template = tiny.briefs / "alpha/sections/works.md.j2"
    edit(template, "## {{", "{{ works.start }}\n\n## {{")
    with pytest.raises(BriefingError, match="format the date 2026-04-01 with the date filter"):
        composed(tiny)


def test_sandbox_blocks_python_internals(tiny):
    template = tiny.briefs / "alpha/sections/works.md.j2"
    edit(template, "## {{", "{{ fact.__init__.__globals__ }}\n\n## {{")
    with pytest.raises(BriefingError):
        composed(tiny)


def test_fact_text_is_text_not_markup(tiny):
    facts = tiny.facts / "harbour.yaml"
    edit(facts, "en: The Strelsau Port Council approved the new lighthouse by 41 votes to 17.",
         "en: 'Strelsau''s <script>alert(document.domain)</script> *Council* [x](javascript:alert(document.domain)) "
         "& < > \" ¿ ¡ ñ á é í ó ú ü — 41 votes to 17.'")
    doc = composed(tiny, "en")
    assert not doc.body.xpath("//script | //em[.='Council'] | //a[starts-with(@href,'javascript')]")
    assert ("Strelsau's <script>alert(document.domain)</script> *Council* [x](javascript:alert(document.domain)) "
            "& < > \" ¿ ¡ ñ á é í ó ú ü — 41 votes to 17.") in text_of(doc)


def test_sources_are_numbered_in_the_registers_order_and_only_cited_ones_listed(tiny):
    doc = composed(tiny, "en")
    links = {a.get("href") for a in doc.body.xpath("//a[starts-with(@href, '#src-')]")}
    register = [s.id for s in load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages).sources.values()]
    entries = doc.body.xpath("//section[@data-section='sources']/p")
    assert ["#src-" + s for s in register if "#src-" + s in links] == \
        ["#" + p.get("id") for p in entries]
    assert [p.text_content()[:3] for p in entries] == [f"[{n}]" for n in
                                                        range(1, len(entries) + 1)]
    assert doc.body.xpath("//a[@href='#src-gaceta-faro']")[0].text == "1"


def test_a_citation_of_several_sources_never_breaks_across_lines(tiny):
    doc = composed(tiny, "es")
    between = [a.tail[:2] for a in doc.body.xpath("//a[starts-with(@href, '#src-')]")
               if (a.tail or "").startswith(",")]
    assert between and set(between) == {",\u00a0"}


def test_as_of_is_the_latest_fact_used(tiny):
    doc = composed(tiny, "es")
    facts = load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages)
    latest = max(facts.get(i).as_of for i in doc.facts_used)
    from briefings.i18n import date
    assert doc.meta.as_of_text == date(latest, tiny.settings.locale("es"))


def test_both_languages_use_the_same_facts(tiny):
    assert set(composed(tiny, "es").facts_used) == set(composed(tiny, "en").facts_used)


def test_a_value_of_the_wrong_type_is_named_where_it_is_formatted(tiny):
    file = put_first(tiny, '{{ fact("harbour.works").start | number }}')
    with pytest.raises(BriefingError) as excinfo:
        composed(tiny, "es")
    assert str(excinfo.value).startswith(f"{file}:1: the number filter needs a number, got "
                                         "the date 2026-04-01 (check the fact's value)")


def put_first(project, text, lang="es", name="summary"):
    """``text`` as the first lines of a section template; its file as the user sees it."""
    template = project.briefs / f"alpha/sections/{name}.md.j2"
    template.write_text(text + "\n" + template.read_text(encoding="utf-8"), encoding="utf-8")
    return f"templates/briefs/alpha/sections/{name}.md.j2"


@pytest.mark.parametrize("text, line, message", [
    ("{{ 1/0 }}", 1, "this expression divides by zero"),
    ("\n{{ 'a' + 1 }}", 2, "this expression cannot be worked out"),
    ("{% for i in range(1000000) %}{% endfor %}", 1, "this expression is too large"),
    ('{{ fact("harbour.opening").date | date("weird") }}', 1,
     "the date filter does not know the form 'weird'"),
    ('{{ ["a", "b"] | join(style="weird") }}', 1, "this expression cannot be worked out"),
    ('{{ fact() }}', 1, 'fact() needs a fact id in quotes, e.g. fact("harbour.vote")'),
    ('{{ fact(7) }}', 1, 'fact() needs a fact id in quotes'),
    ('{{ figure() }}', 1, 'figure() needs a figure name in quotes'),
    ("a\n{% if true \nb {{ c }}\n", 2, "syntax error: the '{%' that starts here is not "
     "closed with '%}'"),
    ("a\n{% for x in [1] %}\n{% if x %}\n{% endfor %}\n", 3,
     "syntax error: '{% if %}' is never closed before '{% endfor %}' on line 4: add "
     "'{% endif %}'"),
    ("{% blok x %}", 1, "syntax error: unknown tag 'blok' (did you mean 'block'?)"),
    ("\n{{ 'x' | uper }}", 2, "unknown filter 'uper' (did you mean 'upper'?)"),
    ("{{ 'x' | bold }}", 1, "unknown filter 'bold'\n"),
    ("{% if 'x' is od %}y{% endif %}", 1, "unknown test 'od' (did you mean 'odd'?)"),
])
def test_a_mistake_in_a_template_is_one_line_at_its_place(tiny, text, line, message):
    file = put_first(tiny, text)
    with pytest.raises(BriefingError) as caught:
        composed(tiny)
    assert (str(caught.value) + "\n").startswith(f"{file}:{line}: {message}")


def test_a_template_that_is_not_utf8_is_named(tiny):
    template = tiny.briefs / "alpha/sections/summary.md.j2"
    template.write_bytes("# Resumen: áéí\n".encode("latin-1"))
    with pytest.raises(BriefingError) as caught:
        composed(tiny)
    assert str(caught.value) == ("templates/briefs/alpha/sections/summary.md.j2: the file "
                                 "is not UTF-8 text: save it as UTF-8 in your editor")


@pytest.mark.parametrize("text", ['{% extends "sections/summary.md.j2" %}',
                                  '{% include "sections/summary.md.j2" %}'])
def test_a_template_that_extends_or_includes_itself_is_one_line(tiny, text):
    folder = tiny.briefs / "alpha/readers/ministry/sections"
    folder.mkdir(parents=True)
    (folder / "summary.md.j2").write_text(text + "\n", encoding="utf-8")
    with pytest.raises(BriefingError) as caught:
        composed(tiny)
    assert str(caught.value).startswith(
        "templates/briefs/alpha/readers/ministry/sections/summary.md.j2:1: this "
        "template includes or extends itself")


def test_a_source_cited_in_a_note_prints_as_the_readers_citation_number(tiny):
    """{source:<id>} in a note becomes [n], linked to the sources list like any citation,
    with the brief's number of the source; no internal key reaches the reader."""
    (tiny.facts / "extra.yaml").write_text("""\
facts:
  - id: extra.noted
    text: {es: Un hecho., en: A fact.}
    as_of: 2026-03-02
    note:
      es: Ver {source:guardiana-opinion} y {source:tide-herald}.
      en: See {source:guardiana-opinion} and {source:tide-herald}.
    sources:
      - {id: gaceta-faro, quote: "Los guardianes rotarán cada dos a cuatro meses", locator: x}
""", encoding="utf-8")
    template = tiny.briefs / "alpha/sections/summary.md.j2"
    template.write_text(template.read_text(encoding="utf-8").replace(
        '# {{ say("title") }}\n', '# {{ say("title") }}\n\n'

        "{% set f = fact(\"extra.noted\") %}Note: {{ f.note }}\n", 1), encoding="utf-8")
    document = composed(tiny, "en")
    paragraph = document.body.find("section").find("p")
    assert "{source:" not in paragraph.text_content()
    cited = {a.get("href"): a.text for a in paragraph.iter("a")}
    # the register's order (gaceta-faro, tide-herald, guardiana-opinion), not reading order
    assert cited == {"#src-guardiana-opinion": "3", "#src-tide-herald": "2"}
    assert " ".join(paragraph.text_content().split()).startswith("Note: See [3] and [2].")


def test_the_projects_locales_say_how_values_are_written(tiny):
    """The ``locale`` of each language in templates/project.yaml, not the language alone, decide how dates,
    numbers and lists print, in the text, the cover's date and the figures; the facts'
    own text ("3.5 millones") is read the same whatever the locale."""
    from tests.test_figures import drawn, with_figures
    with_figures(tiny, names=("works",))
    es, en = composed(tiny, "es"), composed(tiny, "en")
    assert "3.5 millones de coronas" in text_of(es)       # es_PE: a decimal point
    assert en.meta.created_text == "23 November 2026"     # en_GB: the day first
    assert ">Works: from 1 Apr to 30 Nov 2026</text>" in drawn(en)["works"][2]
    edit(tiny.templates / "project.yaml", "locale: es_PE", "locale: es_ES")
    edit(tiny.templates / "project.yaml", "locale: en_GB", "locale: en_US")
    moved = Project(tiny.root)                            # settings are read once a project
    es, en = composed(moved, "es"), composed(moved, "en")
    assert "3,5 millones de coronas" in text_of(es)       # es_ES: a decimal comma
    assert en.meta.created_text == "November 23, 2026"
    assert ">Works: from Apr 1 to Nov 30, 2026</text>" in drawn(en)["works"][2]


def spaced_text(document) -> str:
    """The document's text with its no-break spaces kept (``text_of`` folds them)."""
    return re.sub(r"[ \n]+", " ", document.body.text_content())


def test_spanish_puts_a_citation_before_the_period_english_after_it(tiny):
    """The RAE's order in Spanish, Chicago's in English (``citation_call`` in project.yaml), for
    ``{{ fact }}``, for ``. {{ x.cite }}`` in a template and in a footnote alike; in both a
    no-break space ties the call to its word, so that no line starts with one."""
    es, en = spaced_text(composed(tiny, "es")), spaced_text(composed(tiny, "en"))
    assert ("17 en contra\u00a0[1,\u00a02]. Las obras empiezan en abril de 2026\u00a0[2]. "
            in es)
    assert "Las obras costarán 3.5 millones de coronas\u00a0[1].\u00a0↩" in es
    assert "by 41 votes to 17.\u00a0[1,\u00a02] Works start in April 2026.\u00a0[2] " in en
    assert "The works will cost 3.5 million crowns.\u00a0[1]\u00a0↩" in en


def test_no_english_line_starts_with_a_citation_but_a_source_named_keeps_its_space(tiny):
    """Every English call is tied to the word before it; "[2] confirms it" names a source
    as the subject of a clause, and stays apart from the clause before."""
    edit(tiny.facts / "harbour.yaml",
         "en: The column {source:guardiana-opinion} predates the vote; the minutes "
         "{source:gaceta-faro} do not mention it.",
         "en: The column predates the vote. {source:guardiana-opinion} The minutes do not "
         "mention it; {source:tide-herald} confirms it.")
    document = composed(tiny, "en")
    [note] = [li for li in document.body.iter("li")
              if li.text_content().startswith("Note.")]
    assert note.text_content().startswith("Note. The column predates the vote.\u00a0[3] The "
                                          "minutes do not mention it; [2] confirms it.")
    opened = [a for a in document.body.xpath("//a[starts-with(@href, '#src-')]")
              if not (a.getprevious() is not None and a.getprevious().tail == ",\u00a0")]
    assert opened and all(spaced_text_before(a).endswith("\u00a0[")
                          for a in opened if a.tail != "] confirms it.")


def spaced_text_before(link) -> str:
    previous = link.getprevious()
    return (link.getparent().text if previous is None else previous.tail) or ""


def test_a_spanish_call_goes_after_a_closing_quote_and_before_a_semicolon_or_colon(tiny):
    """After a closing quote or question mark (the call cites all they close), before a
    semicolon or colon, and before a period that ends an emphasis, taken out of it."""
    put_first(tiny, '{% set o = fact("harbour.opening") %}{% set w = fact("harbour.works") %}'
                    'Dice la gaceta: «{{ o.text | trim(".") }}». {{ o.cite }} ¿A tiempo? '
                    '{{ w.cite }} {{ w.text | trim(".") }}; {{ w.cite }} '
                    '{{ o.text | trim(".") }}: {{ o.cite }} *Sin fecha de cierre.* {{ w.cite }}')
    paragraph = " ".join(composed(tiny, "es").body.find("section/p").text_content().split(" "))
    assert paragraph == (
        "Dice la gaceta: «El faro abrirá el 15 de diciembre de 2026»\u00a0[1]. "
        "¿A tiempo?\u00a0[2] Las obras irán del 1 de abril al 30 de noviembre de 2026\u00a0[2]; "
        "El faro abrirá el 15 de diciembre de 2026\u00a0[1]: Sin fecha de cierre\u00a0[2].")


def test_a_spanish_call_in_a_note_goes_before_the_period_a_source_named_stays(tiny):
    """``{source:<id>}`` in a note is a call when it ends a sentence, and moves; when it
    starts a clause ("[2] lo confirma") it names the source, and stays where it is."""
    edit(tiny.facts / "harbour.yaml",
         "es: La columna {source:guardiana-opinion} es anterior a la votación; el acta "
         "{source:gaceta-faro} no la menciona.",
         "es: La columna es anterior a la votación. {source:guardiana-opinion} El acta no la "
         "menciona. {source:gaceta-faro} {source:tide-herald} lo confirma.")
    [note] = [li for li in composed(tiny, "es").body.iter("li")
              if li.text_content().startswith("Nota.")]
    assert note.text_content() == ("Nota. La columna es anterior a la votación\u00a0[3]. El "
                                   "acta no la menciona\u00a0[1]. [2] lo confirma.")


def test_where_a_citation_goes_is_the_projects_choice(tiny):
    """``citation_call`` of a language in templates/project.yaml: Spanish written as
    English is, the call after the period."""
    edit(tiny.templates / "project.yaml", "citation_call: before", "citation_call: after")
    es = spaced_text(composed(Project(tiny.root), "es"))
    assert "17 en contra.\u00a0[1,\u00a02] Las obras empiezan en abril de 2026.\u00a0[2] " in es


def test_a_source_has_one_number_in_every_version_of_a_brief(tiny):
    """The press leads with the works (cited from tide-herald), the ministry with the vote
    (gaceta-faro first): each cites them in another order, yet [1] is the same source in
    both, in every language, the register's order."""
    override = tiny.briefs / "alpha/readers/press/sections/summary.md.j2"
    edit(override, "{% block key_points %}",
         '{% block bottom_line %}\n{{ fact("harbour.works") }} {{ fact("harbour.vote") }}'
         "\n\n{% endblock %}\n{% block key_points %}")
    facts = load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages)
    from briefings.compose import draft

    def numbers(document):
        return {a.get("href"): a.text
                for a in document.body.xpath("//a[starts-with(@href, '#src-')]")}

    def listed(document):
        return [p.text_content()[:3] + p.get("id") for p in
                document.body.xpath("//section[@data-section='sources']/p")]
    for lang in ("es", "en"):
        drafts = [numbers(draft(tiny, facts, alpha(tiny, r), lang, TODAY))
                  for r in ("ministry", "press")]
        assert drafts[0]["#src-gaceta-faro"] != drafts[1]["#src-gaceta-faro"]  # per document
        ministry, press = (compose(tiny, facts, alpha(tiny, r), lang, TODAY)
                           for r in ("ministry", "press"))
        assert numbers(ministry)["#src-gaceta-faro"] == numbers(press)["#src-gaceta-faro"] == "1"
        assert numbers(ministry)["#src-tide-herald"] == numbers(press)["#src-tide-herald"] == "2"
        assert listed(press) == ["[1]src-gaceta-faro", "[2]src-tide-herald"]
        assert listed(ministry)[:2] == listed(press)


@pytest.mark.parametrize("lang, template, expected", [
    ("en", '{{ fact("harbour.works") }}[^n]', "30 November 2026.¹\u00a0[2]"),
    ("en", '{{ fact("harbour.vote") }}[^n]', "by 41 votes to 17.¹\u00a0[1,\u00a02]"),
    ("es", '{{ fact("harbour.works") }}[^n]', "30 de noviembre de 2026¹\u00a0[2]."),
    ("es", '{% set w = fact("harbour.works") %}{{ w.text | trim(".") }}[^n]. {{ w.cite }}',
     "30 de noviembre de 2026¹\u00a0[2]."),
    ("en", "*Lead:* the Council[^n].", "Lead: the Council.¹"),
    ("es", "*Responsable:* el Consejo[^n].", "Responsable: el Consejo¹."),
    ("en", "the U.S.[^n] and more", "the U.S.¹ and more"),
    ("en", "so it goes[^n]...", "so it goes¹..."),
])
def test_a_note_call_goes_before_the_citation_in_every_language(tiny, lang, template,
                                                                  expected):
    """However the template puts them, the note's call stands against the words it
    annotates and the citation follows it, tied to it. Without a citation, a call written
    before a period stays there in Spanish and goes after it in English (i18n
    ``citation_call``); one written after an abbreviation's period stays."""
    put_first(tiny, template + "\n\n[^n]: A note.", lang)
    paragraph = composed(tiny, lang).body.find("section/p")
    paragraph.find("sup/a").text = "¹"
    assert paragraph.text_content().endswith(expected)


def test_the_expressions_a_language_keeps_on_one_line_never_split(tiny):
    """The theme's ``no_break`` ("EE. UU." in Spanish) ties their words with no-break
    spaces wherever a section prints them; a brief's i18n file may list its own."""
    put_first(tiny, "Los EE. UU. y el puerto de Strelsau.")
    assert "Los EE.\u00a0UU. y el puerto de Strelsau." in composed(tiny).body.text_content()
    (tiny.briefs / "alpha/i18n").mkdir(exist_ok=True)
    (tiny.briefs / "alpha/i18n/es.yaml").write_text('no_break: "EE. UU., puerto de Strelsau"\n',
                                                    encoding="utf-8")
    assert "Los EE.\u00a0UU. y el puerto\u00a0de\u00a0Strelsau." \
        in composed(tiny).body.text_content()


def test_the_sources_list_prints_a_sources_address_as_a_link(tiny):
    """A source with a url (tide-herald in the fixture) ends with its address, a link, and
    the day it was read; one without (gaceta-faro) has neither."""
    for lang, read in (("en", "(accessed 6 March 2026)"), ("es", "(consultado el 6 de marzo de 2026)")):
        sources = composed(tiny, lang).body.find("section[@data-section='sources']")
        entry = next(p for p in sources.iter("p") if p.get("id") == "src-tide-herald")
        link = entry.find("a")
        assert link.get("href") == link.text == \
            "https://tide-herald.example/2026/03/05/strelsau-lighthouse"
        assert " ".join(entry.text_content().split()).endswith(
            "Strelsau lighthouse approved, The Ruritanian Tide Herald, 5 March 2026. News report. "
            "https://tide-herald.example/2026/03/05/strelsau-lighthouse " + read
            if lang == "en" else read)
        other = next(p for p in sources.iter("p") if p.get("id") == "src-gaceta-faro")
        assert other.find("a") is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "tide-herald.example/news",
                                 "https://a.example/x y"])
def test_a_sources_address_is_a_web_address(tiny, url):
    edit(tiny.facts / "sources.yaml", "url: https://tide-herald.example/2026/03/05/strelsau-lighthouse",
         f"url: '{url}'")
    with pytest.raises(BriefingError) as raised:
        load_facts(tiny.facts, tiny.theme / "fonts", tiny.settings.languages)
    [problem] = getattr(raised.value, "errors", [raised.value])
    assert problem.file.endswith("sources.yaml") and problem.line == 22
    assert f"'{url}' is not a web address: write it whole, from https:// or http://" \
        in problem.message
