"""Run ``clinic-directory build`` and record how long each phase took.

Usage: ``timed_build.py PHASES.json build -s pelicanconf.py -o OUT --records DIR``.
The build runs exactly as the command line runs it; Pelican's signals and two
wrappers mark the phases, written to PHASES.json when the process ends:

- ``startup``: imports, settings and plugin set-up, up to Pelican's ``initialized``;
- ``validate``: the records' validation inside the build;
- ``read``: the rest of building every generator's context;
- ``render``: template rendering in this process while the output is written
  (clinic pages rendered by a forked share count under ``write``, which waits for them);
- ``write``: the rest of the output phase (files, data, assets);
- ``index``: the site search index, after Pelican;
- ``finish``: the rest until the command returns (counting the changed files and
  publishing the output folder).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()

import jinja2  # noqa: E402
from pelican import signals  # noqa: E402

from clinic_directory import build as directory_build  # noqa: E402
from clinic_directory import cli  # noqa: E402
from clinic_directory import generate as directory_generator  # noqa: E402


class PhaseTimer:
    """Timestamps from Pelican's signals, plus time spent inside wrapped calls."""

    def __init__(self) -> None:
        self.marks: dict[str, float] = {}
        self.inside: dict[str, float] = {"validate": 0.0, "render": 0.0, "index": 0.0}
        self._depth = 0

    def mark(self, name: str) -> Callable[..., None]:
        def receiver(*_: Any, **__: Any) -> None:
            self.marks[name] = time.perf_counter()

        return receiver

    def timed(self, bucket: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """``function``, adding its outermost calls' duration to ``bucket``."""

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self._depth += 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self.inside[bucket] += time.perf_counter() - started

        return wrapper

    def phases(self, ended: float) -> dict[str, float]:
        initialized = self.marks.get("initialized", ended)
        context = self.marks.get("context", initialized)
        finalized = self.marks.get("finalized", context)
        validate, render = self.inside["validate"], self.inside["render"]
        return {
            "startup": initialized - STARTED,
            "validate": validate,
            "read": context - initialized - validate,
            "render": render,
            "write": finalized - context - render,
            "index": self.inside["index"],
            "finish": ended - finalized - self.inside["index"],
        }


def main(phases_file: Path, arguments: list[str]) -> int:
    timer = PhaseTimer()
    signals.initialized.connect(timer.mark("initialized"), weak=False)
    signals.all_generators_finalized.connect(timer.mark("context"), weak=False)
    signals.finalized.connect(timer.mark("finalized"), weak=False)
    directory_generator.validate_paths = timer.timed("validate", directory_generator.validate_paths)
    jinja2.Template.render = timer.timed("render", jinja2.Template.render)
    directory_build.index_site = timer.timed("index", directory_build.index_site)
    status = cli.main(arguments)
    phases = timer.phases(time.perf_counter())
    phases_file.write_text(json.dumps(phases), encoding="utf-8")
    return status


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), sys.argv[2:]))
