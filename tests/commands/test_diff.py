"""`monitor diff`: values, catalogue and schema changes between two packages or two git revisions."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from helpers import ROOT, copy_package, edit_csv, edit_descriptor


@pytest.fixture
def old_and_new(tmp_path, package):
    old = tmp_path / "old"
    shutil.copytree(package.parent, old)
    return old / "datapackage.json", package


def run_json(run_cli, old, new):
    code, out, err = run_cli("diff", "--json", old, new)
    assert (code, err) == (0, "")
    return json.loads(out)


def test_identical_packages_have_no_differences(old_and_new, run_cli):
    old, new = old_and_new
    result = run_json(run_cli, old, new)
    assert result["empty"] is True and result["added"] == result["removed"] == result["changed"] == []
    code, out, _ = run_cli("diff", old, new)
    assert code == 0 and "No differences in the data package." in out


def test_changed_added_and_removed_values(old_and_new, run_cli):
    old, new = old_and_new
    edit_csv(new, "results", lambda rows: rows[0].update(value="63", n="120"))
    edit_csv(new, "results", lambda rows: [r for r in rows if r["indicator_id"] != "zenuwachtig"])
    edit_csv(new, "results", lambda rows: [*rows, {**rows[0], "edition": "2025", "value": "70"}])
    result = run_json(run_cli, old, new)
    assert result["changed"] == [
        {"indicator_id": "taalles", "edition": 2024, "group_id": "inburgeraars", "field": "value", "old": 62.0,
         "new": 63.0},
        {"indicator_id": "taalles", "edition": 2024, "group_id": "inburgeraars", "field": "n", "old": None,
         "new": 120}]
    assert result["removed"] == [{"indicator_id": "zenuwachtig", "edition": 2025, "group_id": "asielstatushouders",
                                  "value": 41.0}]
    assert result["added"] == [{"indicator_id": "taalles", "edition": 2025, "group_id": "inburgeraars",
                                "value": 70.0}]
    code, out, _ = run_cli("diff", "--markdown", old, new)
    assert code == 0
    assert "| taalles | 2024 | inburgeraars | value | 62\\.0 | 63\\.0 |" in out  # Markdown-escaped cells
    assert "**Values removed \\(1\\)**" in out
    code, out, _ = run_cli("diff", old, new)  # in a terminal: plain text, no escapes
    assert code == 0 and "\\" not in out and "Values removed (1)" in out
    assert any(line.split() == ["taalles", "2024", "inburgeraars", "value", "62.0", "63.0"]
               for line in out.splitlines())


def test_catalogue_and_schema_changes(old_and_new, run_cli):
    old, new = old_and_new
    edit_csv(new, "indicators", lambda rows: [*rows, {**rows[-1], "indicator_id": "thuis-in-wijk"}])
    edit_csv(new, "groups", lambda rows: rows[0].update(label_en="refugees"))

    def schema(descriptor):
        results = next(r for r in descriptor["resources"] if r["name"] == "results")
        results["schema"]["fields"][3]["constraints"]["maximum"] = 100

    edit_descriptor(new, schema)
    result = run_json(run_cli, old, new)
    assert result["tables"]["indicators"] == {"added": [{"indicator_id": "thuis-in-wijk"}], "removed": [],
                                              "changed": []}
    assert result["tables"]["groups"]["changed"] == [{"row": {"group_id": "asielstatushouders"}, "field": "label_en",
                                                      "old": "refugees with a residence permit", "new": "refugees"}]
    assert result["schema"] == ["`results`: field `value` constraints changed"]


def test_every_change_a_reviewer_must_see_is_listed(old_and_new, run_cli):
    """Thresholds, a context figure, a counted figure and its count, what the research says, a source address:
    each once reported "No differences"."""
    old, new = old_and_new
    registration = ROOT / "tests" / "registration"
    for package in (old, new):  # both with the counted figures of the registration package
        shutil.copytree(registration, package.parent, dirs_exist_ok=True)

    def settings(descriptor):
        descriptor["monitor"].update(min_n=1, indicative_n=1)

    edit_descriptor(new, settings)
    edit_csv(new, "context", lambda rows: rows[0].update(value="3100"))
    edit_csv(new, "registrations", lambda rows: rows[0].update(value="81.0", counted="40"))
    edit_csv(new, "research", lambda rows: rows[0].update(text_en="Something else."))
    edit_csv(new, "results", lambda rows: rows[0].update(source_url="https://example.org/elders"))
    result = run_json(run_cli, old, new)
    assert not result["empty"]
    assert {(s["setting"], s["old"], s["new"]) for s in result["settings"]} >= {
        ("monitor.min_n", 30, 1), ("monitor.indicative_n", 50, 1)}
    assert {c["field"] for c in result["tables"]["context"]["changed"]} == {"value"}
    assert {(c["field"], c["old"], c["new"]) for c in result["tables"]["registrations"]["changed"]} == {
        ("value", 18.0, 81.0), ("counted", 400, 40)}
    assert [c["field"] for c in result["tables"]["research"]["changed"]] == ["text_en"]
    assert [c["field"] for c in result["changed"]] == ["source_url"]


def test_git_revisions(tmp_path, run_cli, monkeypatch):
    repo = copy_package(tmp_path / "repo").parent
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "first"], check=True)
    edit_csv(repo / "datapackage.json", "results", lambda rows: rows[2].update(value="50"))
    subprocess.run([*git, "commit", "-qam", "second"], check=True)
    monkeypatch.chdir(repo)
    result = run_json(run_cli, "HEAD~1", "HEAD")
    assert [(c["group_id"], c["old"], c["new"]) for c in result["changed"]] == [("gezinsmigranten", 48.0, 50.0)]


@pytest.mark.parametrize("args", [["diff", "nowhere.json", "datapackage.json"], ["diff", "datapackage.json"],
                                  ["diff", "no-such-revision-xyz", "HEAD"]])
def test_bad_arguments_exit_2(args, run_cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli(*args)
    assert code == 2 and out == "" and err
