"""``briefings list``: every brief × reader × language, and what of it is built and current."""

from __future__ import annotations

from functools import cache

from briefings.briefs import editions, languages_read, load_brief
from briefings.dates import build_date
from briefings.numbering import brief_numbers
from briefings.outputs import (InputKeys, is_current, load_manifest, output_path,
                               recorded_numbers)
from briefings.project import Project


def listing(project: Project) -> str:
    out = project.build
    manifest = load_manifest(out)
    entries = {entry["path"]: entry for entry in manifest.get("outputs", [])}
    day, numbers = build_date(project.settings.timezone), recorded_numbers(manifest)
    keys = InputKeys(project, day, project.source_folders())

    @cache
    def fact_by_fact() -> tuple[InputKeys, dict[str, dict[str, int]]]:
        """Keys that look at the facts one by one, once a file holding them changed (the
        fact base's validation is imported only then)."""
        from briefings.facts import load_facts
        facts = load_facts(project.facts, project.theme / "fonts", project.settings.languages,
                           languages_read(project), apart=True)
        return (InputKeys(project, day, project.source_folders(), facts),
                {brief: brief_numbers(facts.sources, [set(n)]) for brief, n in numbers.items()})

    def current(entry: dict) -> bool:
        mine = numbers.get(entry["brief"], {})
        if is_current(entry, out, keys, mine):
            return True
        fine, renumbered = fact_by_fact()
        return is_current(entry, out, fine, mine, renumbered.get(entry["brief"], {}))
    lines = []
    first = next(iter(project.settings.languages))  # the project's own language
    for brief_id in project.brief_ids():
        brief = load_brief(project, brief_id)
        lines.append(f"{brief_id}: {brief.spec.title[first]}")
        for edition in editions(project, brief):
            for lang in edition.languages:
                states = []
                for fmt in ("pdf", "docx", "html"):
                    path = output_path(out, brief_id, edition.reader, lang, fmt)
                    entry = entries.get(path.relative_to(out).as_posix())
                    if entry is not None:
                        state = "current" if current(entry) else "out of date"
                        states.append(f"{fmt} {state}")
                shown = ", ".join(states) or "not built"
                lines.append(f"  {edition.reader:<22} {lang}  {shown}")
    return "\n".join(lines) or "no brief yet: start one with briefings new-brief ID"
