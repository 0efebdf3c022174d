"""Building tiny sites end to end: pages, facts, escaping, pagination, publishing."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from sites import PROJECT, TinySite, publishable, record

from clinic_directory.errors import InvalidRecordsError

# What the validator lets through (it refuses tags outright) must still be escaped.
HOSTILE = "Evil \"quoted\" 'single' `tick` ${document.title} &lt;b&gt; a < b > c &amp;"


def jsonld_blocks(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def medical_clinic(html: str) -> dict:
    [clinic] = [block for block in jsonld_blocks(html) if block["@type"] == "MedicalClinic"]
    return clinic


class LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src"} and value:
                self.links.append(value)


def test_clinic_page_shows_the_facts_a_patient_needs(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build()
    html = tiny_site.page("clinics/tx/lantern-hill/index.html")
    assert "<h1>Lantern Hill Ketamine Clinic</h1>" in html
    # the single-session price heads the route; the package keeps its own figure
    assert "<dd>$550 per session</dd>" in html
    assert "6-session package $2,900 ($483 each)" in html
    assert "$483.33" not in html
    assert "as stated by the clinic" in html
    assert "Dana Ortiz" in html and '<time datetime="2026-09-14">Sep 14, 2026</time>' in html
    assert 'href="tel:+15125550134"><span class="key-label">Call</span> (512) 555-0134</a>' in html
    # contact, status and prices come before the description
    assert html.index('class="clinic-key"') < html.index('class="description"')
    assert 'class="clinic-map" data-lat="30.2747" data-lon="-97.7404"' in html
    clinic = medical_clinic(html)
    assert clinic["@type"] == "MedicalClinic"
    assert clinic["address"]["addressLocality"] == "Austin"


def test_clinic_json_carries_the_record_beside_the_page(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build()
    document = json.loads(tiny_site.page("clinics/tx/lantern-hill/clinic.json"))
    assert "Lantern Hill Ketamine Clinic" in json.dumps(document)


def test_hostile_text_is_escaped_in_html_and_survives_in_json_ld(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", record(name=HOSTILE, description=HOSTILE))
    tiny_site.build()
    escaped = "Evil &#34;quoted&#34; &#39;single&#39; `tick` ${document.title} &amp;lt;b&amp;gt; a &lt; b &gt; c &amp;amp;"
    html = tiny_site.page("clinics/tx/lantern-hill/index.html")
    assert f"<h1>{escaped}</h1>" in html
    assert f'data-name="{escaped}"' in html
    assert "&lt;b&gt;" not in html.replace("&amp;lt;b&amp;gt;", "")
    clinic = medical_clinic(html)
    assert clinic["name"] == HOSTILE
    assert escaped in tiny_site.page("clinics/tx/index.html")


def test_lists_paginate_in_the_neutral_order(tiny_site: TinySite) -> None:
    for number in range(5):
        data = record(
            name=f"Clinic {chr(65 + number)} Ketamine",
            phone=f"+1 512-555-01{number:02d}",
            address={**record()["address"], "street": f"{number + 1} Quill Row"},
        )
        tiny_site.add(f"tx/clinic-{chr(97 + number)}", data)
    tiny_site.build(CLINIC_PER_PAGE=2)
    first = tiny_site.page("clinics/index.html")
    assert "Page 1 of 3" in first
    assert (tiny_site.output / "clinics/page/3/index.html").exists()
    assert (tiny_site.output / "clinics/tx/page/2/index.html").exists()
    shown = re.findall(
        r'class="clinic-card" data-id="(tx/clinic-[a-e])"',
        "".join(
            tiny_site.page(p)
            for p in (
                "clinics/index.html",
                "clinics/page/2/index.html",
                "clinics/page/3/index.html",
            )
        ),
    )
    # Same state and city: the documented monthly rotation decides, not the name.
    expected = sorted(shown, key=lambda i: hashlib.sha256(f"2026-11:{i}".encode()).hexdigest())
    assert shown == expected
    assert sorted(shown) == [f"tx/clinic-{c}" for c in "abcde"]


def test_closed_clinic_keeps_its_page_but_leaves_the_lists(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", record(status="closed"))
    tiny_site.build()
    assert "This clinic has closed" in tiny_site.page("clinics/tx/lantern-hill/index.html")
    assert "tx/lantern-hill" not in tiny_site.page("clinics/index.html")


def test_previous_slugs_redirect_to_the_new_page(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", record(previous_slugs=["tx/old-lantern"]))
    tiny_site.build()
    redirect = tiny_site.page("clinics/tx/old-lantern/index.html")
    assert 'http-equiv="refresh"' in redirect
    assert "clinics/tx/lantern-hill/" in redirect
    assert (tiny_site.output / "clinics/tx/old-lantern/clinic.json").exists()


def test_invalid_record_leaves_the_previous_output_untouched(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build()
    before = sorted(p.relative_to(tiny_site.output) for p in tiny_site.output.rglob("*"))
    tiny_site.add("tx/broken", record(phone=5125550100))
    with pytest.raises(InvalidRecordsError, match=r"clinics/tx/broken.yaml:\d+:\d+"):
        tiny_site.build()
    after = sorted(p.relative_to(tiny_site.output) for p in tiny_site.output.rglob("*"))
    assert after == before
    assert not (tiny_site.output.parent / "output.building").exists()


def test_publish_build_refuses_sample_records(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.add("tx/sample-clinic", record(sample=True), folder="samples")
    with pytest.raises(InvalidRecordsError, match="sample"):
        tiny_site.build(CLINICS_PATHS=["clinics", "samples"], CLINIC_PUBLISH=True)


def test_development_build_marks_samples_noindex_with_a_banner(tiny_site: TinySite) -> None:
    tiny_site.add("tx/sample-clinic", record(sample=True), folder="samples")
    tiny_site.build()
    html = tiny_site.page("clinics/tx/sample-clinic/index.html")
    assert 'name="robots" content="noindex' in html
    assert "Demonstration data" in html


def test_every_page_carries_the_csp_and_the_crisis_line(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build()
    for page in tiny_site.output.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in html, page
        if 'http-equiv="refresh"' not in html:
            assert "988" in html, page
            assert "<script>" not in html and " onclick=" not in html, page


def test_sub_path_build_links_all_resolve(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", publishable(record()))
    site_url = "https://example.org/directory"
    tiny_site.build("publishconf.py", SITEURL=site_url)
    missing = set()
    for page in tiny_site.output.rglob("*.html"):
        collector = LinkCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        page_url = f"{site_url}/{page.relative_to(tiny_site.output).as_posix()}"
        for link in collector.links:
            link = urljoin(page_url, link)
            if not link.startswith(site_url + "/"):
                continue
            path = link[len(site_url) :].split("#")[0].split("?")[0].lstrip("/")
            target = tiny_site.output / path
            if not (target.is_file() or (target / "index.html").is_file()):
                missing.add((page.relative_to(tiny_site.output).as_posix(), link))
    assert not missing


def test_assets_are_published_under_content_hashes(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build()
    css = [p.name for p in (tiny_site.output / "static" / "css").glob("site.*.css")]
    assert len(css) == 1 and re.fullmatch(r"site\.[0-9a-f]{10}\.css", css[0])
    assert f"static/css/{css[0]}" in tiny_site.page("index.html")


def test_state_page_compares_prices_per_route(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build()
    html = tiny_site.page("clinics/tx/index.html")
    assert "<h1>Ketamine clinics in Texas</h1>" in html
    table = html[html.index('<table class="comparison') :]
    assert "IV infusion: $550 per session" in table
    assert Path(tiny_site.output / "schema/clinic.schema.json").exists()


def test_public_build_publishes_sitemap_feed_and_robots(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", publishable(record()))
    tiny_site.build("publishconf.py", SITEURL="https://example.org/directory")
    sitemap = tiny_site.page("sitemap.xml")
    assert (
        "<loc>https://example.org/directory/clinics/tx/lantern-hill/</loc><lastmod>2026-09-14</lastmod>"
        in sitemap
    )
    assert "https://example.org/directory/about/" in sitemap
    assert "Sitemap: https://example.org/directory/sitemap.xml" in tiny_site.page("robots.txt")
    assert "Lantern Hill Ketamine Clinic, Austin, TX" in tiny_site.page("feeds/clinics.atom.xml")


def test_development_build_asks_robots_to_stay_away(tiny_site: TinySite) -> None:
    tiny_site.add("tx/sample-clinic", record(sample=True), folder="samples")
    tiny_site.build()
    assert "Disallow: /" in tiny_site.page("robots.txt")
    assert not (tiny_site.output / "sitemap.xml").exists()


def test_search_index_can_be_switched_off_for_quick_builds(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build(CLINIC_SEARCH_INDEX=False)
    assert (tiny_site.output / "clinics/tx/lantern-hill/index.html").exists()
    assert not (tiny_site.output / "pagefind").exists()
    tiny_site.build()
    assert (tiny_site.output / "pagefind/pagefind.js").exists()


def test_published_schema_is_the_committed_file(tiny_site: TinySite) -> None:
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build(CLINIC_SEARCH_INDEX=False)
    committed = PROJECT / "plugins/clinic_directory/schema/clinic.schema.json"
    assert tiny_site.page("schema/clinic.schema.json") == committed.read_text(encoding="utf-8")
