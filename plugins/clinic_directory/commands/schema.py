"""``clinic-directory schema``: print, rewrite or check the committed record schema.

The schema is generated from the vocabularies; the committed copy is what
editors load, so CI checks that it has not fallen behind.
"""

from __future__ import annotations

import argparse
import sys

from clinic_directory.records.schema import SCHEMA_FILE, schema_text

COMMITTED = "plugins/clinic_directory/schema/clinic.schema.json"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="print the record JSON Schema, or rewrite or check the committed copy",
        description=(
            "Print the JSON Schema generated from the vocabularies. With --write, save it "
            f"as {COMMITTED}; with --check, exit with 1 if that file is out of date."
        ),
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="rewrite the committed schema file")
    action.add_argument(
        "--check", action="store_true", help="exit with 1 if the committed schema file is stale"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    text = schema_text()
    if args.write:
        SCHEMA_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {COMMITTED}")
        return 0
    if args.check:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        if current != text:
            print(
                f"{COMMITTED} is out of date with the vocabularies; "
                "run `clinic-directory schema --write` and commit the result"
            )
            return 1
        print(f"{COMMITTED} is up to date")
        return 0
    sys.stdout.write(text)
    return 0
