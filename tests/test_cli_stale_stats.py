"""``clinic-directory stale`` and ``stats``: what needs checking, and what the directory holds."""

from __future__ import annotations

import json

import pytest
from maintainer_records import write_record

from clinic_directory import cli

TODAY = "2026-10-01"
LOCATION = {"lat": 30.2672, "lon": -97.7431}


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Three Texas clinics verified 10, 200 and 400 days before TODAY; one old price."""
    monkeypatch.chdir(tmp_path)
    write_record(
        tmp_path,
        "clinics/tx/fresh.yaml",
        name="Fresh Clinic",
        phone="+1 512-555-0101",
        location=LOCATION,
        last_verified="2026-09-21",
        services=[
            {
                "route": "iv_infusion",
                "prices": [
                    {"amount": 450, "unit": "session"},
                    {"min": 2400, "max": 2700, "unit": "series", "sessions": 6,
                     "observed": "2025-08-27"},
                ],
            }
        ],
    )  # fmt: skip
    write_record(
        tmp_path,
        "clinics/tx/stale.yaml",
        name="Stale [Clinic](https://evil.example) @maintainers | *now*",
        phone="+1 512-555-0102",
        location=LOCATION,
        last_verified="2026-03-15",
    )
    write_record(
        tmp_path,
        "clinics/tx/expired.yaml",
        name="Expired Clinic",
        phone="+1 512-555-0103",
        location=LOCATION,
        last_verified="2025-08-27",
    )
    return tmp_path


def test_stale_lists_records_oldest_first_and_exits_0(project, capsys):
    assert cli.main(["stale", "--today", TODAY]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "2 of 3 record(s) need verifying as of 2026-10-01",
        "  clinics/tx/expired.yaml: expired, last verified 2025-08-27 (400 days ago)",
        "  clinics/tx/stale.yaml: stale, last verified 2026-03-15 (200 days ago)",
    ]


def test_stale_lists_prices_observed_over_a_year_ago(project, capsys):
    assert cli.main(["stale", "--today", TODAY]) == 0

    out = capsys.readouterr().out
    assert "3 price(s) observed more than 365 days ago" in out  # two of them in expired.yaml
    assert (
        "clinics/tx/fresh.yaml: iv_infusion $2,400-2,700 per series (6 sessions), "
        "observed 2025-08-27 (400 days ago)"
    ) in out


def test_stale_json(project, capsys):
    assert cli.main(["stale", "--today", TODAY, "--format", "json"]) == 0

    body = json.loads(capsys.readouterr().out)
    assert body["records_checked"] == 3
    assert [(r["source"], r["state"], r["age_days"]) for r in body["stale_records"]] == [
        ("clinics/tx/expired.yaml", "expired", 400),
        ("clinics/tx/stale.yaml", "stale", 200),
    ]
    assert body["old_prices"][0]["observed"] == "2025-08-27"


def test_stale_markdown_makes_contributor_text_inert(project, capsys):
    assert cli.main(["stale", "--today", TODAY, "--format", "markdown"]) == 0

    out = capsys.readouterr().out
    assert "| `clinics/tx/expired.yaml` | Expired Clinic | 2025-08-27 | 400 | expired |" in out
    stale_row = next(line for line in out.splitlines() if "stale.yaml" in line)
    assert r"Stale \[Clinic\]\(https\://evil\.example\) \@maintainers \| \*now\*" in stale_row
    assert stale_row.count(" | ") == 4  # the name's pipe does not add a column
    assert "| IV infusion | \\$2,400-2,700 per series \\(6 sessions\\) | 2025-08-27 | 400 |" in out


def test_stale_with_nothing_to_report(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_record(tmp_path, "clinics/tx/fresh.yaml", location=LOCATION, last_verified=TODAY)

    assert cli.main(["stale", "--today", TODAY, "--format", "markdown"]) == 0

    out = capsys.readouterr().out
    assert "0 of 1 record(s)" in out and "|" not in out


def test_reports_leave_out_invalid_files_and_say_so(project, capsys):
    (project / "clinics/tx/broken.yaml").write_text("name: [unclosed\n", encoding="utf-8")

    assert cli.main(["stale", "--today", TODAY]) == 0

    captured = capsys.readouterr()
    assert "2 of 3 record(s)" in captured.out
    assert "1 file(s) with errors are left out" in captured.err


def test_stats_text(project, capsys):
    assert cli.main(["stats", "--today", TODAY]) == 0

    out = capsys.readouterr().out
    assert out.startswith("3 record(s)\n")
    assert "       3  Texas" in out
    assert "       3  IV infusion\n       2  Esketamine nasal spray (Spravato)" in out
    assert "1  current" in out and "1  stale" in out and "1  expired" in out


def test_stats_json(project, capsys):
    assert cli.main(["stats", "--today", TODAY, "--format", "json"]) == 0

    assert json.loads(capsys.readouterr().out) == {
        "records": 3,
        "by_state": {"TX": 3},
        "by_route": {"iv_infusion": 3, "esketamine_nasal": 2},
        "by_verification": {"current": 1, "stale": 1, "expired": 1},
    }


def test_stats_of_explicit_paths(project, capsys):
    assert cli.main(["stats", "clinics/tx/fresh.yaml", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["records"] == 1


def test_stale_markdown_escapes_paths_too(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    folder = "odd`|folder"
    write_record(tmp_path, f"{folder}/tx/old.yaml", location=LOCATION, last_verified="2025-08-27")

    assert cli.main(["stale", folder, "--today", TODAY, "--format", "markdown"]) == 0

    row = next(line for line in capsys.readouterr().out.splitlines() if r"old\.yaml" in line)
    assert row.startswith(r"| odd\`\|folder/tx/old\.yaml | ")
    assert row.count(" | ") == 4
