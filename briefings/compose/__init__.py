"""Compose one version of a brief: its section templates, run in a sandbox (``environment``)
that reaches facts only through their door (``facts_door``), → Markdown → one HTML tree
(``markdown_tree``), with the brief's figures drawn in memory (``figures``) and citation and
note calls placed as the language wants (``typography``); ``versions`` puts it together into
a Document. What the rest of the engine calls is named here."""

from briefings.compose.environment import make_environment, missing_section, render_section
from briefings.compose.facts_door import Citation, CitedText, FactAccess
from briefings.compose.figures import FIGURES, FigureMaker
from briefings.compose.markdown_tree import markdown_converter, markdown_to_section
from briefings.compose.versions import brief_numbers, compose, draft, drafts, template_context

__all__ = ["FIGURES", "Citation", "CitedText", "FactAccess", "FigureMaker", "brief_numbers",
           "compose", "draft", "drafts", "make_environment", "markdown_converter",
           "markdown_to_section", "missing_section", "render_section", "template_context"]
