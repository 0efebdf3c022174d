"""Fingerprints of what output depends on, and the manifest that remembers them.

A rebuild renders a clinic's files again only when their fingerprint changed: a
SHA-256 of the record, its URLs and everything site-wide that reaches a template
(settings, template and plugin sources, assets, the date). The manifest maps each
fingerprint to the stamps of the files it produced; a file is reused only if the
published one still carries that stamp, so a manifest written for another build
of the same folder can never bring back a wrong file. The manifest is JSON in
Pelican's cache folder (``CACHE_PATH``), one per output folder, and only a
speed-up: missing, corrupt or foreign, it is ignored and everything is rendered.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import marshal
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path, PurePath
from typing import Any

from clinic_directory.output import FileStamp

logger = logging.getLogger(__name__)

MANIFEST_VERSION = 1
#: The plugin's own code and schema: a change to any of them can change any page.
PLUGIN_FOLDER = Path(__file__).resolve().parent
#: Packages whose upgrade can change rendered bytes.
RENDERING_PACKAGES = ("pelican", "jinja2", "markupsafe", "pagefind")

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _canonical(value: Any) -> Any:
    """A value JSON cannot encode, as JSON that is the same in every process.

    Functions and classes become their dotted names, other objects their ``repr``
    without memory addresses, so settings holding callables still fingerprint.
    """
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if isinstance(value, date | PurePath):
        return str(value)
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return _ADDRESS.sub("", repr(value))


def digest(*parts: Any) -> str:
    """SHA-256 of ``parts`` as canonical JSON (keys sorted, other objects as above)."""
    text = json.dumps(
        parts, default=_canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode()).hexdigest()


def data_digest(data: Any) -> str:
    """SHA-256 of plain data (mappings, lists, text, numbers) as ``marshal`` writes
    it: several times cheaper than canonical JSON, and equal for records read from
    equal files. Key order counts, which at worst renders a reordered record again.
    Format 2, because later formats write shared objects as back-references, so
    equal data could give different bytes."""
    return hashlib.sha256(marshal.dumps(data, 2)).hexdigest()


def folders_digest(folders: Iterable[Path]) -> str:
    """SHA-256 of every file's path and bytes under ``folders`` (caches skipped)."""
    hasher = hashlib.sha256()
    for number, folder in enumerate(folders):
        paths = sorted(folder.rglob("*")) if folder.is_dir() else []
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                name = f"{number}/{path.relative_to(folder).as_posix()}"
                hasher.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()


def software_versions() -> dict[str, str]:
    return {package: version(package) for package in RENDERING_PACKAGES}


def _valid_stamps(files: Any) -> dict[str, FileStamp] | None:
    if not isinstance(files, dict):
        return None
    stamps = {}
    for name, stamp in files.items():
        if not (isinstance(stamp, list) and len(stamp) == 3 and all(type(n) is int for n in stamp)):
            return None
        stamps[name] = (stamp[0], stamp[1], stamp[2])
    return stamps


@dataclass
class BuildManifest:
    """Fingerprint and file stamps per unit of output (a clinic, the open data, ...)."""

    path: Path
    output: str
    previous: dict[str, Any]
    current: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, cache_folder: Path, output: Path, name: str) -> BuildManifest:
        """The manifest of the last build of ``output``, or an empty one."""
        key = hashlib.sha256(str(output).encode()).hexdigest()[:16]
        path = cache_folder / "clinic-directory" / f"{name}-{key}.json"
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            valid = (
                document["version"] == MANIFEST_VERSION
                and document["output"] == str(output)
                and isinstance(document["units"], dict)
            )
        except (OSError, ValueError, KeyError, TypeError):
            valid = False
        return cls(path, str(output), document["units"] if valid else {})

    def stamps(self, unit: str, fingerprint: str) -> dict[str, FileStamp] | None:
        """Stamps of the files ``unit`` produced last time, if its fingerprint is the same."""
        entry = self.previous.get(unit)
        if not isinstance(entry, dict) or entry.get("fingerprint") != fingerprint:
            return None
        return _valid_stamps(entry.get("files"))

    def record(self, unit: str, fingerprint: str, stamps: Mapping[str, FileStamp | None]) -> None:
        """Remember what ``unit`` produced in this build (files that were not written are
        left out, so the unit is rendered again next time)."""
        if all(stamp is not None for stamp in stamps.values()):
            self.current[unit] = {"fingerprint": fingerprint, "files": dict(stamps)}

    def recorded(self, units: list[str]) -> dict[str, Any]:
        """What this build recorded for ``units``: to hand from a forked share to the parent."""
        return {unit: self.current[unit] for unit in units if unit in self.current}

    def merge(self, recorded: Mapping[str, Any]) -> None:
        self.current.update(recorded)

    def save(self) -> None:
        """Write the manifest for the next build; failing to is only a lost speed-up."""
        document = {"version": MANIFEST_VERSION, "output": self.output, "units": self.current}
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as error:
            logger.warning(
                "could not save the rebuild manifest %s (%s): the next build renders every page",
                self.path,
                error,
            )
