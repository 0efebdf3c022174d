"""Share CPU-bound work of a build with forked copies of this process.

Rendering ten thousand clinic pages is pure Python and keeps one core busy
while the others wait. A forked child starts with the whole build in memory
(templates, content objects, settings) without copying or pickling any of it,
renders its share of the pages into the same staging folder and sends back only
its small result, its log records and any exception. The parent renders the
first share itself, so ``jobs`` processes use ``jobs`` cores with ``jobs - 1``
forks.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from clinic_directory.errors import ClinicDirectoryError

Item = TypeVar("Item")
Result = TypeVar("Result")


class ForkedWorkError(ClinicDirectoryError):
    """A forked share failed with an exception that could not be sent back as it was."""


class _Recorder(logging.Handler):
    """A child's log records, kept to be logged again by the parent (which counts errors)."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def run_in_shares(
    items: Sequence[Item], work: Callable[[Sequence[Item]], Result], jobs: int
) -> list[Result]:
    """``work`` over ``jobs`` interleaved shares of ``items``, one result per share.

    Children's log records are logged again here, in order after the parent's
    share; the first exception from any share is raised here once every child
    has ended.
    """
    shares = [items[start::jobs] for start in range(jobs)]
    if jobs <= 1 or os.name != "posix" or len(items) < jobs:
        return [work(items)]
    sys.stdout.flush()
    sys.stderr.flush()
    children = [_fork(work, share) for share in shares[1:]]
    try:
        results = [work(shares[0])]
    finally:
        outcomes = [_collect(child) for child in children]
    for _, _, records in outcomes:
        for name, level, message in records:
            logging.getLogger(name).log(level, "%s", message)
    for failed, value, _ in outcomes:
        if failed:
            raise value
        results.append(value)
    return results


def _fork(work: Callable[[Sequence[Item]], Result], share: Sequence[Item]) -> tuple[int, int]:
    reading, writing = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writing)
        return pid, reading
    os.close(reading)  # from here on, the child
    status = 0
    try:
        recorder = _Recorder()
        logging.getLogger().handlers[:] = [recorder]
        try:
            outcome: tuple[bool, Any, list] = (False, work(share), recorder.records)
        except BaseException as error:  # sent to the parent, which raises it
            outcome = (True, _sendable(error), recorder.records)
        with os.fdopen(writing, "wb") as pipe:
            pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        status = 1
    finally:
        os._exit(status)  # never the parent's clean-up, exit handlers or buffers


def _sendable(error: BaseException) -> BaseException:
    """The exception itself if it survives pickling, else its text and traceback."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        text = "".join(traceback.format_exception(error)).strip()
        return ForkedWorkError(f"a forked share of the build failed:\n{text}")
    return error


def _collect(child: tuple[int, int]) -> tuple[bool, Any, list]:
    pid, reading = child
    with os.fdopen(reading, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    try:
        return pickle.loads(payload)
    except Exception:
        code = os.waitstatus_to_exitcode(status)
        error = ForkedWorkError(f"a forked share of the build ended without a result (exit {code})")
        return True, error, []
