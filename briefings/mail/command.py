"""The ``briefings email`` command: everything checked (settings, addresses, files) before
a message is built or a connection opened; then the outbox written, and, with ``send``, the
messages delivered."""

from __future__ import annotations

from pathlib import Path

from briefings.briefs import edition, load_brief
from briefings.errors import BriefingError, BriefingErrors, shown
from briefings.holders import EARLIER_BUILD, NONE, OLDER, built_files, holdings, newer_notes
from briefings.mail.attachments import MIME_TYPES, brief_date, file_names, load_attachments
from briefings.mail.config import read_settings, sender_address, size_limit, smtp_settings
from briefings.mail.delivery import deliver
from briefings.mail.message import Outgoing, compose_message, eml_name, wire_bytes
from briefings.mail.outbox import (SKIP_REASONS, already_sent, outbox_lock, sent_key,
                                   write_outbox)
from briefings.mail.recipients import choose_recipients
from briefings.mail.tracked import TrackedFiles
from briefings.outputs import read_manifest
from briefings.project import Project
from briefings.received import keep_built
from briefings.sends import move_earlier_record, record_path


def _why_not(state: str, last, version: str) -> str:
    if state == NONE:
        return ("has received no version yet: a reissue goes only to those holding an older "
                "one (send the brief without --reissue)")
    if state == EARLIER_BUILD:
        return (f"holds an earlier build of {last.version}: to send them this text, add a "
                "version with its change note in brief.yaml and build")
    return f"holds {last.version or version} already"


def _emails(items) -> str:
    return ", ".join(item.recipient.email for item, _ in items)


def email_briefs(project: Project, brief: str, reader: str, lang: str | None = None,
                 to: list[str] | None = None, formats: list[str] | None = None,
                 send: bool = False, resend: bool = False, env_file: Path | None = None,
                 max_size_mb: float | None = None, reissue: bool = False,
                 tracked: bool = False, report=print) -> None:
    """The ``briefings email`` command. Everything is checked (settings, addresses, files)
    before a message is built or a connection opened. With ``reissue``, only to those
    holding an older version than the one built; with ``tracked``, whoever received an
    earlier text gets the DOCX with its changes since then tracked."""
    formats = list(dict.fromkeys(f.strip() for f in formats or ["pdf"]))
    for fmt in formats:
        if fmt not in MIME_TYPES:
            raise BriefingError(f"cannot attach '{fmt}' (known: {', '.join(MIME_TYPES)})")
    if tracked and "docx" not in formats:
        raise BriefingError("--tracked marks the changes in the DOCX: attach it too "
                            "(--attach docx, or pdf,docx)")
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
    versions = built_files(project)
    outbox = project.build / "outbox"
    folder = outbox / brief / reader
    log = record_path(project)
    tracker = TrackedFiles(project, brief, reader)

    failed, unknown = [], []
    with outbox_lock(outbox):
        if send:
            move_earlier_record(project)
        logged = already_sent(project)
        held = {(h.lang, h.to): h for h in holdings(project, chosen.brief)
                if h.reader == reader}
        outgoing, skipped, left_out, texts = [], [], [], {}
        for recipient in recipients:
            files = attachments[recipient.lang]
            version = files[0].version or chosen.brief.version
            holding = held.get((recipient.lang, recipient.email.lower()))
            last = holding.last if holding else None
            if reissue:
                state = holding.state(versions.get((brief, reader, recipient.lang))) \
                    if holding else NONE
                if state != OLDER:
                    left_out.append(recipient.email)
                    report(f"  not part of the reissue  {recipient.email} ({recipient.lang}): "
                           + _why_not(state, last, version))
                    continue
            state, when = logged.get(sent_key(brief, reader, recipient.email,
                                               [a.sha256 for a in files]), (None, None))
            if state and not resend:
                why = SKIP_REASONS[state]
                skipped.append(f"{recipient.email} ({why} on {when})")
                report(f"  skipped  {recipient.email} ({recipient.lang}): {file_names(files)} "
                       f"{why} on {when} (--resend sends it again)")
                continue
            if tracked and last is not None and last.received:
                files = tracker.files(files, recipient.lang, last.received)
            notes = newer_notes(chosen.brief, last.version, version, recipient.lang) \
                if last else []
            message = compose_message(project, chosen, recipient, files, sender, built,
                                      version, last.version if last else None, notes)
            if send and recipient.lang not in texts:   # what they receive, for diff
                texts[recipient.lang] = keep_built(project, brief, reader, recipient.lang)
            outgoing.append(Outgoing(brief, reader, version, recipient, files,
                                     message["Message-ID"], wire_bytes(message),
                                     eml_name(recipient), texts.get(recipient.lang)))
        paths = write_outbox(folder, outgoing, {r.lang for r in recipients})
        if send:
            failed, unknown = deliver(outgoing, smtp, sender.addr_spec, project, report)
        else:
            for item, path in zip(outgoing, paths):
                report(f"  {shown(path)}  {item.recipient.email}: {file_names(item.attachments)}")
            report(f"dry run: {len(paths)} message(s) written to {shown(folder)}, nothing "
                   "sent (add --send to deliver)")
    if send and outgoing:
        report(f"sent {len(outgoing) - len(failed) - len(unknown)} of {len(outgoing)} "
               f"message(s), each as sent in {shown(folder)}; record of sends: {shown(log)}")
    if skipped:
        report(f"skipped {len(skipped)} (--resend sends to them again): {', '.join(skipped)}")
    if reissue and not outgoing:
        report(f"nothing to reissue: nobody holds an older version than {version}")
    elif left_out:
        report(f"not part of the reissue: {len(left_out)} (see above)")
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
