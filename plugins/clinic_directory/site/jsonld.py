"""schema.org JSON-LD for clinic pages.

Only facts the record states go in; the ``|jsonld`` filter makes the result safe
inside a ``<script>`` block whatever the record contains.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

from clinic_directory.records import vocab
from clinic_directory.records.model import ClinicRecord, comparable_session_price

_DRUG_NAMES = MappingProxyType({"esketamine_nasal": "esketamine"})
_DAY_NAMES = MappingProxyType({term.value: term.label for term in vocab.DAYS})


def _offers(record: ClinicRecord) -> list[dict[str, Any]]:
    offers = []
    for service in record.data["services"]:
        for price in service.get("prices", []):
            spec: dict[str, Any] = {"@type": "PriceSpecification", "priceCurrency": "USD"}
            if "amount" in price:
                spec["price"] = price["amount"]
            else:
                spec["minPrice"], spec["maxPrice"] = price["min"], price["max"]
            spec["validFrom"] = record.price_observed(price).isoformat()
            offers.append(
                {
                    "@type": "Offer",
                    "name": f"{vocab.ROUTES.label(service['route'])}, "
                    f"{vocab.PRICE_UNITS.label(price['unit'])}",
                    "priceSpecification": spec,
                    **({"description": price["includes"]} if price.get("includes") else {}),
                    **(
                        {"category": "comparable per-session price"}
                        if comparable_session_price(price) is not None
                        else {}
                    ),
                }
            )
    return offers


def _hours(data: dict[str, Any]) -> list[str]:
    return [
        f"{day.capitalize()[:2]} {span}"
        for day, span in data.get("hours", {}).items()
        if span != "closed" and day in _DAY_NAMES
    ]


def clinic_jsonld(record: ClinicRecord, url: str) -> dict[str, Any]:
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
                "name": vocab.ROUTES.label(service["route"]),
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
            vocab.PAYMENT_METHODS.label(m) for m in data.get("payment", [])
        ),
        "makesOffer": _offers(record),
        "openingHours": _hours(data),
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
