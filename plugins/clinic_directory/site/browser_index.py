"""The JSON documents the browser reads: the directory index, one file per clinic, ZIP codes.

The index feeds the list, the filters, the sort, the map and its popups on every
directory page, so it carries only what those need and is laid out to compress
well: one array per field ("columns"), enums as positions in the vocabulary,
sets of enum values as bit masks, coordinates as integer steps from the previous
clinic. ``clinic-directory.js`` in the theme decodes it; keep both in step and
raise ``INDEX_VERSION`` when the layout changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import zipcodes

from clinic_directory.records import vocab
from clinic_directory.records.model import STALE_AFTER_DAYS, ClinicRecord
from clinic_directory.site.urls import SiteUrls

INDEX_VERSION = 2
CLINIC_DOCUMENT_VERSION = 1
ZIP_TABLE_VERSION = 1

#: Coordinates are kept to four decimals (about 11 m), stored as integers of this step.
COORDINATE_SCALE = 10_000
#: ZIP centroids need no more than two decimals (about 1 km).
ZIP_COORDINATE_SCALE = 100
#: Names of the per-clinic yes/no facts, in bit order (bit i is ``1 << i``).
FLAGS = ("accepting_new_patients", "telehealth_consultations", "board_certified", "rems", "sample")
#: The kinds of ZIP code a visitor might type for where they live.
RESIDENTIAL_ZIP_TYPES = frozenset({"STANDARD", "PO BOX", "UNIQUE"})
#: The epoch that verification dates are counted from, in days.
EPOCH = date(1970, 1, 1)


def derived_slug(name: str) -> str:
    """The slug a plain ASCII name would get; the index omits slugs that equal it.

    The browser applies the same rule (lower case, runs of anything but a-z and
    0-9 become one hyphen), so only names that are not ASCII, or slugs chosen
    differently, cost bytes.
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _positions(vocabulary: vocab.Vocabulary) -> dict[str, int]:
    return {value: position for position, value in enumerate(vocabulary.values)}


def _mask(values: Iterable[str], positions: Mapping[str, int]) -> int:
    mask = 0
    for value in values:
        mask |= 1 << positions[value]
    return mask


def _vocabulary_rows(vocabulary: vocab.Vocabulary) -> list[list[str]]:
    return [[term.value, term.label, term.explanation, term.guide] for term in vocabulary]


class _IndexColumns:
    """Builds the column arrays of the index, one clinic at a time, in the build's order."""

    def __init__(self) -> None:
        self.positions = {name: _positions(vocabulary) for name, vocabulary in vocab.ALL.items()}
        self.columns: dict[str, list[Any]] = {
            name: []
            for name in (
                "state", "slug", "name", "organization", "city", "zip", "clinicians",
                "lat", "lon", "services",
                "credentials", "specialties", "languages", "flags", "verified", "status",
            )
        }  # fmt: skip
        self.previous = (0, 0)

    def add(self, record: ClinicRecord) -> None:
        data = record.data
        clinicians = data.get("clinicians", [])
        column = self.columns
        column["state"].append(self.positions["state"][record.state.upper()])
        column["slug"].append(0 if derived_slug(data["name"]) == record.slug else record.slug)
        column["name"].append(data["name"])
        column["organization"].append(data.get("organization", 0))
        column["city"].append(data["address"]["city"])
        column["zip"].append(data["address"]["postal_code"])
        column["clinicians"].append([c["name"] for c in clinicians])
        self._add_location(record.location)
        column["services"].append([self._service(record, s) for s in data["services"]])
        column["credentials"].append(
            _mask({c["credential"] for c in clinicians}, self.positions["credential"])
        )
        column["specialties"].append(
            _mask(
                {c["specialty"] for c in clinicians if "specialty" in c},
                self.positions["specialty"],
            )
        )
        column["languages"].append(_mask(data.get("languages", []), self.positions["language"]))
        column["flags"].append(_mask(_flags_of(record), {flag: i for i, flag in enumerate(FLAGS)}))
        column["verified"].append((record.last_verified - EPOCH).days)
        column["status"].append(self.positions["status"][data.get("status", "active")])

    def _add_location(self, location: tuple[float, float] | None) -> None:
        """Append the step from the last clinic with a location, or null for none."""
        if location is None:
            self.columns["lat"].append(None)
            self.columns["lon"].append(None)
            return
        lat, lon = (round(value * COORDINATE_SCALE) for value in location)
        self.columns["lat"].append(lat - self.previous[0])
        self.columns["lon"].append(lon - self.previous[1])
        self.previous = (lat, lon)

    def _service(self, record: ClinicRecord, service: Mapping[str, Any]) -> list[Any]:
        """``[route, comparable price or null, insurance 0/1, conditions mask(, at-home states)]``."""
        price = record.comparable_price(service)
        row: list[Any] = [
            self.positions["route"][service["route"]],
            int(price) if price is not None and price.is_integer() else price,
            int(bool(service.get("insurance"))),
            _mask(service.get("conditions", []), self.positions["condition"]),
        ]
        if service["route"] == "at_home":
            row.append(sorted(self.positions["state"][s] for s in service.get("states_served", [])))
        return row


def _flags_of(record: ClinicRecord) -> set[str]:
    data = record.data
    flags = {
        flag for flag in ("accepting_new_patients", "telehealth_consultations") if data.get(flag)
    }
    if any(c.get("board_certified") for c in data.get("clinicians", [])):
        flags.add("board_certified")
    if any(s.get("rems_certified") for s in data["services"] if s["route"] == "esketamine_nasal"):
        flags.add("rems")
    if record.is_sample:
        flags.add("sample")
    return flags


def _redirects(records: list[ClinicRecord]) -> dict[str, str]:
    return {
        old: record.identity for record in records for old in record.data.get("previous_slugs", [])
    }


def index_document(records: list[ClinicRecord], urls: SiteUrls) -> dict[str, Any]:
    """The compact directory index (``/data/index.json``), clinics in the given order.

    The order is the neutral default order, so the build decides it and the
    browser keeps it. Clinic pages and ``clinic.json`` files are found by the
    URL patterns of the settings (``{state}``, ``{slug}``). Organisation, ZIP and
    clinician names are there for the site search; an organisation is 0 when
    the record names none.
    """
    columns = _IndexColumns()
    for record in records:
        columns.add(record)
    return {
        "version": INDEX_VERSION,
        "built": (records[0].today if records else date.today()).isoformat(),
        "count": len(records),
        "coordinate_scale": COORDINATE_SCALE,
        "flags": list(FLAGS),
        "stale_after_days": STALE_AFTER_DAYS,
        "at_home_warning": vocab.AT_HOME_WARNING,
        "url": urls.clinic_url,
        "json_url": urls.clinic_json_save_as,
        "redirects": _redirects(records),
        "vocab": {name: _vocabulary_rows(vocabulary) for name, vocabulary in vocab.ALL.items()},
        "columns": columns.columns,
    }


def _labels_used(record: ClinicRecord) -> dict[str, dict[str, list[str]]]:
    """``{vocabulary: {value: [label, explanation, guide]}}`` for the values this record uses."""
    data = record.data
    services = data["services"]
    clinicians = data.get("clinicians", [])
    used: dict[str, set[str]] = {
        "route": {s["route"] for s in services},
        "condition": {c for s in services for c in s.get("conditions", [])},
        "price_unit": {p["unit"] for s in services for p in s.get("prices", [])},
        "state": {s for sv in services for s in sv.get("states_served", [])}
        | {data["address"]["state"]},
        "credential": {c["credential"] for c in clinicians},
        "specialty": {c["specialty"] for c in clinicians if "specialty" in c},
        "role": {c["role"] for c in clinicians if "role" in c},
        "safety": set(data.get("safety", [])),
        "payment": set(data.get("payment", [])),
        "membership": set(data.get("memberships", [])),
        "language": set(data.get("languages", [])),
        "status": {data.get("status", "active")},
        "day": set(data.get("hours", {})),
    }
    return {
        name: {
            term.value: [term.label, term.explanation, term.guide]
            for term in vocab.ALL[name]
            if term.value in values
        }
        for name, values in used.items()
        if values
    }


def _service_details(record: ClinicRecord, service: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "route": service["route"],
        "comparable_price": record.comparable_price(service),
        "prices": [
            {
                "observed": record.price_observed(price).isoformat(),
                "current": record.price_is_current(price),
            }
            for price in service.get("prices", [])
        ],
    }


def clinic_document(record: ClinicRecord, *, url: str) -> dict[str, Any]:
    """One clinic's full record and what the build derived from it (``clinic.json``).

    ``derived.services`` is aligned with ``record.services`` (and each ``prices``
    list with the service's prices), so the compare page can show every price
    with its date and whether it still counts. ``labels`` makes the file
    readable without the index; ``url`` is the clinic page's site-relative URL.
    """
    return {
        "version": CLINIC_DOCUMENT_VERSION,
        "id": record.identity,
        "url": url,
        "record": record.data,
        "derived": {
            "location": list(record.location) if record.location else None,
            "services": [_service_details(record, s) for s in record.data["services"]],
            "lowest_comparable_price": record.lowest_comparable_price,
            "verification": {
                "last_verified": record.last_verified.isoformat(),
                "age_days": record.verified_age_days,
                "state": record.verification_state,
            },
        },
        "labels": _labels_used(record),
    }


def zip_table() -> dict[str, Any]:
    """Residential ZIP codes of the directory's states with their centre and place name.

    Columns in ZIP order, each value a step from the previous row, which keeps
    the numbers small. ``places`` ("City|ST") are listed in the order their first
    ZIP appears, and ``place`` counts back from the next new place: 0 is a new
    place, 1 the one before it, and so on. The browser also uses the places to
    resolve "City, ST".
    """
    states = set(vocab.STATES.values)
    rows = sorted(
        (int(entry["zip_code"]), entry)
        for entry in zipcodes.list_all()
        if entry["active"]
        and entry["state"] in states
        and entry["zip_code_type"] in RESIDENTIAL_ZIP_TYPES
    )
    places: dict[str, int] = {}
    columns: dict[str, list[int]] = {"zip": [], "lat": [], "lon": [], "place": []}
    previous = (0, 0, 0)
    for number, entry in rows:
        lat = round(float(entry["lat"]) * ZIP_COORDINATE_SCALE)
        lon = round(float(entry["long"]) * ZIP_COORDINATE_SCALE)
        seen = len(places)
        place = places.setdefault(f"{entry['city']}|{entry['state']}", seen)
        columns["zip"].append(number - previous[0])
        columns["lat"].append(lat - previous[1])
        columns["lon"].append(lon - previous[2])
        columns["place"].append(seen - place)
        previous = (number, lat, lon)
    return {
        "version": ZIP_TABLE_VERSION,
        "source": "zipcodes (Python package, MIT licence)",
        "coordinate_scale": ZIP_COORDINATE_SCALE,
        "places": list(places),
        "columns": columns,
    }
