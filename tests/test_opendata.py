"""The open data downloads: JSON, CSV, GeoJSON and HSDS, and the /data/ page."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sites import publishable, record

from clinic_directory.records import vocab
from clinic_directory.records.model import ClinicRecord
from clinic_directory.records.schema import build_schema
from clinic_directory.site import opendata

HSDS_SCHEMAS = Path(__file__).parent / "fixtures" / "hsds"
#: Where the vendored schemas are registered; never fetched.
HSDS_BASE = "https://hsds.invalid/schema/"
TODAY = date(2026, 11, 22)


def clinic(slug: str = "lantern-hill", state: str = "tx", **changes: Any) -> ClinicRecord:
    location = changes.pop("location_", (30.2747, -97.7404))
    return ClinicRecord(
        state=state,
        slug=slug,
        source=f"clinics/{state}/{slug}.yaml",
        data=record(**changes),
        location=location,
        today=TODAY,
    )


def url_of(item: ClinicRecord) -> str:
    return f"https://directory.example/clinics/{item.identity}/"


def downloads(records: list[ClinicRecord]) -> dict[str, str]:
    """The text of each download, assembled from the records' parts as a build does."""
    return dict(
        opendata.downloads(
            [opendata.record_export(item, url_of(item)) for item in records],
            license_id="CC0-1.0",
            schema_url="https://directory.example/schema/clinic.schema.json",
        )
    )


AT_HOME = {"route": "at_home", "states_served": ["TX", "OK"], "prices": [{"min": 0, "max": 250, "unit": "month"}]}  # fmt: skip


# -- clinics.json -------------------------------------------------------------------


def test_each_download_is_the_same_whether_assembled_from_parts_or_written_whole():
    records = [
        clinic(),
        clinic("quiet-pines", status="closed"),
        clinic("empty", services=[AT_HOME]),
    ]
    files = downloads(records)
    for name in ("json", "geojson", "hsds"):
        whole = json.loads(files[name])
        assert files[name] == json.dumps(whole, ensure_ascii=False, separators=(",", ":"))
    assert json.loads(files["json"])["count"] == 3
    assert len(json.loads(files["geojson"])["features"]) == 3
    assert len(json.loads(files["hsds"])) == 2 + 2 + 1
    assert files["csv"].startswith(",".join(opendata.CSV_COLUMNS) + "\r\n")
    assert json.loads(downloads([])["hsds"]) == []


def test_json_carries_every_field_of_every_record_unchanged():
    records = [clinic(), clinic("quiet-pines", status="closed", organization="Pines Health")]
    document = json.loads(downloads(records)["json"])
    assert document["version"] == opendata.CLINICS_VERSION
    assert document["license"] == "CC0-1.0"
    assert document["count"] == 2
    assert [c["record"] for c in document["clinics"]] == [r.data for r in records]
    assert document["clinics"][1]["id"] == "tx/quiet-pines"
    assert document["clinics"][1]["url"] == "https://directory.example/clinics/tx/quiet-pines/"
    assert document["clinics"][0]["location"] == {"lat": 30.2747, "lon": -97.7404}
    json.dumps(document)  # plain JSON types only


def test_json_marks_samples():
    sample = clinic("demo", sample=True)
    document = json.loads(downloads([clinic(), sample])["json"])
    assert [c["sample"] for c in document["clinics"]] == [False, True]
    assert document["clinics"][1]["record"]["sample"] is True


# -- clinics.csv --------------------------------------------------------------------


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_one_row_per_clinic_and_route_with_prices():
    rows = parse_csv(downloads([clinic()])["csv"])
    assert [row["route"] for row in rows] == ["iv_infusion", "esketamine_nasal"]
    iv, nasal = rows
    assert iv["id"] == nasal["id"] == "tx/lantern-hill"
    assert iv["prices"] == (
        "550 USD per session (observed 2026-09-14); "
        "2900 USD per series of 6 sessions (483 USD each), includes six infusions "
        "(observed 2026-09-14)"
    )
    assert iv["comparable_price_per_session"] == "550"
    assert iv["conditions"] == "treatment_resistant_depression; ptsd"
    assert nasal["rems_certified"] == "true"
    assert nasal["prices"] == ""
    assert list(rows[0]) == list(opendata.CSV_COLUMNS)


SPRAVATO = {
    "route": "esketamine_nasal",
    "rems_certified": True,
    "insurance": True,
    "prices": [
        {"min": 0, "max": 60, "unit": "session", "medicine": "billed_separately"},
        {"amount": 300, "unit": "consultation", "medicine": "not_applicable"},
    ],
}


def test_csv_has_one_column_per_price_figure_never_blended():
    rows = parse_csv(downloads([clinic(services=[clinic().data["services"][0], SPRAVATO])])["csv"])
    iv, nasal = ({k: v for k, v in row.items() if k in opendata.PRICE_COLUMNS} for row in rows)
    assert {k: v for k, v in iv.items() if v} == {
        "session_price_min": "550",
        "session_price_max": "550",
        "session_price_observed": "2026-09-14",
        "package_price_min": "2900",
        "package_price_max": "2900",
        "package_sessions": "6",
        "package_per_session_min": "483",
        "package_per_session_max": "483",
        "package_price_observed": "2026-09-14",
    }
    # a clinic fee that leaves out the medicine is never a session price
    assert {k: v for k, v in nasal.items() if v} == {
        "clinic_fee_min": "0",
        "clinic_fee_max": "60",
        "clinic_fee_observed": "2026-09-14",
        "consultation_fee_min": "300",
        "consultation_fee_max": "300",
    }
    assert rows[1]["comparable_price_per_session"] == ""


def test_clinics_json_states_each_price_figure_and_the_medicine():
    entry = json.loads(downloads([clinic(services=[SPRAVATO])])["json"])["clinics"][0]
    [nasal] = entry["prices"]
    assert nasal["headline"] == (
        "Clinic fee $0-$60 per session; the medicine is billed to your insurance"
    )
    assert nasal["session"] is None and nasal["comparable_price_per_session"] is None
    assert nasal["clinic_fee"] == {
        "min": 0,
        "max": 60,
        "medicine": "billed_separately",
        "observed": "2026-09-14",
        "current": True,
    }
    assert entry["record"]["services"][0]["prices"][0]["medicine"] == "billed_separately"


def test_csv_numbers_stay_numbers():
    row = parse_csv(downloads([clinic()])["csv"])[0]
    assert row["longitude"] == "-97.7404"
    assert row["latitude"] == "30.2747"


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_defuses_cells_a_spreadsheet_would_run(trigger):
    hostile = f'{trigger}HYPERLINK("https://evil.example","x")'
    rows = parse_csv(downloads([clinic(name=hostile, organization=hostile)])["csv"])
    for row in rows:
        assert row["name"] == "'" + hostile
        assert row["organization"] == "'" + hostile


def test_csv_defuses_the_phone_number_too():
    row = parse_csv(downloads([clinic()])["csv"])[0]
    assert row["phone"] == "'+1 512-555-0134"


def test_csv_leaves_ordinary_text_alone():
    assert opendata.defuse_formula("Lantern Hill = calm") == "Lantern Hill = calm"


@pytest.mark.parametrize("cell", [" =HYPERLINK(1)", "\n+1", "\u3000@SUM(1)", " \t-1", "\t=1"])
def test_csv_defuses_a_formula_after_leading_spaces_too(cell):
    assert opendata.defuse_formula(cell) == "'" + cell


# -- clinics.geojson ----------------------------------------------------------------


def test_geojson_points_are_longitude_then_latitude():
    collection = json.loads(downloads([clinic(), clinic("unplaced", location_=None)])["geojson"])
    located, unplaced = collection["features"]
    assert collection["type"] == "FeatureCollection"
    assert located["geometry"] == {"type": "Point", "coordinates": [-97.7404, 30.2747]}
    assert located["properties"]["routes"] == ["iv_infusion", "esketamine_nasal"]
    assert located["properties"]["lowest_comparable_price"] == 550
    assert located["properties"]["headline_prices"] == {
        "iv_infusion": "$550 per session",
        "esketamine_nasal": None,
    }
    assert unplaced["geometry"] is None
    assert unplaced["id"] == "tx/unplaced"


# -- HSDS ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hsds_validator() -> Draft202012Validator:
    registry = Registry().with_resources(
        (
            HSDS_BASE + path.name,
            Resource.from_contents(
                json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT202012
            ),
        )
        for path in HSDS_SCHEMAS.glob("*.json")
    )
    return Draft202012Validator(
        {"$ref": HSDS_BASE + "service.json"}, registry=registry, format_checker=FormatChecker()
    )


def schema_of(name: str) -> Mapping[str, Any]:
    return json.loads((HSDS_SCHEMAS / name).read_text(encoding="utf-8"))


def undeclared_keys(instance: Any, schema: Mapping[str, Any], path: str) -> Iterator[str]:
    """Keys the HSDS schema does not define: HSDS allows extra keys, so a misspelt
    field would pass validation unnoticed without this check."""
    properties = schema.get("properties", {})
    for key, value in instance.items():
        if key not in properties:
            yield f"{path}.{key}"
            continue
        spec = properties[key]
        target = spec.get("items", spec).get("$ref")
        if target is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            yield from undeclared_keys(item, schema_of(target), f"{path}.{key}")


def hsds_export() -> list[dict[str, Any]]:
    services = [*record()["services"], AT_HOME]
    records = [
        clinic(organization="Lantern Health", email="intake@lantern-hill.example", services=services),
        clinic("quiet-pines", status="temporarily_closed", location_=None),
        clinic("demo", state="ok", sample=True, description=None),
    ]  # fmt: skip
    return json.loads(downloads(records)["hsds"])


def test_hsds_export_validates_against_the_published_schemas(hsds_validator):
    services = hsds_export()
    assert len(services) == 3 + 2 + 2
    for service in services:
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in hsds_validator.iter_errors(service)
        ]
        assert errors == [], service["name"]
        assert list(undeclared_keys(service, schema_of("service.json"), "service")) == []


def test_hsds_validation_catches_a_broken_export(hsds_validator):
    """The fixture schemas are really applied, nested objects included."""
    service = hsds_export()[0]
    service["status"] = "open"
    del service["service_at_locations"][0]["location"]["addresss"][0]["country"]
    messages = sorted(e.message for e in hsds_validator.iter_errors(service))
    assert messages == ["'country' is a required property", "'open' is not one of " + str(
        ["active", "inactive", "defunct", "temporarily closed"]
    )]  # fmt: skip


def test_hsds_service_carries_prices_areas_and_location():
    iv, _nasal, at_home, *_ = hsds_export()
    assert iv["name"] == "IV infusion at Lantern Hill Ketamine Clinic"
    assert iv["organization"]["name"] == "Lantern Health"
    assert [c["amount"] for c in iv["cost_options"]] == [550, 2900]
    assert iv["cost_options"][1]["option"] == "includes six infusions"
    assert "(483 USD each)" in iv["cost_options"][1]["amount_description"]
    assert iv["assured_date"] == "2026-09-14"
    location = iv["service_at_locations"][0]["location"]
    assert (location["latitude"], location["longitude"]) == (30.2747, -97.7404)
    assert location["addresss"][0]["state_province"] == "TX"
    assert [area["name"] for area in at_home["service_areas"]] == ["Texas", "Oklahoma"]
    assert at_home["cost_options"][0]["option"] == "a price range; amount is its low end"


def test_hsds_status_and_sample_marking():
    services = hsds_export()
    assert {s["status"] for s in services[3:5]} == {"temporarily closed"}
    assert "latitude" not in services[3]["service_at_locations"][0]["location"]
    assert all("alert" not in s for s in services[:5])
    assert all(s["alert"].startswith("Fictional sample clinic") for s in services[5:])


def test_stable_ids_are_version_5_uuids():
    expected = uuid.uuid5(opendata.ID_NAMESPACE, "service/tx/lantern-hill/iv_infusion")
    assert opendata.stable_id("service", "tx/lantern-hill", "iv_infusion") == str(expected)


def test_hsds_identifiers_are_unique_and_stable():
    first, again = hsds_export(), hsds_export()
    ids = [s["id"] for s in first]
    assert ids == [s["id"] for s in again]
    assert len(set(ids)) == len(ids)
    # Locations of one organization share the organization's identifier.
    assert first[0]["organization_id"] == first[1]["organization_id"]


# -- the data page ------------------------------------------------------------------


def test_field_list_comes_from_the_record_schema():
    schema = build_schema()
    fields = {field.path: field for field in opendata.schema_fields(schema)}
    assert set(schema["properties"]) <= set(fields)
    assert fields["name"].required is True
    assert fields["email"].required is False
    assert fields["address.postal_code"].required is True
    assert fields["services[].route"].values == vocab.ROUTES.values
    assert fields["services[].conditions"].values == vocab.CONDITIONS.values
    assert fields["services[].conditions"].type == "list of strings"
    assert fields["services[].prices[].amount"].type == "number"
    assert fields["clinicians[].npi"].description.startswith("The clinician's 10-digit")


def test_license_urls():
    assert opendata.license_url("CC0-1.0") == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert opendata.license_url("MIT") == "https://spdx.org/licenses/MIT.html"


def test_build_writes_the_downloads_and_the_data_page(tiny_site):
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.add(
        "tx/quiet-pines",
        record(name="Quiet Pines Clinic", status="closed", phone="+1 512-555-0135"),
    )
    tiny_site.add(
        "tx/demo",
        record(name="Demo Clinic", sample=True, phone="+1 512-555-0136"),
        folder="samples",
    )
    tiny_site.build(CLINICS_PATHS=["clinics", "samples"], CLINIC_DATA_LICENSE="CC-BY-4.0")

    document = json.loads(tiny_site.page("data/clinics.json"))
    assert {c["id"]: c["sample"] for c in document["clinics"]} == {
        "tx/lantern-hill": False,
        "tx/quiet-pines": False,
        "tx/demo": True,
    }
    assert document["license"] == "CC-BY-4.0"
    rows = parse_csv(tiny_site.page("data/clinics.csv"))
    assert len(rows) == 6
    assert len(json.loads(tiny_site.page("data/clinics.geojson"))["features"]) == 3
    assert len(json.loads(tiny_site.page("data/hsds/services.json"))) == 6

    page = tiny_site.page("data/index.html")
    assert re.search(
        r'href="https://creativecommons.org/licenses/by/4.0/" rel="license[^"]*">CC-BY-4.0<', page
    )
    assert "<code>services[].prices[].amount</code>" in page
    assert "clinic.schema.json" in page
    assert '"sample": true' in page  # the sample notice, shown only in builds with samples


def test_publish_build_data_has_no_sample(tiny_site):
    tiny_site.add("tx/lantern-hill", publishable(record()))
    tiny_site.build("publishconf.py")
    document = json.loads(tiny_site.page("data/clinics.json"))
    assert [c["sample"] for c in document["clinics"]] == [False]
    assert '"sample": true' not in tiny_site.page("data/index.html")


# -- what patients ask: verification, refunds, access, Spravato, appointments ------


def answered_clinic() -> ClinicRecord:
    """A clinic that states every answer the patient fields hold."""
    data = record(
        verification={"method": "register", "sources": ["https://rems.example/lantern-hill"]},
        listed_since="2026-01-05",
        refunds={"policy": "full", "terms": "https://lantern-hill.example/terms"},
        accessibility=["step_free_entrance", "asl_interpreter"],
        accessibility_notes="Lift to the second floor.",
        referral_required=True,
        first_appointment_wait={"days": 9},
    )
    data["services"][1] |= {
        "medicine_billing": "buy_and_bill",
        "copay_program": False,
        "insurance_plans": ["Aetna"],
    }
    data["clinicians"][0]["languages"] = ["es"]
    return ClinicRecord("tx", "lantern-hill", "clinics/tx/lantern-hill.yaml", data, None, TODAY)


def test_csv_carries_each_patient_answer_in_its_own_column():
    iv, spravato = parse_csv(downloads([answered_clinic()])["csv"])
    assert opendata.CSV_VERSION == 3
    assert (iv["verification_method"], iv["verification_sources"]) == (
        "register",
        "https://rems.example/lantern-hill",
    )
    assert (iv["refund_policy"], iv["refund_terms"]) == (
        "full",
        "https://lantern-hill.example/terms",
    )
    assert iv["accessibility"] == "step_free_entrance; asl_interpreter"
    assert (iv["referral_required"], iv["first_appointment_wait_days"]) == ("true", "9")
    assert iv["first_appointment_wait_observed"] == "2026-09-14"
    assert iv["listed_since"] == "2026-01-05"
    assert iv["clinicians"].endswith(", speaks es")
    assert (iv["medicine_billing"], iv["copay_program"]) == ("", "")
    assert (spravato["medicine_billing"], spravato["copay_program"]) == ("buy_and_bill", "false")
    assert spravato["service_insurance_plans"] == "Aetna"


def test_geojson_carries_access_and_referral_for_maps_elsewhere():
    [feature] = json.loads(downloads([answered_clinic()])["geojson"])["features"]
    properties = feature["properties"]
    assert properties["accessibility"] == ["step_free_entrance", "asl_interpreter"]
    assert properties["referral_required"] is True
    assert properties["verification_method"] == "register"


def test_hsds_maps_access_appointments_refunds_and_verification(hsds_validator):
    services = json.loads(downloads([answered_clinic()])["hsds"])
    for service in services:
        assert list(hsds_validator.iter_errors(service)) == []
        assert list(undeclared_keys(service, schema_of("service.json"), "service")) == []
    iv, spravato = services
    location = iv["service_at_locations"][0]["location"]
    assert [row["description"] for row in location["accessibilitys"]] == [
        "Step-free entrance",
        "ASL interpreter on request",
        "Access notes, as stated by the clinic",
    ]
    assert {row["code"]: row.get("note") for row in location["languages"]} == {
        "en": None,
        "es": "spoken by a clinician",
    }
    assert iv["interpretation_services"].startswith("An American Sign Language interpreter")
    assert iv["application_process"] == (
        "Accepting new patients. A referral from a clinician is required. Typical wait for "
        "a first appointment: about 9 days (as stated Sep 14, 2026)."
    )
    assert "Prepaid packages: Unused sessions: full refund" in iv["fees_description"]
    assert "Prepaid packages" not in spravato["fees_description"]
    assert "Plans for this treatment: Aetna" in spravato["fees_description"]
    assert "Manufacturer's co-pay programme: not accepted" in spravato["fees_description"]
    [verified] = iv["metadata"]
    assert (verified["last_action_type"], verified["updated_by"]) == (
        "verified: a public register",
        "maintainer-handle",
    )
