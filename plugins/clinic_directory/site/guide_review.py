"""Whether a guide page's review dates still hold.

Guide pages state medical and legal facts that go out of date, so each page says
when it was reviewed (``Reviewed``), by whom (``Reviewer``) and when it must be
reviewed again (``Review_by``). A page that states a rule with an end date, such
as a temporary federal rule, also says when that rule ends (``Valid_until``) and
must be reviewed by then. This module turns those promises into plain messages
the build can log as warnings, before a page outlives what it says.

A translated page (``Lang: es``) also says when it was translated (``Translated``)
and which revision of the English page it was made from (``English_revision``),
so the build can say when the English page has moved on since.

It is pure: it never imports Pelican and never reads the clock or a file; the
caller passes the page's metadata (keys as Pelican gives them, lower case) and
today's date.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date, datetime

#: Metadata every guide page must carry, as written in the page header.
REQUIRED_FIELDS: tuple[str, ...] = ("Reviewed", "Review_by", "Reviewer")
#: Metadata that holds a date, written as YYYY-MM-DD.
DATE_FIELDS: tuple[str, ...] = ("Reviewed", "Review_by", "Valid_until")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def review_problems(metadata: Mapping[str, object], today: date) -> list[str]:
    """What is missing, malformed or out of date in a page's review metadata.

    An empty list means the page's review is complete and current. Keys are
    matched without regard to case, so both Pelican's lower-case metadata and the
    page header's own spelling work.
    """
    fields = _lower_keys(metadata)
    problems = _missing(fields, REQUIRED_FIELDS)
    dates: dict[str, date] = {}
    for name in DATE_FIELDS:
        value = fields.get(name.lower())
        if value is None or not str(value).strip():
            continue
        parsed = _as_date(value)
        if parsed is None:
            problems.append(f"{name} is {str(value).strip()!r}, not a date written as YYYY-MM-DD")
        else:
            dates[name] = parsed

    reviewed = dates.get("Reviewed")
    review_by = dates.get("Review_by")
    valid_until = dates.get("Valid_until")
    if reviewed and reviewed > today:
        problems.append(
            f"Reviewed is {reviewed}, a date still to come: give the date the review took place"
        )
    if reviewed and review_by and review_by < reviewed:
        problems.append(f"Review_by ({review_by}) is before Reviewed ({reviewed})")
    if review_by and review_by < today:
        problems.append(
            f"the review was due by {review_by}: check the page against its sources, "
            "then update Reviewed and Review_by"
        )
    if valid_until and valid_until < today:
        problems.append(
            f"the page states a rule that ended on {valid_until}: say what applies now, "
            "then update Valid_until"
        )
    if valid_until and review_by and review_by > valid_until:
        problems.append(
            f"Review_by ({review_by}) is after Valid_until ({valid_until}): a page must be "
            "reviewed by the day the rule it states ends"
        )
    return problems


def _lower_keys(metadata: Mapping[str, object]) -> dict[str, object]:
    """Keys without regard to case: Pelican's lower-case metadata and the header's own
    spelling both work."""
    return {str(key).lower(): value for key, value in metadata.items()}


def _missing(fields: Mapping[str, object], names: tuple[str, ...]) -> list[str]:
    return [
        f"{name} is missing: add '{name}: ...' to the page header"
        for name in names
        if not str(fields.get(name.lower()) or "").strip()
    ]


def _as_date(value: object) -> date | None:
    """A date from metadata: a date object as is, or text written as YYYY-MM-DD."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


#: Metadata every translated page carries besides its English page's review fields.
TRANSLATION_FIELDS: tuple[str, ...] = ("Translated", "English_revision")


def revision(source: bytes) -> str:
    """A page's revision as its translation records it: the start of the source
    file's SHA-256, computed the same way by the build and by a translator."""
    return hashlib.sha256(source).hexdigest()[:12]


def translation_problems(
    translation: Mapping[str, object], english: Mapping[str, object], english_revision: str
) -> list[str]:
    """What makes a translated page untrustworthy next to its English page: it was made
    from an older English text, or it claims a review the English page never had."""
    fields, original = _lower_keys(translation), _lower_keys(english)
    problems = _missing(fields, TRANSLATION_FIELDS)
    made_from = str(fields.get("english_revision") or "").strip()
    if made_from and made_from != english_revision:
        problems.append(
            f"the English page changed after this translation (made from revision "
            f"{made_from}, now {english_revision}): bring the translation up to date, "
            f"then set English_revision: {english_revision}"
        )
    if "translated" in fields and _as_date(fields["translated"]) is None:
        problems.append(f"Translated is {fields['translated']!r}, not a date written as YYYY-MM-DD")
    for name in ("reviewed", "review_by"):
        claimed, held = _as_date(fields.get(name)), _as_date(original.get(name))
        if claimed and held and claimed > held:
            problems.append(
                f"{name.capitalize()} is {claimed}, later than the English page's {held}: "
                "a translation never claims a later review than its English page"
            )
    return problems
