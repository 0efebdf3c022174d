"""The scripts' words come from the page's message catalogue: the JSON block that
partials/find_scripts.html writes from the same catalogue as the templates'
(translations.script_messages), read by format.js's t() and tn().

The first test needs no browser: every message the scripts ask for is in the catalogue
of a built page, as a plain string literal that `make messages` can find.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest
from browser_pages import sample_identities
from finder_tasks import PHONE, open_finder
from test_directory_pages import assert_clean

from clinic_directory.site.translations import SCRIPT_CATALOGUE_ID

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "theme" / "static" / "js").glob("*.js"))
BLOCK = re.compile(
    rf'(<script type="application/json" id="{SCRIPT_CATALOGUE_ID}">)(.*?)(</script>)', re.S
)
COMMENT = re.compile(r"/\*.*?\*/|^\s*//[^\n]*", re.S | re.M)
LITERAL = r'"(?:[^"\\\n]|\\.)*"'
#: A call of t() or tn(), not a method of something else, nor their definitions.
CALL = re.compile(r"(?<![\w$.])(?<!function )(tn?)\(")
ARGUMENTS = {
    "t": re.compile(rf"\s*({LITERAL})\s*[,)]"),
    "tn": re.compile(rf"\s*({LITERAL})\s*,\s*({LITERAL})\s*,"),
}


def catalogue_of(html: str) -> dict[str, str | list[str]]:
    found = BLOCK.search(html)
    assert found, "no message catalogue on the page"
    return json.loads(found.group(2))


def script_calls() -> list[tuple[str, str, list[str]]]:
    """(script, t or tn, the message's literal texts) for every call in the scripts;
    a call whose message is not plain string literals has no texts."""
    calls = []
    for script in SCRIPTS:
        source = COMMENT.sub("", script.read_text(encoding="utf-8"))
        for call in CALL.finditer(source):
            literals = ARGUMENTS[call.group(1)].match(source, call.end())
            # JavaScript's double-quoted strings, as the scripts write them, read as JSON
            texts = [json.loads(text) for text in literals.groups()] if literals else []
            calls.append((script.name, call.group(1), texts))
    return calls


def test_every_script_message_is_in_the_catalogue_of_a_built_page(site) -> None:
    with urllib.request.urlopen(site.url + "es/clinics/") as response:
        catalogue = catalogue_of(response.read().decode("utf-8"))
    calls = script_calls()
    assert len(calls) > 100, "the scripts' messages were not found"
    assert [(name, kind) for name, kind, texts in calls if not texts] == [], (
        "a message that is not a plain string literal: `make messages` cannot find it"
    )
    wrong = []
    for name, kind, texts in calls:
        entry = catalogue.get(texts[0])
        if kind == "t" and not isinstance(entry, str):
            wrong.append(f"{name}: t({texts[0]!r}) -> {entry!r}")
        if kind == "tn" and not (isinstance(entry, list) and len(entry) == 2):
            wrong.append(f"{name}: tn({texts[0]!r}, {texts[1]!r}) -> {entry!r}")
    assert wrong == [], "run `make messages`"
    # nothing left over from a message the scripts no longer say
    assert set(catalogue) == {texts[0] for _, _, texts in calls}, "run `make messages`"


@pytest.mark.browser
def test_the_spanish_finder_speaks_spanish(site, new_visit) -> None:
    visit = new_visit(viewport=PHONE)
    page = visit.page
    open_finder(page, site.url + "es/clinics/#zip=78704&radius=25")

    heading = page.inner_text("#results-heading")
    assert re.fullmatch(r"\d+ clínicas? en un radio de 25 millas de 78704", heading), heading
    verified = page.locator("#results .verified").first.inner_text()
    assert re.match(r"Verificada el \d{1,2} de [a-z]+ de \d{4}", verified), verified
    # the cards link to the Spanish clinic pages, and the labels are Spanish
    first = page.locator("#results .card-name a").first.get_attribute("href")
    assert "/es/clinics/" in first, first
    assert "Infusión IV" in page.inner_text("#results")
    assert_clean(visit, site)


@pytest.mark.browser
def test_an_english_page_carries_no_catalogue_and_speaks_english(site, new_visit) -> None:
    visit = new_visit(viewport=PHONE)
    page = visit.page
    open_finder(page, site.url + "clinics/#zip=78704&radius=25")

    assert catalogue_of(page.content()) == {}
    heading = page.inner_text("#results-heading")
    assert re.fullmatch(r"\d+ clinics? within 25 miles of 78704", heading), heading
    assert_clean(visit, site)


@pytest.mark.browser
def test_the_spanish_comparison_speaks_spanish(site, new_visit) -> None:
    visit = new_visit(viewport=PHONE)
    page = visit.page
    first, second = sample_identities()[:2]
    page.goto(f"{site.url}es/compare/?c={first},{second}")
    page.wait_for_selector(".compare-table")

    table = page.inner_text(".compare-table")
    assert re.search(r"\d{1,2} de [a-z]+ de \d{4}", table), table[:300]
    assert "Verificada" in table or "Comprobada" in table
    names = page.locator(".column-name a").first.get_attribute("href")
    assert "/es/clinics/" in names, names
    assert_clean(visit, site)
