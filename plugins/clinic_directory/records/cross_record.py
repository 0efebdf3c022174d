"""Rules across records: one clinic, one file, one identity."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from clinic_directory.errors import Problem
from clinic_directory.records.load import LoadedFile, relative_path
from clinic_directory.records.model import identity_of


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def _groups(
    records: list[LoadedFile], key: Callable[[dict[str, Any]], str]
) -> Iterator[list[LoadedFile]]:
    grouped: dict[str, list[LoadedFile]] = defaultdict(list)
    for loaded in records:
        grouped[key(loaded.data)].append(loaded)
    return (group for group in grouped.values() if len(group) > 1)


def duplicate_name_and_street(records: list[LoadedFile]) -> Iterator[Problem]:
    """One clinic location, one file: the same name at the same street is a duplicate."""
    for group in _groups(
        records,
        lambda data: _normalised(data["name"]) + "\n" + _normalised(data["address"]["street"]),
    ):
        for loaded in group:
            others = ", ".join(other.relpath for other in group if other is not loaded)
            yield loaded.problem(
                ("name",),
                f"another record has the same name and street: {others}",
                "each clinic location has one file; merge the two and delete the other",
            )


def duplicate_phone(records: list[LoadedFile]) -> Iterator[Problem]:
    """A shared phone number is only expected between locations of one organization."""
    for group in _groups(records, lambda data: re.sub(r"\D", "", data["phone"])):
        for loaded in group:
            organization = loaded.data.get("organization")
            clashing = [
                other.relpath
                for other in group
                if other is not loaded
                and (organization is None or other.data.get("organization") != organization)
            ]
            if clashing:
                yield loaded.problem(
                    ("phone",),
                    f"the phone number {loaded.data['phone']} is also listed in {', '.join(clashing)}",
                    "correct the number, or give locations of one provider the same `organization`",
                )


def previous_slug_conflicts(records: list[LoadedFile]) -> Iterator[Problem]:
    """A former identity redirects to one clinic and never replaces a page that exists.

    Without this, a record could list another clinic's identity and have the
    build write a redirect over that clinic's page.
    """
    current = {"/".join(identity_of(loaded.path)): loaded for loaded in records}
    claims: dict[str, list[LoadedFile]] = defaultdict(list)
    for loaded in records:
        for index, old in enumerate(loaded.data.get("previous_slugs", [])):
            claims[old].append(loaded)
            owner = current.get(old)
            if owner is loaded:
                yield loaded.problem(
                    ("previous_slugs", index),
                    f"{old} is this record's own identity, not a former one",
                    "list only identities the clinic had before; remove this entry",
                )
            elif owner is not None:
                yield loaded.problem(
                    ("previous_slugs", index),
                    f"{old} is the identity of {owner.relpath}, not a former one of this clinic",
                    "a redirect would replace that clinic's page; remove this entry",
                )
    for old, group in claims.items():
        for loaded in group if len(group) > 1 else ():
            others = ", ".join(other.relpath for other in group if other is not loaded)
            yield loaded.problem(
                ("previous_slugs",),
                f"the former identity {old} is also claimed by {others}",
                "a former identity redirects to one clinic; keep it in one record",
            )


def misplaced_files(relpaths: list[str]) -> Iterator[Problem]:
    """Records live at ``<folder>/<state>/<slug>.yaml``: deeper, a file could escape the
    folder's rules (a sample's ``sample: true``) or take another clinic's identity."""
    for relpath in relpaths:
        parts = relpath.split("/")
        yield Problem(
            relpath,
            1,
            1,
            "this record file is in a folder inside a state folder",
            f"move it to {parts[0]}/<state>/{parts[-1]}: records are one level below their state",
        )


def duplicate_identity(paths: list[Path], root: Path) -> Iterator[Problem]:
    """Two files, one clinic: ``x.yaml`` beside ``x.yml``, a case variant, or the same
    name in another record folder would publish one page over the other."""
    grouped: dict[str, list[Path]] = defaultdict(list)
    for path in paths:
        state, slug = identity_of(path)
        grouped[f"{state}/{slug}".casefold()].append(path)
    for identity, group in grouped.items():
        if len(group) < 2:
            continue
        relpaths = [relative_path(path, root) for path in group]
        for relpath in relpaths:
            others = ", ".join(other for other in relpaths if other != relpath)
            yield Problem(
                relpath,
                1,
                1,
                f"this file and {others} are both the clinic {identity}",
                "keep one file per clinic: merge them and delete the other, or rename one",
            )
