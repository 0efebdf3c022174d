"""``clinic-directory npi``: each NPI compared with the national register, without the network.

The register's answers are recorded in ``fixtures/nppes/registry.json`` (the NPPES NPI
Registry API v2.1 shape); the command takes them through its ``lookup`` parameter.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from clinic_directory.commands import npi
from clinic_directory.records import vocab
from clinic_directory.records.validate import validate_paths

REGISTRY = json.loads(
    (Path(__file__).parent / "fixtures" / "nppes" / "registry.json").read_text(encoding="utf-8")
)
FIXTURE = Path(__file__).parent / "fixtures" / "records" / "riverside-ketamine-clinic.yaml"
RIVERSIDE = "clinics/tx/riverside-ketamine-clinic.yaml"
TODAY = date(2026, 10, 14)
DANA = {"name": "Dana Ortiz", "credential": "MD", "specialty": "anesthesiology"}


def recorded(asked: list[str] | None = None) -> npi.Lookup:
    """The recorded answers, noting which NPIs were asked for."""

    def lookup(number: str) -> dict[str, Any] | str:
        if asked is not None:
            asked.append(number)
        return REGISTRY.get(number, "no recorded answer")

    return lookup


def arguments(*paths: str, write: bool = False, output: str = "text") -> argparse.Namespace:
    return argparse.Namespace(
        paths=[Path(path) for path in paths],
        changed_since=None,
        format=output,
        json_file=None,
        write=write,
        today=TODAY,
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / RIVERSIDE
    path.parent.mkdir(parents=True)
    path.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


# -- comparing one clinician with the register ---------------------------------------


def test_a_matching_entry_is_a_match():
    assert npi.compare(DANA, REGISTRY["1234567893"]) == npi.Finding(
        "match", (), "DANA ORTIZ, M.D., Anesthesiology"
    )


def test_names_match_without_case_accents_or_middle_names():
    entry = REGISTRY["1234567893"]
    for name in ("DANA M. ORTIZ", "Dána Ortiz", "Dr. Dana Ortiz", "D. Ortiz"):
        assert npi.compare({**DANA, "name": name}, entry).result == "match", name
    assert npi.compare({**DANA, "name": "Dana Ortiz-Reyes"}, entry).result == "match"
    assert npi.compare({**DANA, "name": "Dana Reyes"}, entry).differs == ("name",)


def test_another_persons_entry_says_what_differs():
    finding = npi.compare(DANA, REGISTRY["1003000001"])
    assert finding.result == "mismatch"
    assert finding.differs == ("name", "credential", "specialty")
    assert finding.registered == "MORGAN ELLESMERE, APRN, FNP-BC, Nurse Practitioner, Family"


def test_register_credentials_are_read_in_their_many_spellings():
    entry = REGISTRY["1003000001"]
    nurse = {"name": "Morgan Ellesmere", "credential": "NP", "specialty": "family_medicine"}
    assert npi.compare(nurse, entry).result == "match"
    assert npi.compare({**nurse, "specialty": "psychiatric_nursing"}, entry).differs == (
        "specialty",
    )


def test_an_organisations_number_is_not_a_persons():
    finding = npi.compare(DANA, REGISTRY["1003000019"])
    assert finding.result == "mismatch" and "name" in finding.differs
    assert finding.registered.startswith("RIVERSIDE HEALTH PARTNERS PLLC")


def test_no_result_means_not_found_and_a_status_other_than_active_deactivated():
    assert npi.compare(DANA, REGISTRY["1003000027"]).result == "not_found"
    deactivated = json.loads(json.dumps(REGISTRY["1234567893"]))
    deactivated["results"][0]["basic"]["status"] = "D"
    assert npi.compare(DANA, deactivated).result == "deactivated"


def test_what_the_register_leaves_out_cannot_differ():
    entry = json.loads(json.dumps(REGISTRY["1234567893"]))
    entry["results"][0]["basic"]["credential"] = ""
    entry["results"][0]["taxonomies"] = []
    assert npi.compare({**DANA, "credential": "DO"}, entry).result == "match"


def test_a_refused_query_or_a_failed_fetch_is_not_a_finding():
    assert "registry refused" in npi.compare(DANA, REGISTRY["1003000035"])
    assert npi.compare(DANA, "URLError: timed out") == "URLError: timed out"


def test_every_result_is_a_vocabulary_term_and_every_specialty_has_taxonomy_words():
    assert set(npi.SPECIALTY_TAXONOMIES) == set(vocab.SPECIALTIES.values)
    assert set(npi.CREDENTIAL_FORMS) == set(vocab.CREDENTIALS.values)
    assert {"match", "mismatch", "deactivated", "not_found"} == set(vocab.NPI_RESULTS.values)


# -- the command -----------------------------------------------------------------------


def test_a_match_reports_nothing_and_writes_nothing_unasked(project, capsys):
    asked: list[str] = []
    before = (project / RIVERSIDE).read_text(encoding="utf-8")

    assert npi.run(arguments("clinics"), lookup=recorded(asked)) == 0

    assert asked == ["1234567893"]
    assert "0 errors, 0 warnings" in capsys.readouterr().out
    assert (project / RIVERSIDE).read_text(encoding="utf-8") == before


def test_a_mismatch_is_a_warning_at_the_npi_with_the_register_page(project, capsys):
    text = (project / RIVERSIDE).read_text(encoding="utf-8").replace("1234567893", "1003000001")
    (project / RIVERSIDE).write_text(text, encoding="utf-8")

    assert npi.run(arguments("clinics", output="json"), lookup=recorded()) == 0

    report = json.loads(capsys.readouterr().out)
    [problem] = report["problems"]
    assert problem["severity"] == "warning"
    assert problem["line"] == 33
    assert "MORGAN ELLESMERE" in problem["message"]
    assert "name and credential and specialty differ" in problem["message"]
    assert "https://npiregistry.cms.hhs.gov/provider-view/1003000001" in problem["hint"]


def test_a_lookup_that_fails_is_a_warning_and_each_number_is_asked_once(project, capsys):
    second = project / "clinics/tx/riverside-north.yaml"
    second.write_text(
        (project / RIVERSIDE)
        .read_text(encoding="utf-8")
        .replace("1200 Congress Ave", "1400 Lamar Blvd"),
        encoding="utf-8",
    )
    asked: list[str] = []

    def down(number: str) -> str:
        asked.append(number)
        return "URLError: [Errno -3] Temporary failure in name resolution"

    assert npi.run(arguments("clinics"), lookup=down) == 0

    out = capsys.readouterr().out
    assert asked == ["1234567893"]
    assert out.count("could not be looked up") == 2


def test_write_stores_the_result_in_a_one_line_clinician(project, capsys):
    assert npi.run(arguments("clinics", write=True), lookup=recorded()) == 0

    text = (project / RIVERSIDE).read_text(encoding="utf-8")
    assert (
        'role: medical_director, npi: "1234567893", npi_check: {checked: 2026-10-14, '
        "result: match}}"
    ) in text
    assert "wrote npi_check in clinics/tx/riverside-ketamine-clinic.yaml" in capsys.readouterr().out
    # the record stays valid, and a second run replaces the check rather than adding one
    report = validate_paths([project / "clinics"], root=project, today=TODAY)
    assert report.errors == []
    args = arguments("clinics", write=True)
    args.today = date(2026, 11, 1)
    assert npi.run(args, lookup=recorded()) == 0
    again = (project / RIVERSIDE).read_text(encoding="utf-8")
    assert again.count("npi_check") == 1
    assert "npi_check: {checked: 2026-11-01, result: match}" in again


def test_write_adds_a_line_below_a_block_written_npi(project):
    data = yaml.safe_load((project / RIVERSIDE).read_text(encoding="utf-8"))
    text = (project / RIVERSIDE).read_text(encoding="utf-8")
    flow = text[text.index("  - {name: Dana Ortiz") : text.index("memberships:")]
    block = (
        "  - name: Dana Ortiz  # medical director\n"
        "    credential: MD\n"
        "    specialty: anesthesiology\n"
        '    npi: "1003000001"\n'
        "    role: medical_director\n"
    )
    (project / RIVERSIDE).write_text(text.replace(flow, block), encoding="utf-8")

    assert npi.run(arguments("clinics", write=True), lookup=recorded()) == 0

    written = (project / RIVERSIDE).read_text(encoding="utf-8")
    assert (
        '    npi: "1003000001"\n    npi_check: {checked: 2026-10-14, result: mismatch}\n'
        "    role: medical_director\n"
    ) in written
    assert "# medical director" in written
    clinician = yaml.safe_load(written)["clinicians"][0]
    assert clinician["npi_check"] == {"checked": TODAY, "result": "mismatch"}
    assert len(yaml.safe_load(written)) == len(data)


def test_write_refuses_what_it_cannot_edit_safely():
    text = 'clinicians: [{name: Dana Ortiz, credential: MD, npi: "1234567893"}]\n'
    assert npi.with_npi_checks(text, "x.yaml", {0: npi.Finding("match")}, TODAY) == (
        'clinicians: [{name: Dana Ortiz, credential: MD, npi: "1234567893", '
        "npi_check: {checked: 2026-10-14, result: match}}]\n"
    )
    anchored = 'clinicians:\n  - &dana {name: Dana Ortiz, credential: MD, npi: "1234567893"}\n'
    anchored += "again: *dana\n"
    assert npi.with_npi_checks(anchored, "x.yaml", {0: npi.Finding("match")}, TODAY) is None


def test_a_stored_check_is_said_on_the_page_and_a_non_match_warns(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace(
        'npi: "1234567893"}',
        'npi: "1234567893", npi_check: {checked: 2026-09-01, result: not_found}}',
    )
    path = tmp_path / RIVERSIDE
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    report = validate_paths([tmp_path / "clinics"], root=tmp_path, today=TODAY)
    [warning] = [p for p in report.warnings if "NPI Registry" in p.message]
    assert warning.message == (
        "on 2026-09-01 the NPPES NPI Registry said: not in the national register"
    )
