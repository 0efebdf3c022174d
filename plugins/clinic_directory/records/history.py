"""What a change (a branch, a pull request) does to the record files, read from git.

A pull request is compared with the point where it left its base branch (the merge
base), never with the base's tip: otherwise every record changed on the base since
then would count as part of the pull request. Git's paths are read NUL-separated
(``-z``), because it quotes and escapes any name that is not plain ASCII, which
would then match no file and pass unchecked.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from clinic_directory.errors import ClinicDirectoryError, Problem
from clinic_directory.records.load import LoadedFile, load_text, relative_path
from clinic_directory.records.model import identity_of
from clinic_directory.records.suggest import yaml_scalar
from clinic_directory.records.text import visible

#: Record folders whose files are published; a rename elsewhere breaks no public link.
PUBLISHED_FOLDER = "clinics"
RECORD_SUFFIXES = (".yaml", ".yml")


def git(*arguments: str) -> bytes:
    """Run git in the current folder; a failure is a ``ClinicDirectoryError`` that says why."""
    command = ["git", *arguments]
    result = subprocess.run(command, capture_output=True, check=False)
    if result.returncode != 0:
        raise ClinicDirectoryError(
            f"`{' '.join(command)}` failed: "
            f"{visible(result.stderr.decode('utf-8', 'replace').strip())}; "
            "run inside the repository and give a ref that exists, such as origin/main "
            "(a CI checkout needs the base branch's history: fetch-depth 0)"
        )
    return result.stdout


def merge_base(ref: str, head: str = "HEAD") -> str:
    """The commit where ``head`` left ``ref``: what a pull request is compared with."""
    return git("merge-base", ref, head).decode().strip()


def changed_files(base: str, record_files: list[Path]) -> set[str]:
    """Record files (as reported paths) changed since the commit ``base``, in commits or in
    the work tree, or not yet tracked by git."""
    named: set[str] = set()
    for listing in (
        git("diff", "--name-only", "-z", "--relative", base, "--"),
        git("ls-files", "-z", "--others", "--exclude-standard"),
    ):
        named.update(os.fsdecode(name) for name in listing.split(b"\0") if name)
    return {relative_path(path, Path.cwd()) for path in record_files} & named


def file_at(commit: str, relpath: str) -> str | None:
    """The text of a file at a commit, or None when it did not exist there."""
    result = subprocess.run(
        ["git", "show", f"{commit}:./{relpath}"], capture_output=True, check=False
    )
    return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None


class OrganizationAt:
    """The ``organization`` each changed record had at a commit: ``None`` for a file that
    did not exist there or had none. Unchanged files keep theirs."""

    def __init__(self, commit: str, changed: set[str]) -> None:
        self.commit, self.changed = commit, changed

    def __call__(self, loaded: LoadedFile) -> str | None:
        if loaded.relpath not in self.changed:
            return loaded.data.get("organization")
        text = file_at(self.commit, loaded.relpath)
        if text is None:
            return None  # a new file (or one renamed): everything in it is new
        before = load_text(text, loaded.relpath).data
        organization = (before or {}).get("organization")
        return organization if isinstance(organization, str) else None


@dataclass(frozen=True)
class Move:
    """A published record file renamed (``new`` set) or deleted (``new`` None) by a change."""

    old: str
    new: str | None


def moved_records(base: str, head: str | None = None) -> list[Move]:
    """Record files under clinics/ renamed or deleted between ``base`` and ``head`` (the
    work tree when None). A rename is git's: the same file, mostly unchanged, elsewhere."""
    arguments = ["diff", "--name-status", "-z", "-M", "--diff-filter=RD", base]
    fields = [os.fsdecode(f) for f in git(*arguments, *([head] if head else []), "--").split(b"\0")]
    moves = []
    index = 0
    while index < len(fields) - 1:
        status = fields[index]
        if status.startswith("R"):
            old, new = fields[index + 1], fields[index + 2]
            index += 3
        else:
            old, new = fields[index + 1], None
            index += 2
        if _published(old) and (new is None or _identity(old) != _identity(new)):
            moves.append(Move(old, new))
    return moves


def _published(relpath: str) -> bool:
    parts = relpath.split("/")
    return len(parts) == 3 and parts[0] == PUBLISHED_FOLDER and relpath.endswith(RECORD_SUFFIXES)


def _identity(relpath: str) -> str:
    return "/".join(identity_of(Path(relpath)))


def missing_redirects(base: str, head: str | None = None) -> list[Problem]:
    """Warnings for published records whose old address would stop working: a renamed file
    whose record does not list its old identity in ``previous_slugs``, and a deleted file
    that no record redirects from. Shared links and compare URLs must never break."""
    moves = moved_records(base, head)
    if not moves:
        return []
    records = _current_records(head)
    redirected = {old for data in records.values() for old in _previous_slugs(data)}
    problems = []
    for move in moves:
        old = _identity(move.old)
        if old in redirected:
            continue
        if move.new is None:
            problems.append(
                Problem(
                    move.old,
                    1,
                    1,
                    f"this change deletes the record of {visible(old)}, so its page and every "
                    "link to it would stop working",
                    "keep the file with `status: closed` when the clinic has closed; when "
                    "merging it into another record, list it there: "
                    f"`previous_slugs: [{old}]` (see CONTRIBUTING: removing a clinic)",
                    "warning",
                )
            )
            continue
        data = records.get(move.new) or {}
        listed = [*_previous_slugs(data), old]
        problems.append(
            Problem(
                move.new,
                1,
                1,
                f"this file was renamed from {visible(move.old)}: links to {visible(old)} "
                "would stop working",
                "list the old identity so it redirects here: "
                f"`previous_slugs: [{', '.join(yaml_scalar(slug) for slug in listed)}]`",
                "warning",
            )
        )
    return problems


def _current_records(head: str | None) -> dict[str, dict]:
    """Every published record at ``head`` (the work tree when None), by path."""
    if head is None:
        paths = sorted(Path(PUBLISHED_FOLDER).glob("*/*.y*ml"))
        texts = {
            path.as_posix(): path.read_text(encoding="utf-8", errors="replace") for path in paths
        }
    else:
        listing = git("ls-tree", "-r", "-z", "--name-only", head, "--", PUBLISHED_FOLDER)
        names = [os.fsdecode(name) for name in listing.split(b"\0") if name]
        texts = {name: file_at(head, name) or "" for name in names if _published(name)}
    records = {}
    for relpath, text in texts.items():
        data = load_text(text, relpath).data
        if isinstance(data, dict):
            records[relpath] = data
    return records


def _previous_slugs(data: dict) -> list[str]:
    slugs = data.get("previous_slugs")
    return [slug for slug in slugs if isinstance(slug, str)] if isinstance(slugs, list) else []
