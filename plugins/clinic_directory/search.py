"""Full-text site search: a Pagefind index of the built clinic and guide pages.

Pagefind reads the finished HTML, so it runs after Pelican on the staging folder,
before the build swaps that folder into place; a failed index fails the build.
Only elements marked ``data-pagefind-body`` (the clinic and guide articles) are
indexed, with ``data-pagefind-filter`` facets for type, state and route. The
directory's own filters keep using ``data/index.json``: search is for words.
Text every clinic page repeats (prices, contact details, hours, sources) is
marked ``data-pagefind-ignore`` in the template: it would match every clinic,
and Pagefind's time grows with the words it indexes.

Pagefind costs a few milliseconds of CPU a page (about 2.5 ms for a clinic) and
cannot update an index, so a large site's index is split into shards by a hash
of each page's path: the primary bundle in
``pagefind/`` and the others in ``pagefind/shard-<n>/``, listed in
``pagefind/shards.json`` for the search script to merge (Pagefind's
``mergeIndex``). A rebuild indexes again only the shards holding a page that
changed and keeps the others as published.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pagefind.service import get_executable

from clinic_directory.errors import ClinicDirectoryError
from clinic_directory.fingerprint import BuildManifest, digest
from clinic_directory.output import FileStamp, StagedOutput, stamp_of
from clinic_directory.settings import OTHER_DEFAULTS

#: Folder of the search bundle inside the site; the theme's search script loads it.
BUNDLE_FOLDER = "pagefind"
#: The other shards' folders, relative to the bundle; the search script merges them.
SHARDS_FILE = "shards.json"
#: Pages a shard holds at most on average (about 5 s of indexing). Fewer would make
#: rebuilds faster but cost visitors one more request per shard and search.
SHARD_PAGES = OTHER_DEFAULTS["CLINIC_SEARCH_SHARD_PAGES"]
#: What marks a page for search (see the module docstring).
SEARCH_MARKER = b"data-pagefind-body"
#: What a merged shard needs (names in its bundle); scripts, styles and WebAssembly
#: come from the primary.
SHARD_DATA = ("pagefind-entry.json", "*.pf_meta", "fragment", "index", "filter")
LANGUAGE = "en"

logger = logging.getLogger(__name__)


class SearchIndexError(ClinicDirectoryError):
    """Pagefind could not index the built site."""


@dataclass(frozen=True)
class SearchIndex:
    pages: int
    bundle: Path
    shards: int  # bundles the browser merges, the primary included
    indexed: int  # shards this run indexed; the others were kept as published


@dataclass
class PageMarks:
    """Which built pages carry the search marker, by file stamp: a page kept from the
    last build is the very same file, and reading ten thousand pages again costs seconds."""

    marked: dict[str, FileStamp] = field(default_factory=dict)
    unmarked: dict[str, FileStamp] = field(default_factory=dict)

    #: Fingerprint of what the marks mean: a new marker makes the old ones worthless.
    KEY: ClassVar[str] = digest(SEARCH_MARKER.decode())

    @classmethod
    def remembered(cls, manifest: BuildManifest | None) -> PageMarks:
        if manifest is None:
            return cls()
        return cls(
            manifest.stamps("marked-pages", cls.KEY) or {},
            manifest.stamps("unmarked-pages", cls.KEY) or {},
        )

    @classmethod
    def of_site(cls, site: Path, remembered: PageMarks | None = None) -> PageMarks:
        """The marks of every HTML page of ``site``; only pages ``remembered`` did not
        see as they are now are read."""
        known, found = remembered or cls(), cls()
        for folder, subfolders, names in os.walk(site):
            prefix = ""
            if folder == os.fspath(site):
                subfolders[:] = [name for name in subfolders if name != BUNDLE_FOLDER]
            else:
                prefix = os.path.relpath(folder, site).replace(os.sep, "/") + "/"
            for name in names:
                path = os.path.join(folder, name)
                stamp = stamp_of(path) if name.endswith(".html") else None
                if stamp is not None:
                    page = prefix + name
                    marks = found.marked if known.carries(page, stamp, path) else found.unmarked
                    marks[page] = stamp
        return found

    @property
    def pages(self) -> list[str]:
        """Site-relative paths of the pages marked for search, in a stable order."""
        return sorted(self.marked)

    def carries(self, page: str, stamp: FileStamp, path: str) -> bool:
        """Whether the page at ``path`` carries the marker, read only if not known."""
        if self.marked.get(page) == stamp:
            return True
        if self.unmarked.get(page) == stamp:
            return False
        with open(path, "rb") as file:
            return SEARCH_MARKER in file.read()

    def remember(self, manifest: BuildManifest) -> None:
        manifest.record("marked-pages", self.KEY, self.marked)
        manifest.record("unmarked-pages", self.KEY, self.unmarked)


def shard_of(page: str, count: int) -> int:
    """The shard of a page: a hash of its path, so a page stays in its shard."""
    return int(hashlib.sha256(page.encode()).hexdigest()[:8], 16) % count


def split_into_shards(pages: list[str], shard_pages: int = SHARD_PAGES) -> list[list[str]]:
    """Pages grouped into a power of two of shards (so their number rarely changes),
    each holding ``shard_pages`` or fewer on average, none empty."""
    count = 1
    while count * shard_pages < len(pages):
        count *= 2
    while True:
        shards: list[list[str]] = [[] for _ in range(count)]
        for page in pages:
            shards[shard_of(page, count)].append(page)
        if count == 1 or all(shards):
            return shards
        count //= 2


def shard_folder(number: int) -> str:
    return BUNDLE_FOLDER if number == 0 else f"{BUNDLE_FOLDER}/shard-{number}"


@dataclass(frozen=True)
class _Pagefind:
    """Pagefind's command line, and the version that goes into each shard's fingerprint
    (the ``pagefind`` package does not pin the program's version to its own).

    The command line, not Pagefind's service: the service answers that the files are
    written while its writes may still be in flight, and is then stopped, which can
    leave a file empty or cut short (Pagefind issue #1271). The command waits for them.
    """

    executable: str
    version: str

    @classmethod
    def find(cls) -> _Pagefind:
        executable = get_executable()
        if executable is None:
            raise SearchIndexError(
                "the Pagefind program was not found (install the pagefind[bin] package)"
            )
        return cls(str(executable), cls._run([str(executable), "--version"], Path.cwd()))

    @staticmethod
    def _run(command: list[str], folder: Path) -> str:
        # In the page folder with no PAGEFIND_* variables, so no stray Pagefind
        # configuration file or variable changes the index.
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
        run = subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True)
        if run.returncode:
            said = " ".join((run.stderr or run.stdout).split())
            raise SearchIndexError(f"Pagefind stopped with exit code {run.returncode}: {said}")
        return run.stdout.strip()

    def index(self, pages: Path, bundle: Path) -> None:
        command = [self.executable, "--site", ".", "--output-path", str(bundle.resolve())]
        self._run([*command, "--force-language", LANGUAGE, "--silent"], pages)

    def index_all(self, jobs: Iterable[tuple[Path, Path]]) -> None:
        """Index each (pages, bundle) pair, as many at once as there are processors.

        The next pair is made ready while the first ones are indexed, and each
        pair's copies of the pages are deleted once indexed, also while the others
        are: at ten thousand pages, making and deleting them takes seconds.
        """
        with ThreadPoolExecutor(os.cpu_count() or 1) as workers:
            for finished in [workers.submit(self._index_once, *job) for job in jobs]:
                finished.result()

    def _index_once(self, pages: Path, bundle: Path) -> None:
        self.index(pages, bundle)
        shutil.rmtree(pages, ignore_errors=True)


def _mirror(site: Path, pages: list[str], folder: Path) -> Path:
    """``folder`` holding just ``pages``, at their paths in the site (hard links)."""
    folder.mkdir(parents=True, exist_ok=True)
    for page in pages:
        target = folder / page
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(site / page, target)
        except OSError:
            shutil.copyfile(site / page, target)
    return folder


def _shard_data(bundle: Path, number: int) -> Path:
    """Drop what a merged shard does not need (it is the primary's)."""
    if number:
        for entry in os.scandir(bundle):
            if not any(fnmatch.fnmatchcase(entry.name, pattern) for pattern in SHARD_DATA):
                if entry.is_dir():
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
    return bundle


def _page_count(bundle: Path) -> int:
    """Pages in a written index; pages without ``data-pagefind-body`` are not among them."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def index_site(
    site: Path,
    *,
    previous: Path | None = None,
    cache_folder: Path | None = None,
    shard_pages: int = SHARD_PAGES,
) -> SearchIndex:
    """Index the pages of a built site and write Pagefind's bundle into ``site/pagefind/``.

    With ``previous`` (the published site that ``site`` will replace) and
    ``cache_folder``, shards whose pages did not change are kept from ``previous``;
    without, every shard is indexed and any earlier bundle in ``site`` replaced.
    """
    if not site.is_dir():
        raise SearchIndexError(f"{site}: no built site to index (build the site first)")
    output = StagedOutput(site, previous or site)
    if output.in_place:
        shutil.rmtree(site / BUNDLE_FOLDER, ignore_errors=True)
    manifest = (
        BuildManifest.load(cache_folder, output.previous.resolve(), "search")
        if cache_folder and not output.in_place
        else None
    )
    marks = PageMarks.of_site(site, PageMarks.remembered(manifest))
    pages = marks.pages
    if not pages:  # a site built without the directory's theme: nothing to search
        logger.warning(
            "%s: no page is marked data-pagefind-body, so no search index was written "
            "(the directory's clinic and guide templates mark their article with it)",
            site,
        )
        return SearchIndex(pages=0, bundle=site / BUNDLE_FOLDER, shards=0, indexed=0)
    pagefind = _Pagefind.find()
    shards = split_into_shards(pages, shard_pages)
    fingerprints = [
        digest(pagefind.version, LANGUAGE, len(shards), [(p, marks.marked[p]) for p in shard])
        for shard in shards
    ]
    kept = {
        number: stamps
        for number, fingerprint in enumerate(fingerprints)
        if (stamps := _keep_shard(output, manifest, number, fingerprint))
    }
    stale = [number for number in range(len(shards)) if number not in kept]
    try:
        with tempfile.TemporaryDirectory(prefix=f".{site.name}.search-", dir=site.parent) as work:
            pagefind.index_all(
                (
                    _mirror(site, shards[number], Path(work, f"pages-{number}")),
                    Path(work, f"bundle-{number}"),
                )
                for number in stale
            )
            written = {
                number: output.adopt(
                    _shard_data(Path(work, f"bundle-{number}"), number), shard_folder(number)
                )
                for number in stale
            }
        others = [f"shard-{number}/" for number in range(1, len(shards))]
        output.write_text(f"{BUNDLE_FOLDER}/{SHARDS_FILE}", json.dumps({"shards": others}))
        indexed = sum(_page_count(site / shard_folder(number)) for number in range(len(shards)))
    except (SearchIndexError, OSError, ValueError, KeyError) as error:
        raise SearchIndexError(f"{site}: the search index could not be built: {error}") from error
    if manifest is not None:
        for number, fingerprint in enumerate(fingerprints):
            stamps = kept.get(number) or {f: output.stamp(f) for f in written[number]}
            manifest.record(f"shard-{number}", fingerprint, stamps)
        marks.remember(manifest)
        manifest.save()
    return SearchIndex(
        pages=indexed, bundle=site / BUNDLE_FOLDER, shards=len(shards), indexed=len(stale)
    )


def _keep_shard(
    output: StagedOutput, manifest: BuildManifest | None, number: int, fingerprint: str
) -> dict[str, FileStamp] | None:
    """Carry a shard's published files over if its pages are the ones it indexed;
    return the stamps of the files kept."""
    stamps = manifest.stamps(f"shard-{number}", fingerprint) if manifest else None
    folder = f"{shard_folder(number)}/"
    if (
        stamps
        and all(n.startswith(folder) and ".." not in n.split("/") for n in stamps)
        and output.keep(stamps)
    ):
        return stamps
    return None
