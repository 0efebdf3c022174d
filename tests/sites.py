"""Tiny sites for build tests: a valid record to vary, and a builder in a temp dir."""

from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from clinic_directory.site.publish import BuildResult, build_site, load_settings

PROJECT = Path(__file__).resolve().parent.parent

VALID_RECORD: dict[str, Any] = {
    "name": "Lantern Hill Ketamine Clinic",
    "status": "active",
    "description": "Outpatient clinic offering IV ketamine and esketamine under medical supervision.",
    "website": "https://lantern-hill.example/",
    "phone": "+1 512-555-0134",
    "address": {
        "street": "1200 Larkspur Terrace Way, Suite 300",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78701",
    },
    "location": {"lat": 30.2747, "lon": -97.7404},
    "services": [
        {
            "route": "iv_infusion",
            "conditions": ["treatment_resistant_depression", "ptsd"],
            "prices": [
                {"amount": 550, "unit": "session"},
                {"amount": 2900, "unit": "series", "sessions": 6, "includes": "six infusions"},
            ],
            "insurance": False,
        },
        {"route": "esketamine_nasal", "rems_certified": True, "insurance": True},
    ],
    "clinicians": [
        {
            "name": "Dana Ortiz",
            "credential": "MD",
            "specialty": "anesthesiology",
            "board_certified": True,
            "role": "medical_director",
        }
    ],
    "safety": ["medical_screening", "vital_signs_monitoring"],
    "payment": ["cash", "card"],
    "accepting_new_patients": True,
    "languages": ["en", "es"],
    "last_verified": "2026-09-14",
    "verified_by": "maintainer-handle",
    "sources": ["https://lantern-hill.example/pricing"],
}


def publishable(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with details a real clinic could have, as the publish build requires: no
    reserved example domain, no 555-01xx number (those mark fictional clinics)."""
    text = yaml.safe_dump(data, sort_keys=False)
    text = (
        text.replace(".example/", ".com/").replace(".example", ".com").replace("555-01", "555-23")
    )
    return yaml.safe_load(text)


def record(**changes: Any) -> dict[str, Any]:
    """The valid record with top-level fields replaced (``None`` removes a field)."""
    data = copy.deepcopy(VALID_RECORD)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@dataclass
class TinySite:
    """A copy of the project's settings, theme and pages around records of our choosing."""

    root: Path

    def add(self, identity: str, data: dict[str, Any], folder: str = "clinics") -> Path:
        path = self.root / folder / f"{identity}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    @property
    def output(self) -> Path:
        return self.root / "output"

    def settings(self, settings_file: str = "pelicanconf.py", **overrides: Any) -> dict[str, Any]:
        base = {
            "PLUGIN_PATHS": [str(PROJECT / "plugins")],
            "CLINIC_ROOT": str(self.root),
            "CLINIC_TODAY": "2026-11-22",
            "CLINIC_VENDOR_ASSETS": {
                key: str(PROJECT / value)
                for key, value in load_settings(PROJECT / "pelicanconf.py")[
                    "CLINIC_VENDOR_ASSETS"
                ].items()
            },
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
        }
        return load_settings(self.root / settings_file, overrides={**base, **overrides})

    def build(self, settings_file: str = "pelicanconf.py", **overrides: Any) -> BuildResult:
        overrides.setdefault("OUTPUT_PATH", str(self.output))
        return build_site(self.settings(settings_file, **overrides))

    def page(self, path: str) -> str:
        return (self.output / path).read_text(encoding="utf-8")


def make_tiny_site(root: Path) -> TinySite:
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(PROJECT / name, root / name)
    shutil.copytree(PROJECT / "theme", root / "theme")
    shutil.copytree(PROJECT / "content", root / "content")
    (root / "clinics").mkdir()
    (root / "samples").mkdir()
    return TinySite(root)
