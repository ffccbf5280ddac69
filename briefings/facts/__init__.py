"""The fact base: facts and the sources they quote, loaded and validated.

Beyond its schema (``model``), a fact must agree with itself (``numbers``) and print: no
invisible characters, no character the brief's fonts lack (``load``).
"""

from briefings.facts.load import load_facts
from briefings.facts.model import SOURCE_REF, WORKED_OUT, Fact, FactBase, Source, SourceRef

__all__ = ["SOURCE_REF", "Fact", "FactBase", "Source", "SourceRef", "load_facts"]
