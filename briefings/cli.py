"""The ``briefings`` command: its arguments and help; the work is in the other modules."""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

from briefings import __version__
from briefings.errors import BriefingError, BriefingErrors, shown
from briefings.project import Project


DESCRIPTION = """\
Turns the sourced facts in facts/ and the templates in templates/ into policy briefs:
PDF, DOCX and HTML, in Spanish and English, one for each reader each brief goes to.

examples:
  briefings build                                 every brief, for every reader
  briefings build --brief ID --reader NAME --lang es
  briefings check                                 is every brief sound?
  briefings list                                  briefs, readers, languages, what is built
  briefings preview --brief ID --reader NAME
  briefings new-brief ID                          start a brief
  briefings email --brief ID --reader NAME --send
  briefings status                                who holds which version of each brief
  briefings email --brief ID --reader NAME --reissue --send
  briefings add-source saved-page.html            a source's text and entry, to complete
  briefings due                                   briefs printing a fact about to expire
  briefings uses FACT                             where a fact is printed, who received it
  briefings diff --brief ID --reader NAME         what changed since the version they received
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefings", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"briefings {__version__}")
    parser.add_argument("--project", type=Path, default=Path.cwd(), metavar="FOLDER",
                        help="the project folder (holding facts/ and templates/); "
                        "default: the current folder")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, example: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=summary, description=f"{summary}.",
                                   epilog=f"example: {example}")

    def brief_option(sub, required_text: str):
        sub.add_argument("--brief", action="append", metavar="ID",
                         help=f"only this brief (repeatable); {required_text}")

    build = command("build", "build the briefs into build/, only what changed",
                    "briefings build --brief ID --reader NAME --format pdf")
    brief_option(build, "default: every brief")
    build.add_argument("--reader", action="append", metavar="NAME",
                       help="only this reader (repeatable); default: each brief's readers")
    build.add_argument("--lang", action="append", metavar="LANG",
                       help="only this language, one of templates/project.yaml's "
                       "(repeatable); default: each reader's")
    build.add_argument("--format", action="append", metavar="FORMAT",
                       help="pdf, docx or html (repeatable); default: all three")
    build.add_argument("--out", type=Path, metavar="FOLDER", help="default: build/")
    build.add_argument("--sources", type=Path, metavar="FOLDER",
                       help="a folder of sources' texts, looked in after facts/sources/ "
                       "instead of the one templates/project.yaml names")
    build.add_argument("--jobs", type=int, metavar="N",
                       help="documents made at once (default: one per processor core)")
    build.add_argument("--force", action="store_true",
                       help="rebuild everything, even what did not change")
    build.add_argument("--strict", action="store_true",
                       help="stop on every warning, as on an error: nothing is written")

    check = command("check", "check facts and templates before a build",
                    "briefings check --strict")
    brief_option(check, "default: every brief")
    check.add_argument("--sources", type=Path, metavar="FOLDER",
                       help="a folder of sources' texts, looked in after facts/sources/ "
                       "instead of the one templates/project.yaml names; every quote is "
                       "checked against them")
    check.add_argument("--max-age-days", type=int, default=365, metavar="DAYS",
                       help="warn about facts on a current state older than this "
                       "(default: 365)")
    check.add_argument("--format", choices=["text", "json"], default="text",
                       help="json: the same findings, for a script")
    check.add_argument("--no-warnings", action="store_true",
                       help="list errors only; warnings are just counted")
    check.add_argument("--strict", action="store_true",
                       help="treat every warning (a stale fact, a term to avoid) as an error")

    command("list", "list briefs × readers × languages, and what is built and current",
            "briefings list")

    command("due", "list the briefs to review: those printing a fact past its valid_until, "
            "or within review_within_days (templates/project.yaml) of it", "briefings due")
    uses = command("uses", "list the briefs, readers, languages, sections and figures that "
                   "print a fact, and who received those documents", "briefings uses "
                   "FACT_ID")
    uses.add_argument("fact", metavar="FACT_ID",
                      help="the fact's id, as its file gives it (id: …)")

    changes = command("diff", "show what changed in a reader's brief since the version its "
                      "recipients received, sentence by sentence, with the fact values that "
                      "changed; also written as a web page under build/",
                      "briefings diff --brief ID --reader NAME --lang en --docx")
    changes.add_argument("--brief", metavar="ID",
                         help="needed when the project has more than one brief")
    changes.add_argument("--reader", required=True, metavar="NAME",
                         help="the reader whose recipients received the earlier version")
    changes.add_argument("--lang", metavar="LANG", help="default: the reader's first")
    changes.add_argument("--since", metavar="VERSION",
                         help="compare with this version as sent (default: the last one "
                         "sent)")
    changes.add_argument("--docx", action="store_true",
                         help="also write the built DOCX with the changes as Word tracked "
                         "changes, beside it (…-changes.docx)")
    status = command("status", "list per brief, reader and language the version built and "
                     "the version each recipient holds, from records/sends.jsonl",
                     "briefings status --brief ID")
    brief_option(status, "default: every brief")

    new_brief = command("new-brief", "start a new brief that builds and passes the check "
                        "at once", "briefings new-brief ID --reader NAME")
    new_brief.add_argument("name", metavar="ID",
                           help="lowercase letters, digits and hyphens: the folder's name "
                           "and the start of every output file name")
    new_brief.add_argument("--reader", metavar="NAME",
                           help="the reader it goes to first (default: the first reader "
                           "in templates/readers/)")

    new_reader = command("new-reader", "define a new reader, copied from another",
                         "briefings new-reader comision-defensa --from comision-congreso")
    new_reader.add_argument("name", help="lowercase letters, digits and hyphens")
    new_reader.add_argument("--from", dest="base", required=True, metavar="NAME",
                            help="the reader to copy")

    add_source = command("add-source", "add a source: its text to facts/sources/, its "
                         "entry to facts/sources.yaml, printed for you to complete",
                         "briefings add-source ~/Descargas/articulo.html --kind news")
    add_source.add_argument("file", nargs="?", type=Path, metavar="FILE",
                            help="the PDF, web page (.html) or text file (.txt) you saved")
    add_source.add_argument("--url", metavar="URL",
                            help="download the page or PDF at this address instead of FILE")
    add_source.add_argument("--id", dest="source_id", metavar="ID",
                            help="the id facts cite it by (default: from its title)")
    add_source.add_argument("--kind", choices=["news", "opinion", "thesis", "official",
                                               "report"],
                            help="what the document is (default: left for you to write)")
    add_source.add_argument("--lang", metavar="LANG", help="the language it is written in "
                            "(default: the one the document gives, if any)")

    preview = command("preview", "show one brief in the browser, rebuilt on every save",
                      "briefings preview --brief ID --reader NAME --lang en")
    preview.add_argument("--brief", metavar="ID",
                         help="needed when the project has more than one brief")
    preview.add_argument("--reader", metavar="NAME",
                         help="default: the brief's first reader")
    preview.add_argument("--lang", metavar="LANG", help="default: the reader's first")
    preview.add_argument("--port", type=int, default=8000,
                         help="default: 8000; 0 picks a free one")

    email = command("email", "email a built brief to a reader's distribution list (writes "
                    "build/outbox/ only, unless --send)",
                    "briefings email --brief ID --reader NAME --send")
    email.add_argument("--brief", metavar="ID",
                       help="needed when the project has more than one brief")
    email.add_argument("--reader", required=True, metavar="NAME",
                       help="the reader whose brief is sent, to their distribution list "
                       "in templates/readers/NAME.yaml unless --to")
    email.add_argument("--lang", metavar="LANG", help="only recipients in this language; "
                       "with --to, their language (default: the reader's first)")
    email.add_argument("--to", action="append", metavar="ADDRESS",
                       help="send to this address instead of the distribution list (repeatable)")
    email.add_argument("--attach", default="pdf", metavar="FORMATS",
                       help="formats to attach, comma-separated: pdf, docx (default: pdf)")
    email.add_argument("--send", action="store_true",
                       help="deliver through the mail server set by BRIEFINGS_SMTP_*")
    email.add_argument("--reissue", action="store_true",
                       help="only to those holding an older version than the one built, "
                       "with its change note (see briefings status)")
    email.add_argument("--tracked", action="store_true",
                       help="to whoever received an earlier text, the DOCX with its changes "
                       "since then as Word tracked changes (…-changes.docx; with --attach "
                       "docx)")
    email.add_argument("--resend", action="store_true",
                       help="send again to recipients who already received the same files, "
                       "or may have")
    email.add_argument("--env-file", type=Path, metavar="PATH",
                       help="KEY=VALUE file with the BRIEFINGS_* settings, outside the project")
    email.add_argument("--max-size-mb", type=float, metavar="MB", help="largest attachments "
                       "per message (default: BRIEFINGS_MAX_ATTACHMENT_MB, else 10)")
    return parser


def one_brief(project: Project, brief: str | None) -> str:
    """The brief a command about one brief means: the one named, or the only one."""
    if brief:
        return brief
    ids = project.brief_ids()
    if len(ids) != 1:
        raise BriefingError(f"this project has {len(ids)} briefs: name one with --brief "
                            f"({', '.join(ids) or 'none yet: briefings new-brief ID'})")
    return ids[0]


def _build(project: Project, args) -> int:
    # SIGTERM stops a build as Ctrl-C does: its workers stopped, its staged files removed.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    out = args.out or project.build
    try:
        return _build_or_not(project, args, out)
    except KeyboardInterrupt:
        print(f"interrupted: nothing in {shown(out)}/ was changed", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


def _build_or_not(project: Project, args, out: Path) -> int:
    from briefings.outputs import DEFAULT_FORMATS, all_current, sweep
    # Decided from file hashes alone, before any heavy import: a no-op build costs nothing.
    if not args.force and all_current(project, out, args.brief or project.brief_ids(),
                                      args.reader, args.lang,
                                      args.format or list(DEFAULT_FORMATS)):
        sweep(out)  # what a killed build left goes even when there is nothing to build
        print(f"up to date: nothing changed since the last build in {out}")
        return 0
    with _importing():
        from briefings.build import BrokenBriefs, build
    try:
        report, broken = build(project, args.brief, args.reader, args.lang, args.format, out,
                               args.sources, args.jobs, args.force, args.strict), None
    except BrokenBriefs as exc:
        report, broken = exc.report, exc
    for warning in report.warnings:
        print(warning.report(), file=sys.stderr)
    if report.built or (broken and report.current):
        print(f"built {len(report.built)} files in {out}"
              + (f" ({report.current} already up to date)" if report.current else ""))
    elif not broken:  # a file changed, but nothing the requested documents print
        print(f"up to date: nothing they use changed since the last build in {out}")
    if out == project.build:  # who holds a text other than the one just built
        from briefings.holders import outdated
        for line in outdated(project, sorted({path.relative_to(out).parts[0]
                                              for path in report.built})):
            print(line)
    if broken:
        for error in broken.errors:
            print(f"error: {error}", file=sys.stderr)
        if report.built or report.current:  # which briefs of those asked for the errors stop
            print(f"not built: {', '.join(broken.briefs)} (the errors above say why; "
                  f"{'its' if len(broken.briefs) == 1 else 'their'} files in {out} are as "
                  "they were)")
        return 1
    return 0


def _add_source(project: Project, args) -> int:
    if (args.file is None) == (args.url is None):
        raise BriefingError("name the file you saved, or give --url ADDRESS (one of the two)")
    from briefings.addsource import add_source
    from briefings.dates import build_date
    text, lines = add_source(project, build_date(project.settings.timezone), args.file,
                             args.url, args.source_id, args.kind, args.lang)
    print(f"saved its text in {shown(text)} and added to facts/sources.yaml:\n\n{lines}\n"
          "Complete the entry in your words, cite it from a fact with a short quote copied "
          "from that text, then run briefings check.")
    return 0


@contextmanager
def _importing():
    """The imports of a command's modules (a third of a one-file build's time): what they
    make lives as long as the process, so it is frozen out of the cyclic garbage
    collector's passes, which went over it again and again for nothing, in this process and
    in the workers forked from it (a one-file DOCX build took 15% less CPU). Only when
    something was imported: a process calling ``main`` again (the tests) freezes nothing
    more."""
    modules, collecting = len(sys.modules), gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if len(sys.modules) > modules:
            gc.freeze()
        if collecting:
            gc.enable()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _review(project: Project, args) -> int:
    """``due`` or ``uses``: the listing, then any brief it could not read (exit status 1)."""
    from briefings import review
    from briefings.dates import build_date
    today = build_date(project.settings.timezone)
    text, problems = review.due(project, today) if args.command == "due" \
        else review.uses(project, args.fact, today)
    print(text)
    for problem in problems:
        print(f"error: {problem} (this brief is left out above)", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    try:
        code = _run(argv)
        sys.stdout.flush()  # now rather than at exit, so that a reader gone is seen here
        return code
    except BrokenPipeError:  # `briefings list | head`: the reader has what it wanted
        # What is still buffered goes nowhere, so the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE  # as a command the pipe's signal stopped


def _run(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    project = Project(args.project.resolve())
    try:
        project.require()
        if args.command == "build":
            return _build(project, args)
        elif args.command == "check":
            with _importing():
                from briefings.check import check
            return check(project, args.sources, args.max_age_days, args.brief,
                         args.format == "json", args.no_warnings, args.strict)
        elif args.command == "list":
            with _importing():
                from briefings.listing import listing
            print(listing(project))
        elif args.command in ("due", "uses"):
            return _review(project, args)
        elif args.command == "diff":
            from briefings.changes.command import diff, report
            colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
            print(report(diff(project, one_brief(project, args.brief), args.reader, args.lang,
                              args.since, args.docx), colour))
        elif args.command == "status":
            from briefings.holders import status
            print(status(project, args.brief or project.brief_ids()))
        elif args.command == "add-source":
            return _add_source(project, args)
        elif args.command == "preview":
            from briefings.preview import serve
            serve(project, one_brief(project, args.brief), args.reader, args.lang, args.port)
        elif args.command == "new-brief":
            from briefings.scaffold import new_brief
            folder = new_brief(project, args.name, args.reader)
            print(f"created {shown(folder)}: edit its brief.yaml and sections, then run "
                  f"make brief BRIEF={args.name}")
        elif args.command == "new-reader":
            from briefings.scaffold import new_reader
            path = new_reader(project, args.name, args.base)
            print(f"created {shown(path)}: edit it, then add '{args.name}' to the readers of "
                  "each brief that goes to them")
        elif args.command == "email":
            from briefings.mail.command import email_briefs
            email_briefs(project, one_brief(project, args.brief), args.reader, args.lang,
                         args.to, args.attach.split(","), args.send, args.resend,
                         args.env_file, args.max_size_mb, args.reissue, args.tracked)
    except KeyboardInterrupt:  # Ctrl-C (a build says itself what it left as it was)
        print(f"interrupted: briefings {args.command} stopped before it finished",
              file=sys.stderr)
        return 130
    except BriefingErrors as exc:
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        return 1
    except BriefingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
