"""``clinic-directory generate``: write realistic fictional records for benchmarks.

The records are meant for a scratch folder given to ``build --records``; they
never carry ``sample: true`` and never belong in ``clinics/`` or ``samples/``.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from clinic_directory.errors import ClinicDirectoryError
from clinic_directory.synthetic import generate_records, write_records


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="write N realistic fictional records into DIR/<state>/<slug>.yaml for benchmarks",
        description=(
            "Write N realistic, valid, fictional clinic records (real cities, .example websites, "
            "555-01xx phones) for benchmarks and scale tests. The same seed and --today always "
            "give the same files."
        ),
    )
    parser.add_argument("count", type=_positive, metavar="N", help="how many records to write")
    parser.add_argument("directory", type=Path, metavar="DIR", help="an empty or new folder")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the day verification and price dates count back from (default: today)",
    )
    parser.set_defaults(run=run)


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of records")
    return number


def run(args: argparse.Namespace) -> int:
    directory: Path = args.directory
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ClinicDirectoryError(
            f"{directory} is not an empty folder; choose a new one, so generated records "
            "never mix with others"
        )
    records = generate_records(args.count, seed=args.seed, today=args.today)
    written = write_records(records, directory)
    states = len({record.state for record in records})
    print(f"wrote {written} records in {states} state folders under {directory}")
    return 0
