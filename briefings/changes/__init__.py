"""What changed in a brief since a reader received it (``briefings diff``): two texts of one
document (``writers.text``) compared section by section and sentence by sentence
(``compare``, ``sentences``), shown in the terminal (``terminal``) and as a web page
(``page``), and tracked in the build's DOCX as Word revisions (``writers.tracked``, which
mail uses too); ``command`` finds the text received in the record of sends."""
