"""Listings in columns, for the commands that print tables (``uses``, ``status``)."""

from __future__ import annotations


def aligned(rows: list[tuple[str, ...]], indent: str = "  ") -> list[str]:
    """Rows as lines whose columns line up (the last column unpadded)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
            for row in rows]
