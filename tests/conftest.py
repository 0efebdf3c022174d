"""Shared fixtures. Pelican's signal connections outlive a Pelican instance, so
build tests rely on the plugin's receivers checking that it is enabled."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sites import TinySite, make_tiny_site


@pytest.fixture
def tiny_site(tmp_path: Path) -> TinySite:
    return make_tiny_site(tmp_path)
