"""``clinic-directory validate``: check record files and list every problem, with its place.

Three output formats: plain lines for people, GitHub workflow commands so each
problem shows up on the offending line of a pull request, and JSON for tools.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path
from types import MappingProxyType

from clinic_directory.errors import ClinicDirectoryError, Problem
from clinic_directory.records.geocode import CACHE_FILE_NAME, GeocodeCache
from clinic_directory.records.load import relative_path
from clinic_directory.records.validate import find_record_files, validate_paths

RECORD_FOLDERS = ("clinics", "samples")
PUBLISHED_FOLDERS = ("clinics",)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check clinic records and report every problem at its file, line and column",
        description=(
            "Check clinic records against the record format and the directory's rules. "
            "Prints one line per problem and a summary; exits with 1 when there are errors."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="record files or folders (default: clinics and samples, where they exist)",
    )
    parser.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default="text",
        help="text (default), github (annotations in a workflow) or json",
    )
    parser.add_argument(
        "--changed-since",
        metavar="REF",
        help="report only files changed since this git ref, or not yet tracked; "
        "duplicates are still looked for among all records",
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument(
        "--publish",
        action="store_true",
        help="check as the publish build does: sample records are errors "
        "(the default paths are then clinics only)",
    )
    parser.add_argument(
        "--geocode-cache",
        type=Path,
        metavar="FILE",
        help=f"coordinates for records without a location (default: {CACHE_FILE_NAME}, if present)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        metavar="DIR",
        help="remember in DIR what each file's checks found, by content, and check only "
        "changed files next time (for local use; ignored with --publish)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = Path.cwd()
    paths = args.paths or [
        Path(folder)
        for folder in (PUBLISHED_FOLDERS if args.publish else RECORD_FOLDERS)
        if Path(folder).is_dir()
    ]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise ClinicDirectoryError(f"no such file or folder: {', '.join(missing)}")
    cache_file = args.geocode_cache or Path(CACHE_FILE_NAME)
    # A one-off command that makes no reference cycles: collecting would only walk
    # every value of every record, twice, for nothing.
    gc.disable()
    report = validate_paths(
        paths,
        root=root,
        publish=args.publish,
        geocode_cache=GeocodeCache.load(cache_file),
        cache_folder=args.cache,
    )
    problems = report.problems
    files = report.files
    if args.changed_since:
        changed = changed_files(args.changed_since, find_record_files(paths))
        problems = [problem for problem in problems if problem.path in changed]
        files = len(changed)
    print(FORMATS[args.format](problems, files))
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    return 1 if errors or (args.strict and warnings) else 0


def changed_files(ref: str, record_files: list[Path]) -> set[str]:
    """Record files (as reported paths) changed since ``ref`` or not yet tracked by git."""
    listings = (
        ["git", "diff", "--name-only", "--relative", ref, "--"],
        ["git", "ls-files", "--others", "--exclude-standard"],
    )
    named: set[str] = set()
    for command in listings:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise ClinicDirectoryError(
                f"`{' '.join(command)}` failed: {result.stderr.strip()}; "
                "run inside the repository and give a ref that exists, such as origin/main"
            )
        named.update(result.stdout.splitlines())
    return {relative_path(path, Path.cwd()) for path in record_files} & named


def summary(problems: list[Problem], files: int) -> str:
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    return (
        f"{errors} error{'' if errors == 1 else 's'}, "
        f"{warnings} warning{'' if warnings == 1 else 's'} "
        f"in {files} file{'' if files == 1 else 's'}"
    )


def as_text(problems: list[Problem], files: int) -> str:
    return "\n".join([*(str(problem) for problem in problems), summary(problems, files)])


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(problems: list[Problem], files: int) -> str:
    """GitHub Actions workflow commands, which become annotations on the pull request."""
    lines = []
    for problem in problems:
        message = f"{problem.message} ({problem.hint})" if problem.hint else problem.message
        properties = ",".join(
            f"{name}={_escape_property(str(value))}"
            for name, value in (
                ("file", problem.path),
                ("line", problem.line),
                ("col", problem.column),
                ("title", f"clinic record {problem.severity}"),
            )
        )
        lines.append(f"::{problem.severity} {properties}::{_escape_data(message)}")
    return "\n".join([*lines, summary(problems, files)])


def as_json(problems: list[Problem], files: int) -> str:
    errors = sum(problem.severity == "error" for problem in problems)
    body = {
        "problems": [asdict(problem) for problem in problems],
        "summary": {"errors": errors, "warnings": len(problems) - errors, "files": files},
    }
    return json.dumps(body, indent=2, ensure_ascii=False)


FORMATS: Mapping[str, Callable[[list[Problem], int], str]] = MappingProxyType(
    {"text": as_text, "github": as_github, "json": as_json}
)
