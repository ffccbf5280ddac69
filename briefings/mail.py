"""Email a built brief to a reader: one message per recipient, in their language.

Without ``send`` the messages are only written as ``.eml`` files to
``build/outbox/<brief>/<reader>/``.
With it they go through an SMTP server, written there first just as they are sent, and
``build/outbox/sent.jsonl`` records each one before its DATA and its outcome after, so a
re-run never sends the same files to the same person twice: not even when the server's answer
was lost and the message may have arrived. Settings come from ``BRIEFINGS_*`` environment
variables, or an env file kept outside the project (the real environment wins over the file).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import math
import os
import re
import smtplib
import ssl
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import jinja2
from email_validator import EmailNotValidError, validate_email

from briefings import i18n, templating
from briefings.briefs import Edition, edition, load_brief
from briefings.buildfiles import open_plain, read, real_folder, write_atomic
from briefings.dates import time_zone
from briefings.errors import BriefingError, BriefingErrors, shown
from briefings.outputs import MANIFEST, read_manifest
from briefings.project import Project

SETTINGS = ("BRIEFINGS_FROM", "BRIEFINGS_SMTP_HOST", "BRIEFINGS_SMTP_PORT",
            "BRIEFINGS_SMTP_SECURITY", "BRIEFINGS_SMTP_USER", "BRIEFINGS_SMTP_PASSWORD",
            "BRIEFINGS_SMTP_CAFILE", "BRIEFINGS_SMTP_TIMEOUT", "BRIEFINGS_MAX_ATTACHMENT_MB")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
MIME_TYPES = {"pdf": ("application", "pdf"),
              "docx": ("application",
                       "vnd.openxmlformats-officedocument.wordprocessingml.document")}
DEFAULT_MAX_MB = 10
MB = 1024 * 1024
RUN_MAKE_BRIEF = "run make brief"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Recipient:
    email: str
    lang: str
    name: str | None = None


@dataclass(frozen=True)
class Attachment:
    name: str
    format: str
    data: bytes = field(repr=False)
    sha256: str


@dataclass(frozen=True)
class Outgoing:
    recipient: Recipient
    attachments: tuple[Attachment, ...]
    message_id: str
    data: bytes = field(repr=False)  # the bytes sent, and written to the outbox
    eml_name: str


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str | None
    password: str | None = field(repr=False)  # never printed, logged or written
    cafile: str | None
    timeout: float


# --- settings ---------------------------------------------------------------------------

def read_settings(env_file: Path | None, project_root: Path) -> dict[str, str]:
    """The ``BRIEFINGS_*`` settings: the env file's, overridden by the real environment (so a
    one-off ``BRIEFINGS_SMTP_HOST=… briefings email`` works without editing the file)."""
    settings = read_env_file(env_file, project_root) if env_file else {}
    settings.update({k: os.environ[k] for k in SETTINGS if os.environ.get(k)})
    return settings


def read_env_file(path: Path, project_root: Path) -> dict[str, str]:
    path = path.expanduser().resolve()
    if path.is_relative_to(project_root.resolve()):
        raise BriefingError("keep the env file outside the project folder, so the password "
                            "never ends up in git", path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BriefingError(f"cannot read the env file ({exc.strerror})", path) from None
    except UnicodeDecodeError:
        raise BriefingError("the env file is not UTF-8 text", path) from None
    values = {}
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        # The line itself is never quoted back: it may hold the password.
        if not sep or not key:
            raise BriefingError("expected KEY=VALUE", path, number)
        if key not in SETTINGS:
            raise BriefingError(f"unknown setting '{key}' (known: {', '.join(SETTINGS)})",
                                path, number)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def sender_address(settings: dict[str, str]) -> Address:
    raw = settings.get("BRIEFINGS_FROM")
    example = "e.g. 'Briefings <briefings@example.org>'"
    if not raw:
        raise BriefingError(f"set BRIEFINGS_FROM to the sender's address, {example} "
                            "(environment or --env-file)")
    if _CONTROL.search(raw):  # a line break would start a header of its own ("Bcc: …")
        raise BriefingError(f"BRIEFINGS_FROM must be one address on one line, {example}")
    # Parsed strictly: parseaddr reads crafted values as another address (CVE-2023-27043),
    # and Python 3.11 has no parseaddr(strict=True). The header parser lists what it skipped.
    header = policy.default.header_factory("From", raw)
    groups = header.groups
    if header.defects or len(groups) != 1 or groups[0].display_name is not None \
            or len(groups[0].addresses) != 1:
        raise BriefingError(f"BRIEFINGS_FROM: '{raw}' is not a valid address: give one, "
                            f"{example} (a name with . , : or @ goes in double quotes)")
    address = groups[0].addresses[0]
    try:
        addr = _valid_address(address.addr_spec)
    except EmailNotValidError as exc:
        raise BriefingError(f"BRIEFINGS_FROM: '{raw}' is not a valid address: {exc}") from None
    return Address(display_name=address.display_name, addr_spec=addr)


def _valid_address(addr: str) -> str:
    """The address as it goes on the wire: ASCII only (the domain IDNA-encoded), so every
    server takes it and no header needs SMTPUTF8."""
    return validate_email(addr, check_deliverability=False, allow_smtputf8=False).ascii_email


def smtp_settings(settings: dict[str, str]) -> SmtpSettings:
    security = settings.get("BRIEFINGS_SMTP_SECURITY", "starttls").lower()
    if security not in DEFAULT_PORTS:
        raise BriefingError(f"BRIEFINGS_SMTP_SECURITY: '{security}' is not one of "
                            f"{', '.join(DEFAULT_PORTS)}")
    host = settings.get("BRIEFINGS_SMTP_HOST")
    if not host:
        raise BriefingError("set BRIEFINGS_SMTP_HOST to the mail server's name to send "
                            "(environment or --env-file)")
    user, password = settings.get("BRIEFINGS_SMTP_USER"), settings.get("BRIEFINGS_SMTP_PASSWORD")
    if bool(user) != bool(password):
        raise BriefingError("set both BRIEFINGS_SMTP_USER and BRIEFINGS_SMTP_PASSWORD, "
                            "or neither")
    if user and security == "none":
        raise BriefingError("BRIEFINGS_SMTP_SECURITY=none would send the password "
                            "unencrypted: use starttls or ssl")
    return SmtpSettings(host, _number(settings, "BRIEFINGS_SMTP_PORT", DEFAULT_PORTS[security],
                                      int), security, user, password,
                        settings.get("BRIEFINGS_SMTP_CAFILE"),
                        _number(settings, "BRIEFINGS_SMTP_TIMEOUT", 30.0, float))


def _number(settings: dict[str, str], key: str, default, kind):
    if key not in settings:
        return default
    try:
        value = kind(settings[key])
    except ValueError:
        value = 0
    if not _positive(value):
        raise BriefingError(f"{key}: '{settings[key]}' is not a positive number")
    return value


def _positive(value: float) -> bool:
    # float() reads "nan" and "inf": either would turn a limit or a timeout off.
    return math.isfinite(value) and value > 0


def size_limit(max_size_mb: float | None, settings: dict[str, str]) -> float:
    """MB allowed for one message's attachments: --max-size-mb, else the setting, else 10."""
    if max_size_mb is not None:
        if not _positive(max_size_mb):
            raise BriefingError(f"--max-size-mb must be a positive number, not {max_size_mb:g}")
        return max_size_mb
    return _number(settings, "BRIEFINGS_MAX_ATTACHMENT_MB", DEFAULT_MAX_MB, float)


# --- recipients and attachments ----------------------------------------------------------

def choose_recipients(edition: Edition, profile_path: Path, lang: str | None,
                      to: list[str] | None) -> list[Recipient]:
    """The reader's distribution list (only ``lang`` if given), or the ``to`` addresses in
    ``lang`` or the reader's first language. Every address is checked before anything is
    built."""
    languages = edition.languages
    if lang and lang not in languages:
        raise BriefingError(f"reader '{edition.reader}' has no brief in '{lang}' "
                            f"(their languages: {', '.join(languages)})")
    if to:
        wanted = [Recipient(addr, lang or languages[0]) for addr in to]
    else:
        if not edition.profile.distribution:
            raise BriefingError("no distribution list: add one to the reader, or give "
                                "--to ADDRESS", profile_path)
        wanted = [Recipient(r.email, r.lang, r.name) for r in edition.profile.distribution
                  if lang in (None, r.lang)]
        if not wanted:
            raise BriefingError(f"nobody on the distribution list reads '{lang}'",
                                profile_path)
    errors, chosen, seen = [], [], set()
    for recipient in wanted:
        try:
            addr = _valid_address(recipient.email)
        except EmailNotValidError as exc:
            errors.append(BriefingError(f"'{recipient.email}' is not a valid address: {exc}"))
            continue
        if (addr.lower(), recipient.lang) not in seen:  # listed twice: one message
            seen.add((addr.lower(), recipient.lang))
            chosen.append(Recipient(addr, recipient.lang, recipient.name))
    if errors:
        raise BriefingErrors(errors)
    return chosen


def load_attachments(build: Path, manifest: dict[str, dict], edition: Edition, lang: str,
                     formats: list[str], limit_mb: float) -> tuple[Attachment, ...]:
    """The built files of ``edition`` in ``lang``, each checked against the manifest's
    sha256 so a brief edited or rebuilt half-way is never sent."""
    attachments = []
    wanted = (edition.brief.id, edition.reader, lang)
    for fmt in formats:
        entry = next((e for e in manifest.values() if (e.get("brief"), e.get("reader"),
                      e.get("lang"), e.get("format")) == (*wanted, fmt)), None)
        if entry is None:
            raise BriefingError(f"no {fmt} of '{edition.brief.id}' for '{edition.reader}' in "
                                f"'{lang}' has been built: "
                                f"{RUN_MAKE_BRIEF}", build / MANIFEST)
        path = build / entry["path"]
        # Only what the build wrote: an edited manifest (or a link) must not mail other files.
        if not path.resolve().is_relative_to(build.resolve()):
            raise BriefingError(f"the {fmt} of '{lang}' listed in the manifest is outside "
                                f"{build.name}/: {RUN_MAKE_BRIEF}", build / MANIFEST)
        try:
            data = read(build, path)
        except OSError:
            raise BriefingError(f"file listed in the manifest is missing: {RUN_MAKE_BRIEF}",
                                path) from None
        sha = hashlib.sha256(data).hexdigest()
        if sha != entry["sha256"]:
            raise BriefingError(f"file changed since the manifest was written: "
                                f"{RUN_MAKE_BRIEF}", path)
        attachments.append(Attachment(path.name, fmt, data, sha))
    total = sum(len(a.data) for a in attachments)
    if total > limit_mb * MB:
        raise BriefingError(f"attachments for '{lang}' are {total / MB:.2f} MB, over the "
                            f"{limit_mb:g} MB limit (raise it with --max-size-mb or "
                            "BRIEFINGS_MAX_ATTACHMENT_MB)", build / edition.brief.id)
    return tuple(attachments)


def brief_date(build: Path, zone: str) -> dt.date:
    """The day of the last build in the brief's time zone, the rule the build dates the
    brief by. Not today: the brief may have been built the day before it is sent."""
    mtime = (build / MANIFEST).stat().st_mtime
    return dt.datetime.fromtimestamp(mtime, time_zone(zone)).date()


# --- messages ------------------------------------------------------------------------------

def email_environment(edition: Edition, locale: str) -> templating.Sandbox:
    """The email templates along the edition's chain (``email/`` in the reader's overrides,
    the brief, the theme); ``brief/…`` and ``theme/…`` name the shared ones, so an override
    can extend them. Their filters write as the Babel ``locale`` does."""
    env = templating.environment(
        templating.chain_loader([folder / "email" for folder in edition.chain]),
        autoescape=jinja2.select_autoescape(["html.j2"], default_for_string=False),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(date=lambda d, form="long": i18n.date(d, locale, form),
                       join=lambda items, style="standard": i18n.join(items, locale, style))
    return env


def compose_message(project: Project, edition: Edition, recipient: Recipient,
                    attachments: tuple[Attachment, ...], sender: Address, built: dt.date
                    ) -> EmailMessage:
    lang = recipient.lang
    env = email_environment(edition, project.settings.locale(lang))
    context = {"name": recipient.name, "reader": edition.profile.name[lang],
               "title": edition.brief.spec.title[lang],
               "files": [a.name for a in attachments], "built": built}

    def render(kind: str) -> str:
        return templating.render(env, f"{lang}/{kind}.j2", context, project.root,
                                 edition.theme / "email")[0]

    subject = render("subject.txt")

    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(display_name=recipient.name or "", addr_spec=recipient.email)
    message.set_raw("Subject", _subject(" ".join(subject.split())))  # whatever the template
    message["Date"] = formatdate(localtime=True)
    # The sender's domain, not this machine's name: make_msgid would otherwise look it up.
    message["Message-ID"] = make_msgid(domain=sender.domain)
    # Quoted-printable: accented text passes even a server without 8BITMIME.
    message.set_content(render("body.txt"), cte="quoted-printable")
    message.add_alternative(render("body.html"), subtype="html", cte="quoted-printable")
    for attachment in attachments:
        maintype, subtype = MIME_TYPES[attachment.format]
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype,
                               filename=attachment.name)
    # Last: add_alternative and add_attachment move (or drop) Content-* headers set before.
    message["Content-Language"] = lang
    return message


def _subject(text: str) -> str:
    """The Subject folded into encoded words here: Python 3.11's own folding leaves a space
    before a folded encoded word, so "partnership — 5 December" read back with two spaces
    before the dash (CPython gh-144156). Each line holds whole encoded words, which a mail
    reader joins without adding a space."""
    return Header(text, "us-ascii" if text.isascii() else "utf-8", header_name="Subject").encode()


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as SMTP carries it (CRLF lines), flattened once for the server and the
    outbox alike."""
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def eml_name(recipient: Recipient) -> str:
    """``es-ana_at_example.org.eml``: readable and stable; an address with other characters
    gets a short hash so two addresses never share a file."""
    addr = recipient.email.lower()
    slug = re.sub(r"[^a-z0-9._-]", "-", addr.replace("@", "_at_"))
    if slug != addr.replace("@", "_at_"):
        slug += "-" + hashlib.sha256(addr.encode()).hexdigest()[:8]
    return f"{recipient.lang}-{slug}.eml"


# --- the sent log ----------------------------------------------------------------------------

SKIP_REASONS = {"sent": "already sent", "unknown": "may have been delivered"}


def _sent_key(edition: str, email: str, shas) -> tuple:
    return edition, email.lower(), tuple(sorted(shas))


def read_sent_log(path: Path) -> dict[tuple, tuple[str, str]]:
    """What each edition (brief/reader), address and set of files (by sha256) already got, with its time:
    "sent" when a message was delivered, else "unknown" when one may have been (its answer was
    lost, or the run died after "sending" was logged). A "failed" message counts for nothing."""
    latest = {}  # message id -> (key, status, time): a message's last line is its outcome
    try:
        # <build>/outbox/sent.jsonl, never through a link
        lines = read(path.parent.parent, path).decode("utf-8").splitlines()
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise BriefingError("the delivery log is not UTF-8 text: fix it rather than delete "
                            "it (it records the messages sent)", path) from None
    for number, line in enumerate(lines, 1):
        try:
            entry = json.loads(line)
            key = _sent_key(entry["edition"], entry["to"], [f["sha256"] for f in entry["files"]])
            # A line without a status predates the "sending" lines: each recorded a delivery.
            latest[entry["message_id"]] = (key, entry.get("status", "sent"),
                                           entry.get("at") or entry["sent_at"])
        except (ValueError, KeyError, TypeError, AttributeError):
            # Guessing could send twice: better stop and let a person look.
            raise BriefingError("unreadable line (it records a message sent or being sent: "
                                "fix it rather than delete it)", path, number) from None
    state = {}
    for key, status, at in latest.values():
        if status == "sent" or (status != "failed" and key not in state):
            state[key] = ("sent" if status == "sent" else "unknown", at)
    return state


def record(path: Path, status: str, edition: str, item: Outgoing,
           problem: str | None = None) -> None:
    """Appended and synced before the next step: "sending" just before DATA, then "sent",
    "failed" or "unknown". A run killed in between leaves "sending" alone, which the next run
    takes as "may have been delivered"."""
    entry = {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
             "status": status, "message_id": item.message_id, "edition": edition,
             "to": item.recipient.email, "lang": item.recipient.lang,
             "files": [{"name": a.name, "sha256": a.sha256} for a in item.attachments]}
    if problem:
        entry["problem"] = problem
    try:
        # <build>/outbox/sent.jsonl, appended to, never through a link
        with os.fdopen(open_plain(path.parent.parent, path, os.O_WRONLY | os.O_APPEND), "a",
                       encoding="utf-8") as log:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")
            log.flush()
            os.fsync(log.fileno())
    except OSError as exc:
        raise BriefingError(f"cannot write the delivery log ({exc.strerror}): stopped before "
                            "sending anything more", path) from None


@contextmanager
def outbox_lock(outbox: Path):
    """One ``briefings email`` at a time per project: two at once could both send."""
    with os.fdopen(open_plain(outbox.parent, outbox / ".lock", os.O_RDWR), "r+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BriefingError("another 'briefings email' is running on this project",
                                outbox) from None
        yield


# --- dry run and delivery ---------------------------------------------------------------------

def write_outbox(folder: Path, outgoing: list[Outgoing], langs: set[str]) -> list[Path]:
    """This run's messages, byte for byte as they go to the server, replace the folder's
    earlier ones in the languages of this run (only those)."""
    build = folder.parents[2]  # <build>/outbox/<brief>/<reader>
    real_folder(build, folder)
    for old in folder.glob("*.eml"):
        if old.name.split("-", 1)[0] in langs:  # named <lang>-<address>.eml
            old.unlink()
    paths = []
    for item in outgoing:
        write_atomic(build, folder / item.eml_name, item.data)
        paths.append(folder / item.eml_name)
    return paths


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """An open, encrypted (unless ``none``) and logged-in connection, or one clear error.
    The server's certificate is verified (BRIEFINGS_SMTP_CAFILE adds a private CA)."""
    where = f"{settings.host}:{settings.port}"
    smtp = None
    try:
        context = ssl.create_default_context(cafile=settings.cafile)
        if settings.security == "ssl":
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                    context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            if settings.security == "starttls":
                smtp.starttls(context=context)
        if settings.user:
            smtp.login(settings.user, settings.password)
        return smtp
    except smtplib.SMTPAuthenticationError as exc:
        problem = f"the server refused the login of '{settings.user}': {_answer(exc)}"
    except smtplib.SMTPNotSupportedError as exc:
        missing = "STARTTLS" if "STARTTLS" in str(exc) else "login (AUTH)"
        problem = (f"the server does not offer {missing} here: check "
                   "BRIEFINGS_SMTP_SECURITY and BRIEFINGS_SMTP_PORT")
    except ssl.SSLCertVerificationError as exc:
        problem = (f"cannot verify the server's certificate ({exc.verify_message}); for a "
                   "private CA set BRIEFINGS_SMTP_CAFILE")
    except FileNotFoundError:
        problem = f"BRIEFINGS_SMTP_CAFILE: no such file '{settings.cafile}'"
    except UnicodeEncodeError:  # smtplib sends credentials as ASCII; say no more than that
        problem = "smtplib can only send a user name and password in ASCII characters"
    except (smtplib.SMTPException, OSError) as exc:
        problem = f"cannot talk to the mail server: {_answer(exc)}"
    if smtp is not None:
        smtp.close()
    raise BriefingError(f"{where}: {problem}")


def _answer(exc: Exception) -> str:
    """The server's own answer when there is one ("550 5.1.1 …"), else the system's reason."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, text = exc.smtp_code, exc.smtp_error
    elif _timed_out(exc):
        return "no answer in time"
    elif isinstance(exc, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    else:
        return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"


def _timed_out(exc: Exception) -> bool:
    # smtplib turns a timeout while reading an answer into "server disconnected".
    return isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError)


def deliver(outgoing: list[Outgoing], settings: SmtpSettings, sender: str, log: Path,
            edition: str, report=print) -> tuple[list, list]:
    """Send each message on one connection, logging each (see ``record``). Returns the
    messages that failed (refused, or lost before DATA: not delivered) and those whose answer
    to DATA was lost (a drop, a timeout: they may have been delivered), each with the reason.
    The rest still go, on a fresh connection: an error leaves the old one in an unknown state."""
    failed, unknown = [], []
    if not outgoing:
        return failed, unknown
    smtp = connect(settings)  # a server that is down stops here, before anything is sent
    try:
        for item in outgoing:
            to, lang = item.recipient.email, item.recipient.lang
            try:
                smtp = smtp or connect(settings)
            except BriefingError as exc:
                failed.append((item, str(exc)))
                report(f"  FAILED   {to} ({lang}): {exc}")
                continue
            began = False
            try:
                _envelope(smtp, sender, item)
                record(log, "sending", edition, item)
                began = True
                code, answer = smtp.data(item.data)
                if code != 250:
                    raise smtplib.SMTPDataError(code, answer)
            except (smtplib.SMTPException, OSError) as exc:
                smtp.close()
                smtp, problem = None, _answer(exc)
                # Once DATA began, only a refusal says "not delivered"; without an answer the
                # server may have taken the message all the same.
                if began and not isinstance(exc, smtplib.SMTPResponseException):
                    record(log, "unknown", edition, item, problem)
                    unknown.append((item, problem))
                    report(f"  UNKNOWN  {to} ({lang}): {problem}; it may have been delivered")
                    continue
                if began:
                    record(log, "failed", edition, item, problem)
                failed.append((item, problem))
                report(f"  FAILED   {to} ({lang}): {problem}")
            else:
                record(log, "sent", edition, item)
                report(f"  sent     {to} ({lang}): {_names(item.attachments)}")
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    return failed, unknown


def _envelope(smtp: smtplib.SMTP, sender: str, item: Outgoing) -> None:
    """``SMTP.sendmail`` up to DATA (MAIL FROM, RCPT TO), so "sending" is logged in between."""
    smtp.ehlo_or_helo_if_needed()
    code, answer = smtp.mail(sender, [f"SIZE={len(item.data)}"] if smtp.has_extn("size") else [])
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    code, answer = smtp.rcpt(item.recipient.email)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({item.recipient.email: (code, answer)})


def _names(attachments) -> str:
    return ", ".join(a.name for a in attachments)


def _emails(items) -> str:
    return ", ".join(item.recipient.email for item, _ in items)


def email_briefs(project: Project, brief: str, reader: str, lang: str | None = None,
                 to: list[str] | None = None, formats: list[str] | None = None,
                 send: bool = False, resend: bool = False, env_file: Path | None = None,
                 max_size_mb: float | None = None, report=print) -> None:
    """The ``briefings email`` command. Everything is checked (settings, addresses, files)
    before a message is built or a connection opened."""
    formats = list(dict.fromkeys(f.strip() for f in formats or ["pdf"]))
    for fmt in formats:
        if fmt not in MIME_TYPES:
            raise BriefingError(f"cannot attach '{fmt}' (known: {', '.join(MIME_TYPES)})")
    settings = read_settings(env_file, project.root)
    sender = sender_address(settings)
    limit = size_limit(max_size_mb, settings)
    smtp = smtp_settings(settings) if send else None
    chosen = edition(project, load_brief(project, brief), reader)
    recipients = choose_recipients(chosen, project.readers / f"{reader}.yaml", lang, to)
    manifest = read_manifest(project.build)
    attachments = {lang: load_attachments(project.build, manifest, chosen, lang, formats,
                                          limit)
                   for lang in dict.fromkeys(r.lang for r in recipients)}
    built = brief_date(project.build, project.settings.timezone)
    outbox = project.build / "outbox"
    folder = outbox / brief / reader
    sent_as = f"{brief}/{reader}"   # what the delivery log records each message under
    log = outbox / "sent.jsonl"

    failed, unknown = [], []
    with outbox_lock(outbox):
        logged = read_sent_log(log)
        outgoing, skipped = [], []
        for recipient in recipients:
            files = attachments[recipient.lang]
            state, when = logged.get(_sent_key(sent_as, recipient.email,
                                               [a.sha256 for a in files]), (None, None))
            if state and not resend:
                why = SKIP_REASONS[state]
                skipped.append(f"{recipient.email} ({why} on {when})")
                report(f"  skipped  {recipient.email} ({recipient.lang}): {_names(files)} "
                       f"{why} on {when} (--resend sends it again)")
                continue
            message = compose_message(project, chosen, recipient, files, sender, built)
            outgoing.append(Outgoing(recipient, files, message["Message-ID"],
                                     wire_bytes(message), eml_name(recipient)))
        paths = write_outbox(folder, outgoing, {r.lang for r in recipients})
        if send:
            failed, unknown = deliver(outgoing, smtp, sender.addr_spec, log, sent_as, report)
        else:
            for item, path in zip(outgoing, paths):
                report(f"  {shown(path)}  {item.recipient.email}: {_names(item.attachments)}")
            report(f"dry run: {len(paths)} message(s) written to {shown(folder)}, nothing "
                   "sent (add --send to deliver)")
    if send and outgoing:
        report(f"sent {len(outgoing) - len(failed) - len(unknown)} of {len(outgoing)} "
               f"message(s), each as sent in {shown(folder)}; delivery log: {shown(log)}")
    if skipped:
        report(f"skipped {len(skipped)} (--resend sends to them again): {', '.join(skipped)}")
    errors = []
    if failed:
        errors.append(BriefingError(f"{len(failed)} recipient(s) did not receive the brief: "
                                    f"{_emails(failed)}"))
    if unknown:
        errors.append(BriefingError(f"{len(unknown)} message(s) may have been delivered (the "
                                    f"server's answer was lost): {_emails(unknown)}; check "
                                    "with them: a re-run skips them unless --resend"))
    if errors:
        raise BriefingErrors(errors)
