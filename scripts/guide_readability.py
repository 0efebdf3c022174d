"""Print the reading grade of each guide page and fail if any is too hard to read.

The guide is written for the public, so its body prose should read at about US
grade 8 to 9. The grade is the Flesch-Kincaid grade of what a reader reads as
sentences: metadata, headings, tables, the Sources section, link targets and
citation markers are left out, and each list item counts as its own sentence.

Usage: python scripts/guide_readability.py [GUIDE_DIR]   (default: content/guide)
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from textstat.textstat import textstatistics

MAX_GRADE = 10.0
DEFAULT_GUIDE_DIR = Path(__file__).resolve().parents[1] / "content" / "guide"

# textstat looks English words up in NLTK's copy of the CMU Pronouncing Dictionary,
# which it downloads on first use. Builds and tests run offline, so the locale is
# given in a form textstat does not map to that dictionary; it then counts
# syllables with Pyphen's en_US hyphenation patterns, the same on every machine.
_SYLLABLE_LOCALE = "en-US"

_METADATA_LINE = re.compile(r"^[A-Za-z_]+:\s")
_HEADING = re.compile(r"^#{1,6}\s")
_SOURCES_HEADING = re.compile(r"^#{1,6}\s+Sources\b")
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


def grade(prose: str) -> float:
    """Flesch-Kincaid grade of plain prose."""
    statistics = textstatistics()
    statistics.set_lang(_SYLLABLE_LOCALE)
    statistics.set_rounding_points(None)
    return statistics.flesch_kincaid_grade(prose)


def page_grades(guide_dir: Path) -> dict[str, float]:
    """Grade of every guide page, keyed by file name, in file-name order."""
    return {
        path.name: grade(body_prose(path.read_text(encoding="utf-8")))
        for path in sorted(guide_dir.glob("*.md"))
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    guide_dir = Path(args[0]) if args else DEFAULT_GUIDE_DIR
    grades = page_grades(guide_dir)
    if not grades:
        print(f"{guide_dir}: no guide pages (*.md) found; pass the guide folder as argument")
        return 1
    too_hard = False
    for name, value in grades.items():
        verdict = "ok" if value <= MAX_GRADE else f"too hard: above grade {MAX_GRADE:g}"
        print(f"{os.path.relpath(guide_dir / name)}: grade {value:.1f} ({verdict})")
        too_hard = too_hard or value > MAX_GRADE
    if too_hard:
        print("Shorten sentences and prefer common words on the pages marked too hard.")
    return 1 if too_hard else 0


if __name__ == "__main__":
    sys.exit(main())
