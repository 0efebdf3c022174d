"""``clinic-directory new``: the scaffold lands at the right path and validates as written."""

from __future__ import annotations

import io
import shlex
from datetime import date
from types import SimpleNamespace

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

    more = ["--route", "esketamine_nasal", "--rems-certified", "--route", "at_home"]

    assert cli.main(["new", *flags, *more, "--states-served", "tx, ok"]) == 0

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
    assert record.data["services"][1]["rems_certified"] is True
    assert record.data["services"][2]["states_served"] == ["TX", "OK"]
    assert f"created {CREATED}" in capsys.readouterr().out


def test_new_without_coordinates_writes_a_valid_record(project):
    assert cli.main(["new", *REQUIRED_FLAGS]) == 0

    report = validate_paths([project / CREATED], root=project)
    assert report.errors == []
    assert "no coordinates for this address" in [warning.message for warning in report.warnings]


def test_the_geocode_command_it_prints_runs_as_printed(project, capsys, monkeypatch):
    assert cli.main(["new", *REQUIRED_FLAGS]) == 0
    printed = capsys.readouterr().out.splitlines()
    [command] = [line.strip() for line in printed if "clinic-directory geocode" in line]
    lookups = []

    def fake_service(service, *, user_agent, options):
        lookups.append(user_agent)
        return lambda query: SimpleNamespace(latitude=30.2672, longitude=-97.7431)

    monkeypatch.setattr("clinic_directory.commands.geocode.geopy_geocoder", fake_service)

    assert cli.main(shlex.split(command)[1:]) == 0

    assert lookups == ["clinic-directory-geocoder (test-maintainer)"]
    cache = GeocodeCache.load(project / "geocode-cache.json")
    address = load_file(project / CREATED, root=project).data["address"]
    assert cache.get(address) == (30.2672, -97.7431)


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


def test_new_reports_bad_values_by_their_option_and_writes_nothing(project, capsys):
    flags = [*REQUIRED_FLAGS, "--website", "http://juniper-row.example/", "--route", "IV"]

    assert cli.main(["new", *flags]) == 1

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("--website: error: website must be a web address starting with")
    assert out[1].startswith(
        "--route: error: 'IV' is not a known route (did you mean 'iv_infusion'?"
    )
    assert CREATED not in "\n".join(out)  # no place in a file that does not exist
    assert out[-1] == "nothing written; fix the options above and run the command again"
    assert not (project / CREATED).exists()


def test_a_state_written_in_full_gets_its_code_suggested(project, capsys):
    assert cli.main(["new", *REQUIRED_FLAGS, "--state", "Vermont"]) == 2

    assert capsys.readouterr().out.startswith(
        "--state: error: 'Vermont' is not a known state (did you mean 'VT'?"
    )
    assert not (project / "clinics").exists()


@pytest.mark.parametrize(
    ("route", "missing"),
    [("esketamine_nasal", "--rems-certified"), ("at_home", "--states-served")],
)
def test_new_asserts_no_fact_nobody_gave(project, capsys, route, missing):
    assert cli.main(["new", *REQUIRED_FLAGS, "--route", route]) == 2

    assert f"missing {missing}" in capsys.readouterr().out
    assert not (project / CREATED).exists()


def test_in_a_terminal_it_asks_about_the_rems_list(project, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")

    assert cli.main(["new", *REQUIRED_FLAGS, "--route", "esketamine_nasal"]) == 2
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
