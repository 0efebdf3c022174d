"""The browser's formatter (theme/static/js/format.js) on the same case table as the
build's (tests/test_formatting.py): a card drawn by a script reads like a page
written by the build. Service prices go through the data index's encoding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clinic_directory.site.browser_index import encode_headline

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FORMAT_JS = ROOT / "theme" / "static" / "js" / "format.js"
CASES = json.loads((ROOT / "tests" / "fixtures" / "formatting_cases.json").read_text())


@pytest.fixture(scope="module")
def page(browser: Any) -> Any:
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!DOCTYPE html><title>format.js</title>")
    page.add_script_tag(path=str(FORMAT_JS))
    yield page
    context.close()


def run(page: Any, function: str, cases: list[list[Any]], spread: bool = False) -> list[Any]:
    return page.evaluate(
        "([name, inputs, spread]) => inputs.map(input =>"
        " spread ? ClinicFormat[name](...input) : ClinicFormat[name](input))",
        [function, [case[0] for case in cases], spread],
    )


@pytest.mark.parametrize(
    ("function", "table", "spread"),
    [
        ("money", "money", False),
        ("moneyRange", "money_range", True),
        ("usDate", "us_date", False),
        ("hoursRange", "hours_range", False),
        ("usPhone", "us_phone", False),
    ],
)
def test_script_formats_like_the_build(page, function, table, spread) -> None:
    cases = CASES[table]
    assert run(page, function, cases, spread) == [case[1] for case in cases]


def test_script_reads_verification_levels_from_the_index_table(page) -> None:
    from clinic_directory.site.formatting import index_constants

    levels = index_constants()["verification_levels"]
    cases = CASES["verification_warning"]
    got = page.evaluate(
        "([ages, levels]) => ages.map(age => ClinicFormat.verificationWarning(age, levels))",
        [[case[0] for case in cases], levels],
    )
    assert got == [case[1] for case in cases]


def test_script_headline_sort_key_and_filter_figure_match_the_build(page) -> None:
    from test_formatting import record_of

    rows = []
    for case in CASES["services"]:
        record = record_of(case)
        encoded = encode_headline(record.headline(case["service"]))
        rows.append([encoded, bool(case["service"].get("insurance"))])
    got = page.evaluate(
        """rows => rows.map(([encoded, insurance]) => {
          const service = {offer: ClinicFormat.decodePrice(encoded), insurance: insurance};
          return [ClinicFormat.headline(service), ClinicFormat.priceSortKey(service),
                  ClinicFormat.comparablePrice(service)];
        })""",
        rows,
    )
    expected = [[c["headline"], c["sort_key"], c["comparable"]] for c in CASES["services"]]
    assert got == expected
