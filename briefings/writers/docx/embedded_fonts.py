"""Fonts that travel with the DOCX: the theme's faces of each family the document names,
subset and embedded as Word does (ECMA-376 Part 1, §17.8.1).

A recipient without the brief's typeface installed still sees it: Word and LibreOffice
load the embedded faces.
The font table also describes each family (serif or not, PANOSE, a common fallback), so an
application that cannot use the embedded faces still picks a look-alike.

- Faces come from ``fonts/*.ttf`` along the theme's chain, recognised by their own names
  (family, and Regular/Bold/Italic/Bold Italic: the four faces Word can embed per family;
  others, such as a SemiBold, are families of their own to Word).
- Each face is subset (``briefings.fonts``) to Latin-1
  and common punctuation, plus any other character the document shows. Not to the
  document's characters alone: LibreOffice keeps the first embedded face of a name it
  meets for the rest of its session (its temporary file is named by the font's name), so
  a second brief opened beside the first, say the English beside the Spanish, would miss
  the glyphs only it uses. The same subset in every brief avoids that; it costs some
  40 KB more than the document's own characters (about 100 KB for four faces).
- Each is obfuscated with a key derived from its bytes, so the same document gives the
  same file: the key, a GUID, XORs the font's first 32 bytes (§17.8.1 "Embedded Font
  Obfuscation"); LibreOffice reads the key from ``w:fontKey`` in braces and upper case.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from briefings import fonts
from briefings.writers.docx import ooxml

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
# Word's four embedding slots, by the face's own subfamily name (name table ID 2)
SLOTS = {"Regular": "embedRegular", "Bold": "embedBold", "Italic": "embedItalic",
         "Bold Italic": "embedBoldItalic"}
# Every embedded face has these: Latin-1 (Spanish, English and most western European
# languages), dashes, quotes, bullet, ellipsis, per mille, guillemets, euro, trademark,
# minus. They include what the applications draw themselves: page, note and list numbers,
# leader dots, hyphens.
BASE = frozenset(map(chr, [*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x2010, 0x2028),
                           0x2030, 0x2039, 0x203A, 0x20AC, 0x2122, 0x2212]))
# What Word falls back to for a family it cannot load, by PANOSE serif style
FALLBACK = {"roman": "Cambria", "swiss": "Calibri"}


@dataclass(frozen=True)
class Face:
    family: str                             # name ID 1, the name Word knows the family by
    style: str                              # name ID 2: Regular, Bold, Italic, Bold Italic
    path: Path


@functools.lru_cache(maxsize=64)
def _read_face(path: Path, mtime: float) -> Face | None:
    try:
        found = fonts.open_face(path)  # read through the project's door
    except OSError:
        found = None
    if found is None:
        return None                         # not a font: a file the theme keeps beside them
    family, style = fonts.names(found)
    return Face(family, style, path) if family and style else None


def family_of(path: Path) -> str | None:
    """The family Word knows the face in font file ``path`` by (its name ID 1)."""
    face = _read_face(path, path.stat().st_mtime)
    return face.family if face is not None else None


def theme_faces(folders) -> dict[str, dict[str, Face]]:
    """family → {subfamily → Face}, from ``fonts/*.ttf`` in ``folders`` (the first file of a
    name along the chain, as for any theme file)."""
    files: dict[str, Path] = {}
    for folder in folders:
        for path in sorted((Path(folder) / "fonts").glob("*.ttf")):
            files.setdefault(path.name, path)
    faces: dict[str, dict[str, Face]] = {}
    for path in files.values():
        face = _read_face(path, path.stat().st_mtime)
        if face is not None and face.style in SLOTS:
            faces.setdefault(face.family, {}).setdefault(face.style, face)
    return faces


def text_measure(folders, family: str | None, bold_family: str | None = None):
    """``measure(text, bold)``: the width of ``text`` on one line, in ems, set in the theme's
    faces of ``family`` (``fonts.width``); without them, half an em a character. Bold
    text is measured in ``family``'s Bold face, or in the Regular face of ``bold_family``
    if that is another family (a semibold is one to Word)."""
    faces = theme_faces(folders)
    paths = {}
    for bold, face_family, style in ((False, family, "Regular"),
                                     (True, bold_family or family,
                                      "Bold" if bold_family in (None, family) else "Regular")):
        of_family = faces.get(face_family, {})
        face = of_family.get(style) or of_family.get("Regular")
        paths[bold] = face.path if face else None

    def measure(text: str, bold: bool = False) -> float:
        return fonts.width(paths[bold], text) if paths[bold] else len(text) / 2
    return measure


def named_families(parts) -> set[str]:
    """Every font family the parts' runs, styles and numbering name."""
    names = set()
    for element in parts:
        for named in element.iter(qn("w:rFonts")):
            for script in ("ascii", "hAnsi", "cs", "eastAsia"):
                if named.get(qn(f"w:{script}")):
                    names.add(named.get(qn(f"w:{script}")))
    return names


def used_characters(parts) -> set[str]:
    """The characters the parts show: their text, also in capitals (styles in caps or small
    caps show text in capitals), and the literal part of list labels."""
    chars = set()
    for element in parts:
        for t in element.iter(qn("w:t")):
            chars.update(t.text or "")
        for label in element.iter(qn("w:lvlText")):
            chars.update(label.get(qn("w:val"), "").replace("%", ""))
    chars.update("".join(chars).upper())
    chars.discard("\t")
    return chars


def font_key(data: bytes) -> str:
    """A GUID derived from the font's bytes: the same subset, the same key."""
    guid = uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])
    return "{" + str(guid).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """§17.8.1: the key's 16 bytes, read from its hex digits and reversed, XOR the font's
    first 32 bytes (twice over). Its own inverse."""
    mask = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1] * 2
    return bytes(b ^ m for b, m in zip(data[:32], mask)) + data[32:]


def describe(entry, path: Path) -> None:
    """Fill a fontTable ``w:font`` with what a substitute is chosen by: a fallback name,
    PANOSE, character set, family kind, pitch and the Unicode and code-page ranges."""
    os2 = fonts.classification(path)
    family_type, serif_style, _, proportion = os2.panose[:4]
    # Latin text faces (family type 2) with serif styles 11 and above are sans serif
    kind = ("swiss" if serif_style >= 11 else "roman") if family_type == 2 else "auto"
    values = [("altName", FALLBACK.get(kind)), ("panose1", os2.panose.hex().upper()),
              ("charset", "00"), ("family", kind),
              ("pitch", "fixed" if proportion == 9 else "variable")]
    for child in list(entry):
        entry.remove(child)
    for name, value in values:
        if value is not None:
            child = OxmlElement(f"w:{name}")
            child.set(qn("w:val"), value)
            entry.append(child)
    sig = OxmlElement("w:sig")
    for attr, value in zip(("usb0", "usb1", "usb2", "usb3", "csb0", "csb1"),
                           (*os2.unicode_ranges, *os2.code_pages)):
        sig.set(qn(f"w:{attr}"), f"{value:08X}")
    entry.append(sig)


def embed(document, folders) -> None:
    """Embed in ``document`` (python-docx) the theme's faces of every family it names
    (nothing when the theme has no faces of those families)."""
    package = document.part.package
    parts = [p.element for p in package.iter_parts() if hasattr(p, "element")]
    faces = theme_faces(folders)
    families = sorted(named_families(parts) & faces.keys())
    if not families:
        return
    chars = BASE | used_characters(parts)
    table = ooxml.font_table_part(document.part)
    count = 0
    for family in families:
        entry = ooxml.font_entry(table.element, family)
        by_style = faces[family]
        describe(entry, by_style.get("Regular", next(iter(by_style.values()))).path)
        for style, slot in SLOTS.items():
            if style not in by_style:
                continue
            data = fonts.subset(by_style[style].path, chars)
            key = font_key(data)
            count += 1
            part = Part(PackURI(f"/word/fonts/font{count}.odttf"), OBFUSCATED_FONT,
                        obfuscate(data, key), package)
            embedded = OxmlElement(f"w:{slot}")
            embedded.set(qn("r:id"), table.relate_to(part, RT.FONT))
            embedded.set(qn("w:fontKey"), key)
            embedded.set(qn("w:subsetted"), "1")
            entry.append(embedded)
    ooxml.embed_fonts_setting(document.settings.element)
