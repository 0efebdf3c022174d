"""The generated benchmark records (``bench/synthetic.py``): valid, varied, fictional and
reproducible."""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from clinic_directory.records.validate import validate_paths

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from synthetic import (
    Gazetteer,
    PhoneBook,
    Place,
    YamlWriter,
    generate_records,
    main,
    write_records,
)

TODAY = date(2026, 11, 1)
FICTIONAL_PHONE = re.compile(r"\+1 [2-9]\d\d-555-01\d\d")


@pytest.fixture(scope="module")
def records():
    return generate_records(500, seed=11, today=TODAY)


def test_generated_records_pass_validation(tmp_path):
    write_records(generate_records(200, seed=5, today=TODAY), tmp_path / "clinics")

    report = validate_paths([tmp_path / "clinics"], root=tmp_path, today=TODAY)

    assert report.files == 200
    assert report.errors == []
    assert len(report.records) == 200


def test_same_seed_and_day_give_the_same_records():
    first = generate_records(50, seed=3, today=TODAY)
    again = generate_records(50, seed=3, today=TODAY)
    other = generate_records(50, seed=4, today=TODAY)

    assert first == again
    assert [r.data for r in first] != [r.data for r in other]


def test_names_are_varied(records):
    names = {record.data["name"] for record in records}
    assert len(names) / len(records) > 0.8
    assert not any(re.fullmatch(r"Clinic \d+", name) for name in names)
    lengths = Counter(len(name.split()) for name in names)
    assert len(lengths) >= 4


def test_route_mix_looks_like_real_clinics(records):
    routes = Counter(s["route"] for record in records for s in record.data["services"])
    most_common = [route for route, _ in routes.most_common()]

    assert most_common[:2] == ["iv_infusion", "esketamine_nasal"]
    assert 0 < routes["subcutaneous"] < routes["iv_infusion"] / 5
    assert routes["at_home"] > 0


def test_at_home_services_list_the_states_they_serve(records):
    at_home = [
        (record, service)
        for record in records
        for service in record.data["services"]
        if service["route"] == "at_home"
    ]
    assert at_home
    for record, service in at_home:
        assert record.data["address"]["state"] in service["states_served"]


def test_records_spread_over_many_states_weighted_to_populous_ones(records):
    states = Counter(record.data["address"]["state"] for record in records)
    assert len(states) >= 25
    assert states["CA"] > states["VT"]


def test_records_carry_fictional_markers(records):
    for record in records:
        data = record.data
        urls = [data["website"], *data["sources"]]
        assert all(urlsplit(url).hostname.endswith(".example") for url in urls)
        assert FICTIONAL_PHONE.fullmatch(data["phone"])
        assert "sample" not in data
        assert not any("npi" in person for person in data["clinicians"])


def test_phones_repeat_only_within_one_organization(records):
    organizations: dict[str, list] = {}
    for record in records:
        organizations.setdefault(record.data["phone"], []).append(record.data.get("organization"))
    shared = [orgs for orgs in organizations.values() if len(orgs) > 1]
    assert shared, "chains with a central line are part of realistic data"
    for orgs in shared:
        assert len(set(orgs)) == 1
        assert orgs[0] is not None


def test_identities_and_name_street_pairs_are_unique(records):
    identities = [(record.state, record.slug) for record in records]
    pairs = [(r.data["name"], r.data["address"]["street"]) for r in records]
    assert len(set(identities)) == len(identities)
    assert len(set(pairs)) == len(pairs)


def test_phone_book_moves_on_when_an_area_code_is_full():
    book = PhoneBook(random.Random(1), Gazetteer())
    austin = Place("78701", "Austin", "TX", 30.27, -97.74, ("512",))

    numbers = [book.allocate(austin) for _ in range(150)]

    assert len(set(numbers)) == 150
    assert sum(number.startswith("+1 512-") for number in numbers) == 100
    assert all(FICTIONAL_PHONE.fullmatch(number) for number in numbers)


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "No",
        "null",
        "~",
        "08:00",
        "12:30:00",
        "0x1F",
        "1e3",
        "78701",
        "-x",
        "a: b",
        "a #b",
        "[x]",
        "{x}",
        "O'Brien & Co",
        "trailing ",
        "",
        "Café",
        "line\nbreak",
        "& anchor",
    ],
)
def test_yaml_writer_keeps_every_string_a_string(text):
    loaded = yaml.safe_load(
        YamlWriter().dumps({"value": text, "items": [text], "map": {"k": text}})
    )
    assert loaded == {"value": text, "items": [text], "map": {"k": text}}


def test_yaml_writer_writes_dates_as_yaml_dates():
    assert YamlWriter().dumps({"last_verified": "2026-09-14"}) == "last_verified: 2026-09-14\n"


def test_generate_command_writes_state_folders(tmp_path, capsys):
    target = tmp_path / "records"

    status = main(["30", str(target), "--seed", "2", "--today", "2026-11-01"])

    assert status == 0
    files = sorted(target.glob("*/*.yaml"))
    assert len(files) == 30
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert path.parent.name == data["address"]["state"].lower()
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path.stem)
    assert "wrote 30 records" in capsys.readouterr().out


def test_generate_command_refuses_a_folder_with_files(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")

    with pytest.raises(SystemExit, match="not an empty folder"):
        main(["5", str(tmp_path)])
    assert [path.name for path in tmp_path.iterdir()] == ["keep.txt"]


def test_generate_command_refuses_zero_records(tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["0", str(tmp_path / "none")])
    assert exit_info.value.code == 2
    assert not Path(tmp_path / "none").exists()
