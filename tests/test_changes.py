"""What changed since a reader received a brief: the text each document says, kept by the
build and, for each message sent (through a real SMTP server on 127.0.0.1), with the record of
sends; ``briefings diff`` in the terminal and as a page; the DOCX with tracked changes, as
LibreOffice reads it."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import zipfile

import pytest
import yaml
from aiosmtpd.controller import Controller
from lxml import etree, html

from briefings import proof, urls
from briefings.build import build
from briefings.changes.compare import compare
from briefings.changes.page import page
from briefings.writers.tracked import track
from briefings.i18n import load_strings
from briefings.project import Project
from briefings.sends import deliveries
from tests.conftest import ALPHA, EPOCH, briefings, copy_tiny, only_readers
from tests.test_mail import PROFILE, Collector, free_port

OLD = "The Strelsau Port Council approved the new lighthouse by 41 votes to 17. [1, 2]"
NEW = "The Strelsau Port Council approved the new lighthouse by 45 votes to 17. [1, 2]"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def change_the_vote(project: Project) -> None:
    """41 votes in favour become 45: the fact's text, value and quote, and the sources'
    texts the quotes are checked against; and the brief becomes version 1.1."""
    for path in (project.facts / "harbour.yaml", *(project.facts / "sources").iterdir()):
        path.write_text(path.read_text(encoding="utf-8").replace("41", "45"), encoding="utf-8")
    path = project.briefs / ALPHA / "brief.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["versions"].insert(0, {"version": "1.1", "date": dt.date(2026, 11, 23), "changes": {
        "es": "La votación fue de 45 a 17.", "en": "The vote was 45 to 17."}})
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def sent_then_changed(tmp_path_factory) -> Project:
    """Brief alpha for the ministry (Ana reads Spanish, John English) built as version 1.0,
    its DOCX sent to both, then the vote changed and version 1.1 built."""
    mp = pytest.MonkeyPatch()
    controller = Controller(Collector(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for key, value in (("BRIEFINGS_FROM", "Briefings <briefings@example.org>"),
                           ("BRIEFINGS_SMTP_HOST", "127.0.0.1"),
                           ("BRIEFINGS_SMTP_PORT", str(controller.port)),
                           ("BRIEFINGS_SMTP_SECURITY", "none")):
            mp.setenv(key, value)
        project = copy_tiny(tmp_path_factory.mktemp("changes"))
        (project.readers / "ministry.yaml").write_text(PROFILE)
        only_readers(project, "ministry", brief=ALPHA)
        build(project, formats=["docx"], out=project.build)
        sent = briefings(project, "email", "--reader", "ministry", "--attach", "docx",
                         "--send")
        assert sent.returncode == 0, sent.stderr
        assert len(controller.handler.received) == 2
        change_the_vote(project)
        build(project, formats=["docx"], out=project.build)
    finally:
        controller.stop()
        mp.undo()
    return project


def built_text(project: Project, lang: str) -> dict:
    return json.loads((project.build / ALPHA / "ministry" /
                       f"alpha-ministry-{lang}.text.json").read_text(encoding="utf-8"))


def test_the_build_keeps_what_each_document_says(sent_then_changed):
    text = built_text(sent_then_changed, "en")
    assert (text["version"], text["lang"]) == ("1.1", "en")
    assert [s["id"] for s in text["sections"]] == ["summary", "works", "outlook", "sources"]
    summary = text["sections"][0]
    assert summary["title"] == "Summary"
    assert summary["blocks"][0] == {"kind": "paragraph", "text": f"Bottom line. {NEW} Works "
                                    "start in April 2026. [2]"}
    assert {"kind": "row", "text": "Council vote | 45 in favour, 17 against",
            "cells": ["Council vote", "45 in favour, 17 against"]} in summary["blocks"]
    # the note's text, not its call
    assert {"kind": "note", "text": "The works will cost 3.5 million crowns. [1]"} \
        in summary["blocks"]
    assert {"kind": "row", "text": "Cost of the works | 3.5 million crowns",
            "cells": ["Cost of the works", "3.5 million crowns"]} in summary["blocks"]
    assert text["facts"]["harbour.vote"]["values"] == {"in_favour": 45, "against": 17}
    assert text["facts"]["harbour.uses"]["values"]["uses"] == ["fishing", "cargo", "tourism"]


def test_the_record_keeps_the_text_each_recipient_received(sent_then_changed):
    sends = deliveries(sent_then_changed)
    assert sorted((s.to, s.lang, s.version) for s in sends) == [
        ("ana@example.org", "es", "1.0"), ("john@example.org", "en", "1.0")]
    for send in sends:
        kept = sent_then_changed.records / send.received
        assert re.fullmatch(r"received/[0-9a-f]{64}\.json", send.received)
        text = json.loads(kept.read_text(encoding="utf-8"))
        assert (text["version"], text["lang"]) == ("1.0", send.lang)
        assert text["facts"]["harbour.vote"]["values"]["in_favour"] == 41


def test_diff_shows_the_changed_sentence_and_the_fact_value(sent_then_changed):
    done = briefings(sent_then_changed, "diff", "--reader", "ministry", "--lang", "en")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "\033[" not in out          # no colour but in a terminal
    assert out.splitlines()[0] == ("alpha for ministry (en): version 1.0 of 2026-11-23 → "
                                   "version 1.1 of 2026-11-23")
    changed = [line.strip() for line in out.splitlines() if line.startswith("    ")]
    assert changed == [f"- {OLD}", f"+ {NEW}",
                       "- Council vote | 41 in favour, 17 against",
                       "+ Council vote | 45 in favour, 17 against",
                       "in_favour: 41 → 45"]
    assert "received by: john@example.org" in out


def test_diff_in_spanish_splits_sentences_as_spanish_does(sent_then_changed):
    out = briefings(sent_then_changed, "diff", "--reader", "ministry", "--lang", "es").stdout
    removed = [line.strip() for line in out.splitlines() if line.startswith("    - ")]
    assert removed[0] == ("- El Consejo del Puerto de Strelsau aprobó el nuevo faro con 41 "
                          "votos a favor y 17 en contra [1, 2].")


def test_the_page_holds_the_changes_in_its_language(sent_then_changed):
    briefings(sent_then_changed, "diff", "--reader", "ministry", "--lang", "en")
    path = sent_then_changed.build / ALPHA / "ministry" / "alpha-ministry-en-changes.html"
    text = path.read_text(encoding="utf-8")
    page = html.fromstring(text)
    assert page.get("lang") == "en-GB"
    assert page.findtext(".//h1") == "What changed"
    assert " ".join(page.find(".//del").text_content().split()) == f"Removed: {OLD}"
    assert " ".join(page.find(".//ins").text_content().split()) == f"Added: {NEW}"
    assert [td.text_content() for td in page.findall(".//tbody/tr/td")] == [
        "harbour.vote", "in_favour", "41", "45"]
    assert "Content-Security-Policy" in text and "<script" not in text

    briefings(sent_then_changed, "diff", "--reader", "ministry", "--lang", "es")
    spanish = html.fromstring((path.parent / "alpha-ministry-es-changes.html").read_bytes())
    assert (spanish.get("lang"), spanish.findtext(".//h1")) == ("es-PE", "Qué cambió")


def tracked_docx(project: Project) -> etree._Element:
    done = briefings(project, "diff", "--reader", "ministry", "--lang", "en", "--docx")
    assert done.returncode == 0, done.stderr
    path = project.build / ALPHA / "ministry" / "alpha-ministry-en-changes.docx"
    assert "tracked changes: build/alpha/ministry/alpha-ministry-en-changes.docx" in done.stdout
    return etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))


def paragraph_texts(root: etree._Element) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(f"{W}t", f"{W}delText"))
            for p in root.iter(f"{W}p")]


def test_the_tracked_docx_has_the_old_words_deleted_and_the_new_inserted(sent_then_changed):
    root = tracked_docx(sent_then_changed)
    deleted = ["".join(d.itertext()) for d in root.iter(f"{W}del")]
    inserted = ["".join(i.itertext()) for i in root.iter(f"{W}ins")]
    assert deleted == ["41", "41"] and inserted == ["45", "45"]   # the sentence and the row
    for mark in [*root.iter(f"{W}del"), *root.iter(f"{W}ins")]:
        assert mark.get(f"{W}author") == "Policy analysis team"
        assert mark.get(f"{W}date") == "2026-11-23T00:00:00Z"

    # Rejecting every change gives version 1.0's words; accepting them, the built DOCX's.
    built = etree.fromstring(zipfile.ZipFile(
        sent_then_changed.build / ALPHA / "ministry/alpha-ministry-en.docx").read(
            "word/document.xml"))
    accepted = etree.fromstring(etree.tostring(root))
    for mark in list(accepted.iter(f"{W}del")):
        mark.getparent().remove(mark)
    assert paragraph_texts(accepted) == paragraph_texts(built)
    rejected = etree.fromstring(etree.tostring(root))
    for mark in list(rejected.iter(f"{W}ins")):
        mark.getparent().remove(mark)
    assert any(OLD.replace(" [1, 2]", "") in text for text in paragraph_texts(rejected))


def tracked_in(docx: bytes) -> tuple[list[str], list[str]]:
    """The words a DOCX deletes and inserts as tracked changes, in its body."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    return (["".join(d.itertext()) for d in root.iter(f"{W}del")],
            ["".join(i.itertext()) for i in root.iter(f"{W}ins")])


@pytest.fixture(scope="module")
def reissued(sent_then_changed, tmp_path_factory):
    """Version 1.1 reissued, its DOCX with tracked changes, to those holding 1.0; then the
    same command run again. The project, and the messages the server received."""
    project = Project(tmp_path_factory.mktemp("reissued") / "project")
    shutil.copytree(sent_then_changed.root, project.root)
    mp = pytest.MonkeyPatch()
    controller = Controller(Collector(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        for key, value in (("SOURCE_DATE_EPOCH", EPOCH),
                           ("BRIEFINGS_FROM", "Briefings <briefings@example.org>"),
                           ("BRIEFINGS_SMTP_HOST", "127.0.0.1"),
                           ("BRIEFINGS_SMTP_PORT", str(controller.port)),
                           ("BRIEFINGS_SMTP_SECURITY", "none")):
            mp.setenv(key, value)
        command = ("email", "--reader", "ministry", "--attach", "docx", "--reissue",
                   "--tracked", "--send")
        first, again = briefings(project, *command), briefings(project, *command)
    finally:
        controller.stop()
        mp.undo()
    assert (first.returncode, again.returncode) == (0, 0), first.stderr + again.stderr
    assert again.stdout.splitlines()[-1] == ("nothing to reissue: nobody holds an older "
                                             "version than 1.1")
    return project, controller.handler.received


def test_the_reissued_docx_carries_the_changes_since_the_version_held(reissued):
    project, received = reissued
    assert sorted(m["to"][0] for m in received) == ["ana@example.org", "john@example.org"]
    for message in received:
        lang = {"ana@example.org": "es", "john@example.org": "en"}[message["to"][0]]
        (attached,) = message["message"].iter_attachments()
        assert attached.get_filename() == f"alpha-ministry-{lang}-changes.docx"
        assert tracked_in(attached.get_content()) == (["41", "41"], ["45", "45"])
    # what they hold now is 1.1, the built DOCX it marks up
    status = briefings(project, "status").stdout
    assert [line.split()[4] for line in status.splitlines()[2:4]] == ["1.1,", "1.1,"]


def test_libreoffice_reads_the_reissued_docx_with_tracked_changes(reissued, tmp_path):
    if shutil.which("soffice") is None or proof.offline() is None:
        pytest.skip("LibreOffice, or unshare --net to run it offline, is not available: "
                    "sudo apt-get install -y libreoffice-writer-nogui")
    _, received = reissued
    message = next(m for m in received if m["to"] == ["john@example.org"])
    path = tmp_path / "alpha-ministry-en-changes.docx"
    path.write_bytes(next(message["message"].iter_attachments()).get_content())
    subprocess.run([*proof.offline(), "soffice",
                    f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--norestore", "--convert-to", "odt", "--outdir", str(tmp_path), str(path)],
                   capture_output=True, timeout=300, check=True)
    content = etree.fromstring(zipfile.ZipFile(tmp_path / f"{path.stem}.odt").read(
        "content.xml"))
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    regions = content.findall(f".//{{{text}}}tracked-changes/{{{text}}}changed-region")
    deletions = ["".join(r.find(f"{{{text}}}deletion").itertext()) for r in regions
                 if r.find(f"{{{text}}}deletion") is not None]
    assert len(regions) == 4 and deletions[0].endswith("41")
    assert all("Policy analysis team" in "".join(r.itertext()) for r in regions)


def test_tracked_needs_the_docx_attached(sent_then_changed):
    done = briefings(sent_then_changed, "email", "--reader", "ministry", "--tracked")
    assert (done.returncode, done.stderr) == (1, "error: --tracked marks the changes in the "
                                              "DOCX: attach it too (--attach docx, or "
                                              "pdf,docx)\n")


def test_a_version_never_sent_is_named_with_those_that_were(sent_then_changed):
    done = briefings(sent_then_changed, "diff", "--reader", "ministry", "--since", "0.9")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "error: no recipient of alpha for ministry in es has received version 0.9 whose text "
        "was kept (kept: 1.0); the text is kept with each message sent")


def test_notes_and_every_character_are_marked_in_the_docx_and_the_page(sent_then_changed):
    """Against an earlier text whose note said 3.2 million, and whose first paragraph was
    written with the characters a writer must escape."""
    project = sent_then_changed
    new = built_text(project, "es")
    old = json.loads(json.dumps(new))
    summary = old["sections"][0]["blocks"]
    odd = "¿Qué & <cuánto> \"cuesta\"? ¡Señor Núñez — ya!"
    summary[0]["text"] = f"{odd} {summary[0]['text']}"
    note = next(block for block in summary if block["kind"] == "note")
    note["text"] = note["text"].replace("3.5", "3.2")
    docx = (project.build / ALPHA / "ministry/alpha-ministry-es.docx").read_bytes()
    package = zipfile.ZipFile(io.BytesIO(track(docx, old, new)))
    notes = etree.fromstring(package.read("word/footnotes.xml"))
    assert ["".join(d.itertext()) for d in notes.iter(f"{W}del")] == ["3.2"]
    assert ["".join(i.itertext()) for i in notes.iter(f"{W}ins")] == ["3.5"]
    body = etree.fromstring(package.read("word/document.xml"))
    assert ["".join(d.itertext()) for d in body.iter(f"{W}del")] == [odd + " "]

    written = html.fromstring(page(compare(old, new), load_strings(project.theme / "i18n",
                                                                   "es"),
                                   urls.Resources(project.theme)))
    removed = [" ".join(d.text_content().split()) for d in written.iter("del")]
    assert removed[:2] == ['Suprimido: ¿Qué & <cuánto> "cuesta"?',    # two sentences
                           "Suprimido: ¡Señor Núñez — ya!"]
    assert any("3.2" in text for text in removed)
    assert compare(new, new).none


def test_every_block_changed_is_marked_where_the_docx_prints_it(sent_then_changed):
    """Headings, paragraphs, list items, table rows, the box's title and the notes: a word
    added at the start of each in an earlier text is deleted in the DOCX, once each."""
    new = built_text(sent_then_changed, "en")
    old = json.loads(json.dumps(new))
    blocks = 0
    for section in old["sections"]:
        section["title"] = "Earlier " + section["title"]
        blocks += 1
        for block in section["blocks"]:
            block["text"] = "Earlier " + block["text"]
            if "cells" in block:
                block["cells"][0] = "Earlier " + block["cells"][0]
            blocks += 1
    docx = (sent_then_changed.build / ALPHA / "ministry/alpha-ministry-en.docx").read_bytes()
    package = zipfile.ZipFile(io.BytesIO(track(docx, old, new)))
    deleted = ["".join(d.itertext()) for part in ("word/document.xml", "word/footnotes.xml")
               for d in etree.fromstring(package.read(part)).iter(f"{W}del")]
    assert deleted == ["Earlier "] * blocks


def test_a_record_naming_a_text_elsewhere_is_refused(sent_then_changed, tmp_path):
    """The record is shared through git: a line naming a file outside records/received/,
    or a kept text edited since, is refused in one line, never read."""
    project = Project(tmp_path / "project")
    shutil.copytree(sent_then_changed.root, project.root)
    record = project.records / "sends.jsonl"
    lines = record.read_text(encoding="utf-8").splitlines()
    kept = next(entry["received"] for entry in map(json.loads, lines)
                if entry["lang"] == "en" and entry["status"] == "sent")
    record.write_text("\n".join(lines).replace(kept, "../facts/harbour.yaml") + "\n",
                      encoding="utf-8")
    done = briefings(project, "diff", "--reader", "ministry", "--lang", "en")
    assert (done.returncode, done.stderr) == (1, (
        "error: records: the record of sends names '../facts/harbour.yaml' as a text "
        "received, where it keeps files named received/<sha256>.json\n"))

    record.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (project.records / kept).write_text("{}", encoding="utf-8")
    done = briefings(project, "diff", "--reader", "ministry", "--lang", "en")
    assert (done.returncode, done.stderr) == (
        1, f"error: records/{kept}: changed since it was kept: restore it from git\n")
