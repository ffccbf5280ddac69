"""Nothing external in Word (review of 6 December, N2): whatever a reference.docx holds, the
built DOCX keeps only the parts, relationships, settings and fields the writer needs
(``writers/docx/package_allowlist.py``)."""

from __future__ import annotations

import functools
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

from briefings import projectfiles
from briefings.build import build
from briefings.document import Theme
from briefings.writers.docx import package_allowlist, reference
from tests.conftest import ALPHA, ROOT

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
NS = (f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')
HOST = "127.0.0.1:9"                    # the discard port: nothing here ever connects to it


@functools.cache
def reference_docx() -> bytes:
    """The theme's reference document, as the writer builds it from the theme's parts
    (module fixtures call this before the autouse fixture lets the repository be read)."""
    projectfiles.allow(ROOT)
    return reference.built(Theme((ROOT / "templates/theme",)))


# -- a reference.docx (or any DOCX) with what Word or LibreOffice would fetch -----------------

def picture(r_id: str) -> str:
    """A run holding a picture linked (not embedded) through relationship ``r_id``."""
    return (
        '<w:r><w:drawing><wp:inline><wp:extent cx="914400" cy="914400"/>'
        '<wp:docPr id="990" name="linked"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:nvPicPr><pic:cNvPr id="990" name="linked.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:link="{r_id}"/><a:stretch><a:fillRect/></a:stretch>'
        '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" '
        'cy="914400"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')


def include_picture(url: str, r_id: str) -> str:
    """Runs of a complex INCLUDEPICTURE field whose last result is a picture linked to
    ``r_id``, as Word saves one."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> INCLUDEPICTURE "{url}" \\d </w:instrText>'
            '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'{picture(r_id)}<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def furniture(kind: str, text: str, url: str) -> bytes:
    """A header or footer part showing ``text``, an INCLUDEPICTURE field, a simple
    INCLUDETEXT field and a linked picture."""
    return (f'<w:{kind} {NS}><w:p><w:r><w:t>{text}</w:t></w:r>'
            f'{include_picture(url + "/includepicture.png", "rIdImg")}'
            f'<w:fldSimple w:instr=" INCLUDETEXT &quot;{url}/text.txt&quot; ">'
            '<w:r><w:t>included</w:t></w:r></w:fldSimple>'
            f'{picture("rIdImg")}</w:p></w:{kind}>').encode()


def rels(*entries: tuple[str, str, str, bool]) -> bytes:
    return (f'<Relationships xmlns="{RELS_NS}">' + "".join(
        f'<Relationship Id="{r_id}" Type="{kind}" Target="{target}"'
        + (' TargetMode="External"/>' if external else "/>")
        for r_id, kind, target, external in entries) + "</Relationships>").encode()


def add_rels(data: bytes, *entries: tuple[str, str, str, bool]) -> bytes:
    root = etree.fromstring(data)
    root.extend(etree.fromstring(rels(*entries)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def hostile(data: bytes, url: str) -> bytes:
    """``data`` (a DOCX) with what the review planted in a brief's reference.docx, and more:
    a remote attached template (and styles linked to it), even-page headers and footers,
    INCLUDEPICTURE and INCLUDETEXT fields, linked images in headers, body, background,
    footnote separators and picture bullets, a javascript: hyperlink, a mail-merge source,
    a macro project, custom XML and properties, web settings with a remote frame."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        files = {name: z.read(name) for name in z.namelist()}
    external_image = ("rIdImg", OFFICE + "image", url + "/externalimage.png", True)
    for kind in ("header", "footer"):
        for which in ("even", "default"):
            part = f"word/{kind}{which}.xml"
            files[part] = furniture("hdr" if kind == "header" else "ftr",
                                    f"{which.upper()} {kind.upper()} FROM THE REFERENCE", url)
            files[f"word/_rels/{kind}{which}.xml.rels"] = rels(external_image)
    files["word/settings.xml"] = files["word/settings.xml"].replace(
        b"<w:defaultTabStop",
        b'<w:attachedTemplate r:id="rIdTpl"/><w:linkStyles/><w:mailMerge><w:mainDocumentType '
        b'w:val="formLetters"/><w:dataSource r:id="rIdData"/></w:mailMerge>'
        b"<w:defaultTabStop").replace(
        b"<w:characterSpacingControl", b"<w:evenAndOddHeaders/><w:characterSpacingControl"
    ).replace(b"<w:compat>", b'<w:updateFields w:val="true"/><w:compat>').replace(
        b"</w:compat>", b'</w:compat><w:docVars><w:docVar w:name="x" w:val="y"/></w:docVars>')
    assert files["word/settings.xml"].count(b"attachedTemplate") == 1
    files["word/_rels/settings.xml.rels"] = rels(
        ("rIdTpl", OFFICE + "attachedTemplate", url + "/remote-template.dotm", True),
        ("rIdData", OFFICE + "mailMergeSource", url + "/data.csv", True))
    document = etree.fromstring(files["word/document.xml"])
    body = document.find(qn("w:body"))
    sect = body.find(qn("w:sectPr"))
    refs = [f'<w:{kind}Reference {NS} w:type="{which}" r:id="rId{kind}{which}"/>'
            for kind in ("header", "footer") for which in ("even", "default")]
    for ref in reversed(refs):
        old = sect.find(f"{qn('w:' + ref[3:9] + 'Reference')}[@{qn('w:type')}="
                        f"'{'default' if 'default' in ref else 'even'}']")
        if old is not None:
            sect.remove(old)
        sect.insert(0, etree.fromstring(ref))
    document.insert(0, etree.fromstring(
        f'<w:background {NS} w:color="FFFFFF"><v:background id="bg"><v:fill r:id="rIdBg" '
        'type="frame"/></v:background></w:background>'))
    body.insert(0, etree.fromstring(
        f'<w:p {NS}><w:r><w:t>BODY FROM THE REFERENCE</w:t></w:r>'
        f'{include_picture(url + "/body.png", "rIdBodyImg")}'
        '<w:hyperlink r:id="rIdJs"><w:r><w:t>click</w:t></w:r></w:hyperlink>'
        f'<w:subDoc r:id="rIdSub"/></w:p>'))
    files["word/document.xml"] = etree.tostring(document, xml_declaration=True,
                                                encoding="UTF-8", standalone=True)
    files["word/_rels/document.xml.rels"] = add_rels(
        files["word/_rels/document.xml.rels"],
        *[(f"rId{kind}{which}", OFFICE + kind, f"{kind}{which}.xml", False)
          for kind in ("header", "footer") for which in ("even", "default")],
        ("rIdBg", OFFICE + "image", url + "/background.png", True),
        ("rIdBodyImg", OFFICE + "image", url + "/body.png", True),
        ("rIdJs", OFFICE + "hyperlink", "javascript:alert(1)", True),
        ("rIdSub", OFFICE + "subDocument", url + "/sub.docx", True),
        ("rIdOle", OFFICE + "oleObject", url + "/object.bin", True),
        ("rIdVba", "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
         "vbaProject.bin", False))
    files["word/vbaProject.bin"] = b"not really macros"
    if "word/footnotes.xml" not in files:
        files["word/footnotes.xml"] = (
            f'<w:footnotes {NS}><w:footnote w:type="separator" w:id="-1"><w:p>'
            '<w:r><w:separator/></w:r>'
            f'<w:fldSimple w:instr=" INCLUDEPICTURE &quot;{url}/note.png&quot; \\d ">'
            '<w:r><w:t>note</w:t></w:r></w:fldSimple></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            '<w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>').encode()
        files["word/_rels/footnotes.xml.rels"] = rels(external_image)
        files["word/_rels/document.xml.rels"] = add_rels(
            files["word/_rels/document.xml.rels"],
            ("rIdNotes", OFFICE + "footnotes", "footnotes.xml", False))
    files["word/numbering.xml"] = files["word/numbering.xml"].replace(
        b"<w:abstractNum ",
        f'<w:numPicBullet {NS} w:numPicBulletId="0"><w:pict><v:shape id="b" '
        'style="width:9pt;height:9pt"><v:imagedata r:id="rIdPic" o:title=""/></v:shape>'
        '</w:pict></w:numPicBullet><w:abstractNum '.encode(), 1)
    files["word/_rels/numbering.xml.rels"] = rels(
        ("rIdPic", OFFICE + "image", url + "/bullet.png", True))
    if "word/webSettings.xml" not in files:     # the theme's parts have none
        files["word/webSettings.xml"] = f"<w:webSettings {NS}/>".encode()
        files["word/_rels/document.xml.rels"] = add_rels(
            files["word/_rels/document.xml.rels"],
            ("rIdWeb", OFFICE + "webSettings", "webSettings.xml", False))
    files["word/_rels/webSettings.xml.rels"] = rels(
        ("rIdFrame", OFFICE + "frame", url + "/frame.html", True))
    files["word/_rels/theme/theme1.xml.rels"] = rels(external_image)
    files["customXml/item1.xml"] = b"<data>custom</data>"
    files["docProps/custom.xml"] = (
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'custom-properties"/>')
    files["_rels/.rels"] = add_rels(
        files["_rels/.rels"],
        ("rIdCustom", OFFICE + "customXml", "customXml/item1.xml", False),
        ("rIdProps", OFFICE + "custom-properties", "docProps/custom.xml", False),
        ("rIdThumb", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
         "thumbnail", url + "/thumb.png", True))
    types = etree.fromstring(files["[Content_Types].xml"])
    for name, content_type in (
            *[(f"/word/{kind}{which}.xml", "application/vnd.openxmlformats-officedocument."
               f"wordprocessingml.{kind}+xml")
              for kind in ("header", "footer") for which in ("even", "default")],
            ("/word/footnotes.xml", "application/vnd.openxmlformats-officedocument."
             "wordprocessingml.footnotes+xml"),
            ("/word/vbaProject.bin", "application/vnd.ms-office.vbaProject"),
            ("/word/webSettings.xml", "application/vnd.openxmlformats-officedocument."
             "wordprocessingml.webSettings+xml"),
            ("/docProps/custom.xml",
             "application/vnd.openxmlformats-officedocument.custom-properties+xml")):
        if not types.xpath("//t:Override[@PartName=$n]", n=name, namespaces={"t": CT_NS}):
            etree.SubElement(types, f"{{{CT_NS}}}Override", PartName=name,
                             ContentType=content_type)
    files["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True,
                                                  encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content)
    return out.getvalue()


# -- what a built DOCX holds ----------------------------------------------------------------

def relationships(package: zipfile.ZipFile) -> list[etree._Element]:
    return [rel for name in package.namelist() if name.endswith(".rels")
            for rel in etree.fromstring(package.read(name))]


def fields(package: zipfile.ZipFile) -> list[str]:
    """The first word of every field instruction in the package's XML parts."""
    found = []
    for name in package.namelist():
        if not name.endswith(".xml"):
            continue
        root = etree.fromstring(package.read(name))
        found += [el.get(qn("w:instr")) for el in root.iter(qn("w:fldSimple"))]
        found += [el.text for el in root.iter(qn("w:instrText"), qn("w:delInstrText"))]
    return [instruction.split()[0] for instruction in found if instruction.strip()]


def text_of(package: zipfile.ZipFile, name: str) -> str:
    root = etree.fromstring(package.read(name))
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in
                     root.iter(qn("w:p")))


LINK = "[the harbour's site](https://example.org/harbour?a&b)"


def built_alpha(project, out: Path) -> zipfile.ZipFile:
    summary = project.briefs / ALPHA / "sections/summary.md.j2"
    summary.write_text(summary.read_text(encoding="utf-8") + f"\nSee {LINK}.\n",
                       encoding="utf-8")
    build(project, briefs=[ALPHA], readers=["ministry"], langs=["en"], formats=["docx"],
          out=out)
    (path,) = out.rglob("*.docx")
    return zipfile.ZipFile(path)


@pytest.fixture(scope="module")
def plain_and_hostile(tmp_path_factory) -> tuple[zipfile.ZipFile, zipfile.ZipFile]:
    """Brief alpha (with a web link) built with the theme's Word parts, and built with
    a hostile one as the brief's own."""
    from tests.conftest import copy_tiny
    with pytest.MonkeyPatch.context() as mp:
        from tests.conftest import EPOCH
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        plain = copy_tiny(tmp_path_factory.mktemp("plain"))
        bad = copy_tiny(tmp_path_factory.mktemp("hostile"))
        (bad.briefs / ALPHA / "reference.docx").write_bytes(
            hostile(reference_docx(), "http://" + HOST))
        return (built_alpha(plain, tmp_path_factory.mktemp("plain-build")),
                built_alpha(bad, tmp_path_factory.mktemp("hostile-build")))


def test_the_hostile_reference_is_what_the_review_planted():
    """The test's reference.docx would carry it all through python-docx untouched."""
    d = docx.Document(io.BytesIO(hostile(reference_docx(), "http://" + HOST)))
    kinds = {rel.reltype.rsplit("/", 1)[1] for rel in d.part.package.iter_rels()}
    assert {"attachedTemplate", "image", "subDocument", "vbaProject", "customXml",
            "frame", "header"} <= kinds
    assert d.sections[0].even_page_header.paragraphs[0].text.startswith("EVEN HEADER")


def test_nothing_external_but_the_writers_own_links(plain_and_hostile):
    for package in plain_and_hostile:
        external = [(rel.get("Type").rsplit("/", 1)[1], rel.get("Target"))
                    for rel in relationships(package) if rel.get("TargetMode") == "External"]
        # a link the fixture's text makes, and a source's address in the sources list
        assert sorted(external) == [
            ("hyperlink", "https://example.org/harbour?a&b"),
            ("hyperlink", "https://tide-herald.example/2026/03/05/strelsau-lighthouse")]
        for name in package.namelist():
            assert HOST.encode() not in package.read(name), name


def test_no_attached_template_settings_or_parts_the_writer_does_not_need(plain_and_hostile):
    plain, bad = plain_and_hostile
    # the same parts (the reference's default header and footer, emptied, keep their names)
    assert len(bad.namelist()) == len(plain.namelist())
    assert not [name for name in bad.namelist() if re.search(
        r"webSettings|customXml|custom\.xml|vbaProject|app\.xml|even", name)]
    settings = bad.read("word/settings.xml")
    for word in (b"attachedTemplate", b"linkStyles", b"mailMerge", b"evenAndOddHeaders",
                 b"updateFields", b"docVars"):
        assert word not in settings
    assert settings == plain.read("word/settings.xml")
    assert b"numPicBullet" not in bad.read("word/numbering.xml")
    assert b"background" not in bad.read("word/document.xml")


def test_only_the_writers_fields_and_furniture(plain_and_hostile):
    plain, bad = plain_and_hostile
    assert set(fields(bad)) == set(fields(plain)) == {"PAGEREF", "PAGE", "NUMPAGES"}
    sect = etree.fromstring(bad.read("word/document.xml")).find(
        f"{qn('w:body')}/{qn('w:sectPr')}")
    assert sorted(ref.get(qn("w:type")) for ref in sect if ref.tag in (
        qn("w:headerReference"), qn("w:footerReference"))) == [
        "default", "default", "first", "first"]
    for name in bad.namelist():
        assert b"FROM THE REFERENCE" not in bad.read(name), name


def test_a_hostile_reference_leaves_the_text_as_it_was(plain_and_hostile):
    plain, bad = plain_and_hostile
    for name in ("word/document.xml", "word/footnotes.xml"):
        assert text_of(bad, name) == text_of(plain, name)
    assert "the harbour's site" in text_of(bad, "word/document.xml")
    docx.Document(io.BytesIO(_zip_bytes(bad)))      # and it still opens


def _zip_bytes(package: zipfile.ZipFile) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in package.namelist():
            z.writestr(name, package.read(name))
    return out.getvalue()


# -- the allow-lists, part by part ----------------------------------------------------------

def cleaned(body: str):
    """A document from the theme's reference.docx holding ``body``, cleaned."""
    d = docx.Document(io.BytesIO(reference_docx()))
    element = d.element.body
    for p in parse_xml(f'<w:body {nsdecls("w", "r")}>{body}</w:body>'):
        element.insert(len(element) - 1, p)
    return d


def test_fields_other_than_the_writers_are_unwrapped_keeping_their_result():
    d = cleaned(
        '<w:p><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        '<w:fldSimple w:instr=" INCLUDETEXT &quot;/etc/passwd&quot; "><w:fldData>x</w:fldData>'
        '<w:r><w:t>cached</w:t></w:r></w:fldSimple></w:p>'
        # a DDEAUTO field nested in a page reference's result, spanning paragraphs
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGEREF x '
        '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>Contents</w:t></w:r></w:p>'
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DDEAUTO '
        '</w:instrText><w:instrText>cmd </w:instrText></w:r><w:r><w:fldChar '
        'w:fldCharType="separate"/></w:r><w:r><w:t>shown</w:t></w:r><w:r>'
        '<w:fldChar w:fldCharType="end"/></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '</w:p>'
        # one never ended
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE '
        '</w:instrText></w:r><w:r><w:t>2</w:t></w:r></w:p>')
    package_allowlist.clean(d.part.package)
    body = d.element.body
    assert [el.get(qn("w:instr")) for el in body.iter(qn("w:fldSimple"))] == [" PAGE "]
    assert [el.text for el in body.iter(qn("w:instrText"))] == [" PAGEREF x "]
    assert [el.get(qn("w:fldCharType")) for el in body.iter(qn("w:fldChar"))] == [
        "begin", "separate", "end"]
    assert ["".join(t.text for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))] == [
        "1cached", "Contents", "shown", "2"]
    assert not list(body.iter(qn("w:fldData")))


def test_links_obey_the_url_rule_and_keep_their_text():
    d = docx.Document(io.BytesIO(reference_docx()))
    p = d.add_paragraph()
    for target in ("https://example.org/", "javascript:alert(1)", "file:///etc/passwd",
                   "\\\\host\\share\\x.docx", "#inside"):
        r_id = d.part.relate_to(target, OFFICE + "hyperlink", is_external=True)
        p._p.append(parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{r_id}"><w:r>'
                              f'<w:t>{len(p._p)}</w:t></w:r></w:hyperlink>'))
    package_allowlist.clean(d.part.package)
    kept = [rel.target_ref for rel in d.part.rels.values() if rel.is_external]
    assert kept == ["https://example.org/"]
    assert p.text == "01234"
    links = p._p.findall(qn("w:hyperlink"))
    assert [link.get(qn("r:id")) is not None for link in links] == [
        True, False, False, False, False]


def test_settings_keep_only_what_the_writer_knows():
    d = docx.Document(io.BytesIO(reference_docx()))
    settings = d.settings.element
    for name in ("documentProtection", "trackRevisions", "attachedTemplate"):
        settings.insert(0, parse_xml(f'<w:{name} {nsdecls("w")}/>'))
    package_allowlist.clean(d.part.package)
    tags = [etree.QName(child).localname for child in settings]
    assert tags == ["zoom", "defaultTabStop", "autoHyphenation", "doNotHyphenateCaps",
                    "characterSpacingControl", "footnotePr", "compat", "themeFontLang",
                    "clrSchemeMapping", "doNotAutoCompressPictures", "decimalSymbol",
                    "listSeparator", "defaultImageDpi"]


def test_cleaning_twice_changes_nothing():
    d = docx.Document(io.BytesIO(hostile(reference_docx(), "http://" + HOST)))
    package_allowlist.clean(d.part.package)
    once = {part.partname: part.blob for part in d.part.package.iter_parts()}
    package_allowlist.clean(d.part.package)
    assert {part.partname: part.blob for part in d.part.package.iter_parts()} == once
    assert sorted(once) == ["/docProps/core.xml", "/word/document.xml", "/word/fontTable.xml",
                            "/word/footerdefault.xml", "/word/footnotes.xml", "/word/headerdefault.xml",
                            "/word/numbering.xml", "/word/settings.xml", "/word/styles.xml",
                            "/word/theme/theme1.xml"]
