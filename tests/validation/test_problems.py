"""The catalogue of validation problems: every code a check reports is in it, with words, a fix and an
example, and docs/validation.md is generated from it."""

from __future__ import annotations

import ast
import string

import pytest
from helpers import ROOT, load_tool

from pipeline.validation import problems, rules

CHECKS = {"descriptor", "schema", "cells", "contract", "rules", "site", "published"}
# Where a code is named: problem(pkg, resource, index, field, code, ...), message(code, ...), _found(code, ...)
CODE_ARGUMENT = {"problem": 4, "_problem": 4, "message": 0, "_found": 0, "Problem": 3}


def _calls():
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in CODE_ARGUMENT:
                    yield path.relative_to(ROOT), name, node


def test_every_code_a_check_names_is_in_the_catalogue():
    named = {(str(path), node.lineno): node.args[CODE_ARGUMENT[name]].value for path, name, node in _calls()
             if len(node.args) > CODE_ARGUMENT[name] and isinstance(node.args[CODE_ARGUMENT[name]], ast.Constant)}
    assert len(set(named.values())) > 25  # the scan finds the checks
    assert {code for code in named.values() if code not in problems.catalogue()} == set()
    assert set(rules.RULES) <= set(problems.catalogue())


def test_no_problem_in_the_catalogue_is_dead():
    """Each code is named in the pipeline's code, or is a frictionless error type the schema check reports."""
    texts = {node.value for path in (ROOT / "pipeline").rglob("*.py")
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert {code for code in problems.catalogue() if code not in texts and not problems.checked_by(code, "schema")} \
        == set()


def test_no_check_writes_its_message_inline():
    """A message is the catalogue's: no ``Problem(...)`` is given words of its own (a string or f-string)."""
    inline = [f"{path}:{node.lineno}" for path, name, node in _calls() if name == "Problem" and len(node.args) == 5
              and isinstance(node.args[4], (ast.JoinedStr, ast.Constant))]
    assert inline == []


@pytest.mark.parametrize("code", sorted(problems.catalogue()))
def test_each_problem_has_words_a_fix_and_an_example_that_fits_its_message(code):
    entry = problems.catalogue()[code]
    checks = [entry["checked_by"]] if isinstance(entry["checked_by"], str) else entry["checked_by"]
    assert set(checks) <= CHECKS and entry["title"] and entry["fix"].endswith(".")
    placeholders = {name for _, name, _, _ in string.Formatter().parse(entry["message"]) if name}
    assert placeholders == set(entry["example"]), "the example gives exactly the message's values"
    assert "{" not in problems.message(code, **entry["example"]).replace("{{<", "")
    for shape, template in entry.get("messages", {}).items():
        assert all(name.isidentifier() for _, name, _, _ in string.Formatter().parse(template) if name), shape


def test_the_schema_problems_are_frictionless_error_types():
    from frictionless import errors

    types = {cls.type for cls in vars(errors).values() if isinstance(cls, type) and hasattr(cls, "type")}
    schema = {code for code in problems.catalogue() if problems.checked_by(code, "schema")}
    assert schema and schema <= types


def test_an_unknown_code_is_refused():
    with pytest.raises(KeyError):
        problems.message("no-such-problem")


def test_the_validation_reference_is_generated_from_the_catalogue():
    module = load_tool("validation_reference")
    written = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert written == module.reference(), "docs/validation.md is stale: run python tools/validation_reference.py"
    assert all(f"| `{code}` |" in written for code in problems.catalogue())


def test_a_quoted_cell_is_shown_whole_with_its_invisible_characters():
    """A cell that looks right but is not: the space at its end, the line break inside, all of a long one."""
    said = problems.message("not-a-plain-number", cell="45.5 ")
    assert '"45.5␣"' in said
    assert '"a⇥b↵c"' in problems.message("not-a-plain-number", cell="a\tb\nc")
    long = "x" * 250
    assert long in problems.message("not-a-web-address", cell=long)
    assert "(5,000 characters)" in problems.message("not-a-web-address", cell="y" * 5000)
