"""Theme and vendor files published under content-hashed names.

A hashed name lets hosts cache assets forever and still serve a change at once.
The manifest is computed in ``generate_context`` (so every template can ask for a
URL) and written in ``generate_output``; vendor packages come from
``node_modules`` (installed from the lockfile), never from the repository.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from clinic_directory.errors import ConfigurationError
from clinic_directory.site.page_context import page_wide

OUTPUT_FOLDER = "static"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:10]


def _hashed_name(logical: str, digest: str) -> str:
    stem, dot, suffix = logical.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{logical}.{digest}"


@dataclass
class AssetManifest:
    """Logical name (``js/map.js``) -> output path (``static/js/map.1a2b3c4d5e.js``)."""

    urls: dict[str, str] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)  # output path -> source file
    generated: dict[str, bytes] = field(default_factory=dict)  # output path -> bytes
    folders: dict[str, Path] = field(default_factory=dict)  # output folder -> source folder

    def add_file(self, logical: str, source: Path) -> None:
        output = f"{OUTPUT_FOLDER}/{_hashed_name(logical, _digest(source.read_bytes()))}"
        self.urls[logical] = output
        self.files[output] = source

    def add_bytes(self, logical: str, data: bytes) -> None:
        output = f"{OUTPUT_FOLDER}/{_hashed_name(logical, _digest(data))}"
        self.urls[logical] = output
        self.generated[output] = data

    def add_vendor(self, logical: str, source: Path) -> None:
        """A vendor file keeps its name inside a hashed folder, so its relative
        references (Leaflet's CSS pointing at ``images/``) keep working."""
        if not source.is_file():
            raise ConfigurationError(
                f"vendor asset {logical!r} expects {source}, which is missing: "
                "run `npm ci` (make does this for you)"
            )
        folder = source.parent
        digest = _digest(b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()))
        output_folder = f"{OUTPUT_FOLDER}/{Path(logical).parent}-{digest}"
        self.urls[logical] = f"{output_folder}/{source.name}"
        self.folders[output_folder] = folder

    def outputs(self) -> Iterator[tuple[str, bytes]]:
        """Every asset as (output path, bytes)."""
        for target, source in self.files.items():
            yield target, source.read_bytes()
        yield from self.generated.items()
        for target, folder in self.folders.items():
            for source in sorted(folder.rglob("*")):
                if source.is_file():
                    yield f"{target}/{source.relative_to(folder).as_posix()}", source.read_bytes()


def collect_theme_assets(static_folder: Path, vendor: Mapping[str, Path]) -> AssetManifest:
    manifest = AssetManifest()
    if static_folder.is_dir():
        for source in sorted(static_folder.rglob("*")):
            if source.is_file():
                manifest.add_file(source.relative_to(static_folder).as_posix(), source)
    for logical, source in vendor.items():
        manifest.add_vendor(logical, source)
    return manifest


@page_wide
def asset_url(context: Mapping, logical: str) -> str:
    """Jinja global ``asset('css/site.css')``: the hashed URL, under ``SITEURL``."""
    manifest: AssetManifest = context["asset_manifest"]
    try:
        output = manifest.urls[logical]
    except KeyError:
        known = ", ".join(sorted(manifest.urls)) or "none"
        raise ConfigurationError(
            f"template asks for asset {logical!r}, which is not in theme/static or "
            f"CLINIC_VENDOR_ASSETS (known: {known})"
        ) from None
    return f"{context.get('SITEURL', '')}/{output}"
