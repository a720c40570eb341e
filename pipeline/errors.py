"""The problems someone other than the monitor's developers can fix, each with the exit code that says whose.

``monitor`` exits with 1 when a file a person edits is wrong (the data package, a summary, the design tokens),
with 2 for a usage or file problem (an argument, a missing file, an output folder, an archive), with 3 when the
site could not be rendered; every other exception is a fault of the monitor itself (4). Each message names
the file and the key, field or cell, and what to do.
"""

from __future__ import annotations


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
