"""The Spanish site under /es/: every page of the English site, in Spanish.

The check for leftover English collects the English catalogue's messages, cuts each
into the runs of words between its placeholders and markup, and looks for them in
the visible text of every rendered Spanish page. Text a clinic wrote is shown as
written, marked ``lang="en"``, and skipped; so are messages whose Spanish is the same
as the English (names such as "Texas" or "MD").
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sites import TinySite, make_tiny_site

from clinic_directory.site import translations
from clinic_directory.site.seo import sitemap_xml

#: Runs of words that are the same in both languages, a name (the site's, a city's
#: from a record), code, or English on purpose (the link to a page's English version).
ALLOWED = {
    "Ketamine Clinic Directory",
    "Poison Help",
    "Read it in English",
    "New York",
    '"sample": true',
}
#: The shortest run of words worth looking for: shorter ones ("No", "IV") are either
#: the same in Spanish or too common to tell anything.
MIN_WORDS = 2
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|<[^>]+>|&\w+;")


class VisibleText(HTMLParser):
    """The text a visitor reads, outside ``lang="en"`` elements, scripts and styles."""

    SKIPPED = frozenset({"script", "style"})
    VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "source", "wbr", "area", "col"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # whether each open element is skipped
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag not in self.VOID:
            skipped = bool(self.stack and self.stack[-1])
            skipped = skipped or tag in self.SKIPPED or attributes.get("lang") == "en"
            self.stack.append(skipped)
        if not (self.stack and self.stack[-1]):
            for name in ("aria-label", "title", "alt", "placeholder"):
                if attributes.get(name):
                    self.chunks.append(str(attributes[name]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.chunks.append(data)


def visible_text(html: str) -> str:
    """Each text node and attribute, ``|`` between them: a run of words never spans
    two elements, just as the messages' runs stop at their markup."""
    parser = VisibleText()
    parser.feed(html)
    return " | ".join(" ".join(chunk.split()) for chunk in parser.chunks if chunk.strip())


def english_runs() -> set[str]:
    """Runs of words from every message whose Spanish differs from its English."""
    with translations.po_path("es").open("rb") as file:
        spanish = read_po(file)
    runs = set()
    for message in spanish:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if set(ids) & set(strings):
            continue
        for text in ids:
            for run in PLACEHOLDER.split(text):
                run = " ".join(run.split()).strip(" .,:;()·-")
                if len(run.split()) >= MIN_WORDS and run not in ALLOWED:
                    runs.add(run)
    return runs


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> TinySite:
    site = make_tiny_site(tmp_path_factory.mktemp("spanish"))
    for sample in (Path(__file__).resolve().parent.parent / "samples").rglob("*.yaml"):
        target = site.root / "samples" / sample.parent.name / sample.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(sample.read_bytes())
    site.build(CLINIC_SEARCH_INDEX=False)
    return site


def spanish_pages(site: TinySite) -> list[Path]:
    return sorted((site.output / "es").rglob("*.html"))


def test_every_english_page_has_a_spanish_page(site: TinySite) -> None:
    english = {
        p.relative_to(site.output).as_posix()
        for p in site.output.rglob("*.html")
        if not p.relative_to(site.output).as_posix().startswith(("es/", "pagefind/"))
    }
    spanish = {p.relative_to(site.output / "es").as_posix() for p in spanish_pages(site)}
    assert english - spanish == set()


def test_no_english_is_left_on_a_spanish_page(site: TinySite) -> None:
    runs = english_runs()
    assert len(runs) > 300, "the catalogue's English was not read"
    left = {}
    for page in spanish_pages(site):
        text = visible_text(page.read_text(encoding="utf-8"))
        found = sorted(run for run in runs if run in text)
        if found:
            left[page.relative_to(site.output).as_posix()] = found[:5]
    assert left == {}


def test_a_spanish_clinic_page_speaks_spanish_and_marks_what_the_clinic_wrote(
    site: TinySite,
) -> None:
    page = site.page("es/clinics/az/old-pueblo-pain-associates/index.html")
    assert '<html lang="es"' in page
    assert 'class="description" lang="en"' in page
    assert "como las escribió la clínica, en inglés" in page
    assert re.search(r"\d{1,2} de [a-z]+ de \d{4}", page)  # "14 de octubre de 2026"
    assert "Línea 988 de Prevención del Suicidio y Crisis" in page
    assert "oprima 2" in page and "1-800-222-1222" in page and 'href="tel:911"' in page


def test_each_page_names_its_other_language_for_search_engines_and_people(
    site: TinySite,
) -> None:
    english = site.page("clinics/index.html")
    spanish = site.page("es/clinics/index.html")
    assert '<link rel="alternate" hreflang="es" href="../es/clinics/">' in english
    assert '<link rel="alternate" hreflang="en" href="../../clinics/">' in spanish
    assert 'href="../es/clinics/" hreflang="es" lang="es" rel="alternate">Español</a>' in english
    assert '<meta property="og:locale" content="es_US">' in spanish


def test_a_spanish_guide_page_links_to_the_spanish_guide_and_its_english_page(
    site: TinySite,
) -> None:
    page = site.page("es/guide/safety/index.html")
    assert '<html lang="es"' in page
    assert 'href="../../../es/guide/routes/"' in page  # the contents, in Spanish
    assert 'href="../../../guide/safety/" hreflang="en" lang="en">Read it in English</a>' in page
    assert "Traducida de la página en inglés" in page


def test_scripts_on_spanish_pages_get_the_spanish_words(site: TinySite) -> None:
    page = site.page("es/clinics/index.html")
    assert 'data-lang-prefix="es/"' in page
    assert 'data-vocabulary="../../data/vocabulary.es.json"' in page
    assert '"Verified {date}":"Verificada el {date}"' in page
    words = json.loads((site.output / "data" / "vocabulary.es.json").read_text("utf-8"))
    assert words["vocab"]["route"][0][:2] == ["iv_infusion", "Infusión IV"]
    assert words["recently_verified"] != "Recently verified"  # the finder's notes, too


def test_the_compare_page_reads_each_clinic_in_its_own_language(site: TinySite) -> None:
    path = "clinics/az/old-pueblo-pain-associates/clinic.json"
    english = json.loads((site.output / path).read_text("utf-8"))
    spanish = json.loads((site.output / "es" / path).read_text("utf-8"))
    assert spanish["record"] == english["record"]  # one record, as contributed
    assert spanish["labels"]["route"]["iv_infusion"][0] == "Infusión IV"
    assert "de 2025" in spanish["derived"]["display"]["last_verified"]
    assert "por sesión" in spanish["derived"]["services"][0]["headline"]


def test_the_sitemap_lists_each_language_with_its_alternates() -> None:
    versions = [("en", "https://x.example/about/"), ("es", "https://x.example/es/about/")]

    xml = sitemap_xml([(versions, None), ([("en", "https://x.example/data.csv")], None)])

    alternates = (
        '<xhtml:link rel="alternate" hreflang="en" href="https://x.example/about/"/>'
        '<xhtml:link rel="alternate" hreflang="es" href="https://x.example/es/about/"/>'
    )
    assert f"<url><loc>https://x.example/about/</loc>{alternates}</url>" in xml
    assert f"<url><loc>https://x.example/es/about/</loc>{alternates}</url>" in xml
    assert "<url><loc>https://x.example/data.csv</loc></url>" in xml
