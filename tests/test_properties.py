"""Properties that hold for any input: the validator answers with problems or a record and
never fails in any other way; every record it accepts builds, with its text escaped."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sites import TinySite, make_tiny_site

from clinic_directory.records import vocab
from clinic_directory.records.schema import MAX_PRICE
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


# -- valid records ----------------------------------------------------------------

#: Any text the validator allows in free-text fields: no control or invisible format
#: characters but tab and line breaks, a '<' never right before a tag name, not only spaces.
plain_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cf"])
    | st.sampled_from("\t\n\r<`$&'\""),
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
