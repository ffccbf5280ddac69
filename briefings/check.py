"""``briefings check``: is every brief sound before it is sent? Runs every rule
(``briefings.rules``) over the project and prints each problem on one line, then a count."""

from __future__ import annotations

import json

from briefings.errors import BriefingError
from briefings.dates import build_date
from briefings.project import Project
from briefings.rules.run import run_checks


def strict(problems: list[BriefingError]) -> list[BriefingError]:
    """MkDocs' strict: nothing merely noted goes out, every warning is an error."""
    return [problem.at("error") for problem in problems]


def check(project: Project, sources, max_age_days: int, briefs: list[str] | None,
          as_json: bool, no_warnings: bool, be_strict: bool) -> int:
    """Print what is wrong; the exit status: 1 if there is an error, else 0."""
    problems = run_checks(project, build_date(project.settings.timezone), sources,
                          max_age_days, briefs)
    if be_strict:
        problems = strict(problems)
    errors = sum(p.level == "error" for p in problems)
    if as_json:
        print(json.dumps([p.as_dict() for p in problems], indent=2, ensure_ascii=False))
        return 1 if errors else 0
    for problem in problems:
        if problem.level == "error" or not no_warnings:
            print(problem.report())
    warnings = len(problems) - errors
    hidden = " (make check lists them)" if no_warnings and warnings else ""
    print(f"check: {errors} error{'s' * (errors != 1)}, "
          f"{warnings} warning{'s' * (warnings != 1)}{hidden}")
    return 1 if errors else 0
