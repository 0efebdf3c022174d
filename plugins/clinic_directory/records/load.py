"""Reading one record file into JSON-compatible data, remembering where each value was.

Records come from contributors, so nothing here trusts the file: only the YAML
core types are accepted, aliases are refused (they are how "billion laughs"
files blow up), size, encoding and layout are checked before parsing, and the
nesting depth and the length of numbers are bounded, so that whatever a file
holds, reading it ends in data or in a problem at a line, never in an exception.
Values are built from the events of PyYAML's parser (libyaml's, through
``CSafeLoader``, where PyYAML has it) rather than by its constructor, so that
every value and every key keeps its line and column for the error messages.
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

from clinic_directory.errors import Problem, Severity
from clinic_directory.records.text import visible

#: Largest record file accepted; a real record is a few kilobytes.
MAX_FILE_BYTES = 64 * 1024
#: Deepest nesting of lists and fields accepted; a record needs five levels
#: (the record, services, a service, prices, a price).
MAX_DEPTH = 10
#: Longest number accepted, as written; a record's numbers are prices and coordinates.
MAX_NUMBER_LENGTH = 32
#: Largest whole number accepted: beyond it, JSON readers lose digits.
MAX_INTEGER = 2**53

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

JsonPath = tuple[str | int, ...]
Position = tuple[int, int]

_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_IMPLICIT_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
_NUMBER_TAGS = frozenset({_TAG + "int", _TAG + "float"})
_LEADING_TAB = re.compile(r"^ *\t", re.MULTILINE)
#: What follows a value cut short by a comment: one space, then ``#`` and more text at once.
_CUT_BY_COMMENT = re.compile(r" #[^\s#]")

#: Hints for the YAML syntax errors contributors meet most, keyed by a piece of PyYAML's wording.
_SYNTAX_HINTS = (
    ("mapping values are not allowed", "a value containing ': ' must be put in quotes"),
    ("cannot start any token", "put a value that starts with this character in quotes"),
    (
        "could not find expected ':'",
        "each field is written `name: value`, with a space after the colon; check this line",
    ),
    ("did not find expected key", "check that this line is indented like the fields around it"),
    ("did not find expected '-'", "check that this list item is indented like the items around it"),
    ("did not find expected ',' or ']'", "a list opened with [ here is never closed with ]"),
    (
        "did not find expected ',' or '}'",
        "a set of fields opened with { here is never closed with }",
    ),
    ("while scanning a quoted scalar", "a quote opened here is never closed"),
    ("found unexpected end of stream", "a quote or bracket opened here is never closed"),
)
_DEFAULT_SYNTAX_HINT = "check the indentation and the quotes around this line"
#: Errors the parser notices only after the line at fault, where it says what it was
#: reading: a quote or a bracket never closed, a line without `: `. Their context mark
#: is where that began, which is where the contributor has to look.
_ERRORS_FOUND_LATER = (
    "while scanning a quoted scalar",
    "while parsing a flow sequence",
    "while parsing a flow mapping",
    "while scanning a simple key",
)
#: A field on one line: indentation, an optional list dash, the key, and the rest.
_FIELD_LINE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w-]*):(?P<rest>.*)$")
#: Said of every problem that stops the reading of a file, so that a contributor knows
#: a clean run after fixing it may still find more.
NOTHING_ELSE_CHECKED = "nothing else in this file was checked; fix this first"


@dataclass
class LoadedFile:
    """One record file: its data (None when unreadable), positions and loading problems."""

    path: Path
    relpath: str
    data: dict[str, Any] | None
    positions: dict[JsonPath, Position] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: Where each mapping key starts, so "unknown field" can point at the key itself.
    key_positions: dict[JsonPath, Position] = field(default_factory=dict)
    #: The text as written of every scalar YAML did not read as text, e.g. ``02134`` or ``NO``.
    raw_scalars: dict[JsonPath, str] = field(default_factory=dict)

    def top_level(self) -> LoadedFile:
        """A copy that keeps only the positions of top-level values.

        That is enough to place problems about the whole record, such as a
        duplicate, and far cheaper to keep for thousands of files or to send
        between processes.
        """
        positions = self.positions
        top = {(key,): positions[key,] for key in self.data or ()}
        top[()] = positions[()]
        return LoadedFile(self.path, self.relpath, self.data, top, self.problems)

    def position(self, json_path: tuple) -> Position:
        """Line and column of a value, or of its nearest known ancestor."""
        for end in range(len(json_path), -1, -1):
            found = self.positions.get(json_path[:end])
            if found:
                return found
        return (1, 1)

    def key_position(self, json_path: tuple) -> Position:
        """Line and column of the key naming a value, else of the value."""
        return self.key_positions.get(json_path) or self.position(json_path)

    def problem(
        self,
        json_path: tuple,
        message: str,
        hint: str = "",
        *,
        severity: Severity = "error",
        at_key: bool = False,
    ) -> Problem:
        line, column = self.key_position(json_path) if at_key else self.position(json_path)
        return Problem(self.relpath, line, column, message, hint, severity)


class _RecordError(Exception):
    """Stops loading one file; carries the problem to report."""

    def __init__(self, line: int, column: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.hint = line, column, message, hint

    def problem(self, relpath: str, *, stopped: bool) -> Problem:
        """The problem; ``stopped`` when reading ended part-way, so other mistakes may hide."""
        hint = f"{self.hint}; {NOTHING_ELSE_CHECKED}" if stopped else self.hint
        return Problem(relpath, self.line, self.column, self.message, hint)


class _PartReadError(_RecordError):
    """A problem met while reading the record's fields, after which nothing else is read."""


def load_file(path: Path, *, root: Path) -> LoadedFile:
    """Read and parse one record file; every failure becomes a problem, never an exception."""
    loaded = LoadedFile(path, relative_path(path, root), None)
    try:
        _check_location(path, root)
        text = _read_text(path)
        _check_layout(text)
        loaded.data = _EventReader(loaded, text).document()
    except _RecordError as error:
        loaded.data = None
        loaded.problems = [error.problem(loaded.relpath, stopped=isinstance(error, _PartReadError))]
    return loaded


def load_text(text: str, relpath: str) -> LoadedFile:
    """Parse record text that is not in a file (such as an older version from git), with
    the same care as ``load_file``."""
    loaded = LoadedFile(Path(relpath), relpath, None)
    try:
        _check_layout(text)
        loaded.data = _EventReader(loaded, text.removeprefix("\ufeff")).document()
    except _RecordError as error:
        loaded.data = None
        loaded.problems = [error.problem(relpath, stopped=isinstance(error, _PartReadError))]
    return loaded


def relative_path(path: Path, root: Path) -> str:
    """The path as reported in problems: relative to the project root when inside it.

    Worked out on strings: ``Path.relative_to`` costs more than reading the record.
    """
    absolute, base = os.path.abspath(path), os.path.abspath(root).rstrip(os.sep) + os.sep
    if absolute.startswith(base):
        return absolute[len(base) :].replace(os.sep, "/")
    return path.as_posix()


def _check_location(path: Path, root: Path) -> None:
    """Refuse a link that leads out of the project, or out of the records folder it sits in
    (``<records>/<state>/<slug>.yaml``), so no other file can be read as a record.
    Folders found by walking are never links."""
    if not path.is_symlink():
        return
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a link to nothing, or links in a loop
        raise _RecordError(
            1,
            1,
            "this file is a link that leads to no file",
            "records must be regular files inside the clinics/ or samples/ folder",
        ) from None
    records = path.absolute().parent.parent
    for boundary, place in ((root, "the project"), (records, f"the {records.name}/ folder")):
        if not target.is_relative_to(boundary.resolve()):
            raise _RecordError(
                1,
                1,
                f"this file is a link to a place outside {place}",
                "records must be regular files inside the clinics/ or samples/ folder",
            )


def _read_text(path: Path) -> str:
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise _RecordError(
                1, 1, "this is not a regular file", "records are plain YAML files; remove it"
            )
        size = status.st_size
        if size > MAX_FILE_BYTES:
            raise _RecordError(
                1,
                1,
                f"the file is {size // 1024} KiB, larger than the {MAX_FILE_BYTES // 1024} KiB limit",
                "a clinic record is a few kilobytes; shorten the free-text fields",
            )
        raw = path.read_bytes()
    except OSError as error:
        raise _RecordError(
            1, 1, f"cannot read the file: {error.strerror}", "check that it exists and is readable"
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise _RecordError(
            line,
            column,
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x})",
            "save the file as UTF-8 in your editor",
        ) from None
    # Some Windows editors start UTF-8 files with a byte-order mark; it carries no meaning.
    return text.removeprefix("\ufeff")


def _check_layout(text: str) -> None:
    if not text.strip():
        raise _RecordError(1, 1, "the file is empty", "copy an existing record and edit it")
    tab = _LEADING_TAB.search(text) if "\t" in text else None
    if tab:
        line = text.count("\n", 0, tab.start()) + 1
        raise _RecordError(
            line,
            tab.end() - tab.start(),
            "a tab is used for indentation",
            "YAML indentation must use spaces; replace the tab with spaces",
        )


def _syntax_error(error: yaml.MarkedYAMLError, text: str) -> _RecordError:
    problem, context = error.problem or "unreadable YAML", error.context or ""
    hint = next(
        (hint for key, hint in _SYNTAX_HINTS if key in problem or key in context),
        _DEFAULT_SYNTAX_HINT,
    )
    mark = error.problem_mark or error.context_mark
    if context in _ERRORS_FOUND_LATER and error.context_mark is not None:
        mark = error.context_mark
    if mark is None:
        return _marked(mark, f"invalid YAML: {visible(problem)}", hint)
    lines = text.split("\n")
    opened = _unclosed_quote(lines, mark.line)
    if opened is not None:  # the quote ran on to a later line, where the parser gave up
        line, column = opened
        fix = _line_fix(lines[line], "", "quoted scalar")
        return _PartReadError(
            line + 1, column + 1, "invalid YAML: a quote opened here is never closed", fix or hint
        )
    # the parser may stop just past the last line, at the end of the file
    line = lines[mark.line] if mark.line < len(lines) else ""
    hint = _line_fix(line, problem, context) or hint
    return _marked(mark, f"invalid YAML: {visible(problem)}", hint)


def _unclosed_quote(lines: list[str], last: int) -> tuple[int, int] | None:
    """Where a value's opening double quote is never closed on its line, at or before the
    line ``last``: records hold one-line values, so that quote is the mistake."""
    for number, line in enumerate(lines[: last + 1]):
        field = _FIELD_LINE.match(line)
        if field is None:
            continue
        value = field["rest"].lstrip()
        if value.startswith('"') and value.replace('\\"', "").count('"') == 1:
            return number, len(line) - len(value)
    return None


def _line_fix(line: str, problem: str, context: str) -> str | None:
    """The corrected line, as a hint, for the slips a single line shows: no space after a
    field's colon, ': ' inside a value, a quote opened and never closed."""
    field = _FIELD_LINE.match(line.split(" #", 1)[0].rstrip())
    if field is None:
        return None
    key, rest = field["key"], field["rest"]
    value = rest.strip()
    if "could not find expected ':'" in problem and rest[:1] not in ("", " "):
        return f"put a space after the colon: `{key}: {value}`"
    if "mapping values are not allowed" in problem and value[:1] not in ('"', "'", "{", "["):
        return f"put the whole value in quotes: `{key}: {_quoted(value)}`"
    if "quoted scalar" in context and value[:1] == '"' and value.count('"') == 1:
        return f'end the value with a closing quote: `{key}: {value}"`'
    return None


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _marked(
    mark: yaml.Mark | None,
    message: str,
    hint: str,
    *,
    error: type[_RecordError] = _PartReadError,
) -> _RecordError:
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return error(line, column, message, hint)


class _EventReader:
    """Builds JSON types straight from the parser's events, filling the position tables.

    Reading events rather than a composed node tree skips work the record does not
    need, which matters at ten thousand files; scalars are typed the way PyYAML's
    safe loader types them.
    """

    def __init__(self, loaded: LoadedFile, text: str) -> None:
        self.loaded = loaded
        self.positions = loaded.positions
        self.key_positions = loaded.key_positions
        self.raw_scalars = loaded.raw_scalars
        self.text = text
        #: Only a file with " #" in it can have a value cut short by a comment.
        self.lines = text.split("\n") if " #" in text else None
        self.depth = 0
        self.loader = SafeLoader(text)
        self.next_event = self.loader.get_event
        constructor = SafeConstructor()
        self.scalar_types: dict[str, Callable[[ScalarNode], Any]] = {
            _TAG + "null": lambda node: None,
            _TAG + "bool": constructor.construct_yaml_bool,
            _TAG + "int": constructor.construct_yaml_int,
            _TAG + "float": constructor.construct_yaml_float,
            _TAG + "timestamp": lambda node: _date_text(constructor, node),
        }

    def document(self) -> dict[str, Any]:
        try:
            return self.single_document()
        except yaml.MarkedYAMLError as error:
            raise _syntax_error(error, self.text) from None
        except yaml.reader.ReaderError as error:
            before = self.text[: error.position]
            raise _PartReadError(
                before.count("\n") + 1,
                len(before) - (before.rfind("\n") + 1) + 1,
                f"the file contains a control character (#x{error.character:04x})",
                "delete it; it is invisible in most editors, so retype the text around it",
            ) from None
        except yaml.YAMLError as error:  # any other complaint of the parser
            raise _PartReadError(
                1, 1, f"invalid YAML: {visible(str(error))[:200]}", _DEFAULT_SYNTAX_HINT
            ) from None
        finally:
            self.loader.dispose()

    def single_document(self) -> dict[str, Any]:
        next_event = self.next_event
        next_event()  # start of the stream
        if isinstance(next_event(), yaml.StreamEndEvent):
            raise _RecordError(
                1, 1, "the file holds only comments", "copy an existing record and edit it"
            )
        root = next_event()
        if not isinstance(root, yaml.MappingStartEvent | yaml.AliasEvent):
            kind = "a list" if isinstance(root, yaml.SequenceStartEvent) else "a single value"
            raise _marked(
                root.start_mark,
                f"a clinic record must be a set of fields such as `name: ...`, but this file holds {kind}",
                "start each line with a field name, as in the other records",
                error=_RecordError,
            )
        data = self.value(root, ())
        next_event()  # end of the document
        following = next_event()
        if isinstance(following, yaml.DocumentStartEvent):
            raise _marked(
                following.start_mark,
                "the file holds more than one YAML document",
                "keep one clinic per file and remove this `---` line",
            )
        return data

    def value(self, event: yaml.Event, path: JsonPath) -> Any:
        mark = event.start_mark
        self.positions[path] = (mark.line + 1, mark.column + 1)
        kind = event.__class__
        if kind is yaml.ScalarEvent:
            return self.scalar(event, path)
        if kind is yaml.AliasEvent:
            raise _marked(
                mark,
                f"YAML aliases (*{visible(event.anchor[:40])}) are not accepted",
                "write the value out in full; records must not reuse parts with & and *",
            )
        if event.tag not in (
            None,
            "!",
            _TAG + ("map" if kind is yaml.MappingStartEvent else "seq"),
        ):
            raise _unsupported_tag(event)
        if self.depth == MAX_DEPTH:
            raise _marked(
                mark,
                f"lists and fields are nested more than {MAX_DEPTH} levels deep here",
                "a record goes five levels deep at most (services, their prices); "
                "check the brackets and the indentation",
            )
        self.depth += 1
        value = self.mapping(path) if kind is yaml.MappingStartEvent else self.sequence(path)
        self.depth -= 1
        return value

    def mapping(self, path: JsonPath) -> dict[str, Any]:
        next_event, key_positions, value = self.next_event, self.key_positions, self.value
        result: dict[str, Any] = {}
        while (key_event := next_event()).__class__ is not yaml.MappingEndEvent:
            mark = key_event.start_mark
            if key_event.__class__ is not yaml.ScalarEvent:
                raise _marked(mark, "a field name must be plain text", "write `name: value`")
            key = key_event.value
            key_path = (*path, key)
            if key in result:
                raise _marked(
                    mark,
                    f"the field '{visible(key)}' appears twice "
                    f"(first on line {key_positions[key_path][0]})",
                    "keep one of them and delete the other",
                )
            key_positions[key_path] = (mark.line + 1, mark.column + 1)
            result[key] = value(next_event(), key_path)
        return result

    def sequence(self, path: JsonPath) -> list[Any]:
        next_event, value = self.next_event, self.value
        items: list[Any] = []
        while (event := next_event()).__class__ is not yaml.SequenceEndEvent:
            items.append(value(event, (*path, len(items))))
        return items

    def scalar(self, event: yaml.ScalarEvent, path: JsonPath) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0] or event.value[:1] not in _IMPLICIT_RESOLVERS:
                if self.lines is not None and not event.style:
                    self.check_cut_by_comment(event, path)
                return event.value
            tag = _implicit_tag(event.value)
        if tag == _STR:
            if self.lines is not None and not event.style:
                self.check_cut_by_comment(event, path)
            return event.value
        construct = self.scalar_types.get(tag)
        if construct is None:
            raise _unsupported_tag(event)
        text = event.value
        if tag in _NUMBER_TAGS and len(text) > MAX_NUMBER_LENGTH:
            raise _marked(
                event.start_mark,
                f"'{visible(text[:20])}...' is too long to be a number",
                "write a plain number, such as a price in whole dollars; put text in quotes",
            )
        try:
            value = construct(ScalarNode(tag, text, event.start_mark, event.end_mark))
        except ValueError:
            value = math.nan  # e.g. an integer too long for Python to read
        if (isinstance(value, float) and not math.isfinite(value)) or (
            isinstance(value, int) and abs(value) > MAX_INTEGER
        ):
            raise _marked(
                event.start_mark,
                f"'{visible(text)}' is not a usable number",
                "write a plain number",
            )
        self.raw_scalars[path] = event.value
        return value

    def check_cut_by_comment(self, event: yaml.ScalarEvent, path: JsonPath) -> None:
        """Report an unquoted value followed by ``#`` and more text, as in
        ``street: 150 Church St #2``: YAML reads `` #2`` as a comment and keeps
        "150 Church St", silently. A comment written as one (``  # note``, with a space
        after the ``#``) is left alone."""
        start, end = event.start_mark, event.end_mark
        if start.line != end.line:
            return
        rest = self.lines[end.line][end.column :]
        if not _CUT_BY_COMMENT.match(rest):
            return
        whole = event.value + rest.rstrip()
        name = path[-1] if path and isinstance(path[-1], str) else None
        written = f"{name}: {_quoted(whole)}" if name else f"- {_quoted(whole)}"
        self.loaded.problems.append(
            Problem(
                self.loaded.relpath,
                start.line + 1,
                start.column + 1,
                f"{visible(name or 'this value')} is cut short: YAML reads the text from "
                f"' #' on as a comment, so it is stored as '{visible(event.value)}'",
                f"put the whole value in quotes: `{visible(written)}`",
            )
        )


def _implicit_tag(text: str) -> str:
    """The tag PyYAML's resolver gives a plain scalar, e.g. int for ``02134``, bool for ``NO``."""
    for tag, regexp in _IMPLICIT_RESOLVERS.get(text[:1], ()):
        if regexp.match(text):
            return tag
    return _STR


def _date_text(constructor: SafeConstructor, node: ScalarNode) -> str:
    """A YAML date as ``YYYY-MM-DD`` text, the form the rest of the package works with."""
    try:
        value = constructor.construct_yaml_timestamp(node)
    except ValueError:
        raise _marked(
            node.start_mark, f"{node.value} is not a real date", "check the month and the day"
        ) from None
    if isinstance(value, datetime):
        raise _marked(
            node.start_mark,
            f"{node.value} is a date and time; only a date is accepted here",
            "write the date alone, such as 2026-09-14",
        )
    return value.isoformat()


def _unsupported_tag(event: yaml.NodeEvent) -> _RecordError:
    return _marked(
        event.start_mark,
        f"the YAML tag {visible(event.tag or '')[:60]} is not accepted",
        "remove the tag; records use plain text, numbers, true/false, dates, lists and fields",
    )
