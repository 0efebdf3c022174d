"""``clinic-directory geocode``: fill the committed coordinate cache for records without them.

The build never touches the network; this command is the one place that does,
once per new address, at most one request a second.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from clinic_directory.errors import ConfigurationError, GeocodingError
from clinic_directory.records.geocode import (
    CACHE_FILE_NAME,
    USER_AGENT_ENV,
    GeocodeCache,
    Geocoder,
    address_key,
    address_to_geocode,
    fill_cache,
    geopy_geocoder,
)
from clinic_directory.records.load import load_file
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
    not_found = 0
    try:
        for result in fill_cache(missing, cache, geocode):
            for source in result.sources:
                if result.location is None:
                    print(
                        f"{source}: no match for '{result.key}'; check the address, or add "
                        "`location: {lat: ..., lon: ...}` to the record by hand"
                    )
                else:
                    lat, lon = result.location
                    print(f"{source}: found {lat}, {lon} for '{result.key}'")
            not_found += result.location is None
    except GeopyError as error:
        # Keep every address found before the service failed; the next run resumes there.
        cache.save(args.cache)
        raise GeocodingError(
            f"the {args.geocoder} service failed: {error}; the coordinates found so far are "
            f"saved in {args.cache}. Run the command again later."
        ) from error
    cache.save(args.cache)
    print(f"wrote {args.cache}: {len(cache.entries)} address(es), {not_found} not found")
    return 1 if not_found else 0


def _parse_options(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise ConfigurationError(f"--option {pair!r} must be written KEY=VALUE")
        options[key] = value
    return options
