"""The lock files: every dependency pinned with hashes, within the bounds pyproject.toml names."""

from __future__ import annotations

import re
import tomllib

import pytest
from helpers import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# a pin, its environment marker if any, then one or more hashes on the following lines
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)(?: ;[^\\]*)?\s*\\\n"
                 r"((?:\s+--hash=sha256:[0-9a-f]{64}\s*\\?\n?)+)", re.M)
RUNTIME = PYPROJECT["project"]["dependencies"]


def pins(name: str) -> dict[str, list[Version]]:
    found: dict[str, list[Version]] = {}
    text = (ROOT / name).read_text(encoding="utf-8")
    for package, version, _ in PIN.findall(text):
        found.setdefault(canonicalize_name(package), []).append(Version(version))
    # every requirement line has at least one hash
    assert len(re.findall(r"^[A-Za-z0-9._-]+==", text, re.M)) == sum(len(v) for v in found.values())
    return found


@pytest.mark.parametrize(("lock", "requirements"), [
    ("requirements.lock", RUNTIME),
    ("requirements-dev.lock", RUNTIME + PYPROJECT["project"]["optional-dependencies"]["dev"]),
])
def test_every_dependency_is_locked_within_its_bounds(lock, requirements):
    locked = pins(lock)
    for line in requirements:
        requirement = Requirement(line)
        versions = locked.get(canonicalize_name(requirement.name))
        assert versions, f"{requirement.name} is not in {lock}: run 'make lock'"
        assert all(v in requirement.specifier for v in versions), (lock, requirement, versions)


def test_the_build_and_the_tests_install_the_same_versions():
    build, test = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: build[name] for name in build} == {name: test[name] for name in build}
    assert not {"pytest", "playwright", "hypothesis", "ruff"} & set(build)  # test tools only for tests
