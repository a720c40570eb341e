"""Every exception the monitor raises, in one place, each with the exit code that says whose problem it is.

``monitor`` exits with 1 when a file a person edits is wrong (the data package, a summary, the design tokens),
with 2 for a usage or file problem (an argument, a missing file, an output folder, an archive), with 3 when the
site could not be rendered; every other exception is a fault of the monitor itself (4). Each message names
the file and the key, field or cell, and what to do.
"""

from __future__ import annotations

from typing import Protocol


class MonitorError(Exception):
    """A problem with what the monitor was given, not with the monitor."""

    exit_code = 2


class InputError(MonitorError):
    """A file a person edits cannot be used as it is: the message names the file and the key or field."""

    exit_code = 1


class UsageError(MonitorError):
    """A wrong argument, a missing or unreadable file, an output folder that may not be used."""

    exit_code = 2


class RenderError(MonitorError):
    """The site could not be rendered, or a page is missing."""

    exit_code = 3


# ---- the data package ------------------------------------------------------------------------------------

class PackageError(UsageError):
    """The descriptor cannot be found or opened: a usage or I/O problem, not a data problem."""


class DescriptorError(PackageError):
    """The descriptor exists but is not a descriptor the monitor can use: a data problem, one or more."""

    def __init__(self, message: str, line: int | None = None, problems: list[str] | None = None):
        super().__init__(message)
        self.line = line
        self.problems = problems or [message]


class _Report(Protocol):
    def to_text(self) -> str: ...


class InvalidPackage(InputError):
    """The package broke its schemas or the monitor's rules; ``report`` lists every problem."""

    def __init__(self, report: _Report):
        super().__init__(report.to_text())
        self.report = report


# ---- the other files people edit -------------------------------------------------------------------------

class SummaryError(InputError):
    """A translator's file the build cannot use; the message names the file and the key."""


class TokenError(InputError):
    """``site/tokens.yaml`` or the theme it names cannot be used; the message names the token."""


# ---- what a command is given -----------------------------------------------------------------------------

class OutputError(UsageError):
    """The output folder cannot be used: it is not the monitor's to replace, or another build holds it."""


class VersionError(UsageError):
    """A release or an archive that cannot be used; the message says which and why."""


class DiffError(UsageError):
    """An argument of ``monitor diff`` is neither a readable package nor a git revision."""


class PagesDiffError(UsageError):
    """An argument of ``monitor pages-diff`` is not the output folder of a build."""


class EditionExists(UsageError):
    """``monitor new-edition`` was given a measurement the package has already."""


# ---- rendering -------------------------------------------------------------------------------------------

class QuartoError(RenderError):
    """Quarto failed, or a page is missing from what it rendered."""


# ---- the monitor's own faults ----------------------------------------------------------------------------

class OutsideOutput(Exception):
    """A path made from the package's text would lie outside the folder it is meant for. Validation refuses
    every name that could do this, so this is a fault of the monitor (exit 4), caught before anything is
    written."""
