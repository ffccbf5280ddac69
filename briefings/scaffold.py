"""``briefings new-brief`` and ``new-reader``: a start that builds and passes the check."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from briefings import i18n, projectfiles, templating
from briefings.briefs import check_name, load_reader
from briefings.dates import build_date
from briefings.errors import BriefingError, shown
from briefings.project import Project

NEW = "new"  # the theme's folder of scaffold templates
# The words each language's new/<lang>.yaml gives a new brief.
PLACEHOLDERS = ("title", "subtitle", "keywords", "summary", "summary_text")

@contextlib.contextmanager
def _created(made: Path):
    """A folder that cannot be written (or a full disk) is one line, and nothing half-made
    is left behind."""
    try:
        yield
    except OSError as exc:
        if made.is_dir():
            shutil.rmtree(made, ignore_errors=True)
        else:
            made.unlink(missing_ok=True)
        raise BriefingError(f"cannot be created ({exc.strerror}): check that you may write "
                            f"in {shown(made.parent)}/", made) from None


def new_brief(project: Project, name: str, reader: str | None = None) -> Path:
    """A brief with a summary and the sources, going to ``reader`` (by default the first),
    in every language of the project: the theme's ``new/brief/`` files, and its ``new/``
    templates filled with each language's placeholders (``new/<lang>.yaml``), so that it
    builds and passes the check at once and prints nothing of another brief."""
    check_name(name, "brief")
    readers = project.reader_names()
    if reader is None and not readers:
        raise BriefingError("there is no reader yet: define one in templates/readers/ first",
                            project.readers)
    reader = reader or readers[0]
    load_reader(project, reader)
    folder = project.briefs / name
    if folder.exists():
        raise BriefingError(f"brief '{name}' already exists", folder)
    theme = project.theme / NEW
    words = {lang: i18n.load_strings(theme, lang, PLACEHOLDERS)
             for lang in project.settings.languages}
    today = build_date(project.settings.timezone).isoformat()   # its first version's day
    files = {"brief.yaml": _from_theme(project, "brief.yaml.j2", name=name, reader=reader,
                                       words=words, today=today)}
    for lang in words:
        files[f"sections/{lang}/summary.yaml"] = _from_theme(project, "summary.yaml.j2",
                                                             words=words[lang])
    for path in sorted((theme / "brief").rglob("*")):  # copied as they are
        if projectfiles.found(path):
            files[path.relative_to(theme / "brief").as_posix()] = projectfiles.read_text(path)
    with _created(folder):
        for file, text in files.items():
            (folder / file).parent.mkdir(parents=True, exist_ok=True)
            (folder / file).write_text(text, encoding="utf-8")
    return folder


def new_reader(project: Project, name: str, base: str) -> Path:
    """A reader that extends ``base``, with only its name to write (the theme's
    ``new/reader.yaml.j2``) and nobody to mail."""
    check_name(name)
    load_reader(project, base)
    path = project.readers / f"{name}.yaml"
    if path.exists():
        raise BriefingError(f"reader '{name}' already exists", path)
    text = _from_theme(project, "reader.yaml.j2", name=name, base=base,
                       languages=list(project.settings.languages))
    with _created(path):
        path.write_text(text, encoding="utf-8")
    return path


def _from_theme(project: Project, template: str, **context) -> str:
    """A scaffold file, written by the theme's template ``new/<template>``."""
    folder = project.theme / NEW
    env = templating.environment(templating.Folders([folder]), keep_trailing_newline=True)
    return templating.render(env, template, context, project.root, folder)[0]
