"""Shared fixtures: a private copy of the real data package that a test may break, and a CLI runner."""

from __future__ import annotations

import csv
import functools
import http.server
import io
import json
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "reference"  # the published figures, kept with the tests (see its README)
# The frozen package every exact-value test reads (tests/package/README.md); the live package in ROOT changes
# every year and gets invariant checks only (test_live_package.py).
FIXTURE = ROOT / "tests" / "package" / "datapackage.json"
LIVE = ROOT / "datapackage.json"
# The reference file names topics in words; the catalogue gives them ids. This mapping is the only knowledge
# the reference tests add: every value, group, edition and source is read from the reference file.
TOPICS = {
    "taalles volgen": "taalles",
    "nut taallessen (contact en/of zelf dingen doen)": "taalles-contact-of-zelfstandig",
    "nut taallessen (zelf dingen doen)": "taalles-zelfstandig",
    "betaald werk": "betaald-werk",
    "tevredenheid niveau Nederlands spreken": "tevreden-niveau-nederlands",
    "spanning bij Nederlands spreken": "spanning-nederlands-spreken",
    "problemen dagelijks leven door moeite met Nederlands spreken": "problemen-door-taal",
    "ervaren gezondheid": "ervaren-gezondheid",
    "problemen dagelijks leven door lichamelijke gezondheid": "problemen-lichamelijke-gezondheid",
    "zenuwachtig (mentaal welzijn)": "zenuwachtig",
}


@pytest.fixture(scope="session", autouse=True)
def shared_chart_cache(tmp_path_factory):
    """All builds in one test session share rendered charts, as consecutive real builds do."""
    mp = pytest.MonkeyPatch()
    mp.setenv("MONITOR_CACHE", str(tmp_path_factory.mktemp("chart-cache")))
    yield
    mp.undo()


def copy_package(target: Path, source: Path = FIXTURE) -> Path:
    """Copy a data package (the frozen test package unless told) into ``target`` (replacing it); returns the
    descriptor path."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "data").mkdir(parents=True)
    shutil.copy(source, target / "datapackage.json")
    for csv_file in (source.parent / "data").glob("*.csv"):
        shutil.copy(csv_file, target / "data" / csv_file.name)
    return target / "datapackage.json"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A private copy of the frozen test package that a test may break."""
    return copy_package(tmp_path / "pkg")


def read_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, rows: list[dict[str, str]], fieldnames: list[str] | None = None) -> None:
    fieldnames = fieldnames or list(rows[0].keys())
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def edit_csv(package: Path, name: str, change: Callable[[list[dict[str, str]]], list[dict[str, str]] | None]):
    """Apply ``change`` to the rows of ``data/<name>.csv`` in the copied package."""
    path = package.parent / "data" / f"{name}.csv"
    rows = read_rows(path)
    fieldnames = list(rows[0].keys()) if rows else next(csv.reader(path.open(encoding="utf-8")))
    result = change(rows)
    write_rows(path, rows if result is None else result, fieldnames)


def edit_descriptor(package: Path, change: Callable[[dict], None]) -> None:
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    change(descriptor)
    try:
        package.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    except UnicodeEncodeError:  # a lone surrogate, on purpose: JSON can still carry it as an escape
        package.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


@pytest.fixture
def run_cli(capsys):
    """Run ``monitor`` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture(scope="session")
def browser():
    from browser import chromium

    with chromium() as instance:
        yield instance


@pytest.fixture(scope="session")
def site_build(tmp_path_factory) -> Path:
    """One full build of the frozen test package, shared by the tests that only read its output."""
    from pipeline.build import build

    out = tmp_path_factory.mktemp("site") / "build"
    build(FIXTURE, out, force=True, log=lambda _: None)
    return out


def load_tool(name: str):
    """A script from ``tools/`` as a module (tools are run as files, not imported as a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- the rendered site, served from a sub-path as on GitHub Pages (tests that need Quarto) ----------------
SUB_PATH = "/monitor-inburgering/"
NEEDS_QUARTO = pytest.mark.skipif(
    shutil.which("quarto") is None,
    reason="Quarto is not installed on this machine; the rendered site is tested in the GitHub workflow, which "
           "installs it with quarto-dev/quarto-actions")


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under SUB_PATH only, like a GitHub Pages project site."""

    def translate_path(self, path):
        if not path.startswith(SUB_PATH):
            return "/nonexistent"
        return super().translate_path("/" + path[len(SUB_PATH):])

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def served(site_build):
    site = site_build / "site"
    assert site.is_dir(), "monitor build did not render the site although Quarto is installed"
    handler = functools.partial(SubPathHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    server.shutdown()
