"""The JSON documents the browser reads: the directory index, one file per clinic, ZIP codes.

The index feeds the list, the filters, the sort, the map and its popups on every
directory page, so it carries only what those need and is laid out to compress
well: one array per field ("columns"), enums as positions in the vocabulary,
sets of enum values as bit masks, coordinates as integer steps from the previous
clinic. ``directory.js`` and ``format.js`` in the theme decode it; keep both in step and
raise ``INDEX_VERSION`` when the layout changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import partial
from typing import Any

import zipcodes

from clinic_directory.records import vocab
from clinic_directory.records.model import (
    SESSION,
    SORT_TIERS,
    STALE_AFTER_DAYS,
    ClinicRecord,
    PriceFigure,
)
from clinic_directory.site.formatting import (
    RECENTLY_VERIFIED,
    directions_url,
    figure_text,
    headline_text,
    hours_range,
    index_constants,
    npi_check_text,
    refund_text,
    stale_note,
    us_date,
    us_phone,
    verification_warning,
    verified_how,
    wait_text,
    web_address,
)
from clinic_directory.site.translations import SOURCE_LANG, translate
from clinic_directory.site.urls import SiteUrls

INDEX_VERSION = 3
CLINIC_DOCUMENT_VERSION = 2
ZIP_TABLE_VERSION = 1

#: Coordinates are kept to four decimals (about 11 m), stored as integers of this step.
COORDINATE_SCALE = 10_000
#: ZIP centroids need no more than two decimals (about 1 km).
ZIP_COORDINATE_SCALE = 100
#: Names of the per-clinic yes/no facts, in bit order (bit i is ``1 << i``). ``asl``: staff
#: who sign, or an interpreter on request; ``referral_required`` and ``no_referral_needed``
#: are both unset when the record does not say.
FLAGS = (
    "accepting_new_patients", "telehealth_consultations", "board_certified", "rems", "sample",
    "step_free", "asl", "referral_required", "no_referral_needed",
)  # fmt: skip
#: The language code of American Sign Language.
ASL = "ase"
#: The kinds of ZIP code a visitor might type for where they live.
RESIDENTIAL_ZIP_TYPES = frozenset({"STANDARD", "PO BOX", "UNIQUE"})
#: Added to a headline price's code when it was seen more than a year ago.
STALE_CODE = 4
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


def _vocabulary_rows(
    vocabulary: vocab.Vocabulary, translate: Callable[[str], str] = str
) -> list[list[str]]:
    return [
        [term.value, translate(term.label), translate(term.explanation), term.guide]
        for term in vocabulary
    ]


class _IndexColumns:
    """Builds the column arrays of the index, one clinic at a time, in the build's order."""

    def __init__(self) -> None:
        self.positions = {name: _positions(vocabulary) for name, vocabulary in vocab.ALL.items()}
        self.columns: dict[str, list[Any]] = {
            name: []
            for name in (
                "state", "slug", "name", "organization", "city", "zip", "phone", "clinicians",
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
        column["phone"].append(data["phone"])  # the cards' tap-to-call link
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
        """``[route, headline price, insurance 0/1, conditions mask(, at-home states)]``."""
        row: list[Any] = [
            self.positions["route"][service["route"]],
            encode_headline(record.headline(service)),
            int(bool(service.get("insurance"))),
            _mask(service.get("conditions", []), self.positions["condition"]),
        ]
        if service["route"] == "at_home":
            row.append(sorted(self.positions["state"][s] for s in service.get("states_served", [])))
        return row


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def encode_headline(figure: PriceFigure | None) -> int | float | list[Any] | None:
    """A service's headline price as ``format.js``'s ``decodePrice`` reads it.

    ``None`` for no price; a bare number for the usual case, a current
    single-session price that includes the medicine; otherwise ``[code, low, high,
    sessions, observed day]`` with the code the kind's sort tier (0 session, 1
    package, 2 clinic fee) plus 4 for a price over a year old, sessions 0 for a
    per-session price, the observed day (days since 1970) only for old prices and
    trailing defaults left out.
    """
    if figure is None:
        return None
    if figure.kind == SESSION and figure.current and figure.low == figure.high:
        return _number(figure.low)
    code = SORT_TIERS[figure.kind] + (0 if figure.current else STALE_CODE)
    observed = None if figure.current else (figure.observed - EPOCH).days
    sessions = figure.sessions if figure.each else 0
    row = [code, _number(figure.low), _number(figure.high), sessions, observed]
    while len(row) > 2 and (row[-1] in (0, None) or (len(row) == 3 and row[2] == row[1])):
        row.pop()
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
    access = data.get("accessibility", [])
    if "step_free_entrance" in access:
        flags.add("step_free")
    if "asl_interpreter" in access or ASL in data.get("languages", []):
        flags.add("asl")
    referral = data.get("referral_required")
    if referral is not None:
        flags.add("referral_required" if referral else "no_referral_needed")
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
        **index_constants(),
        "at_home_warning": vocab.AT_HOME_WARNING,
        "url": urls.clinic_url,
        "json_url": urls.clinic_json_save_as,
        "redirects": _redirects(records),
        "vocab": {name: _vocabulary_rows(vocabulary) for name, vocabulary in vocab.ALL.items()},
        "columns": columns.columns,
    }


def vocabulary_document(lang: str) -> dict[str, Any]:
    """The index's words in another language, for the scripts of that language's pages
    (``data/vocabulary.<lang>.json``): each key stands in for the index's own, and
    ``vocab`` has the same rows, whose positions the columns use, with translated
    labels and explanations (guide links stay language-neutral: the scripts add the
    page's language). The index itself stays one, in the first language."""
    words = partial(translate, lang)
    return {
        **index_constants(lang),
        "at_home_warning": words(vocab.AT_HOME_WARNING),
        "vocab": {
            name: _vocabulary_rows(vocabulary, words) for name, vocabulary in vocab.ALL.items()
        },
    }


def _labels_used(record: ClinicRecord, lang: str) -> dict[str, dict[str, list[str]]]:
    """``{vocabulary: {value: [label, explanation, guide]}}`` for the values this record uses."""
    data = record.data
    services = data["services"]
    clinicians = data.get("clinicians", [])
    used: dict[str, set[str]] = {
        "route": {s["route"] for s in services},
        "condition": {c for s in services for c in s.get("conditions", [])},
        "price_unit": {p["unit"] for s in services for p in s.get("prices", [])},
        "medicine": {
            p["medicine"] for s in services for p in s.get("prices", []) if "medicine" in p
        },
        "state": {s for sv in services for s in sv.get("states_served", [])}
        | {data["address"]["state"]},
        "credential": {c["credential"] for c in clinicians},
        "npi_result": {c["npi_check"]["result"] for c in clinicians if "npi_check" in c},
        "specialty": {c["specialty"] for c in clinicians if "specialty" in c},
        "role": {c["role"] for c in clinicians if "role" in c},
        "safety": set(data.get("safety", [])),
        "payment": set(data.get("payment", [])),
        "membership": set(data.get("memberships", [])),
        "language": set(data.get("languages", [])),
        "accessibility": set(data.get("accessibility", [])),
        "verification_method": {data["verification"]["method"]}
        if "verification" in data
        else set(),
        "refund_policy": {data["refunds"]["policy"]} if "refunds" in data else set(),
        "medicine_billing": {s["medicine_billing"] for s in services if "medicine_billing" in s},
        "status": {data.get("status", "active")},
        "day": set(data.get("hours", {})),
    }
    return {
        name: {
            term.value: [translate(lang, term.label), translate(lang, term.explanation), term.guide]
            for term in vocab.ALL[name]
            if term.value in values
        }
        for name, values in used.items()
        if values
    }


def _service_details(record: ClinicRecord, service: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """What the compare page shows of a service, worded by ``formatting`` so that it
    reads exactly like the clinic page."""
    insurance = service.get("insurance")
    return {
        "route": service["route"],
        "headline": headline_text(record.headline(service), insurance, lang),
        "comparable_price": record.comparable_price(service),
        "price_sort_key": record.price_sort_key(service),
        "prices": [
            {
                "kind": figure.kind,
                "text": figure_text(figure, insurance, lang) + stale_note(figure, lang),
                "observed": figure.observed.isoformat(),
                "observed_text": us_date(figure.observed, lang),
                "current": figure.current,
            }
            for figure in record.price_figures(service)
        ],
    }


def _display(record: ClinicRecord, lang: str) -> dict[str, Any]:
    """The record's phone, hours, website and dates as people read them, and the
    directions link (the record keeps the data formats)."""
    data = record.data
    wait = record.first_appointment_wait
    return {
        "phone": us_phone(data["phone"]),
        "website": web_address(data["website"]),
        "directions": directions_url(record),
        "hours": {day: hours_range(text, lang) for day, text in data.get("hours", {}).items()},
        "last_verified": us_date(data["last_verified"], lang),
        "refunds": refund_text(data.get("refunds"), lang),
        "wait": wait_text(wait, lang) if wait else None,
        "npi_checks": [
            npi_check_text(c["npi_check"], lang) if "npi_check" in c else None
            for c in data.get("clinicians", [])
        ],
    }


def clinic_document(record: ClinicRecord, *, url: str, lang: str = SOURCE_LANG) -> dict[str, Any]:
    """One clinic's full record and what the build derived from it (``clinic.json``),
    its words (labels, prices, dates) in ``lang``: each language has its own copy.

    ``derived.services`` is aligned with ``record.services`` (and each ``prices``
    list with the service's prices), so the compare page can show every price
    with its date and whether it still counts, in the clinic page's words.
    ``labels`` makes the file readable without the index; ``url`` is the clinic
    page's site-relative URL.
    """
    return {
        "version": CLINIC_DOCUMENT_VERSION,
        "id": record.identity,
        "url": url,
        "record": record.data,
        "derived": {
            "location": list(record.location) if record.location else None,
            "services": [_service_details(record, s, lang) for s in record.data["services"]],
            "lowest_comparable_price": record.lowest_comparable_price,
            "display": _display(record, lang),
            "verification": {
                "last_verified": record.last_verified.isoformat(),
                "age_days": record.verified_age_days,
                "state": record.verification_state,
                "warning": verification_warning(record.verified_age_days, lang),
                "how": verified_how(record, lang),
                "recently_verified": translate(lang, RECENTLY_VERIFIED)
                if record.recently_verified
                else None,
                "out_of_date": record.out_of_date,
            },
        },
        "labels": _labels_used(record, lang),
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
