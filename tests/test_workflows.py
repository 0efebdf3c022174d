"""The repository's GitHub and pre-commit files: well-formed, pinned, least privilege,
calling commands and Makefile targets that exist, never running a contributor's code
or text with a write token, and passing zizmor's audits offline."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
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


def commands(step: dict[str, Any]) -> list[str]:
    """The shell lines of a step, with backslash continuations joined."""
    return step.get("run", "").replace("\\\n", " ").splitlines()


def test_the_expected_workflows_exist():
    assert [path.name for path in WORKFLOWS] == [
        "deploy.yml",
        "freshness.yml",
        "geocode.yml",
        "issue-to-pull-request.yml",
        "pull-request-report.yml",
        "pull-request.yml",
    ]


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


#: Every write permission any job holds, and why; anything else is read-only or none.
WRITE_PERMISSIONS = {
    ("deploy.yml", "deploy"): {"pages": "write", "id-token": "write"},
    ("freshness.yml", "report"): {"contents": "read", "issues": "write"},
    ("geocode.yml", "geocode"): {"contents": "write", "actions": "write"},
    ("issue-to-pull-request.yml", "read"): {"contents": "read"},
    ("issue-to-pull-request.yml", "propose"): {
        "actions": "read",
        "contents": "write",
        "issues": "write",
        "pull-requests": "write",
    },
    ("pull-request-report.yml", "pull-request"): {"actions": "read", "pull-requests": "read"},
    ("pull-request-report.yml", "preview"): {"actions": "read"},
    ("pull-request-report.yml", "comment"): {"actions": "read", "pull-requests": "write"},
}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_job_has_only_the_permissions_it_needs(path):
    workflow = load(path)
    assert workflow["permissions"] in ({"contents": "read"}, {})
    for name, job in workflow["jobs"].items():
        if "permissions" in job:
            assert job["permissions"] == WRITE_PERMISSIONS[path.name, name]
        # Each permission says why it is there (zizmor's pedantic audit checks it too).
        text = path.read_text(encoding="utf-8")
        for permission, level in job.get("permissions", {}).items():
            assert re.search(rf"{permission}: {level} # \w", text), (name, permission)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_workflow_runs_untrusted_code_with_privileges(path):
    workflow = load(path)
    assert "pull_request_target" not in triggers(workflow)
    if runs_on_pull_requests(workflow):
        assert workflow["permissions"] == {"contents": "read"}
        assert all("permissions" not in job for job in workflow["jobs"].values())
        assert not re.search(r"\$\{\{[^}]*secrets\.", path.read_text(encoding="utf-8"))
    if "workflow_run" in triggers(workflow):
        assert path.name == "pull-request-report.yml"  # the one reviewed use


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_expression_is_interpolated_into_a_shell_line(path):
    """Issue text, a pull request's title, body or branch name, anything from an event:
    a run line gets it through an environment variable, never pasted into the script."""
    for step in steps(load(path)):
        assert "${{" not in step.get("run", ""), step.get("name")


def test_the_trusted_report_workflow_never_checks_out_or_runs_the_pull_requests_code():
    workflow = workflow_named("pull-request-report.yml")
    assert triggers(workflow)["workflow_run"] == {
        "workflows": ["Pull request"],
        "types": ["completed"],
    }
    for step in steps(workflow):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert set(step["with"]) == {"persist-credentials"}  # the default branch
        for line in commands(step):
            # Artifacts are read as data or uploaded as files, never executed or installed.
            assert not re.search(r"(bash|sh|source|\.|python\S*|pip \S+) +(report|preview)/", line)
            assert "make" not in line.split() or line.strip() == "make install-python"
    comment = workflow["jobs"]["comment"]
    assert "clinic-directory report" in "\n".join(s.get("run", "") for s in comment["steps"])
    # Secrets live in an environment, used by the preview job alone.
    text = (GITHUB / "workflows" / "pull-request-report.yml").read_text(encoding="utf-8")
    assert workflow["jobs"]["preview"]["environment"] == "pull-request-previews"
    secret_lines = [line for line in text.splitlines() if "secrets." in line]
    assert secret_lines and all(line.strip().split(":")[0].isupper() for line in secret_lines)


def test_the_report_names_a_pull_request_only_if_it_has_the_checked_commit():
    workflow = workflow_named("pull-request-report.yml")
    find = next(s for s in workflow["jobs"]["pull-request"]["steps"] if s.get("id") == "find")
    assert find["env"]["HEAD_SHA"] == "${{ github.event.workflow_run.head_sha }}"
    assert '[ "$head" != "$HEAD_SHA" ]' in find["run"]
    assert "tr -cd '0-9'" in find["run"]


def test_issue_forms_are_read_from_the_event_file_and_the_writer_runs_no_python():
    workflow = workflow_named("issue-to-pull-request.yml")
    assert triggers(workflow) == {"issues": {"types": ["opened", "edited"]}}
    read, propose = workflow["jobs"]["read"], workflow["jobs"]["propose"]
    assert read["permissions"] == {"contents": "read"}
    run = "\n".join(step.get("run", "") for step in read["steps"])
    assert 'issue-to-record --event "$GITHUB_EVENT_PATH"' in run
    writer = "\n".join(step.get("run", "") for step in propose["steps"])
    assert ".venv" not in writer and "python" not in writer and "make " not in writer
    # The one path it writes is checked again by the job that can push.
    assert r"^clinics/[a-z]{2}/[a-z0-9]+(-[a-z0-9]+)*\.yaml$" in writer


def test_coordinates_are_looked_up_after_merge_by_an_identified_and_rate_limited_geocoder():
    workflow = workflow_named("geocode.yml")
    assert triggers(workflow)["push"] == {"branches": ["main"], "paths": ["clinics/**"]}
    assert "workflow_dispatch" in triggers(workflow)
    by_name = {step.get("name"): step for step in steps(workflow)}
    lookup = by_name["Look up the addresses without coordinates"]
    assert lookup["run"] == ".venv/bin/clinic-directory geocode clinics"
    assert "github.com/${{ github.repository }}" in lookup["env"]["CLINIC_GEOCODER_USER_AGENT"]
    commit = by_name["Commit the geocoding cache"]["run"]
    assert "git add geocode-cache.json" in commit
    assert "gh workflow run deploy.yml" in commit  # a push by the token starts no workflow


def test_zizmor_finds_nothing_offline():
    zizmor = Path(sys.executable).with_name("zizmor")
    assert zizmor.exists(), "zizmor is in the test extra: run `make install`"
    result = subprocess.run(
        [str(zizmor), "--offline", "--persona=auditor", "--format=json", str(GITHUB)],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)},
    )
    assert json.loads(result.stdout) == [], result.stdout
    # The one finding acknowledged in place: the reviewed workflow_run trigger.
    ignores = [
        (path.name, line.strip())
        for path in WORKFLOWS
        for line in path.read_text(encoding="utf-8").splitlines()
        if "zizmor: ignore" in line
    ]
    assert [(name, line.split("#")[1].strip()) for name, line in ignores] == [
        (
            "pull-request-report.yml",
            "zizmor: ignore[dangerous-triggers] reviewed: never runs the pull request's code "
            "(see above)",
        )
    ]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_checkouts_do_not_keep_the_token(path):
    checkouts = [s for s in steps(load(path)) if s.get("uses", "").startswith("actions/checkout@")]
    assert all(step["with"]["persist-credentials"] is False for step in checkouts)


def test_pull_requests_validate_changed_records_then_build_and_upload_a_preview():
    workflow = workflow_named("pull-request.yml")
    assert runs_on_pull_requests(workflow)
    by_name = {step.get("name"): step for step in steps(workflow)}
    runs = [step.get("run", "") for step in steps(workflow)]
    validate = by_name["Validate the changed records"]["run"]
    assert "validate --publish --format github --changed-since" in validate
    assert '--json-file report/validate.json --summary-file "$GITHUB_STEP_SUMMARY"' in validate
    links = by_name["Check the changed records' links"]
    assert links["continue-on-error"] is True and "links" in links["run"]
    assert runs.index("make html") > runs.index(validate)
    uploads = {
        step["with"]["name"]: step
        for step in steps(workflow)
        if step.get("uses", "").startswith("actions/upload-artifact@")
    }
    assert uploads["pr-report"]["with"]["path"] == "report/"
    assert uploads["pr-report"]["if"] == "${{ !cancelled() }}"  # errors reach the comment too
    assert uploads["site-preview"]["with"]["path"] == "preview/"
    preview = by_name["Build the preview"]["run"]
    assert "-s publishconf.py" in preview  # real clinics only, never the samples
    assert "RELATIVE_URLS=true" in preview  # served under any preview address
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
            for line in commands(step):
                if "clinic-directory " in line:
                    words = shlex.split(line.split("clinic-directory ", 1)[1].split(" > ")[0])
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


def test_editors_get_the_schema_for_every_record_without_its_first_line():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    [(schema, globs)] = settings["yaml.schemas"].items()
    assert (ROOT / schema).resolve() == (
        ROOT / "plugins/clinic_directory/schema/clinic.schema.json"
    )
    assert {"clinics/*/*.yaml", "samples/*/*.yaml"} <= set(globs)
    assert settings["[yaml]"]["editor.insertSpaces"] is True
    extensions = json.loads((ROOT / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert extensions["recommendations"] == ["redhat.vscode-yaml"]
