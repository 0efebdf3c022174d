"""Publishing a build whole or not at all.

Pelican writes into a staging folder beside the output (``<output>.building``);
when the run ends, the search index is added and the staging folder replaces
the output by two renames on one file system, but only if no error was logged.
A build that raises or logs an error leaves the published folder as it was, so
a bad record can never produce a partial or smaller site. The plugin drives
this from Pelican's signals, so ``pelican`` alone does it; the state of one run
lives on the Pelican instance, never in this module.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.settings import read_settings

from clinic_directory.errors import ClinicDirectoryError

#: The attribute of the Pelican instance that holds its ``Publication``.
ATTRIBUTE = "clinic_directory_publication"


class BuildFailedError(ClinicDirectoryError):
    """Pelican logged errors; the published output was left as it was."""


class _ErrorLog(logging.Handler):
    """Remembers the errors logged while one build runs."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass
class Publication:
    """One Pelican instance's output folder, and the staging folder it builds into."""

    final: Path
    errors: _ErrorLog = field(default_factory=_ErrorLog)
    #: Site-relative files of the pages that carry search content (the guide and policies).
    search_pages: list[str] = field(default_factory=list)
    #: The files of each clinic as the last run wrote them, and its part of the open
    #: data, by what they depend on; ``None`` (the default) keeps nothing. ``serve``,
    #: which runs Pelican again in the same process after each edit, turns it on.
    rendered: dict[str, Any] | None = None

    @property
    def staging(self) -> Path:
        return self.final.with_name(f"{self.final.name}.building")

    @property
    def retired(self) -> Path:
        return self.final.with_name(f"{self.final.name}.previous")

    def start(self) -> None:
        """Begin a run: an empty staging folder and a fresh error log."""
        shutil.rmtree(self.staging, ignore_errors=True)
        self.stop_listening()
        self.errors = _ErrorLog()
        self.search_pages = []
        logging.getLogger().addHandler(self.errors)

    def stop_listening(self) -> None:
        logging.getLogger().removeHandler(self.errors)

    def abandon(self) -> None:
        self.stop_listening()
        shutil.rmtree(self.staging, ignore_errors=True)

    def check(self) -> None:
        """Raise, publishing nothing, if the run logged an error."""
        if self.errors.messages:
            messages = self.errors.messages
            self.abandon()
            raise BuildFailedError(
                f"the build logged {len(messages)} error(s), so nothing was published "
                f"and {self.final} was left as it was:\n" + "\n".join(messages)
            )

    def swap(self) -> None:
        """Put the staging folder in place of the output, keeping nothing of the old one."""
        self.stop_listening()
        shutil.rmtree(self.retired, ignore_errors=True)
        if self.final.exists():
            self.final.rename(self.retired)
        self.staging.rename(self.final)
        shutil.rmtree(self.retired, ignore_errors=True)


def stage(pelican: Any) -> Publication:
    """Point this Pelican instance's output at a staging folder (once per instance)."""
    publication = getattr(pelican, ATTRIBUTE, None)
    if publication is None:
        publication = Publication(Path(pelican.output_path).resolve())
        setattr(pelican, ATTRIBUTE, publication)
        pelican.output_path = str(publication.staging)
    return publication


def publication_of(pelican: Any) -> Publication:
    return getattr(pelican, ATTRIBUTE)


@dataclass(frozen=True)
class BuildResult:
    output: Path
    files: int
    seconds: float


def load_settings(
    settings_file: Path, *, records: Sequence[Path] = (), overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Pelican's settings from ``settings_file``; ``records`` replaces ``CLINICS_PATHS``."""
    override = dict(overrides or {})
    if records:
        override["CLINICS_PATHS"] = [str(Path(p).resolve()) for p in records]
    return read_settings(str(settings_file), override=override)


def build_site(settings: dict[str, Any]) -> BuildResult:
    """Run Pelican once, as ``pelican`` would; a failed run leaves no staging folder."""
    started = time.perf_counter()
    pelican = Pelican(settings)
    try:
        pelican.run()
    except BaseException:
        publication = getattr(pelican, ATTRIBUTE, None)
        if publication is not None:
            publication.abandon()
        raise
    publication = getattr(pelican, ATTRIBUTE, None)  # none where the plugin is off
    final = publication.final if publication else Path(pelican.output_path)
    files = sum(len(names) for _, _, names in os.walk(final))
    return BuildResult(final, files, time.perf_counter() - started)
