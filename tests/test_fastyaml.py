"""The compiled reader gives exactly what the Python reader gives, or steps aside.

``load_file`` reads most files with the compiled reader and falls back to the
Python reader for the rest, so every answer of the compiled one must match the
Python one to the type and position; these tests compare the two.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_directory import load
from clinic_directory.synthetic import generate_records, write_records

SAMPLES = Path(__file__).parent.parent / "samples"
HARDENING_CASES = Path(__file__).parent / "hardening" / "cases"


def test_the_compiled_reader_is_built_in_ci():
    """Without libyaml's headers the package still works, but CI must test the fast path."""
    if os.environ.get("CI") and not load.HAS_COMPILED_READER:
        pytest.fail("clinic_directory._fastyaml was not built: install libyaml-dev and reinstall")


fastyaml = pytest.importorskip(
    "clinic_directory._fastyaml", reason="built only where libyaml's headers are installed"
)


def python_reading(text: str) -> str | None:
    """What the Python reader makes of a text, as comparable text (``True`` is not ``1``)."""
    loaded = load.LoadedFile(Path("record.yaml"), "record.yaml", None)
    try:
        data = load._EventReader(loaded, text).document()
    except load._RecordError:
        return None
    return repr((data, loaded.positions, loaded.key_positions, loaded.raw_scalars))


def compiled_reading(text: str) -> str | None:
    read = fastyaml.read_record(text, load._reads_as_text)
    return None if read is None else repr(read)


def test_every_sample_is_read_by_the_compiled_reader_exactly_as_by_python():
    texts = [path.read_text("utf-8") for path in sorted(SAMPLES.rglob("*.yaml"))]

    assert len(texts) >= 40
    for text in texts:
        assert compiled_reading(text) is not None
        assert compiled_reading(text) == python_reading(text)


def test_generated_records_are_read_exactly_as_by_python(tmp_path):
    write_records(generate_records(300, seed=3, today=date(2026, 11, 1)), tmp_path)

    for path in sorted(tmp_path.rglob("*.yaml")):
        text = path.read_text("utf-8")
        assert compiled_reading(text) is not None, path.name
        assert compiled_reading(text) == python_reading(text), path.name


def test_every_hostile_file_is_left_to_the_python_reader():
    texts = [
        path.read_bytes().decode("utf-8", "replace")
        for path in sorted(HARDENING_CASES.rglob("*.yaml"))
    ]

    assert texts
    for text in texts:
        if python_reading(text) is None:
            assert compiled_reading(text) is None


@pytest.mark.parametrize(
    ("written", "read_as"),
    [
        ("zip: 02134", None),  # octal in YAML 1.1: the Python reader says so
        ("open: 9:30", None),  # sexagesimal
        ("count: 1_000", None),
        ("answer: NO", "False"),
        ("answer: Off", "False"),
        ("answer: y", "'y'"),
        ("name: Norway", "'Norway'"),
        ("price: 250", "250"),
        ("price: -0", "0"),
        ("price: 12.50", "12.5"),
        ("price: 1.", "1.0"),
        ("ratio: 1.5e-3", None),  # a float the Python reader builds
        ("ratio: 1.5E+3", None),
        ("ratio: 1e3", "'1e3'"),  # no dot: text in YAML 1.1
        ("day: 2024-02-29", "'2024-02-29'"),
        ("day: 2023-02-29", None),  # not a real date
        ("hours: 09:00-17:30", "'09:00-17:30'"),
        ("hours: 24/7", "'24/7'"),
        ("phone: 555-0123", "'555-0123'"),
        ("street: 12 Elm Row", "'12 Elm Row'"),
        ("nothing:", "None"),
        ("nothing: ~", "None"),
        ("quoted: '02134'", "'02134'"),
    ],
)
def test_plain_values_are_typed_as_yaml_1_1_types_them(written, read_as):
    reading = compiled_reading(written + "\n")

    if read_as is None:
        assert reading is None
    else:
        assert reading == python_reading(written + "\n")
        assert reading.startswith(f"({{{written.split(':')[0]!r}: {read_as}}}")


#: Characters from which YAML 1.1 builds numbers, dates, times, booleans and nulls.
TRICKY = "0123456789+-._:eExXbBoOnNyYtTfFaAlLsSuUiI~ /"


PLAIN_VALUES = st.one_of(
    st.text(alphabet=TRICKY, max_size=12),
    st.from_regex(
        r"[-+]?[0-9_]{0,4}(\.[0-9_]{0,3})?([eE][-+]?[0-9]{1,2})?(:[0-9]{1,2}){0,2}", fullmatch=True
    ),
    st.from_regex(
        r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{2}:[0-9]{2})?", fullmatch=True
    ),
)


@settings(max_examples=500, deadline=None)
@given(
    values=st.lists(PLAIN_VALUES, min_size=4, max_size=4),
    key=st.sampled_from(["name", "phone", "a", "b"]),
)
def test_any_plain_value_is_read_as_python_reads_it_or_left_to_python(values, key):
    first, second, third, fourth = values
    text = (
        f"name: {first}\n"
        f"{key}: {second}\n"
        f"items:\n  - {third}\n  - [{fourth}, x]\n"
        f"nested: {{k: {fourth}, j: [{first}]}}\n"
    )

    reading = compiled_reading(text)

    assert reading is None or reading == python_reading(text)
