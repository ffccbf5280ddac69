"""Same inputs, same day, same bytes: two builds in separate processes give identical
files; the day is the one in the brief's own time zone."""

import datetime as dt
import json
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from briefings import i18n
from briefings.build import build
from briefings.errors import BriefingError
from briefings.dates import build_date
from tests.conftest import ALPHA, ROOT, copy_tiny

UNPINNED = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}


def today_in(zone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(zone)).date()


def build_in_a_new_process(project, out, seed):
    """As ``make brief`` runs it: no SOURCE_DATE_EPOCH."""
    env = {**UNPINNED, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "briefings", "--project", str(project.root), "build",
                    "--brief", ALPHA, "--reader", "ministry", "--out", str(out)], check=True,
                   env=env,
                   capture_output=True)
    return {e["path"]: e["sha256"]
            for e in json.loads((out / "manifest.json").read_text())["outputs"]}


def test_two_builds_on_one_day_are_byte_identical(tmp_path):
    project = copy_tiny(tmp_path / "project")
    day = today_in("America/Lima")
    first = build_in_a_new_process(project, tmp_path / "a", "1")
    second = build_in_a_new_process(project, tmp_path / "b", "2")
    if today_in("America/Lima") != day:
        pytest.skip("the day changed in Lima between the two builds")
    assert len(first) == 6 and first == second  # es and en × pdf, docx and html


def test_fonts_subset_by_fonttools_are_stamped_with_the_day(tiny, tmp_path, monkeypatch):
    """Without HarfBuzz-Subset, WeasyPrint subsets fonts with fontTools, which stamps each
    with the time unless SOURCE_DATE_EPOCH is set: the build sets it to its day."""
    import weasyprint.pdf.fonts
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    day = today_in("America/Lima")
    for out in ("a", "b"):
        build(tiny, briefs=[ALPHA], readers=["press"], formats=["pdf"], langs=["es"],
              out=tmp_path / out, jobs=1)
    if today_in("America/Lima") != day:
        pytest.skip("the day changed in Lima between the two builds")
    pdf = f"{ALPHA}/press/{ALPHA}-press-es.pdf"
    assert (tmp_path / "a" / pdf).read_bytes() == (tmp_path / "b" / pdf).read_bytes()
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_a_pinned_date_is_the_day_in_the_brief_s_time_zone(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")  # 2026-11-23 00:00 UTC
    assert build_date("America/Lima") == dt.date(2026, 11, 22)
    assert build_date("UTC") == dt.date(2026, 11, 23)


def test_the_build_dates_the_brief_by_the_day_in_its_time_zone(tiny, tmp_path):
    """Whatever the machine's zone: here 26 hours ahead of the brief's, another day."""
    settings = tiny.templates / "project.yaml"
    settings.write_text(settings.read_text().replace("America/Lima", "Etc/GMT+12"))
    day = today_in("Etc/GMT+12")
    subprocess.run([sys.executable, "-m", "briefings", "--project", str(tiny.root),
                    "build", "--reader", "press", "--format", "html", "--lang", "es",
                    "--out", str(tmp_path / "out")],
                   check=True, capture_output=True,
                   env={**UNPINNED, "PYTHONPATH": str(ROOT), "TZ": "Etc/GMT-14"})
    if today_in("Etc/GMT+12") != day:
        pytest.skip("the day changed during the build")
    page = (tmp_path / f"out/{ALPHA}/press/{ALPHA}-press-es.html").read_text()
    locale = tiny.settings.locale("es")
    assert i18n.date(day, locale) in page
    for ahead in (1, 2):  # the machine's day
        assert i18n.date(day + dt.timedelta(days=ahead), locale) not in page


def test_make_leaves_the_day_to_the_briefings_command():
    result = subprocess.run(["make", "-s", "--no-print-directory", "--eval",
                             'epoch: ; @echo "[$$SOURCE_DATE_EPOCH]"', "epoch"],
                            cwd=ROOT, env=UNPINNED, capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


def test_an_output_folder_that_cannot_be_written(tiny, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    with pytest.raises(BriefingError) as excinfo:
        build(tiny, formats=["html"], langs=["es"], out=blocker / "build")
    assert str(excinfo.value) == (f"{blocker / 'build'}: cannot write the output folder "
                                  "(Not a directory)")
    assert blocker.read_text() == "a file where the output folder should be"
