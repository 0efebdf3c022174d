"""The directory's browser features on the built sample site: filters, near me, map,
compare, keyboard use; with no console errors and no request to a third party."""

from __future__ import annotations

import re

import pytest
from finder_tasks import open_finder as wait_for_finder

pytestmark = pytest.mark.browser

AUSTIN = {"latitude": 30.2672, "longitude": -97.7431}


def assert_clean(visit, site, expected_missing: tuple[str, ...] = ()) -> None:
    """No console error and no third-party request.

    Chromium asks every site for /favicon.ico by itself; that request is not the
    page's doing, so its 404 is not counted. ``expected_missing`` are URLs the
    test made the page ask for on purpose.
    """
    allowed = ("favicon.ico", *expected_missing)
    assert [e for e in visit.errors if not any(a in e for a in allowed)] == []
    assert visit.origins <= site.origins(), visit.origins - site.origins()


def open_finder(visit, url: str):
    wait_for_finder(visit.page, url)
    return visit.page


def result_count(page) -> int:
    return int(page.get_attribute("section.finder", "data-rendered"))


def markers_on_map(page) -> int:
    """Clinics drawn on the map: single markers plus the counts on cluster markers, with
    the whole world in view (the map opens on the contiguous states when most clinics
    are there). The map loads after the list, so wait for its first markers."""
    page.wait_for_selector(".directory-map .clinic-marker, .directory-map .cluster-marker")
    page.evaluate("window.clinicDirectoryMap.setView([30, -110], 2, {animate: false})")
    page.wait_for_timeout(100)  # markers are redrawn on the map's moveend
    clusters = page.eval_on_selector_all(".cluster-marker", "ns => ns.map(n => +n.textContent)")
    return page.locator(".clinic-marker").count() + sum(clusters)


def wait_for_count(page, expected: int) -> None:
    page.wait_for_function(
        "n => +document.querySelector('section.finder').dataset.rendered === n", arg=expected
    )


def test_filters_narrow_list_and_map_and_survive_reload(site, visit):
    page = open_finder(visit, site.url + "map/")
    everything = result_count(page)
    assert markers_on_map(page) == everything

    page.select_option("#filter-route", "esketamine_nasal")
    page.wait_for_function(
        "n => +document.querySelector('section.finder').dataset.rendered < n", arg=everything
    )
    narrowed = result_count(page)
    assert 0 < narrowed < everything
    assert markers_on_map(page) == narrowed
    for text in page.locator("#results .card-tags").all_inner_texts():
        assert "Esketamine" in text
    assert "route=esketamine_nasal" in page.url

    page.reload()
    page.wait_for_selector("section.finder[data-rendered]")
    assert page.input_value("#filter-route") == "esketamine_nasal"
    assert result_count(page) == narrowed
    page.go_back()
    wait_for_count(page, everything)
    assert page.input_value("#filter-route") == ""
    assert_clean(visit, site)


def distances(page) -> list[float]:
    texts = page.locator("#results .card-distance").all_inner_texts()
    return [float(m.group(1)) for t in texts if (m := re.search(r"([\d.]+) miles", t))]


def test_near_me_sorts_by_distance_without_sending_the_location(site, visit):
    page = visit.page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(AUSTIN)
    open_finder(visit, site.url + "clinics/")
    page.click("button.use-location")
    page.wait_for_selector("#results .card-distance")
    found = distances(page)
    assert found == sorted(found) and len(found) == page.locator("#results > li").count()
    assert "Austin" in page.locator("#results .where").first.inner_text()
    assert "#near=30.27,-97.74" in page.url and "near" not in page.url.split("#")[0]
    assert_clean(visit, site)


def test_home_place_box_keeps_the_place_out_of_every_request(site, visit):
    page = visit.page
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    page.goto(site.url)
    page.fill("#home-zip", "78701")
    page.press("#home-zip", "Enter")
    page.wait_for_selector("#results .card-distance")
    assert distances(page)[0] < 5
    assert "zip=78701" in page.url.split("#")[1]
    assert not [url for url in sent if "78701" in url]
    assert_clean(visit, site)


def test_zip_and_city_lookup_in_the_browser(site, visit):
    page = open_finder(visit, site.url + "clinics/")
    page.fill("#filter-zip", "78701")
    page.press("#filter-zip", "Enter")
    page.wait_for_selector("#results .card-distance")
    assert distances(page)[0] < 5
    assert "zip=78701" in page.url.split("#")[1]

    page.fill("#filter-zip", "Seattle, WA")
    page.select_option("#filter-radius", "50")
    page.press("#filter-zip", "Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#results .where')].every(n => /Seattle|, WA/.test(n.textContent))"
    )
    assert all(d <= 50 for d in distances(page))
    page.fill("#filter-zip", "Nowhere, ZZ")
    page.press("#filter-zip", "Enter")
    page.wait_for_selector(".place-error[role=alert]:has-text('could not find')")
    assert_clean(visit, site)


def add_to_compare(page, count: int) -> list[str]:
    cards = page.locator("#results li.clinic-card")
    ids = []
    for i in range(count):
        card = cards.nth(i)
        ids.append(card.get_attribute("data-id"))
        card.locator("button.compare-add").click()
    return ids


def test_compare_end_to_end(site, visit):
    page = open_finder(visit, site.url + "clinics/")
    ids = add_to_compare(page, 3)
    assert "cmp=" + ",".join(ids) in page.url
    page.reload()
    page.wait_for_selector(".compare-go")
    assert page.locator(".compare-tray-list li").count() == 3
    page.click(".compare-go")
    page.wait_for_selector(".compare-table")
    headers = page.locator(".compare-table thead th").all_inner_texts()
    assert len(headers) == 3
    assert page.locator(".compare-table tr.differs").count() > 0
    assert page.locator(".compare-table th:has-text('Price to compare')").count() > 0
    # Terms (conditions, credentials, safety practices...) link to their guide sections.
    guide_link = page.locator(".compare-table a[href*='/guide/']").first
    assert guide_link.get_attribute("title")

    page.goto(site.url + "compare/?c=" + ",".join([*ids[:2], "tx/no-such-clinic"]))
    page.wait_for_selector(".compare-table")
    assert "no longer in the directory" in page.inner_text(".compare-notes")
    assert page.locator(".compare-table thead th").count() == 2
    assert "no-such-clinic" not in page.url
    page.emulate_media(media="print")
    assert not page.locator(".column-tools button.remove").first.is_visible()
    assert_clean(visit, site, expected_missing=("tx/no-such-clinic/clinic.json",))


def test_compare_from_a_clinic_page_and_its_map(site, visit):
    page = visit.page
    page.goto(site.url + "clinics/")
    first = page.locator("#results li.clinic-card a").first
    first.click()
    page.locator(".clinic-map").scroll_into_view_if_needed()  # the map loads as it nears the screen
    page.wait_for_selector(".clinic-map .clinic-marker")
    page.click("button.compare-add")
    assert page.get_attribute("button.compare-add", "aria-pressed") == "true"
    assert "cmp=" in page.url
    assert_clean(visit, site)


def test_keyboard_only_filters_and_compare(site, visit):
    page = open_finder(visit, site.url + "clinics/")
    everything = result_count(page)
    page.focus("#filter-zip")
    for _ in range(6):  # Search, Use my location, More filters, distance, route
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "filter-route":
            break
    assert page.evaluate("document.activeElement.id") == "filter-route"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => +document.querySelector('section.finder').dataset.rendered < n", arg=everything
    )
    page.locator("#results button.compare-add").first.focus()
    page.keyboard.press("Enter")
    page.locator("#results button.compare-add").nth(1).focus()
    page.keyboard.press("Space")
    page.wait_for_selector(".compare-go")
    page.focus(".compare-go")
    page.keyboard.press("Enter")
    page.wait_for_selector(".compare-table")
    assert_clean(visit, site)


def test_sub_path_build_filters_map_and_compare(sub_site, visit):
    page = open_finder(visit, sub_site.url + "map/")
    assert markers_on_map(page) == result_count(page)
    page.check("#filter-new")
    assert "new=1" in page.url
    ids = add_to_compare(page, 2)
    page.click(".compare-go")
    page.wait_for_selector(".compare-table")
    assert page.url.startswith(sub_site.url + "compare/?c=" + ",".join(ids))
    assert_clean(visit, sub_site)
