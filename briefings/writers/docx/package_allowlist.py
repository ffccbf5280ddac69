"""What a built DOCX may hold: an allow-list applied to the whole package once the writer is
done, so that nothing ``reference.docx`` carries reaches a reader unless the writer needs it.

A theme's, brief's or reader's ``reference.docx`` is a Word file anyone may have edited, and
Word and LibreOffice act on much of what such a file can hold: an attached template fetched
on opening (the "remote template" trick that delivers macros), INCLUDEPICTURE and INCLUDETEXT
fields, linked images, mail-merge sources, frames, subdocuments, macros, custom XML. Rather
than strip what is known to be dangerous, the package keeps what is known to be needed:

- parts: those reached through a relationship that ``KEPT`` lists for its source part, whose
  target has the content type listed there; the one external kind is a hyperlink that obeys
  the URL rule (``urls.link_problem``). Headers, footers, images, hyperlinks and fonts stay
  only while the XML refers to them. Parts python-docx holds as bytes (the theme) are read
  as XML and keep no relationship.
- in them: the settings in ``SETTINGS``, header and footer references of the kinds the
  writer fills (default and first page), no document background, no picture bullets, the
  fields in ``FIELDS`` (any other is unwrapped: its last result stays, as text), and no
  element that refers to a relationship no longer there.

Done on the package as it will be saved, not while copying parts out of reference.docx:
one walk sees everything, so what the writer adds passes the same gate as what it kept.
"""

from __future__ import annotations

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from lxml import etree

from briefings import urls
from briefings.writers.docx.embedded_fonts import OBFUSCATED_FONT

PACKAGE = "package"                     # the package itself, as a source of relationships
EXTERNAL = None                         # the target of a kept relationship is a URL
# source (content type) → relationship type → the content type its target must have
KEPT = {
    PACKAGE: {RT.OFFICE_DOCUMENT: CT.WML_DOCUMENT_MAIN,
              RT.CORE_PROPERTIES: CT.OPC_CORE_PROPERTIES},
    CT.WML_DOCUMENT_MAIN: {RT.STYLES: CT.WML_STYLES, RT.SETTINGS: CT.WML_SETTINGS,
                           RT.NUMBERING: CT.WML_NUMBERING, RT.FONT_TABLE: CT.WML_FONT_TABLE,
                           RT.THEME: CT.OFC_THEME, RT.FOOTNOTES: CT.WML_FOOTNOTES,
                           RT.HEADER: CT.WML_HEADER, RT.FOOTER: CT.WML_FOOTER,
                           RT.IMAGE: CT.PNG, RT.HYPERLINK: EXTERNAL},
    CT.WML_FOOTNOTES: {RT.HYPERLINK: EXTERNAL},
    CT.WML_FONT_TABLE: {RT.FONT: OBFUSCATED_FONT},
}
# Found by their type, not named in the XML: kept while their source is
BY_TYPE = {RT.OFFICE_DOCUMENT, RT.CORE_PROPERTIES, RT.STYLES, RT.SETTINGS, RT.NUMBERING,
           RT.FONT_TABLE, RT.THEME, RT.FOOTNOTES}
# w:settings children the writer or the theme's styles rely on: page and type layout,
# footnote separators, compatibility, colour mapping, font embedding. No template, mail
# merge, document variables, protection, field updates on opening or even-page headers.
SETTINGS = {qn(f"w:{name}") for name in (
    "zoom", "embedTrueTypeFonts", "saveSubsetFonts", "defaultTabStop", "autoHyphenation",
    "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps",
    "characterSpacingControl", "doNotAutoCompressPictures", "footnotePr", "compat",
    "themeFontLang", "clrSchemeMapping", "decimalSymbol", "listSeparator")} | {
    "{http://schemas.microsoft.com/office/word/2010/wordml}defaultImageDpi"}
# The fields the writer writes: the contents list's page references, page numbers,
# figure numbers
FIELDS = {"PAGEREF", "PAGE", "NUMPAGES", "SEQ"}
FURNITURE = {"default", "first"}        # the header and footer kinds the writer fills
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_R = "{" + _R_NS + "}"
# attributes in that namespace (r:id, r:embed, r:link…), and the elements holding them
_REFERENCES = etree.XPath(f"//@*[namespace-uri() = '{_R_NS}']", smart_strings=False)
_REFERRING = etree.XPath(f"//*[@*[namespace-uri() = '{_R_NS}']]")
_INSTRUCTION = (qn("w:instrText"), qn("w:delInstrText"))


def clean(package) -> None:
    """Drop from ``package`` (python-docx's, before saving) every part, relationship,
    setting and field the allow-lists above do not name."""
    xml_parts: dict = {}                # each part as an XML part, read once
    _keep(package, PACKAGE, xml_parts)


def _keep(source, kind: str, xml_parts: dict) -> None:
    """Clean ``source`` (the package or a part), keep what it may refer to, and go on to
    the parts it keeps."""
    element = getattr(source, "element", None)
    if element is not None:
        _clean_xml(element)
    allowed, named = KEPT.get(kind, {}), _named(element)
    for r_id, rel in list(source.rels.items()):
        if not _allowed(rel, allowed) or (rel.reltype not in BY_TYPE and r_id not in named):
            source.rels.pop(r_id)
            continue
        if rel.is_external:
            continue
        part = rel.target_part
        if part not in xml_parts:
            xml_parts[part] = _as_xml(part)
            if xml_parts[part] is not None:
                _keep(xml_parts[part], part.content_type, xml_parts)
        if xml_parts[part] is not part:
            source.rels.pop(r_id)
            if xml_parts[part] is not None:
                source.rels.add_relationship(rel.reltype, xml_parts[part], r_id)
    if named - source.rels.keys():
        _drop_dangling(element, source.rels.keys())


def _as_xml(part):
    """An XML part python-docx holds as bytes, read as XML (without its relationships: none
    of those parts may keep one); None if it is not XML. Other parts as they are."""
    if isinstance(part, XmlPart) or not part.content_type.endswith("xml"):
        return part
    try:
        return XmlPart.load(part.partname, part.content_type, part.blob, part.package)
    except etree.XMLSyntaxError:
        return None


def _allowed(rel, allowed: dict) -> bool:
    if rel.reltype not in allowed:
        return False
    if rel.is_external:
        return (allowed[rel.reltype] is EXTERNAL and not rel.target_ref.startswith("#")
                and urls.link_problem(rel.target_ref) is None)
    return rel.target_part.content_type == allowed[rel.reltype]


def _named(element) -> set[str]:
    """The relationship ids the XML refers to (r:id, r:embed, r:link…)."""
    return set() if element is None else set(_REFERENCES(element))


def _drop_dangling(element, kept) -> None:
    """An element that refers to a relationship that is gone goes too; a hyperlink keeps
    its text and loses only the reference."""
    for el in _REFERRING(element):
        dangling = [name for name, value in el.attrib.items()
                    if name.startswith(_R) and value not in kept]
        if not dangling:
            continue
        if el.tag == qn("w:hyperlink"):
            for name in dangling:
                del el.attrib[name]
        elif el.getparent() is not None:
            el.getparent().remove(el)


def _clean_xml(element) -> None:
    if element.tag == qn("w:document"):
        for child in list(element):             # a background may be a linked picture
            if child.tag != qn("w:body"):
                element.remove(child)
    elif element.tag == qn("w:settings"):
        for child in list(element):
            if child.tag not in SETTINGS:
                element.remove(child)
    elif element.tag == qn("w:numbering"):
        for bullet in list(element.iter(qn("w:numPicBullet"), qn("w:lvlPicBulletId"))):
            bullet.getparent().remove(bullet)
    for ref in list(element.iter(qn("w:headerReference"), qn("w:footerReference"))):
        if ref.get(qn("w:type")) not in FURNITURE:
            ref.getparent().remove(ref)
    _unwrap_fields(element)


def _allowed_field(instruction: str) -> bool:
    words = instruction.split()
    return bool(words) and words[0].upper() in FIELDS


def _unwrap_fields(element) -> None:
    """Fields not in FIELDS lose their instruction and marks; their result stays."""
    for simple in list(element.iter(qn("w:fldSimple"))):
        if not _allowed_field(simple.get(qn("w:instr"), "")):
            parent = simple.getparent()
            at = parent.index(simple)
            parent[at:at + 1] = [child for child in simple if child.tag != qn("w:fldData")]
    # a complex field: fldChar begin, instrText…, [fldChar separate, result], fldChar end;
    # fields nest, and may span paragraphs
    open_fields: list[list] = []
    unwanted: list = []
    for mark in list(element.iter(qn("w:fldChar"), *_INSTRUCTION)):
        kind = mark.get(qn("w:fldCharType"))
        if kind == "begin":
            open_fields.append([mark])
        elif not open_fields:
            unwanted.append(mark)           # a mark outside any field
        else:
            open_fields[-1].append(mark)
            if kind == "end":
                marks = open_fields.pop()
                instruction = "".join(m.text or "" for m in marks if m.tag in _INSTRUCTION)
                if not _allowed_field(instruction):
                    unwanted += marks
    for marks in open_fields:               # never ended: not a field the writer writes
        unwanted += marks
    for mark in unwanted:
        run = mark.getparent()
        run.remove(mark)
        if run.tag == qn("w:r") and all(child.tag == qn("w:rPr") for child in run):
            run.getparent().remove(run)
