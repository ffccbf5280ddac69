"""Every kind of bad input: one line naming the file and the problem, exit 1, and the
previous outputs in the output folder left exactly as they were."""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from briefings.build import build
from tests.conftest import ALPHA, EPOCH, ROOT, briefings, copy_tiny, section


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CASES = {
    "malformed YAML": (
        lambda p: edit(p.facts / "harbour.yaml", "in_favour: 41", "in_favour: [41"),
        [], "facts/harbour.yaml:", "invalid YAML"),
    "wrong type": (
        lambda p: edit(p.facts / "harbour.yaml", "as_of: 2026-03-02", "as_of: pronto"),
        [], "facts/harbour.yaml:", "as_of: Input should be a valid date"),
    "control character": (
        lambda p: edit(p.facts / "harbour.yaml", "es: El Consejo del Puerto de Strelsau aprobó "
                       "el nuevo faro con 41 votos a favor y 17 en contra.",
                       'es: "El Consejo\\x07 aprobó."'),
        [], "facts/harbour.yaml:", "control character (U+0007)"),
    "unknown brief": (lambda p: None, ["--brief", "alpah"], "",
                      "unknown brief 'alpah' (did you mean 'alpha'? known: alpha, beta)"),
    "unknown reader": (lambda p: None, ["--reader", "press-x"], "",
                       "unknown reader 'press-x' (did you mean 'press'? known: "),
    "unknown language": (lambda p: None, ["--lang", "fr"], "", "unknown language 'fr'"),
    "template syntax error": (
        lambda p: edit(section(p, "es", "summary", brief=ALPHA), "{% block", "{% blok"),
        [], "templates/briefs/alpha/sections/summary.md.j2:", "syntax error"),
    "unknown time zone": (
        lambda p: edit(p.templates / "project.yaml", "America/Lima", "America/Atlantis"),
        [], "templates/project.yaml:4:", "timezone: unknown time zone 'America/Atlantis'"),
    "unknown locale": (
        lambda p: edit(p.templates / "project.yaml", "locale: es_PE", "locale: es_XX"),
        [], "templates/project.yaml:11:", "languages.es.locale: unknown locale 'es_XX' (write "
        "es, or es_ and a country code such as es_US)"),
    "locale of another language": (
        lambda p: edit(p.templates / "project.yaml", "locale: en_GB", "locale: es_PE"),
        [], "templates/project.yaml:14:", "languages.en.locale: 'es_PE' is not a locale of "
        "the language 'en'"),
    "not a language code": (
        lambda p: edit(p.templates / "project.yaml", "  en:\n", "  english:\n"),
        [], "templates/project.yaml:14:", "languages.english: 'english' is not a language "
        "code: write the language's code (es, en, pt) here and its country under locale"),
    "citation call misspelt": (
        lambda p: edit(p.templates / "project.yaml", "citation_call: before",
                       "citation_call: antes"),
        [], "templates/project.yaml:12:", 'languages.es.citation_call: must be "before" or '
        '"after", not "antes"'),
}


@pytest.fixture(scope="module")
def html_built(tmp_path_factory) -> Path:
    """The fixture's web pages, built once: each test starts from a copy of this output."""
    project = copy_tiny(tmp_path_factory.mktemp("project"))
    out = tmp_path_factory.mktemp("html") / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build(project, formats=["html"], out=out, jobs=1)
    return out


@pytest.fixture
def previous(html_built, tmp_path) -> Path:
    """The output folder of an earlier build of the test's project (``tiny``)."""
    return Path(shutil.copytree(html_built, tmp_path / "out"))


def command(tiny, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """briefings as its own process, in the project's folder."""
    return subprocess.run([sys.executable, "-m", "briefings", "--project", str(tiny.root),
                           *args], capture_output=True, text=True, cwd=tiny.root,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


@pytest.mark.parametrize("case", CASES)
def test_bad_input_fails_in_one_line_and_loses_nothing(tiny, previous, case):
    """Run in this process (``briefings``): the command as a process is tested below."""
    spoil, args, place, problem = CASES[case]
    before = {p: p.read_bytes() for p in previous.rglob("*") if p.is_file()}
    spoil(tiny)
    result = briefings(tiny, "build", "--format", "html", "--force", "--out", str(previous),
                       *args)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {place}") and problem in line
    assert {p: p.read_bytes() for p in previous.rglob("*") if p.is_file()} == before


def test_the_command_exits_1_with_one_line_on_bad_input_or_output(tiny, previous):
    """As its own process: exit status 1 and one line, for a bad input and a bad output."""
    spoil, args, place, problem = CASES["malformed YAML"]
    spoil(tiny)
    # the brief using harbour.yaml (beta, which does not, is built: tests/test_apart.py)
    result = command(tiny, "build", "--brief", "alpha", "--format", "html", "--force",
                     "--out", str(previous))
    assert (result.returncode, result.stdout) == (1, "")
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {place}") and problem in line
    spoil, place, problem = OUTPUT_CASES["SOURCE_DATE_EPOCH out of range"]
    result = command(tiny, "build", "--format", "html", "--out", str(previous),
                     env=spoil(previous))
    assert (result.returncode, result.stdout) == (1, "")
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {place}") and problem in line


# What stands where the build writes, and the environment: spoil(out) -> extra environment.
def folder_at(path):
    if path.is_file():
        path.unlink()
    path.mkdir()
    (path / "notes.txt").write_text("someone's file")


def drop_key(out, key):
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["outputs"][0][key]
    (out / "manifest.json").write_text(json.dumps(manifest))


OUTPUT_CASES = {
    "output path is a folder": (
        lambda out: folder_at(out / "alpha/ministry/alpha-ministry-es.html"),
        "out/alpha/ministry/alpha-ministry-es.html:",
        "is a folder where the build puts a file: move or delete it"),
    "manifest is a folder": (
        lambda out: folder_at(out / "manifest.json"), "out/manifest.json:",
        "is a folder where the build puts its manifest: move or delete it"),
    "manifest entry missing a key": (
        lambda out: drop_key(out, "sha256"), "out/manifest.json:",
        "output 1 has no 'sha256'"),
    "SOURCE_DATE_EPOCH out of range": (
        lambda out: {"SOURCE_DATE_EPOCH": "99999999999999"}, "SOURCE_DATE_EPOCH:",
        "'99999999999999' is out of range"),
}


def contents(out):
    """Every file (its bytes) and folder (None) under ``out``."""
    return {p: p.read_bytes() if p.is_file() else None for p in out.rglob("*")}


@pytest.mark.parametrize("forced", [False, True], ids=["build", "--force"])
@pytest.mark.parametrize("case", OUTPUT_CASES)
def test_bad_output_folder_fails_in_one_line_and_changes_nothing(tiny, previous, case,
                                                                 forced, monkeypatch):
    spoil, place, problem = OUTPUT_CASES[case]
    out = previous
    for name, value in (spoil(out) or {}).items():
        monkeypatch.setenv(name, value)
    before = contents(out)
    result = briefings(tiny, "build", "--format", "html", "--out", str(out),
                       *(["--force"] if forced else []))
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {place}") and problem in line
    assert contents(out) == before


def test_a_full_disk_fails_in_one_line_and_changes_nothing(tiny, tmp_path):
    """The previous build on a small file system of its own (a tmpfs in a private mount
    namespace) with too little room left for the new files."""
    if subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a file system here (unshare -rm)")
    previous = tmp_path / "previous"
    build(tiny, formats=["html"], out=previous, jobs=1)
    pages = sum(-(-p.stat().st_size // 4096) for p in previous.rglob("*") if p.is_file())
    disk, seen = tmp_path / "disk", tmp_path / "seen"
    disk.mkdir(), seen.mkdir()
    script = """
        mount -t tmpfs -o size=$(( ($1 + 4) * 4 ))k tmpfs disk && cp -r previous disk/out
        snapshot() { find disk/out | sort; find disk/out -type f | sort | xargs sha256sum; }
        snapshot > seen/before
        "$2" -m briefings --project . build --format html --force --jobs 1 \\
            --out disk/out 2> seen/error
        echo $? > seen/status
        snapshot > seen/after
    """
    subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", str(pages), sys.executable],
                   cwd=tiny.root, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert (seen / "status").read_text() == "1\n"
    lines = (seen / "error").read_text().splitlines()
    assert len(lines) == 1, lines
    [line] = lines
    assert line.startswith("error: disk/out/")
    assert line.endswith(": cannot write this file (No space left on device)")
    assert (seen / "after").read_text() == (seen / "before").read_text()


# -- each trigger of a traceback in the 2026-12-06 review: one line, never a traceback ----

WORKS = "templates/briefs/alpha/sections/works.md.j2"
PRESS = "templates/briefs/alpha/readers/press/sections/summary.md.j2"


def append(project, text, file=WORKS):
    with open(project.root / file, "a", encoding="utf-8") as out:
        out.write("\n" + text + "\n")


SLIPS = {
    "a reader with sections: []": (
        lambda p: edit(p.briefs / "alpha/brief.yaml", "sections: [summary, works, sources]",
                       "sections: []"),
        "templates/briefs/alpha/brief.yaml:19:", "readers.press.sections: a reader with no "
        "sections: list the sections it gets, or remove the reader"),
    "horizons before the base year": (
        lambda p: edit(p.briefs / "alpha/brief.yaml", "horizons: [1, 3]", "horizons: [-5, 0]"),
        "templates/briefs/alpha/brief.yaml:15:", "horizons: a horizon is a number of years "
        "after the base year"),
    "a NUL in an image address": (
        lambda p: append(p, "![x](a%00b.png)"), f"{WORKS}:22:", "refused to load a%00b.png"),
    "a theme file that is not an image, shown as one": (
        lambda p: append(p, "![x](brief.css)"), f"{WORKS}:22:",
        "'brief.css' is not an image: show a PNG, JPEG, GIF, WebP or SVG file"),
    "a bidirectional override typed": (
        lambda p: append(p, "Texto \u202e revés"), f"{WORKS}:22:",
        "contains an invisible formatting character (U+202E RIGHT-TO-LEFT OVERRIDE)"),
    "an escape printed": (
        lambda p: append(p, '{{ "x\\x1b" }}'), f"{WORKS}:22:",
        "contains an invisible control character (U+001B)"),
    "half a character printed": (
        lambda p: append(p, '{{ "x\\ud800y" }}'), f"{WORKS}:22:",
        "contains a code point that is not a character (U+D800)"),
    "a character the fonts lack": (
        lambda p: append(p, "Fiesta \U0001f389"), f"{WORKS}:22:",
        "'\U0001f389' (U+1F389 party popper) is not in the brief's fonts"),
    "a character made by a filter": (
        lambda p: append(p, '{{ "%c" | format(27) }}'), f"{WORKS}:",
        "it prints text that contains an invisible control character (U+001B)"),
    "as_of a number": (
        lambda p: edit(p.facts / "harbour.yaml", "as_of: 2026-03-02", "as_of: 5"),
        "facts/harbour.yaml:11:", "as_of: 5 is not a date: write it as year-month-day"),
    "a recursive macro": (
        lambda p: append(p, "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}"),
        f"{WORKS}:22:", "a macro here calls itself without end"),
    "a private attribute through map": (
        lambda p: append(p, "{{ [fact('harbour.vote')] | map(attribute='cite._access') "
                            "| list }}"),
        f"{WORKS}:22:", "access to attribute '_access' of 'Citation' object is unsafe"),
    "a colon in a sentence": (
        lambda p: edit(p.facts / "harbour.yaml", "en: The Strelsau Port Council approved",
                       "en: As the gazette says: the Strelsau Port Council approved"),
        "facts/harbour.yaml:7:", "invalid YAML: this sentence has a colon followed by a space; "
        "put the whole sentence in quotes"),
    "a list item indented one space off": (
        lambda p: edit(p.facts / "harbour.yaml", "      - id: tide-herald",
                       "       - id: tide-herald"),
        "facts/harbour.yaml:18:", "invalid YAML: the items of a list must each start with '-' "
        "straight under the one above: check the indentation of this line and the one above it"),
    "a key indented one space further": (
        lambda p: edit(p.facts / "harbour.yaml", "    kind: event", "     kind: event"),
        "facts/harbour.yaml:12:", "invalid YAML: the keys of a block must each start straight "
        "under the one above: check the indentation of this line and the one above it"),
    "an expression closed with one brace": (
        lambda p: append(p, "{{ fact('harbour.vote').text }"), f"{WORKS}:22:",
        "syntax error: the '{{' that starts here is not closed with '}}'"),
    "a text given to the date filter": (
        lambda p: append(p, '{{ "pronto" | date }}'), f"{WORKS}:22:",
        "the date filter needs a date, got the text \"pronto\" (check the fact's value)"),
    "a misspelt source id": (
        lambda p: edit(p.facts / "harbour.yaml", "- id: tide-herald", "- id: tide-herlad"),
        "facts/harbour.yaml:18:", "sources.1.id: source 'tide-herlad' is not registered in "
        "facts/sources.yaml (did you mean 'tide-herald'?)"),
    "a misspelt field": (
        lambda p: edit(p.briefs / "alpha/brief.yaml", "ministry: {}", "ministry: {lenght: short}"),
        "templates/briefs/alpha/brief.yaml:17:", "readers.ministry.lenght: unknown field "
        "(did you mean 'length'?)"),
    "a section's words missing in one language": (
        lambda p: (p.briefs / "alpha/sections/en/outlook.yaml").unlink(),
        "templates/briefs/alpha/sections/en/outlook.yaml:", "section 'outlook' has its words "
        "in es/outlook.yaml but none in English: copy that file here"),
    "a quote too long": (
        lambda p: edit(p.facts / "harbour.yaml", 'quote: "Las obras costarán 3.5 millones de '
                       'coronas."', 'quote: "Las obras costarán 3.5 millones de coronas' +
                       " y más" * 14 + '."'),
        "facts/harbour.yaml:32:", "quote has 35 words; quote 30 words at most"),
    "a template that is not UTF-8": (
        lambda p: (p.root / PRESS).write_bytes("# Resumen: \xe1\n".encode("latin-1")),
        f"{PRESS}:", "the file is not UTF-8 text"),
}


@pytest.mark.parametrize("case", SLIPS)
def test_each_traceback_trigger_is_one_line(tiny, tmp_path, case):
    spoil, place, problem = SLIPS[case]
    spoil(tiny)
    result = briefings(tiny, "build", "--format", "html", "--jobs", "1",
                       "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {place}") and problem in line, line


def test_a_bom_at_the_start_of_an_override_is_no_text_outside_a_block(tiny, tmp_path):
    template = tiny.root / PRESS
    template.write_text("\ufeff" + template.read_text(encoding="utf-8"), encoding="utf-8")
    result = briefings(tiny, "build", "--format", "html", "--jobs", "1",
                       "--out", str(tmp_path / "out"))
    assert (result.returncode, result.stderr) == (0, "")


def test_check_reports_a_template_that_is_not_utf8_and_goes_on(tiny):
    (tiny.root / PRESS).write_bytes("# Resumen: \xe1\n".encode("latin-1"))
    append(tiny, "{{ 1/0 }}", "templates/briefs/beta/sections/summary.md.j2")
    result = briefings(tiny, "check", "--format", "json")
    assert (result.returncode, result.stderr) == (1, "")
    found = {(f["file"], f["message"]) for f in json.loads(result.stdout)}
    assert (PRESS, "the file is not UTF-8 text: save it as UTF-8 in your editor") in found
    assert any(file.startswith("templates/briefs/beta/") for file, _ in found)


@pytest.mark.parametrize("command", ["new-brief", "new-reader"])
def test_a_project_folder_that_cannot_be_written_is_one_line(tiny, monkeypatch, command):
    def refused(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))
    monkeypatch.setattr(Path, "mkdir", refused)
    monkeypatch.setattr(Path, "write_text", refused)
    args = ["nueva"] if command == "new-brief" else ["nuevo", "--from", "press"]
    result = briefings(tiny, command, *args)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    made = "templates/briefs/nueva" if command == "new-brief" else "templates/readers/nuevo.yaml"
    assert line == (f"error: {made}: cannot be created (Permission denied): check that you "
                    f"may write in {made.rsplit('/', 1)[0]}/")
    assert not (tiny.root / made).exists()


# The command with one of its steps held up, so that Ctrl-C lands in it: it prints
# "started" when the step begins.
SLOW = """
import sys, time
import {module} as held
step = held.{name}
def slow(*args, **kwargs):
    print("started", flush=True)
    for _ in range(600):  # Python runs a signal's handler between two steps
        time.sleep(0.1)
    return step(*args, **kwargs)
held.{name} = slow
from briefings.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _as_typed_in_a_terminal() -> None:
    """Ctrl-C as a shell leaves it to a command: handled by default and not blocked, whatever
    the test runner's process (which the command's is forked from) has set."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@pytest.mark.parametrize("command, module, name", [
    (["check"], "briefings.check", "run_checks"),
    (["preview", "--brief", "alpha", "--port", "0"], "briefings.preview", "draft"),
], ids=["check", "preview's first build"])
def test_ctrl_c_is_one_line(tiny, command, module, name):
    running = subprocess.Popen(
        [sys.executable, "-c", SLOW.format(module=module, name=name), "--project",
         str(tiny.root), *command], cwd=tiny.root, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
        preexec_fn=_as_typed_in_a_terminal)
    try:
        assert running.stdout.readline() == "started\n"
        os.killpg(running.pid, signal.SIGINT)
        _, stderr = running.communicate(timeout=30)
    finally:
        if running.poll() is None:
            running.kill()
    assert running.returncode == 130
    assert stderr.splitlines() == [f"interrupted: briefings {command[0]} stopped before it "
                                   "finished"]


@pytest.mark.parametrize("command", [["email"], ["preview", "--port", "0"]])
def test_a_misspelt_reader_is_the_command_s_slip_not_the_brief_s(tiny, monkeypatch, command):
    monkeypatch.setenv("BRIEFINGS_FROM", "Briefings <briefings@example.org>")
    result = briefings(tiny, *command, "--brief", "alpha", "--reader", "minstry")
    assert (result.returncode, result.stderr) == (
        1, "error: unknown reader 'minstry' (did you mean 'ministry'? known: ministry, press)\n")


def test_a_reader_that_stops_early_ends_the_command_quietly(tiny):
    """``briefings list | head``: the reader closes the pipe before the listing is written."""
    listing = subprocess.Popen(
        [sys.executable, "-m", "briefings", "--project", str(tiny.root), "list"],
        cwd=tiny.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    listing.stdout.close()
    stderr = listing.stderr.read()
    assert (listing.wait(timeout=60), stderr) == (128 + signal.SIGPIPE, "")


def test_make_passes_what_is_typed_as_quoted_words(tmp_path):
    """``make new-brief 'NAME=x; touch …'`` names a brief, it runs no command."""
    mark = tmp_path / "ran"
    shown = subprocess.run(
        ["make", "-n", "-s", "new-brief", f"NAME=x; touch {mark}",
         f"READER=$(shell touch {mark})"], cwd=ROOT, capture_output=True, text=True)
    assert f"new-brief 'x;' 'touch' '{mark}'" in shown.stdout
    assert f"--reader '$(shell' 'touch' '{mark})'" in shown.stdout
    assert not mark.exists()
    # A file's name is one word, spaces and quotes included.
    shown = subprocess.run(
        ["make", "-n", "-s", "add-source", f"FILE=Informe de O'Neil; touch {mark}.pdf"],
        cwd=ROOT, capture_output=True, text=True)
    assert f"add-source 'Informe de O'\\''Neil; touch {mark}.pdf'" in shown.stdout
    assert not mark.exists()


# -- a word longer than its column (review item 27, D-M7) ------------------------------------

LONG = "Supercalifragilistico" * 15  # 315 characters, no break


def test_a_long_word_in_a_table_cell_breaks_inside_its_cell(tiny, tmp_path):
    import docx
    import pypdf
    from fontTools.ttLib import TTFont
    edit(tiny.root / "templates/briefs/alpha/sections/es/summary.yaml", "works: Obras",
         f"works: Obras {LONG}")
    out = tmp_path / "out"
    build(tiny, readers=["ministry"], langs=["es"], formats=["pdf", "docx", "html"], out=out,
          jobs=1)
    name = out / "alpha/ministry/alpha-ministry-es"
    # PDF: where each run of text ends, measured with the theme's regular face (no glyph
    # of a table cell is bold or wider).
    with TTFont(tiny.theme / "fonts/IBMPlexSerif-Regular.ttf") as font:
        cmap, advance = font.getBestCmap(), font["hmtx"].metrics
        em = font["head"].unitsPerEm
        ends = []
        for page in pypdf.PdfReader(name.with_suffix(".pdf")).pages:
            def visit(text, cm, tm, _font, size):
                matrix = pypdf.mult(tm, cm)
                width = sum(advance[cmap[ord(c)]][0] for c in text if ord(c) in cmap) / em
                ends.append((matrix[4] + width * size * matrix[0], float(page.mediabox.width),
                             text))
            page.extract_text(visitor_text=visit)
    assert any(LONG[:40] in text for _, _, text in ends)
    assert [(end, text) for end, width, text in ends if end > width] == []
    # HTML: the cell breaks anywhere, the other cells keep their words.
    page = name.with_suffix(".html").read_text(encoding="utf-8")
    assert f'<td class="long-word">Obras {LONG}</td>' in page
    assert "td.long-word, th.long-word { overflow-wrap: anywhere; }" in page
    # DOCX: the other column keeps the room the PDF gives it, so the word wraps in its cell.
    [box] = docx.Document(name.with_suffix(".docx")).tables
    [table] = box.rows[0].cells[0].tables
    widths = [column.width for column in table.columns]
    assert min(widths) > sum(widths) / 10
