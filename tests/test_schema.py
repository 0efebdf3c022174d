"""The record schema: generated from the vocabularies, committed, and strict."""

from __future__ import annotations

import json
import time
import unicodedata
from pathlib import Path

import jsonschema
import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_directory.cli import main
from clinic_directory.commands import schema as schema_command
from clinic_directory.records import vocab
from clinic_directory.records.load import load_file
from clinic_directory.records.messages import SchemaCheck
from clinic_directory.records.schema import (
    SCHEMA_FILE,
    TEXT_PATTERNS,
    build_schema,
    python_regex,
    schema_text,
)
from clinic_directory.records.text import FORBIDDEN_CHARACTER, invisible_ranges

FIXTURE = Path(__file__).parent / "fixtures" / "records" / "riverside-ketamine-clinic.yaml"


def objects_in(node):
    """Every sub-schema describing an object, however deeply nested."""
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for value in node.values():
            yield from objects_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from objects_in(value)


def test_the_committed_schema_is_the_generated_one():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text()


def test_the_schema_is_a_valid_draft_2020_12_schema():
    schema = build_schema()

    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "clinic.schema.json"


def test_every_object_refuses_unknown_fields():
    objects = list(objects_in(build_schema()))

    assert len(objects) >= 7
    assert all(shape["additionalProperties"] is False for shape in objects)


def test_enums_and_their_descriptions_come_from_the_vocabularies():
    route = build_schema()["$defs"]["route"]

    assert route["enum"] == list(vocab.ROUTES.values)
    assert (
        route["enumDescriptions"][0]
        == f"IV infusion: {vocab.ROUTES.get('iv_infusion').explanation}"
    )
    assert set(build_schema()["$defs"]) >= set(vocab.ALL)


def test_no_one_of_anywhere():
    assert "oneOf" not in json.dumps(build_schema())


def test_the_example_record_matches():
    data = load_file(FIXTURE, root=FIXTURE.parent).data

    assert list(jsonschema.Draft202012Validator(build_schema()).iter_errors(data)) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", "Call us <b>today</b>"),
        ("description", "See </p>"),
        ("description", "x" * 501),
        ("website", "http://riverside.example/"),
        ("website", "javascript:alert(1)"),
        ("phone", 5125550134),
        ("previous_slugs", ["TX/Old_Name"]),
        ("sources", [f"https://riverside.example/{n}" for n in range(11)]),
    ],
)
def test_values_the_schema_refuses(field, value):
    data = load_file(FIXTURE, root=FIXTURE.parent).data
    data[field] = value

    assert not jsonschema.Draft202012Validator(build_schema()).is_valid(data)


def test_a_lone_less_than_sign_is_plain_text():
    data = load_file(FIXTURE, root=FIXTURE.parent).data
    data["description"] = "Sessions cost < $500 and last 40 minutes."

    assert jsonschema.Draft202012Validator(build_schema()).is_valid(data)


def test_schema_check_fails_on_a_stale_file_and_write_fixes_it(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "clinic.schema.json"
    stale.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(schema_command, "SCHEMA_FILE", stale)

    assert main(["schema", "--check"]) == 1
    assert "out of date" in capsys.readouterr().out
    assert main(["schema", "--write"]) == 0
    assert main(["schema", "--check"]) == 0
    assert stale.read_text(encoding="utf-8") == schema_text()


def test_schema_prints_the_schema(capsys):
    assert main(["schema"]) == 0

    assert json.loads(capsys.readouterr().out) == build_schema()


# -- one meaning in every engine ------------------------------------------------------------

FAST = {
    regex: jsonschema_rs.validator_for(
        {"type": "string", "pattern": regex}, pattern_options=jsonschema_rs.RegexOptions()
    )
    for regex in TEXT_PATTERNS
}
#: Values that once meant different things to Python, ECMA-262 and Rust.
TRICKY = [
    "78701",
    "78701\n",
    "78701\r\n",
    "\uff17\uff18\uff17\uff10\uff11",  # full-width digits
    "\u0667\u0668\u0667\u0660\u0661",  # Arabic-Indic digits
    "\U0001d7d5\U0001d7d6\U0001d7d5\U0001d7ce\U0001d7cf",  # mathematical digits
    "+1 512-555-0134",
    "+1 512-555-0134\n",
    "1234567893",
    "1234567893\n",
    "08:00-17:00",
    "closed\n",
    "2026-09-14",
    "tx/old-name",
    "tx/old-name\n",
    "dana-ortiz",
    "https://lantern-hill.example/",
    "https://lantern-hill.example/\n",
    "https://lantern-hill.example:8443/a?b=c#d",
    "intake@lantern-hill.example",
    "Lantern Hill",
    "\x1c",
    "\x1cLantern",
    " \ufeff ",
    "\u180e",
    "\u2028",
    "a < b",
    "<",
    "   ",
    "",
]


def python_matches(regex: str, value: str) -> bool:
    return python_regex(regex).search(value) is not None


@pytest.mark.parametrize("regex", list(TEXT_PATTERNS), ids=lambda r: TEXT_PATTERNS[r].expected)
def test_patterns_mean_the_same_in_python_and_in_the_fast_check(regex):
    disagree = [v for v in TRICKY if python_matches(regex, v) != FAST[regex].is_valid(v)]

    assert disagree == []


@settings(max_examples=300, deadline=None)
@given(
    regex=st.sampled_from(list(TEXT_PATTERNS)),
    value=st.text(
        st.sampled_from(
            "0123456789-+:./@ \n\r\tax<>/!?_'\"\\\x1c\x85\u00a0\ufeff\u2028\u0663\uff11"
        )
        | st.characters(exclude_categories=["Cs"]),  # YAML cannot hold a lone surrogate
        max_size=30,
    ),
)
def test_any_value_gets_one_answer_from_both_checks(regex, value):
    assert python_matches(regex, value) == FAST[regex].is_valid(value)


def test_patterns_use_only_what_every_engine_reads_alike():
    for regex in TEXT_PATTERNS:
        for construct in (r"\d", r"\s", r"\S", r"\w", r"\Z", "(?=", "(?!", "(?<"):
            assert construct not in regex, f"{construct} in {TEXT_PATTERNS[regex].expected}"
        assert regex.startswith("^") and regex.endswith("$")


def test_the_committed_schema_shows_its_invisible_characters_as_escapes():
    assert FORBIDDEN_CHARACTER.search(SCHEMA_FILE.read_text(encoding="utf-8")) is None


# -- linear time -----------------------------------------------------------------------

SIZE = 64 * 1024
#: Values that make a backtracking pattern try every split of the text.
WORST_CASES = {
    "dots": "https://" + "." * SIZE + " ",
    "labels": "https://" + "a." * (SIZE // 2) + "!",
    "one long label": "https://" + "a" * SIZE + "!",
    "hyphens": "https://" + "a-" * (SIZE // 2),
    "long path then a space": "https://a.example/" + "x" * SIZE + " ",
    "email dots": "a." * (SIZE // 2) + "@",
    "email labels": "a@" + "a." * (SIZE // 2) + "!",
    "angle brackets": "<" * SIZE + "a",
    "spaces": " " * SIZE,
    "text then a control": "x" * SIZE + "\x01",
}


@pytest.mark.parametrize("value", WORST_CASES.values(), ids=WORST_CASES.keys())
def test_no_pattern_backtracks_on_a_64_kb_value(value):
    started = time.perf_counter()
    for regex in TEXT_PATTERNS:
        python_matches(regex, value)
        FAST[regex].is_valid(value)

    assert time.perf_counter() - started < 1.0


# -- invisible and look-alike text -------------------------------------------------------

INVISIBLE = [
    "\u00ad",  # soft hyphen
    "\u034f",  # combining grapheme joiner
    "\u061c",  # Arabic letter mark
    "\u115f",  # Hangul choseong filler
    "\u180e",  # Mongolian vowel separator
    "\u200b",  # zero width space
    "\u202e",  # right-to-left override
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\u2066",  # left-to-right isolate
    "\u3164",  # Hangul filler
    "\ufe0f",  # variation selector
    "\ufeff",  # zero width no-break space
    "\U000e0041",  # tag Latin capital A
]
#: Where each kind of string field gets its value, and a valid value to hide a character in.
STRING_FIELDS = {
    ("name",): "Lantern{}Hill",
    ("address", "street"): "12 Quarry{}Lane",
    ("website",): "https://lantern{}hill.example/",
    ("sources", 0): "https://lantern-hill.example/pri{}ces",
    ("email",): "intake{}@lantern-hill.example",
    ("services", 0, "notes"): "Notes{}here",
}


def with_value(path: tuple, value: str) -> dict:
    data = load_file(FIXTURE, root=FIXTURE.parent).data
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_are_refused_in_every_string_field(char):
    check = SchemaCheck()
    for path, template in STRING_FIELDS.items():
        data = with_value(path, template.format(char))

        assert not check.fast.is_valid(data), path
        assert list(check.detailed.iter_errors(data)), path


def test_the_invisible_characters_are_whole_unicode_categories():
    ranges = invisible_ranges()
    refused = {code for start, end in ranges for code in range(start, end + 1)}
    categories = {
        code for code in range(0x110000) if unicodedata.category(chr(code)) in ("Cf", "Zl", "Zp")
    }

    assert categories <= refused
    assert {0x115F, 0x1160, 0x3164, 0xFFA0, 0x034F} <= refused  # fillers, grapheme joiner


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("website", "https://trusted@evil.example/"),
        ("website", "https://user:secret@evil.example/"),
        ("website", "https://evil.example\\@trusted.example/"),
        ("website", "https://192.168.0.1/"),
        ("website", "https://lantern hill.example/"),
        ("website", 'https://lantern-hill.example/"onmouseover='),
        ("email", "intake@lantern-hill.example?subject=hello"),
        ("email", "intake@lantern-hill.example?cc=someone@evil.example"),
        ("email", "Lantern Hill <intake@lantern-hill.example>"),
        ("email", "intake@lantern-hill.example\n"),
        ("email", "in%74ake@lantern-hill.example"),
    ],
)
def test_user_names_in_urls_and_anything_but_a_plain_email_address_are_refused(field, value):
    check = SchemaCheck()

    assert not check.fast.is_valid(with_value((field,), value))
    assert list(check.detailed.iter_errors(with_value((field,), value)))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("website", "https://xn--mller-kva.example/"),
        ("website", "https://lantern-hill.example:8443/pricing?plan=6#fees"),
        ("website", "https://lantern-hill.example/a/%C3%B1o/@dana"),
        ("email", "dana.o'neil+intake@lantern-hill.example"),
    ],
)
def test_ordinary_addresses_are_accepted(field, value):
    check = SchemaCheck()

    assert check.fast.is_valid(with_value((field,), value))
    assert list(check.detailed.iter_errors(with_value((field,), value))) == []
