"""Benchmark: `make bench`. Prints a Markdown report; copy it into bench/RESULTS.md with the machine.

Measures, as medians of repeated runs in fresh processes (so imports count, as they do for a user):
- the floor: bare import of the libraries the build needs;
- validate and build of the real package, and a rebuild with nothing changed;
- validate and build of synthetic packages of 10, 100 and 1,000 indicators × 10 editions × 4 groups;
- per chart: our render (SVG, then PNG from that SVG, plus the accessibility pass) against a bare
  vl-convert render of the same spec (SVG and PNG each from the spec), and the time the chart cache saves.
Synthetic packages and outputs live in a temporary folder and are removed afterwards.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

MONITOR = [sys.executable, "-m", "pipeline.cli"]
FLOOR = "import frictionless, pandas, pyarrow, openpyxl, yaml, altair, vl_convert, jinja2"


def timed(command: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True, env=env)
    return time.perf_counter() - start


def median(command: list[str], repeats: int, env: dict | None = None, before=None) -> float:
    times = []
    for _ in range(repeats):
        if before:
            before()
        times.append(timed(command, env))
    return statistics.median(times)


def chart_renders(repeats: int = 5) -> list[tuple[str, float, float]]:
    import vl_convert as vlc

    from pipeline.charts import all_charts
    from pipeline.i18n import SETTINGS
    from pipeline.indicators import build_table
    from pipeline.package import load
    from pipeline.render import Renderer, accessible_svg

    pkg = load(ROOT / "datapackage.json")
    charts = all_charts(pkg, build_table(pkg), "nl")
    rows = []
    for name in ("taalles", "betaald-werk", "goal-taal", "comparison"):
        spec = charts[name].to_dict(validate=False)
        ours, bare = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            svg, _ = Renderer(cache=None).render(spec, "nl")
            accessible_svg(svg, "c", "t", "d")
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            vlc.vegalite_to_svg(spec, format_locale=SETTINGS["nl"]["locale"])
            vlc.vegalite_to_png(spec, scale=2, format_locale=SETTINGS["nl"]["locale"])
            bare.append(time.perf_counter() - start)
        rows.append((name, statistics.median(ours), statistics.median(bare)))
    return rows


def main() -> None:
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    lines = [f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"{platform.system()} {platform.release()}", ""]
    floor = median([sys.executable, "-c", FLOOR], 5)
    lines += [f"Floor (bare import of the build's libraries): **{floor:.2f} s**", "",
              "| case | validate (s) | build, cold chart cache (s) | build, warm chart cache (s) |",
              "| --- | --- | --- | --- |"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cases = [("real package", ROOT / "datapackage.json")]
        for size in (10, 100, 1000):
            cases.append((f"{size} indicators × 10 editions × 4 groups",
                          generate(tmp / f"pkg{size}", size, 10, 4)))
        nochange = None
        for label, package in cases:
            out, cache = tmp / f"out-{package.parent.name}", tmp / f"cache-{package.parent.name}"
            env = {**os.environ, "MONITOR_CACHE": str(cache)}
            runs = 1 if "1000" in label else repeats
            validate = median([*MONITOR, "validate", str(package)], runs)
            cold = median([*MONITOR, "build", "--package", str(package), "--out", str(out), "--force"], runs, env,
                          before=lambda c=cache: shutil.rmtree(c, ignore_errors=True))
            warm = median([*MONITOR, "build", "--package", str(package), "--out", str(out), "--force"], runs, env)
            lines.append(f"| {label} | {validate:.2f} | {cold:.2f} | {warm:.2f} |")
            if label == "real package":
                nochange = median([*MONITOR, "build", "--package", str(package), "--out", str(out)], 5, env)
    lines += ["", f"Rebuild with nothing changed (real package): **{nochange:.2f} s** = "
                  f"{nochange / floor:.2f} × the floor (target ≤ 1.5×)", "",
              "| chart | our render (s) | bare vl-convert (s) | ratio (target ≤ 1.2) |", "| --- | --- | --- | --- |"]
    for name, ours, bare in chart_renders():
        lines.append(f"| {name} | {ours:.3f} | {bare:.3f} | {ours / bare:.2f} |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
