"""Validating records: each mistake becomes one plain message at the offending value."""

from __future__ import annotations

import re
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
    assert (
        problem.hint
        == 'YAML reads 02134 as the number 1116; put it in quotes: `postal_code: "02134"`'
    )


def test_a_state_read_as_false_gets_one_message_not_two(tmp_path):
    text = edited("state: TX", "state: NO")

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "NO\n")
    assert problem.message == "state must be text, got false"
    # "NO" is no state either: quoting it would only lead to a second error.
    assert problem.hint.startswith(
        "YAML reads NO as false, and in quotes it is not a known state either; allowed: AL, "
    )


def test_hours_read_as_a_base_60_number(tmp_path):
    text = edited('mon: "08:00-17:00"', "mon: 9:30")

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "9:30")
    assert problem.message == "mon must be text, got the number 570"
    assert problem.hint == (
        'YAML reads 9:30 as the number 570; mon must be opening hours written like "08:00-17:00", '
        'or "closed": use a 24-hour clock with two-digit hours, in quotes, such as mon: "08:00-17:00"'
    )


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
    assert (
        problem.hint
        == "add `city: ...` under `address:`, indented like the fields beside it; the city"
    )


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


def test_no_coordinates_is_a_warning_for_maintainers_to_fill_in(tmp_path):
    """A contributor in the web editor cannot geocode: the record is valid and listed
    without a map marker until the geocoding workflow fills the cache after merge."""
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

    without = validate(tmp_path)
    assert without.errors == []
    [problem] = without.warnings
    assert (problem.line, problem.column) == where(text, "address:")
    assert problem.message == "no coordinates for this address"
    assert problem.hint.startswith("nothing to do in a pull request: after merge a workflow")
    [record] = without.records
    assert record.location is None

    report = validate(tmp_path, geocode_cache=cache)
    assert report.problems == []
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


# -- where a record file sits ------------------------------------------------------------

MISPLACED = "this record file is not directly in a state folder of"


@pytest.mark.parametrize(
    "relpath",
    [
        "clinics/tx/annex/riverside-ketamine-clinic.yaml",  # a folder inside a state folder
        "clinics/tx/tx/riverside-ketamine-clinic.yaml",  # the state folder twice
        "clinics/annex/tx/riverside-ketamine-clinic.yaml",  # a folder above the state folder
        "clinics/riverside-ketamine-clinic.yaml",  # no state folder at all
    ],
)
def test_a_record_file_must_sit_directly_in_a_state_folder(tmp_path, relpath):
    write(tmp_path, relpath=relpath)

    report = validate(tmp_path)

    [problem] = [p for p in report.errors if p.message.startswith(MISPLACED)]
    assert (problem.path, problem.line, problem.column) == (relpath, 1, 1)
    assert problem.message == f"{MISPLACED} clinics/"
    assert problem.hint.startswith("move it to clinics/<state>/riverside-ketamine-clinic.yaml")
    assert report.records == []


def test_a_sample_in_a_nested_folder_still_needs_the_sample_flag(tmp_path):
    relpath = "samples/tx/tx/riverside-ketamine-clinic.yaml"
    write(tmp_path, relpath=relpath)

    report = validate(tmp_path)

    assert [(p.line, p.message) for p in report.errors] == [
        (1, f"{MISPLACED} samples/"),
        (2, "a record under samples/ must say `sample: true`"),
    ]
    assert report.records == []


def test_a_nested_record_is_found_whichever_folder_is_named(tmp_path):
    write(tmp_path)
    north = edited("name: Riverside Ketamine Clinic", "name: Riverside North")
    nested = write(tmp_path, north, "clinics/tx/tx/riverside-north.yaml")

    by_state_folder = validate_paths([tmp_path / "clinics" / "tx"], root=tmp_path, today=TODAY)
    by_file = validate_paths([nested], root=tmp_path, today=TODAY)

    assert [p.message for p in by_state_folder.errors if p.path.endswith("north.yaml")] == [
        f"{MISPLACED} clinics/"
    ]
    assert [p.message for p in by_file.errors] == [f"{MISPLACED} clinics/"]


def test_naming_a_state_folder_or_a_file_is_not_misplacing_it(tmp_path):
    path = write(tmp_path)

    for named in (tmp_path / "clinics" / "tx", path):
        assert validate_paths([named], root=tmp_path, today=TODAY).problems == []


@pytest.mark.parametrize(
    "twin",
    [
        "clinics/tx/riverside-ketamine-clinic.yml",  # .yml beside .yaml
        "clinics/tx/Riverside-Ketamine-Clinic.yaml",  # a case variant
        "samples/tx/riverside-ketamine-clinic.yaml",  # the same identity in samples/
    ],
)
def test_two_files_for_one_clinic_identity_are_both_refused(tmp_path, twin):
    (tmp_path / "Case").touch()
    if twin.lower() == RIVERSIDE.lower() and (tmp_path / "case").exists():
        pytest.skip("this file system cannot hold two names that differ only in case")
    write(tmp_path)
    other = edited("Riverside Ketamine Clinic", "Riverside Annex", VALID + "sample: true\n")
    write(tmp_path, other.replace("512-555-0134", "512-555-0150"), twin)

    report = validate(tmp_path)

    identity = [
        (p.path, p.line, p.message) for p in report.errors if "both the clinic" in p.message
    ]
    assert identity == sorted(
        [
            (
                RIVERSIDE,
                1,
                f"this file and {twin} are both the clinic tx/riverside-ketamine-clinic",
            ),
            (
                twin,
                1,
                f"this file and {RIVERSIDE} are both the clinic tx/riverside-ketamine-clinic",
            ),
        ]
    )
    assert report.records == []


# -- the fast check and the detailed one agree ------------------------------------------


class _FindsNothing:
    def iter_errors(self, data):
        return iter(())


def test_a_record_the_fast_check_refuses_is_refused_even_if_the_detailed_one_finds_nothing(
    tmp_path, monkeypatch
):
    from clinic_directory.records import messages

    monkeypatch.setattr(messages.SchemaCheck, "detailed", _FindsNothing())
    text = edited('phone: "+1 512-555-0134"', 'phone: "+1 512-555-0134\\n"')

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, '"+1 512')
    assert problem.message == (
        "phone must be a US phone number written like +1 512-555-0134, got '+1 512-555-0134\\n'"
    )


@pytest.mark.parametrize(
    ("old", "new", "snippet", "message"),
    [
        (
            'phone: "+1 512-555-0134"',
            'phone: "+1 512-555-0134\\n"',
            '"+1 512',
            "phone must be a US phone number written like +1 512-555-0134, "
            "got '+1 512-555-0134\\n'",
        ),
        (
            'phone: "+1 512-555-0134"',
            'phone: "+1 \uff15\uff11\uff12-555-0134"',
            '"+1 ',
            "phone must be a US phone number written like +1 512-555-0134, "
            "got '+1 \uff15\uff11\uff12-555-0134'",
        ),
        (
            'postal_code: "78701"',
            'postal_code: "\u0667\u0668\u0667\u0660\u0661"',
            '"\u0667',
            "postal_code must be a 5-digit ZIP code, optionally followed by -1234, "
            "got '\u0667\u0668\u0667\u0660\u0661'",
        ),
        (
            "website: https://riverside.example/",
            'website: "https://riverside.example/\\n"',
            '"https',
            "website must be a web address starting with https://, "
            "got 'https://riverside.example/\\n'",
        ),
        (
            "last_verified: 2026-09-14",
            'last_verified: "2026-09-14\\n"',
            '"2026',
            "last_verified must be a date written like 2026-09-14, got '2026-09-14\\n'",
        ),
    ],
)
def test_digits_are_ascii_and_a_final_line_break_is_refused(tmp_path, old, new, snippet, message):
    text = edited(old, new)

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, snippet)
    assert problem.message == message


def test_an_npi_in_other_digits_or_with_a_line_break_is_refused_not_crashed_on(tmp_path):
    for npi in ("1234567893\\n", "\U0001d7cf234567893"):
        text = edited('npi: "1234567893"', f'npi: "{npi}"')

        problem = only_error(tmp_path, text)

        assert problem.message.startswith("npi must be a 10-digit NPI, got '")
    assert not npi_is_valid("\U0001d7cf234567893") and not npi_is_valid("1234567893\n")


# -- look-alike text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Riverside Ketamine Clinic",
        "Riv\u0435rside Ketamine Clinic",  # a Cyrillic small ie
        "RIVERSIDE  ketamine clinic",  # capitals and a double space
        "Ｒｉｖｅｒｓｉｄｅ Ketamine Clinic",  # full-width letters
    ],
)
def test_the_same_name_and_street_in_look_alike_letters_is_a_duplicate(tmp_path, name):
    write(tmp_path)
    twin = edited("name: Riverside Ketamine Clinic", f"name: {name}").replace(
        "512-555-0134", "512-555-0199"
    )
    write(tmp_path, twin, "clinics/tx/riverside-twin.yaml")

    report = validate(tmp_path)

    assert [(p.path, p.message) for p in report.errors] == [
        (RIVERSIDE, "another record has the same name and street: clinics/tx/riverside-twin.yaml"),
        (
            "clinics/tx/riverside-twin.yaml",
            f"another record has the same name and street: {RIVERSIDE}",
        ),
    ]


def test_an_organization_written_in_other_capitals_is_the_same_organization(tmp_path):
    write(tmp_path)
    north = edited("name: Riverside Ketamine Clinic", "name: Riverside North")
    write(
        tmp_path,
        north.replace("Riverside Health Partners", "RIVERSIDE  Health Partners"),
        "clinics/tx/riverside-north.yaml",
    )

    assert validate(tmp_path).problems == []


def test_a_phone_shared_thanks_to_a_newly_added_organization_is_a_warning(tmp_path):
    write(tmp_path)
    north = edited("name: Riverside Ketamine Clinic", "name: Riverside North")
    write(tmp_path, north, "clinics/tx/riverside-north.yaml")
    before = {RIVERSIDE: "Riverside Health Partners"}  # riverside-north had none

    report = validate(tmp_path, organization_before=lambda loaded: before.get(loaded.relpath))

    assert report.errors == []
    assert [(p.path, p.line, p.message) for p in report.warnings] == [
        (
            "clinics/tx/riverside-north.yaml",
            3,
            "this change adds the organization 'Riverside Health Partners', which lets the "
            f"record share the phone number +1 512-555-0134 with {RIVERSIDE}",
        )
    ]
    assert (
        report.warnings[0].hint == "a reviewer should check that both are locations of one provider"
    )


# -- the geocoding cache is input too ------------------------------------------------------


def test_a_broken_geocoding_cache_is_reported_at_its_line_and_nothing_crashes(tmp_path):
    write(tmp_path, edited("location: {lat: 30.2747, lon: -97.7404}\n", ""))
    cache_file = tmp_path / "geocode-cache.json"
    cache_file.write_text(
        '{\n  "1200 congress ave, suite 300, austin, tx, 78701": {"lat": "30.27", "lon": -97.74}\n}\n',
        encoding="utf-8",
    )

    report = validate(tmp_path, geocode_cache=GeocodeCache.load(cache_file))

    assert [(p.path, p.line, p.column, p.message) for p in report.problems] == [
        (RIVERSIDE, 9, 1, "no coordinates for this address"),
        (
            "geocode-cache.json",
            2,
            3,
            "the lat of '1200 congress ave, suite 300, austin, tx, 78701' must be a number "
            'from -90 to 90, got "30.27"',
        ),
    ]


def test_a_problem_prints_on_one_line_whatever_its_file_is_called():
    problem = Problem("clinics/tx/a\n::error::forged.yaml", 1, 1, "bad\nvalue", "fix\u202eit")
    assert "\n" not in str(problem)
    assert "\u202e" not in str(problem)
    assert str(problem).startswith("clinics/tx/a")


# -- a hint's fix is itself valid ----------------------------------------------------------

#: (what the record held, what a contributor wrote instead, the `key: value` written):
#: each hint proposes a value, and writing it in makes the record valid.
HINTED_FIXES = [
    ('phone: "+1 512-555-0134"', "phone: 5125550134", "phone: 5125550134"),
    ('phone: "+1 512-555-0134"', 'phone: "512.555.0134"', 'phone: "512.555.0134"'),
    ("status: active", "status: on", "status: on"),
    ('sat: closed}', "sat: off}", "sat: off"),
    ("    insurance: false\n", "    insurance: nope\n", "insurance: nope"),
    ("    insurance: false\n", '    insurance: "no"\n', 'insurance: "no"'),
    ("{amount: 550, unit: session}", "{amount: 2,600, unit: session}", "amount: 2,600"),
    ("{amount: 550, unit: session}", '{amount: "$2,600", unit: session}', 'amount: "$2,600"'),
    ('postal_code: "78701"', "postal_code: 78701", "postal_code: 78701"),
    ("state: TX", "state: Texas", "state: Texas"),
    ("route: iv_infusion", "route: IV", "route: IV"),
    ("route: esketamine_nasal", "route: Spravato", "route: Spravato"),
    ("street: 1200 Congress Ave, Suite 300", "street: 1200 Congress Ave #300", "street: 1200 Congress Ave #300"),
]  # fmt: skip


def proposed_fix(hint: str, key: str) -> str:
    """The `key: value` a hint proposes: in backticks, or named by "did you mean 'X'"."""
    written = re.search(rf"`({re.escape(key)}: [^`]+)`", hint)
    if written:
        return written[1]
    return key + ": " + re.search(r"did you mean '([^']+)'", hint)[1]


@pytest.mark.parametrize(("old", "new", "written"), HINTED_FIXES, ids=[c[2] for c in HINTED_FIXES])
def test_applying_the_value_a_hint_proposes_makes_the_record_valid(tmp_path, old, new, written):
    text = edited(old, new)

    problem = only_error(tmp_path, text)

    key = written.split(":")[0]
    line, column = where(text, written)
    assert (problem.line, problem.column) == (line, column + len(key) + 2)
    fix = proposed_fix(problem.hint, key)
    assert fix != written
    assert (
        validate_paths(
            [write(tmp_path, edited(written, fix, text))], root=tmp_path, today=TODAY
        ).errors
        == []
    ), f"the hint proposed {fix!r}"


def test_a_value_cut_short_by_a_comment_is_an_error_with_the_whole_value_in_quotes(tmp_path):
    text = edited("street: 1200 Congress Ave, Suite 300", "street: 150 Church St #2")

    problem = only_error(tmp_path, text)

    assert (problem.line, problem.column) == where(text, "150 Church")
    assert problem.message == (
        "street is cut short: YAML reads the text from ' #' on as a comment, "
        "so it is stored as '150 Church St'"
    )
    assert problem.hint == 'put the whole value in quotes: `street: "150 Church St #2"`'


def test_a_comment_written_as_one_is_not_mistaken_for_a_cut_value(tmp_path):
    text = edited("status: active", "status: active   # open as usual").replace(
        "name: Riverside Ketamine Clinic", "name: Riverside Ketamine Clinic # main site"
    )

    assert problems_in(tmp_path, text) == []


def test_a_number_split_by_a_comma_in_braces_is_one_problem_not_an_unknown_field(tmp_path):
    text = edited("{amount: 550, unit: session}", "{amount: 1,200,000, unit: session}")

    [problem] = problems_in(tmp_path, text)

    assert problem.message == (
        "'1,200,000' is read as the number 1 followed by a field named '200' "
        "and a field named '000'"
    )
    assert problem.hint.endswith("`amount: 1200000`")


def test_a_required_field_left_empty_is_not_offered_for_removal(tmp_path):
    problem = only_error(tmp_path, edited("verified_by: maintainer-handle", "verified_by:"))

    assert problem.message == "verified_by must be text, got an empty value"
    assert problem.hint == "fill it in: this field is required"


def test_an_optional_field_left_empty_may_be_removed(tmp_path):
    problem = only_error(tmp_path, edited("email: intake@riverside.example", "email:"))

    assert problem.hint == "fill in a value, or remove the line"


def test_a_missing_top_level_field_says_where_it_goes_not_here(tmp_path):
    text = edited("last_verified: 2026-09-14\n", "")

    problem = only_error(tmp_path, text)

    assert problem.message == "missing required field 'last_verified'"
    assert "here" not in problem.hint
    assert problem.hint.startswith(
        "add `last_verified: ...` on a line of its own, not indented, such as at the end"
    )


def test_a_missing_field_of_a_list_item_names_the_item(tmp_path):
    problem = only_error(tmp_path, edited("{amount: 550, unit: session}", "{amount: 550}"))

    assert problem.message == "missing required field 'unit'"
    assert problem.hint.startswith("add `unit: ...` to item 1 of prices, indented like its")


def test_a_state_written_in_full_is_recognised(tmp_path):
    problem = only_error(tmp_path, edited("state: TX", "state: Vermont"))

    assert problem.hint.startswith("did you mean 'VT'?")


# -- fictional details never reach the public ---------------------------------------------

FICTIONAL = [
    ("website", 6, 10, "riverside.example is a domain reserved for examples"),
    ("phone", 7, 8, "+1 512-555-0134 is a 555-01xx number, reserved for fiction"),
    ("email", 8, 8, "riverside.example is a domain reserved for examples"),
    ("sources", 44, 11, "riverside.example is a domain reserved for examples"),
]


def test_a_sample_copied_into_clinics_fails_the_publish_check_at_each_fictional_detail(tmp_path):
    write(tmp_path)

    assert validate(tmp_path).ok  # a development build, and this test suite, may use them
    report = validate(tmp_path, publish=True)

    assert [(p.line, p.column, p.message.split(";")[0]) for p in report.errors] == [
        (line, column, message) for _, line, column, message in FICTIONAL
    ]
    assert all("samples/" in p.hint for p in report.errors)
    assert report.records == []


@pytest.mark.parametrize(
    "address",
    [
        "https://www.example.com/k",
        "https://clinic.test/",
        "https://a.invalid/",
        "https://localhost/",
    ],
)
def test_every_domain_reserved_for_examples_is_refused_when_publishing(tmp_path, address):
    text = edited("website: https://riverside.example/", f"website: {address}")

    write(tmp_path, text)
    report = validate(tmp_path, publish=True)

    assert any(p.path == RIVERSIDE and p.line == 6 for p in report.errors)


def test_real_looking_details_pass_the_publish_check(tmp_path):
    text = VALID.replace("riverside.example", "riverside-ketamine.com").replace(
        "555-0134", "555-2368"
    )

    assert problems_in(tmp_path, text, publish=True) == []
