"""Work shared with forked copies of the build comes back whole: results, logs, failures."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from clinic_directory.errors import ClinicDirectoryError
from clinic_directory.forked import ForkedWorkError, share_out

logger = logging.getLogger("clinic_directory.test_forked")
PARENT = os.getpid()


def squares_and_process(batch):
    return [(item * item, os.getpid()) for item in batch]


def done(results):
    return sorted(square for result in results for square, _ in result)


def waiting_for(marker: Path) -> Callable[[], None]:
    """Waiting (30 s at most) until another process has made the marker file."""

    def wait() -> None:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.005)

    return wait


def announced(marker: Path, work: Callable) -> Callable:
    def work_in_copy(batch):
        if os.getpid() != PARENT:
            marker.touch()
        return work(batch)

    return work_in_copy


def test_every_item_is_done_once_by_one_of_the_processes(tmp_path):
    marker = tmp_path / "started"
    work = announced(marker, squares_and_process)

    results = share_out(list(range(100)), work, jobs=3, first=waiting_for(marker))

    assert done(results) == [item * item for item in range(100)]
    assert any(pid != PARENT for result in results for _, pid in result)


def test_a_single_job_runs_here_without_forking():
    [result] = share_out([1, 2], squares_and_process, jobs=1)

    assert result == [(1, PARENT), (4, PARENT)]


def test_this_process_does_its_other_work_first_while_the_copies_start(tmp_path):
    marker = tmp_path / "first-done"

    results = share_out(list(range(40)), squares_and_process, jobs=2, first=marker.touch)

    assert marker.exists()
    assert done(results) == [item * item for item in range(40)]


def log_each(batch):
    for item in batch:
        logger.error("clinic %s failed to render", item)
    return len(batch)


def test_log_records_of_forked_copies_are_logged_again_here(caplog, tmp_path):
    marker = tmp_path / "started"
    work = announced(marker, log_each)

    with caplog.at_level(logging.WARNING):
        share_out(list("abcdefgh"), work, jobs=2, first=waiting_for(marker))

    messages = sorted(record.getMessage() for record in caplog.records)
    assert messages == [f"clinic {item} failed to render" for item in "abcdefgh"]
    assert {record.levelno for record in caplog.records} == {logging.ERROR}


class TemplateBroke(ClinicDirectoryError):
    pass


def fail_in_copies(batch):
    if os.getpid() != PARENT:
        raise TemplateBroke(f"cannot render {batch[0]}")
    return batch


def test_an_exception_in_a_forked_copy_is_raised_here_as_itself(tmp_path):
    marker = tmp_path / "started"
    work = announced(marker, fail_in_copies)

    with pytest.raises(TemplateBroke, match="cannot render"):
        share_out(list(range(8)), work, jobs=2, first=waiting_for(marker))


class Unsendable(Exception):
    def __init__(self, handle):
        super().__init__("lost")
        self.handle = handle


def fail_unsendably(batch):
    if os.getpid() != PARENT:
        raise Unsendable(lambda: None)
    return batch


def test_an_exception_that_cannot_travel_arrives_as_its_text_and_traceback(tmp_path):
    marker = tmp_path / "started"
    work = announced(marker, fail_unsendably)

    with pytest.raises(ForkedWorkError, match=r"(?s)in fail_unsendably.*Unsendable: lost"):
        share_out(list(range(8)), work, jobs=2, first=waiting_for(marker))


def failing_here(marker: Path) -> Callable:
    """Fails in this process; a copy holds its first batch until then, so this
    process surely gets a batch of its own however fast the copy starts."""

    def work(batch):
        if os.getpid() == PARENT:
            marker.touch()
            raise TemplateBroke("broken in this process")
        waiting_for(marker)()
        return batch

    return work


def test_an_exception_here_is_raised_after_the_copies_have_ended(tmp_path):
    with pytest.raises(TemplateBroke, match="broken in this process"):
        share_out(list(range(8)), failing_here(tmp_path / "failed"), jobs=2)
