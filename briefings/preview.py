"""``briefings preview``: the HTML form of one brief on 127.0.0.1, rebuilt on every save.

The page asks the server for the build number twice a second and reloads itself when it
changes; a build error replaces the page with the error, so nothing stale is ever shown."""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from markupsafe import escape

from briefings.audiences import load_audience
from briefings.compose import compose
from briefings.errors import BriefingError, BriefingErrors
from briefings.facts import load_facts
from briefings.project import Project, build_date
from briefings.writers import html as html_writer

RELOAD = """<script>
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

FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff2": "font/woff2"}


class Preview:
    """The latest page, rebuilt from the project's files on demand."""

    def __init__(self, project: Project, audience: str, lang: str | None):
        self.project, self.audience, self.lang = project, audience, lang
        self.page, self.number = "", 0
        self.lock = threading.Lock()

    def rebuild(self) -> None:
        try:
            audience = load_audience(self.project, self.audience)
            lang = self.lang or audience.profile.languages[0]
            document = compose(self.project, load_facts(self.project.facts), audience, lang,
                               build_date())
            page = html_writer.render(document, self.project.base)
        except BriefingError as exc:
            errors = exc.errors if isinstance(exc, BriefingErrors) else [exc]
            page = ERROR_PAGE % "".join(f"<code>{escape(str(e))}</code>" for e in errors)
        with self.lock:
            self.number += 1
            self.page = page.replace("</body>", RELOAD % self.number + "</body>", 1)

    def watch(self, ready: threading.Event, stop: threading.Event) -> None:
        """Rebuild on every change; ``ready`` is set once the file watcher is running (its
        first empty yield), so no edit made after start-up can be missed."""
        from watchfiles import watch
        for changes in watch(self.project.facts, self.project.templates, stop_event=stop,
                             debounce=200, rust_timeout=200, yield_on_timeout=True):
            if changes:
                self.rebuild()
            ready.set()


def _handler(preview: Preview):
    fonts = (preview.project.base / "fonts").resolve()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path == "/":
                with preview.lock:
                    self._send(preview.page.encode(), "text/html; charset=utf-8")
            elif path == "/__build":
                self._send(str(preview.number).encode(), "text/plain")
            elif path.startswith("/fonts/"):
                font = (fonts / path.removeprefix("/fonts/")).resolve()
                if font.parent == fonts and font.suffix in FONT_TYPES and font.is_file():
                    self._send(font.read_bytes(), FONT_TYPES[font.suffix])
                else:
                    self.send_error(HTTPStatus.NOT_FOUND)
            else:
                self.send_error(HTTPStatus.NOT_FOUND)

        def _send(self, body: bytes, kind: str):
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # one line per request would drown the useful output
            pass

    return Handler


def serve(project: Project, audience: str, lang: str | None, port: int) -> None:
    preview = Preview(project, audience, lang)
    ready, stop = threading.Event(), threading.Event()
    threading.Thread(target=preview.watch, args=(ready, stop), daemon=True).start()
    ready.wait()
    preview.rebuild()
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(preview))
    print(f"Preview of '{audience}' at http://127.0.0.1:{server.server_port}/ "
          "(rebuilt when facts/ or templates/ change; Ctrl-C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
