"""The schema check, and its errors turned into plain sentences at the offending value.

The compiled ``jsonschema_rs`` validator clears the valid files quickly; only a
file that fails is checked again by the pure-Python ``jsonschema``, whose
detailed errors say what is wrong in the contributor's terms, with a fix. The two
must agree: patterns mean the same in both (``schema.python_regex``), and a file
the fast check refuses is refused even if the detailed one finds nothing, with the
fast check's own words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from clinic_directory.errors import Problem
from clinic_directory.records import vocab
from clinic_directory.records.load import LoadedFile
from clinic_directory.records.schema import (
    PHONE,
    TEXT_PATTERNS,
    TextPattern,
    build_schema,
    python_regex,
)
from clinic_directory.records.suggest import (
    closest_term,
    did_you_mean,
    normalise_phone,
    plain_number,
    quoted,
    yaml_scalar,
)
from clinic_directory.records.text import FORBIDDEN_CHARACTER, describe_character, visible

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
        # Rust's standard engine matches in linear time whatever the value.
        self.fast = jsonschema_rs.validator_for(
            self.schema, pattern_options=jsonschema_rs.RegexOptions()
        )
        self.vocabularies = {vocabulary.values: vocabulary for vocabulary in vocab.ALL.values()}

    @cached_property
    def detailed(self) -> jsonschema.Draft202012Validator:
        """Only files that fail need it: importing it takes longer than checking a
        thousand good files."""
        import jsonschema

        def pattern(validator: Any, regex: str, instance: Any, schema: Any) -> Iterator[Any]:
            if validator.is_type(instance, "string") and not python_regex(regex).search(instance):
                yield jsonschema.ValidationError(f"{instance!r} does not match {regex!r}")

        detailed = jsonschema.validators.extend(
            jsonschema.Draft202012Validator, {"pattern": pattern}
        )
        return detailed(self.schema)

    def problems(self, loaded: LoadedFile) -> list[Problem]:
        """The schema's problems, after those met while reading a file that could still be
        read (a value cut short by a comment): either makes the record invalid."""
        read = list(loaded.problems)
        return read + self.schema_problems(loaded) if read else self.schema_problems(loaded)

    def schema_problems(self, loaded: LoadedFile) -> list[Problem]:
        if self.fast.is_valid(loaded.data):
            return []
        errors = list(self.detailed.iter_errors(loaded.data))
        # A value of the wrong type also fails its enum or pattern; say only what matters.
        wrong_type = {tuple(error.absolute_path) for error in errors if error.validator == "type"}
        problems = [
            problem
            for error in errors
            if error.validator == "type" or tuple(error.absolute_path) not in wrong_type
            for problem in self.explain(error, loaded)
        ]
        return problems or list(self.fast_problems(loaded))

    def fast_problems(self, loaded: LoadedFile) -> Iterator[Problem]:
        """The fast check's own errors, for a file only it refuses: "invalid" from either
        check is an error."""
        for error in self.fast.iter_errors(loaded.data):
            path = tuple(error.instance_path)
            pattern = TEXT_PATTERNS.get(getattr(error.kind, "pattern", None) or "")
            if pattern is not None:
                yield self.pattern_problem(loaded, path, pattern)
            else:
                yield loaded.problem(
                    path,
                    f"{_field_name(path)} does not fit the record format: "
                    f"{visible(error.message[:200])}",
                    "see the record format in the schema",
                )

    def pattern_problem(self, loaded: LoadedFile, path: tuple, pattern: TextPattern) -> Problem:
        """A value that does not match its pattern; an invisible character is named."""
        field, value = _field_name(path), _value_at(loaded.data, path)
        invisible = FORBIDDEN_CHARACTER.search(value) if isinstance(value, str) else None
        if invisible:
            return loaded.problem(
                path,
                f"{field} must be {pattern.expected}; it holds the invisible character "
                f"{describe_character(invisible[0])}",
                "delete it: it does not show in most editors, so retype the text around it",
            )
        hint = pattern.hint
        if pattern is PHONE and isinstance(value, str) and normalise_phone(value) != value:
            fixed = quoted(normalise_phone(value))
            hint = f"write it in quotes in this form: `{_written(path, fixed)}`"
        return loaded.problem(
            path, f"{field} must be {pattern.expected}, got {_described(value)}", hint
        )

    def fits(self, schema: dict[str, Any], value: Any) -> bool:
        """Whether ``value`` would be valid where ``schema`` applies: a hint offers a
        value only when it passes."""
        return self.detailed.evolve(schema=schema).is_valid(value)

    def text_hint(self, error: jsonschema.ValidationError, raw: str, path: tuple) -> str:
        """For text YAML read as something else (``02134``, ``NO``, ``9:30``): quote it if
        that makes it valid, else offer the value most likely meant, else say what fits."""
        read_as = f"YAML reads {visible(raw)} as {_described(error.instance)}"
        schema = _resolved(self.schema, error.schema)
        for candidate, how, write in _text_candidates(schema, raw):
            if self.fits(error.schema, candidate):
                return f"{read_as}; " + how.format(f"`{_written(path, write(candidate))}`")
        if "enum" in schema:
            name = self.vocabularies[tuple(schema["enum"])].name
            return (
                f"{read_as}, and in quotes it is not a known {name} either; "
                f"{did_you_mean(raw, schema['enum'])}"
            )
        pattern = TEXT_PATTERNS.get(schema.get("pattern", ""))
        if pattern is not None:
            return f"{read_as}; {_field_name(path)} must be {pattern.expected}: {pattern.hint}"
        return f"{read_as}; write the text you meant, in quotes"

    def type_hint(self, expected: str, value: Any, path: tuple) -> str:
        """How to write a value of the right type; a value is offered only when the
        contributor's intent is clear (``"yes"`` for true, ``$550`` for 550)."""
        name = path[-1] if path and isinstance(path[-1], str) else None
        if value is None:
            if _required_at(self.schema, path):
                return "fill it in: this field is required"
            return "fill in a value, or remove the line"
        if isinstance(value, str) and expected == "boolean" and name:
            word = value.strip().casefold()
            if word in _TRUE_WORDS | _FALSE_WORDS:
                fixed = "true" if word in _TRUE_WORDS else "false"
                return f"write {fixed} without quotes: `{name}: {fixed}`"
            return f"write true or false, without quotes: `{name}: true` or `{name}: false`"
        if isinstance(value, str) and expected in ("number", "integer") and name:
            number = plain_number(value)
            if number is not None and (expected == "number" or isinstance(number, int)):
                return (
                    f"write the number alone, without quotes, $ sign or commas: `{name}: {number}`"
                )
            example = " in whole dollars, such as `amount: 550`" if name in _PRICE_FIELDS else ""
            return f"write a plain number{example}, without quotes"
        if expected == "array":
            return "write a list, such as [first, second], or one '- item' per line"
        return "see the record format in the schema"

    def explain(self, error: jsonschema.ValidationError, loaded: LoadedFile) -> Iterator[Problem]:
        path = tuple(error.absolute_path)
        field = _field_name(path)
        kind, value, limit = error.validator, error.instance, error.validator_value
        if kind == "additionalProperties":
            allowed = list(error.schema.get("properties", {}))
            split, digits = _numbers_split_by_commas(loaded, path, value)
            yield from split
            for key in value:
                if key not in allowed and key not in digits:
                    yield loaded.problem(
                        (*path, key),
                        f"unknown field '{visible(key)}'",
                        did_you_mean(key, allowed),
                        at_key=True,
                    )
        elif kind == "required":
            for key in limit:
                if key not in value:
                    yield loaded.problem(
                        path,
                        f"missing required field '{key}'",
                        _required_hint(error.schema, key, path),
                        at_key=True,
                    )
        elif kind == "type":
            raw = loaded.raw_scalars.get(path)
            yield loaded.problem(
                path,
                f"{field} must be {_EXPECTED[limit]}, got {_described(value)}",
                self.text_hint(error, raw, path)
                if limit == "string" and raw  # an empty value has no text to quote
                else self.type_hint(limit, value, path),
            )
        elif kind == "enum":
            yield self.unknown_term(loaded, path, value, limit)
        elif kind == "pattern":
            yield self.pattern_problem(loaded, path, TEXT_PATTERNS[limit])
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
        hint = did_you_mean(str(value), allowed)
        return loaded.problem(path, f"{_described(value)} is not a known {vocabulary.name}", hint)


def _field_name(path: tuple) -> str:
    if not path:
        return "the record"
    names = [part for part in path if isinstance(part, str)]
    if isinstance(path[-1], int):
        return f"item {path[-1] + 1} of {names[-1]}"
    return names[-1]


def _value_at(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


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
    return f"'{visible(text)}'"


def _resolved(root: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with a local ``$ref`` followed, its own keys taking precedence."""
    while "$ref" in schema:
        target = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _written(path: tuple, text: str) -> str:
    """A value as a contributor writes it in the record: ``key: value``, or ``- value``
    for an item of a list."""
    return f"{path[-1]}: {text}" if path and isinstance(path[-1], str) else f"- {text}"


#: What people write for "no" in a yes/no field, and for "yes" (YAML 1.1 reads most of
#: them as booleans when unquoted).
_FALSE_WORDS = frozenset({"false", "no", "n", "off", "none"})
_TRUE_WORDS = frozenset({"true", "yes", "y", "on"})
_PRICE_FIELDS = frozenset({"amount", "min", "max"})


def _text_candidates(
    schema: dict[str, Any], raw: str
) -> Iterator[tuple[str, str, Callable[[str], str]]]:
    """Values the contributor may have meant by ``raw``, most likely first, each with how
    the hint introduces it and how it is written."""
    yield raw, "put it in quotes: {}", quoted
    yield normalise_phone(raw), "write it in quotes in this form: {}", quoted
    term = closest_term(raw, schema["enum"]) if "enum" in schema else None
    if term:
        yield term, "did you mean {}?", _as_text
    if raw.casefold() in _FALSE_WORDS:  # such as `sun: off` for a day the clinic is shut
        yield "closed", "for a day it is closed, write {}", _as_text


def _as_text(value: str) -> str:
    """Text as it is best written in a record: plain when YAML reads it back as the same
    text, else in double quotes (as the records write phones and ZIP codes)."""
    plain = yaml_scalar(value)
    return quoted(value) if plain[:1] in ("'", '"') else plain


def _required_hint(schema: dict[str, Any], key: str, path: tuple) -> str:
    """Where the missing field goes, and what it is: never "here" at an unrelated line."""
    if not path:
        where = "on a line of its own, not indented, such as at the end of the file"
    elif isinstance(path[-1], int):
        where = f"to {_field_name(path)}, indented like its other fields"
    else:
        where = f"under `{path[-1]}:`, indented like the fields beside it"
    description = schema["properties"][key].get("description", "").rstrip(".")
    added = f"add `{key}: ...` {where}"
    return f"{added}; {description[0].lower()}{description[1:]}" if description else added


def _required_at(root: dict[str, Any], path: tuple) -> bool:
    """Whether the value at ``path`` is a required field of the object holding it."""
    if not path or not isinstance(path[-1], str):
        return False
    node = root
    for part in path[:-1]:
        node = _resolved(root, node)
        node = node["properties"][part] if isinstance(part, str) else node["items"]
    return path[-1] in _resolved(root, node).get("required", ())


def _numbers_split_by_commas(
    loaded: LoadedFile, path: tuple, mapping: dict[str, Any]
) -> tuple[list[Problem], set[str]]:
    """``{amount: 2,600, ...}``: inside braces a comma separates fields, so YAML reads the
    number 2 and a field named '600'. Said as one problem at the number, with the number
    written without commas; returns the problems and the field names they explain."""
    keys = list(mapping)
    problems, explained = [], set()
    for index, key in enumerate(keys):
        number = mapping[key]
        if not isinstance(number, int | float) or isinstance(number, bool):
            continue
        digits = []
        for following in keys[index + 1 :]:
            if not (following.isascii() and following.isdigit() and mapping[following] is None):
                break
            digits.append(following)
        if not digits:
            continue
        written = ",".join([loaded.raw_scalars.get((*path, key), str(number)), *digits])
        problems.append(
            loaded.problem(
                (*path, key),
                f"'{written}' is read as the number {number} followed by "
                + " and ".join(f"a field named '{digit}'" for digit in digits),
                "inside { } a comma separates fields; write the number without commas: "
                f"`{key}: {written.replace(',', '')}`",
            )
        )
        explained.update(digits)
    return problems, explained


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
