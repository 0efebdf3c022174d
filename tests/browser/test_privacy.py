"""Privacy in the browser, on the built sample site: the security policy is never
violated, nothing is stored, and using every feature asks nothing of any origin but
the site and its tile server, nor sends the visitor's location or ZIP code anywhere."""

from __future__ import annotations

import pytest
from browser_pages import page_types

pytestmark = pytest.mark.browser

AUSTIN = {"latitude": 30.2672, "longitude": -97.7431}
#: Collects every policy violation the page reports, from before its first script runs.
WATCH_POLICY = """
window.__policyViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__policyViolations.push(event.violatedDirective + " blocked " + event.blockedURI);
});
"""
READ_STORAGE = "() => [document.cookie, localStorage.length, sessionStorage.length]"


def assert_clean(visit, site) -> None:
    """No console error (Chromium asks for /favicon.ico by itself) and no third party."""
    assert [error for error in visit.errors if "favicon.ico" not in error] == []
    assert visit.origins <= site.origins(), visit.origins - site.origins()


@pytest.mark.parametrize("name", list(page_types()))
def test_the_security_policy_holds_and_nothing_is_stored(name, site, visit):
    page = visit.page
    page.add_init_script(WATCH_POLICY)

    page.goto(site.url + page_types()[name])
    page.wait_for_load_state("networkidle")

    assert page.evaluate("window.__policyViolations") == []
    assert page.evaluate(READ_STORAGE) == ["", 0, 0]
    assert page.context.cookies() == []
    assert_clean(visit, site)


def open_a_popup(page) -> None:
    """Click clusters until single markers show, then open the first marker's popup."""
    for _ in range(10):
        if page.locator(".clinic-marker").count():
            break
        page.locator(".cluster-marker").first.click()
        page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
    page.locator(".clinic-marker").first.click()
    page.wait_for_selector(".leaflet-popup-content .clinic-popup")


def test_every_feature_keeps_the_search_on_the_site(site, visit):
    page = visit.page
    page.add_init_script(WATCH_POLICY)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(AUSTIN)

    page.goto(site.url + "clinics/")
    page.wait_for_selector("section.finder[data-rendered]")
    page.select_option("#filter-route", "iv_infusion")
    page.click("button.use-location")
    page.wait_for_selector("#results .card-distance")
    page.fill("#filter-zip", "78701")
    page.press("#filter-zip", "Enter")
    page.wait_for_function("() => location.hash.includes('zip=78701')")
    page.wait_for_selector("#results .card-distance")
    cards = page.locator("#results li.clinic-card button.compare-add")
    cards.nth(0).click()
    cards.nth(1).click()
    page.click(".compare-go")
    page.wait_for_selector(".compare-table")
    assert page.evaluate("window.__policyViolations") == []

    page.goto(site.url + "map/?route=iv_infusion")
    page.wait_for_selector("section.finder[data-rendered]")
    open_a_popup(page)
    assert page.evaluate("window.__policyViolations") == []

    assert_clean(visit, site)
    leaks = [url for url in requested if any(t in url for t in ("30.26", "97.74", "78701"))]
    assert leaks == [], "the visitor's location or ZIP code left the browser"
    assert page.evaluate(READ_STORAGE) == ["", 0, 0]
    assert page.context.cookies() == []
