"""What is in ``build/``: the lock, the manifest, and whether an output is up to date.

An output is up to date when its file still has the hash the manifest records and the hash
of its inputs equals the key stored beside it. Its inputs are what it read: the package's
code, the build day, its brief's folder, the theme, the readers' profiles, the project's
settings, each fact it printed (``uses``: the facts its templates looked up, by id, the last
time it was made), the sources those facts cite with their texts, and the numbers its brief
gives its sources (``numbering``), worked out from every version of the brief. A fact
another document prints, a source nobody here cites, a fact file no fact of it comes from,
another brief's folder are not inputs: changing or breaking them leaves it up to date.

Two keys say the same: ``uses["files_key"]`` hashes whole files (the fact files holding its
facts, the sources registry), from the standard library only, so that a build with nothing
to do never imports the heavy libraries; when a file changed, ``key`` hashes the facts and
sources it printed, one by one, from the loaded fact base."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from briefings import __file__ as _package_init
from briefings import buildfiles, projectfiles
from briefings.dates import build_date, time_zone
from briefings.errors import BriefingError, shown
from briefings.project import SETTINGS, Project

MANIFEST = "manifest.json"
LOCK = ".lock"
STAGING = ".staging-"  # a build's files until all are made
# The drawing cache builds kept before compose drew in memory: never read since.
OLD_CACHE, OLD_CACHE_HOLDS = ".cache", {"figures"}
DEFAULT_FORMATS = ("pdf", "docx", "html")  # every format a reader gets
PACKAGE = Path(_package_init).parent
# What the build records about each output, and what each is; an entry without one of
# these, or with another kind of value, is damaged.
_TEXT, _COUNT = (str, "a text"), (int, "a whole number")
ENTRY_KEYS = {"brief": _TEXT, "reader": _TEXT, "lang": _TEXT, "format": _TEXT, "path": _TEXT,
              "sha256": _TEXT, "bytes": _COUNT, "pages": ((int, type(None)), "a whole number"),
              "fact_files": (list, "a list of file names"), "key": _TEXT}
# What a document read, beside its key: an entry without it, or with it damaged, is rebuilt.
USES = {"facts": list, "sources": list, "texts": list, "files_key": str}



@contextmanager
def build_lock(out: Path, wait: bool = True):
    """One build at a time in ``out``: two at once would each drop the other's manifest
    entries. A second build waits for the first, then sees what it built. Without
    ``wait``, yields whether it got the lock at once."""
    with os.fdopen(buildfiles.open_plain(out, out / LOCK, os.O_RDWR), "r+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                yield False
                return
            print(f"waiting: another build is writing to {shown(out)}", file=sys.stderr,
                  flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield True


def sweep(out: Path) -> None:
    """Remove what earlier builds left (``leftovers``), unless a build is running:
    then the leftovers may be its own, and it removes them itself."""
    if os.path.isdir(out):
        with build_lock(out, wait=False) as alone:
            if alone:
                for left in leftovers(out):
                    buildfiles.remove(left)


def leftovers(out: Path) -> list[Path]:
    """What earlier builds left in ``out``: a killed build's staging folder, and the
    drawing cache of an older version. That ``.cache`` goes only from a build folder (one
    with a manifest) and only as the old builds left it, a ``figures`` folder and nothing
    else: what else a folder named ``--out`` holds is its owner's."""
    found = list(out.glob(f"{STAGING}*"))
    cache = out / OLD_CACHE
    try:
        held = {entry.name for entry in os.scandir(cache)}
    except OSError:   # none, or not a folder: not the old cache
        held = None
    if held is not None and held <= OLD_CACHE_HOLDS and not cache.is_symlink() \
            and (out / MANIFEST).is_file():
        found.append(cache)
    return found


def _damaged(out: Path, problem: str, line: int | None = None) -> BriefingError:
    return BriefingError(f"{problem} (briefings build writes this file: delete it and build "
                         "again)", out / MANIFEST, line)


def load_manifest(out: Path) -> dict:
    """The manifest as written, checked; ``{}`` when there is none yet."""
    path = out / MANIFEST
    try:
        manifest = json.loads(buildfiles.read(out, path))
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        raise BriefingError("is a folder where the build puts its manifest: move or delete it",
                            path) from None
    except OSError as exc:
        raise BriefingError(f"cannot read the manifest ({exc.strerror})", path) from None
    except ValueError as exc:
        raise _damaged(out, "is not valid JSON", getattr(exc, "lineno", None)) from None
    outputs = manifest.get("outputs") if isinstance(manifest, dict) else None
    if not isinstance(outputs, list):
        raise _damaged(out, "has no list of outputs")
    for number, entry in enumerate(outputs, 1):
        missing = [key for key in ENTRY_KEYS if key not in entry] if isinstance(entry, dict) \
            else ["path"]
        if missing:
            raise _damaged(out, f"output {number} has no '{missing[0]}'")
        for key, (kind, words) in ENTRY_KEYS.items():
            value = entry[key]
            if not isinstance(value, kind) or isinstance(value, bool) or (
                    isinstance(value, list) and not all(isinstance(v, str) for v in value)):
                raise _damaged(out, f"output {number}: '{key}' is not {words}")
    zone = manifest.get("timezone")
    if zone is not None:
        try:
            time_zone(zone)
        except (ValueError, TypeError) as exc:
            raise _damaged(out, str(exc)) from None
    return manifest


def read_manifest(out: Path) -> dict[str, dict]:
    """The manifest's entries by output path."""
    return {entry["path"]: entry for entry in load_manifest(out).get("outputs", [])}


def recorded_numbers(manifest: dict) -> dict[str, dict[str, int]]:
    """Each brief's source numbers as last worked out; a brief whose record is missing or
    damaged has none, so that its outputs are rebuilt."""
    numbers = manifest.get("numbers")
    if not isinstance(numbers, dict):
        return {}
    return {brief: mine for brief, mine in numbers.items() if isinstance(mine, dict)
            and all(isinstance(n, int) and not isinstance(n, bool) for n in mine.values())}


def text_folders(project: Project, manifest: dict) -> list[Path] | None:
    """Where the sources' texts are looked for (``Project.source_folders``), with the folder
    ``templates/project.yaml`` names as the manifest recorded it (reading that file would
    import the settings' validation), if it is one a project may name: in or beside the
    project, not hidden."""
    folder = manifest.get("sources")
    if not isinstance(folder, str) or not folder or Path(folder).is_absolute() \
            or folder.startswith("~") or any(part.startswith(".") and part != ".."
                                             for part in Path(folder).parts):
        return None
    named, own = project.root / folder, project.own_sources
    return [own] if named.resolve() == own.resolve() else [own, named]


def manifest_bytes(zone: str, sources: str, entries: dict[str, dict],
                   numbers: dict[str, dict[str, int]]) -> bytes:
    """``sources``: the folder of the sources' texts, as ``templates/project.yaml`` names it."""
    manifest = {"timezone": zone, "sources": sources,
                "numbers": {brief: numbers[brief] for brief in sorted(numbers)},
                "outputs": [entries[key] for key in sorted(entries)]}
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()


def uses_of(entry: dict) -> dict | None:
    """What the output's document read, as its entry records it; None when it does not."""
    uses = entry.get("uses")
    if not isinstance(uses, dict) or any(not isinstance(uses.get(name), kind) or (
            kind is list and not all(isinstance(item, str) for item in uses[name]))
            for name, kind in USES.items()):
        return None
    return uses


class InputKeys:
    """Content hashes of a document's inputs; each file is read once per build. ``texts``:
    the folders of the sources' texts, in the order they are looked in; ``facts`` (the
    loaded fact base) is needed for ``key``, not for ``files_key``."""

    def __init__(self, project: Project, day: dt.date, texts: list[Path], facts=None):
        self.project, self.texts, self.facts = project, texts, facts
        self._files: dict[Path, str] = {}
        self._folders: dict[Path, list[tuple[str, str]]] = {}  # a folder is walked once
        # and, as a list or a build with nothing to do asks for each of hundreds of outputs,
        # a file is named once, a source's text looked for once, a brief's folders joined once
        self._named: dict[tuple[Path, ...], tuple[str, str]] = {}
        self._texts: dict[str, tuple[str, str]] = {}
        self._briefs: dict[str, list[tuple[str, str]]] = {}
        self._common = self._digest([("day", day.isoformat())] + self._tree(
            PACKAGE, lambda p: p.suffix == ".py", read=Path.read_bytes))

    def _hash(self, path: Path, read=projectfiles.read_bytes) -> str:
        """The file's hash; a project file is read through the project's door."""
        if path not in self._files:
            self._files[path] = hashlib.sha256(read(path)).hexdigest()
        return self._files[path]

    def _tree(self, folder: Path, keep=lambda path: True, read=projectfiles.read_bytes
              ) -> list[tuple[str, str]]:
        return [(str(p.relative_to(self.project.root) if p.is_relative_to(self.project.root)
                     else p.relative_to(folder)), self._hash(p, read))
                for p in sorted(folder.rglob("*")) if p.is_file() and keep(p)]

    @staticmethod
    def _digest(items: list) -> str:
        return hashlib.sha256(json.dumps(items).encode()).hexdigest()

    def _folder(self, folder: Path) -> list[tuple[str, str]]:
        if folder not in self._folders:
            self._folders[folder] = self._tree(folder) if folder.is_dir() else []
        return self._folders[folder]

    def _file(self, path: Path, *extra: Path) -> tuple[str, str]:
        """A file's name and hash, or what keeps it from being read."""
        if (path, *extra) not in self._named:
            name = os.path.relpath(path, self.project.root)
            try:
                named = name, self._hash(path, lambda p: projectfiles.read_bytes(p, *extra))
            except (OSError, BriefingError):
                named = name, "missing"
            self._named[path, *extra] = named
        return self._named[path, *extra]

    def _text(self, name: str) -> tuple[str, str]:
        """A source's text, from the first folder holding it."""
        if name not in self._texts:
            found = next((folder / name for folder in self.texts
                          if (folder / name).is_file()), self.texts[0] / name)
            self._texts[name] = self._file(found, *self.texts)
        return self._texts[name]

    def _shared(self, brief: str, reader: str, lang: str, fmt: str,
                numbers: dict[str, int]) -> list:
        """The inputs both keys hash alike. Every reader's profile is one: a profile's
        languages decide which versions a brief has, and a profile may extend another."""
        root = self.project
        if brief not in self._briefs:
            self._briefs[brief] = [
                *self._folder(root.briefs / brief), *self._folder(root.theme),
                *self._folder(root.readers), self._file(root.root / SETTINGS)]
        return [("common", self._common), ("reader", reader), ("lang", lang), ("format", fmt),
                ("numbers", sorted(numbers.items())), *self._briefs[brief]]

    def files_key(self, brief: str, reader: str, lang: str, fmt: str, fact_files: list[str],
                  uses: dict, numbers: dict[str, int]) -> str:
        """From whole files: those holding the facts printed, the sources registry and the
        texts of the sources cited."""
        root = self.project
        return self._digest([*self._shared(brief, reader, lang, fmt, numbers),
                             self._file(root.facts / "sources.yaml"),
                             *(self._file(root.facts / name) for name in fact_files),
                             *(self._text(name) for name in uses["texts"])])

    def key(self, brief: str, reader: str, lang: str, fmt: str, uses: dict,
            numbers: dict[str, int]) -> str | None:
        """Fact by fact: each fact printed and each source cited, with its text; None when
        one of them is gone (removed, or its file left out for a problem)."""
        facts = self.facts
        if any(f not in facts.facts for f in uses["facts"]) \
                or any(s not in facts.sources for s in uses["sources"]):
            return None
        return self._digest([
            *self._shared(brief, reader, lang, fmt, numbers),
            *((f, facts.facts[f].model_dump_json()) for f in uses["facts"]),
            *((s, facts.sources[s].model_dump_json(), self._text(facts.sources[s].file))
              for s in uses["sources"])])


def output_path(out: Path, brief: str, reader: str, lang: str, fmt: str) -> Path:
    return out / brief / reader / f"{brief}-{reader}-{lang}.{fmt}"


def text_path(out: Path, brief: str, reader: str, lang: str) -> Path:
    """What the document built says, as text (``writers.text``): beside its files."""
    return out / brief / reader / f"{brief}-{reader}-{lang}.text.json"


def file_sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def is_current(entry: dict | None, out: Path, keys: InputKeys, numbers: dict[str, int],
               renumbered: dict[str, int] | None = None) -> bool:
    """The output is the very file the manifest describes (same content, not just the same
    size) and its inputs have not changed. ``numbers``: its brief's, as the manifest
    records them; ``renumbered``: as they stand now (the sources registry's order may have
    changed), known only with the fact base."""
    if entry is None:
        return False
    path = out / entry["path"]
    # Only the plain file the build writes at that very place: an edited entry naming a
    # file elsewhere, or a link, is rebuilt rather than taken for the output.
    where = output_path(out, entry["brief"], entry["reader"], entry["lang"], entry["format"])
    real = Path(os.path.realpath(out)) / entry["path"]
    if path != where or Path(os.path.realpath(path)) != real or not path.is_file() \
            or path.stat().st_size != entry["bytes"] or file_sha256(path) != entry["sha256"]:
        return False
    uses = uses_of(entry)
    if uses is None:
        return False
    which = (entry["brief"], entry["reader"], entry["lang"], entry["format"])
    if uses["files_key"] == keys.files_key(*which, entry["fact_files"], uses, numbers):
        return True
    return keys.facts is not None and entry["key"] == keys.key(*which, uses, renumbered)


def refresh(entry: dict, keys: InputKeys, numbers: dict[str, int]) -> bool:
    """For an output found current fact by fact although a file holding its facts changed
    (another fact in it): its files key as the files are now, so that the next build with
    nothing to do tells it from the files alone. Whether the entry changed."""
    uses = entry["uses"]
    fresh = keys.files_key(entry["brief"], entry["reader"], entry["lang"], entry["format"],
                           entry["fact_files"], uses, numbers)
    if fresh == uses["files_key"]:
        return False
    entry["uses"] = dict(uses, files_key=fresh)
    return True


def all_current(project: Project, out: Path, briefs: list[str], readers: list[str] | None,
                langs: list[str] | None, formats: list[str]) -> bool:
    """True only when every requested output is listed and current. Anything this cannot
    tell without reading the briefs (a new brief, reader or language) counts as stale: a
    changed brief.yaml changes the key of every output of that brief.
    The day is the one in the time zone the manifest was built for: if the project's zone
    changed, it changed an input of every output too."""
    manifest = load_manifest(out)
    if "timezone" not in manifest:
        return False
    texts = text_folders(project, manifest)
    if texts is None:
        return False
    keys = InputKeys(project, build_date(manifest["timezone"]), texts)
    numbers = recorded_numbers(manifest)
    for brief in briefs:
        mine = [e for e in manifest["outputs"] if e["brief"] == brief
                and (readers is None or e["reader"] in readers)
                and (langs is None or e["lang"] in langs)]
        built = {(e["reader"], e["lang"]) for e in mine}
        if not built or (readers is not None and {r for r, _ in built} != set(readers)) \
                or (langs is not None and {lang for _, lang in built} != set(langs)):
            return False
        wanted = {(reader, lang, fmt) for reader, lang in built for fmt in formats}
        current = {(e["reader"], e["lang"], e["format"]) for e in mine
                   if e["format"] in formats
                   and is_current(e, out, keys, numbers.get(brief, {}))}
        if current != wanted:
            return False
    return True
