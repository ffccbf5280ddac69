"""briefings: curated, sourced facts turned into policy briefs (PDF, DOCX, HTML)."""

__version__ = "0.1.0"
