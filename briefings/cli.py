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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project = Project(args.project.resolve())
    try:
        if args.command == "build":
            from briefings.build import build
            outputs = build(project, args.audience, args.lang, args.format, args.out)
            print(f"built {len(outputs)} files in {(args.out or project.build)}")
    except BriefingErrors as exc:
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        return 1
    except BriefingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
