"""What is published may not change unseen: `monitor validate` compares the package with the main branch."""

from __future__ import annotations

import json
import subprocess

import pytest
from helpers import copy_package, edit_csv

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main"]
ERRATUM = {"date": "2026-12-01", "edition": "2024", "indicator_id": "taalles", "group_id": "inburgeraars",
           "old_value": "62", "new_value": "63", "description_nl": "Overgenomen met een tikfout.",
           "description_en": "Copied with a typo."}


def _git(repo, *args: str) -> None:
    subprocess.run([*GIT, "-C", str(repo), *args], check=True, capture_output=True)


def _descriptor(package, change) -> None:
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    change(descriptor)
    package.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@pytest.fixture
def released(tmp_path):
    """The frozen package in a repository whose main branch published version 2025.1.0, and a branch."""
    repo = tmp_path / "repo"
    package = copy_package(repo)
    _descriptor(package, lambda d: d["monitor"].update(releases=[
        {"version": "2025.1.0", "date": "2026-03-01", "summary_nl": "Meting 2025", "summary_en": "2025 measurement"}]))
    _git(repo, "init")
    _git(repo, "add", ".")
    _git(repo, "commit", "-m", "published")
    _git(repo, "switch", "-c", "correctie")
    return package


def _rules(run_cli, package, kind="problems") -> list:
    code, out, err = run_cli("validate", "--json", package)
    assert err == "" and code == (1 if json.loads(out)["problems"] else 0)
    return [(p["field"], p["rule"]) for p in json.loads(out)[kind]]


def test_a_published_figure_changed_needs_its_erratum_and_a_new_version(released, run_cli):
    edit_csv(released, "results", lambda rows: rows[0].update(value="63"))
    assert _rules(run_cli, released) == [("value", "figure-changed-without-erratum"),
                                         ("version", "version-not-raised")]
    edit_csv(released, "errata", lambda rows: [*rows, ERRATUM])
    assert _rules(run_cli, released) == [("version", "version-not-raised")]
    _descriptor(released, lambda d: d.update(version="2025.1.1"))
    assert _rules(run_cli, released) == []


def test_the_message_names_both_figures_and_the_command(released, run_cli):
    edit_csv(released, "results", lambda rows: rows[0].update(value="63"))
    code, out, _ = run_cli("validate", released)
    assert code == 1
    assert "data/results.csv, row 2, field \"value\": the published figure 62 is now 63" in out
    assert "monitor correct" in out


def test_a_released_versions_entry_may_not_change(released, run_cli):
    _descriptor(released, lambda d: d["monitor"]["releases"][0].update(summary_nl="Iets anders"))
    assert _rules(run_cli, released) == [("monitor.releases[0]", "release-edited")]


def test_a_figure_added_to_a_published_measurement_is_a_warning(released, run_cli):
    def add(rows):
        row = dict(rows[0], group_id="utrechters_18plus", value="50")
        return [*rows, row] if not any(r["indicator_id"] == "taalles" and r["edition"] == "2024"
                                       and r["group_id"] == "utrechters_18plus" for r in rows) else rows

    edit_csv(released, "results", add)
    assert _rules(run_cli, released, "warnings") == [("edition", "rows-added-to-published-edition")]


def test_nothing_is_compared_when_asked_or_outside_a_repository(released, run_cli, tmp_path):
    edit_csv(released, "results", lambda rows: rows[0].update(value="63"))
    code, _, _ = run_cli("validate", "--against", "none", released)
    assert code == 0
    elsewhere = copy_package(tmp_path / "elsewhere")
    edit_csv(elsewhere, "results", lambda rows: rows[0].update(value="63"))
    assert _rules(run_cli, elsewhere) == []


def test_monitor_correct_makes_the_correction_validation_asks_for(released, run_cli):
    """The figure, its erratum and a new version, in one command; every other line as it was."""
    results = released.parent / "data" / "results.csv"
    before = results.read_text(encoding="utf-8").splitlines()
    code, out, err = run_cli("correct", "taalles", "2024", "inburgeraars", "63", "--package", released,
                             "--reason-nl", "Tikfout bij het overnemen.", "--reason-en", "A typo when copying.",
                             "--date", "2026-12-01")
    assert code == 0, err + out
    assert "62 → 63" in out and "2025.1.1" in out
    after = results.read_text(encoding="utf-8").splitlines()
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [1]
    assert _rules(run_cli, released) == []
    errata = (released.parent / "data" / "errata.csv").read_text(encoding="utf-8").splitlines()
    assert errata[-1] == "2026-12-01,2024,taalles,inburgeraars,62,63,Tikfout bij het overnemen.,A typo when copying."


@pytest.mark.parametrize(("args", "exit_code", "said"), [
    (["taalles", "2024", "nobody", "63"], 2, "no figure for taalles, 2024, nobody"),
    (["taalles", "2024", "inburgeraars", "62"], 2, "is 62 already"),
    (["taalles", "2024", "inburgeraars", "zestig"], 2, "is not a number"),
])
def test_a_correction_that_cannot_be_made_changes_nothing(released, run_cli, args, exit_code, said):
    files = {p: p.read_bytes() for p in [released, *(released.parent / "data").glob("*.csv")]}
    code, _, err = run_cli("correct", *args, "--package", released, "--reason-nl", "x.", "--reason-en", "x.")
    assert code == exit_code and said in err
    assert {p: p.read_bytes() for p in files} == files


def test_a_correction_needs_its_reason_in_both_languages(released, run_cli):
    code, _, err = run_cli("correct", "taalles", "2024", "inburgeraars", "63", "--package", released,
                           "--reason-nl", " ", "--reason-en", "A typo.")
    assert code == 1 and "--reason-nl" in err
