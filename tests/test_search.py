"""Site search: the Pagefind index written after the build, and the pages it reads.

Pagefind runs as its own program over temporary copies of the marked pages; like
every test here, these run with network sockets disabled.
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

from clinic_directory.records import vocab
from clinic_directory.site.search import BUNDLE_FOLDER, PageMarks, SearchIndexError, index_site


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
    write_page(tmp_path, "clinics/tx/a/index.html", "<article data-pagefind-body><h1>A</h1>Ketamine in Austin.</article>")  # fmt: skip
    write_page(tmp_path, "guide/routes/index.html", "<article data-pagefind-body><h1>Routes</h1>IV infusion.</article>")  # fmt: skip
    write_page(tmp_path, "clinics/index.html", "<h1>All clinics</h1>A listing, not indexed.")

    index = index_site(tmp_path)

    assert index.pages == 2
    assert index.bundle == tmp_path / "pagefind"
    assert (index.bundle / "pagefind.js").is_file()
    assert entry(tmp_path)["languages"]["en"]["page_count"] == 2


def test_marks_are_read_once_and_trusted_while_the_page_is_the_same_file(tmp_path):
    marked = "<article data-pagefind-body><h1>A</h1>Ketamine.</article>"
    write_page(tmp_path, "clinics/tx/a/index.html", marked)
    write_page(tmp_path, "clinics/index.html", "<h1>All clinics</h1>")
    write_page(tmp_path, ".well-known/about.html", "<p>Not a page for search.</p>")
    first = PageMarks.of_site(tmp_path)
    assert first.pages == ["clinics/tx/a/index.html"]
    assert set(first.unmarked) == {"clinics/index.html", ".well-known/about.html"}

    # What the last build saw is trusted for the same file, even where it is now wrong...
    first.marked["clinics/index.html"] = first.unmarked.pop("clinics/index.html")
    assert PageMarks.of_site(tmp_path, first).pages == [
        "clinics/index.html",
        "clinics/tx/a/index.html",
    ]
    # ...and a page written again is read again.
    write_page(tmp_path, "clinics/index.html", "<h1>All clinics, sorted anew</h1>")
    assert PageMarks.of_site(tmp_path, first).pages == ["clinics/tx/a/index.html"]


def test_a_missing_site_is_an_error(tmp_path):
    with pytest.raises(SearchIndexError, match="no built site"):
        index_site(tmp_path / "output")


def test_a_site_with_nothing_marked_for_search_gets_no_bundle_and_a_warning(tmp_path, caplog):
    write_page(tmp_path, "index.html", "<h1>Home</h1>A page no template marked.")

    index = index_site(tmp_path)

    assert index.pages == 0
    assert not index.bundle.exists()
    assert "data-pagefind-body" in caplog.text


def test_a_failing_pagefind_is_reported_with_its_exit_code(tmp_path, monkeypatch):
    write_page(tmp_path, "guide/index.html", "<article data-pagefind-body>Words.</article>")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", shutil.which("false"))

    with pytest.raises(SearchIndexError, match="exit code 1"):
        index_site(tmp_path)
    assert not (tmp_path / "pagefind").exists()


def test_the_build_indexes_clinic_and_guide_pages(tiny_site):
    tiny_site.add("tx/lantern-hill", record())
    result = tiny_site.build()

    guide_pages = len(list((tiny_site.root / "content" / "guide").glob("*.md")))
    assert entry(result.output)["languages"]["en"]["page_count"] == 1 + guide_pages
    assert not (tiny_site.root / "output.building").exists()


def indexed_text(site: Path) -> dict[str, str]:
    """Page URL -> the text Pagefind indexed, read from its fragment files (gzip, then
    a short signature, then JSON)."""
    found = {}
    for fragment in (site / BUNDLE_FOLDER).rglob("*.pf_fragment"):
        raw = gzip.decompress(fragment.read_bytes())
        document = json.loads(raw[raw.index(b"{") :])
        found[document["url"]] = document["content"]
    return found


def test_search_holds_the_clinic_s_words_not_the_page_s_furniture(tiny_site):
    tiny_site.add("tx/lantern-hill", record(safety=["acls_staff", "pulse_oximetry"]))
    result = tiny_site.build()

    [text] = [text for url, text in indexed_text(result.output).items() if "lantern-hill" in url]
    acls = vocab.ALL["safety"].get("acls_staff")
    assert acls.label in text
    assert acls.explanation not in text
    assert vocab.ALL["route"].get("iv_infusion").explanation not in text
    assert "not an endorsement" not in text
    for boilerplate in ("Comparable price per session", "Prices for", "Insurance for this", "Last verified", "maintainer-handle", "Accepting new patients", "lantern-hill.example", "555-0134"):  # fmt: skip
        assert boilerplate not in text
    for words in ("Lantern Hill", "Austin", "Larkspur Terrace", "Dana Ortiz", "Spanish"):
        assert words in text


def test_clinic_pages_carry_search_content_and_facets(tiny_site):
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build()
    page = tiny_site.page("clinics/tx/lantern-hill/index.html")
    assert page.count("data-pagefind-body") == 1
    assert 'data-pagefind-filter="type:Clinic"' in page
    assert '<span data-pagefind-filter="state">Texas</span>' in page
    routes = re.findall(r'<h3 id="route-[a-z_]+" data-pagefind-filter="route">', page)
    assert len(routes) == 2
    guide = tiny_site.page("guide/routes/index.html")
    assert 'data-pagefind-body data-pagefind-filter="type:Guide"' in guide


def test_home_page_search_form_falls_back_to_the_directory(tiny_site):
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build()
    home = tiny_site.page("index.html")
    form = re.search(r'<form action="([^"]*)" method="get" role="search"', home)
    assert form is not None and form.group(1).endswith("clinics/")
    assert 'name="q"' in home
    assert '<option value="iv_infusion">IV infusion</option>' in home
    assert 'data-bundle="./pagefind/pagefind.js"' in home


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
