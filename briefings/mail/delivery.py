"""Sending through the SMTP server: one verified, logged-in connection, each message logged
around its DATA, and every failure said in the server's own words."""

from __future__ import annotations

import smtplib
import ssl

from briefings.errors import BriefingError
from briefings.mail.attachments import file_names
from briefings.mail.config import SmtpSettings
from briefings.mail.message import Outgoing
from briefings.mail.outbox import record
from briefings.project import Project


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


def deliver(outgoing: list[Outgoing], settings: SmtpSettings, sender: str, project: Project,
            report=print) -> tuple[list, list]:
    """Send each message on one connection, each in the project's record of sends (see
    ``record``). Returns the
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
                record(project, "sending", item)
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
                    record(project, "unknown", item, problem)
                    unknown.append((item, problem))
                    report(f"  UNKNOWN  {to} ({lang}): {problem}; it may have been delivered")
                    continue
                if began:
                    record(project, "failed", item, problem)
                failed.append((item, problem))
                report(f"  FAILED   {to} ({lang}): {problem}")
            else:
                record(project, "sent", item)
                report(f"  sent     {to} ({lang}): {file_names(item.attachments)}")
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
