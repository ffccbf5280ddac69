"""The reference document the writer copies its styles, lists, page setup and Word theme
from, built from the theme's text parts and its ``style.yaml``, as pandoc keeps its own in
``data/docx``: one change of the accent colour or the typeface in ``style.yaml`` reaches the
DOCX as it reaches the PDF, the web page and the figures.

The parts are the files under ``docx/`` (``word/styles.xml``, ``word/numbering.xml``…),
each the first found along the edition's chain, so a brief or a reader may replace one. A
part whose file ends in ``.j2`` is a template given the typeface (``font.family``,
``font.semibold``) and the palette (``colour.accent``…, six hex digits).

A ``reference.docx`` found along the chain is used instead, whole: a ministry's house Word
template, restyled in Word, keeps working (pandoc's ``--reference-doc``); its colours and
typeface are then its own. Whatever it holds, the saved package passes the allow-list
(``package_allowlist``)."""

from __future__ import annotations

import io
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jinja2
from lxml import etree

from briefings import projectfiles, templating
from briefings.document import Theme
from briefings.errors import BriefingError
from briefings.style import load_style
from briefings.writers.docx.embedded_fonts import family_of

REFERENCE = "reference.docx"
PARTS_FOLDER = "docx"
# The package's parts: what Word and python-docx need, and the writer fills or keeps.
PARTS = ("[Content_Types].xml", "_rels/.rels", "docProps/core.xml",
         "word/_rels/document.xml.rels", "word/document.xml", "word/styles.xml",
         "word/numbering.xml", "word/settings.xml", "word/fontTable.xml",
         "word/theme/theme1.xml")
STYLES_PART = "word/styles.xml"
# Compiled once per process (a check writes every brief for every reader and language)
COMPILED = templating.CompiledInMemory(size=16)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class Reference:
    data: bytes                 # the reference document, a DOCX
    styles: Path                # the file its styles come from, to name in errors


def load(theme: Theme) -> Reference:
    """The edition's reference document: its ``reference.docx``, if it has one, else one
    built from the theme's parts."""
    word_file = next((folder / REFERENCE for folder in theme.folders
                      if projectfiles.found(folder / REFERENCE)), None)
    if word_file is not None:
        return Reference(projectfiles.read_bytes(word_file), word_file)
    return Reference(built(theme), part_file(theme, STYLES_PART))


def part_file(theme: Theme, part: str) -> Path:
    """The file of ``part``, a template or as it is, first found along the chain."""
    names = [f"{PARTS_FOLDER}/{part}.j2", f"{PARTS_FOLDER}/{part}"]
    return next((folder / name for folder in theme.folders for name in names
                 if projectfiles.found(folder / name)), theme.base / names[1])


def built(theme: Theme) -> bytes:
    """The reference document from the theme's parts and ``style.yaml``."""
    style = load_style(theme)
    context = {
        "font": {"family": style.font.family,
                 "semibold": family_of(style.face(600, False)) or style.font.family},
        "colour": {name: value.lstrip("#").upper() for name, value in style.palette.items()},
    }
    env = templating.environment(templating.Folders(list(theme.folders)), autoescape=True,
                                 bytecode_cache=COMPILED)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for part in PARTS:
            package.writestr(part, _part(theme, env, part, context))
    return out.getvalue()


def _part(theme: Theme, env, part: str, context: dict) -> bytes:
    file = part_file(theme, part)
    if not projectfiles.found(file):
        raise BriefingError(f"part {part} of the Word styles missing: put it in the "
                            f"theme's {PARTS_FOLDER}/ folder", file)
    if file.name.endswith(".j2"):
        try:
            data = env.get_template(f"{PARTS_FOLDER}/{part}.j2").render(context).encode()
        except jinja2.UndefinedError as exc:
            raise BriefingError(f"Word styles: {exc} (a part may name font.family, "
                                "font.semibold and colour.<a colour of style.yaml's palette>)",
                                file, _line(exc)) from None
        except jinja2.TemplateError as exc:
            raise BriefingError(f"Word styles: {exc}", file, _line(exc)) from None
    else:
        data = projectfiles.read_bytes(file)
    try:  # Word refuses a document with a broken part; say where, not "file corrupt"
        etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise BriefingError(f"not well-formed XML: {exc.msg}", file, exc.lineno) from None
    return data


def _line(exc: jinja2.TemplateError) -> int | None:
    """The template's line: a syntax error's own, else the innermost template frame's."""
    frames = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__)
              if frame.filename.endswith(".j2")]
    return getattr(exc, "lineno", None) or (frames[-1] if frames else None)
