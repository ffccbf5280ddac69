"""`make bench`'s preview step: from saving a file to a real Chromium showing it, through
`briefings preview` as an analyst runs it (its own process, on a copy of the project).

The edit is the common one: a section's words (the Peru brief's summary title, for the
Foreign Ministry, in Spanish). The time runs from the moment the file is replaced, as an
editor saves, to the moment the page in the browser holds the new words."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BRIEF, READER, LANG = "peru-mnna", "cancilleria", "es"
WORDS = Path("templates/briefs") / BRIEF / "sections" / LANG / "summary.yaml"
TITLE = re.compile(r"^title: (.*)$", re.M)
SETTLE = 5.0  # seconds after each save: the preview checks the numbers when saves stop
POLL = 0.005


def browser():
    """Headless Chromium driven by chromedriver (as `make page-check` does), or None."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        return None
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def shows(driver, words: str) -> bool:
    return driver.execute_script(
        "return !!document.body && document.body.textContent.includes(arguments[0])", words)


def preview_seconds(runs: int) -> dict | None:
    """The median and each run's seconds from save to shown, or None without Chromium."""
    driver = browser()
    if driver is None:
        print("preview step skipped: it needs chromium and chromedriver "
              "(apt-get install chromium chromium-driver)", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        for folder in ("facts", "templates"):
            shutil.copytree(ROOT / folder, project / folder)
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "briefings"), "--project", str(project),
             "preview", "--brief", BRIEF, "--reader", READER, "--lang", LANG, "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            url = re.search(r"http://127\.0\.0\.1:\d+/", server.stdout.readline())[0]
            driver.get(url)
            time.sleep(SETTLE)
            words = project / WORDS
            original = words.read_text(encoding="utf-8")
            title = TITLE.search(original)[1]
            seconds = []
            for run in range(runs):
                marked = f"{title} ({chr(ord('a') + run)}{chr(ord('a') + run)})"
                draft = Path(tmp) / "draft"
                draft.write_text(TITLE.sub(f"title: {marked}", original, count=1),
                                 encoding="utf-8")
                started = time.perf_counter()
                os.replace(draft, words)  # saved, as editors do
                while not shows(driver, marked):
                    if time.perf_counter() - started > 60:
                        raise RuntimeError("the preview did not show the edit within 60 s")
                    time.sleep(POLL)
                seconds.append(time.perf_counter() - started)
                time.sleep(SETTLE)
        finally:
            driver.quit()
            server.terminate()
            server.wait(timeout=10)
    return {"median_s": round(statistics.median(seconds), 3),
            "runs_s": [round(s, 3) for s in seconds]}


if __name__ == "__main__":
    print(preview_seconds(int(os.environ.get("BENCH_RUNS", "5"))))
