"""A valid record to copy and vary, for the maintainer-workflow command tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

FIXTURE = Path(__file__).parent / "fixtures" / "maintainers" / "record.yaml"


def write_record(root: Path, relpath: str, **changes: Any) -> Path:
    """Write the fixture record to ``root/relpath``, with top-level fields replaced."""
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8")) | changes
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
