"""How people read money, dates, hours, phone numbers and prices on the site.

Stored values stay in their data formats (ISO dates, 24-hour times, ``+1 512-555-0134``,
plain numbers); every place a person reads one goes through these functions, and
``theme/static/js/format.js`` does the same in the browser. Both are checked against one
table of cases (``tests/fixtures/formatting_cases.json``), so a card drawn by a script
and a page written by the build never disagree.

Every word comes from the message catalogue: constants are marked ``N_`` and stay
English (code compares them and data files store them), and each function that writes
words takes the reader's language, ``lang``, English unless told.
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
from clinic_directory.site.translations import (
    N_,
    SOURCE_LANG,
    translate,
    translate_plural,
)

_MONTHS = (
    # TRANSLATORS: "Jan" to "Dec": abbreviated month names, as in "Oct 14, 2026".
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    # TRANSLATORS: the abbreviated month name, as in "May 4, 2026".
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)
_PHONE = re.compile(r"^\+1 ([0-9]{3})-([0-9]{3}-[0-9]{4})$")
_HOURS = re.compile(r"^([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})$")

#: Verification warnings, from the mildest: (days older than, level, words). The clinic
#: page, cards, the compare page and the data index all take them from here.
VERIFICATION_LEVELS = (
    # TRANSLATORS: said of a listing, after "Verified Oct 14, 2026".
    (STALE_AFTER_DAYS, "stale", N_("over six months ago")),
    # TRANSLATORS: said of a listing, after "Verified Oct 14, 2026".
    (EXPIRED_AFTER_DAYS, "expired", N_("over a year ago: check with the clinic")),
)

#: The mark of a listing verified within ``RECENT_WITHIN_DAYS``, and what it means.
RECENTLY_VERIFIED = N_("Recently verified")
RECENTLY_VERIFIED_MEANS = N_("checked against its sources in the last %(days)s days")
#: Said on the page of a listing not verified for over a year, and wherever it is left out.
OUT_OF_DATE_NOTE = N_(
    "Nobody has verified this listing for over a year: the clinic may have moved, changed "
    "its prices or closed. Call the clinic before you rely on it. It is left out of the "
    "directory's default results until it is checked again."
)

#: How each verification method reads before "on <date>" (``verification.method``).
VERIFIED_HOW = MappingProxyType(
    {
        "website": N_("Checked on the clinic's website"),
        "phone": N_("Checked by phone with the clinic"),
        "written": N_("Confirmed in writing by the clinic"),
        "register": N_("Checked against a public register"),
    }
)
#: How each dated change to a listing is announced (feeds, the changes page).
CHANGE_WORDS = MappingProxyType(
    {
        ADDED: N_("Added to the directory"),
        VERIFIED: N_("Verified again"),
        # TRANSLATORS: a clinic closed (a change to its listing).
        "closed": N_("Closed"),
        "temporarily_closed": N_("Temporarily closed"),
    }
)

#: What a fee that is not for a session is called where a person reads it.
FEE_NAMES = MappingProxyType({"consultation": N_("Consultation"), "month": N_("Monthly fee")})

#: Said wherever results are sorted or filtered by price, so nobody wonders why a
#: cheaper-looking figure comes later.
PRICE_SORT_NOTE = N_(
    "Lowest price first compares the price of one session, then packages by their price "
    "per session. Clinic fees that leave out the medicine, and prices seen more than a "
    "year ago, come after every comparable price."
)
PRICE_FILTER_NOTE = N_(
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


def us_date(value: str | date, lang: str = SOURCE_LANG) -> str:
    """``Oct 14, 2026`` from ``2026-10-14`` (keep the ISO form in ``<time datetime>``)."""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    month = translate(lang, _MONTHS[day.month - 1])
    # TRANSLATORS: a date, as in "Oct 14, 2026"; %(month)s is an abbreviated month name.
    return translate(lang, "%(month)s %(day)s, %(year)s") % {
        "month": month,
        "day": day.day,
        "year": day.year,
    }


def _clock(hours: str, minutes: str, lang: str) -> str:
    hour = int(hours) % 12 or 12
    values = {"time": str(hour) if minutes == "00" else f"{hour}:{minutes}"}
    if int(hours) < 12:
        # TRANSLATORS: a time of day, as in "8:30 am" or "9 am".
        return translate(lang, "%(time)s am") % values
    # TRANSLATORS: a time of day, as in "5:30 pm" or "5 pm".
    return translate(lang, "%(time)s pm") % values


def hours_range(text: str, lang: str = SOURCE_LANG) -> str:
    """``8:30 am-5 pm`` from ``08:30-17:00``; ``Closed`` from ``closed``."""
    if text == "closed":
        # TRANSLATORS: a day's opening hours.
        return translate(lang, "Closed")
    found = _HOURS.match(text)
    if not found:
        return text
    opens, closes = _clock(*found.group(1, 2), lang), _clock(*found.group(3, 4), lang)
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


def verification_warning(age_days: int, lang: str = SOURCE_LANG) -> str:
    """The words added to "Verified <date>" for a listing this many days old, or ""."""
    words = ""
    for after, _level, text in VERIFICATION_LEVELS:
        if age_days > after:
            words = text
    return translate(lang, words)


def recently_verified_means(lang: str = SOURCE_LANG) -> str:
    """What the mark of a recently verified listing means."""
    return translate(lang, RECENTLY_VERIFIED_MEANS) % {"days": RECENT_WITHIN_DAYS}


def verified_how(record: ClinicRecord, lang: str = SOURCE_LANG) -> str:
    """``Checked by phone with the clinic``: how the last check was done, to be followed by
    "on <date>"; plain ``Verified`` when the record does not say how."""
    verification = record.data.get("verification")
    # TRANSLATORS: to be followed by "on Oct 14, 2026", when a listing says not how it was checked.
    how = VERIFIED_HOW[verification["method"]] if verification else N_("Verified")
    return translate(lang, how)


def verification_sentence(record: ClinicRecord, lang: str = SOURCE_LANG) -> str:
    """``Checked by phone with the clinic on Oct 14, 2026``."""
    # TRANSLATORS: %(how)s as in "Checked by phone with the clinic"; %(date)s as in "Oct 14, 2026".
    return translate(lang, "%(how)s on %(date)s") % {
        "how": verified_how(record, lang),
        "date": us_date(record.last_verified, lang),
    }


def refund_text(refunds: Mapping[str, Any] | None, lang: str = SOURCE_LANG) -> str:
    """What happens to the unused sessions of a prepaid package, in the clinic's words
    as recorded, or a prompt to ask when the record does not say."""
    if not refunds:
        return translate(
            lang, "Refund policy not recorded: ask for it in writing before you prepay."
        )
    if refunds["policy"] == "not_stated":
        return translate(
            lang, "The clinic states no refund policy: ask for it in writing before you prepay."
        )
    label = translate(lang, vocab.REFUND_POLICIES.label(refunds["policy"])).lower()
    # TRANSLATORS: %(policy)s is a refund policy in lower case, as in "prorated refund".
    return translate(lang, "Unused sessions: %(policy)s, as stated by the clinic.") % {
        "policy": label
    }


def wait_text(wait: WaitFigure, lang: str = SOURCE_LANG) -> str:
    """``About 14 days (as stated Oct 14, 2026)``: the typical wait for a first appointment."""
    if wait.days == 0:
        # TRANSLATORS: the wait for a first appointment.
        days = translate(lang, "Same day")
    else:
        # TRANSLATORS: the wait for a first appointment: "1 day", "About 14 days".
        days = translate_plural(lang, "%(num)s day", "About %(num)s days", wait.days)
        days %= {"num": wait.days}
    values = {"wait": days, "date": us_date(wait.observed, lang)}
    if wait.current:
        # TRANSLATORS: %(wait)s as in "About 14 days"; %(date)s as in "Oct 14, 2026".
        return translate(lang, "%(wait)s (as stated %(date)s)") % values
    return (
        translate(lang, "%(wait)s (as stated %(date)s, over a year ago: ask the clinic)") % values
    )


def npi_check_text(check: Mapping[str, Any], lang: str = SOURCE_LANG) -> str:
    """What the national register said of a clinician's NPI, and when."""
    messages = {
        "match": N_("NPI matches the national register (checked %(date)s)"),
        "mismatch": N_(
            "NPI checked against the national register on %(date)s: the register's name, "
            "credential or specialty differs from this listing"
        ),
        "deactivated": N_("The national register listed this NPI as deactivated on %(date)s"),
        "not_found": N_("The national register had no active record of this NPI on %(date)s"),
    }
    return translate(lang, messages[check["result"]]) % {"date": us_date(check["checked"], lang)}


def figure_text(figure: PriceFigure, insurance: bool | None = None, lang: str = SOURCE_LANG) -> str:
    """One price in words: ``$650-$1,100 per session``, ``6-session package $2,700 ($450
    each)``, ``Clinic fee $0-$60 per session; the medicine is billed to your insurance``,
    ``Consultation: $150`` or ``Monthly fee: $129-$299``."""
    amount = money_range(figure.low, figure.high)
    if figure.each:
        # TRANSLATORS: a package price, as in "6-session package $2,700 ($450 each)".
        amount = translate(lang, "%(sessions)s-session package %(price)s (%(each)s each)") % {
            "sessions": figure.sessions,
            "price": amount,
            "each": money_range(*figure.each),
        }
    elif figure.unit == "session":
        amount = translate(lang, "%(price)s per session") % {"price": amount}
    else:
        # TRANSLATORS: a fee that costs nothing, as in "Consultation: free".
        price = translate(lang, "free") if figure.high == 0 else amount
        # TRANSLATORS: %(fee)s is "Consultation" or "Monthly fee"; %(price)s as in "$150".
        return translate(lang, "%(fee)s: %(price)s") % {
            "fee": translate(lang, FEE_NAMES[figure.unit]),
            "price": price,
        }
    if figure.kind != CLINIC_FEE:
        return amount
    if insurance:
        # TRANSLATORS: %(price)s as in "$150 per session"; said of a clinic whose insurer pays for the medicine.
        message = N_("Clinic fee %(price)s; the medicine is billed to your insurance")
    else:
        # TRANSLATORS: %(price)s as in "$150 per session".
        message = N_("Clinic fee %(price)s; the medicine is billed separately")
    return translate(lang, message) % {"price": amount}


def stale_note(figure: PriceFigure, lang: str = SOURCE_LANG) -> str:
    """`` (seen Nov 4, 2025, over a year ago)`` for a price too old to compare, else ""."""
    if figure.current:
        return ""
    # TRANSLATORS: after a price too old to compare, as in "$450 per session (seen ...)".
    seen = translate(lang, "(seen %(date)s, over a year ago)")
    return " " + seen % {"date": us_date(figure.observed, lang)}


def headline_text(
    figure: PriceFigure | None, insurance: bool | None = None, lang: str = SOURCE_LANG
) -> str | None:
    """The headline of a service for a card or the compare table, or ``None``."""
    if figure is None:
        return None
    price = figure_text(figure, insurance, lang)
    if figure.current:
        return price
    # TRANSLATORS: %(price)s as in "$450 per session"; %(date)s as in "Nov 4, 2025".
    return translate(lang, "%(price)s (seen %(date)s, over a year ago)") % {
        "price": price,
        "date": us_date(figure.observed, lang),
    }


def headline_price(
    service: Mapping[str, Any], record: ClinicRecord, lang: str = SOURCE_LANG
) -> str | None:
    """The headline price of one service of a record, in words (see ``ClinicRecord.headline``)."""
    return headline_text(record.headline(service), service.get("insurance"), lang)


def price_groups(service: Mapping[str, Any], record: ClinicRecord) -> dict[str, list[PriceFigure]]:
    """A service's prices in the three figures that are never blended: single sessions
    (``session``), packages (``package``) and other fees (``other``: clinic fees that
    leave out the medicine, consultations, monthly fees), each in the record's order."""
    groups: dict[str, list[PriceFigure]] = {"session": [], "package": [], "other": []}
    for figure in record.price_figures(service):
        groups[{SESSION: "session", PACKAGE: "package"}.get(figure.kind, "other")].append(figure)
    return groups


def index_constants(lang: str = SOURCE_LANG) -> dict[str, Any]:
    """The words the browser shows that the build defines: the data index carries them,
    so the scripts never keep a copy of their own."""
    return {
        "verification_levels": [
            [after, level, translate(lang, text)] for after, level, text in VERIFICATION_LEVELS
        ],
        "recent_within_days": RECENT_WITHIN_DAYS,
        "recently_verified": translate(lang, RECENTLY_VERIFIED),
        "out_of_date_after_days": EXPIRED_AFTER_DAYS,
        "price_sort_note": translate(lang, PRICE_SORT_NOTE),
        "price_filter_note": translate(lang, PRICE_FILTER_NOTE),
    }
