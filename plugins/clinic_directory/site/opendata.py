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
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from clinic_directory.records import vocab
from clinic_directory.records.model import ClinicRecord, PriceFigure
from clinic_directory.site.formatting import headline_price, refund_text, wait_text

CLINICS_VERSION = 2
#: 3: columns for Spravato billing, refunds, access, appointments and verification.
CSV_VERSION = 3
GEOJSON_VERSION = 2
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

#: The figures of a service's prices, one kind each, never blended (see ``price_figures``).
PRICE_KINDS = ("session", "package", "clinic_fee", "consultation", "month")
#: Their CSV columns: numbers and ISO dates, one column per figure.
PRICE_COLUMNS = (
    "session_price_min", "session_price_max", "session_medicine", "session_price_observed",
    "package_price_min", "package_price_max", "package_sessions",
    "package_per_session_min", "package_per_session_max", "package_medicine",
    "package_price_observed",
    "clinic_fee_min", "clinic_fee_max", "clinic_fee_observed",
    "consultation_fee_min", "consultation_fee_max", "monthly_fee_min", "monthly_fee_max",
)  # fmt: skip

CSV_COLUMNS = (
    "id", "url", "name", "organization", "status", "street", "city", "state",
    "postal_code", "latitude", "longitude", "phone", "website", "email", "route",
    "conditions", "insurance", "rems_certified", "states_served",
    "service_insurance_plans", "medicine_billing", "copay_program",
    *PRICE_COLUMNS, "comparable_price_per_session", "prices", "service_notes",
    "accepting_new_patients", "referral_required", "first_appointment_wait_days",
    "first_appointment_wait_observed",
    "telehealth_consultations", "languages", "accessibility", "accessibility_notes",
    "payment", "insurance_plans", "refund_policy", "refund_terms", "memberships",
    "safety", "clinicians", "last_verified", "verified_by", "verification_method",
    "verification_sources", "verification_notes", "sources", "listed_since", "sample",
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


def license_url(spdx_id: str) -> str:
    """Where a licence given by its SPDX identifier (``CLINIC_DATA_LICENSE``) is explained."""
    return LICENSE_URLS.get(spdx_id, f"https://spdx.org/licenses/{spdx_id}.html")


# -- JSON ---------------------------------------------------------------------------


def _figure(figure: PriceFigure) -> dict[str, Any]:
    """One price figure as plain numbers: what the clinic asks (a package's total), the
    per-session figure of a package in whole dollars, the medicine, when it was seen."""
    entry: dict[str, Any] = {"min": figure.low, "max": figure.high}
    if figure.each:
        entry |= {"sessions": figure.sessions, "per_session_min": figure.each[0]}
        entry["per_session_max"] = figure.each[1]
    if figure.medicine:
        entry["medicine"] = figure.medicine
    return entry | {"observed": figure.observed.isoformat(), "current": figure.current}


def price_figures(record: ClinicRecord, service: Mapping[str, Any]) -> dict[str, Any]:
    """A service's prices as the site reads them: the best single-session price, package,
    clinic fee without the medicine, consultation and monthly fee (``None`` where the
    clinic lists none), the headline in words and the figure the price filter uses."""
    summary = record.price_summary(service)
    return {
        "route": service["route"],
        "headline": headline_price(service, record),
        "comparable_price_per_session": record.comparable_price(service),
        **{kind: _figure(summary[kind]) if kind in summary else None for kind in PRICE_KINDS},
    }


def _clinic_entry(record: ClinicRecord, url: str) -> dict[str, Any]:
    """A clinic in ``clinics.json``: the record exactly as contributed, plus identity,
    URL, coordinates and, per service, its prices as the site reads them. ``record``
    follows the published record schema."""
    return {
        "id": record.identity,
        "url": url,
        "sample": record.is_sample,
        "location": _location(record),
        "prices": [price_figures(record, service) for service in record.data["services"]],
        "record": record.data,
    }


def _location(record: ClinicRecord) -> dict[str, float] | None:
    if record.location is None:
        return None
    lat, lon = record.location
    return {"lat": lat, "lon": lon}


# -- CSV ----------------------------------------------------------------------------


def defuse_formula(cell: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (CSV injection), also
    when spaces or line breaks come first: spreadsheets skip them before the ``=``."""
    risky = cell.startswith(FORMULA_TRIGGERS) or cell.lstrip().startswith(FORMULA_TRIGGERS)
    return f"'{cell}" if risky else cell


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


def _usd(low: float, high: float) -> str:
    return f"{_money(low)} USD" if low == high else f"{_money(low)}-{_money(high)} USD"


def describe_price(record: ClinicRecord, price: Mapping[str, Any]) -> str:
    """One price in words, such as ``2900 USD per series of 6 sessions (483 USD each),
    medicine included (observed 2026-09-14)``."""
    figure = record.price_figure(price)
    text = _usd(figure.low, figure.high)
    if figure.each:
        text += f" per series of {figure.sessions} sessions ({_usd(*figure.each)} each)"
    else:
        text += f" per {figure.unit}"
    if figure.medicine:
        text += f", {vocab.MEDICINE.label(figure.medicine).lower()}"
    if price.get("includes"):
        text += f", includes {price['includes']}"
    return f"{text} (observed {figure.observed.isoformat()})"


def _price_cells(record: ClinicRecord, service: Mapping[str, Any]) -> dict[str, Any]:
    """The CSV's price columns of one service: one column per figure, numbers only."""
    summary = record.price_summary(service)
    cells: dict[str, Any] = dict.fromkeys(PRICE_COLUMNS)
    for kind, prefix in (("session", "session_price"), ("package", "package_price")):
        if kind in summary:
            figure = summary[kind]
            cells |= {f"{prefix}_min": figure.low, f"{prefix}_max": figure.high}
            cells[f"{kind}_medicine"] = figure.medicine
            cells[f"{prefix}_observed"] = figure.observed.isoformat()
    if "package" in summary and summary["package"].each:
        low, high = summary["package"].each
        cells |= {"package_sessions": summary["package"].sessions}
        cells |= {"package_per_session_min": low, "package_per_session_max": high}
    for kind, prefix in (
        ("clinic_fee", "clinic_fee"),
        ("consultation", "consultation_fee"),
        ("month", "monthly_fee"),
    ):
        if kind in summary:
            cells |= {f"{prefix}_min": summary[kind].low, f"{prefix}_max": summary[kind].high}
    if "clinic_fee" in summary:
        cells["clinic_fee_observed"] = summary["clinic_fee"].observed.isoformat()
    return cells


def _clinician_text(person: Mapping[str, Any]) -> str:
    parts = [person["name"], person["credential"]]
    parts += [person[key] for key in ("specialty", "role", "npi") if person.get(key)]
    if person.get("board_certified"):
        parts.append("board certified")
    if person.get("npi_check"):
        check = person["npi_check"]
        parts.append(f"NPI check {check['result']} on {check['checked']}")
    if person.get("languages"):
        parts.append(f"speaks {' '.join(person['languages'])}")
    return " ".join(parts[:2]) + "".join(f", {part}" for part in parts[2:])


def _csv_rows(record: ClinicRecord, url: str) -> Iterator[dict[str, Any]]:
    """One row per route, the clinic's facts repeated on each of its rows."""
    data = record.data
    address = data["address"]
    lat, lon = record.location or (None, None)
    wait = record.first_appointment_wait
    refunds = data.get("refunds", {})
    verification = data.get("verification", {})
    clinic = {
        "id": record.identity,
        "url": url,
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
        "referral_required": data.get("referral_required"),
        "first_appointment_wait_days": wait.days if wait else None,
        "first_appointment_wait_observed": wait.observed.isoformat() if wait else None,
        "telehealth_consultations": data.get("telehealth_consultations"),
        "languages": data.get("languages", []),
        "accessibility": data.get("accessibility", []),
        "accessibility_notes": data.get("accessibility_notes"),
        "payment": data.get("payment", []),
        "insurance_plans": data.get("insurance_plans", []),
        "refund_policy": refunds.get("policy"),
        "refund_terms": refunds.get("terms"),
        "memberships": data.get("memberships", []),
        "safety": data.get("safety", []),
        "clinicians": [_clinician_text(p) for p in data.get("clinicians", [])],
        "last_verified": data["last_verified"],
        "verified_by": data["verified_by"],
        "verification_method": verification.get("method"),
        "verification_sources": verification.get("sources", []),
        "verification_notes": verification.get("notes"),
        "sources": data["sources"],
        "listed_since": data.get("listed_since"),
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
            "service_insurance_plans": service.get("insurance_plans", []),
            "medicine_billing": service.get("medicine_billing"),
            "copay_program": service.get("copay_program"),
            **_price_cells(record, service),
            "comparable_price_per_session": record.comparable_price(service),
            "prices": [describe_price(record, p) for p in service.get("prices", [])],
            "service_notes": service.get("notes"),
        }


def _csv_text(rows: Iterable[Mapping[str, Any]], *, header: bool = False) -> str:
    """Rows as RFC 4180 text (UTF-8, CRLF line ends), formula triggers defused."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    if header:
        writer.writeheader()
    for row in rows:
        writer.writerow({column: _cell(row[column]) for column in CSV_COLUMNS})
    return out.getvalue()


# -- GeoJSON ------------------------------------------------------------------------


def _feature(record: ClinicRecord, url: str) -> dict[str, Any]:
    """A clinic in ``clinics.geojson`` (RFC 7946): a point, or a null geometry for a
    clinic without coordinates, as the RFC allows."""
    data = record.data
    geometry = None
    if record.location is not None:
        lat, lon = record.location
        geometry = {"type": "Point", "coordinates": [lon, lat]}
    return {
        "type": "Feature",
        "id": record.identity,
        "geometry": geometry,
        "properties": {
            "name": data["name"],
            "url": url,
            "status": data["status"],
            "city": data["address"]["city"],
            "state": data["address"]["state"],
            "routes": [s["route"] for s in data["services"]],
            "lowest_comparable_price": record.lowest_comparable_price,
            "headline_prices": {s["route"]: headline_price(s, record) for s in data["services"]},
            "accepting_new_patients": data.get("accepting_new_patients"),
            "referral_required": data.get("referral_required"),
            "accessibility": data.get("accessibility", []),
            "languages": data.get("languages", []),
            "last_verified": data["last_verified"],
            "verification_method": data.get("verification", {}).get("method"),
            "sample": record.is_sample,
        },
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
    spoken = {code for person in data.get("clinicians", []) for code in person.get("languages", [])}
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
                **({"note": "spoken by a clinician"} if code in spoken else {}),
            }
            for code in data.get("languages", [])
        ],
        "accessibilitys": _hsds_accessibility(record, location_id),
    }
    if record.location is not None:
        location["latitude"], location["longitude"] = record.location
    return location


def _hsds_accessibility(record: ClinicRecord, location_id: str) -> list[dict[str, Any]]:
    """HSDS's accessibility rows (its 3.0 schema spells the list ``accessibilitys``): one
    per feature the clinic states, and its notes."""
    rows = [
        {
            "id": stable_id("accessibility", record.identity, feature),
            "location_id": location_id,
            "description": vocab.ACCESSIBILITY.label(feature),
            "details": f"{vocab.ACCESSIBILITY.get(feature).explanation} As stated by the clinic.",
        }
        for feature in record.data.get("accessibility", [])
    ]
    if record.data.get("accessibility_notes"):
        rows.append(
            {
                "id": stable_id("accessibility", record.identity, "notes"),
                "location_id": location_id,
                "description": "Access notes, as stated by the clinic",
                "details": record.data["accessibility_notes"],
            }
        )
    return rows


def _hsds_fees(record: ClinicRecord, service: Mapping[str, Any]) -> str:
    """What a service costs and how it is paid, in words: the prices, a package's refund
    policy, and for Spravato how the spray is billed and what insurance takes it."""
    parts = [describe_price(record, p) for p in service.get("prices", [])]
    if not parts:
        parts.append("No published prices; ask the clinic for a written quote.")
    if any(p["unit"] == "series" for p in service.get("prices", [])):
        refunds = record.data.get("refunds")
        terms = f" Terms: {refunds['terms']}" if refunds and refunds.get("terms") else ""
        parts.append(f"Prepaid packages: {refund_text(refunds)}{terms}")
    if service.get("insurance_plans"):
        parts.append(f"Plans for this treatment: {', '.join(service['insurance_plans'])}")
    if service.get("medicine_billing"):
        parts.append(
            f"Medicine: {vocab.MEDICINE_BILLING.get(service['medicine_billing']).explanation}"
        )
    if "copay_program" in service:
        accepted = "accepted" if service["copay_program"] else "not accepted"
        parts.append(f"Manufacturer's co-pay programme: {accepted}")
    return "; ".join(parts)


def _hsds_application(record: ClinicRecord) -> str | None:
    """How to get a first appointment: new patients, referral, the typical wait."""
    data = record.data
    parts = []
    if data.get("accepting_new_patients") is not None:
        parts.append(
            "Accepting new patients."
            if data["accepting_new_patients"]
            else "Not accepting new patients."
        )
    if data.get("referral_required") is not None:
        parts.append(
            "A referral from a clinician is required."
            if data["referral_required"]
            else "No referral needed."
        )
    wait = record.first_appointment_wait
    if wait:
        said = wait_text(wait)
        parts.append(f"Typical wait for a first appointment: {said[0].lower()}{said[1:]}.")
    return " ".join(parts) or None


def _hsds_verification(record: ClinicRecord, service_id: str) -> dict[str, Any]:
    """The last verification as HSDS provenance: when, by whom and how."""
    data = record.data
    method = data.get("verification", {}).get("method")
    return {
        "id": stable_id("metadata", service_id, data["last_verified"]),
        "resource_id": service_id,
        "resource_type": "service",
        "last_action_date": data["last_verified"],
        "last_action_type": f"verified: {vocab.VERIFICATION_METHODS.label(method).lower()}"
        if method
        else "verified",
        "field_name": "assured_date",
        "previous_value": "",
        "replacement_value": data["last_verified"],
        "updated_by": data["verified_by"],
    }


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
    if price.get("medicine"):
        notes.append(vocab.MEDICINE.label(price["medicine"]).lower())
    if price.get("includes"):
        notes.append(f"includes {price['includes']}")
    if notes:
        option["option"] = "; ".join(notes)
    return option


def _hsds_service(
    record: ClinicRecord,
    service: Mapping[str, Any],
    *,
    url: str,
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
        "url": url,
        "status": HSDS_STATUS[data["status"]],
        "fees_description": _hsds_fees(record, service),
        "assured_date": data["last_verified"],
        "metadata": [_hsds_verification(record, service_id)],
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
    application = _hsds_application(record)
    if application:
        document["application_process"] = application
    if "asl_interpreter" in data.get("accessibility", []):
        document["interpretation_services"] = (
            "An American Sign Language interpreter on request, as stated by the clinic."
        )
    alerts = []
    if record.is_sample:
        alerts.append("Fictional sample clinic for demonstration. It does not exist.")
    if record.out_of_date:
        alerts.append("Not verified for over a year: it may be out of date.")
    if alerts:
        document["alert"] = " ".join(alerts)
    return document


def _hsds_services(record: ClinicRecord, url: str) -> list[dict[str, Any]]:
    """A clinic in the HSDS export: one service per route."""
    organization = _hsds_organization(record)
    location = _hsds_location(record, organization["id"])
    return [
        _hsds_service(record, service, url=url, organization=organization, location=location)
        for service in record.data["services"]
    ]


# -- the downloads, assembled from each record's part ------------------------------


@dataclass(frozen=True)
class RecordExport:
    """One clinic's part of each download, as the text it adds to the file.

    Parts depend on nothing but the record, its URL and the date, so a rebuild
    can keep them for every record that did not change and only join them.
    """

    json: str  # its entry in clinics.json
    csv: str  # its rows of clinics.csv
    geojson: str  # its feature in clinics.geojson
    hsds: str  # its services in the HSDS export, comma-separated


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def record_export(record: ClinicRecord, url: str) -> RecordExport:
    return RecordExport(
        json=_json(_clinic_entry(record, url)),
        csv=_csv_text(_csv_rows(record, url)),
        geojson=_json(_feature(record, url)),
        hsds=",".join(_json(service) for service in _hsds_services(record, url)),
    )


def downloads(
    parts: Sequence[RecordExport], *, license_id: str, schema_url: str
) -> Iterator[tuple[str, str]]:
    """Each download as (key in ``FILES``, text), every clinic in it, closed ones
    too; the JSON is what ``json.dumps`` would write for the whole document.

    One at a time, so that a large directory holds one whole file in memory, not four.
    """
    header = _json(
        {
            "version": CLINICS_VERSION,
            "license": license_id,
            "schema": schema_url,
            "count": len(parts),
        }
    )
    yield "json", f'{header[:-1]},"clinics":[{",".join(part.json for part in parts)}]}}'
    yield "csv", _csv_text((), header=True) + "".join(part.csv for part in parts)
    feature_header = _json({"type": "FeatureCollection", "version": GEOJSON_VERSION})
    features = ",".join(part.geojson for part in parts)
    yield "geojson", f'{feature_header[:-1]},"features":[{features}]}}'
    yield "hsds", f"[{','.join(part.hsds for part in parts if part.hsds)}]"


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
