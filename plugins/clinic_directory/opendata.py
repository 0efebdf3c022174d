"""The open data downloads: every clinic as JSON, CSV, GeoJSON and Open Referral HSDS.

Unlike the compact browser index, these files are for people and programs that
reuse the directory, so they carry every field in plain, documented shapes.
Each shape has a version; raise it when a field changes meaning or disappears.
Records come from contributors, so every text cell that a spreadsheet could
read as a formula is defused in the CSV.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from clinic_directory import vocab
from clinic_directory.model import ClinicRecord

CLINICS_VERSION = 1
CSV_VERSION = 1
GEOJSON_VERSION = 1
#: The Open Referral Human Services Data Specification version the export follows.
HSDS_VERSION = "3.0"

#: Site-relative paths of the downloads, as the data page links them.
FILES = MappingProxyType(
    {
        "json": "data/clinics.json",
        "csv": "data/clinics.csv",
        "geojson": "data/clinics.geojson",
        "hsds": "data/hsds/services.json",
    }
)

#: Format version of each download, shown on the data page.
VERSIONS = MappingProxyType(
    {
        "json": CLINICS_VERSION,
        "csv": CSV_VERSION,
        "geojson": GEOJSON_VERSION,
        "hsds": HSDS_VERSION,
    }
)

#: Leading characters that make a spreadsheet treat a cell as a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = (
    "id", "url", "name", "organization", "status", "street", "city", "state",
    "postal_code", "latitude", "longitude", "phone", "website", "email", "route",
    "conditions", "insurance", "rems_certified", "states_served",
    "comparable_price_per_session", "prices", "service_notes", "accepting_new_patients",
    "telehealth_consultations", "languages", "payment", "insurance_plans", "memberships",
    "safety", "clinicians", "last_verified", "verified_by", "sources", "sample",
)  # fmt: skip

#: Record status -> HSDS service status.
HSDS_STATUS = MappingProxyType(
    {"active": "active", "temporarily_closed": "temporarily closed", "closed": "defunct"}
)
#: Stable identifiers: the same clinic and route get the same UUID in every build.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "clinic-directory:open-data")

LICENSE_URLS = MappingProxyType(
    {
        "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
        "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
        "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
        "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
        "PDDL-1.0": "https://opendatacommons.org/licenses/pddl/1-0/",
    }
)

UrlOf = Callable[[ClinicRecord], str]


def license_url(spdx_id: str) -> str:
    """Where a licence given by its SPDX identifier (``CLINIC_DATA_LICENSE``) is explained."""
    return LICENSE_URLS.get(spdx_id, f"https://spdx.org/licenses/{spdx_id}.html")


# -- JSON ---------------------------------------------------------------------------


def clinics_document(
    records: Sequence[ClinicRecord], *, url_of: UrlOf, license_id: str, schema_url: str
) -> dict[str, Any]:
    """``clinics.json``: every record exactly as contributed, plus identity, URL and
    coordinates. ``record`` follows the published record schema."""
    return {
        "version": CLINICS_VERSION,
        "license": license_id,
        "schema": schema_url,
        "count": len(records),
        "clinics": [
            {
                "id": record.identity,
                "url": url_of(record),
                "sample": record.is_sample,
                "location": _location(record),
                "record": record.data,
            }
            for record in records
        ],
    }


def _location(record: ClinicRecord) -> dict[str, float] | None:
    if record.location is None:
        return None
    lat, lon = record.location
    return {"lat": lat, "lon": lon}


# -- CSV ----------------------------------------------------------------------------


def defuse_formula(cell: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (CSV injection)."""
    return f"'{cell}" if cell.startswith(FORMULA_TRIGGERS) else cell


def _cell(value: Any) -> str | int | float:
    """Numbers stay numbers (our own figures, not contributor text); lists join with "; "."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        return defuse_formula("; ".join(str(item) for item in value))
    return defuse_formula(str(value))


def _money(amount: float) -> str:
    return f"{amount:g}"


def describe_price(record: ClinicRecord, price: Mapping[str, Any]) -> str:
    """One price in words, such as ``2900 USD per series of 6 sessions (observed 2026-09-14)``."""
    if "amount" in price:
        figure = f"{_money(price['amount'])} USD"
    else:
        figure = f"{_money(price['min'])}-{_money(price['max'])} USD"
    unit = price["unit"]
    what = f"series of {price['sessions']} sessions" if price.get("sessions") else unit
    text = f"{figure} per {what}"
    if price.get("includes"):
        text += f", includes {price['includes']}"
    return f"{text} (observed {record.price_observed(price).isoformat()})"


def _clinician_text(person: Mapping[str, Any]) -> str:
    parts = [person["name"], person["credential"]]
    parts += [person[key] for key in ("specialty", "role", "npi") if person.get(key)]
    if person.get("board_certified"):
        parts.append("board certified")
    return " ".join(parts[:2]) + "".join(f", {part}" for part in parts[2:])


def csv_rows(records: Iterable[ClinicRecord], *, url_of: UrlOf) -> Iterator[dict[str, Any]]:
    """One row per clinic and route, clinic facts repeated on each of its rows."""
    for record in records:
        data = record.data
        address = data["address"]
        lat, lon = record.location or (None, None)
        clinic = {
            "id": record.identity,
            "url": url_of(record),
            "name": data["name"],
            "organization": data.get("organization"),
            "status": data["status"],
            "street": address["street"],
            "city": address["city"],
            "state": address["state"],
            "postal_code": address["postal_code"],
            "latitude": lat,
            "longitude": lon,
            "phone": data["phone"],
            "website": data["website"],
            "email": data.get("email"),
            "accepting_new_patients": data.get("accepting_new_patients"),
            "telehealth_consultations": data.get("telehealth_consultations"),
            "languages": data.get("languages", []),
            "payment": data.get("payment", []),
            "insurance_plans": data.get("insurance_plans", []),
            "memberships": data.get("memberships", []),
            "safety": data.get("safety", []),
            "clinicians": [_clinician_text(p) for p in data.get("clinicians", [])],
            "last_verified": data["last_verified"],
            "verified_by": data["verified_by"],
            "sources": data["sources"],
            "sample": record.is_sample,
        }
        for service in data["services"]:
            yield {
                **clinic,
                "route": service["route"],
                "conditions": service.get("conditions", []),
                "insurance": service.get("insurance"),
                "rems_certified": service.get("rems_certified"),
                "states_served": service.get("states_served", []),
                "comparable_price_per_session": record.comparable_price(service),
                "prices": [describe_price(record, p) for p in service.get("prices", [])],
                "service_notes": service.get("notes"),
            }


def clinics_csv(records: Iterable[ClinicRecord], *, url_of: UrlOf) -> str:
    """``clinics.csv`` (RFC 4180, UTF-8, CRLF line ends, header row first)."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in csv_rows(records, url_of=url_of):
        writer.writerow({column: _cell(row[column]) for column in CSV_COLUMNS})
    return out.getvalue()


# -- GeoJSON ------------------------------------------------------------------------


def clinics_geojson(records: Iterable[ClinicRecord], *, url_of: UrlOf) -> dict[str, Any]:
    """``clinics.geojson`` (RFC 7946): a point per clinic; clinics without coordinates
    keep their feature with a null geometry, as the RFC allows."""
    features = []
    for record in records:
        data = record.data
        geometry = None
        if record.location is not None:
            lat, lon = record.location
            geometry = {"type": "Point", "coordinates": [lon, lat]}
        features.append(
            {
                "type": "Feature",
                "id": record.identity,
                "geometry": geometry,
                "properties": {
                    "name": data["name"],
                    "url": url_of(record),
                    "status": data["status"],
                    "city": data["address"]["city"],
                    "state": data["address"]["state"],
                    "routes": [s["route"] for s in data["services"]],
                    "lowest_comparable_price": record.lowest_comparable_price,
                    "last_verified": data["last_verified"],
                    "sample": record.is_sample,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "version": GEOJSON_VERSION,
        "features": features,
    }


# -- Open Referral HSDS -------------------------------------------------------------


def stable_id(*parts: str) -> str:
    """A UUID that stays the same for the same clinic, route or price in every build.

    The same value as ``str(uuid.uuid5(ID_NAMESPACE, "/".join(parts)))``, computed
    without building ``UUID`` objects, which cost most of the export's time at scale.
    """
    digest = bytearray(hashlib.sha1(ID_NAMESPACE.bytes + "/".join(parts).encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _hsds_organization(record: ClinicRecord) -> dict[str, Any]:
    data = record.data
    name = data.get("organization") or data["name"]
    organization = {
        "id": stable_id("organization", name.casefold()),
        "name": name,
        "description": data.get("description")
        or f"Provider of ketamine treatment at {data['name']}, {data['address']['city']}.",
        "website": data["website"],
    }
    if data.get("email"):
        organization["email"] = data["email"]
    return organization


def _hsds_location(record: ClinicRecord, organization_id: str) -> dict[str, Any]:
    data = record.data
    location_id = stable_id("location", record.identity)
    address = data["address"]
    location: dict[str, Any] = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": organization_id,
        "name": data["name"],
        "addresss": [
            {
                "id": stable_id("address", record.identity),
                "location_id": location_id,
                "address_1": address["street"],
                "city": address["city"],
                "state_province": address["state"],
                "postal_code": address["postal_code"],
                "country": "US",
                "address_type": "physical",
            }
        ],
        "phones": [
            {
                "id": stable_id("phone", record.identity),
                "location_id": location_id,
                "number": data["phone"],
                "type": "voice",
            }
        ],
        "languages": [
            {
                "id": stable_id("language", record.identity, code),
                "location_id": location_id,
                "name": vocab.LANGUAGES.label(code),
                "code": code,
            }
            for code in data.get("languages", [])
        ],
    }
    if record.location is not None:
        location["latitude"], location["longitude"] = record.location
    return location


def _hsds_cost_option(
    record: ClinicRecord, service_id: str, price: Mapping[str, Any], position: int
) -> dict[str, Any]:
    option: dict[str, Any] = {
        "id": stable_id("cost", service_id, str(position)),
        "service_id": service_id,
        "currency": "USD",
        "valid_from": record.price_observed(price).isoformat(),
        "amount_description": describe_price(record, price),
    }
    notes = [] if "amount" in price else ["a price range; amount is its low end"]
    option["amount"] = price.get("amount", price.get("min"))
    if price.get("includes"):
        notes.append(f"includes {price['includes']}")
    if notes:
        option["option"] = "; ".join(notes)
    return option


def _hsds_service(
    record: ClinicRecord,
    service: Mapping[str, Any],
    *,
    url_of: UrlOf,
    organization: dict[str, Any],
    location: dict[str, Any],
) -> dict[str, Any]:
    """One route at one clinic as an HSDS service, with its organization and location nested."""
    data = record.data
    route = vocab.ROUTES.get(service["route"])
    service_id = stable_id("service", record.identity, service["route"])
    document: dict[str, Any] = {
        "id": service_id,
        "organization_id": organization["id"],
        "name": f"{route.label} at {data['name']}",
        "description": route.explanation,
        "url": url_of(record),
        "status": HSDS_STATUS[data["status"]],
        "fees_description": "; ".join(describe_price(record, p) for p in service.get("prices", []))
        or "No published prices; ask the clinic for a written quote.",
        "assured_date": data["last_verified"],
        "organization": organization,
        "phones": [
            {
                "id": stable_id("phone", service_id),
                "service_id": service_id,
                "number": data["phone"],
            }
        ],
        "languages": [
            {
                "id": stable_id("language", service_id, code),
                "service_id": service_id,
                "name": vocab.LANGUAGES.label(code),
                "code": code,
            }
            for code in data.get("languages", [])
        ],
        "cost_options": [
            _hsds_cost_option(record, service_id, price, position)
            for position, price in enumerate(service.get("prices", []))
        ],
        "service_areas": [
            {
                "id": stable_id("area", service_id, state),
                "service_id": service_id,
                "name": vocab.STATES.label(state),
                "description": "Patients may be treated at home in this state.",
            }
            for state in service.get("states_served", [])
        ],
        "service_at_locations": [
            {
                "id": stable_id("service-at-location", service_id),
                "service_id": service_id,
                "location_id": location["id"],
                "location": location,
            }
        ],
    }
    if service.get("conditions"):
        document["eligibility_description"] = "Conditions treated, as stated by the clinic: " + (
            ", ".join(vocab.CONDITIONS.label(c) for c in service["conditions"])
        )
    if service.get("rems_certified"):
        document["accreditations"] = "Spravato REMS-certified site (as stated by the clinic)"
    if data.get("email"):
        document["email"] = data["email"]
    if record.is_sample:
        document["alert"] = "Fictional sample clinic for demonstration. It does not exist."
    return document


def hsds_services(records: Iterable[ClinicRecord], *, url_of: UrlOf) -> list[dict[str, Any]]:
    """The HSDS export: a JSON array of services, one per clinic and route."""
    services = []
    for record in records:
        organization = _hsds_organization(record)
        location = _hsds_location(record, organization["id"])
        services += [
            _hsds_service(
                record, service, url_of=url_of, organization=organization, location=location
            )
            for service in record.data["services"]
        ]
    return services


# -- the field list on the data page ------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field of the record format, as the data page lists it."""

    path: str  # "address.city", "services[].prices[].amount"
    type: str
    required: bool
    description: str
    values: tuple[str, ...] = ()  # allowed values of an enumerated field


def _resolve(schema: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if ref is None:
        return node
    target = schema["$defs"][ref.rsplit("/", 1)[-1]]
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}


def schema_fields(schema: Mapping[str, Any]) -> list[Field]:
    """Every field of the record schema, nested ones included, in schema order."""
    fields: list[Field] = []

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        required = set(node.get("required", ()))
        for name, raw in node.get("properties", {}).items():
            spec = _resolve(schema, raw)
            path = f"{prefix}{name}"
            kind = spec.get("type", "object")
            items = _resolve(schema, spec["items"]) if kind == "array" else None
            if items is not None:
                kind = f"list of {items.get('type', 'object')}s"
            enum = (items or spec).get("enum", ())
            fields.append(
                Field(
                    path=path,
                    type=kind,
                    required=name in required,
                    description=spec.get("description") or spec.get("title", ""),
                    values=tuple(enum),
                )
            )
            if spec.get("type") == "object":
                walk(spec, f"{path}.")
            elif items is not None and items.get("type") == "object":
                walk(items, f"{path}[].")

    walk(schema, "")
    return fields
