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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from clinic_directory.records import vocab

SCHEMA_FILE = Path(__file__).parent.parent / "schema" / "clinic.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class TextPattern:
    """A regular expression a text field must match, and how to say so when it does not."""

    regex: str
    expected: str  # completes "must be ...", e.g. "a 5-digit ZIP code"
    hint: str


POSTAL_CODE = TextPattern(
    r"^\d{5}(-\d{4})?$",
    "a 5-digit ZIP code, optionally followed by -1234",
    'write it in quotes, such as postal_code: "78701"',
)
PHONE = TextPattern(
    r"^\+1 \d{3}-\d{3}-\d{4}$",
    "a US phone number written like +1 512-555-0134",
    'write it in quotes in exactly that form, such as phone: "+1 512-555-0134"',
)
HTTPS_URL = TextPattern(
    r"^https://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$",
    "a web address starting with https://",
    "only secure https:// links are published; http:, javascript: and data: links are refused",
)
EMAIL = TextPattern(
    r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$",
    "an email address such as intake@clinic.example",
    "use the clinic's public contact address",
)
HOURS = TextPattern(
    r"^(?:(?:[01]\d|2[0-3]):[0-5]\d-(?:[01]\d|2[0-3]):[0-5]\d|closed)$",
    'opening hours written like "08:00-17:00", or "closed"',
    'use a 24-hour clock with two-digit hours, in quotes, such as mon: "08:00-17:00"',
)
DATE = TextPattern(
    r"^\d{4}-\d{2}-\d{2}$",
    "a date written like 2026-09-14",
    "write year-month-day without quotes",
)
NPI = TextPattern(
    r"^\d{10}$",
    "a 10-digit NPI",
    'write all ten digits in quotes, such as npi: "1234567893"',
)
PREVIOUS_SLUG = TextPattern(
    r"^[a-z]{2}/[a-z0-9]+(-[a-z0-9]+)*$",
    "a former identity written like tx/old-clinic-name",
    "use the lower-case state folder, a slash and the old file name without .yaml",
)
HANDLE = TextPattern(
    r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,38})$",
    "a public handle such as dana-ortiz",
    "use your public user name, never a personal email address",
)
#: Invisible characters that can make text display as something else: zero-width
#: characters, bidirectional overrides and isolates, word joiners, the byte-order mark.
#: Written as the characters themselves, which every regex engine reads alike.
_INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
PLAIN_TEXT = TextPattern(
    r"^(?=[\s\S]*\S)(?![\s\S]*<[A-Za-z/!?])(?![\s\S]*[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    + _INVISIBLE
    + "])",
    "plain text without HTML, control or invisible characters",
    "remove the HTML tags and invisible characters (and write more than spaces); "
    "a lone '<' followed by a space is fine",
)

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
    if plain:
        text["pattern"] = PLAIN_TEXT.regex
    return text


def _pattern(title: str, description: str, pattern: TextPattern) -> dict[str, Any]:
    return {"title": title, "description": description, "type": "string", "pattern": pattern.regex}


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
            "sessions": _number(
                "Sessions",
                "How many sessions a series price includes.",
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
        },
        required=("name", "credential"),
    )


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
        "website": _pattern("Website", "The clinic's website (https only).", HTTPS_URL),
        "phone": _pattern(
            "Phone", 'The public phone number, in quotes, such as "+1 512-555-0134".', PHONE
        ),
        "email": _pattern("Email", "A public contact address.", EMAIL),
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
        "insurance_plans": _list(
            "Insurance plans",
            "Insurance plans the clinic works with.",
            _text("Plan", "A plan name.", max_length=80, plain=True),
            max_items=50,
        ),
        "accepting_new_patients": _boolean(
            "Accepting new patients", "Whether new patients can book."
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
        "hours": _ref("hours"),
        "last_verified": _pattern(
            "Last verified", "When a maintainer last checked this record against its sources.", DATE
        ),
        "verified_by": _pattern(
            "Verified by", "The public handle of who verified it, never a personal email.", HANDLE
        ),
        "sources": _list(
            "Sources",
            "Public pages the facts come from (https only).",
            _pattern("Source", "A public page.", HTTPS_URL),
            min_items=1,
            max_items=MAX_SOURCES,
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
    definitions.update(price=_price(), service=_service(), clinician=_clinician(), hours=_hours())
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
    """The schema as committed and published: indented JSON ending with a newline."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"
