"""Reading the fact files and the sources registry into one ``FactBase``, reporting every
problem at once: schema errors, duplicate ids, a fact that disagrees with itself and any
character the brief's fonts cannot print."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from briefings import glyphs
from briefings.errors import BriefingError, BriefingErrors
from briefings.facts.model import FactBase, FactFile, SourcesFile
from briefings.facts.numbers import Loc, inconsistencies
from briefings.yamlfile import dotted, read_yaml


def _namer(data: Any, kind: str):
    """Schema errors name the fact or source by its id (``fact 'trade.agreement': as_of``),
    not by its place in the list (``facts.0.as_of``)."""
    def name(loc: Sequence[str | int]) -> str:
        if len(loc) < 2 or not isinstance(loc[1], int):
            return dotted(loc)
        try:
            item_id = data[loc[0]][loc[1]].get("id")
        except (AttributeError, KeyError, IndexError, TypeError):
            item_id = None
        who = (f"{kind} {item_id!r}" if isinstance(item_id, str)
               else f"{kind} {loc[1] + 1} (no id)")
        return f"{who}: {dotted(loc[2:])}" if loc[2:] else who
    return name


def load_facts(folder: Path, fonts: Path, languages: Collection[str],
               required: Collection[str] = (), apart: bool = False) -> FactBase:
    """Load and validate every fact file in ``folder``; report all problems at once. Their
    text must print with the fonts in the folder ``fonts``, when it holds any, and be
    written in the project's ``languages`` only, in each of those ``required`` (the
    languages its readers read: ``briefs.languages_read``).

    ``apart`` (a build): a fact file with a problem is left out whole, its problems kept
    in ``FactBase.broken`` for the brief that looks up one of its facts, so that it stops
    only the briefs using it. A problem in the sources registry, which every fact's
    citations read, still stops everything."""
    sources_path = folder / "sources.yaml"
    if not sources_path.is_file():
        raise BriefingError("the sources registry is missing", sources_path)
    chars = glyphs.font_chars(fonts)
    base = FactBase(files=[sources_path])
    sources_file = read_yaml(sources_path)
    registry = sources_file.validate(SourcesFile, _namer(sources_file.data, "source"),
                                     languages=languages).sources
    errors: list[BriefingError] = []
    for i, source in enumerate(registry):
        if source.id in base.sources:
            errors.append(BriefingError(f"duplicate source id '{source.id}'", sources_path,
                                        sources_file.line_of(["sources", i, "id"])))
        base.sources[source.id] = source
        for loc, problem in _unprintable(source, chars):
            errors.append(BriefingError(problem, sources_path,
                                        sources_file.line_of(["sources", i, *loc]),
                                        f"source '{source.id}'"))

    if apart and errors:
        raise BriefingErrors(errors)

    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    for path in paths:
        if path == sources_path:
            continue
        base.files.append(path)
        found = _load_file(base, path, chars, languages, required)
        if found and apart:
            for fact_id in [f for f, (file, _) in base.origin.items() if file == path]:
                del base.facts[fact_id], base.origin[fact_id], base._places[fact_id]
            base.broken[path.stem] = found
        errors += found
    if errors and not apart:
        raise BriefingErrors(errors)
    return base


def _load_file(base: FactBase, path: Path, chars: frozenset[int] | None,
               languages: Collection[str], required: Collection[str]) -> list[BriefingError]:
    """Add one fact file's facts to ``base``; its problems."""
    if path.name == "sources.yml":
        return [BriefingError("the sources registry is read from sources.yaml: rename this "
                              "file", path)]
    try:
        doc = read_yaml(path)
        facts = doc.validate(FactFile, _namer(doc.data, "fact"), sources=base.sources,
                             topic=path.stem, languages=languages, required=required).facts
    except BriefingErrors as exc:
        return list(exc.errors)
    except BriefingError as exc:
        return [exc]
    errors = []
    for i, fact in enumerate(facts):
        line = doc.line_of(["facts", i, "id"])
        if fact.id in base.facts:
            first_path, first_line = base.origin[fact.id]
            errors.append(BriefingError(f"duplicate fact id '{fact.id}' (first defined "
                                        f"at {first_path.name}:{first_line})", path, line))
            continue
        base.facts[fact.id] = fact
        base.origin[fact.id] = (path, line)
        base._places[fact.id] = (doc, i)
        for loc, problem in [*inconsistencies(fact, base.sources), *_unprintable(fact, chars)]:
            errors.append(BriefingError(problem, path, base.line_of(fact.id, *loc),
                                        f"fact '{fact.id}'"))
    return errors


def _strings(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*loc, i))


def _unprintable(model: BaseModel, chars: frozenset[int] | None) -> Iterator[tuple[Loc, str]]:
    if chars is None:
        return
    for loc, text in _strings(model.model_dump()):
        if problem := glyphs.unprintable(text, chars):
            yield loc, f"{dotted(loc)}: {problem}"


