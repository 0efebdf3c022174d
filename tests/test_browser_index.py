"""The JSON documents the browser reads, checked by decoding them as the browser does."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from clinic_directory.records import vocab
from clinic_directory.records.model import ClinicRecord
from clinic_directory.site import browser_index as export
from clinic_directory.site.urls import SiteUrls

TODAY = date(2026, 11, 22)


def record(state: str, slug: str, location=(30.27312, -97.74109), **fields: Any) -> ClinicRecord:
    data: dict[str, Any] = {
        "name": "Riverside Ketamine Clinic",
        "status": "active",
        "phone": "+1 512-555-0134",
        "hours": {"mon": "08:30-17:00", "sat": "closed"},
        "website": "https://riverside.example/",
        "address": {
            "street": "1 Main St",
            "city": "Austin",
            "state": state.upper(),
            "postal_code": "78701",
        },
        "services": [
            {
                "route": "iv_infusion",
                "conditions": ["ptsd", "chronic_pain"],
                "insurance": False,
                "prices": [
                    {"amount": 550, "unit": "session"},
                    {"amount": 2900, "unit": "series", "sessions": 6},
                    {"amount": 150, "unit": "consultation"},
                ],
            },
            {"route": "esketamine_nasal", "rems_certified": True, "insurance": True},
            {
                "route": "at_home",
                "states_served": ["TX", "OK"],
                "prices": [{"amount": 300, "unit": "month"}],
            },
        ],
        "clinicians": [
            {
                "name": "Dana Ortiz",
                "credential": "MD",
                "specialty": "anesthesiology",
                "board_certified": True,
            },
            {"name": "Lee Park", "credential": "NP"},
        ],
        "languages": ["en", "es"],
        "accepting_new_patients": True,
        "telehealth_consultations": False,
        "last_verified": "2026-09-14",
        "sources": ["https://riverside.example/pricing"],
    }
    data.update(fields)
    return ClinicRecord(state, slug, f"clinics/{state}/{slug}.yaml", data, location, today=TODAY)


URLS = SiteUrls.from_settings({})


def page_url(r: ClinicRecord) -> str:
    return f"clinics/{r.state}/{r.slug}/"


def bits(mask: int, vocabulary: vocab.Vocabulary) -> list[str]:
    return [value for i, value in enumerate(vocabulary.values) if mask >> i & 1]


def test_index_columns_decode_to_each_clinics_facts():
    records = [
        record("tx", "riverside-ketamine-clinic"),
        record("tx", "riverside-north", location=(30.4, -97.7), name="Riverside North Clinic"),
    ]
    doc = export.index_document(records, URLS)
    columns = doc["columns"]

    assert doc["count"] == 2 and doc["url"] == "clinics/{state}/{slug}/"
    assert [vocab.STATES.values[i] for i in columns["state"]] == ["TX", "TX"]
    # a slug the browser can derive from the name is left out
    assert columns["slug"] == [0, "riverside-north"]
    scale = doc["coordinate_scale"]
    assert [columns["lat"][0] / scale, (columns["lat"][0] + columns["lat"][1]) / scale] == [
        30.2731,
        30.4,
    ]

    iv, esketamine, at_home = columns["services"][0]
    assert vocab.ROUTES.values[iv[0]] == "iv_infusion"
    assert iv[1] == 550  # the single-session price is the headline, not the package per session
    assert iv[2] == 0 and bits(iv[3], vocab.CONDITIONS) == ["ptsd", "chronic_pain"]
    assert esketamine[1:3] == [None, 1]
    assert at_home[1] is None  # a monthly fee is never a session price
    assert [vocab.STATES.values[i] for i in at_home[4]] == ["OK", "TX"]

    assert bits(columns["credentials"][0], vocab.CREDENTIALS) == ["MD", "NP"]
    assert bits(columns["specialties"][0], vocab.SPECIALTIES) == ["anesthesiology"]
    assert bits(columns["languages"][0], vocab.LANGUAGES) == ["en", "es"]
    flags = [f for i, f in enumerate(doc["flags"]) if columns["flags"][0] >> i & 1]
    assert flags == ["accepting_new_patients", "board_certified", "rems"]
    assert date.fromordinal(date(1970, 1, 1).toordinal() + columns["verified"][0]) == date(
        2026, 9, 14
    )


def test_index_keeps_the_builds_order_and_lists_renames():
    renamed = record("ny", "hudson-mind", name="Hudson Mind", previous_slugs=["ny/old-hudson"])
    doc = export.index_document([renamed, record("tx", "riverside-ketamine-clinic")], URLS)
    assert [vocab.STATES.values[i] for i in doc["columns"]["state"]] == ["NY", "TX"]
    assert doc["redirects"] == {"ny/old-hudson": "ny/hudson-mind"}


def test_index_finds_pages_and_documents_by_the_settings_patterns():
    urls = SiteUrls.from_settings(
        {
            "CLINIC_URL": "providers/{state}/{slug}/",
            "CLINIC_JSON_SAVE_AS": "api/{state}/{slug}.json",
        }
    )
    doc = export.index_document([record("in", "a-clinic", name="A Clinic")], urls)
    assert doc["url"] == "providers/{state}/{slug}/"
    assert doc["json_url"] == "api/{state}/{slug}.json"


def test_index_carries_what_site_search_matches():
    named = record("tx", "riverside-ketamine-clinic", organization="Riverside Health Partners")
    doc = export.index_document([named, record("tx", "riverside-north")], URLS)
    columns = doc["columns"]
    assert columns["organization"] == ["Riverside Health Partners", 0]
    assert columns["zip"] == ["78701", "78701"]
    assert columns["clinicians"][0] == ["Dana Ortiz", "Lee Park"]


def test_stale_price_and_missing_location_in_the_index():
    old = record("tx", "riverside-ketamine-clinic", location=None)
    old.data["services"][0]["prices"] = [
        {"amount": 400, "unit": "session", "observed": "2025-01-02"}
    ]
    doc = export.index_document([old], URLS)
    # an old price is kept, marked old (4 + kind 0) with the day it was seen
    observed = (date(2025, 1, 2) - date(1970, 1, 1)).days
    assert doc["columns"]["services"][0][0][1] == [4, 400, 400, 0, observed]
    assert doc["columns"]["lat"] == [None]


def test_contributor_text_stays_data_in_the_index():
    hostile = "</script><img src=x onerror=alert(1)> ${document.title}"
    doc = export.index_document([record("tx", "x-clinic", name=hostile)], URLS)
    assert doc["columns"]["name"] == [hostile]
    assert doc["columns"]["slug"] == ["x-clinic"]


def test_clinic_document_has_the_record_prices_and_labels():
    r = record("tx", "riverside-ketamine-clinic", safety=["acls_staff"])
    r.data["services"][0]["prices"].append(
        {"amount": 900, "unit": "session", "observed": "2025-01-02"}
    )
    doc = export.clinic_document(r, url=page_url(r))
    assert doc["id"] == "tx/riverside-ketamine-clinic"
    assert doc["url"] == "clinics/tx/riverside-ketamine-clinic/"
    assert doc["record"] is r.data
    iv = doc["derived"]["services"][0]
    assert iv["comparable_price"] == 550
    assert iv["headline"] == "$550 per session"
    assert [p["text"] for p in iv["prices"]] == [
        "$550 per session",
        "6-session package $2,900 ($483 each)",
        "Consultation: $150",
        "$900 per session (seen Jan 2, 2025, over a year ago)",
    ]
    assert [p["current"] for p in iv["prices"]] == [True, True, True, False]
    assert iv["prices"][0]["observed"] == "2026-09-14"
    assert doc["derived"]["verification"] == {
        "last_verified": "2026-09-14",
        "age_days": 69,
        "state": "current",
        "warning": "",
        "how": "Verified",
        "recently_verified": "Recently verified",
        "out_of_date": False,
    }
    assert doc["derived"]["display"] == {
        "phone": "(512) 555-0134",
        "website": "riverside.example",
        "directions": "https://www.openstreetmap.org/directions?to=30.27312%2C-97.74109",
        "hours": {"mon": "8:30 am-5 pm", "sat": "Closed"},
        "last_verified": "Sep 14, 2026",
        "refunds": "Refund policy not recorded: ask for it in writing before you prepay.",
        "wait": None,
        "npi_checks": [None, None],
    }
    assert doc["labels"]["safety"]["acls_staff"][0] == vocab.SAFETY_PRACTICES.label("acls_staff")
    assert set(doc["labels"]["route"]) == {"iv_infusion", "esketamine_nasal", "at_home"}
    json.dumps(doc)  # plain JSON types throughout


def decode_zips(table: dict[str, Any]) -> dict[str, tuple[float, float, str]]:
    columns, scale = table["columns"], table["coordinate_scale"]
    found, number, lat, lon, seen = {}, 0, 0, 0, 0
    for step, dlat, dlon, back in zip(
        columns["zip"], columns["lat"], columns["lon"], columns["place"], strict=True
    ):
        number, lat, lon = number + step, lat + dlat, lon + dlon
        place = table["places"][seen - back]
        seen += back == 0
        found[f"{number:05d}"] = (lat / scale, lon / scale, place)
    return found


def test_zip_table_decodes_to_places_and_centres():
    table = export.zip_table()
    zips = decode_zips(table)
    lat, lon, place = zips["78701"]
    assert place == "Austin|TX"
    assert abs(lat - 30.27) < 0.05 and abs(lon + 97.74) < 0.05
    assert zips["00501"][2] == "Holtsville|NY"  # leading zeros survive
    assert all(p.split("|")[1] in vocab.STATES for p in table["places"])
    assert "99501" in zips and "00901" in zips  # Alaska and Puerto Rico
