"""The ``briefings`` command: argument parsing only; the work is in the other modules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefings import __version__
from briefings.errors import BriefingError, BriefingErrors
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
    return parser


def _check(project: Project, args) -> int:
    import json

    from briefings.build import build_date
    from briefings.check import run_checks
    findings = run_checks(project, build_date(), args.sources, args.max_age_days)
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
        if args.command == "build":
            from briefings.build import build
            outputs = build(project, args.audience, args.lang, args.format, args.out)
            print(f"built {len(outputs)} files in {(args.out or project.build)}")
        elif args.command == "check":
            return _check(project, args)
        elif args.command == "preview":
            from briefings.preview import serve
            serve(project, args.audience, args.lang, args.port)
        elif args.command == "new-audience":
            from briefings.scaffold import new_audience
            folder = new_audience(project, args.name, args.base)
            print(f"created {folder}: edit its audience.yaml, then run make brief")
    except BriefingErrors as exc:
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        return 1
    except BriefingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
