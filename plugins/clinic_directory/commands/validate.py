"""``clinic-directory validate``: check record files and list every problem, with its place.

Four output formats: plain lines for people, GitHub workflow commands so each
problem shows up on the offending line of a pull request, JSON for tools, and
Markdown for a job summary or a comment. GitHub shows only the first ten error
and ten warning annotations of a step, so a pull-request check also writes the
full list to the job summary (``--summary-file``) and to a JSON report
(``--json-file``) that a trusted workflow turns into one comment.
Other tools read every format, so no value from a record can start a line of its
own: text shows line breaks and invisible characters as escapes, the workflow
commands escape them as GitHub requires, JSON quotes them and Markdown escapes
every character Markdown would act on.
"""

from __future__ import annotations

import argparse
import gc
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path
from types import MappingProxyType
from typing import Any

from clinic_directory.errors import ClinicDirectoryError, Problem
from clinic_directory.records.geocode import CACHE_FILE_NAME, GeocodeCache
from clinic_directory.records.history import (
    OrganizationAt,
    changed_files,
    merge_base,
    missing_redirects,
)
from clinic_directory.records.load import relative_path
from clinic_directory.records.text import markdown_path, markdown_text
from clinic_directory.records.validate import find_record_files, validate_paths

RECORD_FOLDERS = ("clinics", "samples")
PUBLISHED_FOLDERS = ("clinics",)


def published_files_to_check(paths: list[Path], changed_since: str | None) -> list[Path]:
    """The record files a check over published records reads: those named (default: the
    published folders), only the ones changed since ``changed_since``'s merge base if given."""
    paths = paths or [Path(folder) for folder in PUBLISHED_FOLDERS if Path(folder).is_dir()]
    files = find_record_files(paths)
    if changed_since:
        changed = changed_files(merge_base(changed_since), files)
        files = [path for path in files if relative_path(path, Path.cwd()) in changed]
    return files


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
        help="text (default), github (annotations in a workflow), json or markdown",
    )
    parser.add_argument(
        "--changed-since",
        metavar="REF",
        help="report only files changed since the branch left REF (their merge base), or "
        "not yet tracked; duplicates are still looked for among all records, a phone "
        "number shared thanks to an organization added since then is flagged, and so is a "
        "published record renamed or deleted without a redirect",
    )
    parser.add_argument(
        "--json-file",
        type=Path,
        metavar="FILE",
        help="also write the report as JSON to FILE (what the pull-request comment is made from)",
    )
    parser.add_argument(
        "--summary-file",
        type=Path,
        metavar="FILE",
        help="also append the full report, in Markdown, to FILE (such as $GITHUB_STEP_SUMMARY)",
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
    changed = base = None
    if args.changed_since:
        base = merge_base(args.changed_since)
        inputs = [*find_record_files(paths), *([cache_file] if cache_file.exists() else [])]
        changed = changed_files(base, inputs)
    # A one-off command that makes no reference cycles: collecting would only walk
    # every value of every record, twice, for nothing.
    gc.disable()
    report = validate_paths(
        paths,
        root=root,
        publish=args.publish,
        geocode_cache=GeocodeCache.load(cache_file),
        cache_folder=args.cache,
        organization_before=OrganizationAt(base, changed) if base is not None else None,
    )
    problems = report.problems
    files = report.files
    if base is not None:
        moved = missing_redirects(base)
        problems = sorted([p for p in problems if p.path in changed] + moved)
        files = len(changed | {problem.path for problem in moved})
    print(FORMATS[args.format](problems, files))
    if args.json_file:
        args.json_file.write_text(
            as_json(problems, files, changed=sorted(changed or ())) + "\n", encoding="utf-8"
        )
    if args.summary_file:
        with args.summary_file.open("a", encoding="utf-8") as summary_file:
            summary_file.write(as_markdown(problems, files) + "\n")
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    return 1 if errors or (args.strict and warnings) else 0


def summary(problems: list[Problem], files: int) -> str:
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    return (
        f"{errors} error{'' if errors == 1 else 's'}, "
        f"{warnings} warning{'' if warnings == 1 else 's'} "
        f"in {files} file{'' if files == 1 else 's'}"
    )


def as_text(problems: list[Problem], files: int) -> str:
    """One line per problem, ``path:line:col: severity: message (hint)`` (see ``Problem``)."""
    return "\n".join([*map(str, problems), summary(problems, files)])


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


#: GitHub turns at most this many error (and as many warning) commands of one step into
#: annotations; the rest only reach the log.
ANNOTATIONS_PER_STEP = 10


def as_github(problems: list[Problem], files: int) -> str:
    """GitHub Actions workflow commands, which become annotations on the pull request,
    and a notice when some will not (the job summary has them all)."""
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
    hidden = sum(
        max(0, sum(p.severity == severity for p in problems) - ANNOTATIONS_PER_STEP)
        for severity in ("error", "warning")
    )
    if hidden:
        lines.append(
            f"::notice title=clinic records::{hidden} more problem(s) than GitHub shows as "
            "annotations; the job summary and the pull request's comment list every one"
        )
    return "\n".join([*lines, summary(problems, files)])


def as_json(problems: list[Problem], files: int, *, changed: list[str] | None = None) -> str:
    """Every problem as an object, a summary, and (with --changed-since) the changed files."""
    errors = sum(problem.severity == "error" for problem in problems)
    body: dict[str, Any] = {
        "problems": [asdict(problem) for problem in problems],
        "summary": {"errors": errors, "warnings": len(problems) - errors, "files": files},
    }
    if changed is not None:
        body["changed"] = changed
    return json.dumps(body, indent=2, ensure_ascii=False)


def as_markdown(problems: list[Problem], files: int) -> str:
    """A heading with the counts, then one list item per problem, grouped by file: for a
    job summary, or a comment written by a trusted workflow (every part escaped, since
    the report may come from a contributor's branch)."""
    lines = [f"### Clinic records: {summary(problems, files)}"]
    if not problems:
        lines += ["", "Every changed record passes the checks."]
    current = None
    for problem in problems:
        if problem.path != current:
            current = problem.path
            lines += ["", f"**{markdown_path(problem.path)}**", ""]
        mark = "❌ error" if problem.severity == "error" else "⚠️ warning"
        hint = f" — {markdown_text(problem.hint)}" if problem.hint else ""
        lines.append(
            f"- line {problem.line}, column {problem.column}, {mark}: "
            f"{markdown_text(problem.message)}{hint}"
        )
    return "\n".join(lines).strip("\n")


FORMATS: Mapping[str, Callable[[list[Problem], int], str]] = MappingProxyType(
    {"text": as_text, "github": as_github, "json": as_json, "markdown": as_markdown}
)
