"""The repository's GitHub and pre-commit files: well-formed, pinned, least privilege,
and calling commands and Makefile targets that exist."""

from __future__ import annotations

import re
import shlex
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from clinic_directory import cli
from clinic_directory.records.geocode import GeocodeCache
from clinic_directory.records.load import load_file
from clinic_directory.records.validate import validate_paths

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ISSUE_FORMS = sorted(p for p in (GITHUB / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the bare key `on` as the boolean true.
    return workflow.get("on", workflow.get(True))


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def workflow_named(name: str) -> dict[str, Any]:
    return load(GITHUB / "workflows" / name)


def runs_on_pull_requests(workflow: dict[str, Any]) -> bool:
    return "pull_request" in triggers(workflow)


def test_the_expected_workflows_exist():
    assert [path.name for path in WORKFLOWS] == ["deploy.yml", "freshness.yml", "pull-request.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_full_commit(path):
    workflow = load(path)
    uses = [step["uses"] for step in steps(workflow) if "uses" in step]
    uses += [job["uses"] for job in workflow["jobs"].values() if "uses" in job]
    assert uses
    assert [ref for ref in uses if not PINNED.match(ref)] == []
    # Each pin says which release it is, for reviewers and for Dependabot.
    text = path.read_text(encoding="utf-8")
    for ref in uses:
        assert re.search(re.escape(ref) + r" # v\d", text), ref


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_workflow_runs_untrusted_code_with_privileges(path):
    workflow = load(path)
    assert "pull_request_target" not in triggers(workflow)
    assert "workflow_run" not in triggers(workflow)
    assert workflow["permissions"] == {"contents": "read"}
    if runs_on_pull_requests(workflow):
        assert all("permissions" not in job for job in workflow["jobs"].values())
        assert not re.search(r"\$\{\{[^}]*secrets\.", path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_checkouts_do_not_keep_the_token(path):
    checkouts = [s for s in steps(load(path)) if s.get("uses", "").startswith("actions/checkout@")]
    assert all(step["with"]["persist-credentials"] is False for step in checkouts)


def test_pull_requests_validate_changed_records_then_build_and_upload_a_preview():
    workflow = workflow_named("pull-request.yml")
    assert runs_on_pull_requests(workflow)
    runs = [step.get("run", "") for step in steps(workflow)]
    validate = next(i for i, run in enumerate(runs) if "clinic-directory validate" in run)
    assert "--format github --changed-since" in runs[validate]
    assert runs.index("make html") > validate
    upload = next(
        s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact@")
    )
    assert upload["with"]["path"] == "output/"
    checkout = steps(workflow)[0]
    assert checkout["with"]["fetch-depth"] == 0  # --changed-since needs the base branch


def test_main_is_published_to_pages_with_the_publish_build():
    workflow = workflow_named("deploy.yml")
    assert triggers(workflow)["push"] == {"branches": ["main"]}
    assert "make publish" in [step.get("run") for step in steps(workflow)]
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"


def test_weekly_report_updates_one_issue_and_never_fails_on_dead_links():
    workflow = workflow_named("freshness.yml")
    assert "schedule" in triggers(workflow)
    assert workflow["jobs"]["report"]["permissions"] == {"contents": "read", "issues": "write"}
    by_name = {step.get("name"): step for step in steps(workflow)}
    assert "stale --format markdown" in by_name["List stale records and old prices"]["run"]
    links = by_name["Check the records' links"]
    assert links["continue-on-error"] is True and links["with"]["fail"] is False
    script = by_name["Open or update the report issue"]["run"]
    assert "gh issue edit" in script and "gh issue create" in script


def test_workflows_call_commands_and_targets_that_exist():
    parser = cli.build_parser()
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), re.MULTILINE))
    for path in WORKFLOWS:
        for step in steps(load(path)):
            for line in step.get("run", "").splitlines():
                if "clinic-directory " in line:
                    words = shlex.split(line.split("clinic-directory ", 1)[1].split(">")[0])
                    parser.parse_args(words)  # exits on an unknown command or option
                for target in re.findall(r"\bmake (\w+)", line):
                    assert target in targets, f"{path.name}: make {target}"


@pytest.mark.parametrize("path", ISSUE_FORMS, ids=lambda path: path.name)
def test_issue_forms_are_well_formed(path):
    form = load(path)
    assert {"name", "description", "body"} <= set(form)
    ids = [item["id"] for item in form["body"] if "id" in item]
    assert len(ids) == len(set(ids))
    assert any(item.get("validations", {}).get("required") for item in form["body"])
    for item in form["body"]:
        assert item["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"}


def test_the_three_issue_forms():
    assert sorted(load(path)["name"] for path in ISSUE_FORMS) == [
        "Add a clinic",
        "Remove a clinic",
        "Report wrong information",
    ]


def test_pull_request_template_has_the_verification_checklist():
    template = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    assert template.count("- [ ]") >= 5
    assert "last_verified" in template and "another directory" in template


def test_pre_commit_hook_validates_changed_records():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "validate-clinics"
    assert hook["entry"] == "clinic-directory validate"
    files = re.compile(hook["files"])
    assert files.search("clinics/tx/riverside.yaml") and files.search("samples/ca/harbor.yml")
    assert not files.search("content/guide/index.md") and not files.search("clinics/README.md")

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (local,) = [repo for repo in config["repos"] if repo["repo"] == "local"]
    used = next(h for h in local["hooks"] if h["id"] == "validate-clinics")
    assert used["files"] == hook["files"]
    assert used["entry"].endswith("clinic-directory validate")


def test_the_record_in_contributing_validates(tmp_path):
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", guide, re.DOTALL).group(1)
    path = tmp_path / "clinics" / "tx" / "riverside-ketamine-clinic.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(textwrap.dedent(block), encoding="utf-8")
    record = load_file(path, root=tmp_path).data
    cache = GeocodeCache()
    cache.set(record["address"], 30.2747, -97.7404)

    report = validate_paths([path], root=tmp_path, today=date(2026, 9, 20), geocode_cache=cache)

    assert report.problems == []
