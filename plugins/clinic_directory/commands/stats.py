"""``clinic-directory stats``: how many clinics, where, offering what, how fresh."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable

from clinic_directory.commands.stale import add_record_arguments, load_records
from clinic_directory.records import vocab
from clinic_directory.records.model import EXPIRED_AFTER_DAYS, STALE_AFTER_DAYS, ClinicRecord

#: Verification age buckets, in display order.
BUCKETS = ("current", "stale", "expired")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="count records by state, route and verification age",
    )
    add_record_arguments(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def count(records: Iterable[ClinicRecord]) -> dict[str, object]:
    """Counts per state, per route and per verification bucket, in vocabulary order."""
    records = list(records)
    states = Counter(record.data["address"]["state"] for record in records)
    routes = Counter(service["route"] for record in records for service in record.data["services"])
    buckets = Counter(record.verification_state for record in records)
    return {
        "records": len(records),
        "by_state": {state: states[state] for state in vocab.STATES.values if states[state]},
        "by_route": {route: routes[route] for route in vocab.ROUTES.values if routes[route]},
        "by_verification": {bucket: buckets[bucket] for bucket in BUCKETS},
    }


def run(args: argparse.Namespace) -> int:
    counts = count(load_records(args))
    if args.format == "json":
        print(json.dumps(counts, indent=2))
        return 0
    print(f"{counts['records']} record(s)")
    sections = (
        ("by state", counts["by_state"], vocab.STATES.label),
        ("by route", counts["by_route"], vocab.ROUTES.label),
        ("by verification age", counts["by_verification"], _bucket_label),
    )
    for title, table, label in sections:
        print(f"\n{title}:")
        for key, number in table.items():
            print(f"  {number:>6}  {label(key)}")
    return 0


def _bucket_label(bucket: str) -> str:
    return {
        "current": f"current (verified within {STALE_AFTER_DAYS} days)",
        "stale": f"stale ({STALE_AFTER_DAYS + 1} to {EXPIRED_AFTER_DAYS} days)",
        "expired": f"expired (over {EXPIRED_AFTER_DAYS} days)",
    }[bucket]
