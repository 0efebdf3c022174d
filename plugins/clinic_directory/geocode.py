"""Coordinates for records that do not state them.

The build never touches the network: it reads the committed, human-readable cache
that ``clinic-directory geocode`` fills.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

CACHE_FILE_NAME = "geocode-cache.json"


def address_key(address: Mapping[str, str]) -> str:
    """A normalised one-line form of an address, the cache's key."""
    parts = (address["street"], address["city"], address["state"], address["postal_code"])
    return ", ".join(" ".join(str(part).split()).lower() for part in parts)


class GeocodeCache:
    """Address key -> (lat, lon), stored sorted so diffs stay small and reviewable."""

    def __init__(self, entries: Mapping[str, tuple[float, float]] | None = None) -> None:
        self.entries: dict[str, tuple[float, float]] = dict(entries or {})

    @classmethod
    def load(cls, path: Path) -> GeocodeCache:
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls({key: (value["lat"], value["lon"]) for key, value in raw.items()})

    def get(self, address: Mapping[str, str]) -> tuple[float, float] | None:
        return self.entries.get(address_key(address))

    def set(self, address: Mapping[str, str], lat: float, lon: float) -> None:
        self.entries[address_key(address)] = (round(lat, 6), round(lon, 6))

    def dumps(self) -> str:
        body = {key: {"lat": lat, "lon": lon} for key, (lat, lon) in sorted(self.entries.items())}
        return json.dumps(body, indent=2, sort_keys=True) + "\n"

    def save(self, path: Path) -> None:
        path.write_text(self.dumps(), encoding="utf-8")
