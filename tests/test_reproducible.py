"""Same inputs, same bytes: two builds in separate processes give identical files."""

import json
import os
import subprocess
import sys

import pytest

from briefings.build import build
from briefings.errors import BriefingError
from tests.conftest import ROOT


def build_in_a_new_process(out, seed):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1795392000",
           "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "briefings", "--project", str(ROOT), "build",
                    "--audience", "cancilleria", "--out", str(out)], check=True, env=env,
                   capture_output=True)
    return {e["path"]: e["sha256"]
            for e in json.loads((out / "manifest.json").read_text())["outputs"]}


def test_two_builds_are_byte_identical(tmp_path):
    first = build_in_a_new_process(tmp_path / "a", "1")
    second = build_in_a_new_process(tmp_path / "b", "2")
    assert len(first) == 4 and first == second


def test_an_output_folder_that_cannot_be_written(project, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    with pytest.raises(BriefingError) as excinfo:
        build(project, formats=["html"], langs=["es"], out=blocker / "build")
    # the first folder the build writes in (the figures' cache, or the audience's folder)
    assert str(excinfo.value).startswith(f"{blocker / 'build'}/")
    assert ": cannot write the output folder (Not a directory" in str(excinfo.value)
    assert blocker.read_text() == "a file where the output folder should be"
