"""Honest prices, a comparison that decides and contact details first, in Chromium on
the built sample site: what a patient choosing between clinics sees."""

from __future__ import annotations

import re

import pytest
from browser_pages import sample_identities

pytestmark = pytest.mark.browser

#: Three Texas samples: a single-session price with a package, a Spravato clinic fee
#: that leaves out the medicine, and a price range.
THREE = ",".join(
    (
        "tx/bluebonnet-infusion-austin",
        "tx/bayou-city-psychiatric-associates",
        "tx/trinity-pain-and-infusion-center",
    )
)
FOUR = f"{THREE},az/saguaro-ketamine-infusion-center"
ZERO_SESSION = re.compile(r"\$0(?![,0-9])(?:-\$[0-9,]+)? per session")
CENTS = re.compile(r"\$[0-9,]+\.[0-9]{2}")
SNAKE_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b")
PHONE_SIZE = {"width": 390, "height": 844}


def visible_text(page) -> str:
    return page.inner_text("main")


def zero_session_prices(text: str) -> list[str]:
    """Every "$0 ... per session" not introduced as a clinic fee."""
    return [
        text[max(0, found.start() - 20) : found.end()]
        for found in ZERO_SESSION.finditer(text)
        if not text[: found.start()].endswith("Clinic fee ")
    ]


#: The comparison's scrolling box: [its content's width, its own width].
BOX = "document.querySelector('.compare-scroll')"
BOX_WIDTHS = f"() => [{BOX}.scrollWidth, {BOX}.clientWidth]"
SWIPE_TO_END = f"() => {{ {BOX}.scrollLeft = {BOX}.scrollWidth; }}"


def open_compare(visit, site, ids: str, size: dict[str, int]):
    page = visit.page
    page.set_viewport_size(size)
    page.goto(f"{site.url}compare/?c={ids}")
    page.wait_for_selector(".compare-table")
    return page


def test_no_page_shows_a_zero_dollar_session_or_cents(site, visit):
    page = visit.page
    for identity in sample_identities():
        page.goto(f"{site.url}clinics/{identity}/", wait_until="domcontentloaded")
        text = visible_text(page)
        # a fee of $0 is only ever shown as a clinic fee, never as the price of a session
        assert zero_session_prices(text) == [], identity
        assert not CENTS.search(text), identity
    for path in ("clinics/", "clinics/tx/", f"compare/?c={THREE}"):
        page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
        text = visible_text(page)
        assert not CENTS.search(text), path
        assert zero_session_prices(text) == [], path


def test_spravato_clinic_fee_is_labelled_and_the_single_session_heads_the_route(site, visit):
    page = visit.page
    page.goto(f"{site.url}clinics/tx/bayou-city-psychiatric-associates/")
    assert page.inner_text(".key-prices dd") == (
        "Clinic fee $0-$60 per session; the medicine is billed to your insurance"
    )
    page.goto(f"{site.url}clinics/tx/bluebonnet-infusion-austin/")
    assert page.inner_text(".key-prices dd >> nth=0") == "$495 per session"
    assert "6-session package $2,700 ($450 each)" in page.inner_text("#treatments + *, main")
    page.goto(f"{site.url}clinics/tx/trinity-pain-and-infusion-center/")
    assert page.inner_text(".key-prices dd") == "$650-$1,100 per session"


def test_contact_comes_first_on_a_phone(site, visit):
    page = visit.page
    page.set_viewport_size(PHONE_SIZE)
    page.goto(f"{site.url}clinics/tx/bayou-city-psychiatric-associates/")
    call = page.locator(".key-contact a.call")
    assert call.get_attribute("href") == "tel:+17135550111"
    assert " ".join(call.inner_text().split()) == "Call (713) 555-0111"
    box = call.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE_SIZE["height"]
    assert page.inner_text(".key-status") == "Open\nAccepting new patients"
    text = " ".join(visible_text(page).split())
    assert text.index("Call (713) 555-0111") < text.index("General psychiatry group practice")
    assert "Monday\t8:30 am-5 pm" in page.inner_text("table.hours")
    assert page.get_attribute(".verification time", "datetime") == "2026-09-02"
    assert page.inner_text(".verification time") == "Sep 2, 2026"


def test_lowest_price_first_puts_clinic_fees_and_old_prices_last(site, visit):
    page = visit.page
    page.goto(site.url + "clinics/")
    page.wait_for_load_state("networkidle")
    order = page.evaluate(
        """() => ClinicDirectory.loadIndex(document.querySelector('[data-index]').dataset.index)
          .then(index => ClinicDirectory.findClinics(index, {sort: 'price'}, null).rows
          .map(row => [row.clinic.id, row.priceSortKey]))"""
    )
    keys = [key for _, key in order]
    assert keys == sorted(keys)
    ids = [identity for identity, _ in order]
    tier = {identity: key // 1_000_000 for identity, key in order}
    # Bayou City lists only a clinic fee without the medicine; Queen City only old prices.
    assert tier["tx/bayou-city-psychiatric-associates"] == 2
    assert tier["nc/queen-city-infusion-lounge"] == 2
    # Pearl Street lists only a package: after every single-session price.
    assert tier["co/pearl-street-kap"] == 1
    assert ids.index("co/pearl-street-kap") > max(i for i, t in enumerate(tier.values()) if t == 0)


def test_three_clinics_fit_at_1366_with_vocabulary_labels_only(site, visit):
    page = open_compare(visit, site, THREE, {"width": 1366, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    content, box = page.evaluate(BOX_WIDTHS)
    assert content <= box
    text = page.inner_text(".compare-page")
    assert SNAKE_KEY.findall(text) == []
    assert "Esketamine nasal spray (Spravato)" in text
    groups = page.locator(".compare-table tr.group th").all_inner_texts()
    assert groups[:2] == ["Contact", "IV infusion"] and groups[-1] == "Verified"
    assert (
        page.get_attribute(".compare-table a[href^='tel:'] >> nth=1", "href") == "tel:+17135550111"
    )
    caption = page.locator(".compare-table caption").bounding_box()
    assert caption is not None and caption["x"] >= 0 and caption["x"] + caption["width"] <= 1366
    assert_clean_console(visit)


def test_four_clinics_fit_at_1600(site, visit):
    page = open_compare(visit, site, FOUR, {"width": 1600, "height": 900})
    assert page.locator(".compare-table thead th").count() == 4
    content, box = page.evaluate(BOX_WIDTHS)
    assert content <= box


def test_differs_marks_only_choices_and_can_hide_what_is_the_same(site, visit):
    page = open_compare(visit, site, THREE, {"width": 1366, "height": 900})
    marked = [
        h.replace("Differs", "").strip() for h in page.locator("tr.differs th").all_inner_texts()
    ]
    assert marked and set(marked) <= {
        "Status", "Offered", "Price to compare", "Single session", "Package",
        "Clinic fee and other fees", "Insurance pays", "New patients", "Referral needed",
        "How the spray is billed", "Manufacturer’s co-pay programme",
    }  # fmt: skip
    rows = page.locator(".compare-table tbody tr:not(.group)")
    assert page.locator("tr.differs").count() < rows.count() / 2
    assert page.locator("tr.same").first.is_visible()
    page.check("#compare-differences")
    assert not page.locator("tr.same").first.is_visible()
    assert page.locator("tr.differs").first.is_visible()


def test_columns_move_and_leave_without_running_into_names(site, visit):
    page = open_compare(visit, site, THREE, {"width": 1366, "height": 900})
    first = page.locator("thead th").first
    name = first.locator(".column-name").bounding_box()
    tools = first.locator(".column-tools").bounding_box()
    assert name is not None and tools is not None and tools["y"] >= name["y"] + name["height"]
    page.click("thead th >> nth=0 >> button.move[data-move='1']")
    names = page.locator("thead .column-name").all_inner_texts()
    assert names[:2] == [
        "Bayou City Psychiatric Associates",
        "Bluebonnet Infusion Partners – Austin",
    ]
    assert "?c=tx/bayou-city-psychiatric-associates,tx/bluebonnet-infusion-austin," in page.url
    page.click("thead th >> nth=0 >> button.remove")
    assert page.locator("thead th").count() == 2
    assert "bayou-city" not in page.url
    assert "removed from the comparison" in page.inner_text(".compare-notes")


def test_phone_compare_keeps_the_row_names_while_swiping(site, visit):
    page = open_compare(visit, site, THREE, PHONE_SIZE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SIZE["width"]
    label = page.locator("th[scope='row']", has_text="Phone").first
    before = label.bounding_box()
    page.evaluate(SWIPE_TO_END)
    page.wait_for_timeout(200)
    after = label.bounding_box()
    assert before is not None and after is not None and after["x"] == before["x"]
    # the last clinic is now beside the names, and its name is repeated in each group row
    last = page.locator("tr.group >> nth=0 >> td.group-name").last.bounding_box()
    assert last is not None and 0 <= last["x"] < PHONE_SIZE["width"]
    caption = page.locator(".compare-table caption").bounding_box()
    assert caption is not None and caption["x"] >= 0
    assert caption["x"] + caption["width"] <= PHONE_SIZE["width"]


def test_print_layout_is_one_page_without_controls_and_with_addresses(site, visit):
    page = open_compare(visit, site, THREE, {"width": 1366, "height": 900})
    page.emulate_media(media="print")
    assert not page.locator(".column-tools").first.is_visible()
    assert not page.locator(".compare-controls").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert page.locator(".print-only").is_visible()
    assert f"compare/?c={THREE}" in page.inner_text(".print-address")
    after = page.evaluate(
        "() => getComputedStyle(document.querySelector('.column-name a'), '::after').content"
    )
    assert "clinics/tx/bluebonnet-infusion-austin/" in after or "attr(href)" in after
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def assert_clean_console(visit) -> None:
    assert [e for e in visit.errors if "favicon.ico" not in e] == []


def test_compare_says_how_far_each_clinic_is_when_a_place_is_set(site, visit):
    ids = "tx/bluebonnet-infusion-austin,tx/trinity-pain-and-infusion-center"
    page = open_compare(visit, site, f"{ids}#near=30.27,-97.74", {"width": 1366, "height": 900})
    row = page.locator("tr", has=page.locator("th", has_text="Distance"))
    assert row.inner_text().split("\t")[1:] == [
        "0.2 miles from your place",
        "182.6 miles from your place",
    ]
