"""The Word XML python-docx has no API for: hyperlinks, bookmarks, footnotes, fields,
list-numbering restarts, table rows kept whole and repeated, the font table and font
embedding settings, document language, reproducible packages.

Each function does one small thing to the XML and is tested on its own; the DOCX writer
decides when to call it.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.pkgwriter import PackageWriter
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

# Word numbers real notes from 1; -1 and 0 are the separator lines it draws above them.
_FOOTNOTES_XML = (
    f'<w:footnotes {nsdecls("w", "r")}>'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
    '</w:footnote></w:footnotes>'
)
# a font table entry's embedded faces (ECMA-376 Part 1, §17.8.3)
_EMBEDDED = [qn(f"w:{slot}") for slot in ("embedRegular", "embedBold", "embedItalic",
                                           "embedBoldItalic")]


def _insert_after_ppr(p, *elements) -> None:
    """Put elements first in a paragraph's content (after its properties, if any)."""
    ppr = p.find(qn("w:pPr"))
    index = 0 if ppr is None else list(p).index(ppr) + 1
    for offset, element in enumerate(elements):
        p.insert(index + offset, element)


def hyperlink(p, *, r_id: str | None = None, anchor: str | None = None):
    """Append an empty ``w:hyperlink`` to paragraph element ``p``: external when ``r_id``
    names a relationship, internal when ``anchor`` names a bookmark. Runs are moved into it."""
    link = OxmlElement("w:hyperlink")
    if r_id is not None:
        link.set(qn("r:id"), r_id)
    if anchor is not None:
        link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    p.append(link)
    return link


def bookmark(p, bookmark_id: int, name: str) -> None:
    """A point bookmark at the start of paragraph ``p``: enough for a link to jump to."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    _insert_after_ppr(p, start, end)


def _xml_part(document_part, reltype: str, partname: str, content_type: str,
              empty: str, keep: bool = True) -> XmlPart:
    """The document's part of ``reltype`` as an XML part one can change. python-docx loads
    footnotes and the font table as opaque bytes: they are replaced, under the same name, by
    an XML part holding the same XML if ``keep``, else (or when reference.docx has none)
    ``empty``."""
    element = None
    for r_id, rel in list(document_part.rels.items()):
        if rel.reltype == reltype:
            if keep:
                element = parse_xml(rel.target_part.blob)
            document_part.rels.pop(r_id)
    part = XmlPart(PackURI(partname), content_type,
                   parse_xml(empty) if element is None else element, document_part.package)
    document_part.relate_to(part, reltype)
    return part


def footnotes_part(document_part) -> XmlPart:
    """The document's footnotes part, the writer's own: its separators, no notes. Nothing
    of reference.docx's (which has no content, and whose separators may hold anything a
    paragraph can, fields and linked pictures included)."""
    return _xml_part(document_part, RT.FOOTNOTES, "/word/footnotes.xml", CT.WML_FOOTNOTES,
                     _FOOTNOTES_XML, keep=False)


def font_table_part(document_part) -> XmlPart:
    """The document's font table (``word/fontTable.xml``), to describe and embed fonts in:
    reference.docx's entries, without the faces it embedded (not carried over)."""
    part = _xml_part(document_part, RT.FONT_TABLE, "/word/fontTable.xml", CT.WML_FONT_TABLE,
                     f'<w:fonts {nsdecls("w", "r")}/>')
    for embedded in list(part.element.iter(*_EMBEDDED)):
        embedded.getparent().remove(embedded)
    return part


def font_entry(fonts, name: str):
    """The font table's ``w:font`` for family ``name``, added if missing."""
    for font in fonts.findall(qn("w:font")):
        if font.get(qn("w:name")) == name:
            return font
    font = OxmlElement("w:font")
    font.set(qn("w:name"), name)
    fonts.append(font)
    return font


# settings.xml children that come before w:embedTrueTypeFonts (CT_Settings sequence)
_BEFORE_EMBEDDING = {qn(f"w:{name}") for name in (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData")}


def embed_fonts_setting(settings) -> None:
    """Say in settings.xml that the document carries its fonts, subset: Word then keeps
    them when it saves the document again (LibreOffice 7.4 loads them either way)."""
    for name in ("embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts"):
        for old in settings.findall(qn(f"w:{name}")):
            settings.remove(old)
    index = max((i + 1 for i, child in enumerate(settings) if child.tag in _BEFORE_EMBEDDING),
                default=0)
    for offset, name in enumerate(("embedTrueTypeFonts", "saveSubsetFonts")):
        settings.insert(index + offset, OxmlElement(f"w:{name}"))


def add_footnote(footnotes, note_id: int):
    """Append an empty ``w:footnote`` (paragraphs go inside) to the footnotes element."""
    note = OxmlElement("w:footnote")
    note.set(qn("w:id"), str(note_id))
    footnotes.append(note)
    return note


def footnote_reference(r, note_id: int) -> None:
    """Make run element ``r`` the in-text mark of footnote ``note_id``."""
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(note_id))
    r.append(ref)


def footnote_mark(r) -> None:
    """Make run element ``r`` the number at the start of a footnote's own text."""
    r.append(OxmlElement("w:footnoteRef"))


def field(p, instruction: str, placeholder: str = "1", style: str | None = None,
          dirty: bool = False) -> None:
    """Append a simple field (``PAGE``, ``NUMPAGES``, ``SEQ Figure``, ``PAGEREF``) to
    paragraph ``p``, its result in character style ``style`` (an id) if given; Word and
    LibreOffice replace the placeholder result when they lay out the page. A ``dirty``
    field's result is marked stale, which the standard says a consumer updates on opening:
    for what Word would otherwise compute only when asked (a page reference)."""
    stale = ' w:dirty="true"' if dirty else ""
    fld = parse_xml(f'<w:fldSimple {nsdecls("w")}{stale} '
                    f'w:instr=" {instruction} \\* MERGEFORMAT "/>')
    if placeholder:
        properties = OxmlElement("w:rPr")
        if style:
            properties.append(OxmlElement("w:rStyle", {qn("w:val"): style}))
        properties.append(OxmlElement("w:noProof"))
        text = OxmlElement("w:t")
        text.text = placeholder
        run = OxmlElement("w:r")
        run.extend([properties, text])
        fld.append(run)
    p.append(fld)


def describe_picture(inline, description: str, name: str) -> None:
    """The alt text of an inline picture (``wp:docPr/@descr``), which screen readers read
    and Word shows as "Alt Text"; ``name`` is what its selection pane lists."""
    doc_pr = inline.docPr
    doc_pr.set("descr", description)
    doc_pr.set("name", name)


def style_num_id(style_element) -> int | None:
    """The numbering instance a list paragraph style carries (``w:pPr/w:numPr/w:numId``)."""
    ppr = style_element.find(qn("w:pPr"))
    num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
    num_id = num_pr.find(qn("w:numId")) if num_pr is not None else None
    return None if num_id is None else int(num_id.get(qn("w:val")))


def restart_numbering(numbering, num_id: int, start: int = 1) -> int:
    """A new numbering instance sharing ``num_id``'s definition but counting from
    ``start``: paragraphs that use it form a new list. Returns the new numId."""
    abstract_id = numbering.num_having_numId(num_id).abstractNumId.val
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(start)
    return num.numId


def set_numbering(p, num_id: int, level: int = 0) -> None:
    """Number paragraph element ``p`` with instance ``num_id`` (overriding its style's)."""
    num_pr = p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


def table_row(tr, *, header: bool) -> None:
    """Keep table row element ``tr`` on one page; a header row is also repeated at the top
    of each page the table runs onto."""
    tr_pr = tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))    # before w:tblHeader, as the schema orders
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def set_table_look(tbl, *, first_row: bool) -> None:
    """Tell Word which conditional parts of the table style apply (header row only)."""
    tbl_pr = tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblLook")):
        tbl_pr.remove(old)
    look = OxmlElement("w:tblLook")
    for name, on in (("firstRow", first_row), ("lastRow", False), ("firstColumn", False),
                     ("lastColumn", False), ("noHBand", True), ("noVBand", True)):
        look.set(qn(f"w:{name}"), "1" if on else "0")
    look.set(qn("w:val"), "04A0" if first_row else "0400")
    tbl_pr.append(look)


def full_width(tbl) -> None:
    """Make table element ``tbl`` as wide as the space it is in (100 %): a table nested in
    a cell would otherwise take the cell's outer width and overflow its padding."""
    tbl_w = tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "pct")
    tbl_w.set(qn("w:w"), "5000")


def set_language(styles, lang: str) -> None:
    """The document's language (spelling, hyphenation) in the style defaults."""
    rpr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), lang)


def clear_body(body) -> None:
    """Remove all content from ``w:body`` but its final section properties (page setup)."""
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def package_entries(package) -> dict[str, bytes]:
    """The python-docx package's files by name, as its ``save`` would write them, without
    compressing them (``reproducible_zip`` does, once)."""
    class Entries(dict):
        def write(self, uri, blob):
            self[uri.membername] = blob

    entries = Entries()
    for part in package.parts:
        part.before_marshal()
    PackageWriter._write_content_types_stream(entries, package.parts)
    PackageWriter._write_pkg_rels(entries, package.rels)
    PackageWriter._write_parts(entries, package.parts)
    return entries


def reproducible_zip(entries: Mapping[str, bytes], when: dt.datetime) -> bytes:
    """The files zipped in the order of their names and stamped ``when``: equal input,
    equal bytes. (python-docx stamps the current time on every entry.)"""
    stamp = when.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0          # else it depends on the building OS
            info.external_attr = 0
            dst.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()
