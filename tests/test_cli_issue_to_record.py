"""``clinic-directory issue-to-record``: an issue form becomes a record and a plain report.

Each test fills in the real form, as GitHub writes its answers into the issue body."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from clinic_directory import cli
from clinic_directory.commands.issue_to_record import change_field, propose, read_form

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / ".github" / "ISSUE_TEMPLATE"
FIXTURE = ROOT / "tests" / "fixtures" / "records" / "riverside-ketamine-clinic.yaml"
TODAY = date(2026, 9, 20)

A_CLINIC = {
    "name": "Lakeshore Ketamine Center",
    "website": "https://lakeshore-ketamine.com/",
    "phone": "(802) 555-2368",
    "street": "150 Church St #2",
    "city": "Burlington",
    "state": "VT",
    "postal_code": "05401",
    "routes": ["IV infusion", "Esketamine nasal spray (Spravato)"],
    "rems": ["This site is on the Spravato REMS list of certified treatment centers."],
    "sources": "https://lakeshore-ketamine.com/pricing\nphone call on 2026-09-18",
    "prices": "IV $550 a session",
    "relationship": "No",
}


def form_body(form: str, answers: dict) -> str:
    """The issue body GitHub writes for ``answers`` to the form ``form``."""
    parts = []
    for item in yaml.safe_load((FORMS / form).read_text(encoding="utf-8"))["body"]:
        if "id" not in item:
            continue
        answer = answers.get(item["id"])
        if item["type"] == "checkboxes":
            ticked = answer or []
            text = "\n".join(
                f"- [{'X' if option['label'] in ticked else ' '}] {option['label']}"
                for option in item["attributes"]["options"]
            )
        else:
            text = answer or "_No response_"
        parts.append(f"### {item['attributes']['label']}\n\n{text}")
    return "\n\n".join(parts)


def issue(label: str, form: str, answers: dict, number: int = 7) -> dict:
    return {
        "number": number,
        "labels": [{"name": label}],
        "user": {"login": "form-author"},
        "body": form_body(form, answers),
    }


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project with the forms, and one published record."""
    shutil.copytree(FORMS, tmp_path / ".github" / "ISSUE_TEMPLATE")
    record = FIXTURE.read_text(encoding="utf-8").replace("riverside.example", "riverside-k.com")
    path = tmp_path / "clinics" / "tx" / "riverside-ketamine-clinic.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(record.replace("555-0134", "555-2301"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_form_is_read_by_its_questions_whatever_the_answers_hold():
    body = form_body("add-clinic.yml", {**A_CLINIC, "prices": "### Clinic name\n\nforged"})

    answers = read_form(body, FORMS / "add-clinic.yml")

    assert answers["name"] == "Lakeshore Ketamine Center"
    assert answers["routes"] == ["IV infusion", "Esketamine nasal spray (Spravato)"]
    assert answers["states_served"] == ""


def test_a_complete_form_becomes_a_valid_record_stating_only_what_it_gives(project):
    proposal = propose(issue("add-clinic", "add-clinic.yml", A_CLINIC), today=TODAY)

    assert proposal.relpath == "clinics/vt/lakeshore-ketamine-center.yaml"
    data = yaml.safe_load(proposal.text)
    assert data["address"] == {
        "street": "150 Church St #2",  # quoted by the writer, so no comment cuts it short
        "city": "Burlington",
        "state": "VT",
        "postal_code": "05401",
    }
    assert data["phone"] == "+1 802-555-2368"
    assert data["services"][1] == {"route": "esketamine_nasal", "rems_certified": True}
    assert data["verified_by"] == "form-author"
    assert data["sources"] == ["https://lakeshore-ketamine.com/pricing"]
    # Only warnings are left: no prices yet, no coordinates yet.
    assert all(line.startswith("For the reviewer") for line in proposal.problems)


def test_problems_are_said_in_the_words_of_the_form(project):
    answers = {**A_CLINIC, "website": "lakeshore-ketamine.com", "rems": []}

    proposal = propose(issue("add-clinic", "add-clinic.yml", answers), today=TODAY)

    problems = "\n".join(proposal.problems)
    assert "**Website**: website must be a web address starting with https" in problems
    assert "**Spravato (esketamine) only**: check the site on the Spravato REMS list" in problems
    assert "line" not in problems.split("(")[0]  # no file positions for a form's author


def test_the_command_writes_the_files_the_workflow_reads(project):
    event = project / "event.json"
    event.write_text(json.dumps({"issue": issue("add-clinic", "add-clinic.yml", A_CLINIC)}))

    assert cli.main(["issue-to-record", "--event", str(event), "--out", "proposal"]) == 0

    out = project / "proposal"
    assert (out / "path.txt").read_text() == "clinics/vt/lakeshore-ketamine-center.yaml"
    assert "Closes #7." in (out / "pull-request.md").read_text()
    assert (out / "comment.md").read_text().startswith("<!-- clinic-directory-form -->\nThank you.")
    assert not (project / "clinics" / "vt").exists()  # checked in place, then taken away


def test_a_correction_changes_one_line_and_keeps_the_rest(project):
    answers = {
        "clinic": "https://ketamine-directory.example/clinics/tx/riverside-ketamine-clinic/",
        "field": "Phone number",
        "value": "512 555 2399",
        "relationship": "No",
    }

    proposal = propose(issue("correction", "report-wrong-information.yml", answers), today=TODAY)

    before = (project / "clinics/tx/riverside-ketamine-clinic.yaml").read_text().splitlines()
    after = proposal.text.splitlines()
    assert [(b, a) for b, a in zip(before, after, strict=True) if a != b] == [
        ('phone: "+1 512-555-2301"', 'phone: "+1 512-555-2399"')
    ]
    assert proposal.problems == []


def test_a_correction_the_workflow_cannot_make_is_left_to_a_maintainer(project):
    answers = {"clinic": "tx/riverside-ketamine-clinic", "field": "Something else"}

    proposal = propose(issue("correction", "report-wrong-information.yml", answers), today=TODAY)

    assert proposal.relpath is None
    assert proposal.notes == ["A maintainer makes this change by hand."]


def test_change_field_adds_a_missing_optional_field_and_keeps_comments():
    text = "name: A  # as written\nstatus: active\n"

    assert (
        change_field(text, ("name",), "B: the clinic")
        == 'name: "B: the clinic"  # as written\nstatus: active\n'
    )
    assert change_field(text, ("status",), "closed").endswith("status: closed\n")
    assert change_field(text, ("email",), "x@y.org").endswith("email: x@y.org\n")


def test_the_forms_offer_exactly_what_the_command_understands():
    from clinic_directory.commands.issue_to_record import CORRECTABLE, ROUTE_LABELS
    from clinic_directory.records import vocab

    def options(form: str, question: str) -> list[str]:
        body = yaml.safe_load((FORMS / form).read_text(encoding="utf-8"))["body"]
        item = next(item for item in body if item.get("id") == question)
        return [o["label"] if isinstance(o, dict) else o for o in item["attributes"]["options"]]

    assert options("add-clinic.yml", "routes") == list(ROUTE_LABELS)
    assert list(ROUTE_LABELS.values()) == list(vocab.ROUTES.values)
    assert options("add-clinic.yml", "state") == list(vocab.STATES.values)
    assert options("report-wrong-information.yml", "field") == [*CORRECTABLE, "Something else"]
