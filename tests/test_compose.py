import pytest

from briefings.compose import compose
from briefings.errors import BriefingError
from briefings.facts import load_facts
from tests.conftest import TODAY, peru


def composed(project, lang="es"):
    return compose(project, load_facts(project.facts),
                   peru(project, "cancilleria"), lang, TODAY)


def text_of(document) -> str:
    return " ".join(document.body.text_content().split())


def edit(path, old, new):
    content = path.read_text(encoding="utf-8")
    assert old in content
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def test_sections_in_the_editions_order_with_fact_values(project):
    for lang, heading in (("es", "Resumen ejecutivo"), ("en", "Executive summary")):
        doc = composed(project, lang)
        sections = doc.body.findall("section")
        assert [s.get("data-section") for s in sections] == \
            list(peru(project, "cancilleria").sections)
        assert sections[0].findtext("h1") == heading
        assert "73" in text_of(doc) and "25" in text_of(doc)


def test_unknown_fact_names_template_line_and_key(project):
    template = project.briefs / "peru-mnna/sections/es/summary.md.j2"
    edit(template, 'fact("congress.period")', 'fact("congress.perod")')
    with pytest.raises(BriefingError) as excinfo:
        composed(project)
    assert str(excinfo.value) == (
        "templates/briefs/peru-mnna/sections/es/summary.md.j2:7: "
        "unknown fact 'congress.perod' (did you mean 'congress.period'?)")


def test_unknown_value_names_the_key_and_the_known_ones(project):
    template = project.briefs / "peru-mnna/sections/en/summary.md.j2"
    edit(template, "vote.in_favour", "vote.for")
    with pytest.raises(BriefingError) as excinfo:
        composed(project, "en")
    message = str(excinfo.value)
    assert message.startswith("templates/briefs/peru-mnna/sections/en/summary.md.j2:")
    assert "fact 'congress.vote' has no value 'for' (its values: in_favour, against)" in message


def test_undefined_variable_is_an_error_not_a_blank(project):
    template = project.briefs / "peru-mnna/sections/es/authorization.md.j2"
    edit(template, "# La autorización del Congreso", "# La autorización {{ periodo }}")
    with pytest.raises(BriefingError) as excinfo:
        composed(project)
    assert str(excinfo.value) == (
        "templates/briefs/peru-mnna/sections/es/authorization.md.j2:3: "
        "undefined: 'periodo' is undefined")


def test_template_syntax_error_names_file_and_line(project):
    template = project.briefs / "peru-mnna/sections/en/authorization.md.j2"
    edit(template, "{% endfor %}", "{% endfo %}")
    with pytest.raises(BriefingError) as excinfo:
        composed(project, "en")
    assert str(excinfo.value).startswith(
        "templates/briefs/peru-mnna/sections/en/authorization.md.j2:")
    assert "syntax error" in str(excinfo.value)


def test_raw_date_must_be_formatted(project):
    template = project.briefs / "peru-mnna/sections/es/authorization.md.j2"
    edit(template, "## Firmantes", "{{ publication.date }}\n\n## Firmantes")
    with pytest.raises(BriefingError, match="format the date 2025-12-14 with the date filter"):
        composed(project)


def test_sandbox_blocks_python_internals(project):
    template = project.briefs / "peru-mnna/sections/es/authorization.md.j2"
    edit(template, "## Firmantes", "{{ fact.__init__.__globals__ }}\n\n## Firmantes")
    with pytest.raises(BriefingError):
        composed(project)


def test_fact_text_is_text_not_markup(project):
    facts = project.facts / "congress.yaml"
    edit(facts, "en: Peru’s Congress approved the entry of US military personnel by 73 votes to 25.",
         "en: 'Peru''s <script>alert(document.domain)</script> *Congress* [x](javascript:alert(document.domain)) "
         "& < > \" ¿ ¡ ñ á é í ó ú ü — 73 votes to 25.'")
    doc = composed(project, "en")
    assert not doc.body.xpath("//script | //em[.='Congress'] | //a[starts-with(@href,'javascript')]")
    assert ("Peru's <script>alert(document.domain)</script> *Congress* [x](javascript:alert(document.domain)) "
            "& < > \" ¿ ¡ ñ á é í ó ú ü — 73 votes to 25.") in text_of(doc)


def test_sources_are_numbered_in_reading_order_and_only_cited_ones_listed(project):
    doc = composed(project, "en")
    links = [a.get("href") for a in doc.body.xpath("//a[starts-with(@href, '#src-')]")]
    first_seen = list(dict.fromkeys(links))
    entries = doc.body.xpath("//section[@data-section='sources']/p")
    assert ["#" + p.get("id") for p in entries] == first_seen
    assert [p.text_content()[:3] for p in entries] == [f"[{n}]" for n in
                                                        range(1, len(entries) + 1)]
    assert doc.body.xpath("//a[@href='#src-designacion-oficial']")[0].text == "1"


def test_a_citation_of_several_sources_never_breaks_across_lines(project):
    doc = composed(project, "es")
    between = [a.tail[:2] for a in doc.body.xpath("//a[starts-with(@href, '#src-')]")
               if (a.tail or "").startswith(",")]
    assert between and set(between) == {",\u00a0"}


def test_as_of_is_the_latest_fact_used(project):
    doc = composed(project, "es")
    facts = load_facts(project.facts)
    latest = max(facts.get(i).as_of for i in doc.facts_used)
    from briefings.i18n import date
    assert doc.meta.as_of_text == date(latest, "es")


def test_both_languages_use_the_same_facts(project):
    assert set(composed(project, "es").facts_used) == set(composed(project, "en").facts_used)


def test_a_value_of_the_wrong_type_is_named_where_it_is_formatted(project):
    file = put_first(project, '{{ fact("congress.period").start | number }}')
    with pytest.raises(BriefingError) as excinfo:
        composed(project, "es")
    assert str(excinfo.value).startswith(f"{file}:1: the number filter needs a number, got "
                                         "datetime.date(2026, 1, 1)")


def put_first(project, text, lang="es", name="summary"):
    """``text`` as the first lines of a section template; its file as the user sees it."""
    template = project.briefs / f"peru-mnna/sections/{lang}/{name}.md.j2"
    template.write_text(text + "\n" + template.read_text(encoding="utf-8"), encoding="utf-8")
    return f"templates/briefs/peru-mnna/sections/{lang}/{name}.md.j2"


@pytest.mark.parametrize("text, line, message", [
    ("{{ 1/0 }}", 1, "this expression divides by zero"),
    ("\n{{ 'a' + 1 }}", 2, "this expression cannot be worked out"),
    ("{% for i in range(1000000) %}{% endfor %}", 1, "this expression is too large"),
    ('{{ fact("congress.publication").date | date("weird") }}', 1,
     "the date filter does not know the form 'weird'"),
    ('{{ ["a", "b"] | join(style="weird") }}', 1, "this expression cannot be worked out"),
    ('{{ fact() }}', 1, 'fact() needs a fact id in quotes, e.g. fact("congress.vote")'),
    ('{{ fact(7) }}', 1, 'fact() needs a fact id in quotes'),
    ('{{ figure() }}', 1, 'figure() needs a figure name in quotes'),
    ("a\n{% if true \nb {{ c }}\n", 2, "syntax error: the '{%' that starts here is not "
     "closed with '%}'"),
    ("a\n{% for x in [1] %}\n{% if x %}\n{% endfor %}\n", 3,
     "syntax error: '{% if %}' is never closed before '{% endfor %}' on line 4: add "
     "'{% endif %}'"),
    ("{% blok x %}", 1, "syntax error: unknown tag 'blok' (did you mean 'block'?)"),
])
def test_a_mistake_in_a_template_is_one_line_at_its_place(project, text, line, message):
    file = put_first(project, text)
    with pytest.raises(BriefingError) as caught:
        composed(project)
    assert str(caught.value).startswith(f"{file}:{line}: {message}")


def test_a_template_that_is_not_utf8_is_named(project):
    template = project.briefs / "peru-mnna/sections/es/summary.md.j2"
    template.write_bytes("# Resumen ejecutivo: áéí\n".encode("latin-1"))
    with pytest.raises(BriefingError) as caught:
        composed(project)
    assert str(caught.value) == ("templates/briefs/peru-mnna/sections/es/summary.md.j2: the file "
                                 "is not UTF-8 text: save it as UTF-8 in your editor")


@pytest.mark.parametrize("text", ['{% extends "sections/es/summary.md.j2" %}',
                                  '{% include "sections/es/summary.md.j2" %}'])
def test_a_template_that_extends_or_includes_itself_is_one_line(project, text):
    folder = project.briefs / "peru-mnna/readers/cancilleria/sections/es"
    folder.mkdir(parents=True)
    (folder / "summary.md.j2").write_text(text + "\n", encoding="utf-8")
    with pytest.raises(BriefingError) as caught:
        composed(project)
    assert str(caught.value).startswith(
        "templates/briefs/peru-mnna/readers/cancilleria/sections/es/summary.md.j2:1: this "
        "template includes or extends itself")


def test_a_source_cited_in_a_note_prints_as_the_readers_citation_number(project):
    """{source:<id>} in a note becomes [n], linked to the sources list like any citation,
    numbered in reading order; no internal key reaches the reader."""
    (project.facts / "extra.yaml").write_text("""\
facts:
  - id: extra.noted
    text: {es: Un hecho., en: A fact.}
    as_of: 2025-12-14
    note:
      es: Ver {source:tesis-peru-otan} y {source:arce-opinion}.
      en: See {source:tesis-peru-otan} and {source:arce-opinion}.
    sources:
      - {id: primicias-militares, quote: "Los grupos rotarán cada tres a seis meses", locator: x}
""", encoding="utf-8")
    template = project.briefs / "peru-mnna/sections/en/summary.md.j2"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "# Executive summary\n", "# Executive summary\n\n"
        "{% set f = fact(\"extra.noted\") %}Note: {{ f.note }}\n", 1), encoding="utf-8")
    document = composed(project, "en")
    paragraph = document.body.find("section").find("p")
    assert "{source:" not in paragraph.text_content()
    cited = {a.get("href"): a.text for a in paragraph.iter("a")}
    assert cited == {"#src-tesis-peru-otan": "1", "#src-arce-opinion": "2"}
    assert " ".join(paragraph.text_content().split()).startswith("Note: See [1] and [2].")
