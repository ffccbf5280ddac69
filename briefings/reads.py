"""What a document read of the fact base: the facts its templates looked up (every
``fact("id")`` and every figure's binding goes through the one fact door, which records
them), the sources those facts cite and the files of their texts. The manifest keeps it
beside each output (``outputs``): the document is made again only when one of these, or
a template, changed.

Why the facts it looked up suffice: a template reaches facts only by id, never by listing
them, and a look-up that misses stops the document. So, its templates unchanged, a
document that read the same facts with the same contents takes the same path through
them: a fact added elsewhere cannot enter it until a template names it, and that template
is an input of its own."""

from __future__ import annotations

from collections.abc import Iterable

from briefings.facts import SOURCE_REF, FactBase


def document_reads(facts: FactBase, fact_ids: Iterable[str]) -> tuple[list[str], dict]:
    """The fact files its facts come from, and its ``uses`` as the manifest records them:
    those facts, the sources they cite (in their list and in their notes), their texts."""
    read = [facts.facts[fact_id] for fact_id in sorted(set(fact_ids))]
    sources = {ref.id for fact in read for ref in fact.sources}
    sources |= {source_id for fact in read if fact.note for text in fact.note.values()
                for source_id in SOURCE_REF.findall(text)}
    fact_files = sorted({facts.origin[fact.id][0].name for fact in read})
    return fact_files, {"facts": [fact.id for fact in read], "sources": sorted(sources),
                        "texts": sorted({facts.sources[s].file for s in sources})}
