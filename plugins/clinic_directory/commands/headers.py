"""``clinic-directory headers``: the site's security headers in a host's own format.

The build writes ``_headers`` (Netlify, Cloudflare Pages) into the site; nginx and
Caddy read their configuration elsewhere, so this prints it from the same policy.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "headers",
        help="print the security headers for netlify (_headers), nginx or caddy",
        description=(
            "Print the site's security headers, made from the one policy every page carries, "
            "in the format a host reads. The tile server comes from the settings."
        ),
    )
    parser.add_argument("--format", choices=("netlify", "nginx", "caddy"), default="netlify")
    parser.add_argument(
        "-s",
        "--settings",
        type=Path,
        default=Path("publishconf.py"),
        help="Pelican settings file (default: publishconf.py)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from clinic_directory.site.headers import FORMATS
    from clinic_directory.site.publish import load_settings
    from clinic_directory.site.settings import apply_defaults, read_settings

    settings = load_settings(args.settings)
    apply_defaults(settings)
    print(FORMATS[args.format](read_settings(settings).tile_origin), end="")
    return 0
