"""Pages rendered by worker processes, on a site large enough to repay them.

Rendering the clinic and list pages is most of a large build, and Python renders
on one core. This uses the standard library's process pool with the ``fork`` start
method: each worker is a copy of the build at the moment the pages are due (the
generator with its templates, context and Pelican writer is inherited, never
pickled) and runs a share of the jobs, each writing its pages through Pelican's own
writer and returning a small result (a clinic's open-data rows). Each share sends
back the results, the pages Pelican's writer announced and what it logged; the
parent announces those pages again (``content_written``) and logs the workers'
warnings and errors again, so a plugin that listens, and the rule that a build
which logged an error publishes nothing, work as in one process. An exception
in a worker reaches the parent with the worker's traceback attached.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from pelican import signals

#: Below this many clinics, starting the workers costs more than they save.
MIN_CLINICS = 1000

#: The jobs a worker runs; set once in each worker, which is a forked copy of the
#: build, and never in the building process itself.
_worker: dict[str, Any] = {}

Job = Callable[[], Any]


def processes_for(clinics: int) -> int:
    """One worker per processor once there are enough clinics, else none."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cpus or 1) if clinics >= MIN_CLINICS else 1


class _LogRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


@contextmanager
def _logged() -> Iterator[_LogRecords]:
    handler = _LogRecords()
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)


def _adopt(jobs: Sequence[Job]) -> None:
    _worker["jobs"] = jobs


def _run_share(start: int, stop: int) -> tuple[list[Any], list[str], list[tuple[str, int, str]]]:
    written: list[str] = []

    def announced(path: str, **_: object) -> None:
        written.append(path)

    signals.content_written.connect(announced)
    try:
        with _logged() as log:
            results = [job() for job in _worker["jobs"][start:stop]]
    finally:
        signals.content_written.disconnect(announced)
    return results, written, log.records


def run_jobs(jobs: Sequence[Job], *, processes: int, context: dict[str, Any]) -> list[Any]:
    """Each job's result, in order: run here with one process, else in ``processes``
    forked workers, a share at a time."""
    if processes <= 1:
        return [job() for job in jobs]
    size = max(1, -(-len(jobs) // (processes * 8)))  # small shares, so workers end together
    starts = range(0, len(jobs), size)
    results: list[Any] = []
    with ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_adopt,
        initargs=(jobs,),
    ) as pool:
        shares = pool.map(_run_share, starts, [start + size for start in starts])
        for share, written, records in shares:
            results += share
            for name, level, message in records:
                logging.getLogger(name).log(level, "%s", message)
            for path in written:
                signals.content_written.send(path, context=context)
    return results
