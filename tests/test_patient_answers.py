"""What patients ask that directories leave unanswered: how a listing was verified, refunds
of prepaid packages, access, Spravato billing, getting an appointment, and what changed.

Each new field is optional; these tests check its rules, its words on the page and in
the browser's files, the 365-day rule of the lists, the changes page and the state feeds.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from maintainer_records import write_record
from markupsafe import escape
from sites import TinySite, publishable, record

from clinic_directory import cli
from clinic_directory.errors import Problem
from clinic_directory.records import vocab
from clinic_directory.records.model import ADDED, VERIFIED, ClinicRecord
from clinic_directory.records.validate import validate_paths
from clinic_directory.site import browser_index, formatting
from clinic_directory.site.jsonld import clinic_jsonld
from clinic_directory.site.seo import changes_feed
from clinic_directory.site.urls import SiteUrls

TODAY = date(2026, 11, 22)  # the tiny sites' day
URLS = SiteUrls.from_settings({})
SPRAVATO = {
    "route": "esketamine_nasal",
    "rems_certified": True,
    "medicine_billing": "specialty_pharmacy",
    "copay_program": True,
    "insurance_plans": ["Aetna", "Cigna"],
    "prices": [{"amount": 95, "unit": "session", "medicine": "billed_separately"}],
    "insurance": True,
}
#: A record that answers every new question.
FULL = {
    "verification": {
        "method": "phone",
        "notes": "Spoke with the intake coordinator.",
    },
    "listed_since": "2026-06-01",
    "refunds": {"policy": "prorated", "terms": "https://lantern-hill.example/terms"},
    "accessibility": ["step_free_entrance", "asl_interpreter"],
    "accessibility_notes": "Lift to the second floor.",
    "referral_required": False,
    "first_appointment_wait": {"days": 12, "observed": "2026-09-01"},
    "last_verified": "2026-11-10",
}


def full_record(**changes: Any) -> dict[str, Any]:
    data = record(**{**FULL, **changes})
    data["services"] = [data["services"][0], copy.deepcopy(SPRAVATO)]
    data["clinicians"][0]["languages"] = ["es"]
    return data


def clinic(data: dict[str, Any], slug: str = "lantern-hill", today: date = TODAY) -> ClinicRecord:
    return ClinicRecord("tx", slug, f"clinics/tx/{slug}.yaml", data, (30.27, -97.74), today)


def check(tmp_path: Path, data: dict[str, Any]) -> list[Problem]:
    path = tmp_path / "clinics" / "tx" / "lantern-hill.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return validate_paths([tmp_path / "clinics"], root=tmp_path, today=TODAY).problems


def messages(problems: list[Problem], severity: str = "error") -> list[str]:
    return [problem.message for problem in problems if problem.severity == severity]


# -- the record: every new field optional, each checked -----------------------------


def test_a_record_answering_every_question_is_valid(tmp_path):
    assert messages(check(tmp_path, full_record())) == []
    assert messages(check(tmp_path, full_record()), "warning") == []


def test_every_new_enum_is_a_vocabulary_with_labels_and_explanations():
    for name in ("verification_method", "refund_policy", "accessibility", "medicine_billing"):
        vocabulary = vocab.ALL[name]
        assert all(term.label and term.explanation for term in vocabulary), name


def test_a_register_check_names_the_register(tmp_path):
    data = full_record(verification={"method": "register"})
    assert messages(check(tmp_path, data)) == [
        "a check against a public register must name the register's page"
    ]
    data["verification"]["sources"] = ["https://rems.example/centers/lantern-hill"]
    assert messages(check(tmp_path, data)) == []


def test_a_clinic_cannot_be_listed_after_its_last_check(tmp_path):
    assert messages(check(tmp_path, full_record(listed_since="2026-11-12"))) == [
        "listed_since 2026-11-12 is after last_verified 2026-11-10"
    ]
    assert messages(check(tmp_path, full_record(listed_since="2026-02-30"))) == [
        "2026-02-30 is not a real date"
    ]


def test_spravato_facts_belong_to_the_esketamine_service(tmp_path):
    data = full_record()
    data["services"][0] |= {"medicine_billing": "buy_and_bill", "copay_program": False}
    assert messages(check(tmp_path, data)) == [
        "medicine_billing applies only to esketamine_nasal, not to iv_infusion",
        "copay_program applies only to esketamine_nasal, not to iv_infusion",
    ]


def test_a_clinicians_language_is_one_patients_can_be_seen_in(tmp_path):
    data = full_record()
    data["clinicians"][0]["languages"] = ["vi"]
    assert messages(check(tmp_path, data)) == [
        "Dana Ortiz speaks Vietnamese, which is not in the clinic's languages"
    ]


def test_an_npi_check_needs_an_npi(tmp_path):
    data = full_record()
    data["clinicians"][0]["npi_check"] = {"checked": "2026-10-01", "result": "match"}
    assert messages(check(tmp_path, data)) == ["npi_check goes with an npi"]


def test_a_stated_refund_policy_without_terms_is_a_warning(tmp_path):
    data = full_record(refunds={"policy": "none"})
    assert messages(check(tmp_path, data), "warning") == [
        "the refund policy has no link to the clinic's terms"
    ]
    assert messages(check(tmp_path, full_record(refunds={"policy": "not_stated"})), "warning") == []


def test_a_future_wait_date_and_a_wait_over_a_year_are_refused(tmp_path):
    data = full_record(first_appointment_wait={"days": 400})
    assert messages(check(tmp_path, data)) == ["days must be at most 365, got 400"]
    data = full_record(first_appointment_wait={"days": 10, "observed": "2026-12-01"})
    assert messages(check(tmp_path, data)) == ["observed 2026-12-01 is in the future"]


def test_a_listing_past_a_year_is_told_it_leaves_the_default_results(tmp_path):
    [warning] = messages(
        check(tmp_path, full_record(last_verified="2025-10-01", listed_since=None)), "warning"
    )
    assert warning.startswith("last verified 417 days ago, more than 365: the listing is left out")


# -- what the model derives -----------------------------------------------------------


@pytest.mark.parametrize(
    ("verified", "recent", "out_of_date"),
    [("2026-08-24", True, False), ("2026-08-23", False, False), ("2025-11-21", False, True)],
)
def test_recently_verified_is_90_days_and_out_of_date_over_365(verified, recent, out_of_date):
    item = clinic(record(last_verified=verified))
    assert item.recently_verified is recent
    assert item.out_of_date is out_of_date


def test_changes_come_from_the_records_own_dates():
    assert [(e.day.isoformat(), e.kind) for e in clinic(full_record()).changes()] == [
        ("2026-06-01", ADDED),
        ("2026-11-10", VERIFIED),
    ]
    added_that_day = clinic(full_record(listed_since="2026-11-10"))
    assert [e.kind for e in added_that_day.changes()] == [ADDED]
    closed = clinic(record(status="closed", last_verified="2026-10-02"))
    assert [(e.day.isoformat(), e.kind) for e in closed.changes()] == [("2026-10-02", "closed")]
    assert [e.kind for e in clinic(record(status="temporarily_closed")).changes()] == [
        "temporarily_closed"
    ]


def test_the_wait_is_dated_like_a_price():
    wait = clinic(full_record()).first_appointment_wait
    assert (wait.days, wait.observed, wait.current) == (12, date(2026, 9, 1), True)
    assert formatting.wait_text(wait) == "About 12 days (as stated Sep 1, 2026)"
    old = clinic(full_record(), today=date(2027, 9, 2)).first_appointment_wait
    assert formatting.wait_text(old) == (
        "About 12 days (as stated Sep 1, 2026, over a year ago: ask the clinic)"
    )
    defaulted = clinic(full_record(first_appointment_wait={"days": 0})).first_appointment_wait
    assert formatting.wait_text(defaulted) == "Same day (as stated Nov 10, 2026)"


# -- the words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "sentence"),
    [
        ("website", "Checked on the clinic's website on Nov 10, 2026"),
        ("phone", "Checked by phone with the clinic on Nov 10, 2026"),
        ("written", "Confirmed in writing by the clinic on Nov 10, 2026"),
        ("register", "Checked against a public register on Nov 10, 2026"),
    ],
)
def test_how_it_was_verified_in_words(method, sentence):
    item = clinic(full_record(verification={"method": method}))
    assert formatting.verification_sentence(item) == sentence
    assert formatting.verified_how(clinic(record())) == "Verified"


def test_every_verification_method_and_change_has_its_words():
    assert set(formatting.VERIFIED_HOW) == set(vocab.VERIFICATION_METHODS.values)
    assert set(formatting.CHANGE_WORDS) == {ADDED, VERIFIED, *vocab.STATUSES.values} - {"active"}


def test_refunds_in_words_link_nothing_the_record_did_not_say():
    assert formatting.refund_text({"policy": "prorated"}) == (
        "Unused sessions: prorated refund, as stated by the clinic."
    )
    assert formatting.refund_text({"policy": "none"}) == (
        "Unused sessions: no refund, as stated by the clinic."
    )
    assert "states no refund policy" in formatting.refund_text({"policy": "not_stated"})
    assert "not recorded" in formatting.refund_text(None)


def test_npi_check_in_words():
    check = {"checked": "2026-10-14", "result": "match"}
    assert formatting.npi_check_text(check) == (
        "NPI matches the national register (checked Oct 14, 2026)"
    )
    for result in vocab.NPI_RESULTS.values:
        assert "Oct 14, 2026" in formatting.npi_check_text({**check, "result": result})


# -- the browser's files --------------------------------------------------------------


def flags_of(data: dict[str, Any]) -> list[str]:
    doc = browser_index.index_document([clinic(data)], URLS)
    mask = doc["columns"]["flags"][0]
    return [flag for bit, flag in enumerate(doc["flags"]) if mask >> bit & 1]


def test_the_index_carries_the_new_filters_as_flags():
    assert {"step_free", "asl", "no_referral_needed"} <= set(flags_of(full_record()))
    assert "referral_required" in flags_of(full_record(referral_required=True))
    plain = flags_of(record())
    assert not {"step_free", "asl", "referral_required", "no_referral_needed"} & set(plain)
    # staff who sign count for the ASL filter as much as an interpreter on request
    assert "asl" in flags_of(record(languages=["en", "ase"]))


def test_the_index_says_how_recent_is_recent_and_when_a_listing_drops_out():
    doc = browser_index.index_document([clinic(record())], URLS)
    assert doc["recent_within_days"] == 90
    assert doc["out_of_date_after_days"] == 365
    assert doc["recently_verified"] == "Recently verified"


def test_clinic_json_words_the_new_answers_as_the_page_does():
    doc = browser_index.clinic_document(clinic(full_record()), url="clinics/tx/lantern-hill/")
    derived = doc["derived"]
    assert derived["verification"]["how"] == "Checked by phone with the clinic"
    assert derived["verification"]["recently_verified"] == "Recently verified"
    assert derived["display"]["refunds"].startswith("Unused sessions: prorated refund")
    assert derived["display"]["wait"] == "About 12 days (as stated Sep 1, 2026)"
    labels = doc["labels"]
    assert labels["medicine_billing"]["specialty_pharmacy"][0] == "A specialty pharmacy supplies it"
    assert set(labels["accessibility"]) == {"step_free_entrance", "asl_interpreter"}
    assert labels["verification_method"]["phone"][0] == "A phone call"
    assert labels["refund_policy"]["prorated"][0] == "Prorated refund"


def test_json_ld_states_access_as_amenity_features_and_refunds_beside_packages():
    document = clinic_jsonld(clinic(full_record()), "https://directory.example/x/")
    assert document["amenityFeature"] == [
        {"@type": "LocationFeatureSpecification", "name": "Step-free entrance", "value": True},
        {
            "@type": "LocationFeatureSpecification",
            "name": "ASL interpreter on request",
            "value": True,
        },
    ]
    [package] = [o for o in document["makesOffer"] if o["category"] == "package of sessions"]
    assert "Unused sessions: prorated refund" in package["description"]
    assert "amenityFeature" not in clinic_jsonld(clinic(record()), "https://directory.example/x/")


# -- the feeds --------------------------------------------------------------------------


def test_a_state_feed_lists_each_change_newest_first():
    records = [
        clinic(full_record()),
        clinic(record(name="Quiet Pines", status="closed", last_verified="2026-11-01"), "quiet"),
    ]
    text = changes_feed(
        records,
        title="Directory: changes in Texas",
        feed_url="https://directory.example/feeds/states/tx.atom.xml",
        listing_url="https://directory.example/clinics/tx/",
        url_of=lambda item: f"https://directory.example/clinics/{item.identity}/",
    )
    titles = re.findall(r"<title>(.*?)</title>", text)
    assert titles == [
        "Directory: changes in Texas",
        "Verified again: Lantern Hill Ketamine Clinic, Austin, TX",
        "Closed: Quiet Pines, Austin, TX",
        "Added to the directory: Lantern Hill Ketamine Clinic, Austin, TX",
    ]
    assert "Verified again: checked by phone with the clinic on Nov 10, 2026." in text
    assert "https://directory.example/clinics/tx/quiet/#closed-2026-11-01" in text


# -- the site -----------------------------------------------------------------------------


def test_the_clinic_page_answers_each_question(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", full_record())
    tiny_site.build(CLINIC_SEARCH_INDEX=False)
    html = tiny_site.page("clinics/tx/lantern-hill/index.html")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "Checked by phone with the clinic on Nov 10, 2026 by maintainer-handle." in text
    assert '<li class="verified-recent"><a href="#sources">Recently verified</a></li>' in html
    assert "No referral needed" in text
    # the refund policy beside the package price, with the terms and the guide
    package = html[html.index('class="price-figure">6-session package $2,900') :]
    package = package[: package.index("</dd>")]
    assert "Unused sessions: prorated refund, as stated by the clinic." in package
    assert 'href="https://lantern-hill.example/terms"' in package
    assert "guide/cost-and-insurance/#packages" in package
    assert "How the spray is billed" in text and "A specialty pharmacy supplies it" in text
    assert "Manufacturer’s co-pay programme</dt><dd>Accepted</dd>" in html
    assert "Plans accepted for this treatment: Aetna, Cigna." in text
    assert "About 12 days (as stated Sep 1, 2026)" in text
    assert "Step-free entrance" in text and "ASL interpreter on request" in text
    assert "Lift to the second floor." in text
    assert "Dana Ortiz: Spanish" in text
    assert "Listed since Jun 1, 2026." in text
    assert "May be out of date" not in text


def test_npi_check_is_said_with_the_state_board_still_linked(tiny_site: TinySite) -> None:
    data = record()
    data["clinicians"][0] |= {
        "npi": "1234567893",
        "npi_check": {"checked": "2026-10-14", "result": "match"},
    }
    tiny_site.add("tx/lantern-hill", data)
    tiny_site.build(CLINIC_SEARCH_INDEX=False)
    html = tiny_site.page("clinics/tx/lantern-hill/index.html")
    assert "NPI matches the national register (checked Oct 14, 2026)" in html
    assert "licensing board" in html and "https://www.docinfo.org/" in html


def test_a_listing_unverified_for_a_year_leaves_the_lists_but_keeps_its_page(
    tiny_site: TinySite,
) -> None:
    tiny_site.add("tx/lantern-hill", record())
    old = record(
        name="Old Mill Ketamine",
        phone="+1 512-555-0177",
        address={**record()["address"], "street": "9 Old Mill Road"},
        last_verified="2025-10-01",
    )
    tiny_site.add("tx/old-mill", old)
    tiny_site.build(CLINIC_SEARCH_INDEX=False)
    for listing in ("clinics/index.html", "clinics/tx/index.html", "map/index.html"):
        page = tiny_site.page(listing)
        assert "tx/lantern-hill" in page and "tx/old-mill" not in page, listing
    html = tiny_site.page("clinics/tx/old-mill/index.html")
    assert "May be out of date." in html and str(escape(formatting.OUT_OF_DATE_NOTE)) in html
    # the finder's index keeps it, for "include listings not verified for a year"
    index = json.loads(tiny_site.page("data/index.json"))
    assert "Old Mill Ketamine" in index["columns"]["name"]


def test_the_changes_page_lists_the_last_90_days(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", full_record())
    old = record(
        name="Old Mill Ketamine",
        phone="+1 512-555-0177",
        address={**record()["address"], "street": "9 Old Mill Road"},
        last_verified="2026-06-01",
    )
    tiny_site.add("tx/old-mill", old)
    tiny_site.build(CLINIC_SEARCH_INDEX=False)
    html = tiny_site.page("changes/index.html")
    assert '<time datetime="2026-11-10">Nov 10, 2026</time>' in html
    assert "Lantern Hill Ketamine Clinic" in html and "(checked by phone with the clinic)" in html
    assert "Old Mill Ketamine" not in html  # verified 174 days ago
    assert "change-added" not in html  # added in June
    assert "feeds/states/tx.atom.xml" not in html  # no feeds without an https address


def test_a_public_build_writes_a_feed_per_state(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", publishable(full_record()))
    in_indiana = record(
        name="Circle Ketamine",
        phone="+1 317-555-0100",
        address={"street": "9 Meridian Walk", "city": "Indianapolis", "state": "IN",
                 "postal_code": "46204"},
        location={"lat": 39.77, "lon": -86.16},
    )  # fmt: skip
    tiny_site.add("in/circle-ketamine", publishable(in_indiana))
    tiny_site.build("publishconf.py", SITEURL="https://example.org/d", CLINIC_SEARCH_INDEX=False)
    texas = tiny_site.page("feeds/states/tx.atom.xml")
    assert "Lantern Hill Ketamine Clinic" in texas and "Circle Ketamine" not in texas
    assert "https://example.org/d/feeds/states/tx.atom.xml" in texas
    assert "Circle Ketamine" in tiny_site.page("feeds/states/in.atom.xml")
    changes = tiny_site.page("changes/index.html")
    assert 'href="https://example.org/d/feeds/states/in.atom.xml"' in changes
    assert "https://example.org/d/changes/" in tiny_site.page("sitemap.xml")


def test_the_freshness_report_lists_listings_out_of_the_results_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    place = {"lat": 30.2672, "lon": -97.7431}
    for name, verified, phone in (
        ("stale", "2026-04-01", "+1 512-555-0102"),
        ("expired", "2025-06-01", "+1 512-555-0103"),
    ):
        write_record(
            tmp_path, f"clinics/tx/{name}.yaml", name=f"{name.title()} Clinic",
            phone=phone, location=place, last_verified=verified,
        )  # fmt: skip

    assert cli.main(["stale", "--today", "2026-11-22", "--format", "markdown"]) == 0

    out = capsys.readouterr().out
    left_out = out.index("### Left out of the default results: not verified for over 365 days (1)")
    assert left_out < out.index("`clinics/tx/expired.yaml`")
    assert out.index("`clinics/tx/expired.yaml`") < out.index(
        "### Verified 180 to 365 days ago (1)"
    )
    assert out.index("### Verified 180 to 365 days ago") < out.index("`clinics/tx/stale.yaml`")
