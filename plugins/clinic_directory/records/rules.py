"""Rules on one record that the schema cannot say plainly.

Each rule takes a record that passed the schema and yields problems placed at
the offending value, with a fix. Rules that compare records are in
``cross_record``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from clinic_directory.errors import Problem
from clinic_directory.records import vocab
from clinic_directory.records.claims import find_overstatements
from clinic_directory.records.geocode import GeocodeCache
from clinic_directory.records.geography import is_within_state, record_location
from clinic_directory.records.load import LoadedFile
from clinic_directory.records.model import (
    EXPIRED_AFTER_DAYS,
    MEDICINE_BILLED_SEPARATELY,
    MEDICINE_MUST_BE_STATED,
    MEDICINE_NOT_APPLICABLE,
    STALE_AFTER_DAYS,
    TREATMENT_UNITS,
)
from clinic_directory.records.text import visible

SAMPLES_FOLDER = "samples"
#: The folders records live in; the nearest one above a file decides which it is.
RECORD_FOLDERS = ("clinics", SAMPLES_FOLDER)
#: A file name: ASCII lower-case words and digits joined by hyphens (matched in full:
#: ``$`` alone would let a final line break through into a folder name).
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: The check digits of an NPI are computed as if it were prefixed with 80840 (health, USA).
NPI_PREFIX = "80840"


@dataclass(frozen=True)
class RuleOptions:
    """What the rules need besides the record: the date, the mode, the geocoding cache."""

    today: date
    publish: bool
    geocode_cache: GeocodeCache


def _services(data: dict[str, Any]) -> Iterator[tuple[tuple, dict[str, Any]]]:
    for index, service in enumerate(data["services"]):
        yield ("services", index), service


def _prices(data: dict[str, Any]) -> Iterator[tuple[tuple, dict[str, Any]]]:
    for service_path, service in _services(data):
        for index, price in enumerate(service.get("prices", [])):
            yield (*service_path, "prices", index), price


def npi_is_valid(npi: str) -> bool:
    """Luhn check of a 10-digit NPI, computed with the 80840 prefix as the standard requires."""
    if not (len(npi) == 10 and npi.isascii() and npi.isdigit()):
        return False
    total = 0
    for position, digit in enumerate(int(d) for d in reversed(NPI_PREFIX + npi)):
        doubled = digit * 2 if position % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


def check_npi(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    for index, clinician in enumerate(loaded.data.get("clinicians", [])):
        npi = clinician.get("npi")
        if npi and not npi_is_valid(npi):
            yield loaded.problem(
                ("clinicians", index, "npi"),
                f"NPI {npi} fails its check digit",
                "copy the number again from the NPPES NPI Registry; one digit is wrong or two are swapped",
            )


def check_esketamine_rems(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    for path, service in _services(loaded.data):
        if service["route"] == "esketamine_nasal" and service.get("rems_certified") is not True:
            yield loaded.problem(
                (*path, "rems_certified") if "rems_certified" in service else path,
                "esketamine_nasal requires rems_certified: true",
                "Spravato may only be given at a REMS-certified site; check the certification, "
                "then add `rems_certified: true`, or remove this service",
            )


#: Service fields that describe Spravato alone: its REMS site certification, how the
#: spray is supplied and billed, and the manufacturer's co-pay programme.
ESKETAMINE_ONLY = ("rems_certified", "medicine_billing", "copay_program")


def check_rems_only_on_esketamine(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    for path, service in _services(loaded.data):
        if service["route"] == "esketamine_nasal":
            continue
        for name in ESKETAMINE_ONLY:
            if name in service:
                yield loaded.problem(
                    (*path, name),
                    f"{name} applies only to esketamine_nasal, not to {service['route']}",
                    "remove the line from this service",
                    at_key=True,
                )


def check_at_home_states(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    for path, service in _services(loaded.data):
        if service["route"] == "at_home" and "states_served" not in service:
            yield loaded.problem(
                (*path, "route"),
                "an at_home service must list states_served",
                "add the states where patients may be treated, such as `states_served: [TX, OK]`",
            )


def check_route_listed_once(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    first: dict[str, tuple] = {}
    for path, service in _services(loaded.data):
        route = service["route"]
        route_path = (*path, "route")
        if route in first:
            first_line = loaded.position(first[route])[0]
            yield loaded.problem(
                route_path,
                f"the route {route} is listed twice (first on line {first_line})",
                "merge the two services into one; a service can list several prices",
            )
        else:
            first[route] = route_path


def check_price_form(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    for path, price in _prices(loaded.data):
        has_amount, has_min, has_max = ("amount" in price, "min" in price, "max" in price)
        if has_amount and (has_min or has_max):
            yield loaded.problem(
                (*path, "min" if has_min else "max"),
                "a price has either an amount or a min and max range, not both",
                "keep `amount` for one fixed price, or `min` and `max` for a range",
                at_key=True,
            )
        elif has_min != has_max:
            yield loaded.problem(
                (*path, "min" if has_min else "max"),
                "a price range needs both min and max",
                f"add `{'max' if has_min else 'min'}`, or write a single `amount`",
                at_key=True,
            )
        elif not (has_amount or has_min):
            yield loaded.problem(
                path,
                "a price needs an amount, or a min and max range",
                "add `amount: 550` or `min: 300, max: 500`",
            )


def check_price_range_order(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    for path, price in _prices(loaded.data):
        if "min" in price and "max" in price and price["min"] > price["max"]:
            yield loaded.problem(
                (*path, "min"),
                f"the price range runs backwards: min {price['min']} is above max {price['max']}",
                "swap the two numbers",
            )


def check_series_sessions(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    for path, price in _prices(loaded.data):
        if price["unit"] == "series" and "sessions" not in price:
            yield loaded.problem(
                (*path, "unit"),
                "a series price must say how many sessions it includes",
                "add `sessions:` with the number of sessions, such as `sessions: 6`",
            )


def check_price_medicine(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    """Refuse prices the site could not show honestly: a free session, a Spravato price
    that does not say whether it covers the medicine, a treatment without medicine."""
    for service_path, service in _services(loaded.data):
        for index, price in enumerate(service.get("prices", [])):
            path = (*service_path, "prices", index)
            medicine = price.get("medicine")
            treatment = price["unit"] in TREATMENT_UNITS
            if service["route"] in MEDICINE_MUST_BE_STATED and medicine is None:
                yield loaded.problem(
                    path,
                    f"a price for {service['route']} must say whether it includes the medicine",
                    "add `medicine: billed_separately` when the clinic bills the spray to "
                    "insurance apart from its fee, `medicine: included` when the price covers "
                    "it, or `medicine: not_applicable` for a consultation",
                )
            elif treatment and medicine == MEDICINE_NOT_APPLICABLE:
                yield loaded.problem(
                    (*path, "medicine"),
                    f"a {price['unit']} price pays for treatment, so its medicine cannot be "
                    "not_applicable",
                    "write `included` or `billed_separately`; for a visit without treatment "
                    "use `unit: consultation`",
                )
            low = price.get("amount", price.get("min"))
            if treatment and low == 0 and medicine != MEDICINE_BILLED_SEPARATELY:
                yield loaded.problem(
                    (*path, "amount" if "amount" in price else "min"),
                    f"a {price['unit']} price of $0 would be shown as a free treatment",
                    "if the clinic only charges a fee and bills the medicine elsewhere, add "
                    "`medicine: billed_separately`; otherwise write what a patient pays",
                )


def _dated(data: dict[str, Any]) -> Iterator[tuple[tuple, str]]:
    """Every date a record states, with where it is written."""
    yield ("last_verified",), data["last_verified"]
    if "listed_since" in data:
        yield ("listed_since",), data["listed_since"]
    if "observed" in data.get("first_appointment_wait", {}):
        yield ("first_appointment_wait", "observed"), data["first_appointment_wait"]["observed"]
    for path, price in _prices(data):
        if "observed" in price:
            yield (*path, "observed"), price["observed"]
    for index, clinician in enumerate(data.get("clinicians", [])):
        if "npi_check" in clinician:
            yield ("clinicians", index, "npi_check", "checked"), clinician["npi_check"]["checked"]


def check_dates(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    dated = list(_dated(loaded.data))
    for path, text in dated:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            yield loaded.problem(path, f"{text} is not a real date", "check the month and the day")
            continue
        if day > options.today:
            yield loaded.problem(
                path,
                f"{path[-1]} {text} is in the future",
                f"use the day it was actually checked; today is {options.today.isoformat()}",
            )


def check_verification_age(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    try:
        age = (options.today - date.fromisoformat(loaded.data["last_verified"])).days
    except ValueError:
        return  # check_dates reports it
    if age <= STALE_AFTER_DAYS:
        return
    message = f"last verified {age} days ago, more than {STALE_AFTER_DAYS}"
    if age > EXPIRED_AFTER_DAYS:
        message = (
            f"last verified {age} days ago, more than {EXPIRED_AFTER_DAYS}: the listing is "
            "left out of the default results and its page says it may be out of date"
        )
    yield loaded.problem(
        ("last_verified",),
        message,
        "check the record against its sources, then update last_verified",
        severity="warning",
    )


def check_listing_dates(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    """A clinic is verified when it is listed, so it cannot be listed after its last check."""
    data = loaded.data
    listed, verified = data.get("listed_since"), data["last_verified"]
    # ISO dates compare as text; check_dates reports any that is not a real date.
    if listed and listed > verified:
        yield loaded.problem(
            ("listed_since",),
            f"listed_since {listed} is after last_verified {verified}",
            "a clinic is checked when it is listed: use the day it was added, or update "
            "last_verified",
        )


def check_verification(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    """A check against a register names the register's page, so a reader can repeat it."""
    verification = loaded.data.get("verification")
    if verification and verification["method"] == "register" and "sources" not in verification:
        yield loaded.problem(
            ("verification", "method"),
            "a check against a public register must name the register's page",
            "add `sources:` under verification with the page you checked, such as the "
            "clinic's entry on the Spravato REMS list or in the NPPES NPI Registry",
        )


def check_refund_terms(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    refunds = loaded.data.get("refunds")
    if refunds and refunds["policy"] != "not_stated" and "terms" not in refunds:
        yield loaded.problem(
            ("refunds", "policy"),
            "the refund policy has no link to the clinic's terms",
            "add `terms:` with the page where the clinic states it, so patients can read "
            "the terms themselves",
            severity="warning",
        )


def check_clinicians(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    """A clinician's languages are languages patients can be seen in; an NPI check needs
    an NPI, and one that did not match is for a maintainer to look at."""
    data = loaded.data
    spoken = set(data.get("languages", []))
    for index, clinician in enumerate(data.get("clinicians", [])):
        for position, code in enumerate(clinician.get("languages", [])):
            if code not in spoken:
                yield loaded.problem(
                    ("clinicians", index, "languages", position),
                    f"{clinician['name']} speaks {vocab.LANGUAGES.label(code)}, which is not "
                    "in the clinic's languages",
                    f"add {code} to `languages:`, the languages patients can be seen in",
                )
        check = clinician.get("npi_check")
        if check and "npi" not in clinician:
            yield loaded.problem(
                ("clinicians", index, "npi_check"),
                "npi_check goes with an npi",
                "add the clinician's npi, or remove npi_check",
                at_key=True,
            )
        elif check and check["result"] != "match":
            result = vocab.NPI_RESULTS.get(check["result"])
            yield loaded.problem(
                ("clinicians", index, "npi_check", "result"),
                f"on {check['checked']} the NPPES NPI Registry said: {result.label.lower()}",
                "compare the clinician's name, credential and specialty with the register "
                "entry, correct the record or remove the npi, then run `clinic-directory npi "
                "--write` again",
                severity="warning",
            )


def check_services_have_prices(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    """Warn on a cash service with no price; an insurance-billed one rarely publishes any."""
    for path, service in _services(loaded.data):
        if not service.get("prices") and service.get("insurance") is not True:
            yield loaded.problem(
                (*path, "route"),
                f"the {service['route']} service lists no prices",
                "add the clinic's published prices; people compare clinics by price",
                severity="warning",
            )


def check_folder_and_state(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    folder, state = loaded.path.parent.name, loaded.data["address"]["state"]
    if folder.upper() not in vocab.STATES or folder != folder.lower() or not folder.isascii():
        yield loaded.problem(
            (),
            f"the folder '{visible(folder)}' is not a lower-case state code",
            f"put the record in the folder of its state, such as {state.lower()}/",
        )
    elif folder != state.lower():
        yield loaded.problem(
            ("address", "state"),
            f"the address is in {state} but the file is in the {folder}/ folder",
            f"move the file to {state.lower()}/, or correct the state",
        )


def check_file_name(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    stem = loaded.path.stem
    if not SLUG.fullmatch(stem):
        suggestion = "-".join(re.findall(r"[a-z0-9]+", stem.lower())) or "clinic-name"
        yield loaded.problem(
            (),
            f"the file name '{visible(loaded.path.name)}' must be lower-case words joined by hyphens",
            f"rename it to {suggestion}{loaded.path.suffix}",
        )


def in_samples(relpath: str) -> bool:
    """Whether a record file is under samples/: the nearest records folder above it,
    however deep the file is, so that no sub-folder escapes the sample rule."""
    folders = relpath.split("/")[:-2]
    nearest = next((name for name in reversed(folders) if name in RECORD_FOLDERS), None)
    return nearest == SAMPLES_FOLDER


def check_sample_flag(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    in_samples_folder = in_samples(loaded.relpath)
    is_sample = loaded.data.get("sample") is True
    if in_samples_folder and not is_sample:
        yield loaded.problem(
            ("sample",) if "sample" in loaded.data else (),
            "a record under samples/ must say `sample: true`",
            "samples are fictional; add `sample: true`, or move a real clinic to clinics/",
        )
    elif is_sample and not in_samples_folder:
        yield loaded.problem(
            ("sample",),
            "`sample: true` is only for fictional records under samples/",
            "remove the line for a real clinic, or move the file to samples/",
            at_key=True,
        )
    if is_sample and options.publish:
        yield loaded.problem(
            ("sample",),
            "sample record in a publish build",
            "the public site never lists fictional clinics; leave samples/ out of the records to publish",
            at_key=True,
        )


def check_coordinates(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    """Coordinates are a maintainer's job, not a contributor's: a record without them is
    listed without a map marker until the geocoding workflow adds them after merge, so
    their absence is a warning. Coordinates that contradict the state are an error."""
    location = record_location(loaded.data, options.geocode_cache)
    if location is None:
        yield loaded.problem(
            ("address",),
            "no coordinates for this address",
            "nothing to do in a pull request: after merge a workflow looks the address up "
            "and the map marker appears; until then the clinic is listed without one "
            "(to give them now, add `location: {lat: ..., lon: ...}` from openstreetmap.org)",
            severity="warning",
            at_key=True,
        )
        return
    state = loaded.data["address"]["state"]
    if not is_within_state(state, *location):
        stated = "location" in loaded.data
        yield loaded.problem(
            ("location",) if stated else ("address",),
            f"the coordinates {location[0]}, {location[1]} are far outside {vocab.STATES.label(state)}",
            "check lat and lon (longitudes in the US are negative) and the address"
            if stated
            else "the geocoding cache holds wrong coordinates for this address; add `location:` to the record",
            at_key=True,
        )


#: Domain names reserved for examples and tests (RFC 2606, RFC 6761): no clinic has one.
RESERVED_DOMAINS = (
    "example",
    "test",
    "invalid",
    "localhost",
    "example.com",
    "example.net",
    "example.org",
)
#: 555-0100 to 555-0199 are reserved for fiction in every North American area code.
FICTIONAL_PHONE = re.compile(r"-555-01[0-9]{2}$")


def _reserved_domain(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == name or host.endswith("." + name) for name in RESERVED_DOMAINS)


def check_fictional_details(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    """No fictional clinic reaches the public: outside samples/, a publish check refuses
    the details samples are made of (an example domain, a 555-01xx number), which mark a
    sample copied into clinics/ or a placeholder never replaced."""
    if not options.publish or in_samples(loaded.relpath):
        return
    data = loaded.data
    addresses = [(("website",), data["website"]), (("email",), data.get("email"))]
    addresses += [(("sources", index), url) for index, url in enumerate(data["sources"])]
    for path, address in addresses:
        if not address:
            continue
        host = address.rpartition("@")[2] if path == ("email",) else _host(address)
        if _reserved_domain(host):
            yield loaded.problem(
                path,
                f"{visible(host)} is a domain reserved for examples; no real clinic uses it",
                "write the clinic's own address; a fictional clinic belongs in samples/, "
                "with `sample: true`",
            )
    if FICTIONAL_PHONE.search(data["phone"]):
        yield loaded.problem(
            ("phone",),
            f"{visible(data['phone'])} is a 555-01xx number, reserved for fiction",
            "write the clinic's public phone number; a fictional clinic belongs in "
            "samples/, with `sample: true`",
        )


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def check_claims(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    data = loaded.data
    texts = [(("description",), data.get("description"))]
    texts += [((*path, "notes"), service.get("notes")) for path, service in _services(data)]
    texts += [((*path, "includes"), price.get("includes")) for path, price in _prices(data)]
    for path, text in texts:
        for hit in find_overstatements(text) if text else ():
            yield loaded.problem(
                path,
                f"'{hit.phrase}' is a claim the evidence does not support",
                hit.why,
                severity="warning",
            )


RECORD_RULES: tuple[Callable[[LoadedFile, RuleOptions], Iterable[Problem]], ...] = (
    check_npi,
    check_esketamine_rems,
    check_rems_only_on_esketamine,
    check_at_home_states,
    check_route_listed_once,
    check_price_form,
    check_price_range_order,
    check_series_sessions,
    check_price_medicine,
    check_dates,
    check_listing_dates,
    check_verification,
    check_refund_terms,
    check_clinicians,
    check_verification_age,
    check_services_have_prices,
    check_folder_and_state,
    check_file_name,
    check_sample_flag,
    check_coordinates,
    check_fictional_details,
    check_claims,
)
