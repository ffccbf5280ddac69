"""`make bench`: how fast the build is, measured against the rendering engine's floor and
against pandoc, as ratios taken in one run (absolute seconds vary on a shared machine).

Writes build/bench.json and prints a table. Every figure is the median of RUNS runs. The
two sides of a ratio are measured turn about, run by run, so that a machine which slows
down or speeds up during the benchmark moves both alike."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import preview_step  # beside this file

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def median_time(action, runs: int = RUNS) -> float:
    return statistics.median(timed(action) for _ in range(runs))


def median_times(action, runs: int = RUNS) -> tuple[float, float]:
    """The median wall time of ``action`` and the median CPU time (user + system) of the
    processes it ran: on a loaded machine the second says more."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls.append(timed(action))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def briefings(*args: str) -> str:
    return subprocess.run([str(BIN / "briefings"), *args], cwd=ROOT, env=ENV, check=True,
                          capture_output=True, text=True).stdout


def documents():
    """Every brief × reader × language the build makes, composed here once, with the
    Markdown its templates produced (captured on its way to Python-Markdown, for pandoc)."""
    from briefings import compose
    from briefings.compose import versions
    from briefings.briefs import editions, load_brief
    from briefings.document import Theme
    from briefings.facts import load_facts
    from briefings.dates import build_date
    from briefings.project import Project
    project = Project(ROOT)
    facts = load_facts(project.facts, project.theme / "fonts", project.settings.languages)
    # patched where compose looks it up (versions), or pandoc would be given empty pages
    to_tree, captured = versions.markdown_to_section, []

    def capture(converter, text, *args):
        captured.append(text)
        return to_tree(converter, text, *args)

    versions.markdown_to_section = capture
    try:
        for brief_id in project.brief_ids():
            for edition in editions(project, load_brief(project, brief_id)):
                for lang in edition.languages:
                    captured.clear()
                    document = compose.compose(project, facts, edition, lang,
                                               build_date(project.settings.timezone))
                    # compose drafts every version first (the brief's source numbers):
                    # the document's own Markdown is its sections', the last captured
                    own = captured[-len(edition.sections):]
                    if len(own) != len(edition.sections):
                        raise SystemExit("bench: no Markdown captured for pandoc")
                    yield Theme(edition.chain), edition, lang, document, "\n\n".join(own)
    finally:
        versions.markdown_to_section = to_tree


def engine_floor(docs, workers: int):
    """One run of the floor: the same pages rendered by bare WeasyPrint in this warm
    process, plus python-docx saving the same DOCX files, divided by the build's worker
    count."""
    import docx
    from weasyprint import HTML

    from briefings.writers import html as html_writer
    from briefings.writers.pdf import print_tree
    pages = [(html_writer.render(d, theme, body=print_tree(d.body)), theme.base)
             for theme, _, _, d, _ in docs]
    HTML(string=pages[0][0], base_url=str(pages[0][1]) + "/").write_pdf()  # warm up
    built = sorted((ROOT / "build").rglob("*.docx"))

    def render_all():
        for page, base in pages:
            HTML(string=page, base_url=str(base) + "/").write_pdf()
        for path in built:
            docx.Document(str(path)).save(io.BytesIO())
    return lambda: timed(render_all) / workers


def in_build_seconds(out: str) -> dict[str, float]:
    """One run: each file's time inside a build of the whole matrix (composing its document
    plus writing the file). One worker, so that like pandoc each file has a core to itself;
    that worker makes every document, so it draws each figure once (pandoc is given none
    to draw) and parses each stylesheet once, as a build's workers do."""
    return json.loads(subprocess.run([sys.executable, __file__, "--per-file", out], cwd=ROOT,
                                     env=ENV, check=True, capture_output=True,
                                     text=True).stdout)


def per_file(out: str) -> None:
    from briefings.build import build
    from briefings.project import Project
    report = build(Project(ROOT), out=Path(out), force=True, jobs=1)
    print(json.dumps({path.name: seconds for path, seconds in report.seconds.items()}))


def peer_ratios(docs) -> tuple[dict, dict, dict]:
    """Per file: our time ÷ pandoc's for the same Markdown (pandoc → WeasyPrint for PDF,
    plain pandoc for DOCX). Ours is taken inside the matrix build (what `make brief` spends
    on the file) and as a fresh process building that file alone (which adds the imports:
    WeasyPrint alone takes about 1 s to import)."""
    import pypandoc
    pandoc = pypandoc.get_pandoc_path()
    css = ROOT / "templates/theme/brief.css"
    ours, alone, theirs = {}, {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "ours")
        briefings("build", "--out", out)  # so that each file alone is a rebuild
        for _, _, _, document, markdown in docs:
            (Path(tmp) / f"{document.meta.stem}.md").write_text(markdown, encoding="utf-8")
        for _ in range(RUNS):
            for name, seconds in in_build_seconds(out).items():
                ours.setdefault(name, []).append(seconds)
            for _, edition, lang, document, _ in docs:
                for fmt in ("pdf", "docx"):
                    name = f"{document.meta.stem}.{fmt}"
                    alone.setdefault(name, []).append(timed(lambda: briefings(
                        "build", "--force", "--jobs", "1", "--brief", edition.brief.id,
                        "--reader", edition.reader, "--lang", lang, "--format", fmt,
                        "--out", out)))
                    extra = ["--pdf-engine=weasyprint", f"--css={css}"] if fmt == "pdf" else []
                    theirs.setdefault(name, []).append(timed(lambda: subprocess.run(
                        [pandoc, str(Path(tmp) / f"{document.meta.stem}.md"), "-s",
                         "--metadata", f"title={document.meta.title}",
                         "-o", str(Path(tmp) / f"peer.{fmt}"), *extra],
                        check=True, env=ENV, capture_output=True)))
    median = {name: statistics.median(times) for name, times in ours.items()}
    pandoc_s = {name: statistics.median(times) for name, times in theirs.items()}
    return ({name: round(median[name] / pandoc_s[name], 2) for name in pandoc_s},
            {name: round(statistics.median(alone[name]) / pandoc_s[name], 2)
             for name in pandoc_s},
            {name: round(median[name], 2) for name in pandoc_s})


def peak_worker_memory_mb() -> float:
    """Resident peak of a process building the largest document alone, read by a process
    of its own: this one's children include every earlier build (``--per-file``'s one
    worker made every document)."""
    with tempfile.TemporaryDirectory() as tmp:
        peak = subprocess.run(
            [sys.executable, "-c", "import resource, subprocess, sys; subprocess.run("
             "sys.argv[1:], check=True, capture_output=True); print(resource.getrusage("
             "resource.RUSAGE_CHILDREN).ru_maxrss)", str(BIN / "briefings"), "build",
             "--force", "--jobs", "1", "--brief", "peru-mnna", "--reader", "cancilleria",
             "--lang", "es", "--format", "pdf", "--out", tmp],
            cwd=ROOT, env=ENV, check=True, capture_output=True, text=True).stdout
    return round(int(peak) / 1024, 1)


SCALE_BRIEFS, SCALE_WITH_WORKS = 50, 5
# A fact only the full edition of the briefs with the works section prints (harbour.rotation),
# in a file every brief reads (harbour.yaml): edited, only their documents are due.
EDIT = ("The lighthouse keepers will rotate", "The keepers of the lighthouse will rotate")


def scale_project(folder: Path) -> Path:
    """The fixture project grown to SCALE_BRIEFS briefs × 4 readers × 2 languages: brief
    'alpha' copied, each copy for the fixture's two readers and a copy of each, the first
    SCALE_WITH_WORKS with its works section."""
    project = folder / "project"
    shutil.copytree(ROOT / "tests/fixtures/project", project)
    shutil.copytree(ROOT / "templates/theme", project / "templates/theme")
    readers = project / "templates/readers"
    for name in ("ministry", "press"):
        shutil.copy(readers / f"{name}.yaml", readers / f"{name}-b.yaml")
    briefs = project / "templates/briefs"
    alpha = briefs / "alpha"
    text = (alpha / "brief.yaml").read_text(encoding="utf-8")
    for n in range(1, SCALE_BRIEFS + 1):
        copy = briefs / f"brief-{n:02d}"
        shutil.copytree(alpha, copy)
        shutil.copytree(copy / "readers/press", copy / "readers/press-b")
        sections = "summary, works, outlook, sources" if n <= SCALE_WITH_WORKS \
            else "summary, outlook, sources"
        (copy / "brief.yaml").write_text(
            text.replace("sections: [summary, works, outlook, sources]",
                         f"sections: [{sections}]")
            .replace("  press:\n", "  ministry-b: {}\n  press:\n")
            + "  press-b:\n    sections: [summary, sources]\n    length: short\n",
            encoding="utf-8")
    shutil.rmtree(alpha)
    shutil.rmtree(briefs / "beta")
    return project


def scale(runs: int) -> dict:
    """The scale step: on the generated project (web pages only, so that building it all
    takes a minute, not an hour), `list` and a build with nothing to do, then one fact
    edited and the build that follows: how many documents it made, and in what time."""
    def run(project: Path, *args: str) -> str:
        done = subprocess.run([str(BIN / "briefings"), "--project", str(project), *args],
                              env=ENV, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"briefings {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout
    with tempfile.TemporaryDirectory() as tmp:
        project = scale_project(Path(tmp))
        versions = len(run(project, "list").splitlines())
        started = time.perf_counter()
        run(project, "build", "--format", "html")
        cold = time.perf_counter() - started
        listed, listed_cpu = median_times(lambda: run(project, "list"), runs)
        noop, noop_cpu = median_times(lambda: run(project, "build", "--format", "html"), runs)
        facts = project / "facts/harbour.yaml"
        facts.write_text(facts.read_text(encoding="utf-8").replace(*EDIT), encoding="utf-8")
        started = time.perf_counter()
        message = run(project, "build", "--format", "html")
        one_fact = time.perf_counter() - started
    built = re.search(r"built (\d+) files", message)
    return {"briefs": SCALE_BRIEFS, "readers": 4, "languages": 2, "list_lines": versions,
            "cold_html_s": round(cold, 2), "list_s": round(listed, 3), "noop_s": round(noop, 3),
            "list_cpu_s": round(listed_cpu, 3), "noop_cpu_s": round(noop_cpu, 3),
            "one_fact_s": round(one_fact, 2), "one_fact_rebuilt": int(built[1]) if built else 0,
            "one_fact_print_it": SCALE_WITH_WORKS * 2 * 2}


def main() -> None:
    from briefings.outputs import file_sha256
    out = ROOT / "build"
    workers = os.cpu_count() or 1
    briefings("build")  # bring build/ up to date for the no-op and the DOCX floor
    docs = list(documents())
    floor_run = engine_floor(docs, workers)
    matrix, floor, identical = [], [], True
    built = {e["path"]: e["sha256"] for e in
             json.loads((out / "manifest.json").read_text())["outputs"]}
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            matrix.append(timed(lambda: briefings("build", "--force", "--out", tmp)))
            # the same inputs on the same day: the same bytes as build/ holds
            identical &= all(file_sha256(Path(tmp) / path) == sha
                             for path, sha in built.items())
        floor.append(floor_run())
    matrix_cold, floor = statistics.median(matrix), statistics.median(floor)
    noop = median_time(lambda: subprocess.run(["make", "-s", "brief"], cwd=ROOT, env=ENV,
                                              check=True, capture_output=True))

    profile = ROOT / "templates/readers/cancilleria.yaml"
    original = profile.read_bytes()
    profile.write_bytes(original + b"\n# touched by make bench\n")
    try:
        started = time.perf_counter()
        message = briefings("build")
        one_template = time.perf_counter() - started
    finally:
        profile.write_bytes(original)
        briefings("build")
    rebuilt = int(re.search(r"built (\d+) files", message)[1])

    manifest = json.loads((out / "manifest.json").read_text())["outputs"]
    ratios, fresh, in_build = peer_ratios(docs)
    results = {
        "machine": f"{platform.node()} · {platform.processor() or platform.machine()} · "
                   f"{workers} cores · Python {platform.python_version()}",
        "date": dt.date.today().isoformat(),
        "runs": RUNS,
        "workers": workers,
        "documents": len(manifest),
        "outputs_identical": identical,
        "matrix_cold_s": round(matrix_cold, 2),
        "engine_floor_s": round(floor, 2),
        "overhead_ratio": round(matrix_cold / floor, 2),
        "noop_s": round(noop, 3),
        "one_template_s": round(one_template, 2),
        "one_template_rebuilt": rebuilt,
        "seconds_in_build": in_build,
        "peer_pandoc_ratio": ratios,
        "peer_pandoc_ratio_fresh_process": fresh,
        "pdf_bytes": {e["path"]: e["bytes"] for e in manifest if e["format"] == "pdf"},
        "peak_worker_mb": peak_worker_memory_mb(),
        "preview": preview_step.preview_seconds(RUNS),  # None without Chromium
        "scale": scale(RUNS) if "--no-scale" not in sys.argv else None,
    }
    (out / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))


def spread(ratios: dict[str, float], fmt: str) -> str:
    values = [v for k, v in ratios.items() if k.endswith(f".{fmt}")]
    return f"{min(values)}–{max(values)}"


def table(r: dict) -> str:
    rows = [("machine", r["machine"]), ("documents (brief × reader × language × format)",
            r["documents"]), ("outputs byte-identical to build/'s", r["outputs_identical"]),
            ("matrix_cold_s (fresh process, empty cache)", r["matrix_cold_s"]),
            ("engine_floor_s (bare WeasyPrint + DOCX saves ÷ workers)", r["engine_floor_s"]),
            ("overhead_ratio (goal ≤ 1.2)", r["overhead_ratio"]),
            ("noop_s: make brief, nothing changed (goal ≤ 0.3)", r["noop_s"]),
            ("one_template_s (documents rebuilt)",
             f"{r['one_template_s']} ({r['one_template_rebuilt']})"),
            ("peer_pandoc_ratio PDF, per file (goal < 1)", spread(r["peer_pandoc_ratio"], "pdf")),
            ("peer_pandoc_ratio DOCX, per file (goal ≤ 1)",
             spread(r["peer_pandoc_ratio"], "docx")),
            ("… each file built by a fresh process, PDF",
             spread(r["peer_pandoc_ratio_fresh_process"], "pdf")),
            ("… each file built by a fresh process, DOCX (goal ≤ 2)",
             spread(r["peer_pandoc_ratio_fresh_process"], "docx")),
            ("largest PDF, bytes (goal ≤ 150 KB)", max(r["pdf_bytes"].values())),
            ("peak memory of one worker, MB (goal ≤ 150)", r["peak_worker_mb"]),
            ("preview: save → Chromium shows it, s (goal ≤ 0.3)",
             r["preview"]["median_s"] if r["preview"] else "not measured: no Chromium")]
    if r["scale"]:
        rows += [
            ("scale: briefs × readers × languages (web pages)",
             f"{r['scale']['briefs']} × {r['scale']['readers']} × {r['scale']['languages']}"),
            ("scale: list, s (CPU s) (goal ≤ 1)",
             f"{r['scale']['list_s']} ({r['scale']['list_cpu_s']})"),
            ("scale: build with nothing to do, s (CPU s) (goal ≤ 1)",
             f"{r['scale']['noop_s']} ({r['scale']['noop_cpu_s']})"),
            ("scale: one fact edited, documents rebuilt (of those printing it)",
             f"{r['scale']['one_fact_rebuilt']} ({r['scale']['one_fact_print_it']}) in "
             f"{r['scale']['one_fact_s']} s")]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"| {k:<{width}} | {v} |" for k, v in rows)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--per-file"]:
        per_file(sys.argv[2])
    elif sys.argv[1:2] == ["--scale"]:  # the scale step alone
        print(json.dumps(scale(RUNS), indent=2))
    else:
        main()
