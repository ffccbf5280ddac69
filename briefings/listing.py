"""``briefings list``: every brief × reader × language, and what of it is built and current."""

from __future__ import annotations

from briefings.briefs import editions, load_brief
from briefings.dates import build_date
from briefings.outputs import InputKeys, is_current, load_manifest, output_path
from briefings.project import Project


def listing(project: Project) -> str:
    out = project.build
    manifest = load_manifest(out)
    entries = {entry["path"]: entry for entry in manifest.get("outputs", [])}
    keys = InputKeys(project, build_date(project.settings.timezone))
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
                        current = is_current(entry, out, keys)
                        states.append(f"{fmt} {'current' if current else 'out of date'}")
                shown = ", ".join(states) or "not built"
                lines.append(f"  {edition.reader:<22} {lang}  {shown}")
    return "\n".join(lines) or "no brief yet: start one with briefings new-brief ID"
