"""A built DOCX with its changes against an earlier version as Word tracked changes: the words
added inside ``<w:ins>``, the words removed as ``<w:del>``/``<w:delText>``, a paragraph or a
table row added or removed with its mark, each by the document's author on the version's
date, so that Word's review pane (and LibreOffice's Track Changes) lists them to accept or
reject.

The DOCX is the one the build wrote; only ``word/document.xml`` and ``word/footnotes.xml``
are rewritten. Their paragraphs and table rows are matched to the blocks of the new
version's text (``writers.text``) by their words; the blocks that changed
(``text.block_pairs``) are marked word by word. A note removed is not put back (its call
is gone with its sentence): ``briefings diff`` lists it."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from difflib import SequenceMatcher
from itertools import count

from lxml import etree

from briefings.writers.text import CELL, block_pairs

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"
FOOTNOTES = "word/footnotes.xml"
CORE = "docProps/core.xml"
_WORD = re.compile(r"\S+")
_PRESERVE = "{http://www.w3.org/XML/1998/namespace}space"


def w(name: str) -> str:
    return f"{{{W}}}{name}"


# Where a paragraph's own runs stand: in it, or in a link, a field (a caption's number) or
# a mark of ours.
_HOLDERS = {w("p"), w("hyperlink"), w("fldSimple"), w("ins")}


def _runs(paragraph: etree._Element) -> list[etree._Element]:
    """The paragraph's runs that carry text, in order."""
    return [run for run in paragraph.iter(w("r")) if run.find(w("t")) is not None
            and run.getparent().tag in _HOLDERS]


def _run_text(run: etree._Element) -> str:
    return "".join(t.text or "" for t in run.iter(w("t")))


def text_of(paragraph: etree._Element) -> str:
    return "".join(_run_text(run) for run in _runs(paragraph))


def _splittable(run: etree._Element) -> bool:
    return all(child.tag in (w("rPr"), w("t")) for child in run) and \
        len(run.findall(w("t"))) == 1


def _split(run: etree._Element, at: int) -> etree._Element:
    """Cut a one-text run in two at character ``at``; return the second part."""
    second = copy.deepcopy(run)
    first_t, second_t = run.find(w("t")), second.find(w("t"))
    text = first_t.text or ""
    first_t.text, second_t.text = text[:at], text[at:]
    for t in (first_t, second_t):
        t.set(_PRESERVE, "preserve")
    run.addnext(second)
    return second


class _Marks:
    """Revision marks of one author and date, numbered from one counter."""

    def __init__(self, author: str, date: str):
        self.author, self.date, self.ids = author, date, count(9001)

    def mark(self, tag: str) -> etree._Element:
        element = etree.Element(w(tag))
        element.set(w("id"), str(next(self.ids)))
        element.set(w("author"), self.author)
        element.set(w("date"), self.date)
        return element

    def deleted_run(self, text: str, like: etree._Element | None) -> etree._Element:
        run = etree.Element(w("r"))
        if like is not None and like.find(w("rPr")) is not None:
            run.append(copy.deepcopy(like.find(w("rPr"))))
        removed = etree.SubElement(run, w("delText"))
        removed.text = text
        removed.set(_PRESERVE, "preserve")
        wrapper = self.mark("del")
        wrapper.append(run)
        return wrapper

    def inserted(self, run: etree._Element) -> None:
        wrapper = self.mark("ins")
        run.addprevious(wrapper)
        wrapper.append(run)

    def paragraph_mark(self, paragraph: etree._Element, tag: str) -> None:
        """The paragraph's own mark (its end) added or removed."""
        properties = paragraph.find(w("pPr"))
        if properties is None:
            properties = etree.Element(w("pPr"))
            paragraph.insert(0, properties)
        run_properties = properties.find(w("rPr"))
        if run_properties is None:
            run_properties = etree.SubElement(properties, w("rPr"))
        run_properties.insert(0, self.mark(tag))

    def row_mark(self, row: etree._Element, tag: str) -> None:
        properties = row.find(w("trPr"))
        if properties is None:
            properties = etree.Element(w("trPr"))
            row.insert(1 if row.find(w("tblPrEx")) is not None else 0, properties)
        properties.append(self.mark(tag))


def mark_words(paragraph: etree._Element, old: str, marks: _Marks) -> None:
    """The paragraph's words that are not in ``old`` inside ``<w:ins>``, and the words of
    ``old`` it lacks put back as ``<w:del>`` where they stood. Words are compared, not the
    spaces between them (a note's text starts with one)."""
    new = "".join(_run_text(run) for run in _runs(paragraph))
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(new)]
    old_words = _WORD.findall(old)
    matcher = SequenceMatcher(None, old_words, [word for word, _, _ in words], autojunk=False)
    # From the end, so that the character offsets before each change still hold.
    for op, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if op == "equal":
            continue
        removed = " ".join(old_words[i1:i2])
        if j2 > j1:
            start = words[j1][1]
            inside = _cut(paragraph, start, words[j2 - 1][2])
            for run in inside:
                marks.inserted(run)
        elif j1 < len(words):                 # removed before a word: with its space
            start, inside, removed = words[j1][1], [], removed + " "
        else:                                 # removed at the end: after a space
            start, inside, removed = len(new), [], " " + removed
        if removed.strip():
            _put_back(removed, paragraph, start, inside, marks)


def _put_back(removed: str, paragraph: etree._Element, start: int,
              inside: list[etree._Element], marks: _Marks) -> None:
    """``removed`` as deleted text at character ``start``: before the words that replace
    it, or before the run that follows, or at the paragraph's end; in the look of the run
    it stands by."""
    after = inside[0] if inside else _run_at(paragraph, start)
    if after is not None:
        _outer(after).addprevious(marks.deleted_run(removed, after))
        return
    runs = _runs(paragraph)
    if runs:
        _outer(runs[-1]).addnext(marks.deleted_run(removed, runs[-1]))
    else:
        paragraph.append(marks.deleted_run(removed, None))


def _outer(run: etree._Element) -> etree._Element:
    """The run, or the ``<w:ins>`` around it: what a deletion goes beside."""
    parent = run.getparent()
    return parent if parent.tag == w("ins") else run


def _cut(paragraph: etree._Element, start: int, end: int) -> list[etree._Element]:
    """The runs holding exactly characters ``start``–``end`` of the paragraph's text, cut
    out of the runs they share with other characters where those can be cut."""
    found, at = [], 0
    for run in _runs(paragraph):
        text = _run_text(run)
        first, last = at, at + len(text)
        at = last
        if last <= start or first >= end or not text:
            continue
        if _splittable(run):
            if first < start:
                run = _split(run, start - first)
                first = start
            if last > end:
                _split(run, end - first)
        found.append(run)
    return found


def _run_at(paragraph: etree._Element, position: int) -> etree._Element | None:
    """The first run starting at or after character ``position``, cut there if need be."""
    at = 0
    for run in _runs(paragraph):
        text = _run_text(run)
        if at >= position and text:
            return run
        if at < position < at + len(text) and _splittable(run):
            return _split(run, position - at)
        at += len(text)
    return None


def _units(container: etree._Element) -> list[tuple[etree._Element, list[etree._Element]]]:
    """Each paragraph, and each table row holding no table, with its paragraphs: what a
    block of the text is printed as, in reading order. A row of one cell (a box) or holding
    a table is read through, cell by cell."""
    found = []
    for child in container:
        if child.tag == w("p"):
            found.append((child, [child]))
        elif child.tag != w("tbl"):
            continue
        for row in child.iterchildren(w("tr")):
            cells = list(row.iterchildren(w("tc")))
            if len(cells) == 1 or row.find(f".//{w('tbl')}") is not None:   # a box
                for cell in cells:
                    found += _units(cell)
            else:
                found.append((row, [p for cell in cells for p in cell.iterchildren(w("p"))]))
    return found


def _notes(footnotes: etree._Element | None
           ) -> list[tuple[etree._Element, list[etree._Element]]]:
    """The paragraphs of the notes (not of the separators), in order."""
    if footnotes is None:
        return []
    return [(p, [p]) for note in footnotes.iterchildren(w("footnote"))
            if note.get(w("type")) is None for p in note.iterchildren(w("p"))]


def _matched(blocks: list[dict], wanted, units) -> dict[int, tuple]:
    """The unit printing each block of ``blocks`` (those ``wanted`` picks), by their words."""
    picked = [k for k, block in enumerate(blocks) if wanted(block)]
    matcher = SequenceMatcher(None, [_normal(blocks[k]["text"]) for k in picked],
                              [_normal(_unit_text(u)) for u in units], autojunk=False)
    return {picked[m.a + n]: units[m.b + n] for m in matcher.get_matching_blocks()
            for n in range(m.size)}


def _unit_text(unit: tuple[etree._Element, list[etree._Element]]) -> str:
    element, paragraphs = unit
    if element.tag == w("tr"):
        return CELL.join(text_of(p) for p in paragraphs)
    return text_of(element)


def _normal(text: str) -> str:
    return " ".join(text.split())


def _flat(data: dict) -> list[dict]:
    """A text's blocks in reading order, each section's title first."""
    return [block for section in data["sections"]
            for block in [{"kind": "heading", "text": section["title"]}, *section["blocks"]]]


def _deleted_paragraph(text: str, like: etree._Element, marks: _Marks) -> etree._Element:
    paragraph = etree.Element(w("p"))
    if like.find(w("pPr")) is not None:
        properties = copy.deepcopy(like.find(w("pPr")))
        for old_mark in properties.iter(w("ins"), w("del")):
            old_mark.getparent().remove(old_mark)
        paragraph.append(properties)
    paragraph.append(marks.deleted_run(text, None))
    marks.paragraph_mark(paragraph, "del")
    return paragraph


def _deleted_row(cells: list[str], like: etree._Element, marks: _Marks) -> etree._Element:
    row = copy.deepcopy(like)
    for mark in row.iter(w("ins"), w("del")):
        if mark.getparent() is not None and mark.getparent().tag == w("trPr"):
            mark.getparent().remove(mark)
    columns = [cell for cell in row if cell.tag == w("tc")]
    for n, cell in enumerate(columns):
        paragraphs = cell.findall(w("p"))
        for extra in paragraphs[1:]:
            cell.remove(extra)
        first = paragraphs[0]
        for child in [c for c in first if c.tag != w("pPr")]:
            first.remove(child)
        if n < len(cells) and cells[n]:
            first.append(marks.deleted_run(cells[n], None))
    marks.row_mark(row, "del")
    return row


def track(docx: bytes, old: dict, new: dict, author: str | None = None) -> bytes:
    """``docx`` (the build's file of the version ``new`` is the text of) with its changes
    since ``old`` tracked; the author is the document's own unless given."""
    archive = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(archive.read(DOCUMENT))
    footnotes = etree.fromstring(archive.read(FOOTNOTES)) \
        if FOOTNOTES in archive.namelist() else None
    if author is None:
        core = etree.fromstring(archive.read(CORE))
        author = core.findtext("{http://purl.org/dc/elements/1.1/}creator") or "briefings"
    marks = _Marks(author, f"{new['date']}T00:00:00Z")
    before, after = _flat(old), _flat(new)
    printed = _matched(after, lambda block: block["kind"] != "note",
                       _units(root.find(w("body"))))
    notes = _matched(after, lambda block: block["kind"] == "note", _notes(footnotes))
    removed_last = None   # the block removed just before, where the next one goes after
    for i, j, place in block_pairs(before, after):
        if j is not None:
            removed_last = None
            if j not in printed and j not in notes:
                continue
            element, paragraphs = printed.get(j) or notes[j]
            if i is None:
                _mark_added(element, paragraphs, marks)
            elif element.tag == w("tr") and len(after[j].get("cells", [])) == len(
                    before[i].get("cells", [])) == len(paragraphs):
                for paragraph, cell in zip(paragraphs, before[i]["cells"]):
                    mark_words(paragraph, cell, marks)
            else:
                mark_words(paragraphs[0], before[i]["text"], marks)
            continue
        if before[i]["kind"] == "note":
            continue
        earlier = [k for k in printed if k < place]
        later = [k for k in printed if k >= place]
        if removed_last is not None or earlier:
            anchor = removed_last if removed_last is not None else printed[max(earlier)][0]
            put = anchor.addnext
        elif later:
            anchor = printed[min(later)][0]
            put = anchor.addprevious
        else:
            continue
        if anchor.tag == w("tr"):   # beside a row, a row
            removed_last = _deleted_row(before[i].get("cells", [before[i]["text"]]), anchor,
                                        marks)
        else:
            removed_last = _deleted_paragraph(before[i]["text"], anchor, marks)
        put(removed_last)
    parts = {DOCUMENT: root, FOOTNOTES: footnotes}
    return _replaced(archive, {name: etree.tostring(part, xml_declaration=True,
                                                    encoding="UTF-8", standalone=True)
                               for name, part in parts.items() if part is not None})


def _mark_added(element: etree._Element, paragraphs: list[etree._Element],
                marks: _Marks) -> None:
    for paragraph in paragraphs:
        for run in _runs(paragraph):
            marks.inserted(run)
        if element.tag == w("p"):
            marks.paragraph_mark(paragraph, "ins")
    if element.tag == w("tr"):
        marks.row_mark(element, "ins")


def _replaced(archive: zipfile.ZipFile, parts: dict[str, bytes]) -> bytes:
    """The package with these parts replaced, every entry otherwise as it was (same order,
    dates and compression): the same input gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as copy_to:
        for info in archive.infolist():
            copy_to.writestr(info, parts.get(info.filename) or archive.read(info))
    return out.getvalue()
