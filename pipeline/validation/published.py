"""What is already published, compared with what the package says now: the checks a reviewer made by eye.

The main branch is what the site publishes, so the package as it is there (at the point this work branched
from it) is the published one. A published figure changes only with an erratum from the old to the new
value; figures change only under a version not yet released; a released version's entry never changes; and
a figure added to a measurement already published is worth a second look (a warning: a 2026 figure typed as
2025 looks just like that). Outside a git checkout, or without a main branch, there is nothing to compare.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pandas as pd

from pipeline.errors import DiffError, PackageError
from pipeline.model.package import DataPackage
from pipeline.model.versions import released
from pipeline.validation.descriptor import load
from pipeline.validation.problems import message
from pipeline.validation.report import Problem
from pipeline.validation.rows import problem

KEY = ["indicator_id", "edition", "group_id"]
MAIN = ("origin/main", "main")  # a clone's view of the published branch first, then a local one


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)


def baseline(package: Path) -> str | None:
    """The published revision to compare ``package`` with: where HEAD branched from main, or None."""
    folder = package.resolve().parent
    for branch in MAIN:
        found = _git(folder, "merge-base", "HEAD", branch)
        if found.returncode == 0:
            return found.stdout.decode().strip()
    return None


def package_at(spec: str, workdir: Path, repo: Path, inside: str = "") -> DataPackage:
    """A data package: ``spec`` is its descriptor (or folder), or a git revision of ``repo`` whose package
    (at ``inside``, a folder of the repository) is taken out into ``workdir``."""
    path = Path(spec)
    if path.is_dir():
        path = path / "datapackage.json"
    if path.is_file():
        return _load(path, spec)
    revision = _git(repo, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    if revision.returncode != 0:
        raise DiffError(f"{spec}: neither a data package nor a git revision of {repo}")
    commit = revision.stdout.decode().strip()
    target = workdir / commit  # a commit hash: a safe folder name, whatever the spec
    target.mkdir(parents=True, exist_ok=True)
    descriptor = f"{inside}/datapackage.json" if inside else "datapackage.json"
    listed = _git(repo, "ls-tree", "-r", "--name-only", commit, "--", inside or ".")
    wanted = [name for name in listed.stdout.decode().splitlines()
              if name == descriptor or name.startswith(f"{inside}/data/" if inside else "data/")]
    archive = _git(repo, "archive", "--format=tar", commit, *wanted) if descriptor in wanted else None
    if archive is None or archive.returncode != 0:
        raise DiffError(f"{spec}: that revision has no data package at {descriptor}")
    # tarfile, not the tar program: Windows has none. The "data" filter refuses links and paths that leave
    # the target folder.
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return _load(target / descriptor, spec)


def _load(path: Path, spec: str) -> DataPackage:
    try:
        return load(path)
    except PackageError:
        raise
    except (ValueError, KeyError, OSError) as exc:
        raise DiffError(f"{spec}: cannot be read as a data package ({exc}); run 'monitor validate' on it") from None


def published(package: Path, revision: str) -> DataPackage | None:
    """The package at the same place in ``revision``, or None where that revision has none (a new package)."""
    folder = package.resolve().parent
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        return None
    inside = folder.relative_to(Path(top.stdout.decode().strip()).resolve()).as_posix()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            return package_at(revision, Path(tmp), folder, "" if inside == "." else inside)
        except (DiffError, PackageError):
            return None


def _same(a: object, b: object) -> bool:
    return (pd.isna(a) and pd.isna(b)) or a == b


def _shown(value: object) -> str:
    return "empty" if pd.isna(value) else f"{value:g}"


def _values(pkg: DataPackage) -> pd.Series:
    return pkg["results"].set_index(KEY)["value"]


def check(pkg: DataPackage, base: DataPackage) -> tuple[list[Problem], list[Problem]]:
    """Problems and warnings of ``pkg`` against the published ``base``."""
    problems: list[Problem] = []
    before, now = _values(base), _values(pkg)
    positions = {key: i for i, key in enumerate(now.index)}
    corrections = [((e.indicator_id, e.edition, e.group_id), e.old_value, e.new_value)
                   for e in pkg["errata"].itertuples()]
    shared = before.index.intersection(now.index)
    changed = [key for key in shared if pd.notna(before[key]) and not _same(now[key], before[key])]
    for key in changed:
        if not any(k == key and _same(old, before[key]) and _same(new, now[key]) for k, old, new in corrections):
            problems.append(problem(pkg, "results", positions[key], "value", "figure-changed-without-erratum",
                                    old=_shown(before[key]), new=_shown(now[key])))
    version = pkg.descriptor.get("version")
    entries = {entry.get("version"): entry for entry in released(base)}
    if (changed or len(pkg["errata"]) > len(base["errata"])) and version in entries \
            and version == base.descriptor.get("version"):
        problems.append(Problem(pkg.path.name, None, "version", "version-not-raised", message(
            "version-not-raised", version=version, date=entries[version].get("date", "?"))))
    now_entries = {entry.get("version"): entry for entry in released(pkg)}
    for number, (version, entry) in enumerate(entries.items()):
        if now_entries.get(version) != entry:
            was = ", ".join(f'"{v}"' if isinstance(v, str) and k != "date" else str(v)
                            for k, v in entry.items() if k != "version")
            problems.append(Problem(pkg.path.name, None, f"monitor.releases[{number}]", "release-edited",
                                    message("release-edited", version=version, was=was)))
    editions = set(before.index.get_level_values("edition"))
    measured = {(key[0], key[1]) for key in before.index}
    warnings = [problem(pkg, "results", positions[key], "edition", "rows-added-to-published-edition",
                        group=key[2], edition=key[1], indicator=key[0])
                for key in now.index.difference(before.index) if key[1] in editions and (key[0], key[1]) in measured]
    return problems, warnings
