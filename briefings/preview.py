"""``briefings preview``: the HTML form of one brief on 127.0.0.1, rebuilt on every save:
the page ``build --format html`` writes, its fonts and figures inside it.

The page asks the server for the build number twice a second and reloads itself when it
changes; a build error replaces the page with the error, so nothing stale is ever shown."""

from __future__ import annotations

import errno
import re
import secrets
import sys
import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from markupsafe import escape

from briefings import workers
from briefings.briefs import Edition, edition, languages_read, load_brief
from briefings.compose import compose
from briefings.dates import build_date
from briefings.document import Theme
from briefings.errors import BriefingError, BriefingErrors
from briefings.facts import load_facts
from briefings.project import Project
from briefings.writers import html as html_writer
from briefings.writers.safe_page import POLICY, policy_meta

RELOAD = """<script nonce="%s">
(function () {
  var built = %d;
  setInterval(function () {
    fetch("/__build").then(function (r) { return r.text(); })
      .then(function (n) { if (+n !== built) location.reload(); })
      .catch(function () {});
  }, 500);
})();
</script>"""

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
        self.lock = threading.Lock()

    def rebuild(self) -> None:
        try:
            # Made in a worker under the limits a build has: a template that loops forever
            # is a page saying so, and the preview goes on.
            [(_, page)] = workers.run([self], Preview._page, 1,
                                      lambda _: f"{self.brief}-{self.reader}")
            if isinstance(page, BriefingError):
                raise page
            problems = []
        except Exception as exc:  # anything at all, even a bug: the watcher must keep going
            problems = one_line_each(exc)
            page = ERROR_PAGE % "".join(f"<code>{escape(p)}</code>" for p in problems)
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr, flush=True)
        if self.failed and not problems:
            print("fixed: the brief builds again", flush=True)
        self.failed = bool(problems)
        # The page's own policy, plus the reload script (by a nonce of this build) and
        # its one request; the page holds no other script, so none other runs.
        nonce = secrets.token_urlsafe(16)
        policy = f"{POLICY}; script-src 'nonce-{nonce}'; connect-src 'self'"
        with self.lock:
            self.number += 1
            page = page.replace(policy_meta(), policy_meta(policy), 1).replace(
                "</body>", RELOAD % (nonce, self.number) + "</body>", 1)
            self.page, self.policy = page.encode(), policy

    def _page(self) -> str:
        # A fresh Project each time: it caches its settings, and edits must show too.
        project = Project(self.project.root)
        chosen = edition(project, load_brief(project, self.brief), self.reader)
        facts = load_facts(project.facts, project.theme / "fonts", project.settings.languages,
                           languages_read(project))
        document = compose(project, facts, chosen, language(chosen, self.lang),
                           build_date(project.settings.timezone))
        return html_writer.render(document, Theme(chosen.chain))

    def follow(self, changes: Iterator[set]) -> None:
        for changed in changes:
            if changed:
                self.rebuild()


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
        elif path == "/__build":
            self._send(str(preview.number).encode(), "text/plain", POLICY)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def _send(self, body: bytes, kind: str, policy: str):
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

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
                    debounce=200, rust_timeout=200, yield_on_timeout=True)
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
