"""The built sample site, read as files: one security policy on every page and in the
``_headers`` file the build writes for hosts, nothing inline that the policy would
block, and external links that tell the other site nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sites import PROJECT

from clinic_directory.site.publish import build_site, load_settings

TRUSTED_TYPES = "; require-trusted-types-for 'script'"
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}


@dataclass
class PageFacts:
    """What the security checks need from one HTML page."""

    meta: dict[str, str] = field(default_factory=dict)  # http-equiv or name -> content
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, rel)
    inline_scripts: list[str] = field(default_factory=list)  # type of each script without src
    inline_styles: int = 0  # <style> elements and style="" attributes
    handlers: list[str] = field(default_factory=list)  # on* attributes


class _FactCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.facts = PageFacts()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        facts = self.facts
        facts.handlers += [name for name in attributes if name.startswith("on")]
        facts.inline_styles += tag == "style" or "style" in attributes
        if tag == "meta" and "content" in attributes:
            key = attributes.get("http-equiv") or attributes.get("name")
            if key:
                facts.meta[key.lower()] = attributes["content"]
        elif tag == "a" and "href" in attributes:
            facts.links.append((attributes["href"], attributes.get("rel", "")))
        elif tag == "script" and "src" not in attributes:
            facts.inline_scripts.append(attributes.get("type", ""))


def page_facts(path: Path) -> PageFacts:
    collector = _FactCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector.facts


def header_rules(text: str) -> dict[str, dict[str, str]]:
    """A ``_headers`` file (Netlify and Cloudflare Pages format): path -> header -> value."""
    rules: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = rules.setdefault(line.strip(), {})
            continue
        name, _, value = line.strip().partition(":")
        current[name.strip()] = value.strip()
    return rules


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The development build (samples included) with the default tile server."""
    output = tmp_path_factory.mktemp("security") / "site"
    build_site({**load_settings(PROJECT / "pelicanconf.py"), "OUTPUT_PATH": str(output)})
    return output


def html_pages(site: Path) -> Iterator[tuple[str, PageFacts]]:
    for path in sorted(site.rglob("*.html")):
        yield path.relative_to(site).as_posix(), page_facts(path)


@pytest.fixture(scope="module")
def pages(sample_site: Path) -> dict[str, PageFacts]:
    found = dict(html_pages(sample_site))
    assert {"index.html", "map/index.html", "compare/index.html", "guide/index.html"} <= set(found)
    return found


def test_every_page_carries_the_same_policy_as_the_host_headers(sample_site, pages):
    [headers] = header_rules((sample_site / "_headers").read_text(encoding="utf-8")).values()
    policy = headers["Content-Security-Policy"]
    for name, facts in pages.items():
        if facts.meta.get("refresh"):  # a redirect page for a former identity
            continue
        # Pages whose scripts never write markup also require Trusted Types.
        assert facts.meta.get("content-security-policy") in (policy, policy + TRUSTED_TYPES), name
        assert facts.meta.get("referrer") == "strict-origin", name


def test_the_host_headers_hold_the_agreed_values(sample_site):
    rules = header_rules((sample_site / "_headers").read_text(encoding="utf-8"))
    assert list(rules) == ["/*"]
    headers = rules["/*"]
    assert headers["Referrer-Policy"] == "strict-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    features = dict(item.strip().split("=", 1) for item in headers["Permissions-Policy"].split(","))
    assert features.pop("geolocation") == "(self)"
    assert set(features.values()) == {"()"}


def test_nothing_inline_that_the_policy_blocks(pages):
    for name, facts in pages.items():
        assert facts.handlers == [], name
        assert facts.inline_styles == 0, name
        assert set(facts.inline_scripts) <= DATA_SCRIPT_TYPES, name


def test_links_to_other_sites_carry_noopener_noreferrer(pages):
    external = [
        (name, href, rel)
        for name, facts in pages.items()
        for href, rel in facts.links
        if urlsplit(href).scheme in {"http", "https"}  # SITEURL is empty: our links are relative
    ]
    assert external
    assert [
        link for link in external if not {"noopener", "noreferrer"} <= set(link[2].split())
    ] == []


def test_no_link_runs_script(pages):
    for name, facts in pages.items():
        for href, _ in facts.links:
            assert not href.strip().lower().startswith(("javascript:", "data:")), (name, href)


def test_trusted_types_are_required_where_no_script_writes_markup(pages):
    """Leaflet and Pagefind write markup with innerHTML; every other page can refuse it."""
    required = {
        name
        for name, facts in pages.items()
        if TRUSTED_TYPES in facts.meta.get("content-security-policy", "")
    }
    assert {
        "index.html",
        "guide/index.html",
        "about/index.html",
        "compare/index.html",
        "404.html",
    } <= required
    assert not required & {"map/index.html", "clinics/index.html", "search/index.html"}
