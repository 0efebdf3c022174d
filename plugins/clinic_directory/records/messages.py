"""The schema check, and its errors turned into plain sentences at the offending value.

The compiled ``jsonschema_rs`` validator clears the valid files quickly; only a
file that fails is checked again by the pure-Python ``jsonschema``, whose
detailed errors say what is wrong in the contributor's terms, with a fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from clinic_directory.errors import Problem
from clinic_directory.records import vocab
from clinic_directory.records.load import LoadedFile
from clinic_directory.records.schema import TEXT_PATTERNS, build_schema

if TYPE_CHECKING:
    import jsonschema

_EXPECTED = MappingProxyType(
    {
        "string": "text",
        "number": "a number",
        "integer": "a whole number",
        "boolean": "true or false",
        "array": "a list",
        "object": "a set of fields (`name: value` lines)",
        "null": "empty",
    }
)


class SchemaCheck:
    """Both validators for one run, and the translation of errors into plain sentences."""

    def __init__(self) -> None:
        self.schema = build_schema()
        self.fast = jsonschema_rs.validator_for(self.schema)
        self.vocabularies = {vocabulary.values: vocabulary for vocabulary in vocab.ALL.values()}

    @cached_property
    def detailed(self) -> jsonschema.Draft202012Validator:
        """Only files that fail need it: importing it takes longer than checking a
        thousand good files."""
        import jsonschema

        return jsonschema.Draft202012Validator(self.schema)

    def problems(self, loaded: LoadedFile) -> list[Problem]:
        if self.fast.is_valid(loaded.data):
            return []
        errors = list(self.detailed.iter_errors(loaded.data))
        # A value of the wrong type also fails its enum or pattern; say only what matters.
        wrong_type = {tuple(error.absolute_path) for error in errors if error.validator == "type"}
        return [
            problem
            for error in errors
            if error.validator == "type" or tuple(error.absolute_path) not in wrong_type
            for problem in self.explain(error, loaded)
        ]

    def explain(self, error: jsonschema.ValidationError, loaded: LoadedFile) -> Iterator[Problem]:
        path = tuple(error.absolute_path)
        field = _field_name(path)
        kind, value, limit = error.validator, error.instance, error.validator_value
        if kind == "additionalProperties":
            allowed = list(error.schema.get("properties", {}))
            for key in value:
                if key not in allowed:
                    yield loaded.problem(
                        (*path, key),
                        f"unknown field '{key}'",
                        _did_you_mean(key, allowed),
                        at_key=True,
                    )
        elif kind == "required":
            for key in limit:
                if key not in value:
                    yield loaded.problem(
                        path,
                        f"missing required field '{key}'",
                        _required_hint(error.schema, key),
                        at_key=True,
                    )
        elif kind == "type":
            yield loaded.problem(
                path,
                f"{field} must be {_EXPECTED[limit]}, got {_described(value)}",
                _type_hint(limit, value, loaded.raw_scalars.get(path)),
            )
        elif kind == "enum":
            yield self.unknown_term(loaded, path, value, limit)
        elif kind == "pattern":
            pattern = TEXT_PATTERNS[limit]
            yield loaded.problem(
                path, f"{field} must be {pattern.expected}, got {_described(value)}", pattern.hint
            )
        elif kind == "uniqueItems":
            index = next(i for i, item in enumerate(value) if item in value[:i])
            yield loaded.problem(
                (*path, index),
                f"{field} lists {_described(value[index])} twice",
                "remove the repeated entry",
            )
        else:
            yield loaded.problem(path, _limit_message(kind, field, value, limit), _limit_hint(kind))

    def unknown_term(
        self, loaded: LoadedFile, path: tuple, value: Any, allowed: list[str]
    ) -> Problem:
        vocabulary = self.vocabularies[tuple(allowed)]
        hint = _did_you_mean(str(value), allowed)
        return loaded.problem(path, f"{_described(value)} is not a known {vocabulary.name}", hint)


def _field_name(path: tuple) -> str:
    if not path:
        return "the record"
    names = [part for part in path if isinstance(part, str)]
    if isinstance(path[-1], int):
        return f"item {path[-1] + 1} of {names[-1]}"
    return names[-1]


def _described(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "an empty value"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    text = value if len(value) <= 60 else value[:57] + "..."
    return f"'{text}'"


def _did_you_mean(value: str, allowed: list[str]) -> str:
    by_lower = {choice.lower(): choice for choice in allowed}
    close = difflib.get_close_matches(value.lower(), list(by_lower), n=1, cutoff=0.6)
    listing = "allowed: " + ", ".join(allowed)
    return f"did you mean '{by_lower[close[0]]}'? {listing}" if close else listing


def _required_hint(schema: dict[str, Any], key: str) -> str:
    description = schema["properties"][key].get("description", "").rstrip(".")
    if not description:
        return f"add `{key}:` here"
    return f"add `{key}:` here; {description[0].lower()}{description[1:]}"


def _type_hint(expected: str, value: Any, raw: str | None) -> str:
    if expected == "string" and raw:  # an empty value has no text to quote
        return f'YAML reads {raw} as {_described(value)}; put it in quotes: "{raw}"'
    if value is None:
        return "fill in a value, or remove the line"
    if isinstance(value, str) and expected in ("number", "integer", "boolean"):
        return (
            "remove the quotes"
            if expected == "boolean"
            else "write the number without quotes or a $ sign"
        )
    if expected == "array":
        return "write a list, such as [first, second], or one '- item' per line"
    return "see the record format in the schema"


def _limit_message(kind: str, field: str, value: Any, limit: Any) -> str:
    size = len(value) if isinstance(value, str | list) else value
    return {
        "minLength": f"{field} is empty",
        "maxLength": f"{field} is {size} characters long, more than the {limit} allowed",
        "minimum": f"{field} must be at least {limit}, got {value}",
        "maximum": f"{field} must be at most {limit}, got {value}",
        "minItems": f"{field} must list at least {limit} item{'s' if limit != 1 else ''}",
        "maxItems": f"{field} lists {size} items, more than the {limit} allowed",
    }.get(kind, f"{field}: {kind} {limit} is not met")


def _limit_hint(kind: str) -> str:
    return {
        "minLength": "fill it in, or remove the line",
        "maxLength": "shorten it",
        "minItems": "add the missing entries",
        "maxItems": "keep only the entries that matter",
    }.get(kind, "check the value")
