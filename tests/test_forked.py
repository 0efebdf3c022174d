"""Work shared with forked copies of the build comes back whole: results, logs, failures."""

from __future__ import annotations

import logging
import os

import pytest

from clinic_directory.errors import ClinicDirectoryError
from clinic_directory.forked import ForkedWorkError, run_in_shares

logger = logging.getLogger("clinic_directory.test_forked")


def squares_and_process(share):
    return [(item * item, os.getpid()) for item in share]


def test_every_item_is_done_once_by_one_of_the_processes():
    results = run_in_shares(list(range(10)), squares_and_process, jobs=3)

    assert len(results) == 3
    done = sorted(square for result in results for square, _ in result)
    assert done == [item * item for item in range(10)]
    processes = {pid for result in results for _, pid in result}
    assert os.getpid() in processes and len(processes) == 3


def test_a_single_job_runs_here_without_forking():
    [result] = run_in_shares([1, 2], squares_and_process, jobs=1)

    assert result == [(1, os.getpid()), (4, os.getpid())]


def log_each(share):
    for item in share:
        logger.error("clinic %s failed to render", item)
    return len(share)


def test_log_records_of_forked_shares_are_logged_again_here(caplog):
    with caplog.at_level(logging.WARNING):
        run_in_shares(["a", "b", "c", "d"], log_each, jobs=2)

    messages = sorted(record.getMessage() for record in caplog.records)
    assert messages == [f"clinic {item} failed to render" for item in "abcd"]
    assert {record.levelno for record in caplog.records} == {logging.ERROR}


class TemplateBroke(ClinicDirectoryError):
    pass


def fail_in_child(share):
    if os.getpid() != PARENT:
        raise TemplateBroke(f"cannot render {share[0]}")
    return share


PARENT = os.getpid()


def test_an_exception_in_a_forked_share_is_raised_here_as_itself():
    with pytest.raises(TemplateBroke, match="cannot render 2"):
        run_in_shares([1, 2], fail_in_child, jobs=2)


class Unsendable(Exception):
    def __init__(self, handle):
        super().__init__("lost")
        self.handle = handle


def fail_unsendably(share):
    if os.getpid() != PARENT:
        raise Unsendable(lambda: None)
    return share


def test_an_exception_that_cannot_travel_arrives_as_its_text_and_traceback():
    with pytest.raises(ForkedWorkError, match=r"(?s)in fail_unsendably.*Unsendable: lost"):
        run_in_shares([1, 2], fail_unsendably, jobs=2)
