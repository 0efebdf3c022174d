"""Full-text search of the guide and policy pages: one Pagefind index of the built site.

Pagefind reads the finished HTML, so it runs when Pelican has finished, on the
staging folder, before the build is published; a failed index fails the build.
Only elements marked ``data-pagefind-body`` (the guide and policy articles) are
indexed (Pagefind drops unmarked pages once any page is marked). Each language
gets its own index, from the pages' ``<html lang>``; the search page loads the
one of its own language. Clinics are searched in the browser from the
directory's own data index (``/data/index.json``), which the finder loads anyway:
indexing ten thousand clinic pages with Pagefind cost about a third of the build.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from pagefind.service import get_executable

from clinic_directory.errors import ClinicDirectoryError

#: Folder of the search bundle inside the site; the theme's search script loads it.
BUNDLE_FOLDER = "pagefind"


class SearchIndexError(ClinicDirectoryError):
    """Pagefind could not index the built site."""


def index_site(site: Path, pages: Sequence[str] = ()) -> int:
    """Write Pagefind's bundle into ``site/pagefind/``; return how many pages it holds.

    ``pages`` names the files that may carry search content; Pagefind reads only
    those (it would otherwise parse every page of the site to find the marked ones).

    Pagefind's command line, not its Python service: the service answers that the
    files are written while writes may still be in flight (Pagefind issue #1271).
    It runs in the site folder with no ``PAGEFIND_*`` variables, so no stray
    configuration file or variable changes the index.
    """
    executable = get_executable()
    if executable is None:
        raise SearchIndexError(
            "the Pagefind program was not found (install the pagefind[bin] package)"
        )
    command = [str(executable), "--site", ".", "--output-subdir", BUNDLE_FOLDER]
    command += ["--silent"]
    if pages:
        command += ["--glob", "{" + ",".join(pages) + "}"]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    run = subprocess.run(command, cwd=site, env=environment, capture_output=True, text=True)
    if run.returncode:
        said = " ".join((run.stderr or run.stdout).split())
        raise SearchIndexError(f"{site}: Pagefind stopped with exit code {run.returncode}: {said}")
    entry = json.loads((site / BUNDLE_FOLDER / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())
