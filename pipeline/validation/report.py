"""Validation problems in a form a maintainer can act on: file, row, field, rule, plain words."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from pipeline.text.escape import markdown as md
from pipeline.validation.problems import catalogue


def fix(rule: str) -> str:
    """The one line ``problems.yaml`` gives for what to do about a problem, or nothing for frictionless's own."""
    return " ".join(str(catalogue().get(rule, {}).get("fix", "")).split())


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data package.

    ``row`` counts like a spreadsheet: the header is row 1, the first data row is row 2.
    """

    file: str
    row: int | None
    field: str | None
    rule: str
    message: str

    def sort_key(self) -> tuple:
        return (self.file, self.row or 0, self.field or "", self.rule)

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:  # a CSV file's row as a spreadsheet counts it; a text file's line
            where.append(f"{'row' if self.file.endswith('.csv') else 'line'} {self.row}")
        if self.field:
            where.append(f'field "{self.field}"')
        return f"{', '.join(where)}: {self.message} [{self.rule}]"


@dataclass
class Report:
    """The outcome of validating one data package."""

    package: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # plausible mistakes: the package stays valid

    @property
    def valid(self) -> bool:
        return not self.problems

    def flat(self) -> list[list[object]]:
        """``[[file, row, field, rule]]``: the shape tests assert on."""
        return [[p.file, p.row, p.field, p.rule] for p in self.problems]

    def to_text(self) -> str:
        lines = [f"{self.package}: valid." if self.valid else f"{self.package}: {len(self.problems)} problem(s) found."]
        lines += _listed(self.problems, "- ")
        if self.warnings:
            lines.append(f"{len(self.warnings)} warning(s): check these; they do not make the package invalid.")
            lines += _listed(self.warnings, "- Warning: ")
        lines += [f"Note: {n}" for n in self.notes if not self.valid]
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """For the pull request's job summary: every cell is escaped, since messages quote the data."""
        head = (f"**Validation:** {md(self.package)} is valid." if self.valid else
                f"**Validation:** {len(self.problems)} problem(s) in {md(self.package)}.")
        if self.warnings:
            head += f" {len(self.warnings)} warning(s)."
        if not self.problems and not self.warnings:
            return head
        rows = ["| file | row | field | rule | problem |", "| --- | --- | --- | --- | --- |"]
        rows += [f"| {md(p.file)} | {p.row or ''} | {md(p.field or '')} | {md(p.rule)} | {prefix}{md(p.message)} |"
                 for found, prefix in ((self.problems, ""), (self.warnings, "warning: ")) for p in found]
        notes = [f"\n_{md(n)}_" for n in self.notes if not self.valid]
        return "\n".join([head, "", *rows, *notes])

    def to_json(self) -> str:
        return json.dumps(
            {"package": self.package, "valid": self.valid, "problems": [asdict(p) for p in self.problems],
             "warnings": [asdict(p) for p in self.warnings], "notes": self.notes},
            ensure_ascii=False, indent=2,
        )


def _listed(problems: list[Problem], bullet: str) -> list[str]:
    """Each problem on a line; under the last of a run of one kind, what to do about it."""
    lines = []
    for number, problem in enumerate(problems):
        lines.append(f"{bullet}{problem}")
        later = problems[number + 1] if number + 1 < len(problems) else None
        if fix(problem.rule) and (later is None or later.rule != problem.rule):
            lines.append(f"  What to do: {fix(problem.rule)}")
    return lines
