"""Build the site so that a failure never leaves a partial or smaller site.

Pelican writes into a staging folder beside the output; only a build that
finishes without a single logged error replaces the published folder, by two
renames on the same file system. Files whose bytes did not change are hard
links to the published ones (see ``output``), so a rebuild after a small edit
changes only a few files, and a deploy uploads only those. The replaced folder
stays beside the output (``<output>.previous``) until the next build, which
deletes it while Pelican runs rather than making anyone wait for it.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.settings import read_settings

from clinic_directory.errors import ClinicDirectoryError
from clinic_directory.output import PREVIOUS_OUTPUT_SETTING
from clinic_directory.search import index_site
from clinic_directory.settings import cache_folder, search_index_enabled, search_shard_pages


class BuildFailedError(ClinicDirectoryError):
    """Pelican logged errors; the previous output was left as it was."""


@dataclass(frozen=True)
class BuildResult:
    output: Path
    files: int
    changed: int  # files that are new or whose bytes changed since the previous output
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


def _retired(final: Path) -> Path:
    """Where the output a build replaces is put, until the next build deletes it."""
    return final.with_name(f"{final.name}.previous")


@contextmanager
def _deleting_in_background(folder: Path) -> Iterator[None]:
    """Delete ``folder`` while the block runs, and be done by its end.

    The output a build replaced is tens of thousands of links and folders: seconds
    of file-system calls, which leave the interpreter free for the next build.
    """
    deleting = threading.Thread(target=shutil.rmtree, args=(folder, True), daemon=True)
    deleting.start()
    try:
        yield
    finally:
        deleting.join()


def _swap_into_place(staging: Path, final: Path) -> None:
    retired = _retired(final)
    shutil.rmtree(retired, ignore_errors=True)  # whatever the background deletion left
    if final.exists():
        final.rename(retired)
    staging.rename(final)


def _count_changes(staging: Path, final: Path) -> tuple[int, int]:
    """Files in ``staging``, and how many of them are not the published file.

    An unchanged file is a hard link to the published one (see ``output``), and
    folder listings carry inode numbers, so no file is opened or looked up.
    """
    files = changed = 0
    pending = [""]
    while pending:
        relative = pending.pop()
        try:
            with os.scandir(os.path.join(final, relative)) as entries:
                published = {entry.name: entry.inode() for entry in entries}
        except (FileNotFoundError, NotADirectoryError):
            published = {}
        with os.scandir(os.path.join(staging, relative)) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(os.path.join(relative, entry.name))
                else:
                    files += 1
                    changed += published.get(entry.name) != entry.inode()
    return files, changed


def build_site(settings: dict[str, Any], output: Path | None = None) -> BuildResult:
    """Run Pelican into a staging folder and publish it only if nothing failed."""
    final = Path(output or settings["OUTPUT_PATH"]).resolve()
    staging = final.with_name(f"{final.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    settings = {
        **settings,
        "OUTPUT_PATH": str(staging),
        "DELETE_OUTPUT_DIRECTORY": False,
        PREVIOUS_OUTPUT_SETTING: str(final),
    }
    started = time.perf_counter()
    try:
        with _deleting_in_background(_retired(final)):
            with _counting_errors() as errors:
                Pelican(settings).run()
            if errors.messages:
                raise BuildFailedError(
                    "the build logged errors, so nothing was published:\n"
                    + "\n".join(errors.messages)
                )
            if search_index_enabled(settings):
                index_site(
                    staging,
                    previous=final,
                    cache_folder=cache_folder(settings),
                    shard_pages=search_shard_pages(settings),
                )
            files, changed = _count_changes(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_into_place(staging, final)
    return BuildResult(
        output=final, files=files, changed=changed, seconds=time.perf_counter() - started
    )
