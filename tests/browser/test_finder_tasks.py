"""A patient's tasks in the finder, at phone (390 x 844) and desktop (1366 x 900) sizes,
with JavaScript and without: each ends with the first result on the first screen, a
heading that says what is shown, and at most one pager (none when one page holds all)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from finder_tasks import (
    AUSTIN,
    PRICE_CAP,
    VIEWPORTS,
    first_result_top,
    iv_in_a_state_under_a_price,
    near_a_zip_within_25_miles,
    near_st_louis,
    open_finder,
    page_2_with_a_filter,
    pager_count,
    redrawn_by,
    use_my_location,
    wait_until_drawn,
)
from test_directory_pages import assert_clean

pytestmark = pytest.mark.browser

SIZES = pytest.mark.parametrize("size", list(VIEWPORTS))


def card_texts(page, selector: str) -> list[str]:
    return page.locator(f"#results > li.clinic-card {selector}").all_inner_texts()


def distances(page) -> list[float]:
    return [float(text.split()[0]) for text in card_texts(page, ".card-distance")]


def headline_figure(text: str) -> int:
    """The per-session figure of a card's headline: a package's price each, else the first."""
    each = re.search(r"\(\$([\d,]+)(?:-\$[\d,]+)? each\)", text)
    found = each or re.search(r"\$([\d,]+)", text)
    return int(found.group(1).replace(",", ""))


def assert_results_first(page, size: str) -> None:
    """The first result starts inside the first screen, and there is at most one pager."""
    page.evaluate("window.scrollTo(0, 0)")
    top = first_result_top(page)
    assert top < VIEWPORTS[size]["height"] - 120, f"first result at {top:.0f} px"
    pages = page.evaluate("document.querySelector('.pager-status')?.textContent || ''")
    assert pager_count(page) == (1 if pages else 0)


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def fragment_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).fragment)


@SIZES
def test_iv_clinics_in_a_state_under_a_price(site, new_visit, size):
    visit = new_visit(viewport=VIEWPORTS[size])
    page = visit.page
    iv_in_a_state_under_a_price(page, site.url)

    assert query_of(page.url) == {"route": ["iv_infusion"], "max_price": [str(PRICE_CAP)]}
    heading = page.inner_text("#results-heading")
    assert re.fullmatch(r"\d+ clinics? in Texas offering IV infusion", heading), heading
    tags = card_texts(page, ".card-tags")
    assert tags and all("IV infusion" in text for text in tags)
    assert all(headline_figure(text) <= PRICE_CAP for text in card_texts(page, ".card-price"))
    assert f"Up to ${PRICE_CAP} a session" in page.inner_text(".active-filters")
    assert_results_first(page, size)
    assert_clean(visit, site)


@SIZES
def test_near_a_zip_within_25_miles(site, new_visit, size):
    visit = new_visit(viewport=VIEWPORTS[size])
    page = visit.page
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    near_a_zip_within_25_miles(page, site.url)

    heading = page.inner_text("#results-heading")
    assert re.fullmatch(r"\d+ clinics? within 25 miles of 78704", heading), heading
    found = distances(page)
    assert found and found == sorted(found) and max(found) <= 25
    assert fragment_of(page.url) == {"zip": ["78704"], "radius": ["25"]}
    assert "Nearest to 78704 first" in page.inner_text(".order-note")
    assert not [url for url in sent if "78704" in url], "the ZIP code left the browser"
    assert_results_first(page, size)
    assert_clean(visit, site)


@SIZES
def test_near_st_louis(site, new_visit, size):
    visit = new_visit(viewport=VIEWPORTS[size])
    page = visit.page
    near_st_louis(page, site.url)

    assert "distances from Saint Louis, MO" in page.inner_text("#results-heading")
    assert page.locator("#results .where").first.inner_text() == "St. Louis, MO"
    assert distances(page)[0] < 5
    assert page.inner_text(".place-error") == ""
    assert_results_first(page, size)
    assert_clean(visit, site)


@SIZES
def test_use_my_location(site, new_visit, size):
    visit = new_visit(viewport=VIEWPORTS[size], geolocation=AUSTIN)
    page = visit.page
    use_my_location(page, site.url)

    assert "distances from your location" in page.inner_text("#results-heading")
    assert page.inner_text(".near-status") == ""  # "Finding your location..." is gone
    assert page.locator("#results .where").first.inner_text() == "Austin, TX"
    assert fragment_of(page.url) == {"near": ["30.27,-97.74"]}
    assert_results_first(page, size)
    if size == "phone":  # the list is shown; the map comes with the switch
        page.click(".view-switch button[data-view=map]")
    page.wait_for_function(
        "() => window.clinicDirectoryMap && document.querySelector('.place-marker')"
    )
    page.wait_for_function(
        "p => window.clinicDirectoryMap.getBounds().contains(p)", arg=[30.27, -97.74]
    )
    assert page.evaluate("window.clinicDirectoryMap.getZoom()") >= 6  # re-centred, not the US
    assert_clean(visit, site)


def test_location_refused_says_why_and_offers_the_zip_box(site, new_visit):
    visit = new_visit(viewport=VIEWPORTS["phone"])
    page = visit.page
    open_finder(page, site.url + "clinics/")
    page.click("button.use-location")
    alert = page.locator(".place-error[role=alert]")
    alert.get_by_text("did not allow").wait_for()
    assert page.evaluate("document.activeElement.id") == "filter-zip"
    assert page.inner_text(".near-status") == ""


@SIZES
def test_page_2_with_a_filter_then_reload_and_back(site, new_visit, size):
    visit = new_visit(viewport=VIEWPORTS[size])
    page = visit.page
    open_finder(page, site.url + "clinics/?route=iv_infusion")
    first_page = card_texts(page, ".card-name")
    page_2_with_a_filter(page, site.url)

    assert urlsplit(page.url).path.endswith("/clinics/page/2/")
    assert query_of(page.url) == {"route": ["iv_infusion"]}
    assert page.get_attribute("#results", "start") == "21"
    assert re.fullmatch(r"Page 2 of \d+", page.inner_text(".pager-status"))
    assert all("IV infusion" in text for text in card_texts(page, ".card-tags"))
    second_page = card_texts(page, ".card-name")
    assert second_page and not set(second_page) & set(first_page)
    assert page.evaluate("document.activeElement.id") == "results-heading"
    assert_results_first(page, size)

    page.reload()
    wait_until_drawn(page)
    assert card_texts(page, ".card-name") == second_page
    assert page.input_value("#filter-route") == "iv_infusion"
    assert pager_count(page) == 1

    page.go_back()
    page.wait_for_function("() => location.pathname.endsWith('/clinics/')")
    page.wait_for_function("n => document.querySelectorAll('#results > li').length === n", arg=20)
    assert card_texts(page, ".card-name") == first_page
    assert_clean(visit, site)


@SIZES
def test_reload_back_and_a_shared_link_restore_the_view(site, new_visit, size):
    visit = new_visit(viewport=VIEWPORTS[size])
    page = visit.page
    open_finder(page, site.url + "clinics/")
    everything = card_texts(page, ".card-name")
    all_clinics = page.inner_text("#results-heading")
    page.fill("#filter-zip", "Denver, CO")
    redrawn_by(page, lambda: page.press("#filter-zip", "Enter"))
    redrawn_by(page, lambda: page.select_option("#filter-sort", "price"))
    view = card_texts(page, ".card-name")
    heading = page.inner_text("#results-heading")
    assert view != everything

    page.reload()
    wait_until_drawn(page)
    assert card_texts(page, ".card-name") == view
    assert page.inner_text("#results-heading") == heading
    assert page.input_value("#filter-zip") == "Denver, CO"
    assert page.input_value("#filter-sort") == "price"

    shared = new_visit(viewport=VIEWPORTS[size]).page
    open_finder(shared, page.url)
    assert card_texts(shared, ".card-name") == view

    page.go_back()
    page.wait_for_function("() => !location.search.includes('sort=price')")
    wait_until_drawn(page)
    page.go_back()
    page.wait_for_function("() => !location.hash")
    page.wait_for_function(
        "t => document.querySelector('#results-heading').textContent === t", arg=all_clinics
    )
    assert card_texts(page, ".card-name") == everything
    assert_clean(visit, site)


def test_a_pager_never_outlives_its_results(site, new_visit):
    visit = new_visit(viewport=VIEWPORTS["desktop"])
    page = visit.page
    open_finder(page, site.url + "clinics/page/3/")
    assert page.inner_text(".pager-status") == "Page 3 of 3"
    redrawn_by(page, lambda: page.select_option("#filter-route", "subcutaneous"))

    assert pager_count(page) == 0
    assert urlsplit(page.url).path.endswith("/clinics/")
    count = int(page.get_attribute("section.finder", "data-rendered"))
    assert 0 < count <= 20
    assert page.locator("#results > li.clinic-card").count() == count
    assert_clean(visit, site)


def test_a_second_page_shows_the_same_clinics_with_and_without_script(site, new_visit):
    plain = new_visit(viewport=VIEWPORTS["desktop"], javascript=False).page
    plain.goto(site.url + "clinics/page/2/")
    scripted = new_visit(viewport=VIEWPORTS["desktop"]).page
    open_finder(scripted, site.url + "clinics/page/2/")

    names = card_texts(plain, ".card-name")
    assert len(names) == 20
    assert card_texts(scripted, ".card-name") == names
    status = plain.inner_text(".pager-status")
    assert scripted.inner_text(".pager-status") == status and status.startswith("Page 2 of ")


#: What each place box entry must be understood as.
FORGIVEN = {
    "St. Louis, MO": "Saint Louis, MO",
    "st louis mo": "Saint Louis, MO",
    "Saint Louis, Missouri": "Saint Louis, MO",
    "78701-1234": "78701",
    "FT. WORTH TX": "Fort Worth, TX",
    "Mt Vernon, NY": "Mount Vernon, NY",
    "bayamón, pr": "Bayamon, PR",
    "Austin, Texas": "Austin, TX",
}


def test_place_lookup_forgives_spelling(site, new_visit):
    page = new_visit(viewport=VIEWPORTS["desktop"]).page
    open_finder(page, site.url + "clinics/")
    understood = {}
    for typed in FORGIVEN:
        page.fill("#filter-zip", typed)
        redrawn_by(page, lambda: page.press("#filter-zip", "Enter"))
        heading = page.inner_text("#results-heading")
        understood[typed] = heading.rpartition("distances from ")[2]
    assert understood == FORGIVEN


def test_an_unknown_place_is_an_alert_with_suggestions(site, new_visit):
    visit = new_visit(viewport=VIEWPORTS["phone"])
    page = visit.page
    open_finder(page, site.url + "clinics/")
    all_clinics = page.inner_text("#results-heading")
    page.fill("#filter-zip", "Sant Lous, MO")
    redrawn_by(page, lambda: page.press("#filter-zip", "Enter"))

    alert = page.locator(".place-error[role=alert]")
    assert "could not find" in alert.inner_text()
    assert page.inner_text("#results-heading") == all_clinics  # nothing claims to be near it
    redrawn_by(page, lambda: alert.get_by_role("button", name="Saint Louis, MO").click())
    assert "distances from Saint Louis, MO" in page.inner_text("#results-heading")
    assert page.inner_text(".place-error") == ""
    assert_clean(visit, site)


def test_a_phone_list_loads_no_map_or_data_until_needed(site, new_visit):
    visit = new_visit(viewport=VIEWPORTS["phone"])
    page = visit.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_finder(page, site.url + "clinics/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if "leaflet" in url or "supercluster" in url]
    assert not [url for url in requested if "index.json" in url]  # the server's list stands
    assert not page.locator(".directory-map").is_visible()

    page.click(".view-switch button[data-view=map]")
    page.wait_for_selector(".directory-map .cluster-marker, .directory-map .clinic-marker")
    assert not page.locator("#results").is_visible()
    assert "view=map" in page.url
    page.go_back()
    page.wait_for_function("() => !location.search.includes('view=map')")
    assert page.locator("#results").is_visible()
    assert_clean(visit, site)


# -- without JavaScript -----------------------------------------------------------------


@SIZES
def test_without_javascript_a_patient_still_reaches_clinics(site, new_visit, size):
    page = new_visit(viewport=VIEWPORTS[size], javascript=False).page
    page.goto(site.url)
    # No form that would not work: the place box and site search need the script.
    assert page.locator("form").evaluate_all("fs => fs.filter(f => f.offsetParent).length") == 0
    page.get_by_role("link", name="Texas").click()
    page.wait_for_load_state()

    assert page.inner_text("h1") == "Ketamine clinics in Texas"
    assert page.locator("#results > li.clinic-card").count() == 4
    assert all("$" in text or "No price" in text for text in card_texts(page, ".card-price"))
    assert_results_first(page, size)
    assert not page.locator(".finder-bar, .finder-map, .directory-map").first.is_visible()


@SIZES
def test_without_javascript_the_map_page_lists_its_clinics(site, new_visit, size):
    page = new_visit(viewport=VIEWPORTS[size], javascript=False).page
    page.goto(site.url + "map/")
    assert re.fullmatch(r"\d+ clinics", page.inner_text("#results-heading"))
    assert page.locator("#results > li.clinic-card").count() == 20
    assert_results_first(page, size)
    assert page.get_attribute("nav.pagination a[rel=next]", "href").endswith("clinics/page/2/")
    assert not page.locator(".directory-map").is_visible()


#: Parts of a card that must read the same from the server and from the script.
CARD_PARTS = (".card-name", ".where", ".card-tags", ".card-price", ".card-facts", ".verified")


def card_facts(page) -> list[dict[str, str]]:
    cards = []
    for card in page.locator("#results > li.clinic-card").all():
        facts = {part: card.locator(part).inner_text() for part in CARD_PARTS}
        facts["verified class"] = card.locator(".verified").get_attribute("class")
        facts["call"] = card.locator("a[href^='tel:']").get_attribute("href")
        facts["call text"] = card.locator("a[href^='tel:']").inner_text()
        facts["at-home warning"] = str(card.locator(".at-home-warning").count())
        cards.append(facts)
    return cards


@pytest.mark.parametrize("path", ["clinics/", "clinics/page/2/", "clinics/page/3/"])
def test_scripted_and_plain_cards_show_the_same_facts(site, new_visit, path):
    plain = new_visit(viewport=VIEWPORTS["desktop"], javascript=False).page
    plain.goto(site.url + path)
    scripted = new_visit(viewport=VIEWPORTS["desktop"]).page
    open_finder(scripted, site.url + path)

    assert card_facts(scripted) == card_facts(plain)
    for part in ("#results-heading", ".order-note"):
        assert scripted.inner_text(part) == plain.inner_text(part)


def test_listings_out_of_date_are_left_out_until_asked_for(site, new_visit):
    visit = new_visit(viewport=VIEWPORTS["phone"])
    page = visit.page
    open_finder(page, site.url + "clinics/")
    note = page.inner_text(".out-of-date-note")
    left_out = int(re.match(r"(\d+) listings? not verified for over a year", note).group(1))
    shown = int(page.inner_text("#results-heading").split()[0])

    redrawn_by(page, lambda: page.click(".out-of-date-note button"))
    assert int(page.get_attribute("section.finder", "data-rendered")) == shown + left_out
    assert query_of(page.url) == {"old": ["1"]}
    assert "Including listings not verified" in page.inner_text(".active-filters")
    assert page.inner_text(".out-of-date-note") == ""
    assert_clean(visit, site)


def test_access_and_referral_filters_keep_only_clinics_that_say_so(site, new_visit):
    """Step-free entrance, ASL and "no referral needed" (#21) narrow the list to clinics
    whose pages state them."""
    page = new_visit(viewport=VIEWPORTS["desktop"]).page
    open_finder(page, site.url + "clinics/")
    everyone = len(page.query_selector_all(".finder .clinic-card"))
    open_finder(page, site.url + "clinics/?step_free=1&noreferral=1")
    cards = page.query_selector_all(".finder .clinic-card a[href*='clinics/']")
    assert 0 < len(cards) < everyone
    page.goto(cards[0].get_attribute("href"))
    text = page.inner_text("main")
    assert "Step-free entrance" in text
    assert re.search(r"Referral needed\s+No", text)
