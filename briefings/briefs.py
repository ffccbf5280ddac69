"""Briefs, readers and the editions that pair them.

A brief is a folder, ``templates/briefs/<id>/``: its ``brief.yaml`` (title, sections, the
readers it goes to), its section templates, and any theme file of its own. A reader is
defined once, ``templates/readers/<name>.yaml``: who they are, their languages, the
classification and who receives the brief; it may extend another reader, whose file it is
deep-merged over. An edition is one brief for one reader; its
files are looked up reader override → brief → theme (``Edition.chain``)."""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, EmailStr, Field, ValidationInfo, field_validator

from briefings import projectfiles
from briefings.errors import BriefingError, did_you_mean
from briefings.history import Version, check_versions, first_only
from briefings.project import Project
from briefings.schema import Language, Strict, Text, Texts, missing_text
from briefings.yamlfile import YamlFile, read_yaml

NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MAX_NAME = 40




def _one_line(name: str) -> str:
    if "\n" in name or "\r" in name:  # in a mail header it would start a header of its own
        raise ValueError("a name must be on one line")
    return name


def _once_each(items: list) -> list:
    if len(set(items)) != len(items):
        raise ValueError("an item is listed twice")
    return items


class Recipient(Strict):
    """Someone a brief is mailed to, in one language: on a reader's distribution list, or
    given with ``briefings email --to`` (then with no name)."""
    name: Annotated[Text, AfterValidator(_one_line)] | None = Field(
        None, description="how the message greets them; without it, a greeting to no one "
        "in particular")
    email: EmailStr
    lang: Language


class Reader(Strict):
    """Who a reader is; which sections each brief gives them is in that brief's brief.yaml."""
    extends: str | None = Field(None, description="the reader this one is deep-merged over")
    # before the texts: they are checked against it
    languages: Annotated[list[Language], AfterValidator(_once_each)] = Field(
        min_length=1, description="first = the reader's own")
    name: Texts = Field(description="how the reader is named on the cover")
    classification: Texts
    tone: Text | None = Field(None, description="notes for whoever writes for this reader")
    distribution: list[Recipient] = []

    @field_validator("name", "classification")
    @classmethod
    def _in_each_language_read(cls, texts: Texts, info: ValidationInfo) -> Texts:
        for lang in info.data.get("languages", ()):
            if lang not in texts.root:
                raise ValueError(missing_text(lang, "this reader"))
        return texts


Sections = Annotated[list[str], AfterValidator(_once_each)]


def _some_sections(sections: list[str] | None) -> list[str] | None:
    # An empty list would fall back to every section: a press reader would get them all.
    if sections == []:
        raise ValueError("a reader with no sections: list the sections it gets, or remove "
                         "the reader")
    return sections


def _years_ahead(horizons: list[int]) -> list[int]:
    if any(not 1 <= n <= 100 for n in horizons):
        raise ValueError("a horizon is a number of years after the base year, from 1 to "
                         "100, e.g. [2, 5, 10]")
    return horizons


class ReaderOptions(Strict):
    """What one reader gets of a brief, when it differs from the brief's own."""
    sections: Annotated[Sections | None, AfterValidator(_some_sections)] = None
    length: Literal["full", "short"] = "full"


class BriefFile(Strict):
    title: Texts
    subtitle: Texts
    keywords: Texts
    version: Text | None = Field(None, description="the first version alone, without "
                                 "versions:")
    versions: list[Version] | None = Field(None, min_length=1,
                                           description="newest first (briefings.history)")
    sections: Sections = Field(min_length=1)
    horizons: Annotated[list[int], AfterValidator(_years_ahead),
                        AfterValidator(_once_each)] = Field(
        [], description="recommendation horizons, in years")
    base_year: int | None = Field(None, description="year the horizons count from; "
                                  "default: the year of the build")
    readers: dict[str, ReaderOptions | None] = Field(min_length=1)


@dataclass(frozen=True)
class Brief:
    id: str
    folder: Path
    spec: BriefFile

    @property
    def history(self) -> list[Version]:
        """Its versions, newest first."""
        return self.spec.versions or first_only(self.spec.version)

    @property
    def version(self) -> str:
        """The version a build makes now."""
        return self.history[0].version


@dataclass(frozen=True)
class Edition:
    """One brief for one reader: everything compose needs besides the language."""
    brief: Brief
    reader: str
    profile: Reader
    sections: tuple[str, ...]
    length: str
    theme: Path

    @property
    def chain(self) -> tuple[Path, ...]:
        """Where this edition's templates and theme files are looked up, in order."""
        return (self.brief.folder / "readers" / self.reader, self.brief.folder, self.theme)

    @property
    def languages(self) -> list[str]:
        return self.profile.languages


def check_name(name: str, what: str = "reader") -> str:
    if len(name) > MAX_NAME:  # it names a folder and every output file
        raise BriefingError(f"a {what} name of {len(name)} characters is too long: keep it "
                            f"to {MAX_NAME}, e.g. 'comision-defensa'")
    if not NAME.fullmatch(name):  # fullmatch: "$" would let a trailing newline through
        raise BriefingError(f"{name!r} is not a valid {what} name: use lowercase letters, "
                            "digits and hyphens, e.g. 'comision-defensa'")
    return name


def _unknown(what: str, name: str, known, path: Path | None, line: int | None = None
             ) -> BriefingError:
    known = sorted(known)
    hint = did_you_mean(name, known)
    return BriefingError(f"unknown {what} '{name}' ({hint + ' ' if hint else ''}known: "
                         f"{', '.join(known) or 'none'})", path, line)


def load_reader(project: Project, name: str) -> Reader:
    """A reader's file, deep-merged over the reader it ``extends`` (if any), validated;
    errors are located in the reader's own file. Validated once while the readers' files
    say what they said: a list or a build of many briefs asks for each reader brief by
    brief."""
    files = tuple((path.name, _content(path)) for path in sorted(project.readers.glob("*.yaml")))
    return _load_reader(project, name, tuple(project.settings.languages), files)


def _content(path: Path) -> bytes | None:
    try:
        return projectfiles.read_bytes(path)
    except (OSError, BriefingError):
        return None  # said when the reader is loaded, if it is one of those read


@functools.lru_cache(maxsize=64)
def _load_reader(project: Project, name: str, languages: tuple[str, ...],
                 files: tuple[tuple[str, bytes | None], ...]) -> Reader:
    """``files``: every reader's file and what it holds, which key the cache only."""
    return _reader_file(project, name, ()).validate(Reader, languages=languages)


def _reader_file(project: Project, name: str, seen: tuple[str, ...],
                 path: Path | None = None, line: int | None = None) -> YamlFile:
    """``name``'s file with what it extends merged in: ``seen`` are the readers that led to
    it, each extending the next (``path`` and ``line``: where the last one names it)."""
    own = project.readers / f"{check_name(name)}.yaml"
    if not projectfiles.found(own):
        raise _unknown("reader", name, project.reader_names(), path or own, line)
    if name in seen:
        chain = " → ".join((*seen, name))
        raise BriefingError(f"readers extend each other in a circle ({chain}): remove one "
                            "'extends'", path, line, "extends")
    doc = read_yaml(own)
    base = doc.data.get("extends") if isinstance(doc.data, dict) else None
    if not isinstance(base, str):
        return doc  # no extends (or not a name: the schema says so)
    parent = _reader_file(project, base, (*seen, name), own, doc.line_of(["extends"]))
    return dataclasses.replace(doc, data=deep_merge(parent.data, doc.data))


def deep_merge(base: Any, over: Any) -> Any:
    """``over`` on top of ``base``: mappings merged key by key, anything else (a list, a
    text) replaced whole."""
    if isinstance(base, dict) and isinstance(over, dict):
        return {**base, **{key: deep_merge(base.get(key), value) for key, value in over.items()}}
    return over


def section_names(folders) -> set[str]:
    """The sections the templates in ``folders`` offer: ``sections/<name>.md.j2``."""
    return {p.name.removesuffix(".md.j2") for folder in folders
            for p in (folder / "sections").glob("*.md.j2")}


def load_brief(project: Project, brief_id: str) -> Brief:
    folder = project.briefs / check_name(brief_id, "brief")
    path = folder / "brief.yaml"
    if not projectfiles.found(path):
        raise _unknown("brief", brief_id, project.brief_ids(), path)
    doc = read_yaml(path)
    spec = doc.validate(BriefFile, languages=project.settings.languages)
    known = section_names([folder, project.theme])
    lists = [(["sections"], spec.sections)] + [
        (["readers", name, "sections"], options.sections)
        for name, options in spec.readers.items() if options and options.sections]
    for where, sections in lists:
        for section in sections:
            if section not in known:
                raise _unknown("section", section, known, path, doc.line_of(where))
    for name in spec.readers:
        if name not in project.reader_names():
            raise _unknown("reader", name, project.reader_names(), path,
                           doc.line_of(["readers", name]))
    if (spec.version is None) == (spec.versions is None):
        raise BriefingError("give the brief's versions under versions: (newest first), or its "
                            'first alone as version: "1.0", not both' if spec.version else
                            'the brief has no version: add versions: [{version: "1.0", '
                            "date: 2026-12-06}]", path,
                            doc.line_of(["version"] if spec.version else []), "versions")
    languages = {name: load_reader(project, name).languages for name in spec.readers}
    for name, langs in languages.items():  # its words in each language one of its readers reads
        for lang in langs:
            for field in ("title", "subtitle", "keywords"):
                if lang not in getattr(spec, field).root:
                    raise BriefingError(missing_text(lang, f"reader '{name}'"), path,
                                        doc.line_of([field]), field)
    check_versions(spec.versions or [], doc, languages)
    return Brief(brief_id, folder, spec)


def languages_read(project: Project) -> list[str]:
    """The languages some reader of the project reads, in the project's order: every fact
    is written in each of them."""
    read = {lang for name in project.reader_names()
            for lang in load_reader(project, name).languages}
    return [lang for lang in project.settings.languages if lang in read]


def editions(project: Project, brief: Brief, readers: list[str] | None = None
             ) -> list[Edition]:
    """The brief for each of its readers (or those of ``readers`` it goes to)."""
    chosen = []
    for name, options in brief.spec.readers.items():
        if readers is not None and name not in readers:
            continue
        options = options or ReaderOptions()
        chosen.append(Edition(brief, name, load_reader(project, name),
                              tuple(options.sections or brief.spec.sections), options.length,
                              project.theme))
    return chosen


def edition(project: Project, brief: Brief, reader: str) -> Edition:
    """The brief for one reader, or an error naming the readers it goes to (located in its
    brief.yaml, which lists them)."""
    found = editions(project, brief, [reader])
    if found:
        return found[0]
    path = brief.folder / "brief.yaml"
    if reader in project.reader_names():
        raise BriefingError(f"brief '{brief.id}' does not go to reader '{reader}' (its "
                            f"readers: {', '.join(brief.spec.readers)}): add them to its "
                            "readers", path)
    raise _unknown("reader", reader, list(brief.spec.readers), None)  # a slip in the command
