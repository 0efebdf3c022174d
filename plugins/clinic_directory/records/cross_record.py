"""Rules across records: one clinic, one file, one identity.

Values are compared in the form a reader sees (``text.comparison_key``): a name
written with a Cyrillic 'а', in full-width letters or with different capitals is
the same name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from clinic_directory.errors import Problem
from clinic_directory.records.load import LoadedFile, relative_path
from clinic_directory.records.model import identity_of
from clinic_directory.records.text import comparison_key, visible

#: Gives the ``organization`` a record had before the change being checked: ``None``
#: when it had none (or did not exist), the current value when it did not change.
OrganizationBefore = Callable[[LoadedFile], str | None]
_NOT_A_DIGIT = re.compile("[^0-9]")


def _listing(relpaths: list[str]) -> str:
    return ", ".join(visible(relpath) for relpath in relpaths)


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
        lambda data: (
            comparison_key(data["name"]) + "\n" + comparison_key(data["address"]["street"])
        ),
    ):
        for loaded in group:
            others = _listing([other.relpath for other in group if other is not loaded])
            yield loaded.problem(
                ("name",),
                f"another record has the same name and street: {others}",
                "each clinic location has one file; merge the two and delete the other",
            )


def duplicate_phone(
    records: list[LoadedFile], organization_before: OrganizationBefore | None = None
) -> Iterator[Problem]:
    """A shared phone number is only expected between locations of one organization.

    Sharing is an error unless both records name the same organization (compared as a
    reader sees it). It is a warning when one of them gained that organization in the
    change being checked (``organization_before``, known with ``--changed-since``):
    adding another provider's name is how a record would borrow its number.
    """
    for group in _groups(records, lambda data: _NOT_A_DIGIT.sub("", data["phone"])):
        keys = [
            comparison_key(loaded.data["organization"]) if "organization" in loaded.data else None
            for loaded in group
        ]
        for loaded, key in zip(group, keys, strict=True):
            organization = loaded.data.get("organization")
            clashing, shared = [], []
            for other, their_key in zip(group, keys, strict=True):
                if other is not loaded:
                    same = key is not None and their_key == key
                    (shared if same else clashing).append(other.relpath)
            phone = visible(loaded.data["phone"])
            if clashing:
                yield loaded.problem(
                    ("phone",),
                    f"the phone number {phone} is also listed in {_listing(clashing)}",
                    "correct the number, or give locations of one provider the same `organization`",
                )
            elif shared and organization_before and _gained(loaded, key, organization_before):
                yield loaded.problem(
                    ("organization",),
                    f"this change adds the organization '{visible(organization)}', which lets "
                    f"the record share the phone number {phone} with {_listing(shared)}",
                    "a reviewer should check that both are locations of one provider",
                    severity="warning",
                )


def _gained(loaded: LoadedFile, key: str | None, organization_before: OrganizationBefore) -> bool:
    before = organization_before(loaded)
    return before is None or comparison_key(before) != key


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
                    f"{old} is the identity of {visible(owner.relpath)}, "
                    "not a former one of this clinic",
                    "a redirect would replace that clinic's page; remove this entry",
                )
    for old, group in claims.items():
        for loaded in group if len(group) > 1 else ():
            others = _listing([other.relpath for other in group if other is not loaded])
            yield loaded.problem(
                ("previous_slugs",),
                f"the former identity {old} is also claimed by {others}",
                "a former identity redirects to one clinic; keep it in one record",
            )


def misplaced_files(misplaced: list[tuple[str, str]]) -> Iterator[Problem]:
    """Records live at ``<folder>/<state>/<slug>.yaml``, given as (file, folder) pairs of
    reported paths: deeper or shallower, a file could escape its folder's rules (a
    sample's ``sample: true``, the state folder) or take another clinic's identity."""
    for relpath, folder in misplaced:
        yield Problem(
            relpath,
            1,
            1,
            f"this record file is not directly in a state folder of {visible(folder)}/",
            f"move it to {visible(folder)}/<state>/{visible(relpath.rsplit('/', 1)[-1])}: "
            "records sit one level below their records folder, in the folder of their state",
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
            others = _listing([other for other in relpaths if other != relpath])
            yield Problem(
                relpath,
                1,
                1,
                f"this file and {others} are both the clinic {visible(identity)}",
                "keep one file per clinic: merge them and delete the other, or rename one",
            )
