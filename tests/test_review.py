"""Facts that expire (``valid_until``: check's warnings, ``briefings due``) and where a fact
goes (``briefings uses``), on the fixture project; the day is conftest's TODAY, 2026-11-23."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import ALPHA, ROOT, briefings, built_on_today, only_readers
from tests.test_mail import PROFILE

# What is checked and written is the point here, not the worker processes: documents are
# made in this one (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("workers_in_this_process")

GUIDE = ROOT / "docs/editing-templates.md"

FIGURES = """\
figures:
  schedule:
    kind: timeline
    events:
      - {fact: harbour.opening, label: {es: "Apertura", en: "Opening"}}
    spans:
      - {fact: harbour.works, start: start, end: end, label: {es: "Obras", en: "Works"}}
    caption: {es: "Calendario.", en: "Schedule."}
    alt: {es: "Del {start} al {end}: {events}. {spans}.", en: "From {start} to {end}: {events}. {spans}."}
"""


def valid_until(project, topic: str, fact_id: str, day: str) -> int:
    """``valid_until: day`` written into the fact, after its as_of; returns its line."""
    path = project.facts / f"{topic}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"  - id: {fact_id}")
    at = next(i for i in range(start, len(lines)) if lines[i].startswith("    as_of:")) + 1
    lines.insert(at, f"    valid_until: {day}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


def expiry_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if " until 20" in line]


def review_within(project, days: int) -> None:
    path = project.templates / "project.yaml"
    text = path.read_text(encoding="utf-8")
    assert "review_within_days: 30" in text
    path.write_text(text.replace("review_within_days: 30", f"review_within_days: {days}"),
                    encoding="utf-8")


def files_of(root: Path) -> set[Path]:
    return {path for path in root.rglob("*")}


# --- facts that expire -------------------------------------------------------------------------

def test_check_warns_once_per_brief_about_a_fact_past_or_near_its_end(tiny):
    # Written from the top down, so the lines above stay where they were written.
    past = valid_until(tiny, "harbour", "harbour.cost", "2026-11-01")    # 22 days ago
    near = valid_until(tiny, "harbour", "harbour.works", "2026-12-10")   # in 17 days
    valid_until(tiny, "harbour", "harbour.opening", "2027-06-30")        # far: nothing
    run = briefings(tiny, "check")
    assert run.returncode == 0, run.stdout
    assert expiry_lines(run.stdout) == [
        f"warning: facts/harbour.yaml:{past}: fact 'harbour.cost' held until 2026-11-01 "
        "(22 days ago) and brief 'alpha' still prints it: update the fact and its "
        "valid_until, or the brief",
        f"warning: facts/harbour.yaml:{near}: fact 'harbour.works' holds until 2026-12-10 "
        "(in 17 days) and brief 'alpha' prints it: review the brief before then"]
    assert briefings(tiny, "check", "--strict").returncode == 1

    review_within(tiny, 10)   # the near one is no longer near
    assert [line.split(": fact ")[1][:14] for line in expiry_lines(
        briefings(tiny, "check").stdout)] == ["'harbour.cost'"]


def test_due_lists_the_briefs_to_review_the_most_urgent_first(tiny):
    nothing = briefings(tiny, "due")
    assert (nothing.returncode, nothing.stdout) == (0, (
        "nothing due: no brief prints a fact that stops holding within 30 days of "
        "2026-11-23 (review_within_days in templates/project.yaml)\n"))
    cost = valid_until(tiny, "harbour", "harbour.cost", "2026-12-21")
    works = valid_until(tiny, "harbour", "harbour.works", "2026-12-20")
    valid_until(tiny, "harbour", "harbour.opening", "2027-06-30")
    sessions = valid_until(tiny, "council", "council.sessions", "2026-11-23")
    due = briefings(tiny, "due")
    assert due.returncode == 0, due.stderr
    assert due.stdout == f"""\
2 briefs to review on 2026-11-23 (facts that stop holding within 30 days, or have):

beta
  until 2026-11-23  today       council.sessions  facts/council.yaml:{sessions}

alpha
  until 2026-12-20  in 27 days  harbour.works     facts/harbour.yaml:{works}
  until 2026-12-21  in 28 days  harbour.cost      facts/harbour.yaml:{cost}
"""
    assert not (tiny.root / "build").exists()


def test_valid_until_before_as_of_is_the_fact_files_mistake(tiny):
    line = valid_until(tiny, "harbour", "harbour.cost", "2025-12-31")
    run = briefings(tiny, "due")
    assert run.returncode == 1
    assert run.stderr == (f"error: facts/harbour.yaml:{line}: fact 'harbour.cost': valid_until: "
                          "2025-12-31 is before as_of (2026-03-02): a fact holds from the day "
                          "it was confirmed\n")


# --- where a fact goes -------------------------------------------------------------------------

def test_uses_lists_every_version_section_and_figure_and_writes_nothing(tiny):
    (tiny.briefs / "alpha/figures.yaml").write_text(FIGURES, encoding="utf-8")
    works = tiny.briefs / "alpha/sections/works.md.j2"
    works.write_text(works.read_text(encoding="utf-8") + '\n{{ figure("schedule") }}\n',
                     encoding="utf-8")
    before = files_of(tiny.root)
    run = briefings(tiny, "uses", "harbour.opening")
    assert run.returncode == 0, run.stderr
    assert run.stdout == """\
harbour.opening (facts/harbour.yaml:49): as of 2026-03-02

printed in 4 versions:
  brief  reader    lang  section  figure
  alpha  ministry  es    works
  alpha  ministry  es    works    schedule
  alpha  ministry  en    works
  alpha  ministry  en    works    schedule
  alpha  press     en    works
  alpha  press     en    works    schedule
  alpha  press     es    works
  alpha  press     es    works    schedule

received by nobody yet (no delivery of these in records/sends.jsonl)
"""
    assert files_of(tiny.root) == before   # no figure drawn, no build/ folder


def test_uses_of_an_unknown_fact_is_one_line_with_the_closest(tiny):
    run = briefings(tiny, "uses", "harbour.openning")
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == ("error: unknown fact 'harbour.openning' (did you mean "
                          "'harbour.opening'?)\n")


class Server:
    """Takes every message except those to ``refused``."""

    def __init__(self, refused: str):
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 accepted"


def test_uses_names_who_received_the_documents_from_a_real_send(tiny, monkeypatch):
    """``briefings email --send`` to an SMTP server on 127.0.0.1 writes the record of sends
    that ``uses`` reads; a recipient the server refused received nothing."""
    (tiny.readers / "ministry.yaml").write_text(
        PROFILE + "  - {name: Nadie, email: nobody@example.org, lang: es}\n", encoding="utf-8")
    only_readers(tiny, "ministry", brief=ALPHA)
    built_on_today(tiny, tiny.build)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(Server("nobody@example.org"), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        for key, value in (("BRIEFINGS_FROM", "Briefings <briefings@example.org>"),
                           ("BRIEFINGS_SMTP_HOST", "127.0.0.1"),
                           ("BRIEFINGS_SMTP_PORT", str(port)),
                           ("BRIEFINGS_SMTP_SECURITY", "none")):
            monkeypatch.setenv(key, value)
        for key in ("BRIEFINGS_SMTP_USER", "BRIEFINGS_SMTP_PASSWORD"):
            monkeypatch.delenv(key, raising=False)
        sent = briefings(tiny, "email", "--brief", ALPHA, "--reader", "ministry", "--send")
    finally:
        controller.stop()
    assert sent.returncode == 1 and "nobody@example.org" in sent.stderr   # refused
    record = [json.loads(line) for line in
              (tiny.root / "records/sends.jsonl").read_text(encoding="utf-8").splitlines()]
    at = {entry["to"]: entry["at"] for entry in record if entry["status"] == "sent"}
    assert sorted(at) == ["ana@example.org", "john@example.org"]

    run = briefings(tiny, "uses", "harbour.cost")
    assert run.returncode == 0, run.stderr
    table = run.stdout.split("received by (from records/sends.jsonl):\n")[1]
    rows = [line.split() for line in table.splitlines()]
    assert rows == [
        ["brief", "reader", "lang", "version", "recipient", "delivered", "files"],
        ["alpha", "ministry", "es", "1.0", "ana@example.org", at["ana@example.org"],
         "alpha-ministry-es.pdf"],
        ["alpha", "ministry", "en", "1.0", "john@example.org", at["john@example.org"],
         "alpha-ministry-en.pdf"]]
    assert "  alpha  ministry  es    summary" in run.stdout


def test_the_guides_due_example_is_what_due_prints_for_the_peru_brief(project, monkeypatch):
    """docs/editing-templates.md shows `briefings due` on the real project on 6 December
    2026: the same words, the same fact line."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796583600")   # 2026-12-06 in Lima
    run = briefings(project, "due")
    assert run.returncode == 0, run.stderr
    shown = "".join(f"   {line}\n" if line else "\n" for line in run.stdout.splitlines())
    assert "   ```\n" + shown + "   ```\n" in GUIDE.read_text(encoding="utf-8")
