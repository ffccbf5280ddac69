"""Every message the editing guide and the README quote is the one the program prints.

In docs/editing-templates.md and README.md, a line of a code block, or a code span, that begins with
``error: `` or ``warning: `` is a message. For each one SLIPS says how to make the slip in a
copy of a project (the real one for messages naming its files, the fixture's for the rest)
and which command shows it; the test makes it in the module's one copy of that project,
runs the command in this process, puts the copy back, and finds the guide's line,
word for word, among the lines printed. ``…`` in a message stands for words the guide leaves
out (a quote, a list of names).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from briefings.project import Project
from tests.conftest import PERU, ROOT, briefings, copy_project, copy_tiny, only_readers
from tests.test_bad_input import SLIPS as BAD_INPUT
from tests.test_bad_input import edit

PROJECT = Project(ROOT)
DOCS = [ROOT / "docs/editing-templates.md", ROOT / "README.md"]
MESSAGE = re.compile(r"^ *((?:error|warning): .*)$|`((?:error|warning): [^`]*)`", re.M)

MNNA = "templates/briefs/peru-mnna/"
PRENSA = MNNA + "readers/prensa/sections/"
CHECK = ("check",)
BUILD = ("build", "--format", "html", "--jobs", "1")
DEC_6, JAN_3 = "1796583600", "1799002800"  # noon in Lima, 2026-12-06 and 2027-01-03

pytestmark = pytest.mark.usefixtures("workers_in_this_process")


def guide_messages() -> list[str]:
    return [block or " ".join(span.split())
            for doc in DOCS for block, span in MESSAGE.findall(doc.read_text(encoding="utf-8"))]


def add_section(project, name: str, lang: str) -> None:
    """A section 'name' with its template and its words in one language only."""
    folder = project.briefs / PERU / "sections"
    (folder / f"{name}.md.j2").write_text('# {{ say("title") }}\n', encoding="utf-8")
    (folder / lang / f"{name}.yaml").write_text("title: Anexo\n", encoding="utf-8")
    path = project.briefs / PERU / "brief.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["readers"]["prensa"]["sections"].insert(-1, name)
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")


def yaml_slip(case: str):
    return BAD_INPUT[case][0]


# The start of a message -> (project, readers kept, slip, command, SOURCE_DATE_EPOCH).
# project: "peru" (a copy of the real project, its briefs cut to the reader kept; None keeps
# brief.yaml as written, for its line numbers) or "tiny" (the fixture).
SLIPS = {
    f"error: {MNNA}sections/summary.md.j2:39: fact 'congress.vote' has no value 'contra'": (
        "peru", "cancilleria", lambda p: edit(p.root / MNNA / "sections/summary.md.j2",
                                              "{{ vote.in_favour | number }}",
                                              "{{ vote.contra | number }}"),
        CHECK, None),
    f"error: {PRENSA}es/summary.yaml:1: in_short: the number 130": (
        "peru", "prensa", lambda p: edit(p.root / PRENSA / "es/summary.yaml",
                                         "En pocas palabras.", "En pocas palabras, 130."),
        CHECK, None),
    f"error: {PRENSA}summary.md.j2:9: unknown fact 'congress.vot'": (
        "peru", "prensa", lambda p: edit(p.root / PRENSA / "summary.md.j2",
                                         'fact("congress.vote")', 'fact("congress.vot")'),
        CHECK, None),
    f"error: {PRENSA}summary.md.j2:10: fact 'congress.vote' has no value 'contra'": (
        "peru", "prensa", lambda p: edit(p.root / PRENSA / "summary.md.j2", "{{ vote.cite }}",
                                         "{{ vote.contra }} {{ vote.cite }}"),
        CHECK, None),
    f'error: {MNNA}sections/risks.md.j2:3: say("titel")': (
        "peru", "cancilleria", lambda p: edit(p.root / MNNA / "sections/risks.md.j2",
                                              'say("title")', 'say("titel")'),
        CHECK, None),
    f"error: {MNNA}sections/en/risks.yaml: title: missing": (
        "peru", "cancilleria", lambda p: edit(p.root / MNNA / "sections/en/risks.yaml",
                                              "title: Sovereignty and risks\n", ""),
        CHECK, None),
    f"error: {MNNA}sections/es/risks.yaml:3: opinion_not_fact: a text may print values": (
        "peru", "cancilleria", lambda p: edit(
            p.root / MNNA / "sections/es/risks.yaml", 'opinion_not_fact: "',
            "opinion_not_fact: \"{% if length == 'short' %}Brevemente: {% endif %}"),
        CHECK, None),
    f"error: {MNNA}brief.yaml:47: unknown section 'annexes'": (
        "peru", None, lambda p: edit(p.root / MNNA / "brief.yaml", "status, sources]",
                                     "status, annexes, sources]"),
        CHECK, None),
    f"error: {MNNA}brief.yaml:47: unknown section 'risk'": (
        "peru", None, lambda p: edit(p.root / MNNA / "brief.yaml", "status, sources]",
                                     "status, risk, sources]"),
        CHECK, None),
    f"error: {MNNA}sections/en/annex.yaml: section 'annex'": (
        "peru", "prensa", lambda p: add_section(p, "annex", "es"), CHECK, None),
    "error: facts/congress.yaml:19: fact 'congress.vote': quote not found": (
        "peru", "prensa", lambda p: edit(p.facts / "congress.yaml", '"según lo aprobado por',
                                         '"según lo votado por'),
        CHECK, None),
    "warning: facts/context.yaml:25: fact 'context.argentina_mnna' is current": (
        "peru", "cancilleria", lambda p: edit(p.facts / "context.yaml",
                                              "as_of: 2022-10-31\n    kind: event",
                                              "as_of: 2022-10-31\n    kind: state"),
        CHECK, None),
    "warning: templates/briefs/peru-otan/sections/assessment.md.j2:22:": (
        "peru-otan", "cancilleria", lambda p: edit(
            p.facts / "risks.yaml", "octubre de 2022, sostenía entonces que las",
            "octubre de 2022, sostenía que hoy las"),
        CHECK, None),
    f"warning: {PRENSA}es/summary.yaml:2: use": (
        "peru", "prensa", lambda p: edit(p.root / PRENSA / "es/summary.yaml",
                                         "Eso no convierte al Perú en miembro de la OTAN.",
                                         "Eso no convierte al Perú en miembro de la OTAN, "
                                         "sino en aliado extra-OTAN."),
        CHECK, None),
    f"warning: {PRENSA}en/summary.yaml:2: use": (
        "peru", "prensa", lambda p: edit(p.root / PRENSA / "en/summary.yaml",
                                         "decision to authorise", "authorization"),
        CHECK, None),
    "warning: facts/congress.yaml:32: fact 'congress.period' holds until": (
        "peru", "prensa", lambda p: None, CHECK, DEC_6),
    "warning: facts/congress.yaml:32: fact 'congress.period' held until": (
        "peru", "prensa", lambda p: None, CHECK, JAN_3),
    "error: unknown fact 'congress.perid'": (
        "peru", "prensa", lambda p: None, ("uses", "congress.perid"), None),
    "error: facts/harbour.yaml:7: invalid YAML": (
        "tiny", None, yaml_slip("a colon in a sentence"), BUILD, None),
    "error: facts/harbour.yaml:12: invalid YAML": (
        "tiny", None, yaml_slip("a key indented one space further"), BUILD, None),
    "error: facts/harbour.yaml:18: invalid YAML": (
        "tiny", None, yaml_slip("a list item indented one space off"), BUILD, None),
}


def slip_of(message: str):
    [slip] = [slip for start, slip in SLIPS.items() if message.startswith(start)]
    return slip


def shown(message: str) -> re.Pattern:
    """The guide's line as a pattern: its "…" stands for any words."""
    return re.compile(".*".join(map(re.escape, message.split("…"))))


def test_every_message_of_the_guide_has_its_slip():
    messages = guide_messages()
    assert len(messages) >= 20
    for message in messages:
        assert [start for start in SLIPS if message.startswith(start)], message
    for start in SLIPS:
        assert [message for message in messages if message.startswith(start)], start


def files_of(root: Path) -> dict[Path, bytes | None]:
    """Every file (its bytes) and folder (None) under ``root``."""
    return {path: path.read_bytes() if path.is_file() else None for path in root.rglob("*")}


def restore(root: Path, kept: dict[Path, bytes | None]) -> None:
    """``root`` as ``files_of`` found it: what a slip added goes, what it changed or
    removed comes back."""
    for path in sorted(root.rglob("*"), reverse=True):  # a folder's files before it
        if path not in kept:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for path, data in sorted(kept.items()):
        if data is None:
            path.mkdir(exist_ok=True)
        elif not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    """One copy of each project the slips are made in (the real one, with the sources'
    texts where templates/project.yaml names them, ../shared/seeds; and the fixture), made
    once: each test makes its slip in it, and the copy is put back as it was after."""
    made = {}

    def copy(kind: str) -> tuple[Project, dict]:
        if kind not in made:
            folder = tmp_path_factory.mktemp(kind)
            if kind == "tiny":
                project = copy_tiny(folder / "project")
            else:
                project = copy_project(folder / "project")
                shutil.copytree(ROOT / PROJECT.settings.sources,
                                project.root / PROJECT.settings.sources)
            made[kind] = project, files_of(project.root)
        return made[kind]
    return copy


@pytest.mark.parametrize("message", guide_messages(), ids=lambda message: message[:72])
def test_the_guide_quotes_the_message_the_program_prints(copies, tmp_path, monkeypatch,
                                                         message):
    kind, readers, spoil, command, epoch = slip_of(message)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch or "1795453200")
    project, kept = copies("tiny" if kind == "tiny" else "peru")
    try:
        if readers:
            only_readers(project, readers, brief=PERU if kind == "peru" else kind)
        spoil(project)
        result = briefings(project, *command, *(["--out", str(tmp_path / "out")]
                                                if command == BUILD else []))
    finally:
        restore(project.root, kept)
    printed = (result.stdout + result.stderr).splitlines()
    assert [line for line in printed if shown(message).fullmatch(line)], \
        f"the guide says\n{message}\nthe program printed\n" + "\n".join(printed)
