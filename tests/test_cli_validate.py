"""``clinic-directory validate``: output formats, exit codes and options."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from clinic_directory.cli import main
from clinic_directory.records import vocab

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
        "(YAML reads NO as false, and in quotes it is not a known state either; allowed: "
        + ", ".join(vocab.STATES.values)
        + ")",
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


def real(text: str) -> str:
    """A record with details a real clinic could have: no example domain, no 555-01xx."""
    return text.replace("riverside.example", "riverside-ketamine.com").replace("555-01", "555-23")


def test_publish_checks_only_real_clinics_by_default(capsys):
    write("samples/tx/riverside-ketamine-clinic.yaml", record() + "sample: true\n")
    write("clinics/tx/other-clinic.yaml", real(record("name: Riverside", "name: Other")))

    assert run("--publish", capsys=capsys) == (0, ["0 errors, 0 warnings in 1 file"])


def test_publish_refuses_a_sample_copied_into_clinics_without_its_flag(capsys):
    write(RIVERSIDE, record())

    assert run(capsys=capsys)[0] == 0
    code, lines = run("--publish", capsys=capsys)

    assert code == 1
    assert lines[0] == (
        f"{RIVERSIDE}:6:10: error: riverside.example is a domain reserved for examples; no "
        "real clinic uses it (write the clinic's own address; a fictional clinic belongs in "
        "samples/, with `sample: true`)"
    )
    assert lines[-1] == "4 errors, 0 warnings in 1 file"


def test_the_geocoding_cache_supplies_missing_coordinates(capsys):
    write(RIVERSIDE, record("location: {lat: 30.2747, lon: -97.7404}\n"))
    key = "1200 congress ave, suite 300, austin, tx, 78701"
    Path("coordinates.json").write_text(
        json.dumps({key: {"lat": 30.27, "lon": -97.74}}), encoding="utf-8"
    )

    assert run(capsys=capsys)[1][-1] == "0 errors, 1 warning in 1 file"  # no coordinates yet
    assert run("--geocode-cache", "coordinates.json", capsys=capsys)[1] == [
        "0 errors, 0 warnings in 1 file"
    ]
    Path("coordinates.json").rename("geocode-cache.json")
    assert run(capsys=capsys)[1] == ["0 errors, 0 warnings in 1 file"]


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
    # The new file shares RIVERSIDE's phone through an organization that is new with it.
    assert lines[1].startswith(
        "clinics/tx/riverside-copy.yaml:3:15: warning: this change adds the organization "
        "'Riverside Health Partners', which lets the record share the phone number"
    )
    assert lines[-1] == "1 error, 1 warning in 1 file"


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


def commit_all() -> None:
    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "records")


def test_changed_since_checks_files_whose_names_are_not_ascii(capsys):
    write(RIVERSIDE, record())
    write("clinics/tx/clínica-norte.yaml", record("name: Riverside", "name: Norte"))
    commit_all()
    write("clinics/tx/clínica-norte.yaml", record("status: active", "status: open"))  # changed
    write("clinics/tx/niño.yaml", record("name: Riverside", "name: Nino"))  # new, untracked

    code, lines = run("--changed-since", "HEAD", capsys=capsys)

    assert code == 1
    paths = [line.split(":", 1)[0] for line in lines[:-1]]
    assert "clinics/tx/clínica-norte.yaml" in paths and "clinics/tx/niño.yaml" in paths
    assert lines[-1].endswith("in 2 files")


def test_changed_since_warns_when_an_organization_is_added_to_share_a_phone(capsys):
    write(RIVERSIDE, record())
    north = record("name: Riverside Ketamine Clinic", "name: Riverside North")
    unorganized = north.replace("organization: Riverside Health Partners\n", "")
    write("clinics/tx/riverside-north.yaml", unorganized.replace("0134", "0199"))
    settled = record("name: Riverside Ketamine Clinic", "name: Riverside South")
    write("clinics/tx/riverside-south.yaml", settled)  # already shared the phone, with the org
    commit_all()
    write("clinics/tx/riverside-north.yaml", north)  # joins the organization, takes its phone

    code, lines = run("--changed-since", "HEAD", capsys=capsys)

    assert code == 0
    assert lines == [
        "clinics/tx/riverside-north.yaml:3:15: warning: this change adds the organization "
        "'Riverside Health Partners', which lets the record share the phone number "
        f"+1 512-555-0134 with {RIVERSIDE}, clinics/tx/riverside-south.yaml "
        "(a reviewer should check that both are locations of one provider)",
        "0 errors, 1 warning in 1 file",
    ]


# -- output other tools read ------------------------------------------------------------

INJECTED = "active\\n::error file=x,line=1::forged\\n::add-mask::secret"


def test_text_output_shows_line_breaks_in_values_as_escapes(capsys):
    write(RIVERSIDE, record("status: active", f'status: "{INJECTED}"'))
    write("clinics/tx/evil\n::warning::x.yaml", record("name: Riverside", "name: Evil"))

    code, lines = run(capsys=capsys)

    assert code == 1
    assert not [line for line in lines if line.startswith("::")]
    assert (
        f"{RIVERSIDE}:4:9: error: 'active\\n::error file=x,line=1::forged\\n::add-mask::secret' "
        "is not a known status"
    ) in lines[1]
    assert lines[0].startswith("clinics/tx/evil\\n::warning::x.yaml:2:1: error: the file name")


def test_github_output_escapes_line_breaks_so_no_value_forms_a_command(capsys):
    write(RIVERSIDE, record("status: active", f'status: "{INJECTED}"'))

    code, lines = run("--format", "github", capsys=capsys)

    assert code == 1
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == 1 and commands[0].startswith("::error file=")
    assert "::add-mask::" not in lines[0].split("::", 2)[1]


def test_invisible_characters_in_a_message_are_shown_as_escapes(capsys):
    write(RIVERSIDE, record("status: active", 'status: "act\\u202eive"'))

    code, lines = run(capsys=capsys)

    assert code == 1
    assert "'act\\u202eive' is not a known status" in lines[0]
    assert "\u202e" not in "\n".join(lines)


# -- a pull request, compared with where it left its base ----------------------------------


def branch_from_main() -> None:
    """A repository whose main holds RIVERSIDE, with the branch `change` checked out."""
    write(RIVERSIDE, record())
    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-q", "-m", "records")
    git("checkout", "-q", "-b", "change")


def test_changed_since_compares_with_the_branch_point_not_the_base_tip(capsys):
    branch_from_main()
    git("checkout", "-q", "main")
    write("clinics/tx/on-main.yaml", record("state: TX", "state: NO"))  # main moved on
    git("add", ".")
    git("commit", "-q", "-m", "on main")
    git("checkout", "-q", "change")
    write(RIVERSIDE, record("status: active", "status: open"))
    git("commit", "-q", "-am", "on the branch")

    code, lines = run("--changed-since", "main", capsys=capsys)

    assert code == 1
    assert [line.split(":", 1)[0] for line in lines[:-1]] == [RIVERSIDE]
    assert lines[-1] == "1 error, 0 warnings in 1 file"


def test_a_renamed_record_without_previous_slugs_gets_a_warning_saying_what_to_add(capsys):
    branch_from_main()
    git("mv", RIVERSIDE, "clinics/tx/riverside-ketamine.yaml")

    code, lines = run("--changed-since", "main", capsys=capsys)

    assert code == 0
    assert lines == [
        "clinics/tx/riverside-ketamine.yaml:1:1: warning: this file was renamed from "
        f"{RIVERSIDE}: links to tx/riverside-ketamine-clinic would stop working (list the old "
        "identity so it redirects here: `previous_slugs: [tx/riverside-ketamine-clinic]`)",
        "0 errors, 1 warning in 1 file",
    ]
    moved = Path("clinics/tx/riverside-ketamine.yaml")
    moved.write_text(
        moved.read_text() + "previous_slugs: [tx/riverside-ketamine-clinic]\n", encoding="utf-8"
    )
    assert run("--changed-since", "main", capsys=capsys) == (0, ["0 errors, 0 warnings in 1 file"])


def test_a_deleted_record_gets_a_warning_that_its_links_break(capsys):
    branch_from_main()
    git("rm", "-q", RIVERSIDE)

    code, lines = run("--changed-since", "main", capsys=capsys)

    assert code == 0
    assert lines[0].startswith(
        f"{RIVERSIDE}:1:1: warning: this change deletes the record of tx/riverside-ketamine-clinic"
    )
    assert "`status: closed`" in lines[0]


def test_the_json_and_summary_files_hold_every_problem_and_the_changed_files(capsys):
    branch_from_main()
    broken = record("status: active", "status: open").replace("route: at_home", "route: home")
    write(RIVERSIDE, broken)
    Path("summary.md").write_text("# earlier steps\n", encoding="utf-8")

    code, _ = run(
        "--changed-since", "main", "--json-file", "report.json", "--summary-file", "summary.md",
        capsys=capsys,
    )  # fmt: skip

    assert code == 1
    report = json.loads(Path("report.json").read_text(encoding="utf-8"))
    assert report["changed"] == [RIVERSIDE]
    assert report["summary"] == {"errors": 2, "warnings": 0, "files": 1}
    summary = Path("summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# earlier steps\n### Clinic records: 2 errors, 0 warnings in 1 file")
    assert summary.count("\n- line ") == 2
    assert "'open' is not a known status" in summary


def test_github_format_says_when_more_problems_exist_than_annotations(capsys):
    text = record()
    for number in range(12):
        text = text.replace("sources:", f"unknown_{number}: x\nsources:")
    write(RIVERSIDE, text)

    code, lines = run("--format", "github", capsys=capsys)

    assert code == 1
    assert sum(line.startswith("::error ") for line in lines) == 12
    assert lines[-2] == (
        "::notice title=clinic records::2 more problem(s) than GitHub shows as annotations; "
        "the job summary and the pull request's comment list every one"
    )


def test_markdown_escapes_what_a_record_holds(capsys):
    write(RIVERSIDE, record("status: active", 'status: "[click](https://evil.example) @team"'))

    code, lines = run("--format", "markdown", capsys=capsys)

    assert code == 1
    text = "\n".join(lines)
    assert "[click](" not in text and not re.search(r"(?<!\\)@team", text)
    assert "\\[click\\]\\(https\\:" in text


def test_renames_compares_two_commits(capsys):
    branch_from_main()
    git("mv", RIVERSIDE, "clinics/tx/riverside-ketamine.yaml")
    git("commit", "-q", "-m", "renamed")

    assert main(["renames", "--base", "main", "--head", "HEAD"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        "clinics/tx/riverside-ketamine.yaml:1:1: warning: this file was renamed"
    )
    assert lines[-1] == "0 errors, 1 warning in 1 file"
