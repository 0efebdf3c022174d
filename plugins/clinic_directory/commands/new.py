"""``clinic-directory new``: scaffold a valid record at the right path.

The file it writes passes validation as it stands (a record without coordinates
only warns: they are added after merge), carries the schema modeline for editors
and comments that show how to fill in the optional fields. It asserts nothing the
contributor did not give: REMS certification and the states an at-home service
treats in are asked for, never assumed.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

from clinic_directory.errors import Problem
from clinic_directory.records import vocab
from clinic_directory.records.geocode import CACHE_FILE_NAME, GeocodeCache
from clinic_directory.records.load import load_text
from clinic_directory.records.suggest import did_you_mean, normalise_phone, yaml_scalar
from clinic_directory.records.text import visible
from clinic_directory.records.validate import validate_paths

__all__ = ["SCHEMA_MODELINE", "normalise_phone", "slugify"]

RECORDS_FOLDER = "clinics"
#: Where a contributor checks that a site may give Spravato (esketamine).
REMS_LOCATOR = "https://www.spravatorems.com/"
SCHEMA_MODELINE = (
    "# yaml-language-server: $schema=../../plugins/clinic_directory/schema/clinic.schema.json"
)


@dataclass(frozen=True)
class RequiredOption:
    flag: str
    prompt: str

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")


REQUIRED = (
    RequiredOption("--name", "Clinic name, as the clinic writes it"),
    RequiredOption("--state", "State (USPS code, such as TX)"),
    RequiredOption("--city", "City"),
    RequiredOption("--street", "Street and number, with any suite"),
    RequiredOption("--postal-code", "ZIP code"),
    RequiredOption("--phone", "Public phone number"),
    RequiredOption("--website", "Website (https://...)"),
    RequiredOption(
        "--route", f"Routes offered, separated by commas ({', '.join(vocab.ROUTES.values)})"
    ),
    RequiredOption("--verified-by", "Your public handle (never an email address)"),
)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "new",
        help="scaffold a new clinic record at clinics/<state>/<slug>.yaml",
        description=(
            "Write a new, valid clinic record with today's date and comments showing what to "
            "fill in. It states only what the options give: an esketamine service needs "
            "--rems-certified, an at-home one --states-served. Missing options are asked for "
            "when run in a terminal."
        ),
    )
    parser.add_argument("--name", help="the clinic's name")
    parser.add_argument("--state", help="USPS state code, such as TX")
    parser.add_argument("--city")
    parser.add_argument("--street", help="street and number, with any suite")
    parser.add_argument("--postal-code", help="5-digit ZIP code")
    parser.add_argument("--phone", help="public phone number, such as '+1 512-555-0134'")
    parser.add_argument("--website", help="https:// address of the clinic's site")
    parser.add_argument(
        "--route",
        action="append",
        help=f"a route offered (repeatable): {', '.join(vocab.ROUTES.values)}",
    )
    parser.add_argument(
        "--rems-certified",
        action="store_true",
        help=f"for esketamine_nasal: you checked that the site is on the Spravato REMS list "
        f"({REMS_LOCATOR})",
    )
    parser.add_argument(
        "--states-served",
        metavar="STATES",
        help="for at_home: the states it treats patients in, separated by commas (TX,OK)",
    )
    parser.add_argument("--verified-by", help="your public handle, such as a GitHub user name")
    parser.add_argument(
        "--source",
        action="append",
        help="a public page the facts come from (repeatable; default: the website)",
    )
    parser.add_argument("--slug", help="file name without .yaml (default: made from the name)")
    parser.add_argument("--lat", type=float, help="latitude, if known (else added after merge)")
    parser.add_argument("--lon", type=float, help="longitude, if known (else added after merge)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    missing = _ask_for_missing(args)
    if missing:
        print(f"error: missing {', '.join(missing)}; pass them, or run in a terminal to be asked")
        return 2
    if (args.lat is None) != (args.lon is None):
        print("error: give both --lat and --lon, or neither (coordinates are added after merge)")
        return 2
    wrong = _unknown_state(args)
    if wrong:
        print(wrong)
        print("nothing written; fix the option above and run the command again")
        return 2

    state = args.state.strip().upper()
    slug = args.slug or slugify(args.name)
    if not slug:
        print(f"error: cannot make a file name from {args.name!r}; pass --slug")
        return 2
    relpath = f"{RECORDS_FOLDER}/{state.lower()}/{slug}.yaml"
    target = Path.cwd() / relpath
    if target.exists():
        print(
            f"error: {relpath} already exists; edit it, or pass --slug to add another "
            f"location, such as --slug {slug}-downtown"
        )
        return 1

    text = scaffold(args, state, today=date.today())
    errors = [p for p in check_scaffold(text, relpath) if p.severity == "error"]
    if errors:
        print("\n".join(as_option_problem(problem, text) for problem in errors))
        print("nothing written; fix the options above and run the command again")
        return 1

    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as file:  # "x": never overwrite, even in a race
        file.write(text)
    print(f"created {relpath}")
    print("next: fill in prices and the commented fields from the clinic's own pages, then run")
    print(f"  clinic-directory validate --publish {relpath}")
    if args.lat is None:
        print(
            "coordinates: leave them out; after merge a workflow looks the address up. "
            "To look it up yourself now:"
        )
        print(f"  {geocode_command(relpath, args.verified_by.strip())}")
    return 0


def geocode_command(relpath: str, handle: str) -> str:
    """The ``geocode`` command for one new record, runnable as printed: the public
    geocoding service refuses anonymous requests, so it names the contributor."""
    agent = f"clinic-directory-geocoder ({handle})"
    return shlex.join(["clinic-directory", "geocode", relpath, "--user-agent", agent])


def _ask_for_missing(args: argparse.Namespace) -> list[str]:
    """Ask, in a terminal, for what the options left out; the flags still missing.

    Facts nobody was asked about are never written: an esketamine service needs the
    contributor to have checked the REMS list, an at-home one the states it serves."""
    wanted = [option for option in REQUIRED if not getattr(args, option.dest)]
    asking = sys.stdin.isatty()
    for option in wanted if asking else ():
        answer = input(f"{option.prompt}: ").strip()
        value = [part.strip() for part in answer.split(",") if part.strip()]
        setattr(args, option.dest, value if option.flag == "--route" else answer)
    missing = [option.flag for option in REQUIRED if not getattr(args, option.dest)]
    routes = {route.strip() for route in args.route or ()}
    if "esketamine_nasal" in routes and not args.rems_certified and asking:
        answer = input(f"Is this site on the Spravato REMS list ({REMS_LOCATOR})? [y/N]: ")
        args.rems_certified = answer.strip().lower() in ("y", "yes")
    if "esketamine_nasal" in routes and not args.rems_certified:
        missing.append("--rems-certified (after checking the site on the Spravato REMS list)")
    if "at_home" in routes and not args.states_served and asking:
        args.states_served = input("States the at-home service treats patients in (TX, OK): ")
    if "at_home" in routes and not args.states_served:
        missing.append("--states-served (the states the at-home service treats patients in)")
    return missing


def _unknown_state(args: argparse.Namespace) -> str | None:
    """The state names the record's folder, so it is checked before the rest (which the
    record's validation checks), with the state most likely meant."""
    state = args.state.strip()
    if state.upper() in vocab.STATES:
        return None
    return (
        f"--state: error: '{visible(state)}' is not a known state "
        f"({did_you_mean(state, vocab.STATES.values)})"
    )


def _states_served(args: argparse.Namespace) -> list[str]:
    return [state.strip() for state in (args.states_served or "").split(",") if state.strip()]


#: Which option gave each field of the scaffold, to report a bad value by its option.
OPTION_OF_FIELD = MappingProxyType(
    {
        "name": "--name",
        "website": "--website",
        "phone": "--phone",
        "street": "--street",
        "city": "--city",
        "state": "--state",
        "postal_code": "--postal-code",
        "route": "--route",
        "states_served": "--states-served",
        "verified_by": "--verified-by",
        "sources": "--source",
        "location": "--lat/--lon",
    }
)


def as_option_problem(problem: Problem, text: str) -> str:
    """A problem in the unwritten scaffold, said of the option that gave the value: a
    line and column in a file that does not exist would help nobody."""
    loaded = load_text(text, "scaffold.yaml")
    on_line = [path for path, at in loaded.positions.items() if at[0] == problem.line and path]
    names = [part for part in (on_line[-1] if on_line else ()) if isinstance(part, str)]
    flag = OPTION_OF_FIELD.get(names[-1], "") if names else ""
    hint = problem.hint
    if flag and names:
        hint = re.sub(rf"`{names[-1]}: ([^`]+)`", rf"`{flag} \1`", hint)
    where = flag or "the options"
    return f"{where}: {problem.severity}: {problem.message}" + (f" ({hint})" if hint else "")


def slugify(name: str) -> str:
    """The kebab-case file name for a clinic name: ``Mañana Mind & Body`` -> ``manana-mind-body``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name.lower()))


def scaffold(args: argparse.Namespace, state: str, *, today: date) -> str:
    """The record's text: required fields filled in, optional ones shown as comments."""
    lines = [
        SCHEMA_MODELINE,
        "# New record: replace or delete the commented examples with what the clinic itself",
        "# publishes, then run `clinic-directory validate` on this file. Every fact needs a",
        "# source listed at the end: the clinic's own pages, or a phone call noted with its date.",
        f"name: {yaml_scalar(args.name.strip())}",
        "# organization: Provider Name        # if several locations share one provider",
        "status: active                       # active | temporarily_closed | closed",
        "# description: One or two plain sentences, at most 500 characters, no HTML.",
        f"website: {yaml_scalar(args.website.strip())}",
        f"phone: {json.dumps(normalise_phone(args.phone.strip()), ensure_ascii=False)}",
        "# email: intake@clinic.example       # a public contact address",
        "address:",
        f"  street: {yaml_scalar(args.street.strip())}",
        f"  city: {yaml_scalar(args.city.strip())}",
        f"  state: {yaml_scalar(state)}",
        f"  postal_code: {json.dumps(args.postal_code.strip(), ensure_ascii=False)}",
    ]
    if args.lat is None:
        lines.append(
            "# location: run `clinic-directory geocode`, or write {lat: 30.2747, lon: -97.7404}"
        )
    else:
        lines.append(f"location: {{lat: {args.lat}, lon: {args.lon}}}")
    lines.append("services:                            # one item per route offered")
    for route in args.route:
        lines.extend(_service_lines(route.strip(), _states_served(args)))
    lines += [
        "# clinicians:",
        "#   - {name: Full Name, credential: MD, specialty: anesthesiology, board_certified: true,",
        "#      role: medical_director, languages: [es]}   # languages they speak themselves",
        "# memberships: [askp3]",
        "# safety: [medical_screening, psychiatric_screening, vital_signs_monitoring]",
        "# payment: [cash, card, hsa_fsa]",
        "# insurance_plans: [Aetna]",
        "# refunds: {policy: prorated, terms: https://clinic.example/terms}",
        "#                                    # unused package sessions: full | prorated | none |",
        "#                                    # not_stated, with the page of the clinic's terms",
        "# accepting_new_patients: true",
        "# referral_required: false           # does a first visit need a clinician's referral",
        "# first_appointment_wait: {days: 14} # typical wait, as the clinic states it",
        "# telehealth_consultations: false",
        "# languages: [en]",
        "# accessibility: [step_free_entrance, accessible_restroom, accessible_parking,",
        "#                 asl_interpreter]   # only what the clinic states",
        "# accessibility_notes: Two steps at the door; staff bring a ramp when you call ahead.",
        '# hours: {mon: "08:00-17:00", tue: "08:00-17:00", sat: closed}',
        f"last_verified: {today.isoformat()}             # the day you checked the sources",
        f"verified_by: {yaml_scalar(args.verified_by.strip())}",
        "# verification: {method: website}    # how: website | phone | written | register",
        "#                                    # (a register also needs sources: [https://...])",
        "sources:                             # the pages each fact comes from",
    ]
    sources = args.source or [args.website]
    lines.extend(f"  - {yaml_scalar(source.strip())}" for source in sources)
    lines.append(f"listed_since: {today.isoformat()}              # the day it joins the directory")
    return "\n".join(lines) + "\n"


def _service_lines(route: str, states_served: list[str]) -> list[str]:
    lines = [f"  - route: {yaml_scalar(route)}"]
    if route == "esketamine_nasal":  # asked of the contributor: --rems-certified
        lines += [
            "    rems_certified: true             # checked on the Spravato REMS list",
            "    # medicine_billing: buy_and_bill # or specialty_pharmacy, or either",
            "    # copay_program: true            # takes the manufacturer's co-pay programme",
            "    # insurance_plans: [Aetna]       # plans for Spravato, if unlike the clinic's",
            "    # a monitoring fee, the spray billed apart: {amount: 95, unit: session,",
            "    #   medicine: billed_separately} under prices: below",
        ]
    if route == "at_home":  # asked of the contributor: --states-served
        served = ", ".join(state.upper() for state in states_served)
        lines.append(f"    states_served: [{served}]   # every state it treats patients in")
    lines += [
        "    # conditions: [treatment_resistant_depression]   # only those the clinic names",
        "    # prices:                            # medicine: included | billed_separately",
        "    #   - {amount: 550, unit: session, medicine: included}   # or {min: 400, max: 700, ...}",
        "    #   - {amount: 2900, unit: series, sessions: 6, medicine: included}",
        "    # insurance: false                   # does insurance pay for this route here",
    ]
    return lines


def check_scaffold(text: str, relpath: str) -> list[Problem]:
    """Validate the record in a scratch folder, as it will sit in the project."""
    cache = GeocodeCache.load(Path.cwd() / CACHE_FILE_NAME)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch, relpath)
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        return validate_paths([path], root=Path(scratch), geocode_cache=cache).problems
