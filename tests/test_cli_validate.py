"""``clinic-directory validate``: output formats, exit codes and options."""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from clinic_directory.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "records" / "riverside-ketamine-clinic.yaml"
RIVERSIDE = "clinics/tx/riverside-ketamine-clinic.yaml"


def record(old: str = "", new: str = "") -> str:
    """The fixture record, verified last week, with one edit."""
    text = FIXTURE.read_text(encoding="utf-8")
    text = text.replace("2026-09-14", (date.today() - timedelta(days=7)).isoformat())
    text = text.replace("2026-08-01", (date.today() - timedelta(days=30)).isoformat())
    assert old in text
    return text.replace(old, new, 1)


def write(relpath: str, text: str) -> None:
    path = Path(relpath)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(autouse=True)
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, capsys) -> tuple[int, list[str]]:
    code = main(["validate", *args])
    return code, capsys.readouterr().out.splitlines()


def test_valid_records_exit_0_with_a_summary(capsys):
    write(RIVERSIDE, record())

    assert run(capsys=capsys) == (0, ["0 errors, 0 warnings in 1 file"])


def test_errors_are_listed_one_per_line_and_exit_1(capsys):
    write(RIVERSIDE, record("state: TX", "state: NO"))

    code, lines = run(capsys=capsys)

    assert code == 1
    assert lines == [
        f"{RIVERSIDE}:12:10: error: state must be text, got false "
        '(YAML reads NO as false; put it in quotes: "NO")',
        "1 error, 0 warnings in 1 file",
    ]


def test_warnings_pass_unless_strict(capsys):
    write(RIVERSIDE, record("description: Outpatient", "description: Non-addictive. Outpatient"))

    code, lines = run(capsys=capsys)
    assert code == 0
    assert lines[-1] == "0 errors, 1 warning in 1 file"
    assert lines[0].startswith(f"{RIVERSIDE}:5:14: warning: 'Non-addictive' is a claim")

    assert run("--strict", capsys=capsys)[0] == 1


def test_github_format_annotates_the_line(capsys):
    write(RIVERSIDE, record("route: at_home", "route: at, home"))

    code, lines = run("--format", "github", capsys=capsys)

    assert code == 1
    assert lines[0] == (
        f"::error file={RIVERSIDE},line=27,col=12,title=clinic record error::"
        "'at, home' is not a known route (did you mean 'at_home'? allowed: iv_infusion, intramuscular, "
        "esketamine_nasal, oral_sublingual, subcutaneous, at_home)"
    )
    assert lines[-1] == "1 error, 0 warnings in 1 file"


def test_json_format_lists_problem_objects_and_a_summary(capsys):
    write(RIVERSIDE, record('npi: "1234567893"', 'npi: "1234567890"'))

    code, lines = run("--format", "json", capsys=capsys)

    assert code == 1
    output = json.loads("\n".join(lines))
    assert output["summary"] == {"errors": 1, "warnings": 0, "files": 1}
    assert output["problems"] == [
        {
            "path": RIVERSIDE,
            "line": 33,
            "column": 35,
            "message": "NPI 1234567890 fails its check digit",
            "hint": "copy the number again from the NPPES NPI Registry; one digit is wrong or two are swapped",
            "severity": "error",
        }
    ]


def test_publish_refuses_samples_named_on_the_command_line(capsys):
    write("samples/tx/riverside-ketamine-clinic.yaml", record() + "sample: true\n")

    assert run(capsys=capsys)[0] == 0
    code, lines = run("--publish", "samples", capsys=capsys)
    assert code == 1
    assert "error: sample record in a publish build" in lines[0]


def test_publish_checks_only_real_clinics_by_default(capsys):
    write("samples/tx/riverside-ketamine-clinic.yaml", record() + "sample: true\n")
    write(
        "clinics/tx/other-clinic.yaml",
        record("name: Riverside", "name: Other").replace("0134", "0199"),
    )

    assert run("--publish", capsys=capsys) == (0, ["0 errors, 0 warnings in 1 file"])


def test_the_geocoding_cache_supplies_missing_coordinates(capsys):
    write(RIVERSIDE, record("location: {lat: 30.2747, lon: -97.7404}\n"))
    key = "1200 congress ave, suite 300, austin, tx, 78701"
    Path("coordinates.json").write_text(
        json.dumps({key: {"lat": 30.27, "lon": -97.74}}), encoding="utf-8"
    )

    assert run(capsys=capsys)[0] == 1
    assert run("--geocode-cache", "coordinates.json", capsys=capsys)[0] == 0
    Path("coordinates.json").rename("geocode-cache.json")
    assert run(capsys=capsys)[0] == 0


def test_a_missing_path_is_an_error(capsys):
    code, lines = run("nowhere", capsys=capsys)

    assert code == 1
    assert lines == ["error: no such file or folder: nowhere"]


def git(*args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        check=True,
        capture_output=True,
    )


def test_changed_since_reports_changed_files_but_compares_against_all(capsys):
    write("clinics/tx/settled-clinic.yaml", record("state: TX", "state: NO"))  # broken, but old
    write(RIVERSIDE, record())
    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "records")
    write("clinics/tx/riverside-copy.yaml", record())  # new, and a duplicate of RIVERSIDE

    code, lines = run("--changed-since", "HEAD", capsys=capsys)

    assert code == 1
    assert lines[0] == (
        "clinics/tx/riverside-copy.yaml:2:7: error: another record has the same name and street: "
        f"{RIVERSIDE} (each clinic location has one file; merge the two and delete the other)"
    )
    assert lines[-1] == "1 error, 0 warnings in 1 file"


def test_a_cache_folder_gives_the_same_report_and_publishing_ignores_it(capsys):
    write(RIVERSIDE, record("status: active", "status: open"))

    first = run("--cache", "cache", capsys=capsys)
    second = run("--cache", "cache", capsys=capsys)

    assert first == second
    assert first[0] == 1 and "status" in first[1][0]
    assert Path("cache").is_dir()
    cache_files = sorted(p.name for p in Path("cache").iterdir())
    run("--publish", "--cache", "elsewhere", "clinics", capsys=capsys)
    assert not Path("elsewhere").exists()
    assert sorted(p.name for p in Path("cache").iterdir()) == cache_files
