"""``clinic-directory geocode``: fill the committed coordinate cache for records without them.

The build never touches the network; this command is the one place that does,
once per new address, at most one request a second.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from clinic_directory.errors import ConfigurationError, GeocodingError
from clinic_directory.records.geocode import (
    CACHE_FILE_NAME,
    USER_AGENT_ENV,
    GeocodeCache,
    Geocoder,
    GeocodeResult,
    address_key,
    address_to_geocode,
    fill_cache,
    geopy_geocoder,
)
from clinic_directory.records.load import load_file
from clinic_directory.records.text import visible
from clinic_directory.records.validate import find_record_files

DEFAULT_PATHS = ("clinics",)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "geocode",
        help="look up coordinates for records without a location and save them in the cache",
        description=(
            "Look up the address of every record that has no `location` and no cache entry, "
            f"and write the results to {CACHE_FILE_NAME}, which is committed with the records."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="record files or folders (default: clinics)",
    )
    parser.add_argument(
        "--geocoder",
        default="nominatim",
        metavar="NAME",
        help="any geopy service name (default: nominatim)",
    )
    parser.add_argument(
        "--user-agent",
        default=os.environ.get(USER_AGENT_ENV),
        help=(
            "identifying User-Agent, e.g. 'my-directory-geocoder (me@example.org)'; required "
            f"for the public Nominatim (default: ${USER_AGENT_ENV})"
        ),
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="option for the geopy geocoder, e.g. domain=nominatim.example.org or api_key=... (repeatable)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(CACHE_FILE_NAME),
        help=f"cache file (default: {CACHE_FILE_NAME})",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="list the addresses that would be looked up; send and write nothing",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, geocode: Geocoder | None = None) -> int:
    """Geocode what is missing; ``geocode`` replaces the geopy service (tests pass a fake)."""
    root = Path.cwd()
    paths = args.paths or [Path(name) for name in DEFAULT_PATHS if Path(name).exists()]
    cache = GeocodeCache.load(args.cache)
    if cache.issues:
        # Saving would silently drop the entries it could not read.
        for problem in cache.problems(root):
            print(visible(str(problem)))
        print(f"{args.cache} has mistakes; correct them (or delete the file) and run again")
        return 1
    addresses = []
    unreadable = 0
    for path in find_record_files(paths):
        loaded = load_file(path, root=root)
        address = address_to_geocode(loaded.data)
        if address is not None:
            addresses.append((loaded.relpath, address))
        elif loaded.data is None or "location" not in loaded.data:
            unreadable += 1
    missing = [(source, a) for source, a in addresses if cache.get(a) is None]
    if unreadable:
        print(
            f"skipped {unreadable} file(s) without a complete address; "
            "run `clinic-directory validate` to see why"
        )
    if args.dry_run:
        for source, address in missing:
            print(f"would look up {source}: {address_key(address)}")
        print(f"dry run: {len(missing)} record(s) need coordinates; nothing was sent or written")
        return 0
    if not missing:
        print("every record has coordinates or a cache entry; nothing to do")
        return 0
    # Imported here: geopy is slow to import and every other command would pay for it.
    from geopy.exc import GeopyError

    geocode = geocode or geopy_geocoder(
        args.geocoder, user_agent=args.user_agent, options=_parse_options(args.option)
    )
    before = cache.dumps()
    not_found = 0
    try:
        with _retries_said_in_one_line():
            results = list(_report(fill_cache(missing, cache, geocode)))
        not_found = sum(result.location is None for result in results)
    except GeopyError as error:
        # Keep every address found before the service failed; the next run resumes there.
        saved = _save_if_changed(cache, before, args.cache)
        raise GeocodingError(
            f"the {args.geocoder} service did not answer ({_reason(error)}); check the "
            "network connection and run the command again later"
            + (f"; the coordinates found so far are saved in {args.cache}" if saved else "")
        ) from None
    _save_if_changed(cache, before, args.cache)
    print(f"{args.cache}: {len(cache.entries)} address(es), {not_found} not found")
    return 1 if not_found else 0


def _report(results: Iterable[GeocodeResult]) -> Iterator[GeocodeResult]:
    """Say what each lookup found, as it happens (one a second)."""
    for result in results:
        for source in result.sources:
            if result.location is None:
                print(
                    f"{source}: no match for '{result.key}'; check the address, or add "
                    "`location: {lat: ..., lon: ...}` to the record by hand"
                )
            else:
                lat, lon = result.location
                print(f"{source}: found {lat}, {lon} for '{result.key}'")
        yield result


def _save_if_changed(cache: GeocodeCache, before: str, path: Path) -> bool:
    """Write the cache only when a lookup added to it: a failed run leaves no empty file."""
    if cache.dumps() == before:
        return False
    cache.save(path)
    print(f"wrote {path}")
    return True


@contextmanager
def _retries_said_in_one_line() -> Iterator[None]:
    """geopy logs each retry with a full traceback; say it in one line instead."""
    logger = logging.getLogger("geopy")
    handler = _OneLineHandler()
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class _OneLineHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        reason = f" ({_reason(error)})" if error else ""
        print(f"the geocoding service did not answer{reason}; trying again", file=sys.stderr)


def _reason(error: BaseException) -> str:
    """An exception in a few words on one line: geopy's can hold a whole request."""
    text = visible(" ".join(str(error).split()))
    return f"{type(error).__name__}: {text[:120]}{'...' if len(text) > 120 else ''}"


def _parse_options(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise ConfigurationError(f"--option {pair!r} must be written KEY=VALUE")
        options[key] = value
    return options
