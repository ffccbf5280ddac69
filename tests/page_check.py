"""Every built web page checked with the real tools (make page-check): the Nu Html Checker
(HTML and CSS errors), and axe-core in Chromium at a desktop and a phone width (violations,
and the smallest word of a figure, which must be at least 11 px on a 390 px screen). One line
per finding; exit status 1 if there is any.

    python tests/page_check.py NODE_MODULES PAGE.html...

NODE_MODULES holds the npm packages vnu-jar and axe-core; Java, Chromium and chromedriver
come from the system."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

WIDTHS = (1280, 390)  # a desktop and a phone, in CSS px
PHONE, MIN_TEXT_PX = 390, 11
FINDINGS = """
const done = arguments[0];
const sizes = [...document.querySelectorAll("figure svg text")].map(text => {
  const m = text.getScreenCTM();
  return parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
});
axe.run(document).then(result => done({
  violations: result.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.length} `
    + `element(s), first ${v.nodes[0].target.join(" ")}`),
  smallest: sizes.length ? Math.min(...sizes) : null}));
"""


def nu_checker(jar: Path, pages: list[str]) -> list[str]:
    run = subprocess.run(["java", "-jar", str(jar), "--also-check-css", "--errors-only",
                          "--format", "gnu", *pages], capture_output=True, text=True)
    return run.stderr.splitlines()


def axe(script: str, pages: list[str]) -> list[str]:
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(120)
    found = []
    try:
        for width in WIDTHS:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": 900, "deviceScaleFactor": 1,
                "mobile": width == PHONE})
            for page in pages:
                driver.get(Path(page).resolve().as_uri())
                driver.execute_script(script)  # the page's policy blocks scripts it holds
                result = driver.execute_async_script(FINDINGS)
                found += [f"{page} at {width} px: axe-core: {v}" for v in result["violations"]]
                smallest = result["smallest"]
                if width == PHONE and smallest is not None \
                        and round(smallest, 2) < MIN_TEXT_PX:
                    found.append(f"{page} at {width} px: a figure's words are "
                                 f"{smallest:.1f} px (at least {MIN_TEXT_PX})")
    finally:
        driver.quit()
    return found


def main(node_modules: str, *pages: str) -> int:
    modules = Path(node_modules)
    found = nu_checker(modules / "vnu-jar/build/dist/vnu.jar", list(pages))
    found += axe((modules / "axe-core/axe.min.js").read_text(encoding="utf-8"), list(pages))
    print("\n".join(found) if found else
          f"{len(pages)} pages: no Nu Html Checker error, no axe-core violation, "
          f"figure words at least {MIN_TEXT_PX} px at {PHONE} px")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
