"""What people read: money, dates, hours, phones and headline prices, checked on the
case table the browser's formatter is also checked on (tests/browser/test_formatting_js.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from clinic_directory.records.model import ClinicRecord
from clinic_directory.site import formatting

CASES = json.loads((Path(__file__).parent / "fixtures" / "formatting_cases.json").read_text())
TODAY = date.fromisoformat(CASES["today"])


def record_of(case: dict[str, Any]) -> ClinicRecord:
    """A record holding only the case's service: all the price model reads."""
    data = {"last_verified": case["last_verified"], "services": [case["service"]]}
    return ClinicRecord("tx", "case", "samples/tx/case.yaml", data, today=TODAY)


@pytest.mark.parametrize(("amount", "expected"), CASES["money"])
def test_money_is_whole_dollars_in_us_format(amount, expected) -> None:
    assert formatting.money(amount) == expected


@pytest.mark.parametrize(("bounds", "expected"), CASES["money_range"])
def test_money_ranges_stay_ranges(bounds, expected) -> None:
    assert formatting.money_range(*bounds) == expected


@pytest.mark.parametrize(("iso", "expected"), CASES["us_date"])
def test_dates_read_like_oct_14_2026(iso, expected) -> None:
    assert formatting.us_date(iso) == expected
    assert formatting.us_date(date.fromisoformat(iso)) == expected


@pytest.mark.parametrize(("hours", "expected"), CASES["hours_range"])
def test_hours_read_on_a_12_hour_clock(hours, expected) -> None:
    assert formatting.hours_range(hours) == expected


@pytest.mark.parametrize(("phone", "expected"), CASES["us_phone"])
def test_phones_read_like_713_555_0111(phone, expected) -> None:
    assert formatting.us_phone(phone) == expected


@pytest.mark.parametrize(("age", "expected"), CASES["verification_warning"])
def test_verification_warnings_come_from_one_definition(age, expected) -> None:
    assert formatting.verification_warning(age) == expected


@pytest.mark.parametrize("case", CASES["services"], ids=lambda case: case["case"])
def test_headline_price_sort_key_and_comparable_figure(case) -> None:
    record = record_of(case)
    service = case["service"]
    assert formatting.headline_price(service, record) == case["headline"]
    assert record.price_sort_key(service) == case["sort_key"]
    assert record.comparable_price(service) == case["comparable"]


def test_no_headline_is_a_zero_dollar_session_or_shows_cents() -> None:
    for case in CASES["services"]:
        text = formatting.headline_price(case["service"], record_of(case)) or ""
        assert "." not in text.split("(seen")[0].replace("..", "")
        assert not text.startswith("$0"), case["case"]


def test_other_fees_name_what_they_are() -> None:
    case = {
        "last_verified": "2026-10-14",
        "service": {
            "route": "at_home",
            "prices": [
                {"min": 129, "max": 299, "unit": "month"},
                {"amount": 0, "unit": "consultation"},
                {"amount": 175, "unit": "consultation"},
            ],
        },
    }
    record = record_of(case)
    groups = formatting.price_groups(case["service"], record)
    assert (groups["session"], groups["package"]) == ([], [])
    assert [formatting.figure_text(f) for f in groups["other"]] == [
        "Monthly fee: $129-$299",
        "Consultation: free",
        "Consultation: $175",
    ]


def test_price_groups_keep_the_three_figures_apart() -> None:
    case = CASES["services"][0]
    groups = formatting.price_groups(case["service"], record_of(case))
    assert [f.kind for f in groups["session"]] == ["session"]
    assert [formatting.figure_text(f) for f in groups["package"]] == [
        "6-session package $2,700 ($450 each)"
    ]
    assert [f.unit for f in groups["other"]] == ["consultation"]
