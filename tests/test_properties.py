"""Properties that hold for any input: the validator answers with problems or a record and
never fails in any other way; every record it accepts builds, with its text escaped."""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sites import TinySite, make_tiny_site

from clinic_directory import cli
from clinic_directory.records import vocab
from clinic_directory.records.load import load_text
from clinic_directory.records.messages import SchemaCheck
from clinic_directory.records.schema import MAX_PRICE
from clinic_directory.records.text import FORBIDDEN_CHARACTER
from clinic_directory.records.validate import ValidationReport, validate_paths

TODAY = date(2026, 11, 22)
RELPATH = "clinics/tx/any-clinic.yaml"
VALID_TEXT = (Path(__file__).parent / "hardening" / "neighbour.yaml").read_text(encoding="utf-8")
#: Characters that mean something to YAML, HTML, JavaScript or the terminal.
AWKWARD = list(":-?[]{}&*!|>'\"%@`#,\t\n\r \\$<>=/;~.0123456789\ufeff\u2028\u0000\u00e9")

# Fixtures reused across examples are module-scoped: Hypothesis runs a test many times.
settings.register_profile("records", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("records")


def validate_text(root: Path, content: bytes) -> ValidationReport:
    path = root / RELPATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return validate_paths([root / "clinics"], root=root, today=TODAY)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


# -- any input --------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def spliced_records(draw: st.DrawFn) -> bytes:
    """The valid record with a piece cut out and awkward text put in its place."""
    start = draw(st.integers(0, len(VALID_TEXT)))
    end = draw(st.integers(start, min(len(VALID_TEXT), start + 30)))
    insert = draw(st.text(st.sampled_from(AWKWARD), max_size=12))
    return (VALID_TEXT[:start] + insert + VALID_TEXT[end:]).encode()


@st.composite
def records_with_one_odd_field(draw: st.DrawFn) -> bytes:
    """The valid record with a field (or a field of a nested mapping) set to any JSON value."""
    data = yaml.safe_load(VALID_TEXT)
    target = draw(st.sampled_from([data, data["address"], data["services"][0], data["location"]]))
    key = draw(st.sampled_from([*target, "notes", "rems_certified", "states_served", "min"]))
    target[key] = draw(json_values)
    return yaml.safe_dump(data, allow_unicode=draw(st.booleans())).encode()


yamlish = st.one_of(
    st.text(st.sampled_from(AWKWARD) | st.characters(codec="utf-8"), max_size=200).map(str.encode),
    st.binary(max_size=200),
    spliced_records(),
    records_with_one_odd_field(),
)


@settings(max_examples=200)
@given(content=yamlish)
@example(content=b"{")  # the parser stops past the last line
def test_any_input_yields_problems_or_a_record_and_nothing_else(workdir, content):
    report = validate_text(workdir, content)

    if report.errors:
        assert report.records == []
        for problem in report.errors:
            assert problem.path == RELPATH
            assert problem.line >= 1 and problem.column >= 1
            assert problem.message and problem.hint
    else:
        [accepted] = report.records
        json.dumps(accepted.data, allow_nan=False)


# -- any input, through the command line ---------------------------------------------

#: Stands for a whole number longer than Python converts (4300 digits) in generated YAML.
BIG_NUMBER = "BIGNUMBERHERE"
#: Text with what once got through or broke the reader: line breaks, other digits,
#: invisible characters, quotes, markup.
odd_text = st.text(
    st.sampled_from(AWKWARD + list("\u0663\uff11\U0001d7cf\u202e\u3164\u00ad\U000e0041\x85"))
    | st.characters(),
    max_size=40,
)
yaml_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.just(BIG_NUMBER)  # replaced by thousands of digits once written
    | st.floats()  # NaN and infinities included
    | odd_text
)
yaml_trees = st.recursive(
    yaml_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(odd_text, children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def records_with_an_odd_tree(draw: st.DrawFn) -> bytes:
    """The valid record with any field replaced by any YAML tree, possibly nested very deep."""
    data = yaml.safe_load(VALID_TEXT)
    target = draw(st.sampled_from([data, data["address"], data["services"][0]]))
    key = draw(st.sampled_from([*target, "npi", "email", "organization"]))
    tree = draw(yaml_trees)
    for _ in range(draw(st.sampled_from([0, 0, 1, 12, 200]))):
        tree = [tree]
    target[key] = tree
    try:
        text = yaml.safe_dump(data, allow_unicode=draw(st.booleans()))
    except RecursionError:  # too deep for the dumper: write it by hand
        text = "x: " + "[" * 5000 + "]" * 5000
    return text.replace(BIG_NUMBER, "9" * draw(st.integers(4000, 6000))).encode()


@st.composite
def geocode_caches(draw: st.DrawFn) -> bytes | None:
    """No cache, a broken one, or one with entries of any shape for the record's address."""
    key = "1200 larkspur terrace way, suite 300, austin, tx, 78701"
    return draw(
        st.none()
        | st.binary(max_size=100)
        | yaml_trees.map(lambda tree: yaml.safe_dump(tree).encode())
        | st.dictionaries(st.just(key) | odd_text, json_values, max_size=3).map(
            lambda entries: json.dumps(entries).encode()
        )
    )


PROBLEM_LINE = re.compile(r"^\S.*:[0-9]+:[0-9]+: error: ", re.MULTILINE)


@pytest.fixture(scope="module")
def cli_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A project folder to run the command in, with the valid neighbour beside the case."""
    root = tmp_path_factory.mktemp("cli-properties")
    (root / RELPATH).parent.mkdir(parents=True)
    (root / "clinics/tx/lantern-hill.yaml").write_text(VALID_TEXT, encoding="utf-8")
    before = Path.cwd()
    os.chdir(root)
    try:
        yield root
    finally:
        os.chdir(before)


def validate_command() -> tuple[int, str]:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = cli.main(["validate"])
    gc.enable()  # the command turns the collector off for the rest of its process
    return code, printed.getvalue()


@settings(max_examples=150)
@given(
    content=st.binary(max_size=300) | records_with_an_odd_tree() | spliced_records(),
    cache=geocode_caches(),
)
def test_validate_exits_0_or_1_with_a_placed_error_and_never_a_traceback(
    cli_project, content, cache
):
    (cli_project / RELPATH).write_bytes(content)
    cache_file = cli_project / "geocode-cache.json"
    cache_file.unlink(missing_ok=True)
    if cache is not None:
        cache_file.write_bytes(cache)

    code, out = validate_command()

    assert code in (0, 1)
    assert "Traceback" not in out
    if code == 1:
        assert PROBLEM_LINE.search(out), out
    assert not [line for line in out.splitlines() if line.startswith("::")]


@pytest.fixture(scope="module")
def schema_check() -> SchemaCheck:
    return SchemaCheck()


@settings(max_examples=300)
@given(content=records_with_one_odd_field() | records_with_an_odd_tree())
def test_the_fast_and_the_detailed_check_agree_on_any_record(schema_check, content):
    data = load_text(content.decode("utf-8"), RELPATH).data
    if data is None:
        return  # refused while reading; neither check sees it

    fast = schema_check.fast.is_valid(data)
    detailed = not list(schema_check.detailed.iter_errors(data))

    assert fast == detailed


# -- valid records ----------------------------------------------------------------

#: Any text the validator allows in free-text fields: no control or invisible characters
#: (formats, line and paragraph separators, fillers) but tab and line breaks, a '<' never
#: right before a tag name, not only spaces.
plain_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cf", "Zl", "Zp"]).filter(
        lambda char: not FORBIDDEN_CHARACTER.match(char)
    )
    | st.sampled_from("\t\n\r<`$&'\"\u00a0\u3000"),
    max_size=60,
).map(lambda text: "A" + text.replace("<", "< "))


def terms(name: str, **limits: int) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(vocab.ALL[name].values), unique=True, **limits)


@st.composite
def prices(draw: st.DrawFn) -> dict[str, Any]:
    price: dict[str, Any] = {"unit": draw(st.sampled_from(vocab.ALL["price_unit"].values))}
    if draw(st.booleans()):
        price["amount"] = draw(st.integers(0, MAX_PRICE))
    else:
        low, high = sorted(draw(st.lists(st.integers(0, MAX_PRICE), min_size=2, max_size=2)))
        price |= {"min": low, "max": high}
    if price["unit"] == "series":
        price["sessions"] = draw(st.integers(1, 12))
    # What the price covers: always stated (esketamine requires it); a treatment priced
    # from $0 can only be a clinic fee, and a treatment always involves the medicine.
    treatment = price["unit"] in ("session", "series")
    if treatment and price.get("amount", price.get("min")) == 0:
        price["medicine"] = "billed_separately"
    elif treatment:
        price["medicine"] = draw(st.sampled_from(["included", "billed_separately"]))
    else:
        price["medicine"] = draw(st.sampled_from(vocab.ALL["medicine"].values))
    if draw(st.booleans()):
        price["includes"] = draw(plain_text)
    return price


@st.composite
def services(draw: st.DrawFn) -> list[dict[str, Any]]:
    listed = []
    for route in draw(terms("route", min_size=1)):
        service: dict[str, Any] = {
            "route": route,
            "conditions": draw(terms("condition", max_size=3)),
            "prices": draw(st.lists(prices(), max_size=3)),
            "insurance": draw(st.booleans()),
        }
        if route == "esketamine_nasal":
            service["rems_certified"] = True
        if route == "at_home":
            service["states_served"] = draw(terms("state", min_size=1, max_size=4))
        if draw(st.booleans()):
            service["notes"] = draw(plain_text)
        listed.append(service)
    return listed


@st.composite
def valid_records(draw: st.DrawFn) -> dict[str, Any]:
    verified = draw(st.dates(TODAY - timedelta(days=900), TODAY))
    return {
        "name": draw(plain_text),
        "organization": draw(plain_text),
        "status": draw(st.sampled_from(vocab.ALL["status"].values)),
        "description": draw(plain_text),
        "website": "https://any-clinic.example/",
        "phone": "+1 512-555-0150",
        "address": {
            "street": draw(plain_text),
            "city": draw(plain_text),
            "state": "TX",
            "postal_code": "78701",
        },
        "location": {
            "lat": draw(st.floats(26.0, 36.0)),
            "lon": draw(st.floats(-106.0, -94.0)),
        },
        "services": draw(services()),
        "clinicians": [
            {
                "name": draw(plain_text),
                "credential": draw(st.sampled_from(vocab.ALL["credential"].values)),
                "specialty": draw(st.sampled_from(vocab.ALL["specialty"].values)),
            }
        ],
        "safety": draw(terms("safety")),
        "payment": draw(terms("payment")),
        "insurance_plans": draw(st.lists(plain_text, unique=True, max_size=3)),
        "languages": draw(terms("language", max_size=3)),
        "last_verified": verified.isoformat(),
        "verified_by": "maintainer-handle",
        "sources": ["https://any-clinic.example/prices"],
    }


def as_yaml(data: dict[str, Any]) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


@settings(max_examples=100)
@given(data=valid_records())
def test_generated_valid_records_are_accepted(workdir, data):
    report = validate_text(workdir, as_yaml(data))

    assert report.errors == []
    assert [record.data for record in report.records] == [data]


@pytest.fixture(scope="module")
def property_site(tmp_path_factory: pytest.TempPathFactory) -> TinySite:
    return make_tiny_site(tmp_path_factory.mktemp("property-site"))


@settings(max_examples=5)
@given(data=valid_records())
def test_generated_valid_records_always_build(property_site, data):
    (property_site.root / RELPATH).parent.mkdir(parents=True, exist_ok=True)
    (property_site.root / RELPATH).write_bytes(as_yaml(data))

    property_site.build()

    page = (property_site.output / "clinics/tx/any-clinic/index.html").read_bytes().decode()
    assert str(escape(data["name"])) in page
    document = (property_site.output / "clinics/tx/any-clinic/clinic.json").read_text("utf-8")
    assert json.loads(document)["record"] == data
