"""Validating records: each mistake becomes one plain message at the offending value."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clinic_directory.errors import Problem
from clinic_directory.records.geocode import GeocodeCache
from clinic_directory.records.rules import npi_is_valid
from clinic_directory.records.validate import (
    ValidationReport,
    find_record_files,
    validate_paths,
)

VALID = (
    Path(__file__).parent / "fixtures" / "records" / "riverside-ketamine-clinic.yaml"
).read_text(encoding="utf-8")
RIVERSIDE = "clinics/tx/riverside-ketamine-clinic.yaml"
TODAY = date(2026, 9, 20)


def edited(old: str, new: str, text: str = VALID) -> str:
    assert old in text, f"{old!r} is not in the record"
    return text.replace(old, new, 1)


def write(root: Path, text: str = VALID, relpath: str = RIVERSIDE) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def validate(root: Path, **options) -> ValidationReport:
    folders = [root / name for name in ("clinics", "samples") if (root / name).is_dir()]
    return validate_paths(folders, root=root, today=TODAY, **options)


def where(text: str, snippet: str) -> tuple[int, int]:
    """Line and column (1-based) where ``snippet`` first appears in ``text``."""
    before = text[: text.index(snippet)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def problems_in(root: Path, text: str, **options) -> list[Problem]:
    write(root, text)
    return validate(root, **options).problems


def only_error(root: Path, text: str, **options) -> Problem:
    [problem] = [p for p in problems_in(root, text, **options) if p.severity == "error"]
    assert problem.path == RIVERSIDE
    return problem


def test_a_valid_record_passes_and_becomes_a_clinic_record(tmp_path):
    write(tmp_path)

    report = validate(tmp_path)

    assert report.problems == []
    assert report.ok and report.files == 1
    [record] = report.records
    assert record.identity == "tx/riverside-ketamine-clinic"
    assert record.source == RIVERSIDE
    assert record.location == (30.2747, -97.7404)
    assert record.data["last_verified"] == "2026-09-14"


# -- the schema, in words ------------------------------------------------------------


def test_an_unquoted_zip_code_is_explained_with_a_quoting_hint(tmp_path):
    text = edited('postal_code: "78701"', "postal_code: 02134")

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "02134")
    assert problem.message == "postal_code must be text, got the number 1116"
    assert problem.hint == 'YAML reads 02134 as the number 1116; put it in quotes: "02134"'


def test_a_state_read_as_false_gets_one_message_not_two(tmp_path):
    text = edited("state: TX", "state: NO")

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "NO\n")
    assert problem.message == "state must be text, got false"
    assert problem.hint == 'YAML reads NO as false; put it in quotes: "NO"'


def test_hours_read_as_a_base_60_number(tmp_path):
    text = edited('mon: "08:00-17:00"', "mon: 9:30")

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "9:30")
    assert problem.message == "mon must be text, got the number 570"
    assert problem.hint == 'YAML reads 9:30 as the number 570; put it in quotes: "9:30"'


def test_an_unknown_field_points_at_its_key_and_suggests_the_right_one(tmp_path):
    text = edited("address:", "adress:")

    problems = problems_in(tmp_path, text)

    assert [(p.line, p.column, p.message) for p in problems] == [
        (2, 1, "missing required field 'address'"),
        (*where(text, "adress:"), "unknown field 'adress'"),
    ]
    assert problems[1].hint.startswith("did you mean 'address'?")


def test_a_missing_field_points_at_the_mapping_that_lacks_it(tmp_path):
    text = edited("  city: Austin\n", "")

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "address:")
    assert problem.message == "missing required field 'city'"
    assert problem.hint == "add `city:` here; the city"


def test_an_unknown_term_lists_the_allowed_ones_and_the_likely_one(tmp_path):
    text = edited("route: iv_infusion", "route: iv_infusoin")

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "iv_infusoin")
    assert problem.message == "'iv_infusoin' is not a known route"
    assert problem.hint == (
        "did you mean 'iv_infusion'? allowed: iv_infusion, intramuscular, esketamine_nasal, "
        "oral_sublingual, subcutaneous, at_home"
    )


def test_a_credential_in_the_wrong_case_is_recognised(tmp_path):
    problem = only_error(tmp_path, edited("credential: MD", "credential: md"))

    assert problem.hint.startswith("did you mean 'MD'?")


def test_a_bad_price_in_the_second_service_points_at_that_price(tmp_path):
    text = edited(
        "{min: 0, max: 250, unit: consultation", "{min: 0, max: 250000, unit: consultation"
    )

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "250000")
    assert problem.message == "max must be at most 100000, got 250000"


def test_html_in_the_description_is_refused(tmp_path):
    text = edited("description: Outpatient", "description: <b>Outpatient</b>")

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "<b>")
    assert problem.message.startswith(
        "description must be plain text without HTML, control or invisible characters, "
        "got '<b>Outpatient"
    )


@pytest.mark.parametrize(
    "url", ["http://riverside.example/", "javascript:alert(1)", "data:text/html,hi"]
)
def test_only_https_websites_are_accepted(tmp_path, url):
    text = edited("website: https://riverside.example/", f"website: '{url}'")

    problem = only_error(tmp_path, text)

    assert problem.message == f"website must be a web address starting with https://, got '{url}'"
    assert "http:, javascript: and data:" in problem.hint


def test_a_repeated_list_entry_points_at_the_repeat(tmp_path):
    text = edited("languages: [en, es]", "languages: [en, es, en]")

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "en]")
    assert problem.message == "languages lists 'en' twice"


def test_a_long_description_says_how_long(tmp_path):
    text = edited("description: Outpatient", "description: " + "x" * 501 + " Outpatient")

    problem = only_error(tmp_path, text)

    assert problem.message.startswith(
        "description is 575 characters long, more than the 500 allowed"
    )


# -- rules beyond the schema ---------------------------------------------------------


def test_npi_check_digit():
    assert npi_is_valid("1234567893")
    assert npi_is_valid("1993999998")
    assert not npi_is_valid("1234567890")


def test_an_npi_with_a_wrong_check_digit(tmp_path):
    text = edited('npi: "1234567893"', 'npi: "1234567890"')

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, '"1234567890"')
    assert problem.message == "NPI 1234567890 fails its check digit"


def test_esketamine_requires_rems_certification(tmp_path):
    text = edited("rems_certified: true", "rems_certified: false")

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "false\n    insurance: true")
    assert problem.message == "esketamine_nasal requires rems_certified: true"


def test_rems_certification_belongs_to_esketamine_only(tmp_path):
    text = edited("    insurance: false\n", "    insurance: false\n    rems_certified: true\n")

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "rems_certified: true\n  - route: esk")
    assert problem.message == "rems_certified applies only to esketamine_nasal, not to iv_infusion"


def test_at_home_needs_the_states_it_serves(tmp_path):
    text = edited("    states_served: [TX, OK]\n", "")

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "at_home")
    assert problem.message == "an at_home service must list states_served"


def test_a_route_listed_twice(tmp_path):
    text = edited("route: at_home\n    states_served: [TX, OK]", "route: iv_infusion")

    problem = only_error(tmp_path, text)

    assert problem.line == where(text, "route: iv_infusion\n    prices:\n      - {amount: 300")[0]
    assert problem.message == "the route iv_infusion is listed twice (first on line 16)"


@pytest.mark.parametrize(
    ("old", "new", "snippet", "message"),
    [
        (
            "{amount: 550, unit: session}",
            "{min: 600, max: 500, unit: session}",
            "600",
            "the price range runs backwards: min 600 is above max 500",
        ),
        (
            "{amount: 550, unit: session}",
            "{amount: 550, min: 500, unit: session}",
            "min: 500",
            "a price has either an amount or a min and max range, not both",
        ),
        (
            "{amount: 550, unit: session}",
            "{min: 500, unit: session}",
            "min: 500",
            "a price range needs both min and max",
        ),
        (
            "{amount: 550, unit: session}",
            "{unit: session}",
            "{unit: session}",
            "a price needs an amount, or a min and max range",
        ),
        (
            "unit: series, sessions: 6,",
            "unit: series,",
            "series",
            "a series price must say how many sessions it includes",
        ),
    ],
)
def test_price_rules(tmp_path, old, new, snippet, message):
    text = edited(old, new)

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column, problem.message) == (*where(text, snippet), message)


@pytest.mark.parametrize(
    ("old", "new", "snippet", "message"),
    [
        (
            "last_verified: 2026-09-14",
            "last_verified: 2026-09-21",
            "2026-09-21",
            "last_verified 2026-09-21 is in the future",
        ),
        (
            "observed: 2026-08-01",
            "observed: 2027-01-01",
            "2027-01-01",
            "observed 2027-01-01 is in the future",
        ),
        (
            "last_verified: 2026-09-14",
            'last_verified: "2026-02-30"',
            '"2026-02-30"',
            "2026-02-30 is not a real date",
        ),
    ],
)
def test_dates_must_be_real_and_not_in_the_future(tmp_path, old, new, snippet, message):
    text = edited(old, new)

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column, problem.message) == (*where(text, snippet), message)


def test_a_record_not_verified_for_half_a_year_gets_a_warning(tmp_path):
    text = edited("last_verified: 2026-09-14", "last_verified: 2026-03-01")

    [problem] = problems_in(tmp_path, text)

    assert problem.severity == "warning"
    assert (problem.line, problem.column) == where(text, "2026-03-01")
    assert problem.message == "last verified 203 days ago, more than 180"


def test_a_service_without_prices_gets_a_warning(tmp_path):
    text = edited("    prices:\n      - {amount: 300, unit: month}\n", "")

    write(tmp_path, text)
    report = validate(tmp_path)

    [problem] = report.problems
    assert (problem.severity, problem.message) == ("warning", "the at_home service lists no prices")
    assert (problem.line, problem.column) == where(text, "at_home")
    assert report.ok and len(report.records) == 1


def test_overstated_claims_in_free_text_get_a_warning(tmp_path):
    text = edited(
        "description: Outpatient clinic", "description: Non-addictive treatment; outpatient clinic"
    )

    [problem] = problems_in(tmp_path, text)

    assert problem.severity == "warning"
    assert (problem.line, problem.column) == where(text, "Non-addictive")
    assert problem.message == "'Non-addictive' is a claim the evidence does not support"


# -- where the file is -----------------------------------------------------------------


def test_the_folder_must_match_the_state(tmp_path):
    write(tmp_path, relpath="clinics/ok/riverside-ketamine-clinic.yaml")

    [problem] = validate(tmp_path).errors

    assert problem.path == "clinics/ok/riverside-ketamine-clinic.yaml"
    assert (problem.line, problem.column) == where(VALID, "TX")
    assert problem.message == "the address is in TX but the file is in the ok/ folder"
    assert problem.hint == "move the file to tx/, or correct the state"


def test_the_folder_must_be_a_state_code(tmp_path):
    write(tmp_path, relpath="clinics/texas/riverside-ketamine-clinic.yaml")

    [problem] = validate(tmp_path).errors

    assert problem.message == "the folder 'texas' is not a lower-case state code"


def test_the_file_name_must_be_kebab_case(tmp_path):
    write(tmp_path, relpath="clinics/tx/Riverside_Clinic.yaml")

    [problem] = validate(tmp_path).errors

    assert (problem.line, problem.column) == (2, 1)
    assert (
        problem.message
        == "the file name 'Riverside_Clinic.yaml' must be lower-case words joined by hyphens"
    )
    assert problem.hint == "rename it to riverside-clinic.yaml"


def test_a_sample_flag_outside_samples_is_an_error(tmp_path):
    text = VALID + "sample: true\n"

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "sample: true")
    assert problem.message == "`sample: true` is only for fictional records under samples/"


def test_a_record_under_samples_must_say_it_is_a_sample(tmp_path):
    write(tmp_path, relpath="samples/tx/riverside-ketamine-clinic.yaml")

    [problem] = validate(tmp_path).errors

    assert problem.message == "a record under samples/ must say `sample: true`"


def test_samples_pass_in_development_and_fail_in_a_publish_build(tmp_path):
    write(tmp_path, VALID + "sample: true\n", relpath="samples/tx/riverside-ketamine-clinic.yaml")

    assert validate(tmp_path).ok
    [problem] = validate(tmp_path, publish=True).errors
    assert problem.message == "sample record in a publish build"


def test_no_coordinates_is_an_error_unless_the_geocoding_cache_has_them(tmp_path):
    text = edited("location: {lat: 30.2747, lon: -97.7404}\n", "")
    write(tmp_path, text)
    cache = GeocodeCache()
    cache.set(
        {
            "street": "1200 Congress Ave, Suite 300",
            "city": "Austin",
            "state": "TX",
            "postal_code": "78701",
        },
        30.27,
        -97.74,
    )

    [problem] = validate(tmp_path).errors
    assert (problem.line, problem.column) == where(text, "address:")
    assert problem.message == "no coordinates for this address"
    assert problem.hint == "add `location: {lat: .., lon: ..}` or run `clinic-directory geocode`"

    report = validate(tmp_path, geocode_cache=cache)
    assert report.ok
    assert report.records[0].location == (30.27, -97.74)


def test_coordinates_far_outside_the_state_are_an_error(tmp_path):
    text = edited("lon: -97.7404", "lon: 97.7404")

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "location:")
    assert problem.message == "the coordinates 30.2747, 97.7404 are far outside Texas"


# -- across files ------------------------------------------------------------------------


def test_the_same_clinic_in_two_files_is_reported_in_both(tmp_path):
    write(tmp_path)
    write(
        tmp_path, edited('"+1 512-555-0134"', '"+1 512-555-0199"'), "clinics/tx/riverside-copy.yaml"
    )

    report = validate(tmp_path)

    assert [(p.path, p.line, p.message) for p in report.errors] == [
        (
            "clinics/tx/riverside-copy.yaml",
            2,
            f"another record has the same name and street: {RIVERSIDE}",
        ),
        (
            RIVERSIDE,
            2,
            "another record has the same name and street: clinics/tx/riverside-copy.yaml",
        ),
    ]
    assert report.records == []


def test_a_shared_phone_needs_a_shared_organization(tmp_path):
    other = edited("name: Riverside Ketamine Clinic", "name: Riverside North")
    write(tmp_path)
    write(tmp_path, other, "clinics/tx/riverside-north.yaml")
    assert validate(tmp_path).ok

    write(
        tmp_path,
        edited("organization: Riverside Health Partners\n", "", other),
        "clinics/tx/riverside-north.yaml",
    )
    report = validate(tmp_path)

    assert [(p.path, p.message) for p in report.errors] == [
        (
            RIVERSIDE,
            "the phone number +1 512-555-0134 is also listed in clinics/tx/riverside-north.yaml",
        ),
        (
            "clinics/tx/riverside-north.yaml",
            f"the phone number +1 512-555-0134 is also listed in {RIVERSIDE}",
        ),
    ]


# -- the report ------------------------------------------------------------------------


def test_problems_are_sorted_and_only_valid_records_are_kept(tmp_path):
    write(tmp_path, edited("route: at_home", "route: home"), "clinics/tx/b-clinic.yaml")
    write(
        tmp_path,
        edited(
            "name: Riverside Ketamine Clinic",
            "name: A Clinic",
            VALID.replace("+1 512-555-0134", "+1 512-555-0100"),
        ),
        "clinics/tx/a-clinic.yaml",
    )
    write(tmp_path, "name: [unclosed\n", "clinics/tx/c-clinic.yaml")

    report = validate(tmp_path)

    assert [p.path for p in report.problems] == [
        "clinics/tx/b-clinic.yaml",
        "clinics/tx/c-clinic.yaml",
    ]
    assert [r.identity for r in report.records] == ["tx/a-clinic"]
    assert report.files == 3 and not report.ok


def test_checking_in_parallel_gives_the_same_report(tmp_path):
    write(tmp_path)
    write(tmp_path, edited("route: at_home", "route: home"), "clinics/tx/b-clinic.yaml")

    alone, parallel = validate(tmp_path, jobs=1), validate(tmp_path, jobs=2)

    assert parallel.problems == alone.problems
    assert [r.data for r in parallel.records] == [r.data for r in alone.records]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_report_only_run_finds_the_same_problems_across_files_and_keeps_no_records(
    tmp_path, jobs
):
    write(tmp_path)
    write(tmp_path, edited("route: at_home", "route: home"), "clinics/tx/b-clinic.yaml")
    copy = edited('"+1 512-555-0134"', '"+1 512-555-0199"', VALID + "previous_slugs: [tx/other]\n")
    write(tmp_path, copy, "clinics/tx/riverside-copy.yaml")
    other = edited("Riverside Ketamine", "Other")
    write(
        tmp_path,
        edited("organization: Riverside Health Partners\n", "", other),
        "clinics/tx/other.yaml",
    )

    clean = edited("Riverside Ketamine", "Lakeside", VALID.replace("512-555-0134", "512-555-0150"))
    write(tmp_path, clean, "clinics/tx/lakeside.yaml")

    full = validate(tmp_path, jobs=jobs)

    assert any("same name and street" in p.message for p in full.problems)
    assert any("phone number" in p.message for p in full.problems)
    assert any("is the identity of" in p.message for p in full.problems)
    assert [r.identity for r in full.records] == ["tx/lakeside"]


def test_record_files_are_found_sorted_under_folders(tmp_path):
    for name in ("b.yaml", "a.yml", "README.md"):
        write(tmp_path, "", f"clinics/tx/{name}")
    named = write(tmp_path, "", "elsewhere/c.yaml")

    found = find_record_files([tmp_path / "clinics", named, tmp_path / "clinics" / "tx"])

    assert found == [tmp_path / "clinics/tx/a.yml", tmp_path / "clinics/tx/b.yaml", named]
