"""The guide keeps its promises to readers.

Every page has its metadata and a dated review, cites its sources, makes none of
the claims the lint rejects, reads at grade 10 or below, and links only to guide
sections and directory filters that exist. The guide templates show the notice,
the review date, structured data and the contents in reading order.
"""

from __future__ import annotations

import importlib.util
import json
import posixpath
import re
from datetime import date
from pathlib import Path
from types import ModuleType, SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import jinja2
import pytest

from clinic_directory import vocab
from clinic_directory.lint import find_overstatements
from clinic_directory.templating import FILTERS

ROOT = Path(__file__).resolve().parents[1]
GUIDE_DIR = ROOT / "content" / "guide"
ALL_PAGES = sorted(GUIDE_DIR.glob("*.md"))
TOPIC_PAGES = [path for path in ALL_PAGES if path.name != "index.md"]
REQUIRED_TOPICS = {
    "what-is-ketamine-treatment",
    "routes",
    "how-it-works",
    "conditions",
    "what-to-expect",
    "safety",
    "cost-and-insurance",
    "law-and-regulation",
    "choosing-a-clinic",
    "questions-and-answers",
}

_HEADING_ANCHOR = re.compile(r"^#{1,6} .*\{#([\w-]+)\}\s*$", re.MULTILINE)
_LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")
_SOURCES = re.compile(r"^## Sources \{#sources\}\n(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)
_SOURCE_ENTRY = re.compile(r"^(\d+)\. \S", re.MULTILINE)
_CITATION = re.compile(r"\[(\d+(?:, \d+)*)\]")

# The directory's filter query parameters and the values each accepts.
_FLAG = {"1"}
FILTER_VALUES: dict[str, object] = {
    "route": set(vocab.ROUTES.values),
    "condition": set(vocab.CONDITIONS.values),
    "credential": set(vocab.CREDENTIALS.values),
    "specialty": set(vocab.SPECIALTIES.values),
    "lang": set(vocab.LANGUAGES.values),
    "home": set(vocab.STATES.values),
    "state": set(vocab.STATES.values),
    "board": _FLAG,
    "insurance": _FLAG,
    "rems": _FLAG,
    "new": _FLAG,
    "telehealth": _FLAG,
    "sort": {"default", "distance", "price", "verified"},
    "max_price": re.compile(r"\d+(\.\d+)?"),
    "zip": re.compile(r"\d{5}"),
    "radius": re.compile(r"\d+"),
    "page": re.compile(r"[1-9]\d*"),
    "near": re.compile(r"-?\d+(\.\d+)?,-?\d+(\.\d+)?"),
}


def _load_readability() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "guide_readability", ROOT / "scripts" / "guide_readability.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


readability = _load_readability()


def metadata(text: str) -> dict[str, str]:
    """The ``Key: value`` header of a Markdown page, keys lower-cased as Pelican does."""
    header = text.split("\n\n", 1)[0]
    return {
        key.strip().lower(): value.strip()
        for key, value in (line.split(":", 1) for line in header.splitlines())
    }


def anchors(text: str) -> set[str]:
    return set(_HEADING_ANCHOR.findall(text))


def page_url(path: Path) -> str:
    return "guide/" if path.stem == "index" else f"guide/{path.stem}/"


def page_id(path: Path) -> str:
    return path.name


# --- each page ---------------------------------------------------------------------


def test_every_topic_the_guide_promises_has_a_page() -> None:
    assert {path.stem for path in TOPIC_PAGES} >= REQUIRED_TOPICS
    assert (GUIDE_DIR / "index.md").exists()


@pytest.mark.parametrize("path", ALL_PAGES, ids=page_id)
def test_page_has_complete_metadata(path: Path) -> None:
    meta = metadata(path.read_text(encoding="utf-8"))

    assert meta.get("title"), "add a Title"
    assert meta.get("summary"), "add a one-sentence Summary"
    assert meta["template"] == ("guide_index" if path.stem == "index" else "guide")
    assert meta["url"] == page_url(path)
    assert meta["save_as"] == page_url(path) + "index.html"
    assert meta["order"].isdigit(), "Order must be a whole number"
    reviewed = date.fromisoformat(meta["reviewed"])
    assert reviewed <= date.today(), "Reviewed must be the date of a review that happened"


def test_pages_have_distinct_reading_order() -> None:
    orders = [metadata(path.read_text(encoding="utf-8"))["order"] for path in ALL_PAGES]

    assert len(set(orders)) == len(orders)


@pytest.mark.parametrize("path", TOPIC_PAGES, ids=page_id)
def test_page_lists_numbered_sources_and_cites_each(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    sources = _SOURCES.search(text)
    assert sources, "end the page with '## Sources {#sources}' and a numbered list"
    numbers = [int(number) for number in _SOURCE_ENTRY.findall(sources.group(1))]
    body = text[: sources.start()]
    cited = {int(n) for group in _CITATION.findall(body) for n in group.split(", ")}

    assert len(numbers) >= 3
    assert numbers == list(range(1, len(numbers) + 1)), "number the sources 1, 2, 3, ..."
    assert cited == set(numbers), "every citation needs a source and every source a citation"


@pytest.mark.parametrize("path", ALL_PAGES, ids=page_id)
def test_page_makes_no_claim_the_lint_rejects(path: Path) -> None:
    hits = find_overstatements(path.read_text(encoding="utf-8"))

    assert [(hit.phrase, hit.why) for hit in hits] == []


@pytest.mark.parametrize("path", ALL_PAGES, ids=page_id)
def test_page_reads_at_grade_ten_or_below(path: Path) -> None:
    grade = readability.grade(readability.body_prose(path.read_text(encoding="utf-8")))

    assert grade <= readability.MAX_GRADE, f"{path.name} reads at grade {grade:.1f}"


# --- links -------------------------------------------------------------------------


def _page_anchors() -> dict[str, set[str]]:
    """Anchors of every guide page, keyed by its site-relative URL."""
    return {page_url(path): anchors(path.read_text(encoding="utf-8")) for path in ALL_PAGES}


def test_every_vocabulary_guide_link_reaches_a_section() -> None:
    pages = _page_anchors()
    broken = []
    for vocabulary in vocab.ALL.values():
        for term in vocabulary:
            if not term.guide:
                continue
            url, _, anchor = term.guide.partition("#")
            if url not in pages or (anchor and anchor not in pages[url]):
                broken.append(f"{vocabulary.name} {term.value}: {term.guide}")

    assert broken == []


@pytest.mark.parametrize("path", ALL_PAGES, ids=page_id)
def test_links_reach_existing_guide_sections_and_directory_filters(path: Path) -> None:
    pages = _page_anchors()
    here = page_url(path)
    broken = []
    for target in _LINK_TARGET.findall(path.read_text(encoding="utf-8")):
        parts = urlsplit(target)
        if parts.scheme or target.startswith("/"):
            broken.append(f"{target}: use a relative link so the site works under a sub-path")
            continue
        resolved = (
            posixpath.normpath(posixpath.join(here, parts.path)) + "/" if parts.path else here
        )
        if resolved.startswith("guide/"):
            if resolved not in pages or (parts.fragment and parts.fragment not in pages[resolved]):
                broken.append(f"{target}: no such guide page or section")
        elif resolved == "clinics/":
            broken.extend(f"{target}: {problem}" for problem in _filter_problems(parts.query))
        else:
            broken.append(f"{target}: links neither a guide page nor the directory")

    assert broken == []


def _filter_problems(query: str) -> list[str]:
    problems = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        accepted = FILTER_VALUES.get(name)
        if accepted is None:
            problems.append(f"unknown filter {name!r}")
        elif isinstance(accepted, re.Pattern):
            if not accepted.fullmatch(value):
                problems.append(f"{name}={value!r} has the wrong form")
        elif value not in accepted:
            problems.append(f"{name}={value!r} is not a known value")
    return problems


# --- the readability script --------------------------------------------------------


def test_body_prose_keeps_only_what_a_reader_reads_as_sentences() -> None:
    page = "\n".join(
        [
            "Title: A page",
            "Order: 1",
            "",
            "## A heading {#heading}",
            "",
            "The first sentence is here [1].",
            "It goes on to a [linked word](../other/#part) here.",
            "",
            "| a | table |",
            "|---|---|",
            "",
            "- a list item without a full stop",
            "- **bold** item;",
            "",
            "## Sources {#sources}",
            "",
            "1. A very long and difficult bibliographic reference.",
        ]
    )

    assert readability.body_prose(page) == "\n".join(
        [
            "The first sentence is here. It goes on to a linked word here.",
            "a list item without a full stop.",
            "bold item.",
        ]
    )


def test_grade_is_higher_for_longer_sentences_and_words() -> None:
    easy = "The cat sat. The dog ran. We all went home."
    hard = (
        "Notwithstanding considerable methodological heterogeneity, investigators "
        "consistently characterized substantial interindividual variability."
    )

    assert readability.grade(easy) < readability.MAX_GRADE < readability.grade(hard)


def test_script_fails_when_a_page_is_too_hard(tmp_path: Path, capsys) -> None:
    (tmp_path / "easy.md").write_text("Title: Easy\n\nWe sat down. We had tea.\n")
    (tmp_path / "hard.md").write_text(
        "Title: Hard\n\nNotwithstanding considerable methodological heterogeneity, "
        "investigators consistently characterized substantial interindividual variability.\n"
    )

    assert readability.main([str(tmp_path)]) == 1
    output = capsys.readouterr().out
    assert "easy.md: grade" in output and "(ok)" in output
    assert "hard.md: grade" in output and "too hard" in output


def test_script_passes_when_every_page_is_readable(tmp_path: Path) -> None:
    (tmp_path / "easy.md").write_text("Title: Easy\n\nWe sat down. We had tea.\n")

    assert readability.main([str(tmp_path)]) == 0


# --- the templates -----------------------------------------------------------------

_STUB_BASE = (
    "<title>{% block title %}{% endblock %}</title>"
    "<meta name=description content='{% block description %}{% endblock %}'>"
    "{% block head %}{% endblock %}<main>{% block main %}{% endblock %}</main>"
)


def _guide_page(order: str, slug: str, **extra: str) -> SimpleNamespace:
    url = "guide/" if slug == "index" else f"guide/{slug}/"
    return SimpleNamespace(
        title=f"Page {order}",
        summary=f"<p>About {slug} &amp; more.</p>",
        url=url,
        order=order,
        reviewed="2026-11-01",
        content="<p>Body</p>",
        **extra,
    )


def _render(template: str, page: SimpleNamespace, pages: list[SimpleNamespace]) -> str:
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.DictLoader({"base.html": _STUB_BASE}),
                jinja2.FileSystemLoader(ROOT / "theme" / "templates"),
            ]
        ),
        autoescape=True,
    )
    environment.filters.update(FILTERS)
    return environment.get_template(template).render(
        page=page, pages=pages, SITEURL="https://example.org/dir", SITENAME="Directory"
    )


def _jsonld(html: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert block
    return json.loads(block.group(1))


def test_guide_template_shows_notice_review_date_and_contents_in_order() -> None:
    pages = [_guide_page("10", "ten"), _guide_page("2", "two"), _guide_page("1", "one")]
    pages.append(SimpleNamespace(title="About", url="about/", summary=""))

    html = _render("guide.html", pages[1], pages)

    assert "This is not medical advice." in html
    assert 'Last reviewed <time datetime="2026-11-01">' in html
    contents = re.findall(r'<a href="https://example.org/dir/(guide/[^"]*)"', html)
    assert contents == ["guide/one/", "guide/two/", "guide/ten/"]
    assert 'href="https://example.org/dir/guide/two/" aria-current="page"' in html


def test_guide_template_describes_the_page_as_a_medical_web_page() -> None:
    page = _guide_page("1", "one")

    data = _jsonld(_render("guide.html", page, [page]))

    assert data["@type"] == "MedicalWebPage"
    assert data["url"] == "https://example.org/dir/guide/one/"
    assert data["description"] == "About one & more."
    assert data["lastReviewed"] == "2026-11-01"
    assert data["medicalAudience"]["audienceType"] == "Patient"
    assert data["publisher"]["name"] == "Directory"
    assert "reviewedBy" not in data


def test_guide_template_names_the_reviewer_only_when_there_is_one() -> None:
    page = _guide_page("1", "one", reviewer="Dr. Ana </script> Ruiz")

    html = _render("guide.html", page, [page])

    assert _jsonld(html)["reviewedBy"] == {"@type": "Person", "name": "Dr. Ana </script> Ruiz"}
    assert html.count("</script>") == 1


def test_guide_index_lists_the_other_pages_with_their_summaries() -> None:
    index = _guide_page("0", "index")
    pages = [index, _guide_page("2", "two"), _guide_page("1", "one")]

    html = _render("guide_index.html", index, pages)

    listed = re.findall(r'<a href="https://example.org/dir/(guide/[^"]*)">', html)
    assert listed == ["guide/one/", "guide/two/"]
    assert "<p>About one &amp; more.</p>" in html
    assert "Guide contents" not in html
