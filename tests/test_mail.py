"""``briefings email`` against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from briefings.cli import main
from briefings.project import Project
from briefings.scaffold import new_brief
from tests.conftest import ALPHA, ROOT, copy_tiny, only_readers

PASSWORD = "s3cret-Pa55word-42!"
USER = "mailer"
TITLES = {"es": "El faro de Strelsau", "en": "The Strelsau lighthouse"}
PROFILE = """\
name: {es: Ministerio de Faros de Ruritania, en: Ruritanian Ministry of Lighthouses}
languages: [es, en]
classification: {es: Público, en: Public}
distribution:
  - {name: Ana Quispe, email: ana@example.org, lang: es}
  - {name: John Smith, email: john@example.org, lang: en}
"""


# --- a built project, and a server ---------------------------------------------------------

@pytest.fixture(scope="module")
def built_project(tmp_path_factory) -> Path:
    """The fixture's brief alpha for ministry, the only brief left, built once (PDF only);
    each test works on its own copy."""
    from briefings.build import build
    root = tmp_path_factory.mktemp("mail") / "project"
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1795392000")  # 2026-11-23
    try:
        project = copy_tiny(root)
        (project.readers / "ministry.yaml").write_text(PROFILE)
        only_readers(project, "ministry", brief=ALPHA)
        build(project, formats=["pdf"], out=project.build)
        os.utime(project.build / "manifest.json", (1795420800, 1795420800))  # built 2026-11-23
    finally:
        mp.undo()
    return root


@pytest.fixture
def project(built_project, tmp_path, monkeypatch) -> Project:
    for key in ("BRIEFINGS_FROM", "BRIEFINGS_SMTP_HOST", "BRIEFINGS_SMTP_PORT",
                "BRIEFINGS_SMTP_SECURITY", "BRIEFINGS_SMTP_USER", "BRIEFINGS_SMTP_PASSWORD",
                "BRIEFINGS_SMTP_CAFILE", "BRIEFINGS_SMTP_TIMEOUT", "BRIEFINGS_MAX_ATTACHMENT_MB"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")
    monkeypatch.setenv("BRIEFINGS_FROM", "Briefings <briefings@example.org>")
    shutil.copytree(built_project, tmp_path / "project")
    return Project(tmp_path / "project")


class Collector:
    """Accepts every message, except for the addresses it is told to refuse at RCPT or reject
    after DATA. For those in ``drop`` or ``hold`` it takes the message, then drops the
    connection instead of answering, or holds the answer (setting ``arrived``) until
    ``release`` is set."""

    def __init__(self, refuse=(), reject=(), drop=(), hold=()):
        self.refuse, self.reject = set(refuse), set(reject)
        self.drop, self.hold = set(drop), set(hold)
        self.arrived, self.release = threading.Event(), threading.Event()
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reject & set(envelope.rcpt_tos):
            return "554 5.7.1 message refused"
        self.received.append({
            "to": list(envelope.rcpt_tos), "from": envelope.mail_from,
            "raw": envelope.original_content,
            "message": BytesParser(policy=policy.default).parsebytes(envelope.content),
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": session.authenticated})
        if self.drop & set(envelope.rcpt_tos):
            server.transport.abort()
        elif self.hold & set(envelope.rcpt_tos):
            self.arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        return "250 2.0.0 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(monkeypatch):
    """Start a server: ``smtp_server(Collector(), **controller_options)``; plain by default."""
    controllers = []

    def start(handler, security="none", **options):
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        controllers.append(controller)
        monkeypatch.setenv("BRIEFINGS_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("BRIEFINGS_SMTP_PORT", str(controller.port))
        monkeypatch.setenv("BRIEFINGS_SMTP_SECURITY", security)
        return handler

    yield start
    for controller in controllers:
        controller.handler.release.set()  # no answer held past the test
        controller.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the client trusts it via BRIEFINGS_SMTP_CAFILE)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def tls_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def authenticator(server, session, envelope, mechanism, auth_data):
    # handled=False: let the server answer 535 itself on a wrong password.
    return AuthResult(success=(auth_data.login, auth_data.password)
                      == (USER.encode(), PASSWORD.encode()), handled=False)


def run(project, *args, capsys) -> tuple[int, str, str]:
    code = main(["--project", str(project.root), "email", "--reader", "ministry", *args])
    out, err = capsys.readouterr()
    return code, out, err


def built_pdf(project, lang) -> bytes:
    return (project.build / ALPHA / f"ministry/alpha-ministry-{lang}.pdf").read_bytes()


def outbox(project) -> Path:
    """Where the messages of brief alpha for ministry are written."""
    return project.build / "outbox" / ALPHA / "ministry"


def sent_log(project) -> list[dict]:
    path = record(project)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def record(project) -> Path:
    """The record of sends: outside build/, which make clean deletes."""
    return project.root / "records/sends.jsonl"


def logged(project) -> list[tuple[str, str]]:
    return [(e["to"], e["status"]) for e in sent_log(project)]


def parse(path: Path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def check_message(message, lang, project, greeting):
    assert TITLES[lang] in message["Subject"]
    assert message["Subject"].endswith(
        {"es": "23 de noviembre de 2026", "en": "23 November 2026"}[lang])  # the build's day
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert text.startswith(greeting)
    assert f"lang=\"{lang}\"" in html and TITLES[lang] in html
    assert message["Content-Language"] == lang
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == [f"alpha-ministry-{lang}.pdf"]
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_content() == built_pdf(project, lang)


# --- sending ---------------------------------------------------------------------------------

def test_each_recipient_gets_one_message_in_their_language_once(project, smtp_server, capsys):
    server = smtp_server(Collector())
    code, out, err = run(project, "--send", capsys=capsys)
    assert (code, err) == (0, "")
    by_address = {m["to"][0]: m for m in server.received}
    assert sorted(by_address) == ["ana@example.org", "john@example.org"]
    assert all(len(m["to"]) == 1 for m in server.received)
    check_message(by_address["ana@example.org"]["message"], "es", project, "Estimado/a Ana Quispe:")
    check_message(by_address["john@example.org"]["message"], "en", project, "Dear John Smith,")
    assert by_address["ana@example.org"]["from"] == "briefings@example.org"
    log = sent_log(project)
    assert {(e["brief"], e["reader"], e["version"]) for e in log} == {
        ("alpha", "ministry", "1.0")}
    assert [(e["to"], e["lang"], e["status"], e["files"][0]["name"]) for e in log] == [
        ("ana@example.org", "es", "sending", "alpha-ministry-es.pdf"),
        ("ana@example.org", "es", "sent", "alpha-ministry-es.pdf"),
        ("john@example.org", "en", "sending", "alpha-ministry-en.pdf"),
        ("john@example.org", "en", "sent", "alpha-ministry-en.pdf")]
    assert {e["message_id"] for e in log} == {m["message"]["Message-ID"]
                                              for m in server.received}

    code, out, err = run(project, "--send", capsys=capsys)  # the same again: nothing sent
    assert code == 0 and len(server.received) == 2
    assert "sent 0" not in out  # but who was skipped, and why
    when = {e["to"]: e["at"] for e in log if e["status"] == "sent"}
    assert out.splitlines()[-1] == (
        "skipped 2 (--resend sends to them again): "
        f"ana@example.org (already sent on {when['ana@example.org']}), "
        f"john@example.org (already sent on {when['john@example.org']})")

    code, out, err = run(project, "--send", "--resend", "--lang", "en", capsys=capsys)
    assert code == 0 and [m["to"] for m in server.received[2:]] == [["john@example.org"]]


def test_the_outbox_holds_each_message_as_sent(project, smtp_server, capsys):
    run(project, capsys=capsys)  # a dry run first: its Date and Message-ID differ
    server = smtp_server(Collector())
    assert run(project, "--send", capsys=capsys)[0] == 0
    folder = outbox(project)
    assert sorted(p.name for p in folder.glob("*.eml")) == [
        "en-john_at_example.org.eml", "es-ana_at_example.org.eml"]
    by_address = {m["to"][0]: m["raw"] for m in server.received}
    assert (folder / "es-ana_at_example.org.eml").read_bytes() == by_address["ana@example.org"]
    assert (folder / "en-john_at_example.org.eml").read_bytes() == by_address["john@example.org"]


def test_to_sends_only_there_in_the_reader_s_language_or_the_one_given(project, smtp_server,
                                                                         capsys):
    server = smtp_server(Collector())
    assert run(project, "--send", "--to", "desk@example.org", capsys=capsys)[0] == 0
    assert run(project, "--send", "--to", "desk@example.org", "--lang", "en",
               capsys=capsys)[0] == 0
    assert [m["to"] for m in server.received] == [["desk@example.org"]] * 2
    check_message(server.received[0]["message"], "es", project, "De nuestra consideración:")
    check_message(server.received[1]["message"], "en", project, "Dear reader,")


def test_refused_recipient_is_reported_and_the_others_still_get_it(project, smtp_server,
                                                                   capsys):
    server = smtp_server(Collector(refuse={"ana@example.org"}))
    code, out, err = run(project, "--send", capsys=capsys)
    assert code == 1
    assert "ana@example.org (es): 550 5.1.1 <ana@example.org>: mailbox unavailable" in out
    assert err == "error: 1 recipient(s) did not receive the brief: ana@example.org\n"
    assert [m["to"] for m in server.received] == [["john@example.org"]]
    assert logged(project) == [("john@example.org", "sending"), ("john@example.org", "sent")]

    server.refuse.clear()  # fixed: a re-run sends only to the one who missed it
    assert run(project, "--send", capsys=capsys)[0] == 0
    assert [m["to"] for m in server.received] == [["john@example.org"], ["ana@example.org"]]


def test_a_message_refused_after_data_was_not_delivered(project, smtp_server, capsys):
    server = smtp_server(Collector(reject={"ana@example.org"}))
    code, out, err = run(project, "--send", capsys=capsys)
    assert err == "error: 1 recipient(s) did not receive the brief: ana@example.org\n"
    assert "FAILED   ana@example.org (es): 554 5.7.1 message refused" in out
    assert logged(project)[:2] == [("ana@example.org", "sending"), ("ana@example.org", "failed")]

    server.reject.clear()  # a refusal is an answer: the re-run sends it
    assert run(project, "--send", capsys=capsys)[0] == 0
    assert [m["to"] for m in server.received] == [["john@example.org"], ["ana@example.org"]]


# --- never twice: an answer lost after DATA -----------------------------------------------------

UNKNOWN_ANA = ("error: 1 message(s) may have been delivered (the server's answer was lost): "
               "ana@example.org; check with them: a re-run skips them unless --resend\n")


def test_a_connection_dropped_after_data_may_have_delivered(project, smtp_server, capsys):
    server = smtp_server(Collector(drop={"ana@example.org"}))
    code, out, err = run(project, "--send", capsys=capsys)
    assert (code, err) == (1, UNKNOWN_ANA)
    assert "UNKNOWN  ana@example.org (es): " in out and "it may have been delivered" in out
    assert "did not receive" not in out + err
    assert [m["to"] for m in server.received] == [["ana@example.org"], ["john@example.org"]]
    assert logged(project) == [("ana@example.org", "sending"), ("ana@example.org", "unknown"),
                               ("john@example.org", "sending"), ("john@example.org", "sent")]

    server.drop.clear()  # the server behaves now: still no second copy
    code, out, err = run(project, "--send", capsys=capsys)
    assert (code, err) == (0, "") and len(server.received) == 2
    assert "ana@example.org (may have been delivered on " in out

    assert run(project, "--send", "--resend", "--lang", "es", capsys=capsys)[0] == 0
    assert [m["to"] for m in server.received[2:]] == [["ana@example.org"]]
    code, out, err = run(project, "--send", "--lang", "es", capsys=capsys)
    assert "ana@example.org (already sent on " in out and len(server.received) == 3


def test_an_answer_after_the_timeout_may_have_delivered(project, smtp_server, capsys,
                                                        monkeypatch):
    server = smtp_server(Collector(hold={"ana@example.org"}))
    monkeypatch.setenv("BRIEFINGS_SMTP_TIMEOUT", "0.5")
    code, out, err = run(project, "--send", capsys=capsys)
    server.release.set()  # the server accepts ana's message after all
    assert (code, err) == (1, UNKNOWN_ANA)
    assert "UNKNOWN  ana@example.org (es): no answer in time; it may have been delivered" in out
    assert logged(project)[:2] == [("ana@example.org", "sending"), ("ana@example.org", "unknown")]
    assert [m["to"] for m in server.received] == [["ana@example.org"], ["john@example.org"]]

    code, out, err = run(project, "--send", capsys=capsys)
    assert (code, err) == (0, "") and len(server.received) == 2
    assert "ana@example.org (may have been delivered on " in out


def test_killed_while_the_server_answers_may_have_delivered(project, smtp_server, capsys):
    server = smtp_server(Collector(hold={"ana@example.org"}))
    command = subprocess.Popen([sys.executable, "-m", "briefings", "--project", str(project.root),
                                "email", "--reader", "ministry", "--send"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert server.arrived.wait(60), "the message never reached the server"
    finally:
        command.kill()  # SIGKILL: no chance to write anything more
        command.wait()
    assert logged(project) == [("ana@example.org", "sending")]

    server.hold.clear()
    server.release.set()
    code, out, err = run(project, "--send", capsys=capsys)
    assert [m["to"] for m in server.received] == [["ana@example.org"], ["john@example.org"]]
    assert (code, err) == (0, "")
    assert "ana@example.org (may have been delivered on " in out


def clean_command() -> str:
    """The command of the Makefile's ``clean`` rule."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nclean:\n")[1]
    return lines.splitlines()[0].strip()


def test_the_record_of_sends_outlives_make_clean(project, smtp_server, capsys):
    server = smtp_server(Collector())
    assert run(project, "--send", capsys=capsys)[0] == 0
    kept = project.root.parent / "kept-build"
    shutil.copytree(project.build, kept)
    subprocess.run(clean_command(), shell=True, cwd=project.root, check=True)
    assert not project.build.exists()
    assert [(e["to"], e["status"]) for e in sent_log(project)][1::2] == [
        ("ana@example.org", "sent"), ("john@example.org", "sent")]

    shutil.copytree(kept, project.build)   # the same files built again: nobody gets them twice
    code, out, err = run(project, "--send", capsys=capsys)
    assert code == 0 and len(server.received) == 2
    assert out.splitlines()[-1].startswith("skipped 2 ")


def test_a_record_kept_in_build_is_moved_out_and_still_holds(project, smtp_server, capsys):
    """A record written before versions were recorded, in build/outbox/sent.jsonl: what it
    says was sent is not sent again, and the next send moves it to records/."""
    pdf = built_pdf(project, "es")
    earlier = {"at": "2026-11-23T15:00:00+00:00", "status": "sent", "message_id": "<1@x>",
               "edition": "alpha/ministry", "to": "ana@example.org", "lang": "es",
               "files": [{"name": "alpha-ministry-es.pdf",
                          "sha256": hashlib.sha256(pdf).hexdigest()}]}
    old = project.build / "outbox/sent.jsonl"
    old.parent.mkdir(parents=True)
    old.write_text(json.dumps(earlier) + "\n")
    server = smtp_server(Collector())
    code, out, err = run(project, "--send", capsys=capsys)
    assert (code, err) == (0, "")
    assert [m["to"] for m in server.received] == [["john@example.org"]]
    assert "ana@example.org (already sent on 2026-11-23T15:00:00+00:00)" in out
    assert not old.exists()
    assert sent_log(project)[0] == earlier
    assert [e["to"] for e in sent_log(project)] == ["ana@example.org"] + ["john@example.org"] * 2


def test_the_manifest_says_which_version_was_built(project):
    manifest = json.loads((project.build / "manifest.json").read_text())
    assert {entry["version"] for entry in manifest["outputs"]} == {"1.0"}


def test_server_down_is_one_clear_line_and_nothing_is_logged(project, monkeypatch, capsys):
    monkeypatch.setenv("BRIEFINGS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BRIEFINGS_SMTP_PORT", str(free_port()))  # nobody listens there
    monkeypatch.setenv("BRIEFINGS_SMTP_SECURITY", "none")
    code, out, err = run(project, "--send", capsys=capsys)
    assert code == 1
    assert err.startswith("error: 127.0.0.1:") and "Connection refused" in err
    assert len(err.splitlines()) == 1
    assert not record(project).exists()


# --- TLS and login ---------------------------------------------------------------------------

def test_starttls_and_login_and_the_password_never_shows(project, smtp_server, certificate,
                                                         tmp_path, capsys):
    server = smtp_server(Collector(), security="starttls", tls_context=tls_context(certificate),
                         require_starttls=True, authenticator=authenticator,
                         auth_require_tls=True)
    env_file = tmp_path / "mail.env"  # beside the project, not in it
    env_file.write_text(f"# mail settings\nBRIEFINGS_SMTP_USER={USER}\n"
                        f"BRIEFINGS_SMTP_PASSWORD='{PASSWORD}'\n"
                        f"BRIEFINGS_SMTP_CAFILE={certificate[0]}\n")
    outputs = []
    for args in ([], ["--send"], ["--send"], ["--send", "--resend"]):
        code, out, err = run(project, "--env-file", str(env_file), *args, capsys=capsys)
        assert code == 0, err
        outputs += [out, err]
    assert len(server.received) == 4
    assert all(m["tls"] and m["authenticated"] for m in server.received)

    written = [p.read_bytes() for p in (project.build / "outbox").rglob("*") if p.is_file()]
    assert any(p.suffix == ".eml" for p in (project.build / "outbox").rglob("*"))
    for secret in (PASSWORD, PASSWORD.encode()):
        assert not any(secret in text for text in (outputs if isinstance(secret, str)
                                                   else written))

    env_file.write_text(env_file.read_text().replace(PASSWORD, PASSWORD + "-wrong"))
    code, out, err = run(project, "--env-file", str(env_file), "--send", "--resend",
                         capsys=capsys)
    assert code == 1 and "refused the login of 'mailer': 535" in err
    assert PASSWORD not in out + err and len(server.received) == 4


def test_the_server_certificate_is_verified(project, smtp_server, certificate, capsys):
    server = smtp_server(Collector(), security="starttls", tls_context=tls_context(certificate))
    code, out, err = run(project, "--send", capsys=capsys)  # no BRIEFINGS_SMTP_CAFILE
    assert code == 1 and "cannot verify the server's certificate" in err
    assert server.received == [] and not record(project).exists()


def test_implicit_tls(project, smtp_server, certificate, monkeypatch, capsys):
    server = smtp_server(Collector(), security="ssl", ssl_context=tls_context(certificate))
    monkeypatch.setenv("BRIEFINGS_SMTP_CAFILE", str(certificate[0]))
    assert run(project, "--send", capsys=capsys)[0] == 0
    assert len(server.received) == 2 and all(m["tls"] for m in server.received)


def test_env_file_inside_the_project_is_refused(project, capsys):
    env_file = project.root / "mail.env"
    env_file.write_text(f"BRIEFINGS_SMTP_PASSWORD={PASSWORD}\n")
    code, out, err = run(project, "--env-file", str(env_file), capsys=capsys)
    assert code == 1 and "keep the env file outside the project folder" in err
    assert PASSWORD not in out + err


def test_env_file_errors_name_the_line_not_its_content(project, tmp_path, capsys):
    env_file = tmp_path / "mail.env"
    env_file.write_text(f"BRIEFINGS_FROM=a@example.org\n{PASSWORD}\n")
    code, out, err = run(project, "--env-file", str(env_file), capsys=capsys)
    assert code == 1 and err == f"error: {env_file}:2: expected KEY=VALUE\n"


def test_a_misspelt_setting_in_the_env_file_gets_the_closest_one(project, tmp_path, capsys):
    env_file = tmp_path / "mail.env"
    env_file.write_text("BRIEFINGS_FORM=a@example.org\n")
    code, _, err = run(project, "--env-file", str(env_file), capsys=capsys)
    assert code == 1 and err.startswith(f"error: {env_file}:1: unknown setting "
                                        "'BRIEFINGS_FORM' (did you mean 'BRIEFINGS_FROM'? known: ")


def test_env_file_is_read_as_any_env_file_is(tmp_path):
    from briefings.mail.config import read_env_file
    env_file = tmp_path / "mail.env"
    env_file.write_text("# mail settings\nexport BRIEFINGS_SMTP_USER='ana'\n"
                        'BRIEFINGS_SMTP_PASSWORD="pa #ss"  # quoted: the comment is not in it\n'
                        "BRIEFINGS_FROM=Briefings <b@example.org>\n")
    assert read_env_file(env_file, tmp_path / "project") == {
        "BRIEFINGS_SMTP_USER": "ana", "BRIEFINGS_SMTP_PASSWORD": "pa #ss",
        "BRIEFINGS_FROM": "Briefings <b@example.org>"}


# --- dry run and refusals ----------------------------------------------------------------------

@pytest.mark.parametrize("subject", [
    "Peru and NATO: relations, benefits and risks of a closer partnership — 5 December 2026",
    "Perú y la OTAN: relaciones, beneficios y riesgos de una asociación más estrecha — 5 de "
    "diciembre de 2026, versión ampliada para la Cancillería",
    "«Ñandú» ¿qué? ¡sí! — ü " * 6 + "fin",
    "A plain subject long enough to be folded somewhere, since it runs past seventy-eight "
    "characters",
])
def test_the_subject_reads_back_exactly_as_composed(project, capsys, subject):
    brief = project.briefs / ALPHA / "email/en"
    brief.mkdir(parents=True)
    (brief / "subject.txt.j2").write_text(subject + "\n", encoding="utf-8")
    assert run(project, "--lang", "en", capsys=capsys)[0] == 0
    raw = (outbox(project) / "en-john_at_example.org.eml").read_bytes()
    assert BytesParser(policy=policy.default).parsebytes(raw)["Subject"] == subject
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78


def test_dry_run_writes_messages_that_parse_back_and_sends_nothing(project, capsys):
    code, out, err = run(project, capsys=capsys)
    assert code == 0 and "nothing sent" in out
    folder = outbox(project)
    assert sorted(p.name for p in folder.iterdir()) == [
        "en-john_at_example.org.eml", "es-ana_at_example.org.eml"]
    ana = BytesParser(policy=policy.default).parsebytes(
        (folder / "es-ana_at_example.org.eml").read_bytes())
    assert ana["To"] == "Ana Quispe <ana@example.org>"
    check_message(ana, "es", project, "Estimado/a Ana Quispe:")
    check_message(BytesParser(policy=policy.default).parsebytes(
        (folder / "en-john_at_example.org.eml").read_bytes()), "en", project, "Dear John Smith,")
    assert not record(project).exists()



def test_a_run_for_one_language_leaves_the_others_messages(project, capsys):
    run(project, capsys=capsys)
    folder = outbox(project)
    spanish = (folder / "es-ana_at_example.org.eml").read_bytes()
    english = parse(folder / "en-john_at_example.org.eml")["Message-ID"]
    run(project, "--to", "desk@example.org", "--lang", "en", capsys=capsys)
    assert sorted(p.name for p in folder.iterdir()) == [
        "en-desk_at_example.org.eml", "es-ana_at_example.org.eml"]  # en: this run's only
    assert (folder / "es-ana_at_example.org.eml").read_bytes() == spanish
    run(project, "--lang", "en", capsys=capsys)
    assert sorted(p.name for p in folder.iterdir()) == [
        "en-john_at_example.org.eml", "es-ana_at_example.org.eml"]
    assert parse(folder / "en-john_at_example.org.eml")["Message-ID"] != english
    assert (folder / "es-ana_at_example.org.eml").read_bytes() == spanish


def test_brief_and_reader_templates_override_the_shared_ones(project, capsys):
    brief = project.briefs / ALPHA / "email/es"
    reader = project.briefs / ALPHA / "readers/ministry/email/es"
    brief.mkdir(parents=True), reader.mkdir(parents=True)
    (brief / "subject.txt.j2").write_text("Para {{ name }}: {{ title }}\n")
    (brief / "body.txt.j2").write_text("Not this one: the reader's comes first.\n")
    (reader / "body.txt.j2").write_text('{% include "theme/es/body.txt.j2" %}\nPosdata.\n')
    assert run(project, "--lang", "es", capsys=capsys)[0] == 0
    message = BytesParser(policy=policy.default).parsebytes(
        (outbox(project) / "es-ana_at_example.org.eml").read_bytes())
    assert message["Subject"] == f"Para Ana Quispe: {TITLES['es']}"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Estimado/a Ana Quispe:")
    assert text.splitlines()[-2:] == ["Atentamente.", "Posdata."]


def test_stale_or_missing_builds_are_refused(project, capsys):
    code, out, err = run(project, "--attach", "pdf,docx", capsys=capsys)
    assert code == 1 and ("no docx of 'alpha' for 'ministry' in 'es' has been built: "
                          "run make brief") in err

    pdf = project.build / ALPHA / "ministry/alpha-ministry-en.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n% edited")
    code, out, err = run(project, capsys=capsys)
    assert code == 1
    assert err == (f"error: {pdf}: file changed since the manifest was written: "
                   "run make brief\n")
    assert not outbox(project).exists()

    (project.build / "manifest.json").unlink()
    code, out, err = run(project, capsys=capsys)
    assert code == 1 and "run make brief" in err


@pytest.mark.parametrize("outside", ["absolute", "relative", "link"])
def test_only_files_inside_build_are_attached(project, tmp_path, capsys, outside):
    secret = tmp_path / "passwd"
    secret.write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    manifest_path = project.build / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    entry = next(e for e in manifest["outputs"] if (e["lang"], e["format"]) == ("es", "pdf"))
    if outside == "link":
        (project.build / entry["path"]).unlink()
        (project.build / entry["path"]).symlink_to(secret)
    else:
        entry["path"] = str(secret) if outside == "absolute" else \
            os.path.relpath(secret, project.build)
    entry["sha256"] = hashlib.sha256(secret.read_bytes()).hexdigest()  # a careful tamperer
    manifest_path.write_text(json.dumps(manifest))
    code, out, err = run(project, capsys=capsys)
    assert (code, err) == (1, f"error: {manifest_path}: the pdf of 'es' listed in the manifest "
                              "is outside build/: run make brief\n")
    assert not (project.build / "outbox").exists()


@pytest.mark.parametrize("value", ["nan", "inf"])
@pytest.mark.parametrize("where", ["--max-size-mb", "BRIEFINGS_MAX_ATTACHMENT_MB",
                                   "BRIEFINGS_SMTP_TIMEOUT"])
def test_nan_or_infinity_is_refused_not_taken_for_no_limit(project, smtp_server, monkeypatch,
                                                          capsys, where, value):
    server = smtp_server(Collector())
    args = [where, value] if where.startswith("--") else []
    if not args:
        monkeypatch.setenv(where, value)
    code, out, err = run(project, "--send", *args, capsys=capsys)
    assert code == 1 and err.startswith(f"error: {where}") and "positive number" in err
    assert server.received == [] and not (project.build / "outbox").exists()


def test_oversize_attachments_are_refused(project, monkeypatch, capsys):
    code, out, err = run(project, "--max-size-mb", "0.001", capsys=capsys)
    assert code == 1 and "over the 0.001 MB limit" in err
    monkeypatch.setenv("BRIEFINGS_MAX_ATTACHMENT_MB", "0.001")
    assert "over the 0.001 MB limit" in run(project, capsys=capsys)[2]


def test_addresses_are_checked_before_connecting(project, monkeypatch, capsys):
    monkeypatch.setenv("BRIEFINGS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BRIEFINGS_SMTP_PORT", str(free_port()))
    code, out, err = run(project, "--send", "--to", "ana.example.org", "--to", "b@example.org",
                         capsys=capsys)
    assert code == 1 and err.startswith("error: 'ana.example.org' is not a valid address")
    assert "Connection refused" not in err

    code, out, err = run(project, "--to", "ñandú@example.org", capsys=capsys)  # no traceback
    assert code == 1 and err.startswith("error: 'ñandú@example.org' is not a valid address: "
                                        "Internationalized characters before the @-sign")

    monkeypatch.setenv("BRIEFINGS_FROM", "nobody")
    code, out, err = run(project, capsys=capsys)
    assert code == 1 and "BRIEFINGS_FROM: 'nobody' is not a valid address" in err


@pytest.mark.parametrize("sender", [
    "Brief\nBcc: spy@evil.example <b@example.org>",
    "Brief\r\nBcc: spy@evil.example <b@example.org>",
    "Brief Bcc: spy@evil.example <b@example.org>", "spy@evil.example <b@example.org>",
    "spy@evil.example)<b@example.org>", "b@example.org, spy@evil.example"])
def test_a_crafted_sender_is_refused(project, monkeypatch, capsys, sender):
    monkeypatch.setenv("BRIEFINGS_FROM", sender)
    code, out, err = run(project, capsys=capsys)
    assert code == 1 and err.startswith("error: BRIEFINGS_FROM") and err.count("\n") == 1
    assert not (project.build / "outbox").exists()


def test_a_sender_name_in_quotes_is_kept(project, monkeypatch, capsys):
    monkeypatch.setenv("BRIEFINGS_FROM", '"Perú, Cancillería" <briefings@example.org>')
    assert run(project, "--lang", "es", capsys=capsys)[0] == 0
    sender = parse(outbox(project) / "es-ana_at_example.org.eml")["From"]
    assert [(a.display_name, a.addr_spec) for a in sender.addresses] == [
        ("Perú, Cancillería", "briefings@example.org")]


def test_a_recipient_name_on_two_lines_is_a_validation_error(project, capsys):
    profile = project.readers / "ministry.yaml"
    profile.write_text(PROFILE.replace("name: Ana Quispe",
                                       'name: "Ana\\r\\nBcc: spy@evil.example"'))
    code, out, err = run(project, capsys=capsys)
    assert (code, err) == (1, f"error: {profile}:5: distribution.0.name: a name must be on one "
                              "line\n")
    assert not (project.build / "outbox").exists()


def test_a_recipient_without_a_name_is_greeted_as_anyone_given_with_to(project, capsys):
    """A name on the distribution list is optional: without one the message greets no one
    by name, as a message to an address given with --to does."""
    (project.readers / "ministry.yaml").write_text(PROFILE.replace("name: John Smith, ", ""))
    code, out, err = run(project, "--lang", "en", capsys=capsys)
    assert code == 0, err
    john = BytesParser(policy=policy.default).parsebytes(
        (outbox(project) / "en-john_at_example.org.eml").read_bytes())
    assert john["To"] == "john@example.org"
    check_message(john, "en", project, "Dear reader,")


def test_wrong_choices_are_refused(project, capsys):
    assert "reader 'ministry' has no brief in 'fr' (their languages: es, en)" in run(
        project, "--lang", "fr", capsys=capsys)[2]
    assert "cannot attach 'html' (known: pdf, docx)" in run(
        project, "--attach", "pdf,html", capsys=capsys)[2]
    (project.theme / "email/en/body.txt.j2").unlink()
    code, out, err = run(project, "--lang", "en", capsys=capsys)
    assert code == 1 and err.startswith("error: templates/theme/email/en/body.txt.j2: "
                                        "template not found: en/body.txt.j2")
    profile = project.readers / "ministry.yaml"
    profile.write_text(PROFILE.split("  - {name: John")[0])  # nobody in English
    code, out, err = run(project, "--lang", "en", capsys=capsys)
    assert err == f"error: {profile}: nobody on the distribution list reads 'en'\n"
    profile.write_text(PROFILE.split("distribution:")[0])
    code, out, err = run(project, capsys=capsys)
    assert code == 1 and err == f"error: {profile}: no distribution list: add one to the " \
        "reader, or give --to ADDRESS\n"


def test_with_two_briefs_the_one_to_email_is_named(project, capsys):
    new_brief(project, "demo", "ministry")
    code, out, err = run(project, capsys=capsys)
    assert (code, err) == (1, "error: this project has 2 briefs: name one with --brief "
                              "(alpha, demo)\n")
    # demo goes to ministry too, but only alpha is built: its files are not demo's.
    code, out, err = run(project, "--brief", "demo", capsys=capsys)
    assert code == 1 and "no pdf of 'demo' for 'ministry' in 'es' has been built" in err
    assert not (project.build / "outbox").exists()


def test_the_message_dates_the_brief_by_the_day_in_its_time_zone(project, capsys):
    """Built at 03:00 UTC on 23 November, which is still 22 November in Lima: the brief's
    time zone decides, as it does for the build."""
    manifest = project.build / "manifest.json"
    os.utime(manifest, (1795402800, 1795402800))  # 2026-11-23 03:00 UTC
    code, _, err = run(project, "--lang", "es", capsys=capsys)
    assert (code, err) == (0, "")
    message = parse(outbox(project) / "es-ana_at_example.org.eml")
    assert message["Subject"].endswith("22 de noviembre de 2026")
