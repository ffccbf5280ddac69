"""A brief's life after the first send, against a real SMTP server on 127.0.0.1: version 1.0
sent, version 1.1 built with its change note, ``status`` naming who holds 1.0, ``email
--reissue`` sending 1.1 with its note to exactly them, and a second run sending nothing."""

from __future__ import annotations

import pytest

from briefings.cli import main
from tests.conftest import ALPHA
from tests.test_mail import (PROFILE, Collector, built_pdf, built_project, project,  # noqa: F401
                             run, sent_log, smtp_server)
from tests.test_versions import NOTES, second_version

# What is checked and written is the point here, not the worker processes: documents are
# made in this one (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("workers_in_this_process")

NEWCOMER = "  - {name: Rosa Nueva, email: rosa@example.org, lang: es}\n"


def status(project, capsys) -> list[list[str]]:
    assert main(["--project", str(project.root), "status"]) == 0
    return [line.split() for line in capsys.readouterr().out.splitlines()]


def rebuilt(project, capsys) -> str:
    """make brief's build (PDF only, as the fixture's), and what it said."""
    assert main(["--project", str(project.root), "build", "--format", "pdf"]) == 0
    return capsys.readouterr().out


def test_a_reissue_sends_the_new_version_with_its_note_to_those_holding_the_old(
        project, smtp_server, capsys):
    server = smtp_server(Collector())
    assert run(project, "--send", capsys=capsys)[0] == 0            # version 1.0
    at = {e["to"]: e["at"] for e in sent_log(project) if e["status"] == "sent"}
    assert status(project, capsys) == [
        ["alpha:", "version", "1.0", "of", "2026-11-20"],
        ["reader", "lang", "built", "recipient", "holds"],
        ["ministry", "es", "1.0", "ana@example.org", "1.0,", "sent", at["ana@example.org"]],
        ["ministry", "en", "1.0", "john@example.org", "1.0,", "sent", at["john@example.org"]]]

    second_version(project)
    (project.readers / "ministry.yaml").write_text(PROFILE + NEWCOMER, encoding="utf-8")
    said = rebuilt(project, capsys)
    assert said.splitlines()[-1] == ("alpha changed: 2 recipients now hold an outdated version "
                                     "(briefings status --brief alpha)")
    rows = status(project, capsys)
    assert rows[0] == ["alpha:", "version", "1.1", "of", "2026-11-23"]
    assert rows[2:5] == [
        ["ministry", "es", "1.1", "ana@example.org", "1.0,", "sent", at["ana@example.org"] + ":",
         "older"],
        ["ministry", "es", "1.1", "rosa@example.org", "nothing", "yet"],
        ["ministry", "en", "1.1", "john@example.org", "1.0,", "sent", at["john@example.org"] + ":",
         "older"]]
    assert " ".join(rows[-1]) == ("2 recipients of alpha for ministry hold an older version: "
                                  "briefings email --brief alpha --reader ministry --reissue "
                                  "--send")

    code, out, err = run(project, "--reissue", "--send", capsys=capsys)
    assert (code, err) == (0, "")
    assert sorted(m["to"][0] for m in server.received[2:]) == ["ana@example.org",
                                                               "john@example.org"]
    assert ("  not part of the reissue  rosa@example.org (es): has received no version yet: "
            "a reissue goes only to those holding an older one") in out
    for message in server.received[2:]:
        lang = {"ana@example.org": "es", "john@example.org": "en"}[message["to"][0]]
        mail = message["message"]
        assert {"es": "versión 1.1", "en": "version 1.1"}[lang] in mail["Subject"]
        text = " ".join(mail.get_body(("plain",)).get_content().split())
        assert {"es": "que reemplaza la versión 1.0 que recibió",
                "en": "which replaces version 1.0 you received"}[lang] in text
        assert {"es": "- Versión 1.1, 23 de noviembre de 2026: ",
                "en": "- Version 1.1, 23 November 2026: "}[lang] + NOTES[lang] in text
        assert NOTES[lang] in mail.get_body(("html",)).get_content()
        attached = next(mail.iter_attachments()).get_content()
        assert attached == built_pdf(project, lang)
    last = {e["to"]: e for e in sent_log(project)}
    assert {to: (e["status"], e["version"]) for to, e in last.items()} == {
        "ana@example.org": ("sent", "1.1"), "john@example.org": ("sent", "1.1")}

    code, out, err = run(project, "--reissue", "--send", capsys=capsys)   # again: nothing
    assert (code, err) == (0, "") and len(server.received) == 4
    assert "  not part of the reissue  ana@example.org (es): holds 1.1 already" in out
    assert out.splitlines()[-1] == "nothing to reissue: nobody holds an older version than 1.1"
    assert [row[4:5] for row in status(project, capsys)[2:5]] == [["1.1,"], ["nothing"],
                                                                 ["1.1,"]]


def test_a_first_send_after_a_new_version_says_nothing_of_changes(project, capsys):
    """Whoever never received the brief gets the newest version as a first one."""
    second_version(project)
    rebuilt(project, capsys)
    assert run(project, "--lang", "en", capsys=capsys)[0] == 0
    from tests.test_mail import outbox, parse
    mail = parse(outbox(project) / "en-john_at_example.org.eml")
    assert "version" not in mail["Subject"]
    assert "What changed" not in mail.get_body(("plain",)).get_content()


def test_status_lists_every_reader_and_language_even_with_nobody_to_send_to(tiny, capsys):
    assert main(["--project", str(tiny.root), "status", "--brief", "beta"]) == 0
    assert capsys.readouterr().out == """\
beta: version 0.1
  reader    lang  built      recipient             holds
  ministry  es    not built  analista@example.org  nothing yet
  ministry  en    not built  -                     nobody on its list reads it
"""
