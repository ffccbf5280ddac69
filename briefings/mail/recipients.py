"""Who a brief is mailed to: the reader's distribution list, or the addresses given with
``--to``, each checked before anything is built."""

from __future__ import annotations

from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from briefings.briefs import Edition, Recipient
from briefings.errors import BriefingError, BriefingErrors


def valid_address(addr: str) -> str:
    """The address as it goes on the wire: ASCII only (the domain IDNA-encoded), so every
    server takes it and no header needs SMTPUTF8."""
    return validate_email(addr, check_deliverability=False, allow_smtputf8=False).ascii_email


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
        wanted = [(addr, lang or languages[0], None) for addr in to]
    else:
        if not edition.profile.distribution:
            raise BriefingError("no distribution list: add one to the reader, or give "
                                "--to ADDRESS", profile_path)
        wanted = [(r.email, r.lang, r.name) for r in edition.profile.distribution
                  if lang in (None, r.lang)]
        if not wanted:
            raise BriefingError(f"nobody on the distribution list reads '{lang}'",
                                profile_path)
    errors, chosen, seen = [], [], set()
    for email, reads, name in wanted:
        try:
            addr = valid_address(email)
        except EmailNotValidError as exc:
            errors.append(BriefingError(f"'{email}' is not a valid address: {exc}"))
            continue
        if (addr.lower(), reads) not in seen:  # listed twice: one message
            seen.add((addr.lower(), reads))
            # Not validated again: the reader file's schema would turn the address checked
            # above, in its wire form (an IDNA-encoded domain), back into Unicode.
            chosen.append(Recipient.model_construct(email=addr, lang=reads, name=name))
    if errors:
        raise BriefingErrors(errors)
    return chosen
