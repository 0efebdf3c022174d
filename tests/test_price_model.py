"""The price model: what each price is, which one heads a route, how routes sort, and
the validation that refuses prices the site could not show honestly."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from clinic_directory.records.model import (
    CLINIC_FEE,
    FEE,
    PACKAGE,
    SESSION,
    ClinicRecord,
    price_kind,
    whole_dollars,
)
from clinic_directory.records.validate import validate_paths
from clinic_directory.site.browser_index import encode_headline

TODAY = date(2026, 9, 20)
VALID = (
    Path(__file__).parent / "fixtures" / "records" / "riverside-ketamine-clinic.yaml"
).read_text(encoding="utf-8")
RIVERSIDE = "clinics/tx/riverside-ketamine-clinic.yaml"


def clinic(*prices: dict[str, Any], route: str = "iv_infusion", **service: Any) -> ClinicRecord:
    data = {
        "last_verified": "2026-09-14",
        "services": [{"route": route, "prices": list(prices), **service}],
    }
    return ClinicRecord("tx", "x", "clinics/tx/x.yaml", data, today=TODAY)


def headline_of(record: ClinicRecord):
    return record.headline(record.data["services"][0])


@pytest.mark.parametrize(
    ("price", "kind"),
    [
        ({"amount": 495, "unit": "session"}, SESSION),
        ({"amount": 495, "unit": "session", "medicine": "included"}, SESSION),
        ({"min": 0, "max": 60, "unit": "session", "medicine": "billed_separately"}, CLINIC_FEE),
        ({"amount": 2700, "unit": "series", "sessions": 6}, PACKAGE),
        (
            {"amount": 2700, "unit": "series", "sessions": 6, "medicine": "billed_separately"},
            CLINIC_FEE,
        ),
        ({"amount": 150, "unit": "consultation"}, FEE),
        ({"amount": 249, "unit": "month", "medicine": "billed_separately"}, FEE),
    ],
)
def test_every_unit_is_read_as_what_it_is(price, kind) -> None:
    assert price_kind(price) == kind


def test_whole_dollars_round_halves_up_like_the_browser() -> None:
    assert [whole_dollars(x) for x in (416.5, 417.49, 0.5, 2700 / 6)] == [417, 417, 1, 450]


def test_a_package_keeps_its_total_and_shows_each_session_in_whole_dollars() -> None:
    figure = headline_of(clinic({"min": 2400, "max": 2700, "unit": "series", "sessions": 6}))
    assert (figure.kind, figure.low, figure.high, figure.sessions) == (PACKAGE, 2400, 2700, 6)
    assert figure.each == (400, 450)
    assert figure.per_session == 400


def test_a_single_session_heads_the_route_even_when_the_package_is_cheaper_per_session() -> None:
    record = clinic(
        {"amount": 2700, "unit": "series", "sessions": 6},
        {"amount": 495, "unit": "session"},
    )
    assert headline_of(record).kind == SESSION
    assert record.comparable_price(record.data["services"][0]) == 495


def test_a_clinic_fee_without_the_medicine_is_never_comparable() -> None:
    record = clinic(
        {"min": 0, "max": 60, "unit": "session", "medicine": "billed_separately"},
        route="esketamine_nasal",
        insurance=True,
    )
    service = record.data["services"][0]
    assert headline_of(record).kind == CLINIC_FEE
    assert record.comparable_price(service) is None
    assert record.price_sort_key(service) == 2_000_000


def test_consultations_and_monthly_fees_never_head_a_route() -> None:
    record = clinic({"amount": 0, "unit": "consultation"}, {"amount": 300, "unit": "month"})
    assert headline_of(record) is None
    assert record.price_summary(record.data["services"][0]).keys() == {"consultation", "month"}


def test_missing_prices_sort_last() -> None:
    record = clinic()
    assert headline_of(record) is None
    assert record.price_sort_key(record.data["services"][0]) == 3_000_000
    assert record.lowest_comparable_price is None


def test_lowest_price_first_compares_like_with_like() -> None:
    """A $650 session, a $300-a-session package, a $40 clinic fee, an old $200 session."""
    records = {
        "single session": clinic({"min": 650, "max": 1100, "unit": "session"}),
        "package": clinic({"amount": 1800, "unit": "series", "sessions": 6}),
        "clinic fee": clinic(
            {"amount": 40, "unit": "session", "medicine": "billed_separately"},
            route="esketamine_nasal",
        ),
        "old price": clinic({"amount": 200, "unit": "session", "observed": "2025-06-01"}),
        "no price": clinic({"amount": 99, "unit": "consultation"}),
    }
    order = sorted(records, key=lambda n: records[n].price_sort_key(records[n].data["services"][0]))
    assert order == ["single session", "package", "clinic fee", "old price", "no price"]


def test_a_current_price_beats_an_old_one_and_the_summary_keeps_each_kind() -> None:
    record = clinic(
        {"amount": 300, "unit": "session", "observed": "2025-01-01"},
        {"amount": 450, "unit": "session"},
        {"amount": 2400, "unit": "series", "sessions": 6},
        {"amount": 150, "unit": "consultation"},
    )
    service = record.data["services"][0]
    summary = record.price_summary(service)
    assert (summary["session"].low, summary["session"].current) == (450, True)
    assert summary["package"].each == (400, 400)
    assert summary["consultation"].low == 150


@pytest.mark.parametrize(
    ("price", "encoded"),
    [
        ({"amount": 495, "unit": "session"}, 495),
        ({"min": 650, "max": 1100, "unit": "session"}, [0, 650, 1100]),
        ({"amount": 2700, "unit": "series", "sessions": 6}, [1, 2700, 2700, 6]),
        ({"min": 0, "max": 60, "unit": "session", "medicine": "billed_separately"}, [2, 0, 60]),
        ({"amount": 0, "unit": "session", "medicine": "billed_separately"}, [2, 0]),
        (
            {"amount": 525, "unit": "session", "observed": "2025-06-01"},
            [4, 525, 525, 0, (date(2025, 6, 1) - date(1970, 1, 1)).days],
        ),
    ],
)
def test_the_index_carries_the_headline_compactly(price, encoded) -> None:
    assert encode_headline(headline_of(clinic(price))) == encoded


# -- validation ---------------------------------------------------------------------


def problems(tmp_path: Path, old: str, new: str) -> list[tuple[int, str, str]]:
    assert old in VALID
    path = tmp_path / RIVERSIDE
    path.parent.mkdir(parents=True)
    path.write_text(VALID.replace(old, new, 1), encoding="utf-8")
    report = validate_paths([tmp_path / "clinics"], root=tmp_path, today=TODAY)
    return [(p.line, p.message, p.hint) for p in report.errors]


ESKETAMINE_PRICE = (
    "{min: 0, max: 250, unit: consultation, medicine: not_applicable, observed: 2026-08-01}"
)
IV_PRICE = "{amount: 550, unit: session}"


def test_a_spravato_price_must_say_whether_it_covers_the_medicine(tmp_path) -> None:
    [(line, message, hint)] = problems(
        tmp_path, ESKETAMINE_PRICE, "{amount: 40, unit: session, observed: 2026-08-01}"
    )
    assert line == 26
    assert message == "a price for esketamine_nasal must say whether it includes the medicine"
    assert "medicine: billed_separately" in hint and "medicine: included" in hint


@pytest.mark.parametrize(
    "price", ["{amount: 0, unit: session}", "{min: 0, max: 300, unit: session, medicine: included}"]
)
def test_a_free_session_is_refused_unless_the_medicine_is_billed_apart(tmp_path, price) -> None:
    [(line, message, hint)] = problems(tmp_path, IV_PRICE, price)
    assert line == 19
    assert message == "a session price of $0 would be shown as a free treatment"
    assert "medicine: billed_separately" in hint


def test_a_clinic_fee_from_zero_is_accepted(tmp_path) -> None:
    fee = "{min: 0, max: 60, unit: session, medicine: billed_separately}"
    assert problems(tmp_path, IV_PRICE, fee) == []


def test_a_treatment_price_cannot_be_without_medicine(tmp_path) -> None:
    [(line, message, hint)] = problems(
        tmp_path, IV_PRICE, "{amount: 550, unit: session, medicine: not_applicable}"
    )
    assert line == 19
    assert message.startswith("a session price pays for treatment")
    assert "unit: consultation" in hint


def test_a_package_needs_its_session_count(tmp_path) -> None:
    [(line, message, _hint)] = problems(tmp_path, "unit: series, sessions: 6,", "unit: series,")
    assert line == 20 and message == "a series price must say how many sessions it includes"


def test_medicine_must_be_a_known_value(tmp_path) -> None:
    [(line, message, _hint)] = problems(
        tmp_path, IV_PRICE, "{amount: 550, unit: session, medicine: yes}"
    )
    assert line == 19 and "medicine" in message


# -- schema.org offers ----------------------------------------------------------------


def test_jsonld_offers_say_what_each_price_is() -> None:
    from sites import record

    from clinic_directory.site.jsonld import clinic_jsonld

    spravato = {
        "route": "esketamine_nasal",
        "rems_certified": True,
        "insurance": True,
        "prices": [{"min": 0, "max": 60, "unit": "session", "medicine": "billed_separately"}],
    }
    data = record()
    data["services"] = [data["services"][0], spravato]
    clinic_record = ClinicRecord("tx", "lantern-hill", "clinics/tx/lantern-hill.yaml", data)
    offers = clinic_jsonld(clinic_record, "https://example.org/")["makesOffer"]
    assert [(o["name"], o["category"]) for o in offers] == [
        ("IV infusion: $550 per session", "single session"),
        ("IV infusion: 6-session package $2,900 ($483 each)", "package of sessions"),
        (
            "Esketamine nasal spray (Spravato): Clinic fee $0-$60 per session; "
            "the medicine is billed to your insurance",
            "clinic fee, medicine billed separately",
        ),
    ]
    package = offers[1]["priceSpecification"]
    assert package["price"] == 2900
    assert package["referenceQuantity"] == {
        "@type": "QuantitativeValue",
        "value": 6,
        "unitText": "sessions",
    }
    assert offers[2]["priceSpecification"]["minPrice"] == 0
    assert offers[2]["description"] == "Medicine billed separately"
