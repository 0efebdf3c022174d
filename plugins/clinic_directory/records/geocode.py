"""Coordinates for records that do not state them.

The build never touches the network: it reads the committed, human-readable cache
that ``clinic-directory geocode`` fills. Contributors commit that file with their
records, so it is input like a record: whatever it holds, reading it never fails,
and each mistake in it becomes a problem at its line, reported with the records'.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_directory.errors import ConfigurationError, Problem
from clinic_directory.records.load import relative_path
from clinic_directory.records.text import visible

if TYPE_CHECKING:
    from geopy.location import Location

CACHE_FILE_NAME = "geocode-cache.json"
#: Longest number accepted in the cache, as written; a longer one reads as NaN, refused.
_MAX_NUMBER_LENGTH = 32
_REBUILD_HINT = (
    f"correct it by hand, or delete the entry (or the whole {CACHE_FILE_NAME}) "
    "and run `clinic-directory geocode` to look the address up again"
)


@dataclass(frozen=True)
class CacheIssue:
    """A mistake in the cache file, at a line and column."""

    line: int
    column: int
    message: str
    hint: str = _REBUILD_HINT


def address_key(address: Mapping[str, str]) -> str:
    """A normalised one-line form of an address, the cache's key."""
    parts = (address["street"], address["city"], address["state"], address["postal_code"])
    return ", ".join(" ".join(str(part).split()).lower() for part in parts)


class GeocodeCache:
    """Address key -> (lat, lon), stored sorted so diffs stay small and reviewable."""

    def __init__(self, entries: Mapping[str, tuple[float, float]] | None = None) -> None:
        self.entries: dict[str, tuple[float, float]] = dict(entries or {})
        #: The file it was read from, and what is wrong in it (its bad entries are left out).
        self.source: Path | None = None
        self.issues: list[CacheIssue] = []

    @classmethod
    def load(cls, path: Path) -> GeocodeCache:
        """The cache in ``path`` (empty when there is none); never raises on its content."""
        cache = cls()
        if not path.exists():
            return cache
        cache.source = path
        reading = _CacheReader(path)
        cache.entries, cache.issues = reading.entries(), reading.issues
        return cache

    def problems(self, root: Path) -> list[Problem]:
        """The cache's mistakes as problems, its path reported from ``root``."""
        if self.source is None:
            return []
        path = relative_path(self.source, root)
        return [
            Problem(path, issue.line, issue.column, issue.message, issue.hint)
            for issue in self.issues
        ]

    def get(self, address: Mapping[str, str]) -> tuple[float, float] | None:
        return self.entries.get(address_key(address))

    def set(self, address: Mapping[str, str], lat: float, lon: float) -> None:
        self.entries[address_key(address)] = (round(lat, 6), round(lon, 6))

    def dumps(self) -> str:
        body = {key: {"lat": lat, "lon": lon} for key, (lat, lon) in sorted(self.entries.items())}
        return json.dumps(body, indent=2, sort_keys=True) + "\n"

    def save(self, path: Path) -> None:
        path.write_text(self.dumps(), encoding="utf-8")


@dataclass
class _CacheReader:
    """Reads a cache file, keeping each mistake as an issue rather than raising."""

    path: Path
    issues: list[CacheIssue] = field(default_factory=list)
    text: str = ""
    cursor: int = 0

    def entries(self) -> dict[str, tuple[float, float]]:
        raw = self.parse()
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.issue(
                1, 1, "the geocoding cache must be a JSON object of address: {lat, lon} entries"
            )
            return {}
        entries = {}
        for key, value in raw.items():
            location = self.entry(key, value)
            if location is not None:
                entries[key] = location
        return entries

    def parse(self) -> Any:
        try:
            self.text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeError) as error:
            reason = getattr(error, "strerror", None) or "it is not UTF-8 text"
            self.issue(1, 1, f"cannot read the geocoding cache: {reason}")
            return None
        try:
            return json.loads(
                self.text,
                object_pairs_hook=self.unique_keys,
                parse_int=lambda text: int(text) if len(text) <= _MAX_NUMBER_LENGTH else math.nan,
                parse_float=lambda text: (
                    float(text) if len(text) <= _MAX_NUMBER_LENGTH else math.nan
                ),
                parse_constant=lambda constant: math.nan,
            )
        except json.JSONDecodeError as error:
            self.issue(
                error.lineno, error.colno, f"the geocoding cache is not valid JSON: {error.msg}"
            )
        except RecursionError:
            self.issue(1, 1, "the geocoding cache is nested too deeply to be read")
        return None

    def unique_keys(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                self.issue(*self.repeated(key), f"the entry '{_shown(key)}' appears twice")
            seen[key] = value
        return seen

    def entry(self, key: str, value: Any) -> tuple[float, float] | None:
        if not isinstance(value, dict) or set(value) != {"lat", "lon"}:
            self.issue(
                *self.where(key),
                f'the entry for \'{_shown(key)}\' must be {{"lat": number, "lon": number}}',
            )
            return None
        location = []
        for name, limit in (("lat", 90), ("lon", 180)):
            number = value[name]
            if not _is_number(number) or not -limit <= number <= limit:
                self.issue(
                    *self.where(key),
                    f"the {name} of '{_shown(key)}' must be a number from -{limit} to {limit}, "
                    f"got {_shown(json.dumps(number, ensure_ascii=False))}",
                )
                return None
            location.append(float(number))
        return location[0], location[1]

    def where(self, key: str) -> tuple[int, int]:
        """Line and column of a key in the file, as written by ``dumps`` or by hand.

        Entries are looked for in file order, each from where the last was found, so
        that a file full of bad entries still takes one pass."""
        for written in (json.dumps(key, ensure_ascii=False), json.dumps(key)):
            index = self.text.find(written, self.cursor)
            if index >= 0:
                self.cursor = index + len(written)
                return _line_and_column(self.text, index)
        return 1, 1

    def repeated(self, key: str) -> tuple[int, int]:
        """Where a key is written a second time (looked for in the first few only)."""
        written = json.dumps(key, ensure_ascii=False)
        first = self.text.find(written) if len(self.issues) < 20 else -1
        second = self.text.find(written, first + 1) if first >= 0 else -1
        return _line_and_column(self.text, second) if second >= 0 else (1, 1)

    def issue(self, line: int, column: int, message: str) -> None:
        self.issues.append(CacheIssue(line, column, message))


def _line_and_column(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _shown(text: str) -> str:
    return visible(text if len(text) <= 80 else text[:77] + "...")


# Filling the cache: run by maintainers with ``clinic-directory geocode``, never by the build.

#: Environment variable giving the identifying User-Agent sent to the geocoding service.
USER_AGENT_ENV = "CLINIC_GEOCODER_USER_AGENT"
#: Sent to services other than the public Nominatim when no user agent is configured.
FALLBACK_USER_AGENT = "clinic-directory-geocoder"
#: Nominatim's usage policy allows one request per second at most, summed over all users.
MIN_DELAY_SECONDS = 1.0
REQUEST_TIMEOUT_SECONDS = 10
PUBLIC_NOMINATIM_DOMAIN = "nominatim.openstreetmap.org"

#: Turns a structured address query into a match, or None when nothing matches.
Geocoder = Callable[[dict[str, str]], "Location | None"]


def structured_query(address: Mapping[str, str]) -> dict[str, str]:
    """The record's address as a Nominatim structured query, which matches far more reliably
    than one line of free text."""
    return {
        "street": address["street"],
        "city": address["city"],
        "state": address["state"],
        "postalcode": address["postal_code"],
        "country": "us",
    }


def one_line_query(query: Mapping[str, str]) -> str:
    """A structured query as one line, for services that take only free text."""
    return (
        f"{query['street']}, {query['city']}, {query['state']} {query['postalcode']}, "
        f"{query['country'].upper()}"
    )


def geopy_geocoder(
    service: str = "nominatim",
    *,
    user_agent: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> Geocoder:
    """A rate-limited geocoder backed by any geopy service, refusing anonymous use of the
    public Nominatim, whose policy requires an identifying User-Agent.

    ``options`` go to the geopy class, e.g. ``domain`` and ``scheme`` for a self-hosted
    Nominatim or ``api_key`` for a commercial service.
    """
    # geopy takes a fifth of a second to import; only this command needs it, not the build.
    from geopy.exc import GeocoderNotFound, GeopyError
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim, get_geocoder_for_service

    try:
        service_class = get_geocoder_for_service(service)
    except GeocoderNotFound:
        raise ConfigurationError(
            f"unknown geocoder {service!r}; use one of geopy's service names, such as "
            "nominatim, photon or arcgis"
        ) from None
    options = dict(options or {})
    nominatim_like = issubclass(service_class, Nominatim)
    public = (
        nominatim_like and options.get("domain", PUBLIC_NOMINATIM_DOMAIN) == PUBLIC_NOMINATIM_DOMAIN
    )
    if public and not user_agent:
        raise ConfigurationError(
            "the public Nominatim service requires an identifying user agent: pass "
            '--user-agent "your-project-geocoder (you@example.org)" or set '
            f"{USER_AGENT_ENV}; see https://operations.osmfoundation.org/policies/nominatim/"
        )
    options.setdefault("timeout", REQUEST_TIMEOUT_SECONDS)
    try:
        locator = service_class(user_agent=user_agent or FALLBACK_USER_AGENT, **options)
    except (TypeError, GeopyError) as error:
        raise ConfigurationError(f"cannot set up the {service} geocoder: {error}") from None
    if nominatim_like:
        lookup = partial(locator.geocode, country_codes="us")
    else:

        def lookup(query: dict[str, str]) -> Location | None:
            return locator.geocode(one_line_query(query))

    return RateLimiter(lookup, min_delay_seconds=MIN_DELAY_SECONDS, swallow_exceptions=False)


def address_to_geocode(data: Any) -> Mapping[str, str] | None:
    """The address of a loaded record that states no coordinates, if it is complete enough
    to look up."""
    if not isinstance(data, dict) or "location" in data:
        return None
    address = data.get("address")
    if not isinstance(address, dict):
        return None
    fields = ("street", "city", "state", "postal_code")
    if not all(isinstance(address.get(name), str) and address[name].strip() for name in fields):
        return None
    return address


@dataclass
class GeocodeResult:
    """The outcome for one address: where it was found, or None when nothing matched."""

    sources: list[str]
    key: str
    location: tuple[float, float] | None


def fill_cache(
    addresses: Iterable[tuple[str, Mapping[str, str]]],
    cache: GeocodeCache,
    geocode: Geocoder,
) -> Iterator[GeocodeResult]:
    """Look up each address missing from ``cache`` once, store what is found, and yield what
    happened as it happens; ``addresses`` pairs each address with its record file.

    Lookups are slow (one a second), so results come one by one and what was found
    stays in ``cache`` even if the service fails half-way.
    """
    pending: dict[str, tuple[Mapping[str, str], GeocodeResult]] = {}
    for source, address in addresses:
        if cache.get(address) is not None:
            continue
        key = address_key(address)
        pending.setdefault(key, (address, GeocodeResult([], key, None)))[1].sources.append(source)
    for address, result in pending.values():
        found = geocode(structured_query(address))
        if found is not None:
            cache.set(address, found.latitude, found.longitude)
            result.location = cache.get(address)
        yield result
