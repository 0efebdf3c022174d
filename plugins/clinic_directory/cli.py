"""The ``clinic-directory`` command line.

Each sub-command lives in its own module under ``commands/`` and exposes
``add_parser(subparsers)``, which registers the command and sets ``run`` (a
function taking the parsed arguments and returning the exit code).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Sequence

from clinic_directory import commands
from clinic_directory.errors import ClinicDirectoryError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clinic-directory",
        description="Validate, scaffold, geocode and build the ketamine clinic directory.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ClinicDirectoryError as error:
        print(f"error: {error}")
        return 1
