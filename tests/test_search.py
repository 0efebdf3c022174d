"""Site search: Pagefind's index of the guide and policy pages, and the search page.

Pagefind runs as its own program over the built site; like every test here,
these run with network sockets disabled. Clinics are searched in the browser
from the data index (see the browser tests).
"""

from __future__ import annotations

import gzip
import html
import json
import re
import shutil
from pathlib import Path

import pytest
from sites import record

from clinic_directory.site.search import BUNDLE_FOLDER, SearchIndexError, index_site


def write_page(site: Path, path: str, body: str) -> None:
    target = site / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        f'<!DOCTYPE html><html lang="en"><head><title>{path}</title></head>'
        f"<body><nav>Clinics Map Guide</nav>{body}</body></html>",
        encoding="utf-8",
    )


def entry(site: Path) -> dict:
    return json.loads((site / BUNDLE_FOLDER / "pagefind-entry.json").read_text(encoding="utf-8"))


def test_only_pages_marked_as_search_content_are_indexed(tmp_path):
    write_page(tmp_path, "about/index.html", "<article data-pagefind-body><h1>About</h1>Who we are.</article>")  # fmt: skip
    write_page(tmp_path, "guide/routes/index.html", "<article data-pagefind-body><h1>Routes</h1>IV infusion.</article>")  # fmt: skip
    write_page(tmp_path, "clinics/index.html", "<h1>All clinics</h1>A listing, not indexed.")

    assert index_site(tmp_path) == 2
    assert (tmp_path / BUNDLE_FOLDER / "pagefind.js").is_file()
    assert entry(tmp_path)["languages"]["en"]["page_count"] == 2


def test_a_failing_pagefind_is_reported_with_its_exit_code(tmp_path, monkeypatch):
    write_page(tmp_path, "guide/index.html", "<article data-pagefind-body>Words.</article>")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", shutil.which("false"))

    with pytest.raises(SearchIndexError, match="exit code 1"):
        index_site(tmp_path)


def test_a_failing_index_fails_the_build_and_publishes_nothing(tiny_site, monkeypatch):
    tiny_site.add("tx/lantern-hill", record())
    first = tiny_site.build()
    before = sorted(p.relative_to(first.output) for p in first.output.rglob("*"))
    tiny_site.add("tx/second", record(name="Second Clinic", phone="+1 512-555-0150"))
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", shutil.which("false"))

    with pytest.raises(SearchIndexError, match="exit code 1"):
        tiny_site.build()

    assert sorted(p.relative_to(first.output) for p in first.output.rglob("*")) == before
    assert not (tiny_site.root / "output.building").exists()


def test_the_build_indexes_guide_and_policy_pages_but_not_clinics(tiny_site):
    tiny_site.add("tx/lantern-hill", record())
    result = tiny_site.build()

    content = tiny_site.root / "content"
    for lang, folder in (("en", "{}"), ("es", "{}/es")):
        pages = [*content.glob(folder.format("guide") + "/*.md")]
        pages += content.glob(folder.format("pages") + "/*.md")
        assert entry(result.output)["languages"][lang]["page_count"] == len(pages)
    urls = indexed_text(result.output)
    assert not [url for url in urls if "lantern-hill" in url]
    assert any("Ketamine" in text for text in urls.values())
    assert "data-pagefind-body" not in tiny_site.page("clinics/tx/lantern-hill/index.html")


def indexed_text(site: Path) -> dict[str, str]:
    """Page URL -> the text Pagefind indexed, read from its fragment files (gzip, then
    a short signature, then JSON)."""
    found = {}
    for fragment in (site / BUNDLE_FOLDER).rglob("*.pf_fragment"):
        raw = gzip.decompress(fragment.read_bytes())
        document = json.loads(raw[raw.index(b"{") :])
        found[document["url"]] = document["content"]
    return found


def test_every_search_box_leads_to_the_search_page(tiny_site):
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build()
    home = tiny_site.page("index.html")
    form = re.search(r'<form action="([^"]*)" method="get" role="search"', home)
    assert form is not None and form.group(1).endswith("search/")
    assert 'name="q"' in home
    assert re.search(r'<a href="[^"]*search/">Search</a>', home)


def test_the_search_page_shows_its_form_only_with_script_and_a_way_to_browse_without(tiny_site):
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build()
    page = tiny_site.page("search/index.html")
    form = re.search(r"<form [^>]*>", page)
    assert form is not None and "needs-js" in form.group(0)  # hidden by noscript.css
    assert re.search(
        r'<noscript><link rel="stylesheet" href="[^"]*noscript\.[0-9a-f]+\.css">', page
    )
    assert 'name="q"' in page and "autofocus" in page
    assert 'data-index="./../data/index.json"' in page or "data/index.json" in page
    start = page.index("<noscript>", page.index("<main"))
    noscript = page[start : page.index("</noscript>", start)]
    assert "Texas" in noscript and "guide/" in noscript


def test_csp_allows_webassembly_and_nothing_more(tiny_site):
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', tiny_site.page("index.html"))  # fmt: skip
    assert csp is not None
    policy = html.unescape(csp.group(1))
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert "unsafe-inline" not in policy
    assert "'unsafe-eval'" not in policy
