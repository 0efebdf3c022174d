"""``clinic-directory translations``: what each translation still lacks.

A message left untranslated shows in English and a fuzzy one (a guess made when the
English changed) is never shown, so both are worth a translator's look; neither
stops a build, so this reports them as warnings and exits 0. The pull-request
check runs it with ``--format github``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

from clinic_directory.site.translations import LOCALE_DIR, TEMPLATE


@dataclass(frozen=True)
class TranslationState:
    """How complete one language's catalogue is, next to the template."""

    lang: str
    path: Path
    total: int
    untranslated: tuple[str, ...]
    fuzzy: tuple[str, ...]
    missing: tuple[str, ...]  # in the template, not yet in the catalogue

    def warnings(self) -> list[str]:
        found = []
        if self.missing:
            found.append(
                f"{len(self.missing)} new messages are not in it yet: run `make translations`"
            )
        if self.untranslated:
            found.append(
                f"{len(self.untranslated)} of {self.total} messages are untranslated "
                f"(shown in English), e.g. {self.untranslated[0]!r}"
            )
        if self.fuzzy:
            found.append(
                f"{len(self.fuzzy)} translations are fuzzy (not shown until checked and "
                f"the fuzzy mark removed), e.g. {self.fuzzy[0]!r}"
            )
        return found


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def translation_states(locale_dir: Path = LOCALE_DIR) -> list[TranslationState]:
    with TEMPLATE.open("rb") as file:
        wanted = {_key(message.id) for message in read_po(file) if message.id}
    states = []
    for path in sorted(locale_dir.glob("*/LC_MESSAGES/messages.po")):
        with path.open("rb") as file:
            catalogue = read_po(file)
        messages = [message for message in catalogue if message.id]
        have = {_key(message.id) for message in messages}
        states.append(
            TranslationState(
                lang=path.parent.parent.name,
                path=path,
                total=len(messages),
                untranslated=tuple(
                    _key(m.id) for m in messages if not m.fuzzy and not _translated(m.string)
                ),
                fuzzy=tuple(_key(m.id) for m in messages if m.fuzzy),
                missing=tuple(sorted(wanted - have)),
            )
        )
    return states


def _translated(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "translations",
        help="report untranslated and fuzzy messages in each translation (warnings only)",
        description=(
            "Count, for each language's message catalogue, the messages still untranslated "
            "or fuzzy and those added to the template since it was updated. Always exits 0."
        ),
    )
    parser.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="github: warning annotations for a pull request's checks",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    for state in translation_states():
        warnings = state.warnings()
        if not warnings:
            print(f"{state.lang}: all {state.total} messages translated")
        for warning in warnings:
            if args.format == "github":
                print(f"::warning file={_relative(state.path)}::{warning}")
            else:
                print(f"{state.lang}: {warning}")
    return 0


def _relative(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
