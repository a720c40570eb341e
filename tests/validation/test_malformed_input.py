"""Property-based: whatever a CSV file holds, validation ends in a report, never in a crash."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import copy_package, read_rows, write_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import main

FILES = ["results", "indicators", "groups", "editions", "goals", "context", "errata"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def run(package: Path, capsys) -> tuple[int, dict]:
    code = main(["validate", "--json", str(package)])
    return code, json.loads(capsys.readouterr().out)


@SETTINGS
@given(name=st.sampled_from(FILES), content=st.one_of(st.binary(min_size=1, max_size=300),
                                                      st.text(min_size=1, max_size=300)))
def test_garbage_file_is_a_clean_failure(tmp_path, capsys, name, content):
    package = copy_package(tmp_path / "pkg")
    path = package.parent / "data" / f"{name}.csv"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    code, report = run(package, capsys)
    assert code == 1
    assert report["problems"] and all(p["file"] and p["rule"] and p["message"] for p in report["problems"])


@SETTINGS
@given(name=st.sampled_from(FILES[:5]), row=st.integers(min_value=0, max_value=20), data=st.data(),
       cell=st.text(max_size=20))
def test_any_single_cell_is_reported_or_accepted(tmp_path, capsys, name, row, data, cell):
    package = copy_package(tmp_path / "pkg")
    path = package.parent / "data" / f"{name}.csv"
    rows = read_rows(path)
    row %= len(rows)
    field = data.draw(st.sampled_from(list(rows[0])))
    rows[row][field] = cell
    write_rows(path, rows)
    code, report = run(package, capsys)
    assert code in (0, 1)
    assert (code == 0) == (report["problems"] == [])
    for problem in report["problems"]:
        assert problem["file"].endswith((".csv", ".json")) and problem["message"]
