"""Email a built brief to a reader: one message per recipient, in their language.

Without ``send`` the messages are only written as ``.eml`` files to
``build/outbox/<brief>/<reader>/``.
With it they go through an SMTP server, written there first just as they are sent, and
the record of sends (``records/sends.jsonl``, ``briefings.sends``) keeps each one before its
DATA and its outcome after, so a
re-run never sends the same files to the same person twice: not even when the server's answer
was lost and the message may have arrived. Settings come from ``BRIEFINGS_*`` environment
variables, or an env file kept outside the project (the real environment wins over the file).

One module a job: ``config`` (the settings), ``recipients``, ``attachments``, ``message``,
``outbox`` (the .eml files and the lines of the record), ``delivery`` (SMTP) and ``command``.
"""
