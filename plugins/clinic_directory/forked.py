"""Share CPU-bound work of a build with forked copies of this process.

Rendering ten thousand clinic pages is pure Python and keeps one core busy
while the others wait. A forked child starts with the whole build in memory
(templates, content objects, settings) without copying or pickling any of it,
renders pages into the same staging folder and sends back only its small
results, its log records and any exception. Every process takes the next
batch of items until none is left, so they finish together even when this
process first does other work of the build.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from clinic_directory.errors import ClinicDirectoryError

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Items a process takes at a time, at most: small enough to even out the end,
#: large enough that taking them costs nothing.
BATCH_SIZE = 16


def processes_for(items: int, minimum: int) -> int:
    """One process per processor once there are ``minimum`` items, else just this one:
    below that, starting processes costs more than it saves."""
    return (os.cpu_count() or 1) if items >= minimum else 1


class ForkedWorkError(ClinicDirectoryError):
    """A forked share failed with an exception that could not be sent back as it was."""


class _Recorder(logging.Handler):
    """A child's log records, kept to be logged again by the parent (which counts errors)."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


class _Batches(Generic[Item]):
    """The items, handed out a batch at a time to whichever process asks first."""

    def __init__(self, items: Sequence[Item], processes: int) -> None:
        self.items = items
        self.size = max(1, min(BATCH_SIZE, len(items) // (processes * 4)))
        self._next = multiprocessing.RawValue("q", 0)  # shared with the forked copies
        self._lock = multiprocessing.Lock()

    def take(self) -> Sequence[Item] | None:
        with self._lock:
            start = self._next.value
            self._next.value = start + self.size
        return self.items[start : start + self.size] if start < len(self.items) else None

    def stop(self) -> None:
        """Hand out nothing more: one process failed, so the build has."""
        with self._lock:
            self._next.value = len(self.items)

    def work_through(self, work: Callable[[Sequence[Item]], Result]) -> list[Result]:
        results = []
        try:
            while (batch := self.take()) is not None:
                results.append(work(batch))
        except BaseException:
            self.stop()
            raise
        return results


def share_out(
    items: Sequence[Item],
    work: Callable[[Sequence[Item]], Result],
    jobs: int,
    *,
    first: Callable[[], object] | None = None,
) -> list[Result]:
    """``work`` over batches of ``items`` in this process and ``jobs - 1`` forked copies;
    the result of every batch, in no particular order.

    This process runs ``first`` before it takes a batch: other work of the build,
    done while the copies get on with the items. The copies' log records are
    logged again here, and the first exception of any process is raised here
    once every copy has ended.
    """
    if jobs <= 1 or os.name != "posix" or len(items) < 2:
        if first is not None:
            first()
        return [work(items)]
    batches = _Batches(items, jobs)
    sys.stdout.flush()
    sys.stderr.flush()
    children = [_fork(lambda: batches.work_through(work)) for _ in range(jobs - 1)]
    results: list[Result] = []
    failure: BaseException | None = None
    try:
        if first is not None:
            first()
        results = batches.work_through(work)
    except BaseException as error:
        batches.stop()
        failure = error
    outcomes = [_collect(child) for child in children]
    for _, _, records in outcomes:
        for name, level, message in records:
            logging.getLogger(name).log(level, "%s", message)
    if failure is not None:
        raise failure
    for failed, value, _ in outcomes:
        if failed:
            raise value
        results.extend(value)
    return results


def _fork(task: Callable[[], list[Any]]) -> tuple[int, int]:
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
            outcome: tuple[bool, Any, list] = (False, task(), recorder.records)
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
