"""Every quote a fact gives for its source is in the source document, word for word."""

from __future__ import annotations

from pathlib import Path

from briefings import projectfiles
from briefings.errors import BriefingError, shown
from briefings.facts import FactBase
from briefings.project import Project
from briefings.templating import relative


def _flat(text: str) -> str:
    return " ".join(text.split())


def _source_text(file: str, folders: list[Path]) -> tuple[Path, str | None]:
    """A source's text: where it was found (or first looked for) and its words, None if in
    no folder. Read from the project or the sources' folders only (a ``file:`` naming
    /etc/passwd would make the quote check an oracle on it)."""
    for folder in folders:
        path = folder / file
        if projectfiles.found(path):
            try:
                return path, _flat(projectfiles.read_text(path, *folders))
            except FileNotFoundError:
                break
    return folders[0] / file, None


def unquoted(facts: FactBase, project: Project, sources_dir: Path | None = None,
             used: set[str] | None = None) -> list[BriefingError]:
    """Every quote must appear word for word (spacing aside) in its source's text, kept in
    facts/sources or the folder ``templates/project.yaml`` names (or ``sources_dir``); a
    source whose text is in neither is a warning (its quotes were not checked), an error
    under --strict. ``used``: only these facts and the sources they cite (a build's, for
    its briefs)."""
    folders = project.source_folders(sources_dir)
    chosen = [fact for fact in facts.facts.values() if used is None or fact.id in used]
    cited = {ref.id for fact in chosen for ref in fact.sources}
    texts: dict[str, str | None] = {}
    problems = []
    for source in facts.sources.values():
        if used is not None and source.id not in cited:
            continue
        try:
            path, texts[source.id] = _source_text(source.file, folders)
        except BriefingError as exc:
            texts[source.id] = None
            problems.append(BriefingError(f"source '{source.id}': {shown(exc.file)}: "
                                          f"{exc.message}", "facts/sources.yaml"))
            continue
        if texts[source.id] is None:
            nor = "".join(f" nor in {shown(folder)}" for folder in folders[1:])
            problems.append(BriefingError(
                f"source '{source.id}': its text {shown(path)} is not there{nor}, so its "
                "quotes were not checked (save its text there, as UTF-8)",
                "facts/sources.yaml", level="warning"))
    for fact in chosen:
        for i, ref in enumerate(fact.sources):
            text = texts[ref.id]
            if text is not None and _flat(ref.quote) not in text:
                # The source as the analyst knows it, not the seed's hashed file name.
                problems.append(BriefingError(
                    f"fact '{fact.id}': quote not found in source '{ref.id}' "
                    f"(\"{facts.sources[ref.id].title}\"): \"{ref.quote}\"",
                    relative(str(facts.origin[fact.id][0]), project.root),
                    facts.line_of(fact.id, "sources", i, "quote")))
    return problems
