"""A warm build is a cold build: no kept result can outlive a change to what it was made from."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import FIXTURE, ROOT, edit_csv, small_package

from pipeline.build import build
from pipeline.engine import cachekey, memo

# The folders whose every file the issue named; the key reads all of pipeline/ and site/.
WATCHED = ("pipeline/words", "pipeline/validation", "pipeline/model", "pipeline/stages", "site")


def _copy_tree(target: Path) -> Path:
    for tree in cachekey.TREES:
        shutil.copytree(ROOT / tree, target / tree, ignore=shutil.ignore_patterns("__pycache__"))
    for name in cachekey.FILES:
        shutil.copy(ROOT / name, target / name)
    (target / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)  # installed, read only
    return target


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_edit_to_any_watched_file_changes_the_key(tmp_path, monkeypatch):
    installed = cachekey._distributions()
    monkeypatch.setattr(cachekey, "_distributions", lambda: installed)  # read once: the files are the question
    tree = _copy_tree(tmp_path / "repo")
    before = cachekey.compute(tree)
    files = [p for folder in WATCHED for p in sorted((tree / folder).rglob("*")) if p.is_file()]
    files += [tree / name for name in cachekey.FILES] + [tree / "pipeline" / "stages" / "charts" / "parts.py"]
    assert len(files) > 40
    unchanged = []
    for path in files:
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        if cachekey.compute(tree) == before:
            unchanged.append(path.relative_to(tree).as_posix())
        path.write_bytes(original)
    assert unchanged == []
    assert cachekey.compute(tree) == before  # and nothing but the files: the same tree, the same key


def test_prose_changes_only_the_key_of_results_that_show_it(tmp_path, monkeypatch):
    """An editor's sentence on the home page or a translator's summary redraws no chart."""
    installed = cachekey._distributions()
    monkeypatch.setattr(cachekey, "_distributions", lambda: installed)
    tree = _copy_tree(tmp_path / "repo")
    with_prose, without = cachekey.compute(tree), cachekey.compute(tree, prose=False)
    assert with_prose != without
    for path in (tree / "site" / "content" / "nl" / "home.qmd", tree / "site" / "summaries" / "ar.yaml"):
        path.write_bytes(path.read_bytes() + b"\n")
    assert cachekey.compute(tree, prose=False) == without and cachekey.compute(tree) != with_prose
    (tree / "site" / "tokens.yaml").write_bytes((tree / "site" / "tokens.yaml").read_bytes() + b"\n")
    assert cachekey.compute(tree, prose=False) != without  # the look is drawn in every chart


def test_library_versions_and_the_epoch_change_the_key(tmp_path, monkeypatch):
    tree = _copy_tree(tmp_path / "repo")
    before = cachekey.compute(tree)
    monkeypatch.setattr(cachekey, "_distributions", lambda: ["altair==99.0"])
    assert cachekey.compute(tree) != before
    monkeypatch.undo()
    monkeypatch.setattr(cachekey, "EPOCH", cachekey.EPOCH + 1)
    assert cachekey.compute(tree) != before


def test_every_kept_result_is_keyed_by_the_code(monkeypatch):
    from pipeline.stages import charts, downloads, preview
    from pipeline.stages.charts.draw import Drawer

    def versions():
        preview._bodies.cache_clear()
        return [charts.spec_memo(None).version, downloads.workbook_memo(None).version,
                preview._bodies(None).version, Drawer().key({"mark": "bar"}, "nl")]

    before = versions()
    monkeypatch.setattr(memo, "code_key", lambda prose=True: "another code")
    after = versions()
    preview._bodies.cache_clear()
    assert all(a != b for a, b in zip(before, after, strict=True))


def _run_build(repo: Path, package: Path, out: Path, cache: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(repo), "MONITOR_CACHE": str(cache)}
    code = ("import sys; from pathlib import Path; from pipeline.build import build; "
            "build(Path(sys.argv[1]), Path(sys.argv[2]), force=True, log=lambda _: None, render=False)")
    subprocess.run([sys.executable, "-c", code, str(package), str(out)], env=env, cwd=repo, check=True)


def test_a_warm_build_after_editing_the_decimal_separator_equals_a_cold_build(tmp_path):
    """The case that reached the site: cached chart specifications kept the old decimal separator."""
    repo = _copy_tree(tmp_path / "repo")
    package = small_package(tmp_path / "pkg", only=("taalles",))  # its charts, pages, downloads and sentences
    edit_csv(package, "results", lambda rows: rows[0].update(value="45.5"))
    warm = tmp_path / "warm-cache"
    _run_build(repo, package, tmp_path / "first", warm)
    languages = repo / "pipeline" / "words" / "languages.yaml"
    languages.write_text(languages.read_text(encoding="utf-8").replace('decimal: ","', 'decimal: "·"', 1),
                         encoding="utf-8")
    _run_build(repo, package, tmp_path / "warm", warm)
    _run_build(repo, package, tmp_path / "cold", tmp_path / "cold-cache")
    first, warm_build, cold = (_snapshot(tmp_path / name) for name in ("first", "warm", "cold"))
    for built in (first, warm_build, cold):
        built.pop(".fingerprint")
    assert warm_build == cold
    assert warm_build != first
    assert any("·" in text.decode("utf-8", "replace") for name, text in cold.items() if name.endswith(".vl.json"))


def test_a_build_removes_the_entries_it_did_not_use_unless_the_cache_is_shared(tmp_path, monkeypatch):
    """A build's own cache (no MONITOR_CACHE) keeps exactly what its last build used; a cache named in
    MONITOR_CACHE may serve several builds at once, so a build adds to it and removes nothing."""
    package = small_package(tmp_path / "pkg", only=("taalles",))
    cache = tmp_path / ".monitor-cache"
    monkeypatch.delenv("MONITOR_CACHE", raising=False)
    build(package, tmp_path / "out", force=True, log=lambda _: None, render=False)
    after_first = set(_snapshot(cache))
    edit_csv(package, "results", lambda rows: rows[0].update(value="50"))
    build(package, tmp_path / "out", force=True, log=lambda _: None, render=False)
    after_second = set(_snapshot(cache))
    assert after_second != after_first
    alone = tmp_path / "alone"
    monkeypatch.setenv("MONITOR_CACHE", str(alone))
    build(package, tmp_path / "out-alone", force=True, log=lambda _: None, render=False)
    assert after_second - {memo.USED_SINCE} == set(_snapshot(alone))  # exactly what the last build used
    # Shared: the first figure back, built into the same folder as another build's cache.
    monkeypatch.setenv("MONITOR_CACHE", str(cache))
    edit_csv(package, "results", lambda rows: rows[0].update(value="51"))
    build(package, tmp_path / "out", force=True, log=lambda _: None, render=False)
    after_shared = set(_snapshot(cache))
    assert after_second < after_shared  # several builds' results side by side


def test_the_fingerprint_follows_the_code_key(monkeypatch):
    from pipeline import build as build_module

    before = build_module.fingerprint(FIXTURE, render=False)
    monkeypatch.setattr(build_module, "code_key", lambda: "after make lock")
    assert build_module.fingerprint(FIXTURE, render=False) != before


def test_an_earlier_measurements_pdf_is_made_again_only_when_its_package_changed(tmp_path, monkeypatch):
    """The 2024 edition's PDF takes a second run of charts, story, views and council: a build makes it only
    when the package as it stood in 2024 (or the code) differs from the build before; a 2025 figure does not."""
    from helpers import copy_package

    from pipeline import build as building

    def figure(indicator: str, edition: str, group: str, value: str):
        def change(rows: list[dict]) -> None:
            for row in rows:
                if (row["indicator_id"], row["edition"], row["group_id"]) == (indicator, edition, group):
                    row["value"] = value
        return change

    made = []
    real = building._council_as_it_stood
    monkeypatch.setattr(building, "_council_as_it_stood", lambda then, *rest: made.append(1) or real(then, *rest))
    monkeypatch.setenv("MONITOR_CACHE", str(tmp_path / "cache"))
    package, out = copy_package(tmp_path / "pkg"), tmp_path / "out"
    pdf = out / "data" / "2024" / "monitor-inburgering-utrecht-2024-nl.pdf"
    build(package, out, log=lambda _: None, render=False)
    first = pdf.read_bytes()
    edit_csv(package, "results", figure("betaald-werk", "2025", "asielstatushouders", "15"))
    build(package, out, log=lambda _: None, render=False)
    assert len(made) == 1 and pdf.read_bytes() == first
    edit_csv(package, "results", figure("taalles", "2024", "asielstatushouders", "78"))
    build(package, out, log=lambda _: None, render=False)
    assert len(made) == 2 and pdf.read_bytes() != first
