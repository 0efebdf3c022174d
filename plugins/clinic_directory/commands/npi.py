"""``clinic-directory npi``: check clinicians' NPIs against the national register.

Validation accepts an NPI whose check digit is right; only the NPPES NPI Registry can
say whether the number belongs to the person the record names. This looks each NPI up
in the registry's public API (version 2.1, no key needed) and warns when the registered
name, credential or specialty differs from the record, or the number is deactivated or
unknown. Every finding is a warning and the command exits 0: the register is
self-reported and the service may be down for a day. With ``--write`` the result and
the day are stored in the record as the clinician's ``npi_check``, which the clinic
page states. It is the one check besides ``links`` that needs the network: the build
never runs it, and tests pass a recorded answer instead of the network.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from clinic_directory.commands.validate import FORMATS, as_json, published_files_to_check
from clinic_directory.errors import Problem
from clinic_directory.records.load import LoadedFile, load_file, load_text
from clinic_directory.records.rules import npi_is_valid
from clinic_directory.records.text import visible

#: Answers an NPI with the registry's JSON answer, or with why it could not be fetched.
Lookup = Callable[[str], "Mapping[str, Any] | str"]
API_URL = "https://npiregistry.cms.hhs.gov/api/?version=2.1&number={npi}"
#: The register's public page of one NPI, for a maintainer to compare by eye.
PROVIDER_PAGE = "https://npiregistry.cms.hhs.gov/provider-view/{npi}"
TIMEOUT_SECONDS = 20
USER_AGENT = "clinic-directory-npi-check"
#: The register's status of an NPI in use; anything else is deactivated.
ACTIVE = "A"

#: How the register may write each credential of the vocabulary (upper case, without
#: dots; "PMHNP-BC" is read as PMHNP and BC).
CREDENTIAL_FORMS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "MD": frozenset({"MD"}),
        "DO": frozenset({"DO"}),
        "NP": frozenset({"NP", "APRN", "ARNP", "CNP", "FNP", "PMHNP", "ANP", "AGNP", "DNP"}),
        "PA": frozenset({"PA", "PAC"}),
        "CRNA": frozenset({"CRNA"}),
        "RN": frozenset({"RN"}),
        "PhD": frozenset({"PHD"}),
        "PsyD": frozenset({"PSYD"}),
        "LCSW": frozenset({"LCSW", "LICSW", "LISW"}),
        "LPC": frozenset({"LPC", "LPCC", "LCPC", "LMHC"}),
        "LMFT": frozenset({"LMFT", "MFT", "LCMFT"}),
    }
)
#: Words of the NUCC taxonomy descriptions the register gives, for each specialty of the
#: vocabulary (lower case; "Psychiatry & Neurology, Psychiatry" contains "psychiatry").
SPECIALTY_TAXONOMIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "anesthesiology": ("anesthesiology",),
        "nurse_anesthesia": ("nurse anesthetist",),
        "psychiatry": ("psychiatry",),
        "psychiatric_nursing": ("psych/mental health", "psychiatric"),
        "emergency_medicine": ("emergency medicine",),
        "critical_care": ("critical care",),
        "family_medicine": ("family medicine", "practitioner, family"),
        "internal_medicine": ("internal medicine", "practitioner, adult health"),
        "pain_medicine": ("pain medicine",),
        "psychotherapy": (
            "psycholog",
            "social worker",
            "counselor",
            "marriage & family",
            "psychoanalyst",
        ),
    }
)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "npi",
        help="check clinicians' NPIs in the NPPES NPI Registry (warnings only, needs the network)",
        description="Look up each clinician's NPI in the NPPES NPI Registry and warn when the "
        "registered name, credential or specialty differs from the record, or the number is "
        "deactivated. Never fails. With --write, store the result and today's date in each "
        "record as the clinician's npi_check.",
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    parser.add_argument("--changed-since", metavar="REF", help="only records changed since REF")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text")
    parser.add_argument("--json-file", type=Path, metavar="FILE", help="also write JSON to FILE")
    parser.add_argument(
        "--write", action="store_true", help="store each result in the record (npi_check)"
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=date.today(),
        metavar="YYYY-MM-DD",
        help="the day written as checked (default: today)",
    )
    parser.set_defaults(run=run)


@dataclass(frozen=True)
class Finding:
    """What the register said of one clinician's NPI: a value of ``vocab.NPI_RESULTS``,
    what differs on a mismatch, and the register's own words for the message."""

    result: str
    differs: tuple[str, ...] = ()
    registered: str = ""


def run(args: argparse.Namespace, lookup: Lookup | None = None) -> int:
    """Check the NPIs; ``lookup`` replaces the network (tests pass a recorded answer)."""
    files = published_files_to_check(args.paths, args.changed_since)
    loaded = [load_file(path, root=Path.cwd()) for path in files]
    records = [record for record in loaded if isinstance(record.data, dict)]
    answers = _Answers(lookup or fetch_record)
    problems: list[Problem] = []
    written = []
    for record in records:
        findings = dict(check_record(record, answers, problems))
        if args.write and findings:
            text = record.path.read_text(encoding="utf-8")
            updated = with_npi_checks(text, record.relpath, findings, args.today)
            if updated is None:
                problems.append(_unwritable(record, findings, args.today))
            elif updated != text:
                record.path.write_text(updated, encoding="utf-8")
                written.append(record.relpath)
    print(FORMATS[args.format](sorted(problems), len(files)))
    for relpath in written:
        print(f"wrote npi_check in {visible(relpath)}")
    if args.json_file:
        args.json_file.write_text(as_json(sorted(problems), len(files)) + "\n", encoding="utf-8")
    return 0


class _Answers:
    """Each NPI looked up once per run, however many records name it."""

    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup
        self.known: dict[str, Mapping[str, Any] | str] = {}

    def __call__(self, npi: str) -> Mapping[str, Any] | str:
        if npi not in self.known:
            self.known[npi] = self.lookup(npi)
        return self.known[npi]


def _clinicians(data: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """The clinicians with an NPI worth asking about (a wrong one fails validation)."""
    clinicians = data.get("clinicians")
    for index, clinician in enumerate(clinicians if isinstance(clinicians, list) else ()):
        npi = clinician.get("npi") if isinstance(clinician, dict) else None
        if isinstance(npi, str) and npi_is_valid(npi) and isinstance(clinician.get("name"), str):
            yield index, clinician


def check_record(
    record: LoadedFile, lookup: Lookup, problems: list[Problem]
) -> Iterator[tuple[int, Finding]]:
    """Each clinician's finding, by position; warnings are added to ``problems``."""
    for index, clinician in _clinicians(record.data):
        npi = clinician["npi"]
        path = ("clinicians", index, "npi")
        answer = lookup(npi)
        finding = compare(clinician, answer)
        if isinstance(finding, str):
            problems.append(
                record.problem(
                    path,
                    f"NPI {npi} could not be looked up: {visible(finding)[:160]}",
                    "the NPI Registry may be down; run `clinic-directory npi` again later",
                    severity="warning",
                )
            )
            continue
        if finding.result != "match":
            problems.append(
                record.problem(
                    path, _message(npi, finding), _hint(npi, finding), severity="warning"
                )
            )
        yield index, finding


def _message(npi: str, finding: Finding) -> str:
    registered = visible(finding.registered)[:160]
    if finding.result == "deactivated":
        return f"NPI {npi} is deactivated in the NPPES NPI Registry ({registered})"
    if finding.result == "not_found":
        return f"NPI {npi} has no active record in the NPPES NPI Registry"
    return (
        f"NPI {npi}: the NPPES NPI Registry lists {registered}; the "
        f"{' and '.join(finding.differs)} differ from this record"
    )


def _hint(npi: str, finding: Finding) -> str:
    page = PROVIDER_PAGE.format(npi=npi)
    if finding.result == "mismatch":
        return (
            f"compare the record with {page}: correct the clinician's name, credential or "
            "specialty, or the number if it is someone else's"
        )
    return (
        "check the number with the clinic and on the NPPES NPI Registry; remove it if "
        "the clinician has no active NPI"
    )


def compare(clinician: Mapping[str, Any], answer: Mapping[str, Any] | str) -> Finding | str:
    """What the register's answer says of a clinician's NPI, or why it cannot tell."""
    if isinstance(answer, str):
        return answer
    if answer.get("Errors"):
        errors = answer["Errors"]
        first = errors[0] if isinstance(errors, list) and errors else {}
        return f"the registry refused the query: {_text(first.get('description'))}"
    results = answer.get("results")
    if not results:
        return Finding("not_found")
    entry = results[0]
    basic = entry.get("basic") or {}
    registered = _registered(entry)
    if str(basic.get("status", ACTIVE)) != ACTIVE:
        return Finding("deactivated", registered=registered)
    differs = []
    if entry.get("enumeration_type") == "NPI-2" or not _name_matches(clinician["name"], entry):
        differs.append("name")
    if _credential_matches(clinician.get("credential", ""), basic.get("credential")) is False:
        differs.append("credential")
    if _specialty_matches(clinician.get("specialty"), entry.get("taxonomies")) is False:
        differs.append("specialty")
    return Finding("mismatch" if differs else "match", tuple(differs), registered)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _registered(entry: Mapping[str, Any]) -> str:
    """``DANA ORTIZ, M.D., Anesthesiology``: the register's entry in a few words."""
    basic = entry.get("basic") or {}
    name = _text(basic.get("organization_name")) or " ".join(
        part for part in (_text(basic.get("first_name")), _text(basic.get("last_name"))) if part
    )
    taxonomy = _primary_taxonomy(entry.get("taxonomies"))
    return ", ".join(part for part in (name, _text(basic.get("credential")), taxonomy) if part)


def _primary_taxonomy(taxonomies: Any) -> str:
    rows = [row for row in taxonomies or () if isinstance(row, dict)]
    primary = [row for row in rows if row.get("primary")] or rows
    return _text(primary[0].get("desc")) if primary else ""


def _words(text: str) -> list[str]:
    """Lower-case ASCII words of a name: accents dropped, hyphens and dots split."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z]+", ascii_text.lower())


def _name_matches(name: str, entry: Mapping[str, Any]) -> bool:
    """The register's last name is in the record's name, and its first name (or that
    initial before the rest); a former name the register keeps counts too."""
    record_words = _words(name)
    basic = entry.get("basic") or {}
    names = [basic, *(other for other in entry.get("other_names") or () if isinstance(other, dict))]
    for registered in names:
        last = _words(_text(registered.get("last_name")))
        first = _words(_text(registered.get("first_name")))
        if not last or not first or not set(last) <= set(record_words):
            continue
        if first[0] in record_words or (record_words and record_words[0] == first[0][0]):
            return True
    return False


def _credential_matches(credential: str, registered: Any) -> bool | None:
    """Whether the register's credential text names the record's; ``None`` when the
    register gives none (it is optional there), so it cannot differ."""
    text = _text(registered).upper().replace(".", "")
    tokens = set(re.split(r"[^A-Z]+", text)) - {""}
    if not tokens:
        return None
    return bool(tokens & CREDENTIAL_FORMS.get(credential, frozenset({credential.upper()})))


def _specialty_matches(specialty: Any, taxonomies: Any) -> bool | None:
    """Whether one of the register's taxonomies is the record's specialty; ``None`` when
    either side gives none."""
    descriptions = [
        _text(row.get("desc")).lower() for row in taxonomies or () if isinstance(row, dict)
    ]
    if not specialty or not any(descriptions):
        return None
    words = SPECIALTY_TAXONOMIES.get(specialty, ())
    return any(word in text for text in descriptions for word in words)


def with_npi_checks(
    text: str, relpath: str, findings: Mapping[int, Finding], today: date
) -> str | None:
    """The record's text with each clinician's ``npi_check`` set, comments and the rest of
    the file as they were; ``None`` when it is written in a way this cannot edit safely.

    An existing check is replaced (it is always the one-line form written here); a new
    one goes after the NPI: inside the braces of a one-line clinician, or on a line of
    its own below ``npi:``. The result is read back and must hold exactly the record
    with the new checks, or nothing is written.
    """
    loaded = load_text(text, relpath)
    if not isinstance(loaded.data, dict):
        return None
    expected = copy.deepcopy(loaded.data)
    lines = text.split("\n")
    # From the last clinician up, so that an inserted line moves no position still needed.
    for index in sorted(findings, reverse=True):
        check = {"checked": today.isoformat(), "result": findings[index].result}
        expected["clinicians"][index]["npi_check"] = check
        if not _write_check(lines, loaded, index, check):
            return None
    updated = "\n".join(lines)
    return updated if load_text(updated, relpath).data == expected else None


_CHECK_WRITTEN = re.compile(r"npi_check:[ \t]*\{[^{}\n]*\}")
_NPI_WRITTEN = re.compile(r"\"[0-9]{10}\"|'[0-9]{10}'")


def _write_check(
    lines: list[str], loaded: LoadedFile, index: int, check: Mapping[str, str]
) -> bool:
    written = f"npi_check: {{checked: {check['checked']}, result: {check['result']}}}"
    path = ("clinicians", index)
    existing = loaded.key_positions.get((*path, "npi_check"))
    if existing:
        line, column = existing
        found = _CHECK_WRITTEN.match(lines[line - 1], column - 1)
        if not found:
            return False
        lines[line - 1] = lines[line - 1][: column - 1] + written + lines[line - 1][found.end() :]
        return True
    value, key = loaded.positions.get((*path, "npi")), loaded.key_positions.get((*path, "npi"))
    if not value or not key:
        return False
    line, column = value
    current = lines[line - 1]
    found = _NPI_WRITTEN.match(current, column - 1)
    if not found:
        return False
    rest = current[found.end() :]
    if rest.lstrip().startswith((",", "}")):  # a clinician written in braces
        lines[line - 1] = f"{current[: found.end()]}, {written}{rest}"
    else:
        lines.insert(line, " " * (key[1] - 1) + written)
    return True


def _unwritable(record: LoadedFile, findings: Mapping[int, Finding], today: date) -> Problem:
    """Said when the record cannot be edited safely: what to write by hand."""
    wanted = "; ".join(
        f"clinician {index + 1}: npi_check: {{checked: {today.isoformat()}, result: "
        f"{finding.result}}}"
        for index, finding in sorted(findings.items())
    )
    return record.problem(
        ("clinicians",),
        "the NPI results could not be written into this record automatically",
        f"add them by hand: {wanted}",
        severity="warning",
    )


def fetch_record(npi: str) -> Mapping[str, Any] | str:
    """The registry's answer for one NPI, or why it could not be fetched."""
    request = urllib.request.Request(
        API_URL.format(npi=npi), headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"{type(reason).__name__}: {reason}"
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return f"the answer is not JSON: {error}"
    return answer if isinstance(answer, dict) else "the answer is not a JSON object"
