"""Briefs apart (issue 25, point 2; issue 24, point 7): a document is keyed on the facts it
printed, the sources they cite and the templates it read, not on whole fact files; a
mistake in one brief, or in a fact file only it uses, stops that brief alone."""

import json

from briefings import build as build_module
from briefings.build import BrokenBriefs, build
from briefings.errors import BriefingError
from tests.conftest import ALPHA, BETA, briefings

ALPHA_HTML = ["alpha-ministry-en.html", "alpha-ministry-es.html", "alpha-press-en.html",
              "alpha-press-es.html"]
BETA_HTML = ["beta-ministry-en.html", "beta-ministry-es.html"]


def names(report) -> list[str]:
    return sorted(p.name for p in report.built)


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def files(folder) -> dict:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_fact_only_one_brief_prints_rebuilds_only_its_documents(tiny, tmp_path):
    """council.yaml holds beta's fact and two of alpha's: editing beta's leaves alpha's
    documents up to date, as a key per fact file did not."""
    out = tmp_path / "out"
    build(tiny, formats=["html"], out=out, jobs=1)
    before = files(out / ALPHA)
    edit(tiny.facts / "council.yaml", "as_of: 2026-03-02", "as_of: 2026-03-09")
    report = build(tiny, formats=["html"], out=out, jobs=1)
    assert names(report) == BETA_HTML and report.current == 4
    assert files(out / ALPHA) == before
    # the cover's "latest information" is that fact's as_of now
    assert "9 March 2026" in (out / BETA / "ministry/beta-ministry-en.html").read_text()
    entry = next(e for e in json.loads((out / "manifest.json").read_text())["outputs"]
                 if e["path"] == "beta/ministry/beta-ministry-en.html")
    assert entry["uses"]["facts"] == ["council.sessions"]
    assert entry["fact_files"] == ["council.yaml"] and entry["uses"]["texts"] == [
        "gaceta-faro.txt"]


def test_a_source_registered_or_a_fact_file_broken_elsewhere_changes_nothing(tiny, tmp_path):
    out = tmp_path / "out"
    build(tiny, formats=["html"], out=out, jobs=1)
    before = files(out)
    with (tiny.facts / "sources.yaml").open("a", encoding="utf-8") as registry:
        registry.write("\n  - id: new-report\n    title: \"A new report\"\n    kind: news\n"
                       "    outlet: Somewhere\n    date: 2026-04-01\n    date_basis: stated\n"
                       "    language: en\n    file: new-report.txt\n")
    (tiny.facts / "draft.yaml").write_text("facts:\n  - id: draft.x\n    text: [unclosed\n")
    done = briefings(tiny, "build", "--format", "html", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"up to date: nothing they use changed since the last build in {out}\n"
    assert {p: data for p, data in files(out).items() if p.name != "manifest.json"} == {
        p: data for p, data in before.items() if p.name != "manifest.json"}
    # the manifest now knows the files as they are: the next build says so from them alone
    again = briefings(tiny, "build", "--format", "html", "--out", str(out))
    assert again.stdout == f"up to date: nothing changed since the last build in {out}\n"
    # as check still says
    assert "facts/draft.yaml" in briefings(tiny, "check", "--no-warnings").stdout


def test_a_broken_fact_file_stops_only_the_brief_using_it(tiny, tmp_path):
    out = tmp_path / "out"
    build(tiny, formats=["html"], out=out, jobs=1)
    before = files(out / ALPHA)
    edit(tiny.facts / "council.yaml", "as_of: 2026-03-02", "as_of: 2026-03-09")  # beta's
    edit(tiny.facts / "harbour.yaml", "in_favour: 41", "in_favour: [41")  # only alpha's
    done = briefings(tiny, "build", "--format", "html", "--out", str(out))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    errors = done.stderr.splitlines()
    assert len(errors) == 1 and errors[0].startswith("error: facts/harbour.yaml:"), errors
    assert done.stdout.splitlines() == [
        f"built 2 files in {out}",
        f"not built: alpha (the errors above say why; its files in {out} are as they were)"]
    assert files(out / ALPHA) == before
    assert "9 March 2026" in (out / BETA / "ministry/beta-ministry-en.html").read_text()


def test_a_broken_template_stops_its_brief_and_builds_the_others(tiny, tmp_path):
    out = tmp_path / "out"
    build(tiny, formats=["html"], out=out, jobs=1)
    manifest = json.loads((out / "manifest.json").read_text())
    before = files(out / BETA)
    template = tiny.briefs / BETA / "sections/summary.md.j2"
    edit(template, '{{ fact("council.sessions") }}', '{{ fact("council.sesions") }}')
    edit(tiny.facts / "harbour.yaml", "as_of: 2026-03-05", "as_of: 2026-03-06")
    try:
        build(tiny, formats=["html"], out=out, jobs=1)
        raise AssertionError("beta was built")
    except BrokenBriefs as broken:
        assert broken.briefs == [BETA]
        [error] = broken.errors
        assert str(error).startswith("templates/briefs/beta/sections/summary.md.j2:5: "
                                     "unknown fact 'council.sesions'")
        assert names(broken.report) == ALPHA_HTML
    assert files(out / BETA) == before
    after = {e["path"]: e for e in json.loads((out / "manifest.json").read_text())["outputs"]}
    assert [after[e["path"]] for e in manifest["outputs"] if e["brief"] == BETA] == [
        e for e in manifest["outputs"] if e["brief"] == BETA]


def cite_a_new_source_first(tiny) -> None:
    """A source registered first, cited by a fact only alpha's ministry version prints."""
    registry = tiny.facts / "sources.yaml"
    edit(registry, "sources:\n", "sources:\n  - id: council-minutes\n    title: \"Minutes\"\n"
         "    kind: official\n    outlet: Port Council\n    date: 2026-03-01\n"
         "    date_basis: stated\n    language: en\n    file: council-minutes.txt\n")
    (tiny.facts / "sources/council-minutes.txt").write_text(
        "The Council will lead the second review.\n", encoding="utf-8")
    later = 'dirija la segunda revisión"\n        locator: "párrafo 1"\n'
    edit(tiny.facts / "council.yaml", later, later + '      - id: council-minutes\n'
         '        quote: "The Council will lead the second review."\n'
         '        locator: "line 1"\n')


def test_a_new_source_one_version_cites_renumbers_every_version_of_its_brief(tiny, tmp_path):
    """The numbers a brief gives its sources are the brief's: a source registered first and
    cited by a fact only the ministry's version prints makes every source of alpha one
    number higher, so the press's version, which prints none of that, is rebuilt with them;
    beta, citing none of alpha's renumbered sources, is not."""
    out = tmp_path / "out"
    build(tiny, formats=["html"], out=out, jobs=1)
    press = out / ALPHA / "press/alpha-press-en.html"
    assert 'href="#src-gaceta-faro">1<' in press.read_text()
    cite_a_new_source_first(tiny)
    report = build(tiny, formats=["html"], out=out, jobs=1)
    assert names(report) == ALPHA_HTML and report.current == 2
    assert 'href="#src-gaceta-faro">2<' in press.read_text()


def test_a_one_file_build_of_an_up_to_date_brief_drafts_nothing(tiny, tmp_path, monkeypatch):
    """Every version of alpha current: the numbers the manifest records are those drafts
    would give, so a forced build of one file makes it without drafting any version (a
    draft here stops the brief), and makes it as it was."""
    out = tmp_path / "out"
    build(tiny, formats=["html"], out=out, jobs=1)
    press = out / ALPHA / "press/alpha-press-en.html"
    before = press.read_bytes()

    def drafted(*args, **kwargs):
        raise BriefingError("a draft was made")
    monkeypatch.setattr(build_module, "draft", drafted)
    report = build(tiny, briefs=[ALPHA], readers=["press"], langs=["en"], formats=["html"],
                   out=out, jobs=1, force=True)
    assert names(report) == ["alpha-press-en.html"] and press.read_bytes() == before


def test_a_forced_one_file_build_renumbers_when_another_version_cites_a_new_source(
        tiny, tmp_path):
    """The press's version of alpha is current as built, but a source registered first and
    cited by a fact only the ministry's version prints renumbers alpha: building the press's
    English file alone (forced: unforced, a file current with the numbers recorded waits for
    a build of its whole brief) drafts every version and prints the new numbers."""
    out = tmp_path / "out"
    build(tiny, formats=["html"], out=out, jobs=1)
    press = out / ALPHA / "press/alpha-press-en.html"
    assert 'href="#src-gaceta-faro">1<' in press.read_text()
    cite_a_new_source_first(tiny)
    report = build(tiny, briefs=[ALPHA], readers=["press"], langs=["en"], formats=["html"],
                   out=out, jobs=1, force=True)
    assert names(report) == ["alpha-press-en.html"]
    assert 'href="#src-gaceta-faro">2<' in press.read_text()
