"""What the pipeline relies on in the data package (``contract.yaml``): every resource and field it reads,
with its type, key, references, required cells, allowed values, ids and web addresses.

It is data: validation checks the descriptor's shape and every row against it (``validation.descriptor``,
``validation.rows``), ``load`` gives an optional resource the package leaves out its columns, and ``monitor
diff`` compares rows by the keys named here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

FILE = Path(__file__).parent / "contract.yaml"


@cache
def contract() -> dict[str, dict]:
    return yaml.safe_load(FILE.read_text(encoding="utf-8"))
