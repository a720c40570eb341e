"""What a build keeps between builds (workbooks, chart specifications) is used only for the same inputs."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import FIXTURE

from pipeline.engine.memo import Memo, RowHashes
from pipeline.model import counted
from pipeline.model.indicators import build_table
from pipeline.model.package import load
from pipeline.model.tables import Tables
from pipeline.stages import charts, downloads

PKG = load(FIXTURE)


URLS = {"nl": "https://x/", "en": "https://x/en/"}


def test_a_key_changes_with_any_input_and_with_the_code(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    memo = Memo(tmp_path, "code v1")
    key = memo.key("nl", frame)
    assert key == Memo(tmp_path, "code v1").key("nl", frame.copy())
    assert key != memo.key("en", frame)
    assert key != memo.key("nl", frame.assign(b=["x", "z"]))
    assert key != memo.key("nl", frame.iloc[::-1])  # row order is part of the input
    assert key != memo.key("nl", frame.rename(columns={"b": "c"}))
    assert key != memo.key("nl", frame.astype({"a": "float64"}))
    assert key != Memo(tmp_path, "code v2").key("nl", frame)
    assert memo.key("ab", "c") != memo.key("a", "bc")  # parts never run together


def test_a_damaged_entry_is_made_again(tmp_path):
    memo = Memo(tmp_path, "code")
    memo.put("k", b"workbook bytes")
    assert memo.get("k") == b"workbook bytes"
    (tmp_path / "k").write_bytes(b"workbook by")  # cut short, as by a full disk
    assert memo.get("k") is None and memo.misses == 1
    memo.put("k", b"workbook bytes")
    entry = (tmp_path / "k").read_bytes()
    (tmp_path / "k").write_bytes(entry[:3] + b"X" + entry[4:])  # one byte changed, the length the same
    assert memo.get("k") is None and memo.misses == 2
    (tmp_path / "k").write_bytes(b"")
    assert memo.get("k") is None and memo.misses == 3
    assert Memo(None).get("k") is None  # without a folder nothing is kept


@pytest.fixture
def tables():
    table = build_table(PKG)
    return table, table[downloads.COLUMNS]


def test_a_kept_workbook_is_the_workbook_that_would_be_written(tmp_path, tables):
    _, table = tables
    memo = downloads.workbook_memo(tmp_path / "cache")
    first = downloads.write_table(table, downloads.ALL, tmp_path / "a", PKG, URLS, ("xlsx_nl",), memo)[0]
    second = downloads.write_table(table, downloads.ALL, tmp_path / "b", PKG, URLS, ("xlsx_nl",), memo)[0]
    assert memo.hits == 1 and first.read_bytes() == second.read_bytes()
    changed = table.assign(value=table["value"] + 1)
    third = downloads.write_table(changed, downloads.ALL, tmp_path / "c", PKG, URLS, ("xlsx_nl",), memo)[0]
    assert memo.hits == 1 and third.read_bytes() != first.read_bytes()


def test_kept_specifications_equal_freshly_drawn_ones(tmp_path, tables):
    table, _ = tables
    memo = charts.spec_memo(tmp_path / "specs")
    drawn = charts.specs(Tables(PKG, table, counted.build_table(PKG)), memo)
    assert memo.hits == 0 and memo.misses > len(drawn) / 2
    kept = charts.specs(Tables(PKG, table, counted.build_table(PKG)), memo)
    assert memo.hits == memo.misses and kept == drawn
    one = table["indicator_id"] == "taalles"
    changed = charts.specs(Tables(PKG, table.assign(value=table["value"].where(~one, table["value"] + 1)),
                                    counted.build_table(PKG)), memo)
    redrawn = {name for (_, name, spec, _), (_, _, before, _) in zip(changed, drawn, strict=True) if spec != before}
    assert "taalles" in redrawn and redrawn <= {"taalles", "goal-taal", "comparison"}


def test_row_hashes_key_a_selection_by_its_own_rows_only(tables):
    table, _ = tables
    hashes = RowHashes(table)
    one = table[table["indicator_id"] == "taalles"]
    assert hashes.of(one) == RowHashes(table.copy()).of(one)
    assert hashes.of(one) != hashes.of(one.iloc[::-1])  # row order counts
    assert hashes.of(one) != hashes.of(one[one.columns[:-1]])  # so do the columns
    elsewhere = table.assign(value=table["value"].where(table["indicator_id"] == "taalles", -1))
    assert RowHashes(elsewhere).of(one) == hashes.of(one)  # a change to other indicators leaves it alone
    changed = table.assign(value=table["value"].where(table["indicator_id"] != "taalles", -1))
    assert RowHashes(changed).of(one) != hashes.of(one)
    with pytest.raises(ValueError):
        hashes.of(one.assign(extra=1))  # not a selection of the hashed table
    with pytest.raises(ValueError):
        hashes.of(one.set_axis(one.index + len(table)))


def test_a_kept_preview_body_is_the_body_markdown_it_would_write(tmp_path):
    from pipeline.stages import preview

    body = "## Heading {#here}\n\nA *figure* of 45,5%.\n"
    first = preview._html(body, tmp_path)
    memo = preview._bodies(tmp_path)
    assert (memo.hits, memo.misses) == (0, 1)
    assert preview._html(body, tmp_path) == first == preview.reader().render(body)
    assert memo.hits == 1
    assert preview._html(body.replace("45,5", "46,5"), tmp_path) != first and memo.misses == 2
