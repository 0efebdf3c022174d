"""The script budget over the built sample site: every page makes a browser download at
most 60 KB of script (gzipped) without a map and 120 KB with one, counting the map's
library where the page loads it on demand; a page without a map never asks for it.

Script size does not grow with the number of clinics (the clinics arrive as data), so
the sample site measures what a 10,000-clinic site sends too.
"""

from __future__ import annotations

import gzip
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from clinic_directory.site.publish import build_site, load_settings

ROOT = Path(__file__).resolve().parent.parent
KB = 1024
WITHOUT_MAP = 60 * KB
WITH_MAP = 120 * KB
#: Classes of the placeholders a map is drawn in.
MAP_PLACEHOLDERS = {"directory-map", "clinic-map"}


class PageScripts(HTMLParser):
    """The scripts a page loads: <script src>, the map's scripts named on directory.js
    (data-map-scripts), and Pagefind's script where site search imports it."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.map_scripts: list[str] = []
        self.has_map = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "script" and found.get("src"):
            self.scripts.append(found["src"])
            self.map_scripts += found.get("data-map-scripts", "").split()
        if MAP_PLACEHOLDERS & set(found.get("class", "").split()):
            self.has_map = True
        if found.get("data-bundle"):
            self.scripts.append(found["data-bundle"])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    settings = load_settings(ROOT / "pelicanconf.py")
    output = tmp_path_factory.mktemp("budget") / "site"
    build_site({**settings, "OUTPUT_PATH": str(output)})
    return output


@cache
def gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def local_file(site: Path, page: Path, src: str) -> Path:
    """The file a page's relative or site-absolute script address points at."""
    path = urlsplit(src).path
    base = site if path.startswith("/") else page.parent
    return (base / path.lstrip("/")).resolve()


def script_weight(site: Path, page: Path) -> tuple[int, bool, list[str]]:
    """Gzipped bytes of script the page loads, whether it shows a map, and the scripts."""
    parser = PageScripts()
    parser.feed(page.read_text(encoding="utf-8"))
    sources = parser.scripts + (parser.map_scripts if parser.has_map else [])
    files = [local_file(site, page, src) for src in sources]
    missing = [str(f) for f in files if not f.is_file()]
    assert missing == [], f"{page}: scripts missing from the site"
    return sum(gzipped_size(f) for f in files), parser.has_map, [f.name for f in files]


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


def test_every_page_keeps_to_the_script_budget(site: Path) -> None:
    over = []
    for page in pages(site):
        weight, has_map, _ = script_weight(site, page)
        budget = WITH_MAP if has_map else WITHOUT_MAP
        if weight > budget:
            over.append(f"{page.relative_to(site)}: {weight / KB:.1f} KB > {budget // KB} KB")
    assert over == []


def test_only_pages_with_a_map_load_the_map_library(site: Path) -> None:
    wrong = []
    for page in pages(site):
        _, has_map, names = script_weight(site, page)
        if has_map != any(name.startswith("leaflet") for name in names):
            wrong.append(str(page.relative_to(site)))
    assert wrong == []
    _, has_map, names = script_weight(site, site / "index.html")
    # the home page's place box: format.js gives place-search.js its words
    assert not has_map and [name.split(".")[0] for name in names] == ["format", "place-search"]


@pytest.mark.parametrize(
    ("path", "with_map"),
    [
        ("index.html", False),
        ("clinics/index.html", True),
        ("map/index.html", True),
        ("compare/index.html", False),
        ("search/index.html", False),
        ("guide/index.html", False),
    ],
)
def test_page_types_have_the_expected_map(site: Path, path: str, with_map: bool) -> None:
    """A guard on the parser: the pages that show a map are the ones it finds."""
    assert script_weight(site, site / path)[1] is with_map
