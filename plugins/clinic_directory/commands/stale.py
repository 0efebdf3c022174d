"""``clinic-directory stale``: the records and prices that need checking again.

A directory is only as good as its freshest listing. This lists records whose
verification is past 180 days (stale) or 365 days (expired), the expired first since
the site already leaves them out of its default results, and prices observed over a
year ago; the weekly workflow posts its Markdown in one issue.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from clinic_directory.records import vocab
from clinic_directory.records.geocode import CACHE_FILE_NAME, GeocodeCache
from clinic_directory.records.model import (
    EXPIRED_AFTER_DAYS,
    PRICE_MAX_AGE_DAYS,
    STALE_AFTER_DAYS,
    ClinicRecord,
)
from clinic_directory.records.text import markdown_path, markdown_text, visible
from clinic_directory.records.validate import validate_paths

DEFAULT_PATHS = ("clinics",)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stale",
        help="list records and prices that need verifying again",
        description=(
            f"List records last verified more than {STALE_AFTER_DAYS} days ago (stale) or "
            f"{EXPIRED_AFTER_DAYS} days ago (expired), and prices observed more than "
            f"{PRICE_MAX_AGE_DAYS} days ago. Always exits 0."
        ),
    )
    add_record_arguments(parser)
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    parser.set_defaults(run=run)


def add_record_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every report over the records shares."""
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help=f"record files or folders (default: {', '.join(DEFAULT_PATHS)})",
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=date.today(),
        metavar="YYYY-MM-DD",
        help="count ages as of this day (default: today)",
    )


def load_records(args: argparse.Namespace) -> list[ClinicRecord]:
    """The valid records under the paths given; files with errors are left out, and said so."""
    paths = args.paths or [Path(name) for name in DEFAULT_PATHS if Path(name).exists()]
    report = validate_paths(
        paths,
        root=Path.cwd(),
        today=args.today,
        geocode_cache=GeocodeCache.load(Path(CACHE_FILE_NAME)),
    )
    invalid = {problem.path for problem in report.errors}
    if invalid:
        print(
            f"note: {len(invalid)} file(s) with errors are left out; "
            "run `clinic-directory validate` to see them",
            file=sys.stderr,
        )
    return report.records


@dataclass(frozen=True)
class StaleRecord:
    source: str
    name: str
    last_verified: str
    age_days: int
    state: str  # "stale" or "expired"


@dataclass(frozen=True)
class OldPrice:
    source: str
    name: str
    route: str
    price: str
    observed: str
    age_days: int


def stale_records(records: Iterable[ClinicRecord]) -> list[StaleRecord]:
    """Records past the stale threshold, oldest first: the expired ones, left out of the
    default results, always lead."""
    found = [
        StaleRecord(
            record.source,
            record.name,
            record.last_verified.isoformat(),
            record.verified_age_days,
            record.verification_state,
        )
        for record in records
        if record.verification_state != "current"
    ]
    return sorted(found, key=lambda item: (item.state != "expired", -item.age_days, item.source))


def old_prices(records: Iterable[ClinicRecord]) -> list[OldPrice]:
    """Prices too old to compare, oldest first."""
    found = [
        OldPrice(
            record.source,
            record.name,
            service["route"],
            describe_price(price),
            record.price_observed(price).isoformat(),
            (record.today - record.price_observed(price)).days,
        )
        for record in records
        for service in record.data["services"]
        for price in service.get("prices", [])
        if not record.price_is_current(price)
    ]
    return sorted(found, key=lambda item: (-item.age_days, item.source, item.route))


def describe_price(price: dict) -> str:
    """``550 per session``, ``400-700 per session``, ``2900 per series (6 sessions)``."""
    amount = price.get("amount")
    figure = f"${amount:,}" if amount is not None else f"${price['min']:,}-{price['max']:,}"
    text = f"{figure} {vocab.PRICE_UNITS.label(price['unit'])}"
    return f"{text} ({price['sessions']} sessions)" if price.get("sessions") else text


def run(args: argparse.Namespace) -> int:
    records = load_records(args)
    render = {"text": render_text, "json": render_json, "markdown": render_markdown}[args.format]
    print(render(stale_records(records), old_prices(records), args.today, len(records)), end="")
    return 0


def render_text(stale: list[StaleRecord], prices: list[OldPrice], today: date, total: int) -> str:
    lines = [f"{len(stale)} of {total} record(s) need verifying as of {today.isoformat()}"]
    lines += [
        f"  {visible(item.source)}: {item.state}, last verified {item.last_verified} "
        f"({item.age_days} days ago)"
        for item in stale
    ]
    lines.append(f"{len(prices)} price(s) observed more than {PRICE_MAX_AGE_DAYS} days ago")
    lines += [
        f"  {visible(item.source)}: {item.route} {item.price}, observed {item.observed} "
        f"({item.age_days} days ago)"
        for item in prices
    ]
    return "\n".join(lines) + "\n"


def render_json(stale: list[StaleRecord], prices: list[OldPrice], today: date, total: int) -> str:
    body = {
        "today": today.isoformat(),
        "records_checked": total,
        "stale_records": [asdict(item) for item in stale],
        "old_prices": [asdict(item) for item in prices],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def render_markdown(
    stale: list[StaleRecord], prices: list[OldPrice], today: date, total: int
) -> str:
    expired = [item for item in stale if item.state == "expired"]
    lines = [
        "## Records to verify again",
        "",
        f"As of {today.isoformat()}, {len(stale)} of {total} record(s) were last verified more "
        f"than {STALE_AFTER_DAYS} days ago ({EXPIRED_AFTER_DAYS}+ days: expired).",
        "",
    ]
    # The expired come first, in a table of their own: they are already out of the
    # default results, the map and the lists, and their pages say they may be out of date.
    for heading, items in (
        (
            f"### Left out of the default results: not verified for over {EXPIRED_AFTER_DAYS} "
            f"days ({len(expired)})",
            expired,
        ),
        (
            f"### Verified {STALE_AFTER_DAYS} to {EXPIRED_AFTER_DAYS} days ago "
            f"({len(stale) - len(expired)})",
            [item for item in stale if item.state != "expired"],
        ),
    ):
        if not items:
            continue
        lines += [heading, "", "| Record | Clinic | Last verified | Days | State |"]
        lines.append("|---|---|---|---|---|")
        lines += [
            f"| {markdown_path(item.source)} | {markdown_text(item.name)} "
            f"| {markdown_text(item.last_verified)} | {item.age_days} | {item.state} |"
            for item in items
        ]
        lines.append("")
    lines += [
        "## Prices to check again",
        "",
        f"{len(prices)} price(s) were observed more than {PRICE_MAX_AGE_DAYS} days ago; the "
        "site shows them with a warning and leaves them out of sorting and filters.",
        "",
    ]
    if prices:
        lines += ["| Record | Route | Price | Observed | Days |", "|---|---|---|---|---|"]
        lines += [
            f"| {markdown_path(item.source)} | {markdown_text(vocab.ROUTES.label(item.route))} "
            f"| {markdown_text(item.price)} | {markdown_text(item.observed)} | {item.age_days} |"
            for item in prices
        ]
    return "\n".join(lines).rstrip("\n") + "\n"
