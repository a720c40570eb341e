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
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f'field "{self.field}"')
        return f"{', '.join(where)}: {self.message} [{self.rule}]"


@dataclass
class Report:
    """The outcome of validating one data package."""

    package: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def flat(self) -> list[list[object]]:
        """``[[file, row, field, rule]]``: the shape tests assert on."""
        return [[p.file, p.row, p.field, p.rule] for p in self.problems]

    def to_text(self) -> str:
        if self.valid:
            return f"{self.package}: valid."
        lines = [f"{self.package}: {len(self.problems)} problem(s) found."]
        for number, problem in enumerate(self.problems):
            lines.append(f"- {problem}")
            later = self.problems[number + 1] if number + 1 < len(self.problems) else None
            if fix(problem.rule) and (later is None or later.rule != problem.rule):
                lines.append(f"  What to do: {fix(problem.rule)}")  # once under a run of one kind
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """For the pull request's job summary: every cell is escaped, since messages quote the data."""
        if self.valid:
            return f"**Validation:** {md(self.package)} is valid."
        rows = ["| file | row | field | rule | problem |", "| --- | --- | --- | --- | --- |"]
        rows += [f"| {md(p.file)} | {p.row or ''} | {md(p.field or '')} | {md(p.rule)} | {md(p.message)} |"
                 for p in self.problems]
        notes = [f"\n_{md(n)}_" for n in self.notes]
        return "\n".join([f"**Validation:** {len(self.problems)} problem(s) in {md(self.package)}.", "", *rows,
                          *notes])

    def to_json(self) -> str:
        return json.dumps(
            {"package": self.package, "valid": self.valid, "problems": [asdict(p) for p in self.problems],
             "notes": self.notes},
            ensure_ascii=False, indent=2,
        )
