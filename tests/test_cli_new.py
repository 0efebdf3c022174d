"""``clinic-directory new``: the scaffold lands at the right path and validates as written."""

from __future__ import annotations

import io
from datetime import date

import pytest

from clinic_directory import cli
from clinic_directory.commands.new import SCHEMA_MODELINE, normalise_phone, slugify
from clinic_directory.records.geocode import GeocodeCache
from clinic_directory.records.load import load_file
from clinic_directory.records.validate import validate_paths

REQUIRED_FLAGS = [
    "--name", "Juniper Row Ketamine Clinic",
    "--state", "tx",
    "--city", "Austin",
    "--street", "77 Juniper Row, Suite 4",
    "--postal-code", "78701",
    "--phone", "(512) 555-0142",
    "--website", "https://juniper-row.example/",
    "--route", "iv_infusion",
    "--verified-by", "test-maintainer",
]  # fmt: skip
CREATED = "clinics/tx/juniper-row-ketamine-clinic.yaml"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project folder as the working directory, with no terminal attached."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    return tmp_path


def test_new_writes_a_record_that_validates(project, capsys):
    flags = [*REQUIRED_FLAGS, "--lat", "30.2672", "--lon", "-97.7431"]

    assert cli.main(["new", *flags, "--route", "esketamine_nasal", "--route", "at_home"]) == 0

    path = project / CREATED
    assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_MODELINE
    report = validate_paths([path], root=project)
    assert report.errors == []
    (record,) = report.records
    assert record.data["last_verified"] == date.today().isoformat()
    assert record.data["phone"] == "+1 512-555-0142"
    assert record.data["sources"] == ["https://juniper-row.example/"]
    assert [s["route"] for s in record.data["services"]] == [
        "iv_infusion",
        "esketamine_nasal",
        "at_home",
    ]
    assert record.data["services"][2]["states_served"] == ["TX"]
    assert f"created {CREATED}" in capsys.readouterr().out


def test_new_without_coordinates_points_to_geocode(project, capsys):
    assert cli.main(["new", *REQUIRED_FLAGS]) == 0

    assert "clinic-directory geocode" in capsys.readouterr().out
    path = project / CREATED
    errors = validate_paths([path], root=project).errors
    assert [error.message for error in errors] == ["no coordinates for this address"]
    cache = GeocodeCache()
    cache.set(load_file(path, root=project).data["address"], 30.2672, -97.7431)
    assert validate_paths([path], root=project, geocode_cache=cache).errors == []


def test_new_keeps_awkward_text_intact(project):
    name = 'Dr. O\'Neil: "Mind & Body" #1 — Ketamine'
    flags = [*REQUIRED_FLAGS, "--name", name, "--source", "https://juniper-row.example/a#b"]

    assert cli.main(["new", *flags]) == 0

    data = load_file(project / "clinics/tx/dr-o-neil-mind-body-1-ketamine.yaml", root=project).data
    assert data["name"] == name
    assert data["sources"] == ["https://juniper-row.example/a#b"]


def test_new_refuses_to_overwrite(project, capsys):
    existing = project / CREATED
    existing.parent.mkdir(parents=True)
    existing.write_text("name: kept\n", encoding="utf-8")

    assert cli.main(["new", *REQUIRED_FLAGS]) == 1

    assert existing.read_text(encoding="utf-8") == "name: kept\n"
    assert "already exists" in capsys.readouterr().out


def test_new_lists_every_missing_flag_without_a_terminal(project, capsys):
    assert cli.main(["new", "--name", "Juniper Row", "--state", "TX"]) == 2

    out = capsys.readouterr().out
    assert (
        "missing --city, --street, --postal-code, --phone, --website, --route, --verified-by" in out
    )
    assert not (project / "clinics").exists()


def test_new_asks_for_missing_values_in_a_terminal(project, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["77 Juniper Row, Suite 4", "iv_infusion, intramuscular"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    flags = [flag for flag in REQUIRED_FLAGS if flag not in ("--street", "--route")]
    flags.remove("77 Juniper Row, Suite 4")
    flags.remove("iv_infusion")

    assert cli.main(["new", *flags]) == 0

    data = load_file(project / CREATED, root=project).data
    assert data["address"]["street"] == "77 Juniper Row, Suite 4"
    assert [s["route"] for s in data["services"]] == ["iv_infusion", "intramuscular"]


def test_new_reports_bad_values_at_their_line_and_writes_nothing(project, capsys):
    flags = [*REQUIRED_FLAGS, "--website", "http://juniper-row.example/", "--route", "iv"]

    assert cli.main(["new", *flags]) == 1

    out = capsys.readouterr().out
    assert f"{CREATED}:9:10: error:" in out  # the website line
    assert "'iv'" in out
    assert "nothing written" in out
    assert not (project / CREATED).exists()


def test_new_needs_both_coordinates(project, capsys):
    assert cli.main(["new", *REQUIRED_FLAGS, "--lat", "30.2"]) == 2
    assert "both --lat and --lon" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Riverside Ketamine Clinic", "riverside-ketamine-clinic"),
        ("Mañana Mind & Body, P.A.", "manana-mind-body-p-a"),
        ("  --Clinic   42-- ", "clinic-42"),
    ],
)
def test_slugify_makes_kebab_case(name, slug):
    assert slugify(name) == slug


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("(512) 555-0142", "+1 512-555-0142"),
        ("1-512-555-0142", "+1 512-555-0142"),
        ("+1 512 555 0142", "+1 512-555-0142"),
        ("555-0142", "555-0142"),  # left for validation to explain
    ],
)
def test_phone_numbers_are_normalised(written, stored):
    assert normalise_phone(written) == stored
