"""``monitor`` starts where the municipality's maintainers work, Windows laptops included."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import FIXTURE, ROOT

# Modules that exist only on POSIX systems; importing any of them on the way to ``monitor`` would keep
# the command from starting on Windows.
POSIX_ONLY = ("fcntl", "termios", "resource", "pwd", "grp")

BLOCKER = f"""
import sys
class Windows:
    def find_spec(self, name, path=None, target=None):
        if name in {POSIX_ONLY!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}} (as on Windows)")
sys.meta_path.insert(0, Windows())
for name in {POSIX_ONLY!r}:
    sys.modules.pop(name, None)
import warnings; warnings.simplefilter("ignore")
from pipeline.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("args", [["--help"], ["validate", str(FIXTURE)], ["diff", str(FIXTURE), str(FIXTURE)]])
def test_monitor_runs_without_posix_only_modules(args):
    result = subprocess.run([sys.executable, "-c", BLOCKER, *args], capture_output=True, text=True, cwd=ROOT,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_the_blocker_blocks():
    """The test above means something only if the blocked modules really cannot be imported."""
    result = subprocess.run([sys.executable, "-c", BLOCKER.replace("from pipeline.cli import main", "import fcntl")],
                            capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode != 0 and "as on Windows" in result.stderr
