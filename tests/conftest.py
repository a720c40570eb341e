"""The fixtures every test folder shares: a private copy of the frozen package, the command line in-process, a
browser, and the package variants built once per test run, whichever core asks first (``built``).

The suite runs on every core (pytest-xdist): a build is made under a file lock in the run's shared folder,
so the other worker waits for it and reads the same output. Drawings, specifications and workbooks are kept in
one cache for the whole run, as consecutive real builds keep them.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from filelock import FileLock
from helpers import VARIANTS, copy_package, serve, small_package

from pipeline.build import build
from pipeline.cli import main


def _shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder every worker of this run shares (each worker's own base folder sits inside it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if base.name.startswith("popen-gw") else base


@pytest.fixture(scope="session", autouse=True)
def shared_chart_cache(tmp_path_factory):
    """All builds in one test run share kept drawings, specifications and workbooks."""
    mp = pytest.MonkeyPatch()
    cache = _shared(tmp_path_factory) / "monitor-cache"
    cache.mkdir(exist_ok=True)
    mp.setenv("MONITOR_CACHE", str(cache))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Callable[[str], Path]:
    """``built(variant)``: the output folder of a package variant (``helpers.VARIANTS``), built once per run."""
    root = _shared(tmp_path_factory) / "builds"
    root.mkdir(exist_ok=True)

    def get(name: str) -> Path:
        source, change, rendered = VARIANTS[name]
        out = root / name / "out"
        with FileLock(root / f"{name}.lock"):
            if not (out / ".fingerprint").is_file():
                package = copy_package(root / name / "pkg", source)
                if change is not None:
                    change(package)
                build(package, out, force=True, log=lambda _: None,
                      render=rendered and shutil.which("quarto") is not None)
        return out

    return get


@pytest.fixture(scope="session")
def site_build(built) -> Path:
    """The frozen package's build, rendered with Quarto where it is installed, shared by the tests that read it."""
    return built("frozen")


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A private copy of the frozen test package that a test may break."""
    return copy_package(tmp_path / "pkg")


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A private copy of the small package (one indicator per goal, every kind of page): for a test that
    builds, a third of the frozen package's build."""
    return small_package(tmp_path / "pkg")


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
def served(site_build) -> Iterator[str]:
    """The rendered site, served from a sub-path as GitHub Pages serves a project site."""
    site = site_build / "site"
    assert site.is_dir(), "monitor build did not render the site although Quarto is installed"
    server, address = serve(site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield address
    server.shutdown()

