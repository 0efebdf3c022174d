"""What text a record may hold, how it is shown in messages, and how it is compared.

Contributors' text is read by people, by three regular expression engines (see
``schema``) and by other tools (terminals, CI logs). Characters that display as
nothing or reorder the text around them are refused in every field; when a value
is quoted in a message it is shown with escapes, on one line; and two values are
compared in a form where look-alike letters are the same letter.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from types import MappingProxyType

from confusable_homoglyphs import categories

#: Characters that display as nothing or change the order text is shown in: the
#: Unicode general categories Cf (format), Zl and Zp (line and paragraph separators),
#: read from the Unicode data the confusables package pins, so that the schema is the
#: same whichever Python version generates it.
INVISIBLE_CATEGORIES = frozenset({"Cf", "Zl", "Zp"})
#: The other default-ignorable code points, which also render as nothing: the combining
#: grapheme joiner, the Hangul fillers, Khmer inherent vowels, and the Mongolian and
#: generic variation selectors (Unicode's Default_Ignorable_Code_Point outside Cf).
DEFAULT_IGNORABLE = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180D),
    (0x180F, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),
)
#: C0 and C1 control characters except tab, line feed and carriage return, as a
#: character-class body every engine reads alike.
CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
#: Spaces that are not control characters: what a blank value is made of.
SPACES = r"\t\n\r \xa0\u1680\u2000-\u200a\u202f\u205f\u3000"


@cache
def invisible_ranges() -> tuple[tuple[int, int], ...]:
    """The code point ranges of invisible characters, merged and sorted."""
    data = categories.categories_data
    wanted = {data["categories"].index(name) for name in INVISIBLE_CATEGORIES}
    ranges = sorted(
        [(start, end) for start, end, _, kind in data["code_points_ranges"] if kind in wanted]
        + list(DEFAULT_IGNORABLE)
    )
    merged = [ranges[0]]
    for start, end in ranges[1:]:
        if start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _code_point(number: int) -> str:
    """A code point in a character class, written alike for Python, ECMA-262 (with the
    ``u`` flag, as editors compile schema patterns) and Rust: an escape in the Basic
    Multilingual Plane, the character itself beyond it, where they share no escape."""
    return f"\\u{number:04x}" if number <= 0xFFFF else chr(number)


def invisible_class() -> str:
    """The invisible characters as a character-class body, such as ``\\u00ad\\u200b-\\u200f``."""
    return "".join(
        _code_point(start) if start == end else f"{_code_point(start)}-{_code_point(end)}"
        for start, end in invisible_ranges()
    )


#: Every character no value may hold: controls and invisible characters.
FORBIDDEN_CHARACTER = re.compile(f"[{CONTROLS}{invisible_class()}]")
#: What a message shows as an escape: the forbidden characters, line breaks, and the
#: lone surrogates that stand for bytes of a file name that are not UTF-8.
_UNPRINTABLE = re.compile(f"[\\n\\r\\t{CONTROLS}{invisible_class()}\\ud800-\\udfff]")
_ESCAPES = MappingProxyType({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _escape(found: re.Match[str]) -> str:
    char = found[0]
    if char in _ESCAPES:
        return _ESCAPES[char]
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


def visible(text: str) -> str:
    """``text`` on one line with every invisible character shown as an escape, so that a
    value quoted in a message can neither break the line (and forge another message, or
    a workflow command in a CI log) nor hide or reorder what is shown around it."""
    return _UNPRINTABLE.sub(_escape, text)


#: Characters that start links, images, mentions, HTML, emphasis, maths or table cells.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_{}\[\]()<>#!|@~:&$.])")


def markdown_text(text: str) -> str:
    """Contributor text made inert in Markdown: no links, images, mentions, HTML or table
    breaks, on one line, with invisible characters shown as escapes."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", visible(" ".join(text.split())))


#: A path that is safe as it is inside a code span in a table cell.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._/-]+")


def markdown_path(path: str) -> str:
    """A file path for a Markdown table: in a code span when it holds only plain
    characters, else escaped like any contributor text (a backtick or a pipe in a file
    name would end the span or the cell)."""
    return f"`{path}`" if _PLAIN_PATH.fullmatch(path) else markdown_text(path)


def describe_character(char: str) -> str:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)``: a character named, for a message."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


# -- comparing ---------------------------------------------------------------------


@cache
def _confusable_table() -> dict[int, str]:
    """Each character that can be mistaken for another mapped to one member of its group,
    an ASCII one where the group has one, from Unicode's confusables data (as the
    ``confusable_homoglyphs`` package ships it). Only one-character look-alikes are
    folded; groups are joined transitively, which errs towards calling two values the same.
    """
    from confusable_homoglyphs.confusables import confusables_data

    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.get(char, char) != char:
            parent[char] = parent.get(parent[char], parent[char])
            char = parent[char]
        return char

    def preferred(char: str) -> tuple[bool, int]:
        return (not char.isascii(), ord(char))

    for char, entries in confusables_data.items():
        if len(char) != 1:
            continue
        for entry in entries:
            other = entry["c"].strip("\u200e")  # right-to-left entries come marked
            if len(other) == 1:
                first, second = sorted((root(char), root(other)), key=preferred)
                if first != second:
                    parent[second] = first
    return {ord(char): root(char) for char in parent if root(char) != char}


def comparison_key(text: str) -> str:
    """The form in which two values are the same when a reader could not tell them apart:
    compatibility forms and case folded (NFKC, casefold), look-alike letters from other
    scripts folded (a Cyrillic 'а' is an 'a'), invisible characters dropped and runs of
    spaces made one."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_confusable_table())
    return " ".join(FORBIDDEN_CHARACTER.sub("", folded.casefold()).split())
