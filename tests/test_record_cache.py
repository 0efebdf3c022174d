"""Remembering record checks by content: unchanged files are not checked again,
and nothing the cache holds can change what a check reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clinic_directory.records import validate as validate_module
from clinic_directory.records.validate import CHECKS_CACHE_FILE, ValidationReport, validate_paths

VALID = (
    Path(__file__).parent / "fixtures" / "records" / "riverside-ketamine-clinic.yaml"
).read_text(encoding="utf-8")
TODAY = date(2026, 9, 20)
RECORDS = {
    "clinics/tx/riverside-ketamine-clinic.yaml": VALID,
    "clinics/tx/hillside-ketamine.yaml": VALID.replace(
        "Riverside Ketamine Clinic", "Hillside Ketamine"
    )
    .replace("1200 Congress Ave", "14 Hill St")
    .replace("512-555-0134", "512-555-0177"),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for relpath, text in RECORDS.items():
        path = tmp_path / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture
def loaded_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the checks read, in order."""
    seen: list[str] = []
    real = validate_module.load_file

    def counting(path: Path, *, root: Path):
        seen.append(path.name)
        return real(path, root=root)

    monkeypatch.setattr(validate_module, "load_file", counting)
    return seen


def check(root: Path, today: date = TODAY, **options) -> ValidationReport:
    return validate_paths(
        [root / "clinics"], root=root, today=today, cache_folder=root / "cache", **options
    )


def test_a_second_run_reuses_every_unchanged_file_and_reports_the_same(project, loaded_files):
    first = check(project)
    loaded_files.clear()

    second = check(project)

    assert loaded_files == []
    assert second.problems == first.problems
    assert [r.data for r in second.records] == [r.data for r in first.records]
    assert [r.source for r in second.records] == [r.source for r in first.records]


def test_only_the_edited_file_is_checked_again_and_its_new_problem_shows(project, loaded_files):
    check(project)
    loaded_files.clear()
    edited = project / "clinics/tx/hillside-ketamine.yaml"
    edited.write_text(edited.read_text().replace("status: active", "status: open"))

    report = check(project)

    assert loaded_files == ["hillside-ketamine.yaml"]
    [error] = report.errors
    assert error.path == "clinics/tx/hillside-ketamine.yaml"
    assert "open" in error.message


def test_checks_across_files_still_run_on_remembered_files(project):
    check(project)
    twin = project / "clinics/tx/hillside-ketamine.yaml"
    twin.write_text(VALID)  # now the same name, street and phone as Riverside

    report = check(project)

    duplicates = [p for p in report.errors if "same name and street" in p.message]
    assert {p.path for p in duplicates} == set(RECORDS)
    assert all((p.line, p.column) == (2, 7) for p in duplicates)  # at the name, remembered or not


def test_another_day_checks_everything_again(project, loaded_files):
    check(project)
    loaded_files.clear()

    later = check(project, today=date(2027, 9, 20))

    assert sorted(loaded_files) == ["hillside-ketamine.yaml", "riverside-ketamine-clinic.yaml"]
    assert any("last verified" in p.message for p in later.warnings)


def test_a_damaged_cache_file_only_costs_time(project):
    expected = check(project).problems
    (project / "cache" / CHECKS_CACHE_FILE).write_bytes(b"\xff\x00 not json\n{{{")

    assert check(project).problems == expected


def test_a_forged_entry_is_never_trusted_when_publishing(project):
    """A cache file committed to the repository could claim a broken record is fine;
    the publishing check neither reads nor writes the cache."""
    relpath = "clinics/tx/riverside-ketamine-clinic.yaml"
    broken = project / relpath
    check(project)  # remembers Riverside as valid
    cache_file = project / "cache" / CHECKS_CACHE_FILE
    header, *entries = cache_file.read_text(encoding="utf-8").split("\n")
    broken.write_text(VALID.replace("status: active", "status: open"))
    # Forge: make the broken file's key point at the remembered "no problems" entry.
    [entry] = [entry for entry in entries if f'"{relpath}"' in entry]
    forged = f"{validate_module.file_key(broken, relpath)} {entry.split(' ', 1)[1]}"
    cache_file.write_text("\n".join([header, *entries, forged]), encoding="utf-8")

    published = check(project, publish=True)

    # (The publish check also refuses the fixtures' fictional details: look only at status.)
    assert [p.path for p in published.errors if "'open'" in p.message] == [relpath]
    assert cache_file.read_text(encoding="utf-8").endswith(forged)
    assert check(project).errors == []  # the forgery does fool a local, cached check


def test_a_deleted_record_leaves_the_cache(project):
    check(project)
    (project / "clinics/tx/hillside-ketamine.yaml").unlink()

    check(project)

    assert "hillside" not in (project / "cache" / CHECKS_CACHE_FILE).read_text(encoding="utf-8")
