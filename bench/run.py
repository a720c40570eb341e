"""Benchmark: `make bench`. Prints a Markdown report with every ratio next to its target (bench/RESULTS.md).

All builds run as whole processes (imports count, as they do for a maintainer), without Quarto
(``--no-render``) unless a line says otherwise; medians of ``BENCH_REPEATS`` runs (3) for the real package,
one run for the synthetic ones (``bench/generate.py``, 100 and 1,000 indicators × 10 editions × 4 groups).
"Cold": no cache (charts, specifications, workbooks); "warm": the cache of the previous build, ``--force``.
Memory is the peak resident size of the largest process of the run. ``BENCH_SIZES="100"`` (or ``""``)
measures fewer synthetic packages, for a quick look. The unavoidable work is a bare Python
that imports the libraries and renders the same Vega-Lite specifications to SVG and PNG, one after the
other, on one core. Timings here are never assertions; the tests prove behaviour, this measures it.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

MONITOR = [sys.executable, "-m", "pipeline.cli"]
# Runs a command, then prints its wall time and the peak memory (kB) of its largest process.
MEASURE = ("import resource, subprocess, sys, time; start = time.perf_counter(); "
           "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
           "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
# One process imports the libraries once and renders every specification of both languages, each in its
# phone and its wide drawing (the site shows both), as a build on one core at least must (two processes
# would count the imports twice and overstate the floor).
BARE = ("import sys, json, pathlib, pandas, pyarrow, frictionless, vl_convert as vlc\n"
        "from pipeline.stages.charts import widened\n"
        "for job in sys.argv[1:]:\n"
        "    locale, path = job.split('=', 1)\n"
        "    spec = json.loads(pathlib.Path(path).read_text(encoding='utf-8'))\n"
        "    for drawing in (spec, widened(spec)):\n"
        "        vlc.vegalite_to_svg(drawing, format_locale=locale)\n"
        "        vlc.vegalite_to_png(drawing, scale=2, format_locale=locale)\n")
CORES = os.cpu_count() or 1
FLOOR = "import frictionless, pandas, pyarrow, xlsxwriter, yaml, vl_convert, jinja2"


def run(command: list, env: dict | None = None) -> tuple[float, float]:
    """Seconds and peak megabytes of one run of ``command``."""
    result = subprocess.run([sys.executable, "-c", MEASURE, *map(str, command)], check=True, cwd=ROOT,
                            capture_output=True, text=True, env=env)
    seconds, kilobytes = result.stdout.split()
    return float(seconds), int(kilobytes) / 1024


def median(command: list, repeats: int, env: dict | None = None, before=None) -> tuple[float, float]:
    results = []
    for _ in range(repeats):
        if before:
            before()
        results.append(run(command, env))
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def build(package: Path, out: Path, cache: Path, repeats: int, cold: bool) -> tuple[float, float]:
    env = {**os.environ, "MONITOR_CACHE": str(cache)}
    command = [*MONITOR, "build", "--package", package, "--out", out, "--force", "--no-render"]
    return median(command, repeats, env, before=(lambda: shutil.rmtree(cache, ignore_errors=True)) if cold else None)


def bare(out: Path, repeats: int, sample: int | None = None) -> tuple[float, int]:
    """The unavoidable work for the specifications a build wrote (Dutch and English), and how many."""
    specs = sorted((out / "charts").glob("*/*.vl.json"))
    locales = {"nl": "nl-NL", "en": "en-US"}
    step = max(1, len(specs) // sample) if sample else 1  # an even spread: the big charts sort first
    chosen = specs[::step]
    seconds = median([sys.executable, "-c", BARE, *(f"{locales[p.parent.name]}={p}" for p in chosen)], repeats)[0]
    if len(chosen) == len(specs):
        return seconds, len(specs)
    imports = median([sys.executable, "-c", BARE], repeats)[0]  # counted once, not once per sampled share
    return imports + (seconds - imports) * (len(specs) / len(chosen)), len(specs)


def render_times(package: Path, tmp: Path) -> tuple[float, float, int, int] | None:
    """Quarto: the render stage of a full build, and of a build after one changed figure (incremental)."""
    if shutil.which("quarto") is None:
        return None
    full, changed, copy = tmp / "render-full", tmp / "render-changed", tmp / "render-pkg"
    shutil.copytree(package.parent / "data", copy / "data")
    shutil.copy(package, copy / "datapackage.json")
    results = copy / "data" / "results.csv"
    with results.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["value"] = str(float(rows[0]["value"]) + 1)  # one changed figure
    with results.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    def stage(out: Path, pkg: Path) -> tuple[float, str]:
        log = subprocess.run([*MONITOR, "build", "--package", pkg, "--out", out, "--force"], check=True, cwd=ROOT,
                             capture_output=True, text=True).stdout
        return float(re.search(r"render\s+([\d.]+) s", log).group(1)), log

    first, log = stage(full, package)
    pages = len(json.loads((full / "site-pages.json").read_text(encoding="utf-8")))
    shutil.copytree(full, changed)
    again, log = stage(changed, copy / "datapackage.json")
    rerendered = sum(int(n) for n in re.findall(r"rendered (\d+) of", log))
    return first, again, pages, rerendered


def ratio(value: float, target: float, bar: float | None = None) -> str:
    verdict = "met" if value <= target else (f"within the bar of {bar}" if bar and value <= bar else "NOT met")
    return f"{value:.2f} (target ≤ {target}{f', bar {bar}' if bar else ''}: {verdict})"


def main() -> None:
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    lines = [f"Machine: {platform.machine()}, {CORES} cores, Python {platform.python_version()}, "
             f"{platform.system()} {platform.release()}", ""]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        real = ROOT / "datapackage.json"
        out, cache = tmp / "out-real", tmp / "cache-real"
        cold, cold_mb = build(real, out, cache, repeats, cold=True)
        warm, warm_mb = build(real, out, cache, repeats, cold=False)
        floor = median([sys.executable, "-c", FLOOR], 5)[0]
        env = {**os.environ, "MONITOR_CACHE": str(cache)}
        unchanged = median([*MONITOR, "build", "--package", real, "--out", out, "--no-render"], 5, env)[0]
        work, charts = bare(out, repeats)
        lines += ["| package | build, cold (s) | build, warm (s) | peak memory (MB) |", "| --- | --- | --- | --- |",
                  f"| real package ({charts} charts) | {cold:.2f} | {warm:.2f} | {max(cold_mb, warm_mb):.0f} |"]
        sizes, packages = {}, {}
        for size in [int(s) for s in os.environ.get("BENCH_SIZES", "100 1000").split()]:
            package = packages[size] = generate(tmp / f"pkg{size}", size, 10, 4)
            out_n, cache_n = tmp / f"out{size}", tmp / f"cache{size}"
            c, c_mb = build(package, out_n, cache_n, 1, cold=True)
            w, w_mb = build(package, out_n, cache_n, 1, cold=False)
            b, n = bare(out_n, 1, sample=200)
            sizes[size] = (c, w, b, n)
            lines.append(f"| {size} indicators × 10 editions × 4 groups ({n} charts) | {c:.1f} | {w:.1f} | "
                         f"{max(c_mb, w_mb):.0f} |")
        lines += ["", "| measure | value |", "| --- | --- |",
                  f"| rebuild with nothing changed, real package ÷ bare import of the libraries ({floor:.2f} s) | "
                  f"{ratio(unchanged / floor, 1.5)} |",
                  f"| unavoidable work, real package (bare import + {charts} renders on one core) | {work:.2f} s |",
                  f"| cold build ÷ that work, real package | {ratio(cold / work, 1.0, 1.3)} |"]
        if {100, 1000} <= set(sizes):
            c100, w100, _, _ = sizes[100]
            c1000, w1000, b1000, n1000 = sizes[1000]
            lines += [f"| unavoidable work at 1,000 indicators ({n1000} renders, from a sample of 200) | "
                      f"{b1000:.0f} s |",
                      f"| cold build ÷ (that work ÷ {CORES} cores), 1,000 indicators | "
                      f"{ratio(c1000 / (b1000 / CORES), 1.3)} |",
                      f"| warm build, 1,000 indicators | {w1000:.1f} s (target ≤ 60 s: "
                      f"{'met' if w1000 <= 60 else 'NOT met'}) |",
                      f"| growth 100 → 1,000 indicators (10×): cold, warm | {c1000 / c100:.1f}×, "
                      f"{w1000 / w100:.1f}× |"]
        one_goal = int(os.environ.get("BENCH_ONE_GOAL", "2500"))
        if one_goal:  # scale without a crash: a goal chart of thousands of topics is cut to its first ones
            package = generate(tmp / "one-goal", one_goal, 1, 3, goals=1)
            seconds, mb = build(package, tmp / "out-one-goal", tmp / "cache-one-goal", 1, cold=True)
            lines.append(f"| {one_goal:,} indicators in one goal, 1 edition × 3 groups: cold build | {seconds:.0f} s, "
                         f"{mb:.0f} MB |")
        # Quarto's cost per process is fixed, so the one-figure ratio depends on the site's size: the real
        # package's site, and the 100 indicators' (the 1,000 indicators' would take an hour to render).
        for name, package in (("real package", real), ("100 indicators", packages.get(100))):
            rendered = render_times(package, tmp / f"quarto-{name.split()[0]}") if package else None
            if rendered:
                full, again, pages, rerendered = rendered
                lines += [f"| Quarto, {name}: full render of {pages} pages (both languages at once) | "
                          f"{full:.1f} s, {full / pages:.2f} s a page |",
                          f"| Quarto, {name}: one changed figure, {rerendered} pages rendered again | "
                          f"{again:.1f} s; ÷ full render {ratio(again / full, 0.25)} |"]
            elif package:
                lines.append(f"| Quarto render, {name} | not measured: Quarto is not installed |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
