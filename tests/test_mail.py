"""``briefings email`` against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import ssl
import subprocess
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from briefings.cli import main
from briefings.project import Project
from tests.conftest import copy_project

PASSWORD = "s3cret-Pa55word-42!"
USER = "mailer"
TITLES = {"es": "El Perú, aliado principal no miembro de la OTAN",
          "en": "Peru as a Major Non-NATO Ally"}
PROFILE = """\
name: {es: Ministerio de Relaciones Exteriores del Perú, en: Ministry of Foreign Affairs of Peru}
languages: [es, en]
sections: [summary, sources]
classification: {es: Público, en: Public}
distribution:
  - {name: Ana Quispe, email: ana@example.org, lang: es}
  - {name: John Smith, email: john@example.org, lang: en}
"""


# --- a built project, and a server ---------------------------------------------------------

@pytest.fixture(scope="module")
def built_project(tmp_path_factory) -> Path:
    """Built once (PDF only, two short sections); each test works on its own copy."""
    from briefings.build import build
    root = tmp_path_factory.mktemp("mail") / "project"
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1795392000")  # 2026-11-23
    try:
        project = copy_project(root)
        (project.templates / "audiences/cancilleria/audience.yaml").write_text(PROFILE)
        build(project, audiences=["cancilleria"], formats=["pdf"], out=project.build)
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
    """Accepts every message, except for the addresses it is told to refuse or stall on."""

    def __init__(self, refuse=(), stall=()):
        self.refuse, self.stall, self.received = set(refuse), set(stall), []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.stall & set(envelope.rcpt_tos):
            await asyncio.sleep(3)
            return "451 4.3.0 too late"
        self.received.append({
            "to": list(envelope.rcpt_tos), "from": envelope.mail_from,
            "message": BytesParser(policy=policy.default).parsebytes(envelope.content),
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": session.authenticated})
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
    code = main(["--project", str(project.root), "email", "--audience", "cancilleria", *args])
    out, err = capsys.readouterr()
    return code, out, err


def built_pdf(project, lang) -> bytes:
    return (project.build / f"cancilleria/peru-mnna-cancilleria-{lang}.pdf").read_bytes()


def sent_log(project) -> list[dict]:
    path = project.build / "outbox/sent.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def check_message(message, lang, project, greeting):
    assert TITLES[lang] in message["Subject"]
    assert message["Subject"].endswith(
        {"es": "23 de noviembre de 2026", "en": "23 November 2026"}[lang])  # the build's day
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert text.startswith(greeting)
    assert f"lang=\"{lang}\"" in html and TITLES[lang] in html
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == [f"peru-mnna-cancilleria-{lang}.pdf"]
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
    assert [(e["to"], e["lang"], e["files"][0]["name"]) for e in log] == [
        ("ana@example.org", "es", "peru-mnna-cancilleria-es.pdf"),
        ("john@example.org", "en", "peru-mnna-cancilleria-en.pdf")]
    assert {e["message_id"] for e in log} == {m["message"]["Message-ID"]
                                              for m in server.received}

    code, out, err = run(project, "--send", capsys=capsys)  # the same again: nothing sent
    assert code == 0 and len(server.received) == 2
    assert out.count("already sent") == 2 and "sent 0 of 0" in out

    code, out, err = run(project, "--send", "--resend", "--lang", "en", capsys=capsys)
    assert code == 0 and [m["to"] for m in server.received[2:]] == [["john@example.org"]]


def test_to_sends_only_there_in_the_audience_language_or_the_one_given(project, smtp_server,
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
    assert [e["to"] for e in sent_log(project)] == ["john@example.org"]

    server.refuse.clear()  # fixed: a re-run sends only to the one who missed it
    assert run(project, "--send", capsys=capsys)[0] == 0
    assert [m["to"] for m in server.received] == [["john@example.org"], ["ana@example.org"]]


def test_a_timeout_fails_that_recipient_only(project, smtp_server, capsys, monkeypatch):
    server = smtp_server(Collector(stall={"ana@example.org"}))
    monkeypatch.setenv("BRIEFINGS_SMTP_TIMEOUT", "0.5")
    code, out, err = run(project, "--send", capsys=capsys)
    assert code == 1 and "ana@example.org (es): no answer in time" in out
    assert [m["to"] for m in server.received] == [["john@example.org"]]
    assert [e["to"] for e in sent_log(project)] == ["john@example.org"]


def test_server_down_is_one_clear_line_and_nothing_is_logged(project, monkeypatch, capsys):
    monkeypatch.setenv("BRIEFINGS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BRIEFINGS_SMTP_PORT", str(free_port()))  # nobody listens there
    monkeypatch.setenv("BRIEFINGS_SMTP_SECURITY", "none")
    code, out, err = run(project, "--send", capsys=capsys)
    assert code == 1
    assert err.startswith("error: 127.0.0.1:") and "Connection refused" in err
    assert len(err.splitlines()) == 1
    assert not (project.build / "outbox/sent.jsonl").exists()


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
    assert server.received == [] and not (project.build / "outbox/sent.jsonl").exists()


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


# --- dry run and refusals ----------------------------------------------------------------------

def test_dry_run_writes_messages_that_parse_back_and_sends_nothing(project, capsys):
    code, out, err = run(project, capsys=capsys)
    assert code == 0 and "nothing sent" in out
    outbox = project.build / "outbox/cancilleria"
    assert sorted(p.name for p in outbox.iterdir()) == [
        "en-john_at_example.org.eml", "es-ana_at_example.org.eml"]
    ana = BytesParser(policy=policy.default).parsebytes(
        (outbox / "es-ana_at_example.org.eml").read_bytes())
    assert ana["To"] == "Ana Quispe <ana@example.org>"
    check_message(ana, "es", project, "Estimado/a Ana Quispe:")
    check_message(BytesParser(policy=policy.default).parsebytes(
        (outbox / "en-john_at_example.org.eml").read_bytes()), "en", project, "Dear John Smith,")
    assert not (project.build / "outbox/sent.jsonl").exists()

    run(project, "--lang", "en", capsys=capsys)  # the outbox holds this run's messages only
    assert [p.name for p in outbox.iterdir()] == ["en-john_at_example.org.eml"]


def test_audience_templates_override_the_shared_ones(project, capsys):
    folder = project.templates / "audiences/cancilleria/email/es"
    folder.mkdir(parents=True)
    (folder / "subject.txt.j2").write_text("Para {{ name }}: {{ title }}\n")
    (folder / "body.txt.j2").write_text('{% include "base/es/body.txt.j2" %}\nPosdata.\n')
    run(project, "--lang", "es", capsys=capsys)
    message = BytesParser(policy=policy.default).parsebytes(
        (project.build / "outbox/cancilleria/es-ana_at_example.org.eml").read_bytes())
    assert message["Subject"] == f"Para Ana Quispe: {TITLES['es']}"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Estimado/a Ana Quispe:")
    assert text.endswith("Atentamente.\nPosdata.\n")


def test_stale_or_missing_builds_are_refused(project, capsys):
    code, out, err = run(project, "--attach", "pdf,docx", capsys=capsys)
    assert code == 1 and "no docx of 'cancilleria' in 'es' has been built: run make brief" in err

    pdf = project.build / "cancilleria/peru-mnna-cancilleria-en.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n% edited")
    code, out, err = run(project, capsys=capsys)
    assert code == 1
    assert err == (f"error: {pdf}: file changed since the manifest was written: "
                   "run make brief\n")
    assert not (project.build / "outbox/cancilleria").exists()

    (project.build / "manifest.json").unlink()
    code, out, err = run(project, capsys=capsys)
    assert code == 1 and "run make brief" in err


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

    monkeypatch.setenv("BRIEFINGS_FROM", "nobody")
    code, out, err = run(project, capsys=capsys)
    assert code == 1 and "BRIEFINGS_FROM: 'nobody' is not a valid address" in err


def test_wrong_choices_are_refused(project, capsys):
    assert "audience 'cancilleria' has no brief in 'fr' (its languages: es, en)" in run(
        project, "--lang", "fr", capsys=capsys)[2]
    assert "cannot attach 'html' (known: pdf, docx)" in run(
        project, "--attach", "pdf,html", capsys=capsys)[2]
    (project.templates / "email/en/body.txt.j2").unlink()
    code, out, err = run(project, "--lang", "en", capsys=capsys)
    assert code == 1 and err.startswith("error: templates/email/en/body.txt.j2: "
                                        "template not found: en/body.txt.j2")
    profile = project.templates / "audiences/cancilleria/audience.yaml"
    profile.write_text(PROFILE.split("distribution:")[0])
    code, out, err = run(project, capsys=capsys)
    assert code == 1 and err == f"error: {profile}: no distribution list: add one to the " \
        "audience, or give --to ADDRESS\n"
