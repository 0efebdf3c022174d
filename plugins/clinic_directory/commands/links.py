"""``clinic-directory links``: check that the websites and sources of records still answer.

A link that does not answer is a prompt for a reviewer to look, never a failure:
clinic sites go down for a day and some refuse robots. So every finding is a
warning and the command exits 0. It is the one check that needs the network; the
fetcher is a parameter, so tests pass a fake and never touch it.
"""

from __future__ import annotations

import argparse
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

from clinic_directory.commands.validate import FORMATS, as_json, published_files_to_check
from clinic_directory.errors import Problem
from clinic_directory.records.load import LoadedFile, load_file
from clinic_directory.records.text import visible

#: Answers a URL with its HTTP status, or with why it could not be fetched.
Fetcher = Callable[[str], "int | str"]
TIMEOUT_SECONDS = 20
USER_AGENT = "clinic-directory-link-check"
#: Statuses that mean the page is there: some sites refuse robots (403) or rate-limit (429).
ANSWERED = frozenset({*range(200, 400), 401, 403, 429})


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "links",
        help="check that records' websites and sources answer (warnings only, needs the network)",
        description="Fetch each record's website and sources once and warn about those that "
        "do not answer. Never fails: a site may be down for a day.",
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    parser.add_argument("--changed-since", metavar="REF", help="only records changed since REF")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text")
    parser.add_argument("--json-file", type=Path, metavar="FILE", help="also write JSON to FILE")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, fetch: Fetcher | None = None) -> int:
    """Check the links; ``fetch`` replaces the network (tests pass a fake)."""
    files = published_files_to_check(args.paths, args.changed_since)
    loaded = [load_file(path, root=Path.cwd()) for path in files]
    problems = check_links([record for record in loaded if record.data], fetch or fetch_status)
    print(FORMATS[args.format](problems, len(files)))
    if args.json_file:
        args.json_file.write_text(as_json(problems, len(files)) + "\n", encoding="utf-8")
    return 0


def record_links(loaded: LoadedFile) -> Iterable[tuple[tuple, str]]:
    """The website and every source of a record, with where each is written."""
    data = loaded.data
    if isinstance(data.get("website"), str):
        yield ("website",), data["website"]
    sources = data.get("sources")
    for index, url in enumerate(sources if isinstance(sources, list) else ()):
        if isinstance(url, str):
            yield ("sources", index), url


def check_links(records: list[LoadedFile], fetch: Fetcher) -> list[Problem]:
    """A warning at each link that does not answer; each URL is fetched once."""
    answers: dict[str, int | str] = {}
    problems = []
    for loaded in records:
        for path, url in record_links(loaded):
            if not url.startswith("https://"):
                continue  # validation refuses it; never fetch anything else
            if url not in answers:
                answers[url] = fetch(url)
            answer = answers[url]
            if answer in ANSWERED:
                continue
            said = f"HTTP {answer}" if isinstance(answer, int) else visible(str(answer))[:120]
            problems.append(
                loaded.problem(
                    path,
                    f"{visible(url)} did not answer ({said})",
                    "check that the page still exists and update the link; a clinic's site "
                    "may also be down for a day, so this is only a warning",
                    severity="warning",
                )
            )
    return sorted(problems)


def fetch_status(url: str) -> int | str:
    """The HTTP status of ``url`` (HEAD, then GET for servers that refuse HEAD), or why it
    could not be fetched."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return response.status
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue
            return error.code
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            return f"{type(reason).__name__}: {reason}"
    return "no answer"
