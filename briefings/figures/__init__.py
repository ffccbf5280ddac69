"""Figures declared as data in a brief's ``figures.yaml`` and drawn from the facts.

declared (the file, read and checked) → bind (values and words from the facts, in one
language) → kinds (what each kind shows: a spec of plain data) → draw/canvas or vegalite
(the drawing) → render (the cached SVG and PNG files)."""
