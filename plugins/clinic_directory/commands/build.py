"""``clinic-directory build``: ``pelican`` with the project's settings; publishes nothing on error."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "build",
        help="build the site into the output folder (untouched if anything fails)",
    )
    add_build_arguments(parser)
    parser.set_defaults(run=run)


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-s",
        "--settings",
        type=Path,
        default=Path("pelicanconf.py"),
        help="Pelican settings file (default: pelicanconf.py)",
    )
    parser.add_argument("-o", "--output", type=Path, help="output folder (default: OUTPUT_PATH)")
    parser.add_argument(
        "--records",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="record folder to build instead of CLINICS_PATHS (repeatable)",
    )
    parser.add_argument(
        "-e",
        "--extra-setting",
        dest="overrides",
        action="append",
        type=_setting,
        default=[],
        metavar="SETTING=VALUE",
        help="override a setting, VALUE in JSON as with pelican -e (repeatable), e.g. "
        """-e 'CLINIC_LANGUAGES=["en"]'""",
    )


def _setting(text: str) -> tuple[str, Any]:
    name, equals, value = text.partition("=")
    try:
        if not equals:
            raise ValueError
        return name, json.loads(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not SETTING=VALUE with VALUE in JSON "
            """(write -e 'CLINIC_LANGUAGES=["en"]' or -e 'SITEURL="https://example.org"')"""
        ) from None


def settings_of(args: argparse.Namespace) -> dict:
    # Imported here so that the other commands start without loading Pelican.
    from clinic_directory.site.publish import load_settings

    overrides = dict(args.overrides)
    if args.output:
        overrides["OUTPUT_PATH"] = str(args.output.resolve())
    return load_settings(args.settings, records=args.records, overrides=overrides)


def run(args: argparse.Namespace) -> int:
    from clinic_directory.site.publish import build_site

    result = build_site(settings_of(args))
    print(f"built {result.files} files into {result.output} in {result.seconds:.2f} s")
    return 0
