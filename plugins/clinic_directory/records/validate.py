"""Checking record files: every problem in every file, then the checks across files.

Every file is checked and every problem collected, so a contributor sees all of
their mistakes at once: first where the file is and whether it reads as YAML
(``load``), then the schema (``messages``), then the rules on one record
(``rules``) and, on the records that pass, the rules across records
(``cross_record``). On a large set the files are shared out to worker processes.
"""

from __future__ import annotations

import gc
import marshal
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

from clinic_directory.errors import Problem
from clinic_directory.records import vocab
from clinic_directory.records.cache import RecordCache, file_key, fingerprint
from clinic_directory.records.cross_record import (
    OrganizationBefore,
    duplicate_identity,
    duplicate_name_and_street,
    duplicate_phone,
    misplaced_files,
    previous_slug_conflicts,
)
from clinic_directory.records.geocode import GeocodeCache
from clinic_directory.records.geography import record_location
from clinic_directory.records.load import LoadedFile, load_file, relative_path
from clinic_directory.records.messages import SchemaCheck
from clinic_directory.records.model import ClinicRecord, identity_of
from clinic_directory.records.rules import RECORD_RULES, RuleOptions

RECORD_SUFFIXES = (".yaml", ".yml")
#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 500
#: What each file's own checks found, by content, in the cache folder.
CHECKS_CACHE_FILE = "record-checks.jsonl"


@dataclass
class ValidationReport:
    """What validating a set of record files found."""

    records: list[ClinicRecord]  # only the records without errors
    problems: list[Problem]  # errors and warnings, sorted by path, line and column
    files: int

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def find_record_files(paths: Iterable[Path]) -> list[Path]:
    """The record files named, or found under the folders named, sorted and without repeats."""
    return _find(paths)[0]


def _find(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, Path]]]:
    """The record files, and those out of place, in one walk.

    A folder named is a records folder (clinics/, samples/, a folder given to the
    build), whose files must be two levels down; or, when it is named like a state
    (clinics/tx), a state folder, whose files must be directly in it. A file named on
    its own must not be in a folder inside a state folder. Deeper files could escape
    their folder's rules (a sample's ``sample: true``) or take another clinic's identity.
    """
    found: set[Path] = set()
    misplaced: list[tuple[Path, Path]] = []
    for path in paths:
        if not path.is_dir():
            found.add(path)
            if _named_like_a_state(path.parent.parent.name):
                misplaced.append((path, path.parent.parent.parent))
            continue
        state_folder = _named_like_a_state(path.name)
        records, depth = (path.parent, 1) if state_folder else (path, 2)
        base = len(path.parts)
        for folder, _, names in os.walk(path):
            here = Path(folder)
            files = [here / name for name in names if name.endswith(RECORD_SUFFIXES)]
            found.update(files)
            if files and len(here.parts) - base != depth - 1:
                misplaced.extend((file, records) for file in files)
    # Sorted as Path order, without its slow comparisons.
    return sorted(found, key=lambda path: path.parts), misplaced


def _named_like_a_state(name: str) -> bool:
    return name.upper() in vocab.STATES


def validate_paths(
    paths: Iterable[Path],
    *,
    root: Path,
    publish: bool = False,
    today: date | None = None,
    geocode_cache: GeocodeCache | None = None,
    jobs: int | None = None,
    cache_folder: Path | None = None,
    organization_before: OrganizationBefore | None = None,
) -> ValidationReport:
    """Validate every record file under ``paths``; ``root`` is the folder paths are reported from.

    ``jobs`` is how many processes check files; by default one per CPU once there
    are enough files for the start-up cost to pay off. With ``cache_folder``, what
    each file's own checks found is remembered there by content and reused; a
    publishing run never uses it. ``organization_before`` tells what a record's
    organization was before the change being checked, so that a phone number shared
    thanks to a newly added organization is flagged. The geocoding cache's own
    mistakes are reported with the records'.
    """
    options = RuleOptions(
        today=today or date.today(),
        publish=publish,
        geocode_cache=geocode_cache or GeocodeCache(),
    )
    cache = None
    if cache_folder is not None and not publish:
        inputs = (options.today.isoformat(), options.geocode_cache.dumps())
        cache = RecordCache.open(cache_folder / CHECKS_CACHE_FILE, fingerprint(*inputs))
    files, misplaced = _find(paths)
    with _without_cycle_collection():
        outcomes = _check_files(files, root, options, jobs, cache)
        problems = [problem for outcome in outcomes for problem in outcome.problems]
        problems.extend(options.geocode_cache.problems(root))
        problems.extend(
            misplaced_files(
                [
                    (relative_path(file, root), relative_path(folder, root))
                    for file, folder in misplaced
                ]
            )
        )
        problems.extend(duplicate_identity(files, root))
        passed = [outcome.loaded for outcome in outcomes if outcome.loaded is not None]
        problems.extend(duplicate_name_and_street(passed))
        problems.extend(duplicate_phone(passed, organization_before))
        problems.extend(previous_slug_conflicts(passed))

        failed = {problem.path for problem in problems if problem.severity == "error"}
        records = [
            ClinicRecord(
                *identity_of(loaded.path),
                source=loaded.relpath,
                data=loaded.data,
                location=record_location(loaded.data, options.geocode_cache),
                today=options.today,
            )
            for loaded in passed
            if loaded.relpath not in failed
        ]
    return ValidationReport(records, sorted(set(problems), key=_PROBLEM_ORDER), len(files))


#: Problems in their dataclass order, compared field by field in C rather than by ``__lt__``.
_PROBLEM_ORDER = attrgetter(*(field.name for field in fields(Problem)))


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Checking makes hundreds of thousands of small objects and no reference cycles;
    the cycle collector's repeated passes over them cost a third of the time at
    ten thousand files."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class _FileOutcome:
    problems: list[Problem]
    #: The file, when it passed the schema; with top-level positions only, for cross-file checks.
    loaded: LoadedFile | None

    def plain(self) -> list[Any]:
        """The outcome as lists, text and numbers: what ``marshal`` sends back from a
        worker several times faster than pickled objects, and what the cache stores."""
        loaded = self.loaded
        return [
            [list(vars(problem).values()) for problem in self.problems],
            loaded
            and [
                loaded.relpath,
                loaded.data,
                loaded.positions.get((), (1, 1)),
                {path[0]: at for path, at in loaded.positions.items() if path},
            ],
        ]

    @classmethod
    def from_plain(cls, plain: list[Any], path: Path) -> _FileOutcome:
        problems, loaded = plain
        if loaded:
            relpath, data, (line, column), fields = loaded
            positions = {(key,): (at[0], at[1]) for key, at in fields.items()}
            positions[()] = (line, column)
            loaded = LoadedFile(path, relpath, data, positions)
        return cls([Problem(*fields) for fields in problems], loaded)


def _check_files(
    files: list[Path], root: Path, options: RuleOptions, jobs: int | None, cache: RecordCache | None
) -> list[_FileOutcome]:
    """Check each file on its own, in order, skipping files the cache already knows."""
    if cache is None:
        return _check_uncached(files, root, options, jobs)
    keys = [file_key(path, relative_path(path, root)) for path in files]
    outcomes = [
        _cached_outcome(cache.get(key), path) for path, key in zip(files, keys, strict=True)
    ]
    missing = [index for index, outcome in enumerate(outcomes) if outcome is None]
    checked = _check_uncached([files[index] for index in missing], root, options, jobs)
    for index, outcome in zip(missing, checked, strict=True):
        outcomes[index] = outcome
        cache.put(keys[index], outcome.plain())
    cache.save()
    return outcomes


def _cached_outcome(plain: Any, path: Path) -> _FileOutcome | None:
    if plain is None:
        return None
    try:
        return _FileOutcome.from_plain(plain, path)
    except (TypeError, ValueError, AttributeError, IndexError):  # odd entry: check the file again
        return None


def _check_uncached(
    files: list[Path], root: Path, options: RuleOptions, jobs: int | None
) -> list[_FileOutcome]:
    """Spread the files over worker processes when there are enough to be worth it."""
    if jobs is None:
        jobs = (os.cpu_count() or 1) if len(files) >= PARALLEL_MIN_FILES else 1
    if jobs <= 1:
        return _check_chunk(files, root, options)
    # Small chunks, so the workers finish together; each is unpacked here while
    # the workers check the next ones.
    size = max(1, -(-len(files) // (jobs * 16)))
    chunks = [files[start : start + size] for start in range(0, len(files), size)]
    with ProcessPoolExecutor(jobs) as pool:
        results = pool.map(_check_chunk_in_worker, chunks, repeat(root), repeat(options))
        packed = (outcome for chunk in results for outcome in chunk)
        return [
            _FileOutcome.from_plain(marshal.loads(outcome), path)
            for path, outcome in zip(files, packed, strict=True)
        ]


def _check_chunk(files: list[Path], root: Path, options: RuleOptions) -> list[_FileOutcome]:
    """Load, schema-check and rule-check some files."""
    schema = SchemaCheck()
    return [_check_file(path, root, options, schema) for path in files]


def _check_chunk_in_worker(files: list[Path], root: Path, options: RuleOptions) -> list[bytes]:
    with _without_cycle_collection():
        return [marshal.dumps(outcome.plain()) for outcome in _check_chunk(files, root, options)]


def _check_file(path: Path, root: Path, options: RuleOptions, schema: SchemaCheck) -> _FileOutcome:
    loaded = load_file(path, root=root)
    if loaded.data is None:
        return _FileOutcome(loaded.problems, None)
    schema_problems = schema.problems(loaded)
    if schema_problems:
        return _FileOutcome(schema_problems, None)
    problems = [problem for rule in RECORD_RULES for problem in rule(loaded, options)]
    return _FileOutcome(problems, loaded.top_level())
