"""The ``briefings`` command: argument parsing only; the work is in the other modules."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from briefings import __version__
from briefings.errors import BriefingError, BriefingErrors, shown
from briefings.project import Project


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefings", description=__doc__)
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--project", type=Path, default=Path.cwd(),
                        help="project folder (holding facts/ and templates/); default: here")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the briefs into build/")
    build.add_argument("--audience", action="append", metavar="NAME",
                       help="only this audience (repeatable); default: all")
    build.add_argument("--lang", action="append", metavar="LANG",
                       help="only this language (repeatable); default: all the audience's")
    build.add_argument("--format", action="append", metavar="FORMAT",
                       help="pdf, docx or html (repeatable); default: pdf and docx")
    build.add_argument("--out", type=Path, help="output folder; default: build/")
    build.add_argument("--sources", type=Path, metavar="DIR",
                       help="folder with the source documents: stop if a quote is not in it")
    build.add_argument("--jobs", type=int, metavar="N",
                       help="documents rendered at once (default: one per core)")
    build.add_argument("--force", action="store_true",
                       help="rebuild everything, even outputs whose inputs did not change")

    check = commands.add_parser("check", help="check facts and templates before a build")
    check.add_argument("--sources", type=Path, metavar="DIR",
                       help="folder with the source documents, to check every quote")
    check.add_argument("--max-age-days", type=int, default=365, metavar="DAYS",
                       help="warn about facts older than this (default: 365)")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--no-warnings", action="store_true",
                       help="list errors only; warnings are just counted")

    scaffold = commands.add_parser("new-audience", help="start a new audience from another")
    scaffold.add_argument("name", help="lowercase letters, digits and hyphens")
    scaffold.add_argument("--from", dest="base", default="cancilleria", metavar="AUDIENCE",
                          help="audience to copy (default: cancilleria)")

    preview = commands.add_parser("preview", help="serve one brief as HTML, rebuilt on save")
    preview.add_argument("--audience", default="cancilleria", metavar="NAME")
    preview.add_argument("--lang", metavar="LANG", help="default: the audience's first")
    preview.add_argument("--port", type=int, default=8000, help="0 picks a free port")

    email = commands.add_parser("email", help="email the built briefs to an audience "
                                "(writes build/outbox/ only, unless --send)")
    email.add_argument("--audience", required=True, metavar="NAME")
    email.add_argument("--lang", metavar="LANG", help="only recipients in this language; "
                       "with --to, their language (default: the audience's first)")
    email.add_argument("--to", action="append", metavar="ADDRESS",
                       help="send to this address instead of the distribution list (repeatable)")
    email.add_argument("--attach", default="pdf", metavar="FORMATS",
                       help="formats to attach, comma-separated: pdf, docx (default: pdf)")
    email.add_argument("--send", action="store_true",
                       help="deliver through the SMTP server set by BRIEFINGS_SMTP_*")
    email.add_argument("--resend", action="store_true",
                       help="send again to recipients who already received the same files")
    email.add_argument("--env-file", type=Path, metavar="PATH",
                       help="KEY=VALUE file with the BRIEFINGS_* settings, outside the project")
    email.add_argument("--max-size-mb", type=float, metavar="MB", help="largest attachments "
                       "per message (default: BRIEFINGS_MAX_ATTACHMENT_MB, else 10)")
    return parser


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
    from briefings.outputs import DEFAULT_FORMATS, all_current
    # Decided from file hashes alone, before any heavy import: a no-op build costs nothing.
    if not args.force and all_current(project, out, args.audience or project.audience_names(),
                                      args.lang, args.format or list(DEFAULT_FORMATS)):
        print(f"up to date: nothing changed since the last build in {out}")
        return 0
    from briefings.build import build
    report = build(project, args.audience, args.lang, args.format, out, args.sources,
                   args.jobs, args.force)
    print(f"built {len(report.built)} files in {out}"
          + (f" ({report.current} already up to date)" if report.current else ""))
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _check(project: Project, args) -> int:
    import json

    from briefings.check import run_checks
    from briefings.project import build_date
    findings = run_checks(project, build_date(project.settings.timezone), args.sources,
                          args.max_age_days)
    errors = sum(f.level == "error" for f in findings)
    if args.format == "json":
        print(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
        return 1 if errors else 0
    shown = [f for f in findings if f.level == "error" or not args.no_warnings]
    for finding in shown:
        print(finding)
    warnings = len(findings) - errors
    hidden = " (make check lists them)" if args.no_warnings and warnings else ""
    print(f"check: {errors} error{'s' * (errors != 1)}, "
          f"{warnings} warning{'s' * (warnings != 1)}{hidden}")
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project = Project(args.project.resolve())
    try:
        project.require()
        if args.command == "build":
            return _build(project, args)
        elif args.command == "check":
            return _check(project, args)
        elif args.command == "preview":
            from briefings.preview import serve
            serve(project, args.audience, args.lang, args.port)
        elif args.command == "new-audience":
            from briefings.scaffold import new_audience
            folder = new_audience(project, args.name, args.base)
            print(f"created {folder}: edit its audience.yaml, then run make brief")
        elif args.command == "email":
            from briefings.mail import email_briefs
            email_briefs(project, args.audience, args.lang, args.to, args.attach.split(","),
                         args.send, args.resend, args.env_file, args.max_size_mb)
    except BriefingErrors as exc:
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        return 1
    except BriefingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
