"""Print how easy each guide page is to read and fail if any is too hard.

The guide is written for the public, so its body prose should read at about US
grade 8 to 9. Only what a reader reads as sentences is measured: metadata,
headings, tables, the Sources section ("Fuentes" in Spanish), link targets and
citation markers are left out, and each list item counts as its own sentence.

English pages are scored with the Flesch-Kincaid grade, which must be at most 10.
Spanish pages (``Lang: es`` in the header) are scored with the two Spanish
reading-ease indexes, Fernandez-Huerta and Szigriszt-Pazos (0 to 100, higher is
easier); the page fails if its Fernandez-Huerta index is under 70, the band
"bastante facil" that matches about grade 7 to 8. Szigriszt-Pazos is printed as
a second opinion and does not decide.

Usage: python scripts/guide_readability.py [GUIDE_DIR]   (default: content/guide)
       python scripts/guide_readability.py content/guide/es
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from textstat.textstat import textstatistics

MAX_GRADE = 10.0
MIN_FERNANDEZ_HUERTA = 70.0
DEFAULT_GUIDE_DIR = Path(__file__).resolve().parents[1] / "content" / "guide"

# textstat looks English words up in NLTK's copy of the CMU Pronouncing Dictionary,
# which it downloads on first use. Builds and tests run offline, so the locale is
# given in a form textstat does not map to that dictionary; it then counts
# syllables with Pyphen's en_US hyphenation patterns, the same on every machine.
_SYLLABLE_LOCALE = "en-US"
# Spanish is never looked up in that dictionary: textstat counts its syllables with
# Pyphen's Spanish hyphenation patterns, which ship with Pyphen, so this works
# offline too. Hyphenation never splits off a single vowel, so words with a vowel
# in hiatus ("día", "área") count one syllable short and the scores err slightly
# towards easy.
_SPANISH_LOCALE = "es"

_METADATA_LINE = re.compile(r"^[A-Za-z_]+:\s")
_HEADING = re.compile(r"^#{1,6}\s")
_SOURCES_HEADING = re.compile(r"^#{1,6}\s+(?:Sources|Fuentes)\b")
_LANG_LINE = re.compile(r"^Lang:\s*(\S+)", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_CITATION = re.compile(r"\s?\[\d+(?:\s*[,–-]\s*\d+)*\]")
_ATTR_LIST = re.compile(r"\s*\{[#.:][^}]*\}")
_MARKUP = re.compile(r"[*_`]+|<[^>]+>")


def body_prose(markdown: str) -> str:
    """The sentences a reader reads in one guide page, one per line."""
    lines = markdown.splitlines()
    while lines and _METADATA_LINE.match(lines[0]):
        lines.pop(0)
    units: list[list[str]] = [[]]
    in_sources = False
    for line in lines:
        if _HEADING.match(line):
            in_sources = bool(_SOURCES_HEADING.match(line))
            units.append([])
        elif in_sources or line.lstrip().startswith("|"):
            units.append([])
        else:
            if not line.strip() or _LIST_ITEM.match(line):
                units.append([])
            units[-1].append(_plain(line))
    sentences = (" ".join(part for part in unit if part) for unit in units)
    return "\n".join(_as_sentence(sentence) for sentence in sentences if sentence)


def _plain(line: str) -> str:
    text = _LIST_ITEM.sub("", line)
    text = _LINK.sub(r"\1", text)
    text = _CITATION.sub("", text)
    text = _ATTR_LIST.sub("", text)
    return _MARKUP.sub("", text).strip()


def _as_sentence(unit: str) -> str:
    """A list item or paragraph ends a sentence even without a full stop."""
    unit = unit.rstrip(";,")
    return unit if unit.endswith((".", "?", "!", ":")) else unit + "."


def page_language(markdown: str) -> str:
    """The page's ``Lang`` header in lower case, or ``"en"`` when it has none."""
    for line in markdown.splitlines():
        if not _METADATA_LINE.match(line):
            break
        found = _LANG_LINE.match(line)
        if found:
            return found.group(1).lower()
    return "en"


def _statistics(locale: str) -> textstatistics:
    statistics = textstatistics()
    statistics.set_lang(locale)
    statistics.set_rounding_points(None)
    return statistics


def grade(prose: str) -> float:
    """Flesch-Kincaid grade of plain English prose."""
    return _statistics(_SYLLABLE_LOCALE).flesch_kincaid_grade(prose)


def fernandez_huerta(prose: str) -> float:
    """Fernandez-Huerta reading ease of plain Spanish prose (higher is easier)."""
    return _statistics(_SPANISH_LOCALE).fernandez_huerta(prose)


def szigriszt_pazos(prose: str) -> float:
    """Szigriszt-Pazos perspicuity of plain Spanish prose (higher is easier)."""
    return _statistics(_SPANISH_LOCALE).szigriszt_pazos(prose)


class PageScore(NamedTuple):
    """How easy one page is to read, measured for the language it is written in."""

    lang: str
    grade: float | None = None
    fernandez_huerta: float | None = None
    szigriszt_pazos: float | None = None

    @property
    def spanish(self) -> bool:
        return self.lang.split("-")[0].split("_")[0] == "es"

    @property
    def ok(self) -> bool:
        if self.spanish:
            assert self.fernandez_huerta is not None
            return self.fernandez_huerta >= MIN_FERNANDEZ_HUERTA
        assert self.grade is not None
        return self.grade <= MAX_GRADE

    def describe(self) -> str:
        if self.spanish:
            verdict = (
                "ok" if self.ok else f"too hard: Fernández-Huerta below {MIN_FERNANDEZ_HUERTA:g}"
            )
            return (
                f"Fernández-Huerta {self.fernandez_huerta:.1f}, "
                f"Szigriszt-Pazos {self.szigriszt_pazos:.1f} ({verdict})"
            )
        verdict = "ok" if self.ok else f"too hard: above grade {MAX_GRADE:g}"
        return f"grade {self.grade:.1f} ({verdict})"


def score(markdown: str) -> PageScore:
    """Score one page with the indexes for its language."""
    lang = page_language(markdown)
    prose = body_prose(markdown)
    if PageScore(lang).spanish:
        return PageScore(
            lang, fernandez_huerta=fernandez_huerta(prose), szigriszt_pazos=szigriszt_pazos(prose)
        )
    return PageScore(lang, grade=grade(prose))


def page_scores(guide_dir: Path) -> dict[str, PageScore]:
    """Score of every page in a folder, keyed by file name, in file-name order."""
    return {
        path.name: score(path.read_text(encoding="utf-8"))
        for path in sorted(guide_dir.glob("*.md"))
    }


def page_grades(guide_dir: Path) -> dict[str, float]:
    """Flesch-Kincaid grade of every English guide page, keyed by file name."""
    return {
        name: page.grade for name, page in page_scores(guide_dir).items() if page.grade is not None
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    guide_dir = Path(args[0]) if args else DEFAULT_GUIDE_DIR
    scores = page_scores(guide_dir)
    if not scores:
        print(f"{guide_dir}: no guide pages (*.md) found; pass the guide folder as argument")
        return 1
    too_hard = False
    for name, page in scores.items():
        print(f"{os.path.relpath(guide_dir / name)}: {page.describe()}")
        too_hard = too_hard or not page.ok
    if too_hard:
        print("Shorten sentences and prefer common words on the pages marked too hard.")
    return 1 if too_hard else 0


if __name__ == "__main__":
    sys.exit(main())
