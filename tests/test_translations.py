"""The message catalogue: every string a visitor reads comes from it.

The proof is a pseudo-language, ``qps``, whose every message is its English text
between ``⟦`` and ``⟧``: a site built in it shows English outside the marks only
where a string never reached the catalogue. Clinic-written values, guide and policy
texts (content, not catalogue strings), names and numbers are the exceptions.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from sites import PROJECT, TinySite, make_tiny_site, record

from clinic_directory.records import vocab
from clinic_directory.records.schema import build_schema
from clinic_directory.site import formatting, opendata, translations

PSEUDO = "qps"
OPEN, CLOSE = "⟦", "⟧"
#: Attributes whose text a visitor reads or hears (``data-label`` heads a table cell
#: on phones), and the ``<meta>`` whose ``content`` is a page's description.
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "data-label")
READ_META = ("description", "og:title", "og:description")
#: Not a catalogue string: the site's name, from the settings.
SETTINGS = ("SITENAME",)


def message_ids(pot: Path) -> set[Any]:
    with pot.open("rb") as file:
        return {message.id for message in read_po(file) if message.id}


@pytest.fixture(scope="module")
def fresh_pot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalogue's template extracted now, by ``make messages`` itself."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        ["make", "-s", "messages", f"POT={pot}"], cwd=PROJECT, check=True, capture_output=True
    )
    return pot


def test_the_committed_catalogue_template_is_current(fresh_pot: Path) -> None:
    committed, fresh = message_ids(translations.TEMPLATE), message_ids(fresh_pot)
    assert committed == fresh, (
        f"run `make messages`: new {sorted(map(str, fresh - committed))[:10]}, "
        f"gone {sorted(map(str, committed - fresh))[:10]}"
    )


# -- the pseudo-language -------------------------------------------------------------


def pseudo_catalogue(pot: Path) -> Catalog:
    """Every message of the template, translated as itself between marks."""
    with pot.open("rb") as file:
        template = read_po(file)
    catalogue = Catalog(locale=None, fuzzy=False)
    for message in template:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        marked = tuple(f"{OPEN}{text}{CLOSE}" for text in ids)
        catalogue.add(message.id, marked if len(marked) > 1 else marked[0])
    return catalogue


def write_locale(folder: Path, pot: Path) -> None:
    path = folder / PSEUDO / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as file:
        write_po(file, pseudo_catalogue(pot))


def test_python_words_come_from_the_catalogue(
    fresh_pot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_locale(tmp_path, fresh_pot)
    monkeypatch.setattr(translations, "LOCALE_DIR", tmp_path)
    assert formatting.us_date("2026-10-14") == "Oct 14, 2026"
    assert formatting.us_date("2026-10-14", PSEUDO) == "⟦⟦Oct⟧ 14, 2026⟧"
    assert formatting.hours_range("08:30-17:00", PSEUDO) == "⟦8:30 am⟧-⟦5 pm⟧"
    assert formatting.verification_warning(400, PSEUDO) == (
        "⟦over a year ago: check with the clinic⟧"
    )


# -- a whole site in the pseudo-language ---------------------------------------------


def content_only(site: TinySite) -> set[str]:
    """Keep the guide and policy pages' metadata, drop their text (content, translated
    page by page, not through the catalogue) and the pages in other languages; return
    the titles, summaries and reviewers, which the pages' chrome shows."""
    values = set()
    for path in (site.root / "content").rglob("*.md"):
        header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        if re.search(r"^Lang:", header, re.MULTILINE):
            path.unlink()
            continue
        path.write_text(header + "\n\n", encoding="utf-8")
        values |= set(re.findall(r"^(?:Title|Summary|Reviewer): (.*)$", header, re.MULTILINE))
    return values


def record_strings(value: Any) -> Iterator[str]:
    """Every text a record holds, except the vocabularies' codes (never shown as is)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from record_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from record_strings(item)
    elif isinstance(value, str) and not any(value in v for v in vocab.ALL.values()):
        yield value


def schema_strings() -> Iterator[str]:
    """The record schema's field list on the open-data page (written by ``opendata``)."""
    for field in opendata.schema_fields(build_schema()):
        yield from (field.path, field.type, field.description, *field.values)


class VisibleText(HTMLParser):
    """A page's text as read: text outside ``<script>``/``<style>`` in order, and the
    attributes read aloud or shown, each apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "style"):
            self.hidden += 1
        if tag == "meta" and (found.get("name") or found.get("property")) in READ_META:
            self.attributes.append(found.get("content") or "")
        self.attributes += [found[name] or "" for name in READ_ATTRIBUTES if name in found]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.text.append(data)


_MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
#: Web addresses, e-mail addresses and file names: not words.
_ADDRESS = re.compile(r"\S*\w[./@]\w\S*")
#: A word a visitor could read as English: letters, at least one of them lower case
#: (all-capital codes and acronyms such as TX or HSDS are names).
_WORD = re.compile(r"[^\W\d_]*[a-z][^\W\d_]*")


def untranslated(text: str, allowed: re.Pattern[str]) -> str:
    """What is left of ``text`` after the marked messages, allowed texts and addresses:
    English here never went through the catalogue."""
    while _MARKED.search(text):
        text = _MARKED.sub(" ", text)
    text = _ADDRESS.sub(" ", allowed.sub(" ", text))
    pieces = (" ".join(piece.split()) for piece in text.split("\n"))
    return " | ".join(piece for piece in pieces if _WORD.search(piece))


def any_of(texts: set[str]) -> re.Pattern[str]:
    """Any of ``texts`` standing alone, not inside a word or an address (longest first,
    so a name goes before a word in it)."""
    ordered = sorted(texts - {""}, key=len, reverse=True)
    alternatives = "|".join(map(re.escape, ordered))
    return re.compile(rf"(?<![\w./@-])(?:{alternatives})(?![\w/@-]|\.\w)")


@pytest.fixture(scope="module")
def pseudo_sites(
    fresh_pot: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[Path], re.Pattern[str]]:
    """The sample clinics (a development build), and a few real-looking ones with
    absolute URLs (feeds, NPI checks), both in the pseudo-language; with every text
    the pages may show that is not a catalogue string."""
    locale = tmp_path_factory.mktemp("locale")
    write_locale(locale, fresh_pot)
    samples = make_tiny_site(tmp_path_factory.mktemp("samples"))
    shutil.rmtree(samples.root / "samples")
    shutil.copytree(PROJECT / "samples", samples.root / "samples")
    public = make_tiny_site(tmp_path_factory.mktemp("public"))
    clinician = {
        **record()["clinicians"][0],
        "npi": "1234567893",
        "npi_check": {"checked": "2026-10-14", "result": "mismatch"},
    }
    public.add(
        "tx/lantern-hill",
        record(
            clinicians=[clinician],
            verification={"method": "phone"},
            listed_since="2026-01-05",
            email="desk@lantern-hill.example",
            hours={"mon": "08:30-17:00", "sun": "closed"},
            first_appointment_wait={"days": 14, "observed": "2025-09-01"},
        ),
    )
    public.add(
        "tx/cedar-row",
        record(
            name="Cedar Row Ketamine",
            phone="+1 512-555-0199",
            status="temporarily_closed",
            previous_slugs=["tx/old-cedar"],
            last_verified="2025-01-10",
        ),
    )
    allowed = set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(translations, "LOCALE_DIR", locale)
        for site, extra in ((samples, {}), (public, {"SITEURL": "https://example.org"})):
            allowed |= content_only(site)
            language = {"DEFAULT_LANG": PSEUDO, "CLINIC_LANGUAGES": [PSEUDO]}
            settings = site.settings(**language, **extra)
            allowed |= {str(settings[name]) for name in SETTINGS}
            for path in site.root.glob("*/*/*.yaml"):
                allowed |= set(record_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
            site.build(**language, CLINIC_SEARCH_INDEX=False, **extra)
    return [samples.output, public.output], any_of(allowed | set(schema_strings()))


def test_every_word_of_every_page_comes_from_the_catalogue(
    pseudo_sites: tuple[list[Path], re.Pattern[str]],
) -> None:
    outputs, allowed = pseudo_sites
    problems, pages = [], 0
    for output in outputs:
        for page in sorted(output.rglob("*.html")):
            pages += 1
            parser = VisibleText()
            parser.feed(page.read_text(encoding="utf-8"))
            for text in ("\n".join(parser.text), *parser.attributes):
                if left := untranslated(text, allowed):
                    problems.append(f"{output.parent.name}/{page.relative_to(output)}: {left}")
    assert pages > 100
    assert not problems, "text not from the catalogue:\n" + "\n".join(problems[:40])


def test_a_clinic_page_shows_vocabulary_labels_from_the_catalogue(
    pseudo_sites: tuple[list[Path], re.Pattern[str]],
) -> None:
    page = (pseudo_sites[0][1] / "clinics/tx/lantern-hill/index.html").read_text()
    assert '<html lang="qps"' in page
    assert "<dt>⟦IV infusion⟧</dt>" in page  # a label printed by the template
    explanation = vocab.ROUTES.get("iv_infusion").explanation
    assert f'title="⟦{explanation}⟧">⟦IV infusion⟧</a>' in page  # a term_link
    screening = vocab.SAFETY_PRACTICES.get("medical_screening")
    assert f'<span class="explain">⟦{screening.explanation}⟧</span>' in page  # a term_list
