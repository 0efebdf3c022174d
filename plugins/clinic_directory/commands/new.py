"""``clinic-directory new``: scaffold a valid record at the right path.

The file it writes passes validation as it stands, carries the schema modeline
for editors and comments that show how to fill in the optional fields.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from clinic_directory.errors import Problem
from clinic_directory.records import vocab
from clinic_directory.records.geocode import CACHE_FILE_NAME, GeocodeCache
from clinic_directory.records.validate import validate_paths

RECORDS_FOLDER = "clinics"
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
            "fill in. Missing options are asked for when run in a terminal."
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
    parser.add_argument("--verified-by", help="your public handle, such as a GitHub user name")
    parser.add_argument(
        "--source",
        action="append",
        help="a public page the facts come from (repeatable; default: the website)",
    )
    parser.add_argument("--slug", help="file name without .yaml (default: made from the name)")
    parser.add_argument("--lat", type=float, help="latitude, if known (else run `geocode`)")
    parser.add_argument("--lon", type=float, help="longitude, if known (else run `geocode`)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    missing = [option for option in REQUIRED if not getattr(args, option.dest)]
    if missing and sys.stdin.isatty():
        for option in missing:
            answer = input(f"{option.prompt}: ").strip()
            value = [part.strip() for part in answer.split(",") if part.strip()]
            setattr(args, option.dest, value if option.flag == "--route" else answer)
        missing = [option for option in REQUIRED if not getattr(args, option.dest)]
    if missing:
        flags = ", ".join(option.flag for option in missing)
        print(f"error: missing {flags}; pass them, or run in a terminal to be asked for them")
        return 2
    if (args.lat is None) != (args.lon is None):
        print("error: give both --lat and --lon, or neither (then run `clinic-directory geocode`)")
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
    problems = check_scaffold(text, relpath, located=args.lat is not None)
    for problem in problems:
        print(problem)
    if any(problem.severity == "error" for problem in problems):
        print("nothing written; fix the options above and run the command again")
        return 1

    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as file:  # "x": never overwrite, even in a race
        file.write(text)
    print(f"created {relpath}")
    print("next: fill in prices and the commented fields from the clinic's own pages, then run")
    if args.lat is None:
        print("  clinic-directory geocode            # looks up the coordinates once")
    print(f"  clinic-directory validate {relpath}")
    return 0


def slugify(name: str) -> str:
    """The kebab-case file name for a clinic name: ``Mañana Mind & Body`` -> ``manana-mind-body``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name.lower()))


def normalise_phone(phone: str) -> str:
    """A US number in the record's ``+1 512-555-0134`` form; anything else is left for
    validation to explain."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return phone
    return f"+1 {digits[:3]}-{digits[3:6]}-{digits[6:]}"


def yaml_scalar(value: str) -> str:
    """``value`` written as one YAML scalar on one line, quoted only when YAML needs it."""
    text = yaml.safe_dump(value, allow_unicode=True, width=1_000_000)
    text = text.removesuffix("\n...\n").removesuffix("\n")
    return json.dumps(value, ensure_ascii=False) if "\n" in text else text


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
        lines.extend(_service_lines(route.strip(), state))
    lines += [
        "# clinicians:",
        "#   - {name: Full Name, credential: MD, specialty: anesthesiology, board_certified: true,",
        "#      role: medical_director}",
        "# memberships: [askp3]",
        "# safety: [medical_screening, psychiatric_screening, vital_signs_monitoring]",
        "# payment: [cash, card, hsa_fsa]",
        "# insurance_plans: [Aetna]",
        "# accepting_new_patients: true",
        "# telehealth_consultations: false",
        "# languages: [en]",
        '# hours: {mon: "08:00-17:00", tue: "08:00-17:00", sat: closed}',
        f"last_verified: {today.isoformat()}             # the day you checked the sources",
        f"verified_by: {yaml_scalar(args.verified_by.strip())}",
        "sources:                             # the pages each fact comes from",
    ]
    sources = args.source or [args.website]
    lines.extend(f"  - {yaml_scalar(source.strip())}" for source in sources)
    return "\n".join(lines) + "\n"


def _service_lines(route: str, state: str) -> list[str]:
    lines = [f"  - route: {yaml_scalar(route)}"]
    if route == "esketamine_nasal":
        lines.append(
            "    rems_certified: true             # confirm the site is Spravato REMS-certified"
        )
    if route == "at_home":
        lines.append(f"    states_served: [{state}]            # every state it prescribes in")
    lines += [
        "    # conditions: [treatment_resistant_depression]   # only those the clinic names",
        "    # prices:",
        "    #   - {amount: 550, unit: session}               # or {min: 400, max: 700, unit: session}",
        "    #   - {amount: 2900, unit: series, sessions: 6}",
        "    # insurance: false                   # does insurance pay for this route here",
    ]
    return lines


def check_scaffold(text: str, relpath: str, *, located: bool) -> list[Problem]:
    """Validate the record in a scratch folder, as it will sit in the project."""
    cache = GeocodeCache.load(Path.cwd() / CACHE_FILE_NAME)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch, relpath)
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        report = validate_paths([path], root=Path(scratch), geocode_cache=cache)
    if located:
        return report.problems
    # Without --lat/--lon the only expected error is "no coordinates", reported at the
    # address key; `geocode` fixes it, so it is not a reason to refuse.
    address_line = text.splitlines().index("address:") + 1
    return [
        problem
        for problem in report.problems
        if not (problem.line == address_line and problem.column == 1)
    ]
