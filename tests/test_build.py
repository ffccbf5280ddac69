"""End to end: build the fixture project and read the files back."""

import fcntl
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefings.build import build
from briefings.errors import BriefingError
from tests.conftest import ALPHA, BETA, ROOT, section


def path(reader, lang, fmt, brief=ALPHA) -> str:
    """Where the build puts a document, relative to its output folder."""
    return f"{brief}/{reader}/{brief}-{reader}-{lang}.{fmt}"


def manifest(out):
    return json.loads((out / "manifest.json").read_text())["outputs"]


def pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def test_manifest_lists_every_output_with_its_hash(tiny_built):
    entries = manifest(tiny_built)
    combos = {(e["brief"], e["reader"], e["lang"], e["format"]) for e in entries}
    assert combos == {(brief, reader, lang, fmt)
                      for brief, reader in ((ALPHA, "ministry"), (ALPHA, "press"),
                                            (BETA, "ministry"))
                      for lang in ("es", "en") for fmt in ("pdf", "docx", "html")}
    for entry in entries:
        data = (tiny_built / entry["path"]).read_bytes()
        assert entry["path"] == path(entry["reader"], entry["lang"], entry["format"],
                                     entry["brief"])
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        if entry["format"] == "pdf":
            assert entry["pages"] == len(PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("lang, words", [
    ("es", ["Resumen", "Las obras", "Perspectivas", "Fuentes", "CIFRAS CLAVE",
            "41 a favor, 17 en contra", "1 de abril – 30 de noviembre de 2026",
            "Página 2 de", "USO OFICIAL — DISTRIBUCIÓN RESTRINGIDA",
            "Información más reciente", "Pesca, carga y turismo"]),
    ("en", ["Summary", "The works", "Outlook", "Sources", "KEY FIGURES",
            "41 in favour, 17 against", "1 Apr – 30 Nov 2026",
            "Page 2 of", "OFFICIAL USE — LIMITED DISTRIBUTION",
            "Latest information", "fishing, cargo and tourism"]),
])
def test_pdf_has_sections_values_and_furniture_in_its_language(tiny_built, lang, words):
    pdf = tiny_built / path("ministry", lang, "pdf")
    text = pdf_text(pdf)
    for word in words:
        assert word in text
    reader = PdfReader(pdf)
    assert reader.metadata.title == ("El faro de Strelsau" if lang == "es"
                                     else "The Strelsau lighthouse")
    assert reader.trailer["/Root"]["/Lang"] == {"es": "es-PE", "en": "en-GB"}[lang]  # the locales


def test_pdf_links_its_contents(tiny_built):
    """(Its citations link to the sources too: tests/test_formats.py.)"""
    pdf = tiny_built / path("ministry", "es", "pdf")
    targets = {str(annot.get_object().get("/Dest")) for page in PdfReader(pdf).pages
               for annot in page.get("/Annots") or ()}
    assert {"summary", "sources"} <= targets
    assert "[1]" in pdf_text(pdf)


def test_pdf_embeds_the_shipped_font(tiny_built):
    reader = PdfReader(tiny_built / path("ministry", "es", "pdf"))
    fonts = {str(font["/BaseFont"]).split("+")[-1]
             for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts and all(name.startswith("IBM-Plex-Serif") for name in fonts)
    assert {"IBM-Plex-Serif", "IBM-Plex-Serif-Semi-Bold", "IBM-Plex-Serif-Italic"} <= fonts


def test_a_missing_font_is_an_error(tiny, tmp_path):
    (tiny.theme / "fonts/IBMPlexSerif-Bold.ttf").unlink()
    with pytest.raises(BriefingError, match=r"style.yaml:\d+: font.faces.bold: font file "
                                            "IBMPlexSerif-Bold.ttf not found"):
        build(tiny, formats=["pdf"], langs=["es"], out=tmp_path / "out")


def test_a_damaged_font_file_is_one_line_naming_it(tiny, tmp_path):
    font = tiny.theme / "fonts/IBMPlexSerif-Bold.ttf"
    font.write_bytes(b"not a font" * 100)
    with pytest.raises(BriefingError, match="not a font file the brief can use") as caught:
        build(tiny, formats=["pdf"], langs=["es"], out=tmp_path / "out")
    assert caught.value.file == str(font)


def contents(out):
    """Every file (its bytes) and folder (None) in ``out``, cache included."""
    return {p.relative_to(out): p.read_bytes() if p.is_file() else None for p in out.rglob("*")}


def cli(project, *args, **kwargs):
    """The briefings command, run in the project's folder."""
    return [sys.executable, "-m", "briefings", "--project", str(project.root), *args], dict(
        cwd=project.root, env={**os.environ, "PYTHONPATH": str(ROOT)}, **kwargs)


def test_failed_build_keeps_previous_outputs(tiny, tmp_path):
    out = tmp_path / "out"
    build(tiny, formats=["pdf", "html"], langs=["en"], out=out)
    before = contents(out)
    template = section(tiny, "en", "works", brief=ALPHA)
    template.write_text(template.read_text() + "\n{{ fact('harbour.nothing') }}\n")
    with pytest.raises(BriefingError):
        build(tiny, formats=["pdf", "html"], langs=["en"], out=out)
    assert contents(out) == before


def test_a_build_that_fails_for_one_reader_changes_nothing(tiny, tmp_path):
    out = tmp_path / "out"
    build(tiny, formats=["html"], langs=["es"], out=out, jobs=1)
    before = contents(out)
    # A new vote count (text, value and quote): both of alpha's documents change.
    for path in (tiny.facts / "harbour.yaml", *(tiny.facts / "sources").iterdir()):
        path.write_text(path.read_text(encoding="utf-8").replace("41", "42"), encoding="utf-8")
    broken = section(tiny, "es", "summary", reader="press", brief=ALPHA)
    broken.write_text(broken.read_text().replace(
        "{% block key_points %}", "{% block key_points %}{{ fact('harbour.nothing') }}"))
    # One worker, the brief's readers in order: ministry is done before press fails.
    # (beta, built beside it, is brief apart: tests/test_apart.py)
    with pytest.raises(BriefingError, match="harbour.nothing"):
        build(tiny, briefs=[ALPHA], formats=["html"], langs=["es"], out=out, jobs=1)
    assert contents(out) == before


def test_a_build_removes_what_a_killed_build_left(tiny, tmp_path):
    out = tmp_path / "out"
    half = out / ".staging-x1y2" / path("press", "es", "html")
    half.parent.mkdir(parents=True)
    half.write_text("half")
    build(tiny, formats=["html"], langs=["es"], out=out)
    assert list(out.glob(".staging-*")) == []
    assert (out / path("press", "es", "html")).read_text().startswith("<!DOCTYPE")


def test_a_build_waits_while_another_writes_to_its_folder(tiny, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with (out / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running build holds it
        command, options = cli(tiny, "build", "--reader", "press", "--format", "html",
                               "--lang", "es", "--out", str(out))
        waiting = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, **options)
        try:
            assert waiting.stderr.readline() == "waiting: another build is writing to out\n"
            assert not (out / "manifest.json").exists()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            stdout, stderr = waiting.communicate(timeout=300)
    assert waiting.returncode == 0 and stderr == ""
    assert [e["path"] for e in json.loads((out / "manifest.json").read_text())["outputs"]] \
        == [path("press", "es", "html")]


def test_two_builds_at_once_keep_both_in_the_manifest(tiny, tmp_path):
    out = tmp_path / "out"
    builds = []
    for reader in ("ministry", "press"):
        command, options = cli(tiny, "build", "--brief", ALPHA, "--reader", reader,
                               "--format", "html", "--lang", "es", "--out", str(out))
        builds.append(subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, **options))
    assert [b.wait(timeout=300) for b in builds] == [0, 0]
    assert [e["path"] for e in json.loads((out / "manifest.json").read_text())["outputs"]] \
        == [path("ministry", "es", "html"), path("press", "es", "html")]


def _stat(pid) -> list[str]:
    """/proc/<pid>/stat after the command name: state, parent, …; [] once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _alive(pid) -> bool:
    return _stat(pid)[:1] not in ([], ["Z"])


def _workers(pid) -> list[int]:
    """Live children of ``pid`` forked from it (the same command line): its workers."""
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    found = []
    for folder in Path("/proc").glob("[0-9]*"):
        stat = _stat(folder.name)
        try:
            if stat[1:2] == [str(pid)] and _alive(folder.name) \
                    and (folder / "cmdline").read_bytes() == command:
                found.append(int(folder.name))
        except OSError:
            pass
    return found


@pytest.mark.parametrize("how", ["Ctrl-C", "SIGTERM", "SIGKILL"])
def test_stopping_a_build_stops_its_workers(tiny, tmp_path, how):
    out = tmp_path / "out"
    command, options = cli(tiny, "build", "--format", "pdf", "--jobs", "2",
                           "--out", str(out))
    # As a command typed in a terminal: its own process group, which Ctrl-C signals, and
    # Ctrl-C not ignored (as it is for the tests when they run in the background).
    running = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True, **options,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    workers = []
    try:
        for _ in range(2400):  # the workers start once the inputs are loaded
            workers = _workers(running.pid)
            if len(workers) == 2 or running.poll() is not None:
                break
            time.sleep(0.05)
        assert len(workers) == 2
        if how == "Ctrl-C":
            os.killpg(running.pid, signal.SIGINT)
        else:
            running.send_signal(getattr(signal, how))
        # Returns only once no process holds the pipes: the workers are exiting.
        stdout, stderr = running.communicate(timeout=60)
        # A worker that has let go of the pipes may be a moment from gone; one the build
        # failed to stop is still there after the wait.
        for _ in range(200):
            survivors = [pid for pid in workers if _alive(pid)]
            if not survivors:
                break
            time.sleep(0.05)
    finally:
        for pid in [running.pid, *workers]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert survivors == []  # seen before the clean-up above kills any
    if how != "SIGKILL":
        assert running.returncode == 130
        assert stderr.splitlines() == ["interrupted: nothing in out/ was changed"]
        assert [p.name for p in out.iterdir()] == [".lock"]


@pytest.mark.parametrize("where", ["here", "--project"])
def test_a_folder_that_is_not_a_project(tmp_path, where):
    folder = tmp_path / "nowhere"
    folder.mkdir()
    args = ["--project", str(folder)] if where == "--project" else []
    result = subprocess.run([sys.executable, "-m", "briefings", *args, "build"],
                            capture_output=True, text=True, cwd=folder,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: {folder} is not a briefings project (it has no templates/project.yaml): "
        "run briefings in the project's folder, or name that folder with --project FOLDER"]
    assert list(folder.iterdir()) == []


def test_unknown_brief_reader_language_or_format(tiny, tmp_path):
    for kwargs, message in (({"briefs": ["alpah"]}, "unknown brief 'alpah'"),
                            ({"readers": ["press-x"]}, "unknown reader 'press-x'"),
                            ({"langs": ["fr"]}, "unknown language 'fr'"),
                            ({"formats": ["odt"]}, "unknown format 'odt'")):
        with pytest.raises(BriefingError, match=message):
            build(tiny, out=tmp_path, **kwargs)


def test_cli_prints_one_line_and_fails(tiny):
    template = section(tiny, "es", "summary", brief=ALPHA)
    template.write_text(template.read_text().replace("{{ vote }}", "{{ vote.contra }}"))
    result = subprocess.run(
        [sys.executable, "-m", "briefings", "--project", str(tiny.root), "build",
         "--lang", "es", "--format", "html"],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: templates/briefs/alpha/sections/summary.md.j2:7: fact 'harbour.vote' "
        "has no value 'contra' (its values: in_favour, against)"]


def built_paths(report, out) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in report.built)


def test_each_brief_and_reader_has_its_own_folder_and_manifest_entries(tiny, tmp_path):
    out = tmp_path / "out"
    build(tiny, formats=["html"], langs=["es"], out=out, jobs=1)
    editions = [(ALPHA, "ministry"), (ALPHA, "press"), (BETA, "ministry")]
    paths = [path(reader, "es", "html", brief) for brief, reader in editions]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")) == paths
    assert [(e["brief"], e["reader"], e["path"]) for e in manifest(out)] == [
        (brief, reader, each) for (brief, reader), each in zip(editions, paths)]
    # Each file holds its own brief, though alpha and beta go to the same reader.
    alpha, beta = (out / path("ministry", "es", "html", brief) for brief in (ALPHA, BETA))
    assert "<title>El faro de Strelsau</title>" in alpha.read_text()
    assert "<title>Las sesiones del Consejo del Puerto</title>" in beta.read_text()


def test_a_template_change_rebuilds_only_the_documents_of_its_brief(tiny, tmp_path):
    """Every version of a brief, in each language, for each reader: any of them may cite a
    source the others do not, which renumbers the sources of all (numbering.py)."""
    out = tmp_path / "out"
    build(tiny, formats=["html"], out=out, jobs=1)

    def rebuilt_after_adding(template, words: str, after: str | None = None) -> list[str]:
        """Build again once ``words`` are added to ``template`` (at its end, or after the
        line ``after``): the paths rebuilt."""
        text = template.read_text(encoding="utf-8")
        text = text.replace(after, f"{after}\n{words}\n", 1) if after else f"{text}\n{words}\n"
        template.write_text(text, encoding="utf-8")
        return built_paths(build(tiny, formats=["html"], out=out, jobs=1), out)

    alpha = sorted(path(reader, lang, "html") for reader in ("ministry", "press")
                   for lang in ("es", "en"))
    # Alpha's Spanish summary: alpha's documents, not beta's (which has a summary of the
    # same name, for the same reader).
    assert rebuilt_after_adding(section(tiny, "es", "summary", brief=ALPHA),
                                "Resumen revisado.") == alpha
    assert "Resumen revisado." in (out / path("ministry", "es", "html")).read_text()
    assert rebuilt_after_adding(section(tiny, "es", "summary", brief=BETA),
                                "Beta revisado.") == sorted(
        path("ministry", lang, "html", BETA) for lang in ("es", "en"))
    # The press's override in alpha: alpha's documents, not beta's.
    assert rebuilt_after_adding(section(tiny, "es", "summary", reader="press", brief=ALPHA),
                                "Prensa revisado.", after='## {{ say("in_a_few_words") }}\n') == alpha
    assert "Prensa revisado." in (out / path("press", "es", "html")).read_text()


def test_the_brief_option_builds_only_that_brief(tiny, tmp_path):
    out = tmp_path / "out"
    command, options = cli(tiny, "build", "--brief", BETA, "--format", "html",
                           "--out", str(out))
    first = subprocess.run(command, capture_output=True, text=True, **options)
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == f"built 2 files in {out}\n"
    assert [(e["brief"], e["path"]) for e in manifest(out)] == [
        (BETA, path("ministry", lang, "html", BETA)) for lang in ("en", "es")]
    assert not (out / ALPHA).exists()
    # Alpha, never built, does not make beta's outputs out of date.
    again = subprocess.run(command, capture_output=True, text=True, **options)
    assert again.stdout == f"up to date: nothing changed since the last build in {out}\n"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_pdf_is_tagged_and_labelled(tiny_built, lang):
    reader = PdfReader(tiny_built / path("ministry", lang, "pdf"))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    info = reader.metadata
    assert info.author and info.subject and info.get("/Keywords")
    assert info["/Keywords"] == ("Ruritania, faro, puerto" if lang == "es"
                                 else "Ruritania, lighthouse, port")


def test_every_format_of_every_version_gives_a_source_the_brief_s_number(tiny, tmp_path):
    """The press leads with the works, cited from the Herald, the ministry with the vote,
    cited from the Gazette first: in the PDF, the DOCX and the HTML of both, [1] is the
    Gazette and [2] the Herald, in their text and in their sources list."""
    from docx import Document as Docx
    from lxml import html as lxml_html
    override = tiny.briefs / ALPHA / "readers/press/sections/summary.md.j2"
    override.write_text(override.read_text(encoding="utf-8").replace(
        "{% block key_points %}", '{% block bottom_line %}\n{{ fact("harbour.works") }} '
        '{{ fact("harbour.vote") }}\n\n{% endblock %}\n{% block key_points %}'),
        encoding="utf-8")
    out = tmp_path / "out"
    build(tiny, briefs=[ALPHA], langs=["es"], formats=["pdf", "docx", "html"], out=out,
          jobs=1)
    texts = {}
    for reader in ("ministry", "press"):
        texts[reader, "pdf"] = pdf_text(out / path(reader, "es", "pdf"))
        texts[reader, "docx"] = " ".join(
            p.text for p in Docx(out / path(reader, "es", "docx")).paragraphs)
        texts[reader, "html"] = " ".join(lxml_html.parse(
            out / path(reader, "es", "html")).getroot().text_content().split())
    for (reader, fmt), text in texts.items():
        assert "[1] Acta del Consejo del Puerto de Strelsau" in text, (reader, fmt)
        assert "[2] Strelsau lighthouse approved" in text, (reader, fmt)
    # the press's first citation is the Herald's, [2]; a reading-order number would be [1]
    assert texts["press", "pdf"].index("[2]") < texts["press", "pdf"].index("[1]")


def test_a_printed_note_ends_with_its_text(tiny):
    """The link back to the call goes, and so does the no-break space before it: WeasyPrint
    broke a note's first line after its first word when the note ended in one."""
    from briefings.writers.pdf import print_tree
    from tests.test_compose import composed
    notes = print_tree(composed(tiny, "es").body).xpath('//span[@class="footnote-note"]')
    assert notes and all(n.text_content() == n.text_content().rstrip() for n in notes)


def test_no_pdf_ends_with_the_sources_heading_or_one_entry_alone(tiny_built):
    """The print rules keep the sources' heading with the section before it and with its
    first two entries, and the last entry with the one before; on every fixture PDF the
    last page holds the end of the text before the sources too."""
    css = (ROOT / "templates/theme/brief.css").read_text(encoding="utf-8")
    assert "section + #sources { break-before: avoid; }" in css
    assert "#sources h1 + p, #sources p:nth-last-of-type(2) { break-after: avoid; }" in css
    for pdf in tiny_built.glob("*/*/*.pdf"):
        last = " ".join(PdfReader(pdf).pages[-1].extract_text().split())
        heading = "Fuentes" if pdf.stem.endswith("-es") else "Sources"
        before = last.split(f" {heading} [1] ")[0]
        assert re.search(r"\[\d", before), pdf.name  # a citation in the text before them


def test_a_build_removes_the_drawing_cache_of_an_older_version_and_nothing_else(tiny, tmp_path):
    """Builds once kept drawings in <build>/.cache/figures; nothing reads it now. It goes
    as the old builds left it, from a build folder; a .cache holding anything else, or
    beside no manifest (a folder given as --out), is its owner's and stays."""
    out = tmp_path / "out"
    old = out / ".cache" / "figures" / "ab12.svg"
    old.parent.mkdir(parents=True)
    old.write_text("<svg/>")
    build(tiny, formats=["html"], langs=["es"], out=out)   # no manifest yet: kept
    assert old.is_file()
    build(tiny, formats=["html"], langs=["es"], out=out, force=True)
    assert not (out / ".cache").exists()
    theirs = out / ".cache" / "notes.txt"
    theirs.parent.mkdir()
    theirs.write_text("mine")
    build(tiny, formats=["html"], langs=["es"], out=out, force=True)
    assert theirs.read_text() == "mine"


def test_a_build_s_workers_keep_their_fonts_apart_from_the_process_that_forked_them(
        tiny, tmp_path):
    """A process that made a PDF holds a font configuration, whose faces WeasyPrint writes
    into a folder; the workers it forks must load theirs elsewhere, or one overwrites a face
    a sibling has mapped (a bus error) or takes a half-written one as loaded."""
    import datetime as dt

    from briefings.compose import compose
    from briefings.document import Theme
    from briefings.facts import load_facts
    from briefings.writers import pdf
    from tests.conftest import alpha, copy_tiny
    other = copy_tiny(tmp_path / "other")  # its theme is elsewhere: faces of its own
    facts = load_facts(other.facts, other.theme / "fonts", other.settings.languages)
    document = compose(other, facts, alpha(other), "en", dt.date(2026, 11, 23))
    pdf.render(document, Theme((other.theme,)))
    faces = pdf._FONTS._folder
    before = sorted(faces.iterdir())
    report = build(tiny, briefs=[ALPHA], formats=["pdf"], out=tmp_path / "out", jobs=2)
    assert len(report.built) == 4  # alpha's four PDFs, two workers making them at once
    assert sorted(faces.iterdir()) == before


def test_a_job_a_finished_one_leads_to_is_made_by_the_worker_that_is_free():
    """A build's documents are made by the workers that drafted their brief, which kept
    what they parsed and drew: a job added as another finishes is sent to a worker forked
    before it existed, and made there."""
    from briefings import workers
    made = dict(workers.run(["draft"], lambda job: (os.getpid(), job), 1, str,
                            lambda job, done: [("document", done[0])] if job == "draft"
                            else []))
    drafted_by, _ = made.pop("draft")
    [(later, (made_by, given))] = made.items()
    assert later == given == ("document", drafted_by) and made_by == drafted_by
