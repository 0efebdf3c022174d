"""``clinic-directory issue-to-record``: an "Add a clinic" or "Report wrong information"
issue form, turned into a record (or a change to one) and a report for its author.

The issue's text is untrusted. It is read here, from the event file GitHub writes,
as data: never through a shell line. The record is written with the same code as
``new`` (so it states only what the form gives) and checked with the same rules as
a pull request, and every problem is said in the words of the form, for someone who
has never seen the YAML. What a workflow with write access then does with the
result is only ``git add`` of one file whose path this command has checked.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from clinic_directory.commands.new import REMS_LOCATOR, scaffold, slugify
from clinic_directory.records import vocab
from clinic_directory.records.load import load_text
from clinic_directory.records.suggest import closest_term, normalise_phone, quoted, yaml_scalar
from clinic_directory.records.text import markdown_text
from clinic_directory.records.validate import validate_paths

FORMS = Path(".github") / "ISSUE_TEMPLATE"
ADD_FORM, CORRECTION_FORM = "add-clinic.yml", "report-wrong-information.yml"
NO_RESPONSE = "_No response_"
#: The one kind of path a form may write: a published record, by its identity.
RECORD_PATH = re.compile(r"clinics/[a-z]{2}/[a-z0-9]+(?:-[a-z0-9]+)*\.yaml")
#: Route checkbox labels of the "Add a clinic" form, in the order of the vocabulary.
ROUTE_LABELS = {
    "IV infusion": "iv_infusion",
    "Intramuscular injection": "intramuscular",
    "Esketamine nasal spray (Spravato)": "esketamine_nasal",
    "Oral or sublingual": "oral_sublingual",
    "Subcutaneous injection": "subcutaneous",
    "At-home (telehealth)": "at_home",
}
#: "Which detail is wrong" of the correction form: the record field each answer changes.
CORRECTABLE = {
    "Name": ("name",),
    "Status (open, temporarily closed, closed)": ("status",),
    "Website": ("website",),
    "Phone number": ("phone",),
    "Email": ("email",),
    "Street address": ("address", "street"),
    "City": ("address", "city"),
    "ZIP code": ("address", "postal_code"),
}
#: Which question of the "Add a clinic" form gave each field, to say problems in its words.
QUESTION_OF_FIELD = {
    "name": "Clinic name",
    "website": "Website",
    "phone": "Public phone number",
    "street": "Street address",
    "city": "City",
    "state": "State",
    "postal_code": "ZIP code",
    "services": "Routes offered",
    "route": "Routes offered",
    "states_served": "At-home only, the states it treats patients in",
    "sources": "Sources",
    "verified_by": "your GitHub account",
}
_URL = re.compile(r"https://[^\s<>\"'`]+")
_IDENTITY = re.compile(r"(?:^|/)([a-z]{2})/([a-z0-9]+(?:-[a-z0-9]+)*)/?$")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "issue-to-record",
        help="turn an issue form into a record (or a change) and a report for its author",
    )
    parser.add_argument(
        "--event",
        type=Path,
        required=True,
        help="the issue event as JSON (in a workflow: $GITHUB_EVENT_PATH)",
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="folder to write the proposal's files to"
    )
    parser.set_defaults(run=run)


@dataclass
class Proposal:
    """What a form proposes: one record file's new text, and what to tell people."""

    relpath: str | None = None
    text: str = ""
    title: str = ""
    notes: list[str] = field(default_factory=list)  # for the pull request's reviewer
    problems: list[str] = field(default_factory=list)  # for the form's author, plain words


def run(args: argparse.Namespace) -> int:
    event = json.loads(args.event.read_text(encoding="utf-8"))
    issue = event.get("issue") or {}
    proposal = propose(issue, today=date.today())
    write_proposal(proposal, issue, args.out)
    print(f"proposal: {proposal.relpath or 'none'}; {len(proposal.problems)} problem(s)")
    return 0


def propose(issue: dict[str, Any], *, today: date) -> Proposal:
    """The proposal for an issue, by the form it was filled in with (its label)."""
    labels = {label.get("name") for label in issue.get("labels") or () if isinstance(label, dict)}
    body = issue.get("body") if isinstance(issue.get("body"), str) else ""
    author = str((issue.get("user") or {}).get("login") or "")
    if "add-clinic" in labels:
        proposal = new_clinic(read_form(body, FORMS / ADD_FORM), author=author, today=today)
    elif "correction" in labels:
        proposal = correction(read_form(body, FORMS / CORRECTION_FORM))
    else:
        return Proposal(problems=["This issue was not made with one of the forms."])
    if proposal.relpath is not None:
        proposal.problems += check(proposal)
    return proposal


def read_form(body: str, form_file: Path) -> dict[str, Any]:
    """The answers of an issue form, by question id: text, or the ticked options.

    GitHub writes each answer under its question's label as a ``### `` heading; the
    labels are read from the form itself, in its order, so a heading typed into an answer
    starts nothing unless it is the label of a question still to come."""
    form = yaml.safe_load(form_file.read_text(encoding="utf-8"))
    questions = [(item["attributes"]["label"], item["id"]) for item in form["body"] if "id" in item]
    answers: dict[str, Any] = {}
    current, following = None, 0
    for line in body.replace("\r\n", "\n").split("\n"):
        heading = line[4:].strip() if line.startswith("### ") else None
        later = [label for label, _ in questions[following:]]
        if heading is not None and heading in later:
            following += later.index(heading)
            current = questions[following][1]
            following += 1
            answers[current] = []
        elif current is not None:
            answers[current].append(line)
    result: dict[str, Any] = {}
    for key, lines in answers.items():
        text = "\n".join(lines).strip()
        ticked = re.findall(r"^- \[[xX]\] (.+)$", text, re.MULTILINE)
        result[key] = ticked if ticked or text.startswith("- [ ]") else text
        if result[key] == NO_RESPONSE:
            result[key] = ""
    return result


def new_clinic(answers: dict[str, Any], *, author: str, today: date) -> Proposal:
    """A new record from the "Add a clinic" form, written as ``new`` writes one."""
    proposal = Proposal()
    routes = [ROUTE_LABELS[label] for label in answers.get("routes") or () if label in ROUTE_LABELS]
    state = str(answers.get("state", "")).strip().upper()
    name = str(answers.get("name", "")).strip()
    sources = _URL.findall(str(answers.get("sources", "")))
    if not routes:
        proposal.problems.append("**Routes offered**: tick at least one route.")
    if state not in vocab.STATES:
        proposal.problems.append("**State**: choose the clinic's state.")
    if not slugify(name):
        proposal.problems.append("**Clinic name**: give the clinic's name.")
    if proposal.problems:
        return proposal
    options = argparse.Namespace(
        name=name,
        website=str(answers.get("website", "")).strip(),
        phone=str(answers.get("phone", "")).strip(),
        street=" ".join(str(answers.get("street", "")).split()),
        city=str(answers.get("city", "")).strip(),
        postal_code=str(answers.get("postal_code", "")).strip(),
        route=routes,
        rems_certified=bool(answers.get("rems")),
        states_served=str(answers.get("states_served", "")),
        verified_by=author,
        source=sources or None,
        lat=None,
        lon=None,
    )
    proposal.relpath = f"clinics/{state.lower()}/{slugify(name)}.yaml"
    proposal.text = scaffold(options, state, today=today)
    proposal.title = f"Add {name} ({state})"
    proposal.notes += _reviewer_notes(answers, author)
    if "esketamine_nasal" in routes and not options.rems_certified:
        proposal.problems.append(
            "**Spravato (esketamine) only**: check the site on the Spravato REMS list "
            f"({REMS_LOCATOR}) and tick the box, or untick the esketamine route."
        )
    return proposal


def _reviewer_notes(answers: dict[str, Any], author: str) -> list[str]:
    notes = [
        f"Written from the form by @{author}; `verified_by` is their handle and "
        "`last_verified` the day the form was read. Check every fact against the sources "
        "before merging."
    ]
    for key, label in (("prices", "Prices given"), ("sources", "Sources given")):
        if answers.get(key):
            given = str(answers[key]).replace("`", "'")  # nothing can close the code block
            notes.append(f"{label}:\n\n```text\n{given}\n```")
    if str(answers.get("relationship", "")).startswith("I work for"):
        notes.append("The author says they work for or represent this clinic.")
    return notes


def correction(answers: dict[str, Any]) -> Proposal:
    """A change to one field of an existing record, from "Report wrong information"."""
    proposal = Proposal()
    target = CORRECTABLE.get(str(answers.get("field", "")))
    identity = _IDENTITY.search(str(answers.get("clinic", "")).strip().rstrip("/"))
    value = " ".join(str(answers.get("value", "")).split())
    if target is None or not value:
        proposal.notes.append("A maintainer makes this change by hand.")
        return proposal
    if identity is None:
        proposal.problems.append(
            "**Clinic**: give the clinic's page address or its state and name, such as "
            "tx/riverside-ketamine-clinic."
        )
        return proposal
    relpath = f"clinics/{identity[1]}/{identity[2]}.yaml"
    path = Path(relpath)
    if not path.is_file():
        proposal.problems.append(f"**Clinic**: there is no clinic {identity[1]}/{identity[2]}.")
        return proposal
    changed = change_field(path.read_text(encoding="utf-8"), target, value)
    if changed is None:
        proposal.notes.append("This record is written in a way the workflow cannot edit.")
        return proposal
    proposal.relpath, proposal.text = relpath, changed
    proposal.title = f"Correct the {target[-1].replace('_', ' ')} of {identity[1]}/{identity[2]}"
    proposal.notes.append(
        "Check the source given in the issue before merging; `last_verified` is left as "
        "it was, since only one fact was checked."
    )
    return proposal


def change_field(text: str, path: tuple[str, ...], value: str) -> str | None:
    """``text`` with the value at ``path`` replaced on its line, comments and the rest of
    the file left as they are; None when the field is not written on a line of its own."""
    loaded = load_text(text, "record.yaml")
    if loaded.data is None:
        return None
    written = _written_value(path[-1], value)
    lines = text.split("\n")
    if path in loaded.key_positions:
        line, column = loaded.key_positions[path]
        current = lines[line - 1]
        key_end = column - 1 + len(path[-1]) + 1
        if current[key_end - 1 : key_end] != ":":
            return None
        comment = re.search(r"\s+#\s.*$", current[key_end:])
        lines[line - 1] = current[:key_end] + " " + written + (comment[0] if comment else "")
        return "\n".join(lines)
    if len(path) == 1:  # an optional top-level field the record does not have yet
        return text.rstrip("\n") + f"\n{path[0]}: {written}\n"
    return None


def _written_value(key: str, value: str) -> str:
    if key == "phone":
        return quoted(normalise_phone(value))
    if key == "postal_code":
        return quoted(value)
    if key == "status":
        return closest_term(value, vocab.STATUSES.values) or quoted(value)
    plain = yaml_scalar(value)
    return quoted(value) if plain[:1] in ("'", '"') else plain


def check(proposal: Proposal) -> list[str]:
    """The record checked as a pull request is, among the other records, each problem
    said of the form's question that gave the value."""
    path = Path(proposal.relpath)
    existed, new_folder = path.exists(), not path.parent.exists()
    before = path.read_text(encoding="utf-8") if existed else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(proposal.text, encoding="utf-8")
    try:
        report = validate_paths([Path("clinics")], root=Path.cwd(), publish=True)
    finally:
        if existed:
            path.write_text(before, encoding="utf-8")
        else:
            path.unlink()
        if new_folder:
            path.parent.rmdir()
    loaded = load_text(proposal.text, proposal.relpath)
    return [
        _in_form_words(problem, loaded)
        for problem in report.problems
        if problem.path == proposal.relpath
    ]


def _in_form_words(problem: Any, loaded: Any) -> str:
    on_line = [p for p, at in loaded.positions.items() if p and at[0] == problem.line]
    names = [part for part in (on_line[-1] if on_line else ()) if isinstance(part, str)]
    question = next((QUESTION_OF_FIELD[n] for n in reversed(names) if n in QUESTION_OF_FIELD), "")
    kind = "Problem" if problem.severity == "error" else "For the reviewer"
    where = f"**{question}**: " if question else ""
    return f"{kind}: {where}{markdown_text(problem.message)} ({markdown_text(problem.hint)})"


def write_proposal(proposal: Proposal, issue: dict[str, Any], out: Path) -> None:
    """The files the workflow's second job reads: the record, where it goes, the pull
    request's title and body, and the comment for the issue."""
    out.mkdir(parents=True, exist_ok=True)
    number = int(issue.get("number") or 0)
    if proposal.relpath is not None and RECORD_PATH.fullmatch(proposal.relpath):
        (out / "record.yaml").write_text(proposal.text, encoding="utf-8")
        (out / "path.txt").write_text(proposal.relpath, encoding="utf-8")
        (out / "title.txt").write_text(proposal.title.replace("\n", " "), encoding="utf-8")
    errors = [line for line in proposal.problems if not line.startswith("For the reviewer")]
    body = [f"Proposed from the form in #{number}. Closes #{number}.", "", *proposal.notes]
    if proposal.problems:
        body += ["", "What the checks found:", "", *(f"- {line}" for line in proposal.problems)]
    (out / "pull-request.md").write_text("\n".join(body) + "\n", encoding="utf-8")
    comment = ["<!-- clinic-directory-form -->"]
    if proposal.relpath is None and not errors:
        comment.append("Thank you. A maintainer will make this change.")
    elif errors:
        comment += [
            "Thank you. The record made from this form needs a few corrections. Edit this "
            "issue (the `...` menu, then **Edit**) and the pull request is updated:",
            "",
            *(f"- {line}" for line in proposal.problems),
        ]
    else:
        comment.append(
            "Thank you. The record passes the checks; a pull request proposes it, and a "
            "maintainer checks it against the sources before merging."
        )
        comment += [f"- {line}" for line in proposal.problems]
    (out / "comment.md").write_text("\n".join(comment) + "\n", encoding="utf-8")
