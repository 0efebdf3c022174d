"""The JSON Schema of a clinic record, generated from the vocabularies.

The schema serves editors (completion and inline help through the
``yaml-language-server`` modeline at the top of each record) and the fast
validation path. The committed copy in ``schema/clinic.schema.json`` must equal
what ``build_schema`` returns; ``clinic-directory schema --write`` regenerates it.

Rules that need more than one field, the calendar or other files are checked in
Python by ``validate``, where they get plain-language messages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from clinic_directory.records import vocab
from clinic_directory.records.text import CONTROLS, FORBIDDEN_CHARACTER, SPACES, invisible_class

#: Every character no value may hold, as a character-class body.
FORBIDDEN = CONTROLS + invisible_class()

SCHEMA_FILE = Path(__file__).parent.parent / "schema" / "clinic.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class TextPattern:
    """A regular expression a text field must match, and how to say so when it does not."""

    regex: str
    expected: str  # completes "must be ...", e.g. "a 5-digit ZIP code"
    hint: str


# Patterns are read by three engines: ECMA-262 (editors), Rust's linear-time regex
# (the fast check) and Python's re (the detailed one). So they use explicit character
# classes (never \d, \s or \w, whose meaning differs), no lookaround, and are anchored
# with ^...$, which Python reads as \Z (see ``python_regex``). None can backtrack much:
# each place in a value can be matched one way only.

_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: A DNS name of at least two labels, the last starting with a letter (no IP addresses),
#: in ASCII: an international name is written in its xn-- form, so no look-alike letters.
_HOST = rf"(?:{_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?"

POSTAL_CODE = TextPattern(
    "^[0-9]{5}(?:-[0-9]{4})?$",
    "a 5-digit ZIP code, optionally followed by -1234",
    'write it in quotes, such as postal_code: "78701"',
)
PHONE = TextPattern(
    r"^\+1 [0-9]{3}-[0-9]{3}-[0-9]{4}$",
    "a US phone number written like +1 512-555-0134",
    'write it in quotes in exactly that form, such as phone: "+1 512-555-0134"',
)
HTTPS_URL = TextPattern(
    rf'^https://{_HOST}(?::[0-9]{{1,5}})?(?:[/?#][^"<>\\`{FORBIDDEN}{SPACES}]*)?$',
    "a web address starting with https://",
    "only secure https:// links are published; http:, javascript: and data: links, "
    "user names before an @, spaces and invisible characters are refused",
)
EMAIL = TextPattern(
    rf"^[A-Za-z0-9_'+-]+(?:\.[A-Za-z0-9_'+-]+)*@{_HOST}$",
    "an email address such as intake@clinic.example",
    "use the clinic's public contact address alone: a plain address, without a name, spaces or ?subject=",
)
HOURS = TextPattern(
    "^(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]-(?:[01][0-9]|2[0-3]):[0-5][0-9]|closed)$",
    'opening hours written like "08:00-17:00", or "closed"',
    'use a 24-hour clock with two-digit hours, in quotes, such as mon: "08:00-17:00"',
)
DATE = TextPattern(
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "a date written like 2026-09-14",
    "write year-month-day without quotes",
)
NPI = TextPattern(
    "^[0-9]{10}$",
    "a 10-digit NPI",
    'write all ten digits in quotes, such as npi: "1234567893"',
)
PREVIOUS_SLUG = TextPattern(
    "^[a-z]{2}/[a-z0-9]+(?:-[a-z0-9]+)*$",
    "a former identity written like tx/old-clinic-name",
    "use the lower-case state folder, a slash and the old file name without .yaml",
)
HANDLE = TextPattern(
    "^[A-Za-z0-9][A-Za-z0-9_.-]{0,38}$",
    "a public handle such as dana-ortiz",
    "use your public user name, never a personal email address",
)
#: Free text: something besides spaces, no control or invisible character, and no '<'
#: that starts a tag or a comment (a '<' followed by a letter, '/', '!' or '?').
_TEXT_ITEM = f"(?:[^<{FORBIDDEN}]|<+(?:[^<A-Za-z/!?{FORBIDDEN}]|$))"
PLAIN_TEXT = TextPattern(
    f"^[{SPACES}]*(?:[^<{SPACES}{FORBIDDEN}]|<+(?:[^<A-Za-z/!?{FORBIDDEN}]|$)){_TEXT_ITEM}*$",
    "plain text without HTML, control or invisible characters",
    "remove the HTML tags and invisible characters (and write more than spaces); "
    "a lone '<' followed by a space is fine",
)
#: Longest web and email addresses accepted, checked before any pattern runs.
MAX_URL_LENGTH = 2000
MAX_EMAIL_LENGTH = 254


def python_regex(pattern: str) -> re.Pattern[str]:
    """A schema pattern compiled for Python with ECMA-262's meaning of ``$`` (the very
    end, where Python's ``$`` also matches before a final line break)."""
    return _compiled(pattern)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    parts, index, in_class = [], 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            parts.append(pattern[index : index + 2])
            index += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        parts.append(r"\Z" if char == "$" and not in_class else char)
        index += 1
    return re.compile("".join(parts))


#: Every pattern used in the schema, by regex, so validation can explain a mismatch.
TEXT_PATTERNS: Mapping[str, TextPattern] = MappingProxyType(
    {
        pattern.regex: pattern
        for pattern in (
            POSTAL_CODE,
            PHONE,
            HTTPS_URL,
            EMAIL,
            HOURS,
            DATE,
            NPI,
            PREVIOUS_SLUG,
            HANDLE,
            PLAIN_TEXT,
        )
    }
)

MAX_PRICE = 100_000
MAX_SESSIONS = 50
MAX_SOURCES = 10


def _vocabulary_def(name: str) -> dict[str, Any]:
    vocabulary = vocab.ALL[name]
    return {
        "title": vocabulary.name.capitalize(),
        "type": "string",
        "enum": list(vocabulary.values),
        # Editors show these next to each value (VS Code and yaml-language-server read them).
        "enumDescriptions": [
            f"{term.label}: {term.explanation}" if term.explanation else term.label
            for term in vocabulary
        ],
    }


def _ref(name: str, **annotations: Any) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}", **annotations}


def _text(title: str, description: str, *, max_length: int, plain: bool = False) -> dict[str, Any]:
    text = {
        "title": title,
        "description": description,
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
    }
    if plain:  # the pattern is long: defined once
        text["$ref"] = "#/$defs/plain_text"
    return text


def _pattern(
    title: str, description: str, pattern: TextPattern, *, max_length: int | None = None
) -> dict[str, Any]:
    text = {"title": title, "description": description, "type": "string"}
    if max_length:
        text["maxLength"] = max_length
    return {**text, "pattern": pattern.regex}


def _list(
    title: str, description: str, items: dict[str, Any], *, max_items: int, min_items: int = 0
) -> dict[str, Any]:
    listing = {
        "title": title,
        "description": description,
        "type": "array",
        "items": items,
        "uniqueItems": True,
        "maxItems": max_items,
    }
    if min_items:
        listing["minItems"] = min_items
    return listing


def _object(
    title: str, description: str, properties: dict[str, Any], *, required: tuple[str, ...] = ()
) -> dict[str, Any]:
    shape = {
        "title": title,
        "description": description,
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
    if required:
        shape["required"] = list(required)
    return shape


def _number(
    title: str, description: str, minimum: float, maximum: float, *, integer: bool = False
) -> dict[str, Any]:
    return {
        "title": title,
        "description": description,
        "type": "integer" if integer else "number",
        "minimum": minimum,
        "maximum": maximum,
    }


def _boolean(title: str, description: str) -> dict[str, Any]:
    return {"title": title, "description": description, "type": "boolean"}


def _price() -> dict[str, Any]:
    amount = "US dollars, without a $ sign."
    return _object(
        "Price",
        "One published price: an `amount`, or a range with `min` and `max`.",
        {
            "amount": _number("Amount", f"The price in {amount}", 0, MAX_PRICE),
            "min": _number(
                "Lowest price", f"The low end of a price range, in {amount}", 0, MAX_PRICE
            ),
            "max": _number(
                "Highest price", f"The high end of a price range, in {amount}", 0, MAX_PRICE
            ),
            "unit": _ref("price_unit", description="What the price pays for."),
            "medicine": _ref(
                "medicine",
                description="Whether a session or series price includes the medicine. "
                "Required for esketamine_nasal (Spravato), whose medicine is often billed "
                "to insurance apart from the clinic's fee: a clinic fee is never shown as "
                "the price of a session. Use not_applicable for consultations and memberships.",
            ),
            "sessions": _number(
                "Sessions",
                "How many sessions a series price includes (required for a series).",
                1,
                MAX_SESSIONS,
                integer=True,
            ),
            "includes": _text(
                "Includes", "What the price covers, in plain words.", max_length=200, plain=True
            ),
            "observed": _pattern(
                "Observed", "When this price was seen; defaults to last_verified.", DATE
            ),
        },
        required=("unit",),
    )


def _service() -> dict[str, Any]:
    return _object(
        "Service",
        "One route of administration the clinic offers, with its prices.",
        {
            "route": _ref("route", description="How the medicine is given."),
            "conditions": _list(
                "Conditions",
                "Conditions treated with this route, as stated by the clinic.",
                _ref("condition"),
                max_items=len(vocab.CONDITIONS),
            ),
            "prices": {
                "title": "Prices",
                "description": "Published prices for this route.",
                "type": "array",
                "items": _ref("price"),
                "maxItems": 20,
            },
            "insurance": _boolean(
                "Insurance", "Whether insurance pays for this route at this clinic."
            ),
            "rems_certified": _boolean(
                "REMS certified",
                "Required and true for esketamine_nasal: the site is certified under the Spravato REMS.",
            ),
            "states_served": _list(
                "States served",
                "Required for at_home: the states where patients may be treated.",
                _ref("state"),
                min_items=1,
                max_items=len(vocab.STATES),
            ),
            "insurance_plans": _plans(
                "Insurance plans for this treatment",
                "The plans accepted for this route when they differ from the clinic's list, "
                "as they often do for esketamine_nasal (Spravato).",
            ),
            "medicine_billing": _ref(
                "medicine_billing",
                description="esketamine_nasal only: how the Spravato spray is supplied and "
                "billed, by the clinic (buy and bill) or by a specialty pharmacy.",
            ),
            "copay_program": _boolean(
                "Manufacturer's co-pay programme",
                "esketamine_nasal only: whether the clinic accepts the manufacturer's co-pay "
                "savings programme for Spravato.",
            ),
            "notes": _text(
                "Notes", "Plain-text notes about this service.", max_length=300, plain=True
            ),
        },
        required=("route",),
    )


def _clinician() -> dict[str, Any]:
    return _object(
        "Clinician",
        "A clinician working at this location.",
        {
            "name": _text("Name", "The clinician's name.", max_length=120, plain=True),
            "credential": _ref("credential"),
            "specialty": _ref("specialty"),
            "board_certified": _boolean(
                "Board certified", "Whether the clinician is board certified in the specialty."
            ),
            "role": _ref("role"),
            "npi": _pattern("NPI", "The clinician's 10-digit National Provider Identifier.", NPI),
            "npi_check": _object(
                "NPI check",
                "Written by `clinic-directory npi --write`: the day the NPI was looked up in "
                "the NPPES NPI Registry and what the register said.",
                {
                    "checked": _pattern("Checked", "The day of the lookup.", DATE),
                    "result": _ref("npi_result", description="What the register said."),
                },
                required=("checked", "result"),
            ),
            "languages": _list(
                "Languages spoken",
                "Languages this clinician speaks with patients themselves, not through "
                "front-desk staff or an interpreter; list them in the clinic's languages too.",
                _ref("language"),
                max_items=len(vocab.LANGUAGES),
            ),
        },
        required=("name", "credential"),
    )


def _plans(title: str, description: str) -> dict[str, Any]:
    return _list(
        title, description, _text("Plan", "A plan name.", max_length=80, plain=True), max_items=50
    )


def _date(title: str, description: str) -> dict[str, Any]:
    return _pattern(title, description, DATE)


def _https(title: str, description: str) -> dict[str, Any]:
    return _pattern(title, description, HTTPS_URL, max_length=MAX_URL_LENGTH)


def _hours() -> dict[str, Any]:
    return _object(
        "Opening hours",
        'Opening hours per day, such as mon: "08:00-17:00"; leave a day out when unknown.',
        {
            day.value: _pattern(day.label, f"Opening hours on {day.label}.", HOURS)
            for day in vocab.DAYS
        },
    )


def build_schema() -> dict[str, Any]:
    """The record schema (draft 2020-12) as a JSON-compatible dict."""
    properties = {
        "name": _text(
            "Clinic name", "The name of this clinic location.", max_length=120, plain=True
        ),
        "organization": _text(
            "Organization",
            "The provider that runs it; locations of one provider share it.",
            max_length=120,
            plain=True,
        ),
        "status": _ref("status"),
        "description": _text(
            "Description",
            "Plain text, at most 500 characters, no HTML.",
            max_length=500,
            plain=True,
        ),
        "website": _pattern(
            "Website", "The clinic's website (https only).", HTTPS_URL, max_length=MAX_URL_LENGTH
        ),
        "phone": _pattern(
            "Phone", 'The public phone number, in quotes, such as "+1 512-555-0134".', PHONE
        ),
        "email": _pattern("Email", "A public contact address.", EMAIL, max_length=MAX_EMAIL_LENGTH),
        "address": _object(
            "Address",
            "The street address of this location.",
            {
                "street": _text(
                    "Street", "Street and number, with any suite.", max_length=200, plain=True
                ),
                "city": _text("City", "The city.", max_length=100, plain=True),
                "state": _ref(
                    "state", description="Upper-case USPS code; must match the record's folder."
                ),
                "postal_code": _pattern(
                    "ZIP code", 'The ZIP code, in quotes, such as "78701".', POSTAL_CODE
                ),
            },
            required=("street", "city", "state", "postal_code"),
        ),
        "location": _object(
            "Location",
            "Coordinates; when left out they come from the committed geocoding cache.",
            {
                "lat": _number("Latitude", "Degrees north.", -90, 90),
                "lon": _number("Longitude", "Degrees east (negative in the US).", -180, 180),
            },
            required=("lat", "lon"),
        ),
        "services": {
            "title": "Services",
            "description": "One item per route of administration offered.",
            "type": "array",
            "items": _ref("service"),
            "minItems": 1,
            "maxItems": len(vocab.ROUTES),
        },
        "clinicians": {
            "title": "Clinicians",
            "description": "Who works here.",
            "type": "array",
            "items": _ref("clinician"),
            "maxItems": 50,
        },
        "memberships": _list(
            "Memberships",
            "Professional societies the clinic belongs to.",
            _ref("membership"),
            max_items=len(vocab.MEMBERSHIPS),
        ),
        "safety": _list(
            "Safety practices",
            "Safety practices, as stated by the clinic.",
            _ref("safety"),
            max_items=len(vocab.SAFETY_PRACTICES),
        ),
        "payment": _list(
            "Payment",
            "Accepted ways to pay.",
            _ref("payment"),
            max_items=len(vocab.PAYMENT_METHODS),
        ),
        "insurance_plans": _plans("Insurance plans", "Insurance plans the clinic works with."),
        "refunds": _object(
            "Package refunds",
            "What the clinic states happens to the unused sessions of a prepaid package, "
            "shown beside every package price.",
            {
                "policy": _ref("refund_policy", description="The refund, as the clinic states it."),
                "terms": _https("Terms", "The clinic's page with its refund terms (https only)."),
            },
            required=("policy",),
        ),
        "accepting_new_patients": _boolean(
            "Accepting new patients", "Whether new patients can book."
        ),
        "referral_required": _boolean(
            "Referral required",
            "Whether a first appointment needs a referral from another clinician.",
        ),
        "first_appointment_wait": _object(
            "Wait for a first appointment",
            "The typical wait for a first appointment, as the clinic states it.",
            {
                "days": _number("Days", "The typical wait, in days.", 0, 365, integer=True),
                "observed": _date(
                    "Observed", "When the clinic said so; defaults to last_verified."
                ),
            },
            required=("days",),
        ),
        "telehealth_consultations": _boolean(
            "Telehealth consultations", "Whether consultations can happen by video."
        ),
        "languages": _list(
            "Languages",
            "Languages patients can be seen in.",
            _ref("language"),
            max_items=len(vocab.LANGUAGES),
        ),
        "accessibility": _list(
            "Accessibility",
            "Access features of this location, as stated by the clinic.",
            _ref("accessibility"),
            max_items=len(vocab.ACCESSIBILITY),
        ),
        "accessibility_notes": _text(
            "Accessibility notes",
            "Plain text on access a patient should know, such as steps at the door or "
            "which floor the lift reaches.",
            max_length=300,
            plain=True,
        ),
        "hours": _ref("hours"),
        "last_verified": _pattern(
            "Last verified", "When a maintainer last checked this record against its sources.", DATE
        ),
        "verified_by": _pattern(
            "Verified by", "The public handle of who verified it, never a personal email.", HANDLE
        ),
        "verification": _object(
            "How it was verified",
            "How the check on last_verified was done, said on the clinic's page, such as "
            '"Checked by phone with the clinic".',
            {
                "method": _ref("verification_method", description="How the facts were checked."),
                "sources": _list(
                    "Sources checked",
                    "The pages or register entries this check relied on (https only); "
                    "required for a register.",
                    _https("Source", "A public page."),
                    min_items=1,
                    max_items=MAX_SOURCES,
                ),
                "notes": _text(
                    "Notes",
                    "Plain text, such as whom you spoke to by role (never a name or number).",
                    max_length=200,
                    plain=True,
                ),
            },
            required=("method",),
        ),
        "sources": _list(
            "Sources",
            "Public pages the facts come from (https only).",
            _pattern("Source", "A public page.", HTTPS_URL, max_length=MAX_URL_LENGTH),
            min_items=1,
            max_items=MAX_SOURCES,
        ),
        "listed_since": _date(
            "Listed since",
            "The day the clinic was added to the directory; feeds and the changes page "
            "announce it.",
        ),
        "previous_slugs": _list(
            "Previous identities",
            "Former state/slug identities that redirect here.",
            _pattern("Previous identity", "Such as tx/old-name.", PREVIOUS_SLUG),
            max_items=20,
        ),
        "sample": _boolean(
            "Sample", "True only, and always, for fictional records under samples/."
        ),
    }
    definitions = {name: _vocabulary_def(name) for name in vocab.ALL}
    definitions.update(
        plain_text={
            "title": "Plain text",
            "description": "Text without HTML tags, control or invisible characters.",
            "type": "string",
            "pattern": PLAIN_TEXT.regex,
        },
        price=_price(),
        service=_service(),
        clinician=_clinician(),
        hours=_hours(),
    )
    return {
        "$schema": DRAFT,
        "$id": "clinic.schema.json",
        "title": "Ketamine clinic record",
        "description": "One clinic location of the ketamine clinic directory, as a YAML file clinics/<state>/<slug>.yaml.",
        "type": "object",
        "additionalProperties": False,
        "required": [
            "name",
            "status",
            "website",
            "phone",
            "address",
            "services",
            "last_verified",
            "verified_by",
            "sources",
        ],
        "properties": properties,
        "$defs": definitions,
    }


def schema_text() -> str:
    """The schema as committed and published: indented JSON ending with a newline, with
    any invisible character in it escaped so that a reader of the file can see it."""
    text = json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"
    return FORBIDDEN_CHARACTER.sub(lambda found: json.dumps(found[0])[1:-1], text)
