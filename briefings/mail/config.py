"""The ``BRIEFINGS_*`` settings mail is sent with: the sender, the SMTP server and its
credentials, the attachment limit. They come from the environment, or an env file kept
outside the project (the real environment wins over the file)."""

from __future__ import annotations

import io
import math
import os
import re
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from pathlib import Path

from dotenv.parser import parse_stream
from email_validator import EmailNotValidError

from briefings.errors import BriefingError, did_you_mean
from briefings.mail.recipients import valid_address

SETTINGS = ("BRIEFINGS_FROM", "BRIEFINGS_SMTP_HOST", "BRIEFINGS_SMTP_PORT",
            "BRIEFINGS_SMTP_SECURITY", "BRIEFINGS_SMTP_USER", "BRIEFINGS_SMTP_PASSWORD",
            "BRIEFINGS_SMTP_CAFILE", "BRIEFINGS_SMTP_TIMEOUT", "BRIEFINGS_MAX_ATTACHMENT_MB")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_MAX_MB = 10
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str | None
    password: str | None = field(repr=False)  # never printed, logged or written
    cafile: str | None
    timeout: float


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
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BriefingError(f"cannot read the env file ({exc.strerror})", path) from None
    except UnicodeDecodeError:
        raise BriefingError("the env file is not UTF-8 text", path) from None
    values = {}
    # python-dotenv reads it (quotes, escapes, export, comments); each binding keeps its
    # line. The line itself is never quoted back: it may hold the password.
    for binding in parse_stream(io.StringIO(text)):
        number = binding.original.line
        if binding.error or (binding.key is not None and binding.value is None):
            raise BriefingError("expected KEY=VALUE", path, number)
        if binding.key is None:              # a blank line or a comment
            continue
        if binding.key not in SETTINGS:
            hint = did_you_mean(binding.key, SETTINGS)
            raise BriefingError(f"unknown setting '{binding.key}' ({hint + ' ' if hint else ''}"
                                f"known: {', '.join(SETTINGS)})", path, number)
        values[binding.key] = binding.value
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
        addr = valid_address(address.addr_spec)
    except EmailNotValidError as exc:
        raise BriefingError(f"BRIEFINGS_FROM: '{raw}' is not a valid address: {exc}") from None
    return Address(display_name=address.display_name, addr_spec=addr)


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
