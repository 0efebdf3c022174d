"""WCAG 2.2 AA checks on every page type of the built sample site: axe-core finds
nothing, search works from the keyboard and without JavaScript, motion stops when
the reader asks for less of it, and nothing scrolls sideways at 320 px or 200% zoom."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from browser_pages import page_types, sample_identities

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = Axe()
#: axe-core rule sets for WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best practices.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
#: Map markers are exempt from the target-size rule under WCAG 2.5.8's "equivalent"
#: exception: every clinic on a map is also a link in the list on the same page.
MAP_MARKERS = ".leaflet-marker-pane"


PAGES = page_types()


def load(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def axe_violations(page) -> list[str]:
    """Every axe-core violation on the page, one line each with the elements at fault."""
    rules = AXE.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "rules": {"target-size": {"enabled": False}},
        },
    )
    sizes = AXE.run(
        page, context={"exclude": [[MAP_MARKERS]]}, options={"runOnly": ["target-size"]}
    )
    return [
        f"{violation['id']}: {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for result in (rules, sizes)
        for violation in result.response["violations"]
    ]


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_axe_finds_no_violation(site, visit, path):
    load(visit.page, site.url + path)
    assert axe_violations(visit.page) == []


def test_axe_finds_no_violation_in_search_results(site, visit):
    page = visit.page
    load(page, site.url + "search/#q=ketamine")
    page.wait_for_selector(".search-results li")
    assert axe_violations(page) == []


def test_axe_reports_a_planted_violation(site, visit):
    """The check itself works: an image without a text alternative is caught."""
    page = visit.page
    load(page, site.url + "about/")
    page.evaluate("() => document.querySelector('main').appendChild(document.createElement('img'))")
    assert any(line.startswith("image-alt:") for line in axe_violations(page))


def test_keyboard_search_from_the_home_page(site, visit):
    records = (
        yaml.safe_load((ROOT / "samples" / f"{identity}.yaml").read_text(encoding="utf-8"))
        for identity in sample_identities()[2:]
    )
    name = next(r["name"] for r in records if r["status"] == "active")  # closed ones leave lists
    page = visit.page
    load(page, site.url)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search-q":
            break
    else:
        pytest.fail("Tab never reached the search box")
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    page.wait_for_selector(".search-results li a")
    assert "#q=" in page.url and "?" not in page.url  # the words never reach a server
    titles = page.locator(".search-results li a").all_inner_texts()
    assert name in titles

    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.search-results') !== null"):
            break
    else:
        pytest.fail("Tab never reached a search result")
    chosen = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == chosen
    assert [error for error in visit.errors if "favicon.ico" not in error] == []


def test_without_javascript_search_offers_the_states_instead_of_a_dead_form(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for path in ("", "search/"):
        page.goto(site.url + path)
        assert not page.locator("#site-search-q, #search-q").first.is_visible()
    page.get_by_role("link", name="Texas").click()
    page.wait_for_load_state()
    assert page.locator(".clinic-list li").count() > 0
    context.close()


#: Elements still moving or fading: a transition with a duration, or a running animation.
MOVING = """() => [...document.querySelectorAll('*')].filter(e => {
  const style = getComputedStyle(e);
  return style.transitionDuration.split(',').some(d => parseFloat(d) > 0)
    || style.animationName !== 'none';
}).map(e => e.tagName + '.' + e.className)"""


@pytest.mark.parametrize("path", [PAGES["home"], PAGES["map"], PAGES["clinic"]])
def test_reduced_motion_is_respected(site, visit, path):
    page = visit.page
    page.emulate_media(reduced_motion="reduce")
    load(page, site.url + path)
    assert page.evaluate(MOVING) == []
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"


def horizontal_overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_no_sideways_scrolling_at_320_px(site, visit, path):
    page = visit.page
    page.set_viewport_size({"width": 320, "height": 640})
    load(page, site.url + path)
    assert horizontal_overflow(page) <= 0


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_no_sideways_scrolling_at_200_percent_zoom(site, visit, path):
    """Zooming a 1280 x 720 window to 200% lays the page out in 640 x 360 CSS pixels."""
    page = visit.page
    page.set_viewport_size({"width": 640, "height": 360})
    load(page, site.url + path)
    assert horizontal_overflow(page) <= 0
