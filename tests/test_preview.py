"""``briefings preview``: arguments checked before serving, every error shown in the page and
the terminal while the watcher keeps going, and only requests addressed to this machine."""

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import lxml.html
import pytest
import yaml

from briefings import glyphs
from briefings import preview as preview_module
from briefings.errors import BriefingError
from briefings.preview import Preview, start
from briefings.project import Project
from tests.conftest import ALPHA, ROOT, typed_in

SOURCES = "sources.md.j2"  # the theme's section every brief ends with


@pytest.fixture
def server(tiny):
    """The preview of brief alpha for the press in English, served from a thread on a free
    port."""
    server = start(tiny, ALPHA, "press", "en", 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def preview(tiny):
    """The preview of brief alpha for the press in English, not served; its workers are
    ended after the test."""
    made = Preview(tiny, ALPHA, "press", "en")
    yield made
    made.close()


def get(port: int, path: str = "/", host: str | None = "127.0.0.1") -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def edit(path, text: str, scratch) -> None:
    """Save as editors do, in one step, so the watcher sees one change and not a half file;
    the draft is written in ``scratch``, a folder it does not watch."""
    draft = scratch / "draft"
    draft.write_text(text, encoding="utf-8")
    os.replace(draft, path)


def events(port: int, after: int) -> http.client.HTTPResponse:
    """The page's event stream, as its script opens it on the page of build ``after``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", f"/__events?after={after}", headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream"
    return response


def next_build(stream: http.client.HTTPResponse) -> int:
    """The number the server sends when the next build is done (comments skipped)."""
    try:
        while not (line := stream.readline().decode()).startswith("data: "):
            assert line, "the event stream ended"
    except TimeoutError:
        raise AssertionError("the preview stopped rebuilding on save") from None
    return int(line.removeprefix("data: "))


def next_page(port: int, after: int) -> str:
    """The page of the first build after build number ``after``, as the page's script sees it:
    told on its event stream, then reloaded."""
    stream = events(port, after)
    try:
        assert next_build(stream) > after
    finally:
        stream.close()
    return get(port)[1]


def showing(server) -> int:
    """The number of the build the page shows now."""
    return int(re.search(r"/__events\?after=(\d+)", get(server.server_port)[1])[1])


def errors_in(page: str) -> list[str]:
    return re.findall(r"<code>(.*?)</code>", page, re.DOTALL)


def test_only_requests_addressed_to_this_machine_are_answered(server):
    port = server.server_port
    for host in ("127.0.0.1", f"127.0.0.1:{port}", f"localhost:{port}", "LocalHost",
                 f"[::1]:{port}"):
        status, page = get(port, host=host)
        assert status == 200 and '<html lang="en-GB">' in page, host
    # A page on evil.example whose name now points at 127.0.0.1 sends its own name.
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example",
                 "localhost.evil.example", f"localhost:{port}@evil.example", "", None):
        for path in ("/", "/__events", "/fonts/"):
            status, body = get(port, path, host)
            assert status == 403 and "__events" not in body, (host, path)


def test_the_preview_serves_the_page_the_build_writes_fonts_included(server, tmp_path):
    """The page served is the HTML file (less the script that reloads it), its fonts inside
    it: the preview shows the brief in its own font, as the file does."""
    from briefings.build import build
    page = get(server.server_port)[1]
    out = tmp_path / "out"
    build(server.preview.project, briefs=[ALPHA], readers=["press"], langs=["en"],
          formats=["html"], out=out)
    built = (out / ALPHA / "press" / f"{ALPHA}-press-en.html").read_text(encoding="utf-8")
    [policy] = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    page_policy = re.findall(r'http-equiv="Content-Security-Policy" content="[^"]*"', built)[0]
    served = re.sub(r'<script nonce="[^"]*">.*?</script>', "", page, flags=re.DOTALL)
    assert re.sub(r'http-equiv="Content-Security-Policy" content="[^"]*"', page_policy,
                  served) == built
    faces = re.findall(r"@font-face\s*\{[^}]*\}", page)
    assert len(faces) == 6 and all('url("data:font/woff;base64,' in face for face in faces)


def test_a_template_error_shows_in_page_and_terminal_and_the_fix_brings_the_brief_back(
        server, capsys):
    port, project = server.server_port, server.preview.project
    template = project.theme / "sections" / SOURCES
    original = template.read_text(encoding="utf-8")
    built = showing(server)
    capsys.readouterr()

    edit(template, original + "\n{{ 1/0 }}\n", project.root)
    page = next_page(port, built)
    assert "could not be built" in page and '<html lang="en-GB">' not in page
    [shown] = errors_in(page)
    assert "zero" in shown.lower()
    terminal = capsys.readouterr()
    assert terminal.err.splitlines() == [f"error: {shown}"]

    edit(template, original, project.root)
    page = next_page(port, built + 1)
    assert '<html lang="en-GB">' in page and "could not be built" not in page
    assert "fixed" in capsys.readouterr().out


def test_any_exception_is_one_line_in_page_and_terminal(preview, capsys, monkeypatch):

    def broken(*args):
        raise RuntimeError("a bug\nover two lines")

    real = preview_module.draft
    monkeypatch.setattr(preview_module, "draft", broken)
    preview.rebuild()
    assert errors_in(preview.page.decode()) == ["RuntimeError: a bug over two lines"]
    assert capsys.readouterr().err == "error: RuntimeError: a bug over two lines\n"
    monkeypatch.setattr(preview_module, "draft", real)
    preview.rebuild()
    page = preview.page.decode()
    assert '<html lang="en-GB">' in page and not errors_in(page)


def preview_command(*args: str, cwd) -> subprocess.CompletedProcess:
    """``briefings preview ARGS`` typed in ``cwd``, run in this process: these mistakes are
    found before it serves (the command as its own process is tested below)."""
    return typed_in(cwd, "preview", *args)


@pytest.mark.parametrize("args, problem", [
    (["--brief", "alpah", "--port", "0"], "unknown brief 'alpah' (did you mean 'alpha'?"),
    (["--brief", ALPHA, "--reader", "presss", "--port", "0"],
     "error: unknown reader 'presss' (did you mean 'press'?"),
    (["--brief", ALPHA, "--reader", "press", "--lang", "fr", "--port", "0"], "--lang fr"),
    (["--brief", ALPHA, "--lang", "xx", "--port", "0"], "--lang xx"),
    (["--brief", ALPHA, "--port", "99999"], "--port 99999 is not a port"),
    (["--brief", ALPHA, "--port", "-1"], "--port -1 is not a port"),
])
def test_wrong_arguments_are_one_line_before_serving(tiny, args, problem):
    result = preview_command(*args, cwd=tiny.root)
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ") and problem in line


def test_a_folder_that_is_not_a_project_is_named_not_waited_on(tmp_path):
    result = preview_command("--port", "0", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ") and "--project" in line
    (tmp_path / "templates").mkdir()
    with pytest.raises(BriefingError, match=r"^no facts/ folder in .*--project PATH$"):
        start(Project(tmp_path), ALPHA, "press", None, 0)


def test_with_two_briefs_the_one_to_show_is_named(tiny):
    result = preview_command("--port", "0", cwd=tiny.root)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == ("error: this project has 2 briefs: name one with --brief "
                             "(alpha, beta)\n")
    # Named, it is shown to its first reader (the first listed, not the first by name) in
    # their first language (the press reads English first).
    brief = tiny.briefs / ALPHA / "brief.yaml"
    spec = yaml.safe_load(brief.read_text(encoding="utf-8"))
    spec["readers"] = {"press": spec["readers"]["press"], "ministry": {}}
    brief.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False),
                     encoding="utf-8")
    server = start(tiny, ALPHA, None, None, 0)
    try:
        assert (server.preview.brief, server.preview.reader) == (ALPHA, "press")
        page = server.preview.page.decode()
        assert '<html lang="en-GB">' in page and "<title>The Strelsau lighthouse</title>" in page
    finally:
        server.server_close()


def test_a_busy_port_is_one_line(tiny):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = preview_command("--brief", ALPHA, "--port", str(port), cwd=tiny.root)
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ") and f"port {port} is already in use" in line


def test_the_command_serves_the_page_and_rebuilds_on_save(tiny):
    process = subprocess.Popen(
        [sys.executable, "-m", "briefings", "--project", str(tiny.root), "preview",
         "--brief", ALPHA, "--reader", "press", "--lang", "en", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/", process.stdout.readline())[0]

        def page():
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()

        assert "<html lang=\"en-GB\">" in page() and "/__events" in page()
        words = tiny.theme / "sections/en/sources.yaml"  # an edit of a section's words
        words.write_text(words.read_text().replace("title: Sources", "title: Sources consulted"))
        deadline = time.monotonic() + 30
        while "Sources consulted" not in page():
            assert time.monotonic() < deadline, "the edit was not served"
            time.sleep(0.2)
        template = tiny.theme / "sections" / SOURCES
        template.write_text(template.read_text() + "\n{{ fact('no.such') }}\n")
        while "could not be built" not in page():
            assert time.monotonic() < deadline + 30, "the error was not shown"
            time.sleep(0.2)
        assert SOURCES in page() and "unknown fact" in page()
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_the_preview_sends_the_page_s_policy_and_allows_only_its_own_script(server):
    """The page's Content-Security-Policy, as a header too, plus the reload script by a nonce
    of this build and its one request to /__events: no other script runs."""
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    try:
        connection.request("GET", "/", headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        page = response.read().decode()
    finally:
        connection.close()
    policy = response.getheader("Content-Security-Policy")
    assert policy.startswith("default-src 'none'; img-src data:; font-src data:;")
    assert 'content="%s"' % policy.replace("'", "&#39;") in page
    [nonce] = re.findall(r"script-src 'nonce-([^']+)'; connect-src 'self'$", policy)
    assert re.findall(r"<script([^>]*)>", page) == [f' nonce="{nonce}"']


def test_clients_that_never_read_do_not_stop_rebuilds_nor_print_tracebacks(server, tmp_path,
                                                                           capfd):
    """A hundred clients asking for the page and never reading it, then gone: the next edit
    is shown at once, and the broken connections print nothing."""
    clients = []
    for _ in range(100):
        client = socket.create_connection(("127.0.0.1", server.server_port))
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        clients.append(client)
    number = showing(server)
    sources = server.preview.project.templates / "theme/sections" / SOURCES
    edit(sources, sources.read_text(encoding="utf-8") + "\nIDLE-CLIENTS-EDIT\n", tmp_path)
    # Held up by the idle clients, the event stream would end at its timeout, failing here.
    assert "IDLE-CLIENTS-EDIT" in next_page(server.server_port, number)
    for client in clients:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
        client.close()  # reset: the server's write fails
    time.sleep(0.5)
    assert "Traceback" not in capfd.readouterr().err


def test_a_page_older_than_the_last_build_is_told_at_once(server):
    """The page's stream names the build it shows: a build done between the page's load and
    its stream's opening is sent at once, not missed until the next save."""
    stream = events(server.server_port, 0)
    try:
        assert next_build(stream) == showing(server) >= 1
    finally:
        stream.close()


def test_a_save_shows_this_version_at_once_then_the_brief_s_new_numbers(tiny, preview):
    """A rebuild shows the page composed alone, with the brief's source numbers as they
    were; when the edit renumbers the brief's sources (here the register's order), the page
    is made and shown again with the new numbers, as the build would print them."""
    preview.rebuild()
    assert preview.number == 1 and preview.numbers == {
        "gaceta-faro": 1, "tide-herald": 2, "guardiana-opinion": 3}  # the last: the ministry's
    preview.rebuild()  # nothing changed: one page, the numbers confirmed
    assert preview.number == 2

    register = tiny.facts / "sources.yaml"
    spec = yaml.safe_load(register.read_text(encoding="utf-8"))
    spec["sources"].insert(0, spec["sources"].pop(1))  # the Tide Herald first
    register.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    preview.rebuild()
    assert preview.number == 4 and preview.numbers == {
        "tide-herald": 1, "gaceta-faro": 2, "guardiana-opinion": 3}
    page = preview.page.decode()
    assert '<a href="#src-tide-herald">1</a>' in page
    assert 'id="src-tide-herald">[1] ' in page and 'id="src-gaceta-faro">[2] ' in page


def test_the_pages_are_made_by_one_worker_kept_from_save_to_save(tiny, preview):
    """One worker makes every page, keeping what it loaded for the next (the facts among
    them, by their content): a fact edited shows, even when its file keeps its size and
    its time."""
    preview.rebuild()
    assert "Council approved the new lighthouse" in preview.page.decode()
    worker = preview.pages.pid
    facts = tiny.facts / "harbour.yaml"
    held = facts.stat()
    facts.write_text(facts.read_text(encoding="utf-8").replace(
        "en: The Strelsau Port Council approved", "en: The Strelsau Port Council endorsed"),
        encoding="utf-8")
    os.utime(facts, ns=(held.st_atime_ns, held.st_mtime_ns))
    preview.rebuild()
    page = preview.page.decode()
    assert "Council endorsed the new lighthouse" in page
    assert "Council approved the new lighthouse" not in page
    assert preview.pages.pid == worker


def head(page: str) -> tuple[str, list[bytes]]:
    """What the page's script compares before putting a new page's body in place of its
    own: the language and the head's elements, but the policy (its nonce is new on every
    build)."""
    parsed = lxml.html.document_fromstring(page)
    return parsed.get("lang"), [lxml.html.tostring(element) for element in parsed.head
                                if element.get("http-equiv") is None]


def test_an_edit_of_words_keeps_the_head_a_new_character_changes_it(tiny, preview):
    """The page's script puts the new body in place, keeping the stylesheet and the fonts it
    has loaded, only when the new page's head is its own: so it is after an edit of words,
    and not after one that prints a character the page lacked (its fonts are cut anew)."""
    preview.rebuild()
    first = preview.page.decode()
    words = tiny.theme / "sections/en/sources.yaml"
    original = words.read_text(encoding="utf-8")
    edit(words, original.replace("title: Sources", "title: Sources seen"), tiny.root)
    preview.rebuild()
    second = preview.page.decode()
    assert "Sources seen" in second and "Sources seen" not in first
    assert head(second) == head(first)
    chars = glyphs.font_chars(tiny.theme / "fonts")
    new = next(c for c in "§¶µ¤þðæ" if ord(c) in chars and c not in first)
    edit(words, original.replace("title: Sources", f"title: Sources {new}"), tiny.root)
    preview.rebuild()
    third = preview.page.decode()
    assert f"Sources {new}" in third and head(third) != head(first)


def test_saves_in_a_row_each_show_at_once_and_the_numbers_wait_for_a_quiet_moment(
        preview, monkeypatch):
    """Each save shows its page at once; the brief's numbers are checked once the saves
    stop (the watcher's empty set after a quiet moment), not after each."""
    preview.rebuild()
    checked, check = [], Preview._renumbered
    monkeypatch.setattr(Preview, "_renumbered",
                        lambda self: checked.append(self.number) or check(self))
    preview.follow(iter([{"a save"}, {"another"}, set(), set()]))
    assert preview.number == 3 and checked == [3]
