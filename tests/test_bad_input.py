"""Bad input: whatever a record holds, the site refuses it clearly or builds it safely.

The corpus lives in ``hardening/cases/`` as files laid out like a project
(``clinics/<state>/<slug>.yaml``); each opens with a comment saying what it is and
``# expect:`` lines, ``<line>:<col> <message>`` or ``<path> <line>:<col> <message>``
for a problem reported in another file, or ``# expect: ok`` for text that is
allowed and must be escaped at output instead. A file that cannot hold a comment
(an empty file) has its expectations in a sibling ``.expect`` file. Adding a case
is adding a file.

Every case is run through ``clinic-directory validate`` beside a valid neighbour,
which must stay valid; a representative few go through ``clinic-directory build``,
which must fail and leave the previous output byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sites import TinySite, make_tiny_site

from clinic_directory import cli
from clinic_directory.records.load import MAX_FILE_BYTES
from clinic_directory.site import publish as site_build

CORPUS = Path(__file__).parent / "hardening"
CASES = CORPUS / "cases"
NEIGHBOUR = "clinics/tx/lantern-hill.yaml"
BOM = b"\xef\xbb\xbf"
EXPECT = re.compile(
    r"^# expect: (?:(?P<path>\S+\.ya?ml) )?(?P<line>\d+):(?P<column>\d+) (?P<message>.+)$"
)


@dataclass(frozen=True)
class Expected:
    path: str
    line: int
    column: int
    message: str  # a part of the reported message


@dataclass(frozen=True)
class Case:
    relpath: str  # where the file goes in a project
    content: bytes
    expected: tuple[Expected, ...]  # empty when the record is accepted

    def install(self, root: Path) -> Path:
        path = root / self.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.content)
        return path


def expectation_lines(source: Path) -> list[str]:
    sidecar = source.with_suffix(".expect")
    if sidecar.exists():
        return [f"# expect: {line}" for line in sidecar.read_text(encoding="utf-8").splitlines()]
    text = source.read_bytes().removeprefix(BOM).decode("utf-8", errors="replace")
    return [line for line in text.splitlines() if line.startswith("# expect:")]


def read_case(source: Path) -> Case:
    relpath = source.relative_to(CASES).as_posix()
    lines = expectation_lines(source)
    assert lines, f"{relpath} has no `# expect:` line"
    expected = []
    for line in lines:
        if line == "# expect: ok":
            continue
        match = EXPECT.match(line)
        assert match, f"{relpath}: cannot read {line!r}"
        expected.append(
            Expected(
                match["path"] or relpath,
                int(match["line"]),
                int(match["column"]),
                match["message"],
            )
        )
    return Case(relpath, source.read_bytes(), tuple(expected))


ALL_CASES = [read_case(path) for path in sorted([*CASES.rglob("*.yaml"), *CASES.rglob("*.yml")])]
REFUSED = [case for case in ALL_CASES if case.expected]
ACCEPTED = [case for case in ALL_CASES if not case.expected]


def case_named(name: str) -> Case:
    [case] = [case for case in ALL_CASES if Path(case.relpath).stem == name]
    return case


# -- cases that cannot be committed as plain files -----------------------------


def oversized(root: Path) -> Case:
    padding = b"# padding\n" * (MAX_FILE_BYTES // 10 + 1)
    content = (CORPUS / "neighbour.yaml").read_bytes().replace(b"Lantern", b"Quarry") + padding
    return Case(
        "clinics/tx/oversized.yaml",
        content,
        (Expected("clinics/tx/oversized.yaml", 1, 1, "larger than the 64 KiB limit"),),
    )


def link_out_of_the_project(root: Path) -> Case:
    target = root.parent / f"{root.name}-elsewhere" / "secret.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("token: not-for-the-public\n", encoding="utf-8")
    link = root / "clinics" / "tx" / "linked-out.yaml"
    link.symlink_to(target)
    return Case(
        link.relative_to(root).as_posix(),
        b"",
        (Expected("clinics/tx/linked-out.yaml", 1, 1, "a link to a place outside the project"),),
    )


def link_out_of_clinics(root: Path) -> Case:
    target = root / "settings.yaml"
    target.write_text("token: not-for-the-public\n", encoding="utf-8")
    link = root / "clinics" / "tx" / "linked-settings.yaml"
    link.symlink_to(Path("..", "..", "settings.yaml"))
    return Case(
        link.relative_to(root).as_posix(),
        b"",
        (Expected("clinics/tx/linked-settings.yaml", 1, 1, "outside the clinics/ folder"),),
    )


def former_identity_claimed_twice(root: Path) -> Case:
    twin = (CORPUS / "neighbour.yaml").read_text(encoding="utf-8")
    for old, new in (
        ("Lantern Hill", "Quarry Lane"),
        ("1200 Larkspur", "12 Quarry"),
        ("0134", "0150"),
    ):
        twin = twin.replace(old, new)
    claim = "previous_slugs: [tx/old-name]\nsources:"
    (root / "clinics" / "tx" / "twin.yaml").write_text(
        twin.replace("sources:", claim), encoding="utf-8"
    )
    content = (CORPUS / "neighbour.yaml").read_text(encoding="utf-8").replace("sources:", claim)
    message = "the former identity tx/old-name is also claimed by"
    return Case(
        NEIGHBOUR,
        content.encode(),
        (Expected(NEIGHBOUR, 19, 17, message), Expected("clinics/tx/twin.yaml", 19, 17, message)),
    )


def link_in_a_loop(root: Path) -> Case:
    link = root / "clinics" / "tx" / "looped.yaml"
    link.symlink_to("looped.yaml")
    relpath = "clinics/tx/looped.yaml"
    return Case(relpath, b"", (Expected(relpath, 1, 1, "a link that leads to no file"),))


def file_name_with_a_line_break(root: Path) -> Case:
    relpath = "clinics/tx/evil\n::error file=x::forged.yaml"
    content = (CORPUS / "neighbour.yaml").read_text(encoding="utf-8")
    content = content.replace("Lantern Hill", "Quarry Lane").replace("0134", "0150")
    message = "the file name 'evil\\n::error file=x::forged.yaml' must be lower-case words"
    return Case(relpath, content.encode(), (Expected(relpath, 3, 1, message),))


#: The address of the neighbour, as the geocoding cache keys it.
NEIGHBOUR_KEY = "1200 larkspur terrace way, suite 300, austin, tx, 78701"
CACHE = "geocode-cache.json"


def cache_case(text: str, line: int, column: int, message: str) -> Callable[[Path], Case]:
    """A committed geocoding cache is input like a record: its mistakes are errors at its lines."""

    def make(root: Path) -> Case:
        return Case(CACHE, text.encode(), (Expected(CACHE, line, column, message),))

    return make


def worst_case_value(field: str, value: str, message: str) -> Callable[[Path], Case]:
    """A record whose one value is a 64 KB string built to make a backtracking pattern
    try every way to split it."""

    def make(root: Path) -> Case:
        content = (CORPUS / "neighbour.yaml").read_text(encoding="utf-8")
        content = content.replace("Lantern Hill", "Quarry Lane").replace("0134", "0150")
        content = re.sub(f"^{field}: .*\n", "", content, flags=re.MULTILINE)
        content = content.replace("sources:", f'{field}: "{value}"\nsources:')
        relpath = f"clinics/tx/worst-case-{field}.yaml"
        line = content[: content.index(f"{field}: ")].count("\n") + 1
        return Case(relpath, content.encode(), (Expected(relpath, line, len(field) + 3, message),))

    return make


WORST_SIZE = MAX_FILE_BYTES - 2048  # a value as long as a record file may hold

#: Made in the test's project: each returns the case, already in place when it is a link.
MADE: dict[str, Callable[[Path], Case]] = {
    "oversized": oversized,
    "link-out-of-the-project": link_out_of_the_project,
    "link-out-of-clinics": link_out_of_clinics,
    "former-identity-claimed-twice": former_identity_claimed_twice,
    "link-in-a-loop": link_in_a_loop,
    "file-name-with-a-line-break": file_name_with_a_line_break,
    "geocode-cache-not-json": cache_case(
        '{\n  "' + NEIGHBOUR_KEY + '": {"lat": 30.27, "lon": -97.74},\n',
        3,
        1,
        "the geocoding cache is not valid JSON",
    ),
    "geocode-cache-text-for-a-number": cache_case(
        '{\n  "' + NEIGHBOUR_KEY + '": {"lat": "30.27", "lon": -97.74}\n}\n',
        2,
        3,
        f"the lat of '{NEIGHBOUR_KEY}' must be a number from -90 to 90, got \"30.27\"",
    ),
    "geocode-cache-entry-of-the-wrong-shape": cache_case(
        '{\n  "' + NEIGHBOUR_KEY + '": [30.27, -97.74]\n}\n',
        2,
        3,
        f'the entry for \'{NEIGHBOUR_KEY}\' must be {{"lat": number, "lon": number}}',
    ),
    "geocode-cache-list-instead-of-entries": cache_case(
        "[]\n", 1, 1, "must be a JSON object of address: {lat, lon} entries"
    ),
}

#: 64 KB values that took a backtracking pattern tens of seconds.
WORST_CASES: dict[str, Callable[[Path], Case]] = {
    "website-of-dots": worst_case_value(
        "website",
        "https://" + "." * WORST_SIZE + " ",
        f"website is {WORST_SIZE + 9} characters long, more than the 2000 allowed",
    ),
    "website-of-labels": worst_case_value(
        "website",
        "https://" + "a." * (WORST_SIZE // 2) + "!",
        "website must be a web address starting with https://",
    ),
    "email-of-dots": worst_case_value(
        "email",
        "a@b" + "." * WORST_SIZE + " ",
        "email must be an email address such as intake@clinic.example",
    ),
    "description-of-brackets": worst_case_value(
        "description",
        "<" * WORST_SIZE + "a",
        "description must be plain text without HTML",
    ),
}


# -- validate -----------------------------------------------------------------------


def project(root: Path) -> Path:
    neighbour = root / NEIGHBOUR
    neighbour.parent.mkdir(parents=True)
    shutil.copy(CORPUS / "neighbour.yaml", neighbour)
    return root


def validate_in(root: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> tuple[int, list[dict]]:
    monkeypatch.chdir(root)
    code = cli.main(["validate", "--format", "json"])
    problems = json.loads(capsys.readouterr().out)["problems"]
    return code, [problem for problem in problems if problem["severity"] == "error"]


def assert_refused(case: Case, code: int, errors: list[dict]) -> None:
    assert code == 1
    for expected in case.expected:
        found = [
            error
            for error in errors
            if (error["path"], error["line"], error["column"])
            == (expected.path, expected.line, expected.column)
            and expected.message in error["message"]
        ]
        assert found, f"expected {expected}, got {errors}"
        assert all(error["hint"] for error in found), "every error says how to fix it"
    # Only the files the case names are refused: the neighbour stays valid.
    assert {error["path"] for error in errors} == {expected.path for expected in case.expected}


def test_the_corpus_is_large_and_well_formed():
    assert len(REFUSED) + len(MADE) >= 40
    assert ACCEPTED, "the corpus documents allowed text that must be escaped"


@pytest.mark.parametrize("case", REFUSED, ids=lambda case: Path(case.relpath).stem)
def test_validate_refuses_each_bad_record(case, tmp_path, monkeypatch, capsys):
    case.install(project(tmp_path))

    code, errors = validate_in(tmp_path, monkeypatch, capsys)

    assert_refused(case, code, errors)


@pytest.mark.parametrize("make", MADE.values(), ids=MADE.keys())
def test_validate_refuses_files_made_on_the_spot(make, tmp_path, monkeypatch, capsys):
    case = make(project(tmp_path))
    if case.content:
        case.install(tmp_path)

    code, errors = validate_in(tmp_path, monkeypatch, capsys)

    assert_refused(case, code, errors)
    assert "not-for-the-public" not in json.dumps(errors)


@pytest.mark.parametrize("make", WORST_CASES.values(), ids=WORST_CASES.keys())
def test_a_64_kb_worst_case_value_is_refused_in_under_a_second(make, tmp_path, monkeypatch, capsys):
    validate_in(project(tmp_path), monkeypatch, capsys)  # imports and set-up, not the value's cost
    case = make(tmp_path)
    case.install(tmp_path)

    started = time.perf_counter()
    code, errors = validate_in(tmp_path, monkeypatch, capsys)
    seconds = time.perf_counter() - started

    assert_refused(case, code, errors)
    assert seconds < 1.0


@pytest.mark.parametrize("case", ACCEPTED, ids=lambda case: Path(case.relpath).stem)
def test_validate_accepts_text_that_is_only_dangerous_unescaped(
    case, tmp_path, monkeypatch, capsys
):
    case.install(project(tmp_path))

    code, errors = validate_in(tmp_path, monkeypatch, capsys)

    assert (code, errors) == (0, [])


# -- build ------------------------------------------------------------------------

#: One of each kind: syntax, expansion, Pelican's keys, URLs, script, samples, placement,
#: two files for one clinic, a final line break, depth, invisible and look-alike text.
BUILD_CASES = [
    "yaml-colon-in-value",
    "alias-bomb",
    "pelican-key-save-as",
    "javascript-source",
    "previous-slug-takes-over-a-clinic",
    "script-close-in-name",
    "sample-in-clinics",
    "wrong-state-folder",
    "lantern-hill",  # lantern-hill.yml beside lantern-hill.yaml
    "nested-sample",
    "nested-in-a-state-folder",
    "phone-trailing-newline",
    "deep-flow-nesting",
    "name-with-hangul-filler",
    "duplicate-name-with-cyrillic-letter",
    "website-with-user-info",
]


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> TinySite:
    """A tiny site built once from the valid neighbour; each test then breaks it."""
    site = make_tiny_site(tmp_path_factory.mktemp("bad-input-site"))
    project(site.root)
    site.build()
    return site


def build_with(
    site: TinySite, case: Case, monkeypatch: pytest.MonkeyPatch, capsys
) -> tuple[int, str]:
    """``clinic-directory build`` in the site, with the tiny site's settings."""
    monkeypatch.chdir(site.root)
    monkeypatch.setattr(site_build, "load_settings", lambda *args, **kwargs: site.settings())
    path = case.install(site.root)
    try:
        code = cli.main(["build"])
    finally:
        path.unlink()
    return code, capsys.readouterr().out


@pytest.mark.parametrize("name", BUILD_CASES)
def test_the_build_refuses_and_publishes_nothing(name, built_site, monkeypatch, capsys):
    case = case_named(name)
    before = fingerprint(built_site.output)
    assert "clinics/tx/lantern-hill/index.html" in before

    code, printed = build_with(built_site, case, monkeypatch, capsys)

    assert code == 1
    for expected in case.expected:
        assert f"{expected.path}:{expected.line}:{expected.column}: error: " in printed
        assert expected.message in printed
    assert "nothing was published" in printed
    assert fingerprint(built_site.output) == before
    assert not built_site.output.with_name("output.building").exists()


def test_a_broken_geocoding_cache_stops_the_build(built_site, monkeypatch, capsys):
    case = MADE["geocode-cache-text-for-a-number"](built_site.root)
    [expected] = case.expected
    before = fingerprint(built_site.output)

    code, printed = build_with(built_site, case, monkeypatch, capsys)

    assert code == 1
    assert f"{CACHE}:{expected.line}:{expected.column}: error: {expected.message}" in printed
    assert "nothing was published" in printed
    assert fingerprint(built_site.output) == before
