"""schema.org JSON-LD for clinic pages.

Only facts the record states go in; the ``|jsonld`` filter makes the result safe
inside a ``<script>`` block whatever the record contains. Words are in the page's
language, ``lang``; property names and codes never change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from clinic_directory.records import vocab
from clinic_directory.records.model import CLINIC_FEE, FEE, PACKAGE, SESSION, ClinicRecord
from clinic_directory.site.formatting import figure_text, refund_text
from clinic_directory.site.translations import N_, SOURCE_LANG, translate

_DRUG_NAMES = MappingProxyType({"esketamine_nasal": "esketamine"})
_DAY_NAMES = MappingProxyType({term.value: term.label for term in vocab.DAYS})


#: What each kind of price is called in an offer's ``category``.
_CATEGORIES = MappingProxyType(
    {
        SESSION: N_("single session"),
        PACKAGE: N_("package of sessions"),
        CLINIC_FEE: N_("clinic fee, medicine billed separately"),
        FEE: N_("other fee"),
    }
)


def _offer(
    record: ClinicRecord, service: Mapping[str, Any], price: Mapping[str, Any], lang: str
) -> dict:
    """One published price as a schema.org Offer: the figures as written, what the unit
    is (a package's session count as its reference quantity) and what it covers."""
    figure = record.price_figure(price)
    spec: dict[str, Any] = {"@type": "UnitPriceSpecification", "priceCurrency": "USD"}
    if figure.low == figure.high:
        spec["price"] = figure.low
    else:
        spec["minPrice"], spec["maxPrice"] = figure.low, figure.high
    spec["unitText"] = price["unit"]
    if figure.each:
        spec["referenceQuantity"] = {
            "@type": "QuantitativeValue",
            "value": figure.sessions,
            "unitText": "sessions",
        }
    spec["validFrom"] = figure.observed.isoformat()
    notes = [translate(lang, vocab.MEDICINE.label(figure.medicine))] if figure.medicine else []
    notes += [price["includes"]] if price.get("includes") else []
    if price["unit"] == "series":  # a prepaid package: what happens to unused sessions
        notes.append(refund_text(record.data.get("refunds"), lang))
    # TRANSLATORS: an offer's name, as in "IV infusion: $550 per session".
    name = translate(lang, "%(route)s: %(price)s") % {
        "route": translate(lang, vocab.ROUTES.label(service["route"])),
        "price": figure_text(figure, service.get("insurance"), lang),
    }
    return {
        "@type": "Offer",
        "name": name,
        "category": translate(lang, _CATEGORIES[figure.kind]),
        "priceSpecification": spec,
        **({"description": "; ".join(notes)} if notes else {}),
    }


def _offers(record: ClinicRecord, lang: str) -> list[dict[str, Any]]:
    return [
        _offer(record, service, price, lang)
        for service in record.data["services"]
        for price in service.get("prices", [])
    ]


def _hours(data: dict[str, Any]) -> list[str]:
    return [
        f"{day.capitalize()[:2]} {span}"
        for day, span in data.get("hours", {}).items()
        if span != "closed" and day in _DAY_NAMES
    ]


def clinic_jsonld(record: ClinicRecord, url: str, lang: str = SOURCE_LANG) -> dict[str, Any]:
    data = record.data
    address = data["address"]
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "@id": url,
        "url": url,
        "name": data["name"],
        "telephone": data["phone"],
        "sameAs": data["website"],
        "address": {
            "@type": "PostalAddress",
            "streetAddress": address["street"],
            "addressLocality": address["city"],
            "addressRegion": address["state"],
            "postalCode": address["postal_code"],
            "addressCountry": "US",
        },
        "availableService": [
            {
                "@type": "MedicalTherapy",
                "name": translate(lang, vocab.ROUTES.label(service["route"])),
                "drug": {
                    "@type": "Drug",
                    "nonProprietaryName": _DRUG_NAMES.get(service["route"], "ketamine"),
                },
            }
            for service in data["services"]
        ],
        "isAcceptingNewPatients": data.get("accepting_new_patients"),
        "knowsLanguage": data.get("languages", []),
        "paymentAccepted": ", ".join(
            translate(lang, vocab.PAYMENT_METHODS.label(m)) for m in data.get("payment", [])
        ),
        "makesOffer": _offers(record, lang),
        "openingHours": _hours(data),
        # schema.org's Place feature list: the access the clinic states it has.
        "amenityFeature": [
            {
                "@type": "LocationFeatureSpecification",
                "name": translate(lang, vocab.ACCESSIBILITY.label(feature)),
                "value": True,
            }
            for feature in data.get("accessibility", [])
        ],
    }
    if record.location:
        lat, lon = record.location
        document["geo"] = {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}
    if data.get("description"):
        document["description"] = data["description"]
    if data.get("email"):
        document["email"] = data["email"]
    if data.get("organization"):
        document["parentOrganization"] = {"@type": "Organization", "name": data["organization"]}
    return {key: value for key, value in document.items() if value not in (None, [], "")}


def breadcrumbs_jsonld(site_url: str, trail: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """schema.org ``BreadcrumbList`` for a trail of ``(name, site-relative path)``,
    from the top of the directory down to the page itself."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": f"{site_url}/{path}",
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }
