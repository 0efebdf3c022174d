"""A guide page's review metadata is checked for what is missing, malformed or overdue.

Each case is the page header a contributor writes and the messages the build
would log for it, checked on a fixed day so the cases never depend on the clock.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import date

import pytest
from sites import record

from clinic_directory.site.guide_review import review_problems, revision, translation_problems

TODAY = date(2026, 12, 5)

COMPLETE = {
    "reviewed": "2026-12-05",
    "review_by": "2027-06-05",
    "reviewer": "Directory editorial team (evidence review)",
}


def test_a_complete_current_review_has_no_problems() -> None:
    assert review_problems(COMPLETE, TODAY) == []


def test_a_date_bound_page_reviewed_before_its_rule_ends_has_no_problems() -> None:
    page = {**COMPLETE, "review_by": "2026-12-31", "valid_until": "2026-12-31"}

    assert review_problems(page, TODAY) == []


def test_the_header_spelling_of_keys_works_as_well_as_pelicans_lower_case() -> None:
    page = {"Reviewed": "2026-12-05", "Review_by": "2027-06-05", "Reviewer": "Editorial team"}

    assert review_problems(page, TODAY) == []


def test_date_objects_are_accepted_as_well_as_text() -> None:
    page = {**COMPLETE, "reviewed": date(2026, 12, 5), "review_by": date(2027, 6, 5)}

    assert review_problems(page, TODAY) == []


def test_each_missing_field_is_named() -> None:
    assert review_problems({"reviewed": "2026-12-05", "reviewer": " "}, TODAY) == [
        "Review_by is missing: add 'Review_by: ...' to the page header",
        "Reviewer is missing: add 'Reviewer: ...' to the page header",
    ]


@pytest.mark.parametrize("written", ["05/12/2026", "2026-13-01", "next June", "20261205"])
def test_a_date_not_written_as_yyyy_mm_dd_is_reported(written: str) -> None:
    assert review_problems({**COMPLETE, "review_by": written}, TODAY) == [
        f"Review_by is {written!r}, not a date written as YYYY-MM-DD"
    ]


def test_a_review_date_still_to_come_is_reported() -> None:
    page = {**COMPLETE, "reviewed": "2026-12-06"}

    assert review_problems(page, TODAY) == [
        "Reviewed is 2026-12-06, a date still to come: give the date the review took place"
    ]


def test_a_review_due_before_the_last_review_is_reported() -> None:
    page = {**COMPLETE, "reviewed": "2026-12-01", "review_by": "2026-11-30"}

    assert review_problems(page, date(2026, 11, 1)) == [
        "Reviewed is 2026-12-01, a date still to come: give the date the review took place",
        "Review_by (2026-11-30) is before Reviewed (2026-12-01)",
    ]


def test_a_passed_review_by_date_is_reported() -> None:
    assert review_problems(COMPLETE, date(2027, 6, 6)) == [
        "the review was due by 2027-06-05: check the page against its sources, "
        "then update Reviewed and Review_by"
    ]


def test_the_review_by_day_itself_is_still_in_time() -> None:
    assert review_problems(COMPLETE, date(2027, 6, 5)) == []


def test_a_review_due_after_the_stated_rule_ends_is_reported() -> None:
    page = {**COMPLETE, "valid_until": "2026-12-31"}

    assert review_problems(page, TODAY) == [
        "Review_by (2027-06-05) is after Valid_until (2026-12-31): a page must be "
        "reviewed by the day the rule it states ends"
    ]


def test_a_rule_that_has_ended_is_reported_with_the_overdue_review() -> None:
    page = {**COMPLETE, "review_by": "2026-12-31", "valid_until": "2026-12-31"}

    assert review_problems(page, date(2027, 1, 1)) == [
        "the review was due by 2026-12-31: check the page against its sources, "
        "then update Reviewed and Review_by",
        "the page states a rule that ended on 2026-12-31: say what applies now, "
        "then update Valid_until",
    ]


def test_a_malformed_valid_until_is_reported_and_not_compared() -> None:
    page = {**COMPLETE, "valid_until": "end of 2026"}

    assert review_problems(page, TODAY) == [
        "Valid_until is 'end of 2026', not a date written as YYYY-MM-DD"
    ]


def test_the_build_warns_about_a_guide_page_past_its_review_date(tiny_site, caplog) -> None:
    tiny_site.add("tx/lantern-hill", record())
    page = tiny_site.root / "content" / "guide" / "safety.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"(?m)^Review_by: .*$", "Review_by: 2026-01-01", text), encoding="utf-8")

    with caplog.at_level(logging.WARNING):
        tiny_site.build(CLINIC_SEARCH_INDEX=False, CLINIC_TODAY="2026-12-06")

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [w for w in warnings if w.startswith("guide/safety.md:") and "2026-01-01" in w]
    assert not [w for w in warnings if w.startswith("guide/routes.md:")]


# -- translations -------------------------------------------------------------------

TRANSLATED = {
    **COMPLETE,
    "lang": "es",
    "translated": "2026-12-05",
    "english_revision": "0123456789ab",
}


def test_a_translation_made_from_the_current_english_page_has_no_problems() -> None:
    assert translation_problems(TRANSLATED, COMPLETE, "0123456789ab") == []


def test_a_translation_of_an_older_english_page_says_what_to_update() -> None:
    [problem] = translation_problems(TRANSLATED, COMPLETE, "ba9876543210")
    assert "English page changed" in problem
    assert "English_revision: ba9876543210" in problem


def test_a_translation_never_claims_a_later_review_than_its_english_page() -> None:
    later = {**TRANSLATED, "reviewed": "2026-12-06"}
    [problem] = translation_problems(later, COMPLETE, "0123456789ab")
    assert "later than the English page's 2026-12-05" in problem


def test_a_translation_without_its_translation_fields_is_told_to_add_them() -> None:
    bare = {**COMPLETE, "lang": "es"}
    problems = translation_problems(bare, COMPLETE, "0123456789ab")
    assert problems == [
        "Translated is missing: add 'Translated: ...' to the page header",
        "English_revision is missing: add 'English_revision: ...' to the page header",
    ]


def test_a_translators_revision_is_the_start_of_the_files_sha256() -> None:
    assert revision(b"Title: Safety\n") == hashlib.sha256(b"Title: Safety\n").hexdigest()[:12]


def test_the_build_warns_when_an_english_page_changed_after_its_translation(
    tiny_site, caplog
) -> None:
    tiny_site.add("tx/lantern-hill", record())
    english = tiny_site.root / "content" / "guide" / "safety.md"
    english.write_text(english.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")

    with caplog.at_level(logging.WARNING):
        tiny_site.build(CLINIC_SEARCH_INDEX=False)

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [w for w in warnings if w.startswith("guide/es/safety.md:") and "changed" in w]
    assert not [w for w in warnings if w.startswith("guide/es/routes.md:")]
