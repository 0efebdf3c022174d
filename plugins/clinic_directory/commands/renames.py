"""``clinic-directory renames``: published records a change renames or deletes without a
redirect, so that shared links and compare URLs never break.

``validate --changed-since`` reports the same warnings with the rest; this command
compares any two commits, such as a pull request's base and head.
"""

from __future__ import annotations

import argparse

from clinic_directory.commands.validate import FORMATS
from clinic_directory.records.history import merge_base, missing_redirects


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "renames",
        help="warn about published records renamed or deleted without a redirect",
    )
    parser.add_argument(
        "--base",
        required=True,
        metavar="REV",
        help="what the change started from (its merge base is used)",
    )
    parser.add_argument("--head", metavar="REV", help="the change (default: the work tree)")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    problems = missing_redirects(merge_base(args.base, args.head or "HEAD"), args.head)
    print(FORMATS[args.format](problems, len({problem.path for problem in problems})))
    return 0
