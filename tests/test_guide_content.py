"""The guide keeps its promises to readers.

Every page has its metadata and a review that is still current, names who
reviewed it, declares the end date of any rule it states, cites its sources with
links a reader can follow, publishes nothing it marks unchecked, makes none of the
claims the lint rejects, reads at grade 10 or below, keeps directory links in one
"Find a clinic" box after its facts, and links only to guide sections and
directory filters that exist. The guide templates show the notice, the review,
structured data and the contents in reading order.

Each Spanish page in content/guide/es translates the English page of the same
name: it keeps that page's anchors, link targets, citations and sources, says
which English text it translates and never claims a later review, and reads at a
Fernandez-Huerta index of 70 or more.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import posixpath
import re
from collections import Counter
from datetime import date
from pathlib import Path
from types import ModuleType, SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import jinja2
import pytest
from pelican.readers import MarkdownReader
from pelican.settings import DEFAULT_CONFIG

from clinic_directory.records import vocab
from clinic_directory.records.claims import find_overstatements
from clinic_directory.site import languages, translations
from clinic_directory.site.guide_review import review_problems
from clinic_directory.site.templating import FILTERS, GLOBALS

ROOT = Path(__file__).resolve().parents[1]
GUIDE_DIR = ROOT / "content" / "guide"
ALL_PAGES = sorted(GUIDE_DIR.glob("*.md"))
SPANISH_DIR = GUIDE_DIR / "es"
SPANISH_PAGES = sorted(SPANISH_DIR.glob("*.md"))
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
# The Sources section of a page in either language ("Fuentes" in Spanish).
_ANY_SOURCES = re.compile(
    r"^## (?:Sources|Fuentes) \{#sources\}\n(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL
)
_SOURCE_ENTRY = re.compile(r"^(\d+)\. \S", re.MULTILINE)
_SOURCE_LINE = re.compile(r"^\d+\. .*$", re.MULTILINE)
_WEB_LINK = re.compile(r"\[[^\]]+\]\((https://[^)\s]+)\)")
_CITATION = re.compile(r"\[(\d+(?:, \d+)*)\]")

# The one box per page that holds the directory's "find clinics" links, its heading
# in the page's language.
_FIND_BOX_PATTERN = (
    r'^<aside class="guide-find" aria-labelledby="find-a-clinic" markdown="1">\n'
    r"\n## {heading} \{{#find-a-clinic\}}\n(.*?)^</aside>\n"
)
_FIND_BOX = re.compile(_FIND_BOX_PATTERN.format(heading="Find a clinic"), re.M | re.S)
_DIRECTORY_LINK = re.compile(r"\]\((?:\.\./)+clinics/[^)]*\)")

# Wording that publishes a statement beside a caveat that nobody checked it. The
# guide leaves such statements out instead.
_UNCHECKED = re.compile(
    r"\b(?:not (?:yet )?confirmed|unconfirmed|could not (?:yet )?confirm"
    r"|we (?:have|had) not (?:yet )?(?:checked|confirmed|read)|not yet checked|from memory)\b",
    re.IGNORECASE,
)
# Kinds of source the guide replaced with primary ones: news reports, drug-summary
# sites, a summary of a non-US label, law-firm notes, and clinic and vendor blogs.
_REJECTED_SOURCES = re.compile(
    r"\b(?:MedicineNet|MIMS|HealingMaps|Lexology|Wilson Sonsini|Crain's|STAT News|"
    r"Becker's|MT Newswires|Osmind|Lopez Psychiatry|CareDoctor|KHN|Mental Health Weekly)\b"
)
_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
_STATED_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(_MONTHS) + r") (\d{4})\b")
_SPANISH_MONTHS = (
    *("enero", "febrero", "marzo", "abril", "mayo", "junio"),
    *("julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"),
)
_SPANISH_STATED_DATE = re.compile(
    r"\b(\d{1,2}) de (" + "|".join(_SPANISH_MONTHS) + r") de (\d{4})\b", re.IGNORECASE
)

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


def split_sources(text: str) -> tuple[str, str]:
    """The page before its Sources section, and the Sources section ("" if none)."""
    found = _ANY_SOURCES.search(text)
    return (text[: found.start()], found.group(1)) if found else (text, "")


def stated_dates(text: str) -> list[date]:
    """Every date written out in full in ``text``, in English (``31 December 2026``)
    or in Spanish (``31 de diciembre de 2026``)."""
    english = [
        date(int(year), _MONTHS.index(month) + 1, int(day))
        for day, month, year in _STATED_DATE.findall(text)
    ]
    spanish = [
        date(int(year), _SPANISH_MONTHS.index(month.lower()) + 1, int(day))
        for day, month, year in _SPANISH_STATED_DATE.findall(text)
    ]
    return english + spanish


def date_bound_problems(text: str) -> list[str]:
    """Dates still to come at the review that a page states without saying when it expires.

    Such a date is a deadline, like the end of a temporary rule: the page must
    declare ``Valid_until`` on or before it, and the review module holds
    ``Review_by`` to ``Valid_until``, so the page is reviewed before the date passes.
    """
    meta = metadata(text)
    reviewed = date.fromisoformat(meta["reviewed"])
    body, _ = split_sources(text)
    future = sorted({when for when in stated_dates(body) if when > reviewed})
    if not future:
        return []
    if "valid_until" not in meta:
        return [f"states {future[0]}, after its review: declare Valid_until and review by then"]
    valid_until = date.fromisoformat(meta["valid_until"])
    return [
        f"states {when}, but Valid_until is later ({valid_until})"
        for when in future
        if when < valid_until
    ]


def read_page(path: Path) -> tuple[str, dict]:
    """The page's HTML and metadata as Pelican's Markdown reader gives them."""
    return MarkdownReader(copy.deepcopy(DEFAULT_CONFIG)).read(str(path))


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
    assert date.fromisoformat(meta["review_by"]) > reviewed, "add Review_by, after Reviewed"
    assert meta.get("reviewer"), "add Reviewer: a team or a role, never an invented person"


@pytest.mark.parametrize("path", ALL_PAGES, ids=page_id)
def test_page_review_is_complete_and_current_today(path: Path) -> None:
    assert review_problems(metadata(path.read_text(encoding="utf-8")), date.today()) == []


@pytest.mark.parametrize("path", ALL_PAGES, ids=page_id)
def test_page_states_no_date_bound_fact_past_its_review(path: Path) -> None:
    assert date_bound_problems(path.read_text(encoding="utf-8")) == []


def test_pages_stating_the_telehealth_rule_end_declare_it() -> None:
    texts = {path.name: path.read_text(encoding="utf-8") for path in ALL_PAGES}
    dated = {name: metadata(text) for name, text in texts.items() if "31 December 2026" in text}

    assert {"law-and-regulation.md", "routes.md"} <= set(dated)
    for meta in dated.values():
        assert meta["valid_until"] == "2026-12-31"
        assert date.fromisoformat(meta["review_by"]) <= date(2026, 12, 31)


def test_a_future_date_without_a_valid_until_is_caught() -> None:
    header = "Title: T\nReviewed: 2026-12-05\nReview_by: 2027-06-05\n\n"
    rule = "A temporary rule runs through 31 December 2026.\n"
    history = "The rule took effect on 12 August 1999.\n"
    declared = header.replace("\n\n", "\nValid_until: 2026-12-31\n\n")
    too_late = header.replace("\n\n", "\nValid_until: 2027-03-01\n\n")

    assert date_bound_problems(header + history) == []
    assert date_bound_problems(header + rule) == [
        "states 2026-12-31, after its review: declare Valid_until and review by then"
    ]
    assert date_bound_problems(declared + rule) == []
    assert date_bound_problems(too_late + rule) == [
        "states 2026-12-31, but Valid_until is later (2027-03-01)"
    ]


@pytest.mark.parametrize("path", ALL_PAGES, ids=page_id)
def test_page_publishes_nothing_marked_unchecked(path: Path) -> None:
    found = _UNCHECKED.findall(path.read_text(encoding="utf-8"))

    assert found == [], "leave an unchecked statement out rather than publish it with a caveat"


def test_the_unchecked_wording_check_can_fail() -> None:
    published = "Remission was 22.5%; not confirmed. Authors unconfirmed. We have not yet checked."
    careful = "The FDA has not checked compounded ketamine for safety."

    assert _UNCHECKED.findall(published) == [
        "not confirmed",
        "unconfirmed",
        "We have not yet checked",
    ]
    assert _UNCHECKED.findall(careful) == []


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


@pytest.mark.parametrize("path", TOPIC_PAGES, ids=page_id)
def test_every_source_line_has_a_link_a_reader_can_follow(path: Path) -> None:
    _, sources = split_sources(path.read_text(encoding="utf-8"))
    lines = _SOURCE_LINE.findall(sources)

    assert lines
    assert [line for line in lines if not _WEB_LINK.search(line)] == []


def test_the_source_link_check_catches_a_line_without_a_link() -> None:
    sources = "\n1. A paper. [doi:10.1/x](https://doi.org/10.1/x)\n2. A news story, 2018.\n"

    lines = _SOURCE_LINE.findall(sources)

    assert [line for line in lines if not _WEB_LINK.search(line)] == ["2. A news story, 2018."]


@pytest.mark.parametrize("path", TOPIC_PAGES, ids=page_id)
def test_sources_are_not_the_news_or_summary_sites_the_guide_replaced(path: Path) -> None:
    _, sources = split_sources(path.read_text(encoding="utf-8"))

    assert _REJECTED_SOURCES.findall(sources) == []


@pytest.mark.parametrize("path", ALL_PAGES, ids=page_id)
def test_page_makes_no_claim_the_lint_rejects(path: Path) -> None:
    hits = find_overstatements(path.read_text(encoding="utf-8"))

    assert [(hit.phrase, hit.why) for hit in hits] == []


@pytest.mark.parametrize("path", ALL_PAGES, ids=page_id)
def test_page_reads_at_grade_ten_or_below(path: Path) -> None:
    grade = readability.grade(readability.body_prose(path.read_text(encoding="utf-8")))

    assert grade <= readability.MAX_GRADE, f"{path.name} reads at grade {grade:.1f}"


# --- the claims lint: phrases this review removed from the guide ---------------------


@pytest.mark.parametrize(
    "claim",
    [
        "Ketamine is a new kind of antidepressant.",
        "They were the first antidepressants with proven fast action.",
        'Remission: few or no symptoms left. This guide calls it "getting well".',
        "63% got well with ECT, against 46% with ketamine.",
        "So ask the clinic when it is safe for you to drive.",
        "You can drive yourself home after an hour.",
        "This figure comes from a news report; not confirmed.",
        "AANA practice considerations. Year not confirmed.",
        "We could not confirm how long a typical visit takes.",
        "For adults who have sudden suicidal thoughts or actions.",
        "Some people do not improve.",
    ],
)
def test_lint_rejects_the_phrases_this_review_removed(claim: str) -> None:
    assert find_overstatements(claim), f"the lint should reject: {claim}"


@pytest.mark.parametrize(
    "statement",
    [
        "Generic ketamine is not an approved antidepressant.",
        "Remission means a score below a set cut-off at the time it was measured.",
        "After esketamine, do not drive until the next day, after a restful night's sleep.",
        "For adults with acute suicidal thoughts or behavior.",
        "Many people do not respond.",
        "The FDA has not checked compounded ketamine for safety.",
    ],
)
def test_lint_leaves_the_careful_wording_alone(statement: str) -> None:
    assert find_overstatements(statement) == []


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
    body, sources = split_sources(path.read_text(encoding="utf-8"))
    broken = [
        f"{target}: a source link must use https"
        for target in _LINK_TARGET.findall(sources)
        if urlsplit(target).scheme != "https"
    ]
    for target in _LINK_TARGET.findall(body):
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


@pytest.mark.parametrize("path", ALL_PAGES + SPANISH_PAGES, ids=page_id)
def test_directory_links_sit_in_one_find_a_clinic_box_after_the_facts(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    spanish = path.parent == SPANISH_DIR
    boxes = list((_SPANISH_FIND_BOX if spanish else _FIND_BOX).finditer(text))

    assert len(boxes) == 1, 'add one <aside class="guide-find" ...> box per page'
    box = boxes[0]
    outside = text[: box.start()] + text[box.end() :]
    assert _DIRECTORY_LINK.findall(outside) == [], "move directory links into the box"
    assert _DIRECTORY_LINK.findall(box.group(1)), "the box links to the directory"
    after = text[box.end() :].lstrip("\n")
    if path.name == "index.md":
        assert after == ""
    else:
        sources = "## Fuentes {#sources}" if spanish else "## Sources {#sources}"
        assert after.startswith(sources), "put the box after the facts"


@pytest.mark.parametrize("path", ALL_PAGES, ids=page_id)
def test_pelican_renders_the_box_as_an_aside_holding_every_directory_link(path: Path) -> None:
    html, meta = read_page(path)
    aside = re.search(
        r'<aside aria-labelledby="find-a-clinic" class="guide-find">(.*?)</aside>', html, re.DOTALL
    )

    assert aside
    assert '<h2 id="find-a-clinic">Find a clinic</h2>' in aside.group(1)
    directory_links = re.compile(r'href="(?:\.\./)+clinics/')
    assert directory_links.findall(aside.group(1))
    assert len(directory_links.findall(html)) == len(directory_links.findall(aside.group(1)))
    assert meta["review_by"] and meta["reviewer"]


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


def test_script_passes_on_the_guide() -> None:
    assert readability.main([str(GUIDE_DIR)]) == 0


_EASY_SPANISH = (
    "Title: Fácil\nLang: es\n\nNos sentamos a la mesa. Tomamos un té. Luego nos fuimos a casa.\n"
)
_HARD_SPANISH = (
    "Title: Difícil\nLang: es\n\nNo obstante la considerable heterogeneidad metodológica, "
    "los investigadores caracterizaron sistemáticamente una sustancial variabilidad "
    "interindividual en la farmacocinética.\n"
)


def test_page_language_comes_from_the_lang_header() -> None:
    assert readability.page_language("Title: T\nLang: es\n\nTexto.\n") == "es"
    assert readability.page_language("Title: T\n\nLang: es is not a header here.\n") == "en"
    assert readability.page_language("Title: T\n\nText.\n") == "en"


def test_body_prose_leaves_out_the_spanish_sources_section() -> None:
    page = "\n".join(
        [
            "Title: Una página",
            "Lang: es",
            "",
            "## Un título {#heading}",
            "",
            "La primera oración está aquí [1].",
            "",
            "## Fuentes {#sources}",
            "",
            "1. Una referencia bibliográfica muy larga y difícil.",
        ]
    )

    assert readability.body_prose(page) == "La primera oración está aquí."


def test_spanish_indexes_are_lower_for_longer_sentences_and_words() -> None:
    easy = readability.body_prose(_EASY_SPANISH)
    hard = readability.body_prose(_HARD_SPANISH)

    assert readability.fernandez_huerta(hard) < 70 < readability.fernandez_huerta(easy)
    assert readability.szigriszt_pazos(hard) < readability.szigriszt_pazos(easy)


def test_script_scores_spanish_pages_with_the_spanish_indexes(tmp_path: Path, capsys) -> None:
    (tmp_path / "facil.md").write_text(_EASY_SPANISH, encoding="utf-8")
    (tmp_path / "dificil.md").write_text(_HARD_SPANISH, encoding="utf-8")

    assert readability.main([str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    easy = next(line for line in lines if "facil.md" in line)
    hard = next(line for line in lines if "dificil.md" in line)
    assert "Fernández-Huerta" in easy and "Szigriszt-Pazos" in easy and "(ok)" in easy
    assert "grade" not in easy
    assert "too hard: Fernández-Huerta below 70" in hard

    (tmp_path / "dificil.md").unlink()
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
        lang="en",
        translations=[],
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
        extensions=["jinja2.ext.i18n"],
    )
    translations.install(environment)
    environment.filters.update({**FILTERS, **languages.FILTERS})
    environment.globals.update({**GLOBALS, **languages.GLOBALS})
    return environment.get_template(template).render(
        page=page,
        pages=pages,
        SITEURL="https://example.org/dir",
        SITENAME="Directory",
        CLINIC_LANGUAGES=["en"],
    )


def _jsonld(html: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert block
    return json.loads(block.group(1))


def test_guide_template_shows_notice_review_date_and_contents_in_order() -> None:
    pages = [_guide_page("10", "ten"), _guide_page("2", "two"), _guide_page("1", "one")]
    pages.append(
        SimpleNamespace(title="About", url="about/", summary="", lang="en", translations=[])
    )

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
    page = _guide_page("1", "one", reviewer="Editorial team </script> review")

    html = _render("guide.html", page, [page])

    assert _jsonld(html)["reviewedBy"] == {
        "@type": "Organization",
        "name": "Editorial team </script> review",
    }
    assert html.count("</script>") == 1
    assert "by Editorial team &lt;/script&gt; review." in html


def test_guide_template_shows_when_the_next_review_is_due_and_when_a_rule_ends() -> None:
    page = _guide_page("1", "one", review_by="2026-12-31", valid_until="2026-12-31")
    plain = _guide_page("2", "two", review_by="2027-06-05")

    html = _render("guide.html", page, [page])
    plain_html = _render("guide.html", plain, [plain])

    assert '</time>. Next review due by <time datetime="2026-12-31">Dec 31, 2026</time>.' in html
    assert (
        '</time>. A rule described on this page applies until <time datetime="2026-12-31">' in html
    )
    assert 'Next review due by <time datetime="2027-06-05">' in plain_html
    assert "applies until" not in plain_html


@pytest.mark.parametrize("path", ALL_PAGES, ids=page_id)
def test_every_page_renders_its_review_in_the_page_and_its_structured_data(path: Path) -> None:
    content, meta = read_page(path)
    template = meta["template"] + ".html"
    page = SimpleNamespace(
        title=meta["title"],
        summary=meta["summary"],
        url=meta["url"],
        order=meta["order"],
        reviewed=meta["reviewed"],
        review_by=meta["review_by"],
        reviewer=meta["reviewer"],
        valid_until=meta.get("valid_until", ""),
        content=content,
        lang="en",
        translations=[],
    )

    html = _render(template, page, [page])
    data = _jsonld(html)

    assert data["lastReviewed"] == meta["reviewed"]
    assert data["reviewedBy"] == {"@type": "Organization", "name": meta["reviewer"]}
    assert f'Last reviewed <time datetime="{meta["reviewed"]}">' in html
    assert f'Next review due by <time datetime="{meta["review_by"]}">' in html


def test_guide_index_lists_the_other_pages_with_their_summaries() -> None:
    index = _guide_page("0", "index")
    pages = [index, _guide_page("2", "two"), _guide_page("1", "one")]

    html = _render("guide_index.html", index, pages)

    listed = re.findall(r'<a href="https://example.org/dir/(guide/[^"]*)">', html)
    assert listed == ["guide/one/", "guide/two/"]
    assert "<p>About one &amp; more.</p>" in html
    assert "Guide contents" not in html


# --- the Spanish guide -------------------------------------------------------------

_ANY_ANCHOR = re.compile(r"\{#([^}]*)\}")
_SPANISH_FIND_BOX = re.compile(_FIND_BOX_PATTERN.format(heading=r"[^\n]+"), re.M | re.S)
_HEX12 = re.compile(r"[0-9a-f]{12}")
_POISON_HELP = "Línea de Ayuda para Envenenamientos (Poison Help): 1-800-222-1222"
_LIFELINE = "Línea 988 de Prevención del Suicidio y Crisis"
_LIFELINE_NUMBER = re.compile(r"(?<![\d.,–-])988(?![\d–-])")
# Spanish-speaking countries write $5.600 or 5.600 $; US federal sites in Spanish
# write $5,600, as the English pages do.
_FOREIGN_MONEY = re.compile(r"\$\s?\d{1,3}(?:\.\d{3})+(?!\d)|\d\s?\$")


def english_page(path: Path) -> Path:
    """The English page a Spanish page translates."""
    return GUIDE_DIR / path.name


def english_revision(path: Path) -> str:
    """What a translation records as ``English_revision`` for the English page."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _pair(path: Path) -> tuple[str, str]:
    return path.read_text(encoding="utf-8"), english_page(path).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SPANISH_PAGES, ids=page_id)
def test_spanish_page_translates_an_english_page(path: Path) -> None:
    assert english_page(path).exists(), "name the file as the English page it translates"


@pytest.mark.parametrize("path", SPANISH_PAGES, ids=page_id)
def test_spanish_page_has_the_metadata_of_its_english_page(path: Path) -> None:
    spanish, english = (metadata(text) for text in _pair(path))

    assert spanish.get("lang") == "es", "add 'Lang: es'"
    assert spanish.get("title") and spanish.get("summary"), "translate Title and Summary"
    for key in ("slug", "template", "order"):
        assert spanish.get(key) == english.get(key), f"keep {key} as in the English page"
    for key in ("url", "save_as"):
        expected = "es/" + english[key] if key in english else None
        assert spanish.get(key) == expected, f"{key} is es/ and the English {key}"
    assert spanish.get("reviewer"), "keep the Reviewer of the English page"
    assert review_problems(spanish, date.today()) == []
    for key in ("reviewed", "review_by", "valid_until"):
        if key in english:
            assert key in spanish, f"keep {key} as in the English page"
            assert date.fromisoformat(spanish[key]) <= date.fromisoformat(english[key]), (
                f"a translation never claims a later {key} than its English page"
            )
    assert date.fromisoformat(spanish["translated"]) <= date.today(), "add Translated: YYYY-MM-DD"
    assert _HEX12.fullmatch(spanish.get("english_revision", "")), (
        "add English_revision: the first 12 hex digits of the English file's SHA-256"
    )


@pytest.mark.parametrize("path", SPANISH_PAGES, ids=page_id)
def test_spanish_page_keeps_the_english_anchors(path: Path) -> None:
    spanish, english = _pair(path)

    assert _ANY_ANCHOR.findall(spanish) == _ANY_ANCHOR.findall(english)


@pytest.mark.parametrize("path", SPANISH_PAGES, ids=page_id)
def test_spanish_page_keeps_the_english_citations_and_sources(path: Path) -> None:
    spanish, english = _pair(path)
    spanish_body, spanish_sources = split_sources(spanish)
    english_body, english_sources = split_sources(english)

    if english_sources:
        assert re.search(r"^## Fuentes \{#sources\}$", spanish, re.MULTILINE)
    assert _CITATION.findall(spanish_body) == _CITATION.findall(english_body), (
        "keep each citation where the English page has it"
    )
    assert _SOURCE_ENTRY.findall(spanish_sources) == _SOURCE_ENTRY.findall(english_sources)
    assert _WEB_LINK.findall(spanish_sources) == _WEB_LINK.findall(english_sources), (
        "keep the sources and their links as in the English page"
    )


@pytest.mark.parametrize("path", SPANISH_PAGES, ids=page_id)
def test_spanish_page_keeps_the_english_link_targets(path: Path) -> None:
    spanish, english = (split_sources(text)[0] for text in _pair(path))

    assert Counter(_LINK_TARGET.findall(spanish)) == Counter(_LINK_TARGET.findall(english))


@pytest.mark.parametrize("path", SPANISH_PAGES, ids=page_id)
def test_spanish_page_states_no_date_bound_fact_past_its_review(path: Path) -> None:
    assert date_bound_problems(path.read_text(encoding="utf-8")) == []


def test_spanish_dates_count_as_stated_dates() -> None:
    header = "Title: T\nReviewed: 2026-12-05\nReview_by: 2027-06-05\n\n"
    rule = "Una regla temporal dura hasta el 31 de diciembre de 2026.\n"

    assert stated_dates(rule) == [date(2026, 12, 31)]
    assert date_bound_problems(header + rule) == [
        "states 2026-12-31, after its review: declare Valid_until and review by then"
    ]


@pytest.mark.parametrize("path", SPANISH_PAGES, ids=page_id)
def test_spanish_page_names_crisis_lines_in_full(path: Path) -> None:
    body, _ = split_sources(path.read_text(encoding="utf-8"))

    assert body.count("1-800-222-1222") == body.count(_POISON_HELP), f"write: {_POISON_HELP}"
    if _LIFELINE_NUMBER.search(body):
        assert _LIFELINE in body and "para español, oprima 2" in body, (
            f"name the {_LIFELINE} and say: para español, oprima 2"
        )


@pytest.mark.parametrize("path", SPANISH_PAGES, ids=page_id)
def test_spanish_page_writes_dollars_as_us_federal_sites_do(path: Path) -> None:
    body, _ = split_sources(path.read_text(encoding="utf-8"))

    assert _FOREIGN_MONEY.findall(body) == [], "write $5,600: dollar sign first, comma thousands"


def test_the_money_check_catches_foreign_forms() -> None:
    assert _FOREIGN_MONEY.findall("unos $5.600, o 5.600 $, o $ 1.700") == [
        "$5.600",
        "0 $",
        "$ 1.700",
    ]
    assert _FOREIGN_MONEY.findall("unos $5,600 el primer mes; $650-$1,100; $0.50") == []


@pytest.mark.parametrize("path", SPANISH_PAGES, ids=page_id)
def test_spanish_page_reads_at_fernandez_huerta_seventy_or_more(path: Path) -> None:
    score = readability.score(path.read_text(encoding="utf-8"))

    assert score.spanish
    assert score.ok, f"{path.name}: {score.describe()}"


@pytest.mark.parametrize("path", SPANISH_PAGES, ids=page_id)
def test_pelican_reads_the_spanish_page_with_its_box(path: Path) -> None:
    html, meta = read_page(path)

    assert meta["lang"] == "es"
    assert re.search(
        r'<aside aria-labelledby="find-a-clinic" class="guide-find">\s*<h2 id="find-a-clinic">',
        html,
    )
