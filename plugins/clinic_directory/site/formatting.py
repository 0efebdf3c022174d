"""How people read money, dates, hours, phone numbers and prices on the site.

Stored values stay in their data formats (ISO dates, 24-hour times, ``+1 512-555-0134``,
plain numbers); every place a person reads one goes through these functions, and
``theme/static/js/format.js`` does the same in the browser. Both are checked against one
table of cases (``tests/fixtures/formatting_cases.json``), so a card drawn by a script
and a page written by the build never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from clinic_directory.records import vocab
from clinic_directory.records.model import (
    ADDED,
    CLINIC_FEE,
    EXPIRED_AFTER_DAYS,
    PACKAGE,
    RECENT_WITHIN_DAYS,
    SESSION,
    STALE_AFTER_DAYS,
    VERIFIED,
    ClinicRecord,
    PriceFigure,
    WaitFigure,
    whole_dollars,
)

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_PHONE = re.compile(r"^\+1 ([0-9]{3})-([0-9]{3}-[0-9]{4})$")
_HOURS = re.compile(r"^([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})$")

#: Verification warnings, from the mildest: (days older than, level, words). The clinic
#: page, cards, the compare page and the data index all take them from here.
VERIFICATION_LEVELS = (
    (STALE_AFTER_DAYS, "stale", "over six months ago"),
    (EXPIRED_AFTER_DAYS, "expired", "over a year ago: check with the clinic"),
)

#: The mark of a listing verified within ``RECENT_WITHIN_DAYS``, and what it means.
RECENTLY_VERIFIED = "Recently verified"
RECENTLY_VERIFIED_MEANS = f"checked against its sources in the last {RECENT_WITHIN_DAYS} days"
#: Said on the page of a listing not verified for over a year, and wherever it is left out.
OUT_OF_DATE_NOTE = (
    "Nobody has verified this listing for over a year: the clinic may have moved, changed "
    "its prices or closed. Call the clinic before you rely on it. It is left out of the "
    "directory's default results until it is checked again."
)

#: How each verification method reads before "on <date>" (``verification.method``).
VERIFIED_HOW = MappingProxyType(
    {
        "website": "Checked on the clinic's website",
        "phone": "Checked by phone with the clinic",
        "written": "Confirmed in writing by the clinic",
        "register": "Checked against a public register",
    }
)
#: How each dated change to a listing is announced (feeds, the changes page).
CHANGE_WORDS = MappingProxyType(
    {
        ADDED: "Added to the directory",
        VERIFIED: "Verified again",
        "closed": "Closed",
        "temporarily_closed": "Temporarily closed",
    }
)

#: What a fee that is not for a session is called where a person reads it.
FEE_NAMES = MappingProxyType({"consultation": "Consultation", "month": "Monthly fee"})

#: Said wherever results are sorted or filtered by price, so nobody wonders why a
#: cheaper-looking figure comes later.
PRICE_SORT_NOTE = (
    "Lowest price first compares the price of one session, then packages by their price "
    "per session. Clinic fees that leave out the medicine, and prices seen more than a "
    "year ago, come after every comparable price."
)
PRICE_FILTER_NOTE = (
    "Uses the price of one session, or a package's price per session when there is no "
    "single-session price. Clinic fees that leave out the medicine, and prices seen more "
    "than a year ago, are left out."
)


def money(amount: float | None) -> str:
    """``$1,100``: whole dollars, halves rounded up; empty for no amount."""
    if amount is None:
        return ""
    return f"${whole_dollars(amount):,}"


def money_range(low: float, high: float | None = None) -> str:
    """``$650-$1,100``, or one figure when both ends round to the same dollar."""
    if high is None or whole_dollars(low) == whole_dollars(high):
        return money(low)
    return f"{money(low)}-{money(high)}"


def us_date(value: str | date) -> str:
    """``Oct 14, 2026`` from ``2026-10-14`` (keep the ISO form in ``<time datetime>``)."""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _clock(hours: str, minutes: str) -> str:
    hour = int(hours)
    suffix = "am" if hour < 12 else "pm"
    hour = hour % 12 or 12
    return f"{hour} {suffix}" if minutes == "00" else f"{hour}:{minutes} {suffix}"


def hours_range(text: str) -> str:
    """``8:30 am-5 pm`` from ``08:30-17:00``; ``Closed`` from ``closed``."""
    if text == "closed":
        return "Closed"
    found = _HOURS.match(text)
    if not found:
        return text
    opens, closes = _clock(*found.group(1, 2)), _clock(*found.group(3, 4))
    return f"{opens}-{closes}"


def us_phone(phone: str) -> str:
    """``(713) 555-0111`` from the stored ``+1 713-555-0111``."""
    found = _PHONE.match(phone)
    return f"({found[1]}) {found[2]}" if found else phone


def web_address(url: str) -> str:
    """``clinic.example/austin`` from ``https://clinic.example/austin/``: the link's text."""
    return url.removeprefix("https://").removeprefix("www.").rstrip("/")


def directions_url(record: ClinicRecord) -> str:
    """Directions to the clinic on OpenStreetMap: only the clinic's place goes in the
    link, never the visitor's, who types a starting point there if they want one."""
    if record.location:
        lat, lon = record.location
        return f"https://www.openstreetmap.org/directions?to={lat:.5f}%2C{lon:.5f}"
    address = record.data["address"]
    place = f"{address['street']}, {address['city']}, {address['state']} {address['postal_code']}"
    return f"https://www.openstreetmap.org/directions?to={quote(place)}"


def verification_warning(age_days: int) -> str:
    """The words added to "Verified <date>" for a listing this many days old, or ""."""
    words = ""
    for after, _level, text in VERIFICATION_LEVELS:
        if age_days > after:
            words = text
    return words


def verified_how(record: ClinicRecord) -> str:
    """``Checked by phone with the clinic``: how the last check was done, to be followed by
    "on <date>"; plain ``Verified`` when the record does not say how."""
    verification = record.data.get("verification")
    return VERIFIED_HOW[verification["method"]] if verification else "Verified"


def verification_sentence(record: ClinicRecord) -> str:
    """``Checked by phone with the clinic on Oct 14, 2026``."""
    return f"{verified_how(record)} on {us_date(record.last_verified)}"


def refund_text(refunds: Mapping[str, Any] | None) -> str:
    """What happens to the unused sessions of a prepaid package, in the clinic's words
    as recorded, or a prompt to ask when the record does not say."""
    if not refunds:
        return "Refund policy not recorded: ask for it in writing before you prepay."
    if refunds["policy"] == "not_stated":
        return "The clinic states no refund policy: ask for it in writing before you prepay."
    label = vocab.REFUND_POLICIES.label(refunds["policy"]).lower()
    return f"Unused sessions: {label}, as stated by the clinic."


def wait_text(wait: WaitFigure) -> str:
    """``About 14 days (as stated Oct 14, 2026)``: the typical wait for a first appointment."""
    days = {0: "Same day", 1: "1 day"}.get(wait.days, f"About {wait.days} days")
    stated = f"as stated {us_date(wait.observed)}"
    if not wait.current:
        stated += ", over a year ago: ask the clinic"
    return f"{days} ({stated})"


def npi_check_text(check: Mapping[str, Any]) -> str:
    """What the national register said of a clinician's NPI, and when."""
    checked = us_date(check["checked"])
    return {
        "match": f"NPI matches the national register (checked {checked})",
        "mismatch": f"NPI checked against the national register on {checked}: the "
        "register's name, credential or specialty differs from this listing",
        "deactivated": f"The national register listed this NPI as deactivated on {checked}",
        "not_found": f"The national register had no active record of this NPI on {checked}",
    }[check["result"]]


def medicine_billed(insurance: bool | None) -> str:
    """The end of a clinic fee's sentence, saying where the medicine's bill goes."""
    return "to your insurance" if insurance else "separately"


def figure_text(figure: PriceFigure, insurance: bool | None = None) -> str:
    """One price in words: ``$650-$1,100 per session``, ``6-session package $2,700 ($450
    each)``, ``Clinic fee $0-$60 per session; the medicine is billed to your insurance``,
    ``Consultation: $150`` or ``Monthly fee: $129-$299``."""
    amount = money_range(figure.low, figure.high)
    if figure.each:
        amount = f"{figure.sessions}-session package {amount} ({money_range(*figure.each)} each)"
    elif figure.unit == "session":
        amount = f"{amount} per session"
    else:
        return f"{FEE_NAMES[figure.unit]}: {'free' if figure.high == 0 else amount}"
    if figure.kind == CLINIC_FEE:
        return f"Clinic fee {amount}; the medicine is billed {medicine_billed(insurance)}"
    return amount


def stale_note(figure: PriceFigure) -> str:
    """`` (seen Nov 4, 2025, over a year ago)`` for a price too old to compare, else ""."""
    return "" if figure.current else f" (seen {us_date(figure.observed)}, over a year ago)"


def headline_text(figure: PriceFigure | None, insurance: bool | None = None) -> str | None:
    """The headline of a service for a card or the compare table, or ``None``."""
    if figure is None:
        return None
    return figure_text(figure, insurance) + stale_note(figure)


def headline_price(service: Mapping[str, Any], record: ClinicRecord) -> str | None:
    """The headline price of one service of a record, in words (see ``ClinicRecord.headline``)."""
    return headline_text(record.headline(service), service.get("insurance"))


def price_groups(service: Mapping[str, Any], record: ClinicRecord) -> dict[str, list[PriceFigure]]:
    """A service's prices in the three figures that are never blended: single sessions
    (``session``), packages (``package``) and other fees (``other``: clinic fees that
    leave out the medicine, consultations, monthly fees), each in the record's order."""
    groups: dict[str, list[PriceFigure]] = {"session": [], "package": [], "other": []}
    for figure in record.price_figures(service):
        groups[{SESSION: "session", PACKAGE: "package"}.get(figure.kind, "other")].append(figure)
    return groups


def index_constants() -> dict[str, Any]:
    """The words the browser shows that the build defines: the data index carries them,
    so the scripts never keep a copy of their own."""
    return {
        "verification_levels": [[after, level, text] for after, level, text in VERIFICATION_LEVELS],
        "recent_within_days": RECENT_WITHIN_DAYS,
        "recently_verified": RECENTLY_VERIFIED,
        "out_of_date_after_days": EXPIRED_AFTER_DAYS,
        "price_sort_note": PRICE_SORT_NOTE,
        "price_filter_note": PRICE_FILTER_NOTE,
    }
