"""One message to one recipient, in their language: rendered from the theme's email
templates, with the brief attached, and flattened once into the bytes that are both sent and
kept in the outbox."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import jinja2

from briefings import i18n, templating
from briefings.briefs import Edition, Recipient
from briefings.mail.attachments import MIME_TYPES, Attachment
from briefings.project import Project


@dataclass(frozen=True)
class Outgoing:
    brief: str
    reader: str
    version: str                     # of the brief the attachments are
    recipient: Recipient
    attachments: tuple[Attachment, ...]
    message_id: str
    data: bytes = field(repr=False)  # the bytes sent, and written to the outbox
    eml_name: str
    received: str | None = None      # the text received, kept under records/ (sends.py)


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
                    attachments: tuple[Attachment, ...], sender: Address, built: dt.date,
                    version: str, held: str | None = None, changes: list[dict] = ()
                    ) -> EmailMessage:
    """``version``: the brief's, attached; ``held``: the one the recipient last received,
    if any; ``changes``: the notes of the versions in between, newest first."""
    lang = recipient.lang
    env = email_environment(edition, project.settings.locale(lang))
    context = {"name": recipient.name, "reader": edition.profile.name[lang],
               "title": edition.brief.spec.title[lang],
               "files": [a.name for a in attachments], "built": built,
               "version": version, "held": held, "changes": list(changes)}

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
