"""``briefings preview``: the HTML form of one brief on 127.0.0.1, rebuilt on every save:
the page ``build --format html`` writes, its fonts and figures inside it.

The page holds one request open (server-sent events, ``/__events``) on which the server
sends the build number the moment a rebuild is done, and it reloads itself then. A save
remakes the version shown alone, with the brief's source numbers of the last rebuild, and
the numbers are worked out again from every version once saves stop, the page remade only
if they changed (``Preview.rebuild``). Pages are made in a worker kept from save to save
(``warmworker``), which keeps what did not change: compiled templates, fonts cut down,
figures drawn, sections converted, and the facts until a fact file changes. A build error
replaces the page with the error."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import re
import secrets
import sys
import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from markupsafe import escape

from briefings import glyphs, projectfiles
from briefings.briefs import Edition, edition, languages_read, load_brief
from briefings.compose import brief_numbers, draft
from briefings.dates import build_date
from briefings.document import Theme
from briefings.errors import BriefingError, BriefingErrors
from briefings.facts import FactBase, load_facts
from briefings.project import Project
from briefings.writers import html as html_writer
from briefings.warmworker import WarmWorker
from briefings.writers.safe_page import POLICY, policy_meta

# On each rebuild the page fetches the new one and puts its body in place of its own, the
# stylesheet and fonts it has loaded kept, when the new head is the same but for its
# policy's nonce; else (new characters, so new fonts; an error page) it loads anew. A
# fetch overtaken by a newer build's is dropped.
RELOAD = """<script nonce="%s">
var asked = 0;
function head(page) {
  return page.documentElement.lang + Array.from(page.head.children, function (e) {
    return e.httpEquiv ? "" : e.outerHTML; }).join("");
}
new EventSource("/__events?after=%d").onmessage = function () {
  var mine = ++asked;
  fetch("/", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (text) {
    if (mine !== asked) return;
    var page = new DOMParser().parseFromString(text, "text/html");
    if (head(page) === head(document)) document.body.replaceWith(document.adoptNode(page.body));
    else location.reload();
  }, function () { location.reload(); });
};
</script>"""
KEEP_ALIVE = 10  # seconds between the comments that show a gone client, so its thread ends

ERROR_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Build error</title>
<style>body{font:15px/1.5 sans-serif;margin:3em;color:#222}
h1{color:#a40000;font-size:1.3em}code{display:block;background:#fbeaea;padding:.6em;
margin:.4em 0;white-space:pre-wrap}</style></head>
<body><h1>The brief could not be built</h1>%s
<p>Fix the file and save: this page reloads by itself.</p></body></html>"""

# Names a browser on this machine uses for it; any other Host header is refused.
LOCAL_HOST = re.compile(r"(127\.0\.0\.1|localhost|\[::1\])(:\d+)?", re.IGNORECASE)


class Preview:
    """The latest page, rebuilt from the project's files on demand."""

    def __init__(self, project: Project, brief: str, reader: str, lang: str | None):
        self.project, self.brief, self.reader, self.lang = project, brief, reader, lang
        self.page, self.policy, self.number, self.failed = b"", POLICY, 0, False
        self.numbers: dict[str, int] | None = None  # the brief's, as last worked out
        self.lock = threading.Condition()  # notified when a new page is in place
        label = f"{brief}-{reader}"
        # Kept warm from save to save: one makes the pages, the other works out the brief's
        # numbers from every version, which a save does not wait for.
        self.pages = WarmWorker(self._page, label)
        self.counts = WarmWorker(self._numbers, label)
        self.inputs = Inputs()

    def rebuild(self) -> None:
        """The page, made at once from this version alone when the brief's source numbers
        are known from the last rebuild, and shown; then the numbers are worked out again
        from every version, and the page made and shown again only if they changed (an
        edit that made the brief start or stop citing a source)."""
        if self._remade():
            self._show(self._renumbered)

    def _remade(self) -> bool:
        """Show the page made again; whether the brief's numbers are still to be checked."""
        return self._show(lambda: _made(self.pages, self.numbers)) == "quick"

    def _renumbered(self) -> tuple[str, dict[str, int], str] | None:
        """The page again if the brief's numbers changed, else None; a mistake in any
        version is shown, as the build would stop on it."""
        numbers = _made(self.counts, None)
        if numbers == self.numbers:
            return None
        self.numbers = numbers
        return _made(self.pages, numbers)

    def close(self) -> None:
        self.pages.close()
        self.counts.close()

    def _show(self, make) -> str:
        """Show the page ``make()`` gives, or its error: how it was made ("quick" or
        "whole"), or "failed"."""
        try:
            made = make()
            if made is None:
                return "unchanged"
            page, self.numbers, how = made
            problems = []
        except Exception as exc:  # anything at all, even a bug: the watcher must keep going
            problems, how = one_line_each(exc), "failed"
            page = ERROR_PAGE % "".join(f"<code>{escape(p)}</code>" for p in problems)
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr, flush=True)
        if self.failed and not problems:
            print("fixed: the brief builds again", flush=True)
        self.failed = bool(problems)
        # The page's own policy, plus the reload script (by a nonce of this build) and
        # its one request; the page holds no other script, so none other runs. EventSource
        # is a connection, allowed by connect-src.
        nonce = secrets.token_urlsafe(16)
        policy = f"{POLICY}; script-src 'nonce-{nonce}'; connect-src 'self'"
        with self.lock:
            self.number += 1
            page = page.replace(policy_meta(), policy_meta(policy), 1).replace(
                "</body>", RELOAD % (nonce, self.number) + "</body>", 1)
            self.page, self.policy = page.encode(), policy
            self.lock.notify_all()
        return how

    def built_after(self, number: int, timeout: float) -> int:
        """The number of the newest build once it is past ``number``, or ``number`` when
        none came within ``timeout`` seconds."""
        with self.lock:
            self.lock.wait_for(lambda: self.number > number, timeout)
            return max(self.number, number)

    def _inputs(self) -> tuple[Project, Edition, FactBase, dt.date]:
        # A fresh Project each time: it caches its settings, and edits must show too.
        project = Project(self.project.root)
        chosen = edition(project, load_brief(project, self.brief), self.reader)
        return project, chosen, self.inputs.facts(project), build_date(project.settings.timezone)

    def _page(self, numbers: dict[str, int] | None) -> tuple[str, dict[str, int], str]:
        """The page, the brief's source numbers it was made with and how ("quick": with
        ``numbers``, the last rebuild's; "whole": with numbers worked out again)."""
        project, chosen, facts, today = self._inputs()
        lang = language(chosen, self.lang)
        if numbers is not None:
            # The numbers as last worked out: only this version is composed. A source they
            # lack (newly cited), or any mistake, and the page is composed as the build does.
            with contextlib.suppress(BriefingError):
                document = draft(project, facts, chosen, lang, today, numbers)
                return html_writer.render(document, Theme(chosen.chain)), numbers, "quick"
        numbers = brief_numbers(project, facts, chosen.brief, today, (chosen.reader, lang))
        document = draft(project, facts, chosen, lang, today, numbers)
        return html_writer.render(document, Theme(chosen.chain)), numbers, "whole"

    def _numbers(self, _: None) -> dict[str, int]:
        project, chosen, facts, today = self._inputs()
        return brief_numbers(project, facts, chosen.brief, today,
                             (chosen.reader, language(chosen, self.lang)))

    def follow(self, changes: Iterator[set]) -> None:
        """Show each save's page at once; check the brief's numbers when no save followed it
        (``changes`` yields an empty set after a quiet moment), so that quick saves in a row
        do not each wait for every version to be composed."""
        unchecked = False
        for changed in changes:
            if changed:
                unchecked = self._remade()
            elif unchecked:
                unchecked = False
                self._show(self._renumbered)


class Inputs:
    """What a page is made from that outlives most saves, kept in the worker that makes
    the pages: the facts, loaded again only when the fact files, the fonts or the languages
    changed (by their content, not their times)."""

    def __init__(self):
        self._key: tuple | None = None
        self._facts: FactBase | None = None

    def facts(self, project: Project) -> FactBase:
        fonts, languages = project.theme / "fonts", tuple(project.settings.languages)
        required = tuple(languages_read(project))
        key = _facts_key(project, languages, required)
        if key is None or key != self._key:
            self._key, self._facts = None, load_facts(project.facts, fonts, languages, required)
            # Kept only if no file changed while it was loading: else the next save's
            # page loads them again.
            self._key = key if key == _facts_key(project, languages, required) else None
        return self._facts


def _facts_key(project: Project, languages: tuple[str, ...], required: tuple[str, ...]
               ) -> tuple | None:
    """What the facts are loaded from, as it is now; None when a file cannot be read
    (loading says why, as it says every problem)."""
    files = sorted([*project.facts.glob("*.yaml"), *project.facts.glob("*.yml")])
    try:
        return (tuple((path.name, projectfiles.read_bytes(path)) for path in files),
                glyphs.font_chars(project.theme / "fonts"), languages, required)
    except (BriefingError, OSError):
        return None


def _made(worker: WarmWorker, job):
    """``job`` made by the kept ``worker`` under the limits a build has: a template that
    loops forever is a page saying so, and the preview goes on."""
    made = worker(job)
    if isinstance(made, BriefingError):
        raise made
    return made


def one_line_each(exc: Exception) -> list[str]:
    """Each problem on one line: a BriefingError says where; anything else is named by its type."""
    if isinstance(exc, BriefingErrors):
        lines = [str(e) for e in exc.errors]
    elif isinstance(exc, BriefingError):
        lines = [str(exc)]
    else:
        lines = [f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__]
    return [" ".join(line.split()) for line in lines]


def language(chosen: Edition, lang: str | None) -> str:
    if lang is None:
        return chosen.languages[0]
    if lang not in chosen.languages:
        raise BriefingError(f"--lang {lang}: the reader '{chosen.reader}' reads "
                            f"{', '.join(chosen.languages)} only")
    return lang


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    timeout = 10  # a client that sends nothing for this long is let go

    def do_GET(self):
        # A web page elsewhere may point its own name at 127.0.0.1 (DNS rebinding) and read
        # the brief: only requests addressed to this machine by name are answered.
        if not LOCAL_HOST.fullmatch(self.headers.get("Host", "")):
            self.send_error(HTTPStatus.FORBIDDEN)
            return
        preview = self.server.preview
        path = self.path.split("?", 1)[0]
        if path == "/":
            # Copied under the lock, written outside it: a slow client never holds up a
            # rebuild.
            with preview.lock:
                page, policy = preview.page, preview.policy
            self._send(page, "text/html; charset=utf-8", policy)
        elif path == "/__events":
            self._events(preview)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def _events(self, preview: Preview):
        """Server-sent events: the number of each build past the one the page shows
        (``?after=N``), sent the moment it is done, until the client or the server goes."""
        after = re.fullmatch(r"after=(\d{1,9})", self.path.partition("?")[2])
        shown = int(after[1]) if after else preview.number
        self._headers("text/event-stream", POLICY)
        while not self.server.stop_watching.is_set():
            number = preview.built_after(shown, KEEP_ALIVE)
            # A comment when nothing was built: writing to a gone client fails, ending here.
            self.wfile.write(f"data: {number}\n\n".encode() if number > shown else b":\n\n")
            self.wfile.flush()
            shown = number

    def _send(self, body: bytes, kind: str, policy: str):
        self._headers(kind, policy, len(body))
        self.wfile.write(body)

    def _headers(self, kind: str, policy: str, length: int | None = None):
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def log_message(self, *args):  # one line per request would drown the useful output
        pass


class PreviewServer(ThreadingHTTPServer):
    """The HTTP server on 127.0.0.1; closing it also stops the file watcher."""

    def __init__(self, port: int, preview: Preview):
        self.preview, self.stop_watching = preview, threading.Event()
        try:
            super().__init__(("127.0.0.1", port), Handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise BriefingError(f"port {port} is already in use (another preview?): pass "
                                    "another --port, or --port 0 for any free one")
            raise BriefingError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}")

    def server_close(self):
        self.stop_watching.set()
        super().server_close()
        self.preview.close()

    def handle_error(self, request, client_address):
        # A browser that closes its tab mid-page is no error worth a traceback.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def start(project: Project, brief: str, reader: str | None, lang: str | None,
          port: int) -> PreviewServer:
    """Check the arguments, listen, build the page once and rebuild it on every change
    from then on (in a thread). The caller serves, then closes the server."""
    if not 0 <= port <= 65535:
        raise BriefingError(f"--port {port} is not a port: use 1 to 65535, or 0 for any free one")
    for folder in (project.facts, project.templates):
        if not folder.is_dir():
            raise BriefingError(f"no {folder.name}/ folder in {project.root}: run briefings "
                                "from the project folder or pass --project PATH")
    loaded = load_brief(project, brief)
    chosen = edition(project, loaded, reader or next(iter(loaded.spec.readers)))
    language(chosen, lang)
    preview = Preview(project, brief, chosen.reader, lang)
    server = PreviewServer(port, preview)
    from watchfiles import watch
    changes = watch(project.facts, project.templates, stop_event=server.stop_watching,
                    debounce=200, step=20, rust_timeout=200,
                    yield_on_timeout=True)
    next(changes)  # its first (empty) yield: the watcher runs, no edit from now on is missed
    threading.Thread(target=preview.follow, args=(changes,), daemon=True).start()
    try:
        preview.rebuild()
    except KeyboardInterrupt:  # Ctrl-C before the page is served: close what is open
        server.server_close()
        raise
    return server


def serve(project: Project, brief: str, reader: str | None, lang: str | None,
          port: int) -> None:
    server = start(project, brief, reader, lang, port)
    print(f"Preview of '{brief}' for '{server.preview.reader}' at "
          f"http://127.0.0.1:{server.server_port}/ "
          "(rebuilt when facts/ or templates/ change; Ctrl-C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
