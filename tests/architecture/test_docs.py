"""The README and the maintainer's guide cannot go stale: the commands and files they name exist."""

from __future__ import annotations

import re

import pytest
from helpers import ROOT, load_tool

from pipeline.cli import parser

DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md"]


def subcommands() -> set[str]:
    action = next(a for a in parser()._actions if a.dest == "command")
    return set(action.choices)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_monitor_command_in_the_docs_exists(doc):
    used = set(re.findall(r"(?:`|/)monitor (\w[\w-]*)", doc.read_text(encoding="utf-8")))
    assert used and used <= subcommands(), used - subcommands()


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_make_target_in_the_docs_exists(doc):
    targets = set(re.findall(r"^([a-z]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))
    used = set(re.findall(r"make (\w+)", doc.read_text(encoding="utf-8")))
    assert used and used <= targets


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_repository_path_in_the_docs_exists(doc):
    paths = set(re.findall(r"`((?:data|pipeline|site|tests|bench|\.github)/[\w./<>-]*|[\w-]+\.(?:json|yml|md|csv))`",
                           doc.read_text(encoding="utf-8")))
    for path in paths:
        if "<" in path or path.startswith(("data/20", "data/latest")):
            continue
        assert (ROOT / path).exists() or (ROOT / "data" / path).exists(), path



def test_the_cli_reference_is_generated_from_the_parser():
    module = load_tool("cli_reference")
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == module.reference(), "docs/cli.md is stale: run python tools/cli_reference.py"
    assert all(f"## `monitor {name}`" in written for name in subcommands())
