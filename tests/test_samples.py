"""The fictional sample clinics: they must show off every feature and stay visibly fictional.

The samples are what developers, reviewers and screenshots see, so they have to exercise
every vocabulary term and every optional part of the record, validate cleanly, and never
be mistaken for a real clinic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
import zipcodes

from clinic_directory.records import vocab
from clinic_directory.records.model import EXPIRED_AFTER_DAYS, PRICE_MAX_AGE_DAYS, STALE_AFTER_DAYS
from clinic_directory.records.validate import validate_paths

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = PROJECT_ROOT / "samples"
SCHEMA_COMMENT = (
    "# yaml-language-server: $schema=../../plugins/clinic_directory/schema/clinic.schema.json"
)

#: Where each vocabulary's values appear in a record. A path step is a mapping key,
#: ``*`` for every item of a list, or ``~`` for the keys of a mapping.
VOCABULARY_FIELDS: dict[str, tuple[str, ...]] = {
    "route": ("services.*.route",),
    "condition": ("services.*.conditions.*",),
    "credential": ("clinicians.*.credential",),
    "specialty": ("clinicians.*.specialty",),
    "role": ("clinicians.*.role",),
    "safety": ("safety.*",),
    "payment": ("payment.*",),
    "membership": ("memberships.*",),
    "status": ("status",),
    "price_unit": ("services.*.prices.*.unit",),
    "medicine": ("services.*.prices.*.medicine",),
    "day": ("hours.~",),
    "state": ("address.state", "services.*.states_served.*"),
    "language": ("languages.*", "clinicians.*.languages.*"),
    "verification_method": ("verification.method",),
    "refund_policy": ("refunds.policy",),
    "accessibility": ("accessibility.*",),
    "medicine_billing": ("services.*.medicine_billing",),
    "npi_result": ("clinicians.*.npi_check.result",),
}
#: Vocabularies no sample can show: an NPI check needs an NPI, which samples never carry
#: (they are fictional); the test fixtures and ``test_npi.py`` show every result instead.
NOT_IN_SAMPLES = frozenset({"npi_result"})

SAMPLE_PHONE = re.compile(r"\+1 (\d{3})-555-01\d\d")
#: How far (in degrees) a sample's pin may sit from its ZIP code's centre: a few km.
PIN_TOLERANCE_DEGREES = 0.05


def values_at(node: Any, path: str) -> Iterator[Any]:
    """Every value found at a dotted ``path`` in a loaded record; missing parts yield nothing."""
    step, _, rest = path.partition(".")
    if step == "*":
        children = node if isinstance(node, list) else []
    elif step == "~":
        children = list(node) if isinstance(node, dict) else []
    else:
        children = [node[step]] if isinstance(node, dict) and step in node else []
    for child in children:
        if rest:
            yield from values_at(child, rest)
        else:
            yield child


def keys_anywhere(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from keys_anywhere(value)
    elif isinstance(node, list):
        for item in node:
            yield from keys_anywhere(item)


def load_samples() -> dict[str, dict[str, Any]]:
    """Every sample record, keyed by its path relative to the samples folder."""
    return {
        path.relative_to(SAMPLES_DIR).as_posix(): yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(SAMPLES_DIR.glob("*/*.yaml"))
    }


SAMPLES = MappingProxyType(load_samples())


def test_values_at_walks_keys_lists_and_mapping_keys():
    record = {"services": [{"route": "iv_infusion"}, {"route": "at_home"}], "hours": {"mon": "x"}}
    assert list(values_at(record, "services.*.route")) == ["iv_infusion", "at_home"]
    assert list(values_at(record, "hours.~")) == ["mon"]
    assert list(values_at(record, "clinicians.*.role")) == []


def test_the_field_map_covers_every_vocabulary():
    assert set(VOCABULARY_FIELDS) == set(vocab.ALL)


@pytest.mark.parametrize("name", sorted(set(vocab.ALL) - NOT_IN_SAMPLES))
def test_every_vocabulary_value_is_used_by_some_sample(name):
    used = {
        value
        for record in SAMPLES.values()
        for path in VOCABULARY_FIELDS[name]
        for value in values_at(record, path)
    }
    missing = [value for value in vocab.ALL[name].values if value not in used]
    assert not missing, f"no sample uses these {name} values: {', '.join(missing)}"


def test_there_are_enough_samples_across_enough_states():
    states = {record["address"]["state"] for record in SAMPLES.values()}
    assert len(SAMPLES) >= 40, f"only {len(SAMPLES)} samples"
    assert len(states) >= 12, f"samples cover only {sorted(states)}"


@pytest.mark.parametrize("relative", sorted(SAMPLES))
def test_sample_is_visibly_fictional(relative):
    record = SAMPLES[relative]
    assert record.get("sample") is True
    assert record.get("verified_by") == "sample-data"
    assert "npi" not in set(keys_anywhere(record)), "samples never carry an NPI"
    links = [record["website"], *record["sources"], *values_at(record, "verification.sources.*")]
    links += values_at(record, "refunds.terms")
    for url in links:
        host = urlsplit(url).hostname or ""
        assert host.endswith(".example"), f"{url} is not under a .example host"
    if "email" in record:
        assert record["email"].endswith(".example")
    assert SAMPLE_PHONE.fullmatch(record["phone"]), f"{record['phone']} is not a 555-01xx number"


@pytest.mark.parametrize("relative", sorted(SAMPLES))
def test_sample_starts_with_the_schema_comment(relative):
    first_line = (SAMPLES_DIR / relative).read_text(encoding="utf-8").splitlines()[0]
    assert first_line == SCHEMA_COMMENT


@pytest.mark.parametrize("relative", sorted(SAMPLES))
def test_sample_pin_and_area_code_belong_to_its_zip_code(relative):
    record = SAMPLES[relative]
    (zip_info,) = zipcodes.matching(record["address"]["postal_code"])
    assert zip_info["state"] == record["address"]["state"]
    assert abs(record["location"]["lat"] - float(zip_info["lat"])) < PIN_TOLERANCE_DEGREES
    assert abs(record["location"]["lon"] - float(zip_info["long"])) < PIN_TOLERANCE_DEGREES
    # A chain may share one central number, so any location of the organisation counts.
    siblings = [
        other
        for other in SAMPLES.values()
        if other is record
        or ("organization" in record and other.get("organization") == record["organization"])
    ]
    local_codes = {
        code
        for sibling in siblings
        for code in zipcodes.matching(sibling["address"]["postal_code"])[0]["area_codes"]
    }
    area_code = SAMPLE_PHONE.fullmatch(record["phone"]).group(1)
    assert area_code in local_codes


def test_only_locations_of_one_organisation_share_a_phone_number():
    owners: dict[str, set[str]] = {}
    for relative, record in SAMPLES.items():
        owners.setdefault(record["phone"], set()).add(record.get("organization", relative))
    shared = {phone: names for phone, names in owners.items() if len(names) > 1}
    assert not shared, f"phone numbers used by unrelated samples: {shared}"


def test_every_sample_validates_without_errors():
    report = validate_paths([SAMPLES_DIR], root=PROJECT_ROOT)
    assert report.files == len(SAMPLES)
    assert not report.errors, "\n".join(str(problem) for problem in report.errors)


def _prices(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [price for service in record["services"] for price in service.get("prices", [])]


def test_samples_show_every_age_of_verification_and_an_old_price():
    # Ages are measured from the newest sample, so the spread holds whatever today is.
    newest = max(record["last_verified"] for record in SAMPLES.values())
    ages = [(newest - record["last_verified"]).days for record in SAMPLES.values()]
    assert any(age <= STALE_AFTER_DAYS for age in ages)
    assert any(STALE_AFTER_DAYS < age <= EXPIRED_AFTER_DAYS for age in ages)
    assert any(age > EXPIRED_AFTER_DAYS for age in ages)
    observed: list[date] = [
        price["observed"]
        for record in SAMPLES.values()
        for price in _prices(record)
        if "observed" in price
    ]
    assert any((newest - day).days > PRICE_MAX_AGE_DAYS for day in observed)


#: Parts of the record the site treats specially; some sample must show each one.
SHOWCASE = {
    "an at-home service with states served": lambda r: any(
        s["route"] == "at_home" and s.get("states_served") for s in r["services"]
    ),
    "REMS-certified esketamine paid by insurance": lambda r: any(
        s["route"] == "esketamine_nasal" and s.get("rems_certified") and s.get("insurance")
        for s in r["services"]
    ),
    "a price range": lambda r: any("min" in p and "max" in p for p in _prices(r)),
    "a single price": lambda r: any("amount" in p for p in _prices(r)),
    "a price with its own observed date": lambda r: any("observed" in p for p in _prices(r)),
    "a price with what it includes": lambda r: any("includes" in p for p in _prices(r)),
    "a package without a single-session price": lambda r: any(
        {p["unit"] for p in s.get("prices", [])} & {"session", "series"} == {"series"}
        for s in r["services"]
    ),
    "a clinic fee that leaves out the medicine": lambda r: any(
        p.get("medicine") == "billed_separately" and p["unit"] == "session" for p in _prices(r)
    ),
    "a service with notes": lambda r: any("notes" in s for s in r["services"]),
    "a service without prices": lambda r: any(not s.get("prices") for s in r["services"]),
    "a cash-only clinic": lambda r: not any(s.get("insurance") for s in r["services"]),
    "insurance plans": lambda r: bool(r.get("insurance_plans")),
    "opening hours": lambda r: bool(r.get("hours")),
    "an email address": lambda r: "email" in r,
    "a former identity": lambda r: bool(r.get("previous_slugs")),
    "no description": lambda r: "description" not in r,
    "no clinicians listed": lambda r: not r.get("clinicians"),
    "six clinicians": lambda r: len(r.get("clinicians", [])) >= 6,
    "a single clinician": lambda r: len(r.get("clinicians", [])) == 1,
    "not accepting new patients": lambda r: r.get("accepting_new_patients") is False,
}


@pytest.mark.parametrize("feature", sorted(SHOWCASE))
def test_some_sample_shows(feature):
    assert any(SHOWCASE[feature](record) for record in SAMPLES.values())


def test_a_chain_shows_several_locations_of_one_organisation():
    locations: dict[str, int] = {}
    for record in SAMPLES.values():
        if "organization" in record:
            locations[record["organization"]] = locations.get(record["organization"], 0) + 1
    assert max(locations.values(), default=0) >= 2


def test_former_identities_point_to_no_current_sample():
    current = {relative.removesuffix(".yaml") for relative in SAMPLES}
    former = {old for record in SAMPLES.values() for old in record.get("previous_slugs", [])}
    assert not former & current


#: The fields added for patients' questions (how a listing was verified, refunds, access,
#: Spravato billing, getting an appointment), each shown by at least five samples so the
#: sample site shows what a full listing looks like. npi_check is left out: it needs an NPI.
PATIENT_FIELDS = (
    "verification.method",
    "verification.sources.*",
    "verification.notes",
    "listed_since",
    "refunds.policy",
    "refunds.terms",
    "accessibility.*",
    "accessibility_notes",
    "referral_required",
    "first_appointment_wait.days",
    "first_appointment_wait.observed",
    "services.*.medicine_billing",
    "services.*.copay_program",
    "services.*.insurance_plans",
    "clinicians.*.languages.*",
)


@pytest.mark.parametrize("path", PATIENT_FIELDS)
def test_five_samples_show_each_patient_field(path):
    using = [name for name, record in SAMPLES.items() if any(True for _ in values_at(record, path))]
    assert len(using) >= 5, f"only {using} show {path}"


def test_samples_show_both_answers_of_the_yes_no_patient_fields():
    for path in ("referral_required", "services.*.copay_program"):
        answers = {value for record in SAMPLES.values() for value in values_at(record, path)}
        assert answers == {True, False}, path
