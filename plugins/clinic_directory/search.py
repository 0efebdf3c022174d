"""Full-text site search: a Pagefind index of the built clinic and guide pages.

Pagefind reads the finished HTML, so it runs after Pelican on the staging folder,
before the build swaps that folder into place; a failed index fails the build.
Only elements marked ``data-pagefind-body`` (the clinic and guide articles) are
indexed, with ``data-pagefind-filter`` facets for type, state and route. The
directory's own filters keep using ``data/index.json``: search is for words.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

from clinic_directory.errors import ClinicDirectoryError

#: Folder of the search bundle inside the site; the theme's search script loads it.
BUNDLE_FOLDER = "pagefind"


class SearchIndexError(ClinicDirectoryError):
    """Pagefind could not index the built site."""


@dataclass(frozen=True)
class SearchIndex:
    pages: int
    bundle: Path


async def _index(site: Path) -> None:
    config = IndexConfig(force_language="en", output_path=str(site / BUNDLE_FOLDER))
    async with PagefindIndex(config) as index:
        await index.add_directory(str(site))


def _indexed_pages(bundle: Path) -> int:
    """Pages in the written index; pages without ``data-pagefind-body`` are not among them."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def index_site(site: Path) -> SearchIndex:
    """Index the pages of a built site and write Pagefind's bundle into ``site/pagefind/``."""
    if not site.is_dir():
        raise SearchIndexError(f"{site}: no built site to index (build the site first)")
    bundle = site / BUNDLE_FOLDER
    try:
        # In a thread of its own: the caller may already run an event loop (a browser
        # driver, a notebook), and asyncio.run refuses to start inside one.
        with ThreadPoolExecutor(1) as worker:
            worker.submit(asyncio.run, _index(site)).result()
        pages = _indexed_pages(bundle)
    except Exception as error:  # the service reports failures as plain exceptions
        raise SearchIndexError(
            f"{site}: the search index could not be built: {error} "
            "(check that the pagefind[bin] package is installed)"
        ) from error
    return SearchIndex(pages=pages, bundle=bundle)
