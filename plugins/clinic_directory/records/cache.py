"""Remembering work done for each record between runs, keyed by what it depends on.

Checking a record file and writing its part of the open data take milliseconds
each, seconds at ten thousand records; after one record is edited only its work
needs doing again. Each cache file holds entries under a key of one record's
inputs (a check: the file's path and bytes; an export: the record's fingerprint)
and is tied to a fingerprint of everything else the work depends on (this
package's code, the date, ...): any difference discards the whole file.

Caches are JSON in the build's cache folder (never pickle: the folder is
writable by anyone who can write the project) and only ever a speed-up: delete
them at will. Publishing never reads them, so no file committed to the
repository can stand in for a real check or change what is published.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: Bumped when the stored form of an entry changes.
FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent.parent


def fingerprint(*inputs: str) -> str:
    """A digest of this package's code and the given inputs: what every entry depends on."""
    digest = hashlib.sha256(f"{FORMAT}\0".encode())
    for module in sorted(_PACKAGE.rglob("*.py")):
        digest.update(module.read_bytes())
    for value in inputs:
        digest.update(b"\0" + value.encode())
    return digest.hexdigest()


def file_key(path: Path, relpath: str) -> str | None:
    """The entry key of a record file, or ``None`` for a file that must always be checked
    (a link, whose target can change without its bytes changing; an unreadable file)."""
    try:
        if path.is_symlink():
            return None
        content = path.read_bytes()
    except OSError:
        return None
    return hashlib.sha256(relpath.encode() + b"\0" + content).hexdigest()


@dataclass
class RecordCache:
    """Entries of one cache file; those used in this run are the ones saved back.

    One line per entry, ``<key> <JSON>``, after a first line naming the fingerprint:
    an entry is decoded only when its file is asked for, and an unchanged entry is
    written back as the text it was read as.
    """

    path: Path
    fingerprint: str
    lines: dict[str, str]
    used: dict[str, str] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path, fingerprint: str) -> RecordCache:
        try:
            header, *entries = path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            return cls(path, fingerprint, {})  # missing or damaged: start afresh
        if header != cls.header_for(fingerprint):
            return cls(path, fingerprint, {})
        return cls(path, fingerprint, dict(line.split(" ", 1) for line in entries if " " in line))

    @staticmethod
    def header_for(fingerprint: str) -> str:
        return json.dumps({"format": FORMAT, "fingerprint": fingerprint})

    def get(self, key: str | None) -> Any | None:
        """The stored entry for ``key``, or ``None`` when there is none or it is unreadable."""
        line = self.lines.get(key) if key else None
        if line is None:
            return None
        try:
            value = json.loads(line)
        except ValueError:
            return None
        self.used[key] = line
        return value

    def put(self, key: str | None, value: Any) -> None:
        if key is not None:
            self.used[key] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def save(self) -> None:
        """Write the entries used in this run, atomically; a failure only costs speed."""
        if self.used == self.lines:
            return
        partial = self.path.with_name(f"{self.path.name}.partial")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("w", encoding="utf-8") as file:  # line by line: it can be large
                file.write(self.header_for(self.fingerprint))
                file.writelines(f"\n{key} {value}" for key, value in self.used.items())
            os.replace(partial, self.path)
        except OSError as error:
            logger.warning("could not save the cache %s: %s", self.path, error)
