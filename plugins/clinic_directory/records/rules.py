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

from clinic_directory.errors import Problem
from clinic_directory.records import vocab
from clinic_directory.records.claims import find_overstatements
from clinic_directory.records.geocode import GeocodeCache
from clinic_directory.records.geography import is_within_state, record_location
from clinic_directory.records.load import LoadedFile
from clinic_directory.records.model import STALE_AFTER_DAYS

SAMPLES_FOLDER = "samples"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
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


def check_rems_only_on_esketamine(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    for path, service in _services(loaded.data):
        if service["route"] != "esketamine_nasal" and "rems_certified" in service:
            yield loaded.problem(
                (*path, "rems_certified"),
                f"rems_certified applies only to esketamine_nasal, not to {service['route']}",
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


def check_dates(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    dated = [(("last_verified",), loaded.data["last_verified"])]
    dated += [
        ((*path, "observed"), price["observed"])
        for path, price in _prices(loaded.data)
        if "observed" in price
    ]
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
    if age > STALE_AFTER_DAYS:
        yield loaded.problem(
            ("last_verified",),
            f"last verified {age} days ago, more than {STALE_AFTER_DAYS}",
            "check the record against its sources, then update last_verified",
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
    if folder.upper() not in vocab.STATES or folder != folder.lower():
        yield loaded.problem(
            (),
            f"the folder '{folder}' is not a lower-case state code",
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
    if not SLUG.match(stem):
        suggestion = "-".join(re.findall(r"[a-z0-9]+", stem.lower())) or "clinic-name"
        yield loaded.problem(
            (),
            f"the file name '{loaded.path.name}' must be lower-case words joined by hyphens",
            f"rename it to {suggestion}{loaded.path.suffix}",
        )


def check_sample_flag(loaded: LoadedFile, options: RuleOptions) -> Iterator[Problem]:
    in_samples = loaded.path.parent.parent.name == SAMPLES_FOLDER
    is_sample = loaded.data.get("sample") is True
    if in_samples and not is_sample:
        yield loaded.problem(
            ("sample",) if "sample" in loaded.data else (),
            "a record under samples/ must say `sample: true`",
            "samples are fictional; add `sample: true`, or move a real clinic to clinics/",
        )
    elif is_sample and not in_samples:
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
    location = record_location(loaded.data, options.geocode_cache)
    if location is None:
        yield loaded.problem(
            ("address",),
            "no coordinates for this address",
            "add `location: {lat: .., lon: ..}` or run `clinic-directory geocode`",
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
    check_dates,
    check_verification_age,
    check_services_have_prices,
    check_folder_and_state,
    check_file_name,
    check_sample_flag,
    check_coordinates,
    check_claims,
)
