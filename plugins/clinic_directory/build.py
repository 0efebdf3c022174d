"""Build the site so that a failure never leaves a partial or smaller site.

Pelican writes into a staging folder beside the output; only a build that
finishes without a single logged error replaces the published folder, by two
renames on the same file system.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.settings import read_settings

from clinic_directory.errors import ClinicDirectoryError
from clinic_directory.search import index_site
from clinic_directory.settings import search_index_enabled


class BuildFailedError(ClinicDirectoryError):
    """Pelican logged errors; the previous output was left as it was."""


@dataclass(frozen=True)
class BuildResult:
    output: Path
    files: int
    seconds: float


class _ErrorCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _counting_errors() -> Iterator[_ErrorCounter]:
    counter = _ErrorCounter()
    root = logging.getLogger()
    root.addHandler(counter)
    try:
        yield counter
    finally:
        root.removeHandler(counter)


def load_settings(
    settings_file: Path, *, records: Sequence[Path] = (), overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    override = dict(overrides or {})
    if records:
        override["CLINICS_PATHS"] = [str(Path(p).resolve()) for p in records]
    return read_settings(str(settings_file), override=override)


def _swap_into_place(staging: Path, final: Path) -> None:
    retired = final.with_name(f"{final.name}.previous")
    shutil.rmtree(retired, ignore_errors=True)
    if final.exists():
        final.rename(retired)
    staging.rename(final)
    shutil.rmtree(retired, ignore_errors=True)


def build_site(settings: dict[str, Any], output: Path | None = None) -> BuildResult:
    """Run Pelican into a staging folder and publish it only if nothing failed."""
    final = Path(output or settings["OUTPUT_PATH"]).resolve()
    staging = final.with_name(f"{final.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    settings = {**settings, "OUTPUT_PATH": str(staging), "DELETE_OUTPUT_DIRECTORY": False}
    started = time.perf_counter()
    try:
        with _counting_errors() as errors:
            Pelican(settings).run()
        if errors.messages:
            raise BuildFailedError(
                "the build logged errors, so nothing was published:\n" + "\n".join(errors.messages)
            )
        if search_index_enabled(settings):
            index_site(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_into_place(staging, final)
    files = sum(1 for p in final.rglob("*") if p.is_file())
    return BuildResult(output=final, files=files, seconds=time.perf_counter() - started)
