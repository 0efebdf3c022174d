"""Loading a record file: JSON types, positions, and a clear problem for every bad file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clinic_directory.records.load import (
    MAX_FILE_BYTES,
    NOTHING_ELSE_CHECKED,
    LoadedFile,
    load_file,
    load_text,
)


def load(
    tmp_path: Path, content: str | bytes, name: str = "clinics/tx/riverside.yaml"
) -> LoadedFile:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return load_file(path, root=tmp_path)


def only_problem(loaded: LoadedFile) -> tuple[int, int, str, str]:
    assert loaded.data is None
    [problem] = loaded.problems
    assert problem.path == "clinics/tx/riverside.yaml"
    return problem.line, problem.column, problem.message, problem.hint


NESTED = """\
name: Riverside
services:
  - route: iv_infusion
  - route: at_home
    prices:
      - {min: 100, max: 250, unit: month}
"""


def test_values_are_json_types_and_every_value_has_its_position(tmp_path):
    loaded = load(tmp_path, NESTED)

    assert loaded.problems == []
    assert loaded.data == {
        "name": "Riverside",
        "services": [
            {"route": "iv_infusion"},
            {"route": "at_home", "prices": [{"min": 100, "max": 250, "unit": "month"}]},
        ],
    }
    assert loaded.position(("name",)) == (1, 7)
    assert loaded.position(("services", 1)) == (4, 5)
    assert loaded.position(("services", 1, "prices", 0)) == (6, 9)
    assert loaded.position(("services", 1, "prices", 0, "max")) == (6, 25)


def test_keys_have_their_own_positions(tmp_path):
    loaded = load(tmp_path, NESTED)

    assert loaded.key_position(("services", 1, "prices")) == (5, 5)
    assert loaded.key_position(("services", 1, "prices", 0, "max")) == (6, 20)


def test_a_missing_path_falls_back_to_its_nearest_known_ancestor(tmp_path):
    loaded = load(tmp_path, NESTED)

    assert loaded.position(("services", 1, "prices", 0, "sessions")) == (6, 9)
    assert loaded.position(("hours", "mon")) == (1, 1)


def test_dates_become_iso_text(tmp_path):
    loaded = load(tmp_path, "last_verified: 2026-09-14\n")

    assert loaded.data == {"last_verified": "2026-09-14"}


@pytest.mark.parametrize(
    ("written", "read_as"),
    [("02134", 1116), ("NO", False), ("9:30", 570), ("yes", True), ('"02134"', "02134")],
)
def test_yaml_1_1_readings_are_kept_with_the_text_as_written(tmp_path, written, read_as):
    loaded = load(tmp_path, f"value: {written}\n")

    assert loaded.data == {"value": read_as}
    if isinstance(read_as, str):
        assert ("value",) not in loaded.raw_scalars
    else:
        assert loaded.raw_scalars[("value",)] == written


def test_a_byte_order_mark_is_accepted_and_dropped(tmp_path):
    loaded = load(tmp_path, b"\xef\xbb\xbfname: Riverside\n")

    assert loaded.problems == []
    assert loaded.data == {"name": "Riverside"}
    assert loaded.position(("name",)) == (1, 7)


def test_a_date_and_time_is_refused(tmp_path):
    line, column, message, hint = only_problem(
        load(tmp_path, "name: x\nlast_verified: 2026-09-14 10:00:00\n")
    )

    assert (line, column) == (2, 16)
    assert message == "2026-09-14 10:00:00 is a date and time; only a date is accepted here"
    assert hint == "write the date alone, such as 2026-09-14; " + NOTHING_ELSE_CHECKED


def test_an_impossible_date_is_refused(tmp_path):
    line, column, message, _ = only_problem(load(tmp_path, "last_verified: 2026-02-30\n"))

    assert (line, column, message) == (1, 16, "2026-02-30 is not a real date")


def test_a_duplicate_field_points_at_the_second_one(tmp_path):
    text = "name: A\naddress:\n  city: Austin\n  city: Dallas\n"

    line, column, message, hint = only_problem(load(tmp_path, text))

    assert (line, column) == (4, 3)
    assert message == "the field 'city' appears twice (first on line 3)"
    assert hint == "keep one of them and delete the other; " + NOTHING_ELSE_CHECKED


def test_malformed_yaml_is_reported_where_the_parser_stopped(tmp_path):
    line, column, message, hint = only_problem(
        load(tmp_path, "name: A\ndescription: Note: call first\n")
    )

    assert (line, column) == (2, 18)
    assert message.startswith("invalid YAML: mapping values are not allowed")
    assert hint == (
        'put the whole value in quotes: `description: "Note: call first"`; ' + NOTHING_ELSE_CHECKED
    )


def test_tab_indentation_is_refused(tmp_path):
    line, column, message, hint = only_problem(load(tmp_path, "address:\n  \tcity: Austin\n"))

    assert (line, column, message) == (2, 3, "a tab is used for indentation")
    assert "spaces" in hint


def test_a_file_that_is_not_utf8_is_refused_at_the_bad_byte(tmp_path):
    line, column, message, hint = only_problem(load(tmp_path, b"name: A\ncity: Bogot\xe1\n"))

    assert (line, column) == (2, 12)
    assert message == "the file is not UTF-8 text (byte 0xe1)"
    assert hint == "save the file as UTF-8 in your editor"


def test_a_control_character_is_refused_where_it_is(tmp_path):
    line, column, message, _ = only_problem(load(tmp_path, "name: A\ncity: Aus\x07tin\n"))

    assert (line, column, message) == (2, 10, "the file contains a control character (#x0007)")


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n"])
def test_an_empty_file_is_refused(tmp_path, content):
    line, column, message, _ = only_problem(load(tmp_path, content))

    assert (line, column) == (1, 1)
    assert message in ("the file is empty", "the file holds only comments")


def test_several_documents_in_one_file_are_refused(tmp_path):
    line, column, message, hint = only_problem(load(tmp_path, "name: A\n---\nname: B\n"))

    assert (line, column) == (2, 1)
    assert message == "the file holds more than one YAML document"
    assert hint == "keep one clinic per file and remove this `---` line; " + NOTHING_ELSE_CHECKED


def test_aliases_are_refused_before_anything_expands(tmp_path):
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    laughs += "".join(
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )

    line, column, message, hint = only_problem(load(tmp_path, laughs))

    assert (line, column) == (2, 8)
    assert message == "YAML aliases (*a) are not accepted"
    assert "write the value out in full" in hint


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    line, column, message, _ = only_problem(
        load(tmp_path, "description: " + "x" * MAX_FILE_BYTES + "\n")
    )

    assert (line, column) == (1, 1)
    assert message == "the file is 64 KiB, larger than the 64 KiB limit"


@pytest.mark.parametrize(
    ("content", "kind"), [("- name: A\n", "a list"), ("just words\n", "a single value")]
)
def test_the_top_level_must_be_fields(tmp_path, content, kind):
    line, column, message, _ = only_problem(load(tmp_path, content))

    assert (line, column) == (1, 1)
    assert message.endswith(f"but this file holds {kind}")


def test_a_link_leading_outside_the_project_is_refused(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("name: A\n", encoding="utf-8")
    root = tmp_path / "project"
    link = root / "clinics" / "tx" / "riverside.yaml"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)

    loaded = load_file(link, root=root)

    assert loaded.data is None
    assert [problem.message for problem in loaded.problems] == [
        "this file is a link to a place outside the project"
    ]


def test_a_link_inside_the_project_is_read(tmp_path):
    target = tmp_path / "clinics" / "tx" / "real.yaml"
    target.parent.mkdir(parents=True)
    target.write_text("name: A\n", encoding="utf-8")
    link = target.with_name("alias.yaml")
    link.symlink_to(target)

    assert load_file(link, root=tmp_path).data == {"name": "A"}


@pytest.mark.parametrize("tagged", ["!!binary aGk=", "!!python/name:os.system", "!!set {a}"])
def test_tags_beyond_plain_values_are_refused(tmp_path, tagged):
    line, column, message, _ = only_problem(load(tmp_path, f"name: {tagged}\n"))

    assert (line, column) == (1, 7)
    assert message.startswith("the YAML tag ")


def test_not_a_number_is_refused(tmp_path):
    _, _, message, _ = only_problem(load(tmp_path, "location: {lat: .nan, lon: 1.0}\n"))

    assert message == "'.nan' is not a usable number"


def test_top_level_keeps_only_top_level_positions(tmp_path):
    trimmed = load(tmp_path, NESTED).top_level()

    assert trimmed.position(("services", 1, "prices")) == (3, 3)
    assert trimmed.key_position(("name",)) == (1, 7)


# -- nothing a file holds makes the reader fail --------------------------------------------


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("name: A\nx: " + "[" * 5000 + "]" * 5000 + "\n", (2, 13)),  # flow lists
        ("name: A\nx: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n", (2, 40)),  # flow fields
        ("name: A\n" + "".join(f"{'  ' * n}k{n}:\n" for n in range(60)), (12, 21)),  # blocks
    ],
)
def test_deep_nesting_is_refused_where_it_gets_too_deep(tmp_path, content, where):
    line, column, message, hint = only_problem(load(tmp_path, content))

    assert (line, column) == where
    assert message == "lists and fields are nested more than 10 levels deep here"
    assert "a record goes five levels deep at most" in hint


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("9" * 5000, "'99999999999999999999...' is too long to be a number"),
        ("0x" + "f" * 30, "'0xffffffffffffffffffffffffffffff' is not a usable number"),
        ("9007199254740993", "'9007199254740993' is not a usable number"),
        ("1:2:3:4:5:6:7:8:9:10", "'1:2:3:4:5:6:7:8:9:10' is not a usable number"),
    ],
)
def test_numbers_too_large_to_use_are_refused(tmp_path, number, message):
    line, column, found, _ = only_problem(load(tmp_path, f"services:\n  - amount: {number}\n"))

    assert (line, column, found) == (2, 13, message)


def test_the_largest_exact_whole_number_is_still_a_number(tmp_path):
    assert load(tmp_path, "amount: 9007199254740992\n").data == {"amount": 2**53}


def test_a_field_name_with_a_line_break_is_shown_escaped(tmp_path):
    line, _, message, _ = only_problem(load(tmp_path, 'name: A\n"a\\nb": 1\n"a\\nb": 2\n'))

    assert (line, message) == (3, "the field 'a\\nb' appears twice (first on line 2)")


def test_something_other_than_a_regular_file_is_refused_unread(tmp_path):
    fifo = tmp_path / "clinics" / "tx" / "riverside.yaml"
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)  # reading it would wait for ever

    line, column, message, _ = only_problem(load_file(fifo, root=tmp_path))

    assert (line, column, message) == (1, 1, "this is not a regular file")


def test_text_from_elsewhere_is_read_with_the_same_care():
    assert load_text("name: A\norganization: B\n", "clinics/tx/a.yaml").data == {
        "name": "A",
        "organization": "B",
    }
    refused = load_text("a: &x 1\nb: *x\n", "clinics/tx/a.yaml")
    assert refused.data is None
    assert refused.problems[0].message == "YAML aliases (*x) are not accepted"


@pytest.mark.parametrize("target", ["riverside.yaml", "nowhere.yaml"])
def test_a_link_in_a_loop_or_to_nothing_is_refused(tmp_path, target):
    link = tmp_path / "clinics" / "tx" / "riverside.yaml"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)

    line, column, message, _ = only_problem(load_file(link, root=tmp_path))

    assert (line, column, message) == (1, 1, "this file is a link that leads to no file")


# -- syntax errors point where the mistake is ------------------------------------------------


def test_a_field_without_a_space_after_its_colon_is_reported_on_its_own_line(tmp_path):
    text = "name: A\nstatus:active\nphone: x\nwebsite: y\n"

    line, column, message, hint = only_problem(load(tmp_path, text))

    assert (line, column) == (2, 1)
    assert message == "invalid YAML: could not find expected ':'"
    assert hint == "put a space after the colon: `status: active`; " + NOTHING_ELSE_CHECKED


@pytest.mark.parametrize(
    "text",
    [
        'name: A\nstatus: "active\nphone: x\n',  # nothing closes it: the parser reads to the end
        'name: A\nstatus: "active\nphone: "+1 512-555-0134"\ncity: B\n',  # a later quote does
    ],
)
def test_an_unclosed_quote_is_reported_where_it_opens(tmp_path, text):
    line, column, message, hint = only_problem(load(tmp_path, text))

    assert (line, column) == (2, 9)
    assert message == "invalid YAML: a quote opened here is never closed"
    assert hint.startswith('end the value with a closing quote: `status: "active"`')


def test_an_unclosed_bracket_is_reported_where_it_opens(tmp_path):
    line, column, _, hint = only_problem(load(tmp_path, "a: b\nlist: [a, b\nc: d\n"))

    assert (line, column) == (2, 7)
    assert hint.startswith("a list opened with [ here is never closed with ]")


def test_a_problem_that_stops_the_reading_says_nothing_else_was_checked(tmp_path):
    _, _, _, hint = only_problem(load(tmp_path, "name: A\nservices: [unclosed\n"))

    assert hint.endswith("; nothing else in this file was checked; fix this first")


def test_a_value_cut_short_by_a_comment_is_read_and_reported(tmp_path):
    loaded = load(tmp_path, "address:\n  street: 150 Church St #2\n  city: Burlington  # note\n")

    assert loaded.data == {"address": {"street": "150 Church St", "city": "Burlington"}}
    [problem] = loaded.problems
    assert (problem.line, problem.column) == (2, 11)
    assert problem.hint == 'put the whole value in quotes: `street: "150 Church St #2"`'
