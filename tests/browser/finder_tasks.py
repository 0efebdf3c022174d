"""The patient tasks of the finder (issue 15) as browser steps, shared by the browser
tests, which check where each one ends, and ``make screenshots``, which photographs it.

Each task takes a Playwright page (already sized) and the site's root URL, does what a
patient would do, and returns when the list has been redrawn.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
AUSTIN = {"latitude": 30.2672, "longitude": -97.7431}
PRICE_CAP = 500


def renders(page) -> int:
    """How many times the finder has drawn its results (finder.js counts them)."""
    return int(page.get_attribute("section.finder", "data-renders") or 0)


def wait_until_drawn(page, after: int = 0) -> None:
    page.wait_for_function(
        "n => +(document.querySelector('section.finder')?.dataset.renders || 0) > n", arg=after
    )


def redrawn_by(page, action: Callable[[], object]) -> None:
    """Do ``action`` and wait for the finder to draw its results again."""
    before = renders(page)
    action()
    wait_until_drawn(page, before)


def open_finder(page, url: str) -> None:
    """Open a finder page and wait until its script is ready (and has drawn, when the
    address or the screen asked it to)."""
    page.goto(url)
    page.wait_for_selector("section.finder[data-finder=ready]")


def open_filters(page) -> None:
    """On a phone the bar keeps only the place: "Filters" opens the others."""
    if not page.locator("#filter-route").is_visible():
        page.click(".more-toggle")


def close_filters(page) -> None:
    """A phone's filters close with "Show clinics", which takes the reader to the results."""
    if page.get_attribute(".more-toggle", "aria-expanded") == "true":
        redrawn_by(page, lambda: page.click("button.show-results"))


def search_from_home(page, url: str, place: str) -> None:
    page.goto(url)
    page.fill("#home-zip", place)
    page.click("form.place-search button[type=submit]")
    page.wait_for_url(re.compile(r"/clinics/"))
    page.wait_for_selector("section.finder[data-finder=ready]")


# -- the tasks ------------------------------------------------------------------------


def iv_in_a_state_under_a_price(page, url: str) -> None:
    """IV infusion in Texas for at most $500 a session, from the state page."""
    open_finder(page, url + "clinics/tx/")
    open_filters(page)
    redrawn_by(page, lambda: page.select_option("#filter-route", "iv_infusion"))
    redrawn_by(page, lambda: page.fill("#filter-max_price", str(PRICE_CAP)))
    close_filters(page)


def near_a_zip_within_25_miles(page, url: str) -> None:
    search_from_home(page, url, "78704")
    open_filters(page)
    redrawn_by(page, lambda: page.select_option("#filter-radius", "25"))
    close_filters(page)


def near_st_louis(page, url: str) -> None:
    search_from_home(page, url, "St. Louis, MO")


def use_my_location(page, url: str) -> None:
    """Geolocation is mocked at Austin by the caller (context permissions)."""
    open_finder(page, url + "clinics/")
    redrawn_by(page, lambda: page.click("button.use-location"))


def page_2_with_a_filter(page, url: str) -> None:
    open_finder(page, url + "clinics/?route=iv_infusion")
    redrawn_by(page, lambda: page.click("nav.pagination a[rel=next]"))


TASKS: dict[str, Callable[[object, str], None]] = {
    "iv-in-texas-under-500": iv_in_a_state_under_a_price,
    "near-78704-within-25-miles": near_a_zip_within_25_miles,
    "near-st-louis": near_st_louis,
    "use-my-location": use_my_location,
    "page-2-with-a-filter": page_2_with_a_filter,
}

#: Without JavaScript: where each task's patient can still get to, by links alone.
NO_SCRIPT_TASKS: dict[str, str] = {
    "state-page": "clinics/tx/",
    "second-list-page": "clinics/page/2/",
    "map": "map/",
    "home": "",
}


# -- what a test or a reviewer looks at ------------------------------------------------


def first_result_top(page) -> float:
    """Where the first result card starts, in CSS pixels from the top of the page."""
    return page.evaluate(
        "() => document.querySelector('#results > li').getBoundingClientRect().top + window.scrollY"
    )


def pager_count(page) -> int:
    """Pagers on the page that a reader can see."""
    return page.evaluate(
        """() => [...document.querySelectorAll('nav.pagination, nav.finder-pages')]
                 .filter(n => n.offsetParent !== null).length"""
    )
