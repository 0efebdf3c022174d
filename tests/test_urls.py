"""Every URL the site writes follows the settings: pages, data, redirects, sitemap and feed."""

from __future__ import annotations

import json
import re

from sites import TinySite, publishable, record

from clinic_directory.site.urls import SiteUrls

PROVIDERS = {
    "CLINIC_URL": "providers/{state}/{slug}/",
    "CLINIC_SAVE_AS": "providers/{state}/{slug}/index.html",
    "CLINIC_JSON_SAVE_AS": "providers/{state}/{slug}/record.json",
    "STATE_URL": "where/{slug}/",
    "STATE_SAVE_AS": "where/{slug}/index.html",
    "CLINICS_INDEX_URL": "providers/",
    "CLINICS_INDEX_SAVE_AS": "providers/index.html",
    "CLINIC_PER_PAGE": 1,
    "PAGINATION_PATTERNS": (
        (1, "{url}", "{save_as}"),
        (2, "{base_name}/p{number}/", "{base_name}/p{number}/index.html"),
    ),
}


def indiana_clinic(**changes: object) -> dict:
    return record(
        name="Indiana Clinic",
        phone="+1 317-555-0100",
        address={
            "street": "9 Meridian Walk",
            "city": "Indianapolis",
            "state": "IN",
            "postal_code": "46204",
        },
        location={"lat": 39.77, "lon": -86.16},
        **changes,
    )


def test_one_identity_gives_every_url_and_file_name() -> None:
    urls = SiteUrls.from_settings(PROVIDERS)
    assert urls.clinic("in/indiana-clinic") == "providers/in/indiana-clinic/"
    assert urls.clinic_file("in/indiana-clinic") == "providers/in/indiana-clinic/index.html"
    assert urls.clinic_json("in/indiana-clinic") == "providers/in/indiana-clinic/record.json"
    assert urls.state("IN") == "where/in/"


def test_a_site_with_other_url_patterns_uses_them_everywhere(tiny_site: TinySite) -> None:
    tiny_site.add(
        "in/indiana-clinic", publishable(indiana_clinic(previous_slugs=["in/old-indiana"]))
    )
    tiny_site.add("tx/lantern-hill", publishable(record()))
    site = "https://directory.example/sub"
    result = tiny_site.build("publishconf.py", SITEURL=site, **PROVIDERS)
    out = result.output

    for path in (
        "providers/in/indiana-clinic/index.html",
        "providers/in/indiana-clinic/record.json",
        "providers/in/old-indiana/index.html",
        "providers/in/old-indiana/record.json",
        "providers/index.html",
        "providers/p2/index.html",
        "where/in/index.html",
        "where/tx/index.html",
    ):
        assert (out / path).is_file(), path
    assert not (out / "clinics").exists()

    index = json.loads((out / "data/index.json").read_text(encoding="utf-8"))
    assert index["url"] == PROVIDERS["CLINIC_URL"]
    assert index["json_url"] == PROVIDERS["CLINIC_JSON_SAVE_AS"]
    document = json.loads((out / "providers/in/indiana-clinic/record.json").read_text("utf-8"))
    assert document["url"] == "providers/in/indiana-clinic/"
    opendata = (out / "data/clinics.json").read_text(encoding="utf-8")
    assert f"{site}/providers/in/indiana-clinic/" in opendata

    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    for url in ("providers/in/indiana-clinic/", "providers/", "providers/p2/", "where/in/"):
        assert f"<loc>{site}/{url}</loc>" in sitemap
    assert "/clinics/" not in sitemap
    feed = (out / "feeds/clinics.atom.xml").read_text(encoding="utf-8")
    assert f"{site}/providers/in/indiana-clinic/" in feed and "/clinics/" not in feed

    clinic = (out / "providers/in/indiana-clinic/index.html").read_text(encoding="utf-8")
    assert f'href="{site}/where/in/"' in clinic
    assert f"{site}/providers/in/indiana-clinic/record.json" in clinic
    redirect = (out / "providers/in/old-indiana/index.html").read_text(encoding="utf-8")
    assert f"url={site}/providers/in/indiana-clinic/" in redirect
    compare = (out / "compare/index.html").read_text(encoding="utf-8")
    assert 'data-clinic-json="providers/{state}/{slug}/record.json"' in compare
    # The guide's hand-written links into the directory are content, not templates.
    templated = [p for p in out.rglob("*.html") if p.relative_to(out).parts[0] != "guide"]
    into_clinics = re.compile(rf'href="{re.escape(site)}/clinics/')
    assert not [p for p in templated if into_clinics.search(p.read_text(encoding="utf-8"))]
