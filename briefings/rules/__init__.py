"""The checks, as a library of rules that ``briefings check`` and ``briefings build`` both run.

A rule returns the problems it finds, each a ``BriefingError`` with its level, file, line and
message; it raises only when what it reads cannot be read. One module per family:

- ``quotes``: every quote is word for word in its source document;
- ``facts``: a fact a brief offers as how things stand was confirmed not long ago;
- ``expiry``: a brief printing a fact past, or close to, its ``valid_until`` is reviewed;
- ``figures``: every figure is worked out in each language, its labels apart;
- ``templates``: a section a reader gets exists in each of the reader's languages;
- ``tense``: a fact describing things long past is told in the past, with its year;
- ``documents``: what one composed document prints (``documents.RULES``);
- ``sections``: a document's section templates and their words hold no typed number, an
  override fills only its base's blocks (``template_source``), a template lists its blocks,
  and every key of the words is said (in ``documents.RULES``);
- ``editions``: what the languages of one reader's brief print (``editions.RULES``).

``run`` runs them all over a project (the check); the build runs the ``documents`` rules on
each document it makes and the others on what it builds. Compose itself refuses only what
cannot be printed at all (a character the fonts lack, an address against the URL rule): what
a template's source should not hold is found here, with every other problem of the document,
instead of stopping it at the first.

A new rule on one document is a function ``(Reading) -> list[BriefingError]`` added to
``documents.RULES``; one comparing a brief's languages, to ``editions.RULES``."""
