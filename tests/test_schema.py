"""The record schema: generated from the vocabularies, committed, and strict."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from clinic_directory.records import vocab
from clinic_directory.cli import main
from clinic_directory.commands import schema as schema_command
from clinic_directory.records.load import load_file
from clinic_directory.records.schema import SCHEMA_FILE, build_schema, schema_text

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
