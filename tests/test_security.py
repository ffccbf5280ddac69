"""Templates and facts cannot make a build reach the network or read outside the project."""

import socket

import pytest

from briefings.build import build
from briefings.errors import BriefingError


def add_image(project, url):
    template = project.base / "sections/en/summary.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + f"\n\n![map]({url})\n",
                        encoding="utf-8")


def test_an_image_on_the_network_is_never_fetched(project, tmp_path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/map.png"
        add_image(project, url)
        with pytest.raises(BriefingError, match=f"refused to load {url}"):
            build(project, langs=["en"], formats=["pdf"], out=tmp_path / "out")
        with pytest.raises(BlockingIOError):
            server.accept()  # nobody connected
    # no output written (only the figures' cache, which holds drawings of the facts)
    assert not (tmp_path / "out" / "cancilleria").exists()
    assert not (tmp_path / "out" / "manifest.json").exists()


@pytest.mark.parametrize("where", ["absolute", "relative"])
def test_a_file_outside_the_project_is_never_read(project, tmp_path, where):
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
                      '<text x="0" y="20">SECRET-TOKEN</text></svg>')
    url = secret.as_uri() if where == "absolute" else "../../secret.svg"
    add_image(project, url)
    with pytest.raises(BriefingError, match=f"refused to load file://{secret}"):
        build(project, langs=["en"], formats=["pdf"], out=tmp_path / "out")


def test_etc_passwd_is_refused(project, tmp_path):
    add_image(project, "/etc/passwd")
    with pytest.raises(BriefingError, match="refused to load file:///etc/passwd"):
        build(project, langs=["en"], formats=["pdf"], out=tmp_path / "out")


def test_templates_cannot_include_files_outside_the_templates(project, tmp_path):
    template = project.base / "sections/en/summary.md.j2"
    template.write_text('{% include "../../../facts/sources.yaml" %}\n'
                        + template.read_text(encoding="utf-8"))
    with pytest.raises(BriefingError, match="summary.md.j2:1: template not found: ../../../facts/sources.yaml"):
        build(project, langs=["en"], formats=["html"], out=tmp_path / "out")
