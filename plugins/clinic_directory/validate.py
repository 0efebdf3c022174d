"""Checking record files: schema first, then the rules a schema cannot say plainly.

Every file is checked and every problem collected, so a contributor sees all of
their mistakes at once. The compiled ``jsonschema_rs`` validator clears the valid
files quickly; only a file that fails is checked again by the pure-Python
``jsonschema``, whose detailed errors are turned into plain sentences placed at
the offending value. Rules that involve several fields, the calendar, the file's
location or other files run on the records that pass the schema.
"""

from __future__ import annotations

import difflib
import gc
import importlib
import marshal
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date
from functools import cached_property
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from clinic_directory import vocab
from clinic_directory.errors import Problem
from clinic_directory.forked import processes_for
from clinic_directory.geocode import GeocodeCache
from clinic_directory.load import LoadedFile, load_file, relative_path
from clinic_directory.model import STALE_AFTER_DAYS, ClinicRecord, identity_of
from clinic_directory.record_cache import RecordCache, file_key, fingerprint
from clinic_directory.schema import TEXT_PATTERNS, build_schema

if TYPE_CHECKING:
    import jsonschema

RECORD_SUFFIXES = (".yaml", ".yml")
#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 500
SAMPLES_FOLDER = "samples"
#: What each file's own checks found, by content, in the cache folder (``record_cache``).
CHECKS_CACHE_FILE = "record-checks.jsonl"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: The check digits of an NPI are computed as if it were prefixed with 80840 (health, USA).
NPI_PREFIX = "80840"

Box = tuple[float, float, float, float]  # south, north, west, east, in degrees

#: Degrees added around each state's box, so points near a border are never refused.
BOUNDS_MARGIN = 0.5
#: A rough box (or two, where a state crosses the 180th meridian) around each state.
STATE_BOUNDS: Mapping[str, tuple[Box, ...]] = MappingProxyType(
    {
        "AL": ((30.1, 35.0, -88.5, -84.9),),
        "AK": ((51.2, 71.5, -180.0, -129.9), (51.2, 53.1, 172.4, 180.0)),
        "AZ": ((31.3, 37.0, -114.9, -109.0),),
        "AR": ((33.0, 36.5, -94.7, -89.6),),
        "CA": ((32.5, 42.0, -124.5, -114.1),),
        "CO": ((37.0, 41.0, -109.1, -102.0),),
        "CT": ((40.9, 42.1, -73.8, -71.8),),
        "DE": ((38.4, 39.9, -75.8, -75.0),),
        "DC": ((38.8, 39.0, -77.2, -76.9),),
        "FL": ((24.4, 31.0, -87.7, -80.0),),
        "GA": ((30.3, 35.0, -85.7, -80.8),),
        "HI": ((18.9, 28.5, -178.4, -154.8),),
        "ID": ((42.0, 49.0, -117.3, -111.0),),
        "IL": ((36.9, 42.5, -91.6, -87.0),),
        "IN": ((37.8, 41.8, -88.1, -84.8),),
        "IA": ((40.4, 43.5, -96.7, -90.1),),
        "KS": ((37.0, 40.0, -102.1, -94.6),),
        "KY": ((36.5, 39.2, -89.6, -81.9),),
        "LA": ((28.9, 33.0, -94.1, -88.8),),
        "ME": ((43.0, 47.5, -71.1, -66.9),),
        "MD": ((37.9, 39.7, -79.5, -75.0),),
        "MA": ((41.2, 42.9, -73.5, -69.9),),
        "MI": ((41.7, 48.3, -90.4, -82.4),),
        "MN": ((43.5, 49.4, -97.3, -89.5),),
        "MS": ((30.1, 35.0, -91.7, -88.1),),
        "MO": ((36.0, 40.6, -95.8, -89.1),),
        "MT": ((44.4, 49.0, -116.1, -104.0),),
        "NE": ((40.0, 43.0, -104.1, -95.3),),
        "NV": ((35.0, 42.0, -120.0, -114.0),),
        "NH": ((42.7, 45.3, -72.6, -70.6),),
        "NJ": ((38.9, 41.4, -75.6, -73.9),),
        "NM": ((31.3, 37.0, -109.1, -103.0),),
        "NY": ((40.5, 45.0, -79.8, -71.8),),
        "NC": ((33.8, 36.6, -84.3, -75.4),),
        "ND": ((45.9, 49.0, -104.1, -96.6),),
        "OH": ((38.4, 42.3, -84.8, -80.5),),
        "OK": ((33.6, 37.0, -103.0, -94.4),),
        "OR": ((41.9, 46.3, -124.6, -116.5),),
        "PA": ((39.7, 42.3, -80.5, -74.7),),
        "PR": ((17.9, 18.6, -68.0, -65.2),),
        "RI": ((41.1, 42.0, -71.9, -71.1),),
        "SC": ((32.0, 35.2, -83.4, -78.5),),
        "SD": ((42.5, 45.9, -104.1, -96.4),),
        "TN": ((35.0, 36.7, -90.3, -81.6),),
        "TX": ((25.8, 36.5, -106.6, -93.5),),
        "UT": ((37.0, 42.0, -114.1, -109.0),),
        "VT": ((42.7, 45.0, -73.4, -71.5),),
        "VA": ((36.5, 39.5, -83.7, -75.2),),
        "WA": ((45.5, 49.0, -124.8, -116.9),),
        "WV": ((37.2, 40.6, -82.6, -77.7),),
        "WI": ((42.5, 47.1, -92.9, -86.8),),
        "WY": ((41.0, 45.0, -111.1, -104.1),),
    }
)


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


@dataclass(frozen=True)
class _Options:
    today: date
    publish: bool
    geocode_cache: GeocodeCache
    find_overstatements: Callable[[str], list[Any]] | None
    keep_records: bool = True


def find_record_files(paths: Iterable[Path]) -> list[Path]:
    """The record files named, or found under the folders named, sorted and without repeats."""
    found: set[Path] = set()
    for path in paths:
        if not path.is_dir():
            found.add(path)
            continue
        for folder, _, names in os.walk(path):
            base = Path(folder)
            found.update(base / name for name in names if name.endswith(RECORD_SUFFIXES))
    return sorted(found, key=lambda path: path.parts)  # as Path order, without its slow comparisons


def validate_paths(
    paths: Iterable[Path],
    *,
    root: Path,
    publish: bool = False,
    today: date | None = None,
    geocode_cache: GeocodeCache | None = None,
    jobs: int | None = None,
    cache_folder: Path | None = None,
    keep_records: bool = True,
) -> ValidationReport:
    """Validate every record file under ``paths``; ``root`` is the folder paths are reported from.

    ``jobs`` is how many processes check files; by default one per CPU once there
    are enough files for the start-up cost to pay off. With ``cache_folder``, what
    each file's own checks found is remembered there by content and reused; a
    publishing run never uses it. A run that only reports passes
    ``keep_records=False``: it gets no records, and the worker processes send back
    only the fields compared across files, which makes it markedly faster.
    """
    options = _Options(
        today=today or date.today(),
        publish=publish,
        geocode_cache=geocode_cache or GeocodeCache(),
        find_overstatements=_overstatement_finder(),
        # The cache keeps whole records, for the build that follows.
        keep_records=keep_records or (cache_folder is not None and not publish),
    )
    cache = None
    if cache_folder is not None and not publish:
        inputs = (options.today.isoformat(), options.geocode_cache.dumps())
        cache = RecordCache.open(cache_folder / CHECKS_CACHE_FILE, fingerprint(*inputs))
    files = find_record_files(paths)
    with _without_cycle_collection():
        outcomes = _check_files(files, root, options, jobs, cache)
        problems = [problem for outcome in outcomes for problem in outcome.problems]
        passed = [outcome.loaded for outcome in outcomes if outcome.loaded is not None]
        problems.extend(duplicate_name_and_street(passed))
        problems.extend(duplicate_phone(passed))
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
            if options.keep_records and loaded.relpath not in failed
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
    files: list[Path], root: Path, options: _Options, jobs: int | None, cache: RecordCache | None
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
    files: list[Path], root: Path, options: _Options, jobs: int | None
) -> list[_FileOutcome]:
    """Spread the files over worker processes when there are enough to be worth it."""
    if jobs is None:
        jobs = processes_for(len(files), PARALLEL_MIN_FILES)
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


def _check_chunk(files: list[Path], root: Path, options: _Options) -> list[_FileOutcome]:
    """Load, schema-check and rule-check some files."""
    schema = _SchemaCheck()
    return [_check_file(path, root, options, schema) for path in files]


def _check_chunk_in_worker(files: list[Path], root: Path, options: _Options) -> list[bytes]:
    with _without_cycle_collection():
        return [marshal.dumps(outcome.plain()) for outcome in _check_chunk(files, root, options)]


def _check_file(path: Path, root: Path, options: _Options, schema: _SchemaCheck) -> _FileOutcome:
    loaded = load_file(path, root=root)
    if loaded.data is None:
        return _FileOutcome(loaded.problems, None)
    schema_problems = schema.problems(loaded)
    if schema_problems:
        return _FileOutcome(schema_problems, None)
    problems = [problem for rule in RECORD_RULES for problem in rule(loaded, options)]
    if not options.keep_records:
        loaded.data = _compared_across_files(loaded.data)
    return _FileOutcome(problems, loaded.top_level())


def _compared_across_files(data: dict[str, Any]) -> dict[str, Any]:
    """The part of a record the checks across files read; all a report-only run keeps."""
    kept = {key: data[key] for key in CROSS_FILE_FIELDS if key in data}
    kept["address"] = {"street": data["address"]["street"]}
    return kept


def _overstatement_finder() -> Callable[[str], list[Any]] | None:
    """The claims lint, when the package ships it."""
    try:
        return importlib.import_module("clinic_directory.lint").find_overstatements
    except ModuleNotFoundError as error:
        if error.name != "clinic_directory.lint":
            raise
        return None


# -- schema ------------------------------------------------------------------------


_EXPECTED = MappingProxyType(
    {
        "string": "text",
        "number": "a number",
        "integer": "a whole number",
        "boolean": "true or false",
        "array": "a list",
        "object": "a set of fields (`name: value` lines)",
        "null": "empty",
    }
)


class _SchemaCheck:
    """Both validators for one run, and the translation of errors into plain sentences."""

    def __init__(self) -> None:
        self.schema = build_schema()
        self.fast = jsonschema_rs.validator_for(self.schema)
        self.vocabularies = {vocabulary.values: vocabulary for vocabulary in vocab.ALL.values()}

    @cached_property
    def detailed(self) -> jsonschema.Draft202012Validator:
        """Only files that fail need it: importing it takes longer than checking a
        thousand good files."""
        import jsonschema

        return jsonschema.Draft202012Validator(self.schema)

    def problems(self, loaded: LoadedFile) -> list[Problem]:
        if self.fast.is_valid(loaded.data):
            return []
        errors = list(self.detailed.iter_errors(loaded.data))
        # A value of the wrong type also fails its enum or pattern; say only what matters.
        wrong_type = {tuple(error.absolute_path) for error in errors if error.validator == "type"}
        return [
            problem
            for error in errors
            if error.validator == "type" or tuple(error.absolute_path) not in wrong_type
            for problem in self.explain(error, loaded)
        ]

    def explain(self, error: jsonschema.ValidationError, loaded: LoadedFile) -> Iterator[Problem]:
        path = tuple(error.absolute_path)
        field = _field_name(path)
        kind, value, limit = error.validator, error.instance, error.validator_value
        if kind == "additionalProperties":
            allowed = list(error.schema.get("properties", {}))
            for key in value:
                if key not in allowed:
                    yield loaded.problem(
                        (*path, key),
                        f"unknown field '{key}'",
                        _did_you_mean(key, allowed),
                        at_key=True,
                    )
        elif kind == "required":
            for key in limit:
                if key not in value:
                    yield loaded.problem(
                        path,
                        f"missing required field '{key}'",
                        _required_hint(error.schema, key),
                        at_key=True,
                    )
        elif kind == "type":
            yield loaded.problem(
                path,
                f"{field} must be {_EXPECTED[limit]}, got {_described(value)}",
                _type_hint(limit, value, loaded.raw_scalars.get(path)),
            )
        elif kind == "enum":
            yield self.unknown_term(loaded, path, value, limit)
        elif kind == "pattern":
            pattern = TEXT_PATTERNS[limit]
            yield loaded.problem(
                path, f"{field} must be {pattern.expected}, got {_described(value)}", pattern.hint
            )
        elif kind == "uniqueItems":
            index = next(i for i, item in enumerate(value) if item in value[:i])
            yield loaded.problem(
                (*path, index),
                f"{field} lists {_described(value[index])} twice",
                "remove the repeated entry",
            )
        else:
            yield loaded.problem(path, _limit_message(kind, field, value, limit), _limit_hint(kind))

    def unknown_term(
        self, loaded: LoadedFile, path: tuple, value: Any, allowed: list[str]
    ) -> Problem:
        vocabulary = self.vocabularies[tuple(allowed)]
        hint = _did_you_mean(str(value), allowed)
        return loaded.problem(path, f"{_described(value)} is not a known {vocabulary.name}", hint)


def _field_name(path: tuple) -> str:
    if not path:
        return "the record"
    names = [part for part in path if isinstance(part, str)]
    if isinstance(path[-1], int):
        return f"item {path[-1] + 1} of {names[-1]}"
    return names[-1]


def _described(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "an empty value"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    text = value if len(value) <= 60 else value[:57] + "..."
    return f"'{text}'"


def _did_you_mean(value: str, allowed: list[str]) -> str:
    by_lower = {choice.lower(): choice for choice in allowed}
    close = difflib.get_close_matches(value.lower(), list(by_lower), n=1, cutoff=0.6)
    listing = "allowed: " + ", ".join(allowed)
    return f"did you mean '{by_lower[close[0]]}'? {listing}" if close else listing


def _required_hint(schema: dict[str, Any], key: str) -> str:
    description = schema["properties"][key].get("description", "").rstrip(".")
    if not description:
        return f"add `{key}:` here"
    return f"add `{key}:` here; {description[0].lower()}{description[1:]}"


def _type_hint(expected: str, value: Any, raw: str | None) -> str:
    if expected == "string" and raw:  # an empty value has no text to quote
        return f'YAML reads {raw} as {_described(value)}; put it in quotes: "{raw}"'
    if value is None:
        return "fill in a value, or remove the line"
    if isinstance(value, str) and expected in ("number", "integer", "boolean"):
        return (
            "remove the quotes"
            if expected == "boolean"
            else "write the number without quotes or a $ sign"
        )
    if expected == "array":
        return "write a list, such as [first, second], or one '- item' per line"
    return "see the record format in the schema"


def _limit_message(kind: str, field: str, value: Any, limit: Any) -> str:
    size = len(value) if isinstance(value, str | list) else value
    return {
        "minLength": f"{field} is empty",
        "maxLength": f"{field} is {size} characters long, more than the {limit} allowed",
        "minimum": f"{field} must be at least {limit}, got {value}",
        "maximum": f"{field} must be at most {limit}, got {value}",
        "minItems": f"{field} must list at least {limit} item{'s' if limit != 1 else ''}",
        "maxItems": f"{field} lists {size} items, more than the {limit} allowed",
    }.get(kind, f"{field}: {kind} {limit} is not met")


def _limit_hint(kind: str) -> str:
    return {
        "minLength": "fill it in, or remove the line",
        "maxLength": "shorten it",
        "minItems": "add the missing entries",
        "maxItems": "keep only the entries that matter",
    }.get(kind, "check the value")


# -- rules on one record -----------------------------------------------------------


def _services(data: dict[str, Any]) -> Iterator[tuple[tuple, dict[str, Any]]]:
    for index, service in enumerate(data["services"]):
        yield ("services", index), service


def _prices(data: dict[str, Any]) -> Iterator[tuple[tuple, dict[str, Any]]]:
    for service_path, service in _services(data):
        for index, price in enumerate(service.get("prices", [])):
            yield (*service_path, "prices", index), price


def npi_is_valid(npi: str) -> bool:
    """Luhn check of a 10-digit NPI, computed with the 80840 prefix as the standard requires."""
    total = 0
    for position, digit in enumerate(int(d) for d in reversed(NPI_PREFIX + npi)):
        doubled = digit * 2 if position % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


def check_npi(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    for index, clinician in enumerate(loaded.data.get("clinicians", [])):
        npi = clinician.get("npi")
        if npi and not npi_is_valid(npi):
            yield loaded.problem(
                ("clinicians", index, "npi"),
                f"NPI {npi} fails its check digit",
                "copy the number again from the NPPES NPI Registry; one digit is wrong or two are swapped",
            )


def check_esketamine_rems(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    for path, service in _services(loaded.data):
        if service["route"] == "esketamine_nasal" and service.get("rems_certified") is not True:
            yield loaded.problem(
                (*path, "rems_certified") if "rems_certified" in service else path,
                "esketamine_nasal requires rems_certified: true",
                "Spravato may only be given at a REMS-certified site; check the certification, "
                "then add `rems_certified: true`, or remove this service",
            )


def check_rems_only_on_esketamine(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    for path, service in _services(loaded.data):
        if service["route"] != "esketamine_nasal" and "rems_certified" in service:
            yield loaded.problem(
                (*path, "rems_certified"),
                f"rems_certified applies only to esketamine_nasal, not to {service['route']}",
                "remove the line from this service",
                at_key=True,
            )


def check_at_home_states(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    for path, service in _services(loaded.data):
        if service["route"] == "at_home" and "states_served" not in service:
            yield loaded.problem(
                (*path, "route"),
                "an at_home service must list states_served",
                "add the states where patients may be treated, such as `states_served: [TX, OK]`",
            )


def check_route_listed_once(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    first: dict[str, tuple] = {}
    for path, service in _services(loaded.data):
        route = service["route"]
        route_path = (*path, "route")
        if route in first:
            first_line = loaded.position(first[route])[0]
            yield loaded.problem(
                route_path,
                f"the route {route} is listed twice (first on line {first_line})",
                "merge the two services into one; a service can list several prices",
            )
        else:
            first[route] = route_path


def check_price_form(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    for path, price in _prices(loaded.data):
        has_amount, has_min, has_max = ("amount" in price, "min" in price, "max" in price)
        if has_amount and (has_min or has_max):
            yield loaded.problem(
                (*path, "min" if has_min else "max"),
                "a price has either an amount or a min and max range, not both",
                "keep `amount` for one fixed price, or `min` and `max` for a range",
                at_key=True,
            )
        elif has_min != has_max:
            yield loaded.problem(
                (*path, "min" if has_min else "max"),
                "a price range needs both min and max",
                f"add `{'max' if has_min else 'min'}`, or write a single `amount`",
                at_key=True,
            )
        elif not (has_amount or has_min):
            yield loaded.problem(
                path,
                "a price needs an amount, or a min and max range",
                "add `amount: 550` or `min: 300, max: 500`",
            )


def check_price_range_order(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    for path, price in _prices(loaded.data):
        if "min" in price and "max" in price and price["min"] > price["max"]:
            yield loaded.problem(
                (*path, "min"),
                f"the price range runs backwards: min {price['min']} is above max {price['max']}",
                "swap the two numbers",
            )


def check_series_sessions(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    for path, price in _prices(loaded.data):
        if price["unit"] == "series" and "sessions" not in price:
            yield loaded.problem(
                (*path, "unit"),
                "a series price must say how many sessions it includes",
                "add `sessions:` with the number of sessions, such as `sessions: 6`",
            )


def check_dates(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    dated = [(("last_verified",), loaded.data["last_verified"])]
    dated += [
        ((*path, "observed"), price["observed"])
        for path, price in _prices(loaded.data)
        if "observed" in price
    ]
    for path, text in dated:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            yield loaded.problem(path, f"{text} is not a real date", "check the month and the day")
            continue
        if day > options.today:
            yield loaded.problem(
                path,
                f"{path[-1]} {text} is in the future",
                f"use the day it was actually checked; today is {options.today.isoformat()}",
            )


def check_verification_age(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    try:
        age = (options.today - date.fromisoformat(loaded.data["last_verified"])).days
    except ValueError:
        return  # check_dates reports it
    if age > STALE_AFTER_DAYS:
        yield loaded.problem(
            ("last_verified",),
            f"last verified {age} days ago, more than {STALE_AFTER_DAYS}",
            "check the record against its sources, then update last_verified",
            severity="warning",
        )


def check_services_have_prices(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    """Warn on a cash service with no price; an insurance-billed one rarely publishes any."""
    for path, service in _services(loaded.data):
        if not service.get("prices") and service.get("insurance") is not True:
            yield loaded.problem(
                (*path, "route"),
                f"the {service['route']} service lists no prices",
                "add the clinic's published prices; people compare clinics by price",
                severity="warning",
            )


def check_folder_and_state(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    folder, state = loaded.path.parent.name, loaded.data["address"]["state"]
    if folder.upper() not in vocab.STATES or folder != folder.lower():
        yield loaded.problem(
            (),
            f"the folder '{folder}' is not a lower-case state code",
            f"put the record in the folder of its state, such as {state.lower()}/",
        )
    elif folder != state.lower():
        yield loaded.problem(
            ("address", "state"),
            f"the address is in {state} but the file is in the {folder}/ folder",
            f"move the file to {state.lower()}/, or correct the state",
        )


def check_file_name(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    stem = loaded.path.stem
    if not SLUG.match(stem):
        suggestion = "-".join(re.findall(r"[a-z0-9]+", stem.lower())) or "clinic-name"
        yield loaded.problem(
            (),
            f"the file name '{loaded.path.name}' must be lower-case words joined by hyphens",
            f"rename it to {suggestion}{loaded.path.suffix}",
        )


def check_sample_flag(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    in_samples = loaded.path.parent.parent.name == SAMPLES_FOLDER
    is_sample = loaded.data.get("sample") is True
    if in_samples and not is_sample:
        yield loaded.problem(
            ("sample",) if "sample" in loaded.data else (),
            "a record under samples/ must say `sample: true`",
            "samples are fictional; add `sample: true`, or move a real clinic to clinics/",
        )
    elif is_sample and not in_samples:
        yield loaded.problem(
            ("sample",),
            "`sample: true` is only for fictional records under samples/",
            "remove the line for a real clinic, or move the file to samples/",
            at_key=True,
        )
    if is_sample and options.publish:
        yield loaded.problem(
            ("sample",),
            "sample record in a publish build",
            "the public site never lists fictional clinics; leave samples/ out of the records to publish",
            at_key=True,
        )


def record_location(data: dict[str, Any], cache: GeocodeCache) -> tuple[float, float] | None:
    """The record's coordinates: its own ``location``, else the geocoding cache's."""
    if "location" in data:
        return data["location"]["lat"], data["location"]["lon"]
    return cache.get(data["address"])


def is_within_state(state: str, lat: float, lon: float) -> bool:
    return any(
        south - BOUNDS_MARGIN <= lat <= north + BOUNDS_MARGIN
        and west - BOUNDS_MARGIN <= lon <= east + BOUNDS_MARGIN
        for south, north, west, east in STATE_BOUNDS[state]
    )


def check_coordinates(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    location = record_location(loaded.data, options.geocode_cache)
    if location is None:
        yield loaded.problem(
            ("address",),
            "no coordinates for this address",
            "add `location: {lat: .., lon: ..}` or run `clinic-directory geocode`",
            at_key=True,
        )
        return
    state = loaded.data["address"]["state"]
    if not is_within_state(state, *location):
        stated = "location" in loaded.data
        yield loaded.problem(
            ("location",) if stated else ("address",),
            f"the coordinates {location[0]}, {location[1]} are far outside {vocab.STATES.label(state)}",
            "check lat and lon (longitudes in the US are negative) and the address"
            if stated
            else "the geocoding cache holds wrong coordinates for this address; add `location:` to the record",
            at_key=True,
        )


def check_claims(loaded: LoadedFile, options: _Options) -> Iterator[Problem]:
    if options.find_overstatements is None:
        return
    data = loaded.data
    texts = [(("description",), data.get("description"))]
    texts += [((*path, "notes"), service.get("notes")) for path, service in _services(data)]
    texts += [((*path, "includes"), price.get("includes")) for path, price in _prices(data)]
    for path, text in texts:
        for hit in options.find_overstatements(text) if text else ():
            yield loaded.problem(
                path,
                f"'{hit.phrase}' is a claim the evidence does not support",
                hit.why,
                severity="warning",
            )


RECORD_RULES: tuple[Callable[[LoadedFile, _Options], Iterable[Problem]], ...] = (
    check_npi,
    check_esketamine_rems,
    check_rems_only_on_esketamine,
    check_at_home_states,
    check_route_listed_once,
    check_price_form,
    check_price_range_order,
    check_series_sessions,
    check_dates,
    check_verification_age,
    check_services_have_prices,
    check_folder_and_state,
    check_file_name,
    check_sample_flag,
    check_coordinates,
    check_claims,
)


# -- rules across records ----------------------------------------------------------

#: Top-level fields the rules below read (and ``address.street``); a report-only run
#: keeps only these, so a rule that reads another field must add it here.
CROSS_FILE_FIELDS = ("name", "phone", "organization", "previous_slugs")


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def _groups(
    records: list[LoadedFile], key: Callable[[dict[str, Any]], str]
) -> Iterator[list[LoadedFile]]:
    grouped: dict[str, list[LoadedFile]] = defaultdict(list)
    for loaded in records:
        grouped[key(loaded.data)].append(loaded)
    return (group for group in grouped.values() if len(group) > 1)


def duplicate_name_and_street(records: list[LoadedFile]) -> Iterator[Problem]:
    """One clinic location, one file: the same name at the same street is a duplicate."""
    for group in _groups(
        records,
        lambda data: _normalised(data["name"]) + "\n" + _normalised(data["address"]["street"]),
    ):
        for loaded in group:
            others = ", ".join(other.relpath for other in group if other is not loaded)
            yield loaded.problem(
                ("name",),
                f"another record has the same name and street: {others}",
                "each clinic location has one file; merge the two and delete the other",
            )


def duplicate_phone(records: list[LoadedFile]) -> Iterator[Problem]:
    """A shared phone number is only expected between locations of one organization."""
    for group in _groups(records, lambda data: re.sub(r"\D", "", data["phone"])):
        for loaded in group:
            organization = loaded.data.get("organization")
            clashing = [
                other.relpath
                for other in group
                if other is not loaded
                and (organization is None or other.data.get("organization") != organization)
            ]
            if clashing:
                yield loaded.problem(
                    ("phone",),
                    f"the phone number {loaded.data['phone']} is also listed in {', '.join(clashing)}",
                    "correct the number, or give locations of one provider the same `organization`",
                )


def previous_slug_conflicts(records: list[LoadedFile]) -> Iterator[Problem]:
    """A former identity redirects to one clinic and never replaces a page that exists.

    Without this, a record could list another clinic's identity and have the
    build write a redirect over that clinic's page.
    """
    current = {"/".join(identity_of(loaded.path)): loaded for loaded in records}
    claims: dict[str, list[LoadedFile]] = defaultdict(list)
    for loaded in records:
        for index, old in enumerate(loaded.data.get("previous_slugs", [])):
            claims[old].append(loaded)
            owner = current.get(old)
            if owner is loaded:
                yield loaded.problem(
                    ("previous_slugs", index),
                    f"{old} is this record's own identity, not a former one",
                    "list only identities the clinic had before; remove this entry",
                )
            elif owner is not None:
                yield loaded.problem(
                    ("previous_slugs", index),
                    f"{old} is the identity of {owner.relpath}, not a former one of this clinic",
                    "a redirect would replace that clinic's page; remove this entry",
                )
    for old, group in claims.items():
        for loaded in group if len(group) > 1 else ():
            others = ", ".join(other.relpath for other in group if other is not loaded)
            yield loaded.problem(
                ("previous_slugs",),
                f"the former identity {old} is also claimed by {others}",
                "a former identity redirects to one clinic; keep it in one record",
            )
