"""Corrected values to offer in hints, so that a fix a message proposes is itself valid.

A hint that says "put it in quotes" for a value that would still be wrong in quotes
sends the contributor to a second error. These helpers work out the value a
contributor most likely meant (a known term from its label or a prefix, a phone
number in the record's form, a number without its thousands separators) and write
it as YAML text that reads back as that value.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence

import yaml

from clinic_directory.records import vocab

_NOT_DIGIT = re.compile(r"\D")
#: What people write around an amount of money: a dollar sign, thousands separators, spaces.
_MONEY_DECORATION = re.compile(r"[$,\s]|\bUSD\b|\.00$", re.IGNORECASE)
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_WORD = re.compile(r"[a-z0-9]+")


def normalise_phone(phone: str) -> str:
    """A US number in the record's ``+1 512-555-0134`` form, or ``phone`` unchanged when it
    does not hold ten digits (with an optional leading 1)."""
    digits = _NOT_DIGIT.sub("", phone)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or not digits.isascii():
        return phone
    return f"+1 {digits[:3]}-{digits[3:6]}-{digits[6:]}"


def plain_number(text: str) -> int | float | None:
    """The amount in text such as ``$2,600`` or ``2 600.00``, or None when it is not one."""
    stripped = _MONEY_DECORATION.sub("", text.strip())
    if not _PLAIN_NUMBER.fullmatch(stripped):
        return None
    number = float(stripped)
    return int(number) if number.is_integer() else number


def yaml_scalar(value: str) -> str:
    """``value`` as one YAML scalar on one line, quoted only when YAML needs it to read it
    back as that same text."""
    text = yaml.safe_dump(value, allow_unicode=True, width=1_000_000)
    text = text.removesuffix("\n...\n").removesuffix("\n")
    return json.dumps(value, ensure_ascii=False) if "\n" in text else text


def quoted(value: str) -> str:
    """``value`` in double quotes, as the record's examples write phones and ZIP codes."""
    return json.dumps(value, ensure_ascii=False)


def closest_term(value: str, allowed: Sequence[str]) -> str | None:
    """The allowed term a contributor most likely meant by ``value``, if any.

    Tried in order: the same term in other capitals; a term's label ("Vermont" for VT,
    "IV infusion" for iv_infusion); a close spelling of a term or of a label; the one
    term whose value or label starts with what was written ("IV"); the one term whose
    label has it as a word ("Spravato").
    """
    wanted = " ".join(value.replace("_", " ").replace("-", " ").split()).casefold()
    if not wanted:
        return None
    labels = _labels(allowed)
    names: dict[str, str] = {}
    for term in allowed:
        names.setdefault(term.replace("_", " ").casefold(), term)
    for term, label in labels.items():
        names.setdefault(label.casefold(), term)
    if wanted in names:
        return names[wanted]
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.6)
    if close:
        return names[close[0]]
    starting = {term for name, term in names.items() if name.startswith(wanted)}
    if len(starting) == 1:
        return starting.pop()
    naming = {term for term, label in labels.items() if wanted in _WORD.findall(label.casefold())}
    return naming.pop() if len(naming) == 1 else None


def _labels(allowed: Sequence[str]) -> dict[str, str]:
    """The labels of the vocabulary whose values are ``allowed``, when there is one."""
    for vocabulary in vocab.ALL.values():
        if tuple(allowed) == vocabulary.values:
            return {term.value: term.label for term in vocabulary}
    return {}


def did_you_mean(value: str, allowed: Sequence[str]) -> str:
    """A hint naming the likely term, written as it goes in the record, then every term."""
    listing = "allowed: " + ", ".join(allowed)
    term = closest_term(value, allowed)
    return f"did you mean '{term}'? {listing}" if term else listing
