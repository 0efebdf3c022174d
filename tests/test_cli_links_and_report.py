"""``clinic-directory links`` (warnings only, with a fake fetcher: tests never touch the
network) and ``clinic-directory report`` (the pull request's one comment, made by a
trusted workflow from reports that a contributor's branch may have forged)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from maintainer_records import write_record

from clinic_directory import cli
from clinic_directory.commands import links as links_command
from clinic_directory.commands.report import MARKER, preview_links, read_report, render


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_record(tmp_path, "clinics/tx/juniper-row.yaml")
    return tmp_path


class FakeFetcher:
    """Answers URLs from a table, and remembers what was asked."""

    def __init__(self, answers: dict[str, int | str]) -> None:
        self.answers, self.asked = answers, []

    def __call__(self, url: str) -> int | str:
        self.asked.append(url)
        return self.answers.get(url, 200)


def run_links(fetcher: FakeFetcher, *arguments: str) -> int:
    args = cli.build_parser().parse_args(["links", *arguments])
    return links_command.run(args, fetch=fetcher)


def test_a_link_that_does_not_answer_is_a_warning_and_never_a_failure(project, capsys):
    fetcher = FakeFetcher({"https://juniper-row.example/prices": 404})

    assert run_links(fetcher, "--json-file", "links.json") == 0

    assert fetcher.asked == ["https://juniper-row.example/", "https://juniper-row.example/prices"]
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(
        "clinics/tx/juniper-row.yaml:24:3: warning: https://juniper-row.example/prices did "
        "not answer (HTTP 404)"
    )
    assert json.loads(Path("links.json").read_text())["summary"]["warnings"] == 1


def test_sites_that_refuse_robots_or_rate_limit_count_as_answering(project, capsys):
    fetcher = FakeFetcher(
        {"https://juniper-row.example/": 403, "https://juniper-row.example/prices": 429}
    )

    assert run_links(fetcher) == 0

    assert capsys.readouterr().out.splitlines() == ["0 errors, 0 warnings in 1 file"]


def test_each_address_is_fetched_once_and_only_https(project):
    write_record(project, "clinics/tx/other.yaml", website="http://juniper-row.example/")
    fetcher = FakeFetcher({"https://juniper-row.example/prices": "URLError: timed out"})

    run_links(fetcher)

    assert sorted(fetcher.asked) == [
        "https://juniper-row.example/",
        "https://juniper-row.example/prices",
    ]


# -- the comment ----------------------------------------------------------------------


def report_file(tmp_path: Path, body: object, name: str = "validate.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


PROBLEM = {
    "path": "clinics/tx/juniper-row.yaml",
    "line": 4,
    "column": 9,
    "message": "'open' is not a known status",
    "hint": "did you mean 'active'?",
    "severity": "error",
}


def test_the_comment_lists_every_problem_and_links_the_changed_pages(tmp_path):
    validate = report_file(tmp_path, {"problems": [PROBLEM], "changed": [PROBLEM["path"]]})
    links = report_file(tmp_path, {"problems": []}, "links.json")

    comment = render(
        [read_report(validate), read_report(links)],
        preview_url="https://pr-12--directory.netlify.app",
    )

    assert comment.startswith(MARKER + "\n### Clinic records: 1 error, 0 warnings in 1 file")
    assert "- line 4, column 9, ❌ error: 'open' is not a known status" in comment
    assert (
        "- [tx/juniper-row](https://pr-12--directory.netlify.app/clinics/tx/juniper-row/)"
        in comment
    )


@pytest.mark.parametrize(
    "forged",
    [
        {"problems": "all good"},
        {"problems": [{**PROBLEM, "line": "4"}], "changed": [42]},
        {"problems": [{**PROBLEM, "severity": "notice"}]},
        ["not", "an", "object"],
    ],
)
def test_a_malformed_or_forged_report_is_read_as_nothing(tmp_path, forged):
    assert read_report(report_file(tmp_path, forged)) == {"problems": [], "changed": []}


def test_what_a_report_holds_cannot_become_links_mentions_or_markup(tmp_path):
    evil = {
        **PROBLEM,
        "path": "clinics/tx/x.yaml](https://evil.example)",
        "message": "<img src=x onerror=alert(1)> @maintainers [click](https://evil.example)",
    }
    report = read_report(
        report_file(tmp_path, {"problems": [evil], "changed": ["../../etc/passwd", evil["path"]]})
    )

    comment = render([report], preview_url="https://preview.example.org")

    assert not re.search(r"(?<!\\)<img", comment) and "](https://evil" not in comment
    assert "\\@maintainers" in comment
    assert "#### Preview" not in comment  # no path there is a clinic's


def test_preview_links_need_a_plain_https_address():
    changed = ["clinics/tx/juniper-row.yaml"]
    assert preview_links(changed, "javascript:alert(1)") == []
    assert preview_links(changed, "https://x.example/a)(b") == []
    assert preview_links(changed, "https://x.example/pr/3/") == [
        "- [tx/juniper-row](https://x.example/pr/3/clinics/tx/juniper-row/)"
    ]
