"""``clinic-directory report``: the pull request's comment, from the check's JSON reports.

The check runs a contributor's branch, so what it reports is untrusted: this command
runs in a trusted workflow (the ``workflow_run`` pattern) on the default branch's
code, and reads the reports as data. Every field is checked for its type and size,
every text escaped as Markdown, and links to preview pages are built only from
paths that are clinic identities. The comment starts with a marker, so the workflow
finds and updates its one comment on each push instead of adding another.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from clinic_directory.commands.validate import as_markdown
from clinic_directory.errors import Problem

#: The first line of the comment; the workflow looks for it to update the comment.
MARKER = "<!-- clinic-directory-report -->"
#: More than this many problems are counted, not listed: a comment holds 65,536 characters.
MAX_LISTED = 200
#: A link the comment may carry: https, and no character that could end Markdown's ( ).
SAFE_URL = re.compile(r"https://[A-Za-z0-9.\-_~/:%?=&#+]+")
#: A published record's path; only these become links to preview pages.
RECORD_PATH = re.compile(r"clinics/([a-z]{2})/([a-z0-9]+(?:-[a-z0-9]+)*)\.ya?ml")
_SEVERITIES = ("error", "warning")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write the pull request's comment (Markdown) from the check's JSON reports",
    )
    parser.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json")
    parser.add_argument("--preview-url", help="where the pull request's site is deployed, if it is")
    parser.add_argument("--run-url", help="the check's run, for the full log")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    reports = [read_report(path) for path in args.reports]
    print(render(reports, preview_url=args.preview_url, run_url=args.run_url))
    return 0


def read_report(path: Path) -> dict[str, Any]:
    """A report as written by ``validate --json-file`` or ``links --json-file``, keeping
    only well-formed problems and changed paths; anything else is dropped, never trusted."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8")[:5_000_000])
    except (OSError, ValueError):
        return {"problems": [], "changed": [], "unreadable": path.name}
    raw = raw if isinstance(raw, dict) else {}
    problems = [_problem(item) for item in _list(raw.get("problems"))]
    changed = [item for item in _list(raw.get("changed")) if isinstance(item, str)]
    return {"problems": [p for p in problems if p], "changed": changed[:1000]}


def _list(value: Any) -> list[Any]:
    return value[:10_000] if isinstance(value, list) else []


def _problem(item: Any) -> Problem | None:
    if not isinstance(item, dict):
        return None
    text = {name: item.get(name) for name in ("path", "message", "hint", "severity")}
    numbers = {name: item.get(name) for name in ("line", "column")}
    if not all(isinstance(value, str) for value in text.values()):
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in numbers.values()):
        return None
    if text["severity"] not in _SEVERITIES:
        return None
    return Problem(
        text["path"][:300],
        min(numbers["line"], 10**6),
        min(numbers["column"], 10**6),
        text["message"][:1000],
        text["hint"][:1000],
        text["severity"],
    )


def preview_links(changed: list[str], preview_url: str | None) -> list[str]:
    """Links straight to the preview pages of the changed clinics."""
    if not preview_url or not SAFE_URL.fullmatch(preview_url):
        return []
    base = preview_url.rstrip("/")
    links = []
    for path in sorted(set(changed)):
        match = RECORD_PATH.fullmatch(path)
        if match:
            state, slug = match.groups()
            links.append(f"- [{state}/{slug}]({base}/clinics/{state}/{slug}/)")
    return links


def render(
    reports: list[dict[str, Any]], *, preview_url: str | None = None, run_url: str | None = None
) -> str:
    """The comment: what the checks found, in plain words, and where to look."""
    problems = sorted({problem for report in reports for problem in report["problems"]})
    changed = [path for report in reports for path in report["changed"]]
    files = len(set(changed) | {problem.path for problem in problems})
    listed = as_markdown(problems[:MAX_LISTED], files)
    lines = [MARKER, listed]
    if len(problems) > MAX_LISTED:
        lines.append(f"\n… and {len(problems) - MAX_LISTED} more; the check's log lists them all.")
    if problems:
        lines.append(
            "\nEach line says where the problem is (line and column of the file) and how to "
            "fix it. Errors must be fixed before merging; warnings are for the reviewer."
        )
    links = preview_links(changed, preview_url)
    if links:
        lines += ["", "#### Preview", "", *links]
    if run_url and SAFE_URL.fullmatch(run_url):
        lines += ["", f"[The check's log]({run_url})"]
    return "\n".join(lines) + "\n"
