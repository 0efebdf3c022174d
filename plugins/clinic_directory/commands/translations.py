"""``clinic-directory translations``: what each translation still lacks, and what in
it would break a page.

A message left untranslated shows in English and a fuzzy one (a guess made when the
English changed) is never shown, so both are worth a translator's look; neither
stops a build, so they are warnings. A translation whose placeholders differ from
its message's (``%(state)s``, ``{count}``) would fail the build or show a
placeholder to visitors: that is an error, and the command exits 1. The
pull-request check runs it with ``--format github``.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from clinic_directory.site.translations import LOCALE_DIR, TEMPLATE

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
#: What a plural's form for one may leave out ("Una clínica" for "{count} clinic").
COUNTS = {"%(num)s", "%(num)d", "%(count)s", "{count}", "{num}"}


@dataclass(frozen=True)
class TranslationState:
    """How complete one language's catalogue is, next to the template."""

    lang: str
    path: Path
    total: int
    untranslated: tuple[str, ...]
    fuzzy: tuple[str, ...]
    missing: tuple[str, ...]  # in the template, not yet in the catalogue
    broken: tuple[str, ...] = ()  # translations whose placeholders differ

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


def translation_states(locale_dir: Path | None = None) -> list[TranslationState]:
    """Each language's catalogue in ``locale_dir`` (the plugin's own by default)."""
    with TEMPLATE.open("rb") as file:
        wanted = {_key(message.id) for message in read_po(file) if message.id}
    states = []
    for path in sorted((locale_dir or LOCALE_DIR).glob("*/LC_MESSAGES/messages.po")):
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
                broken=tuple(p for m in messages for p in placeholder_problems(m)),
            )
        )
    return states


def placeholder_problems(message: Any) -> list[str]:
    """How a translation's placeholders differ from its message's."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    expected = {name for text in ids for name in PLACEHOLDER.findall(text)}
    problems = []
    for form in (f for f in forms if f and not message.fuzzy):
        found = set(PLACEHOLDER.findall(form))
        left_out = expected - found - (COUNTS if len(ids) > 1 else set())
        if found - expected or left_out:
            problems.append(
                f"{_key(message.id)!r}: the translation has {sorted(found)}, the message "
                f"{sorted(expected)}: use the message's placeholders, unchanged"
            )
    return problems


def _translated(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "translations",
        help="report untranslated and fuzzy messages (warnings) and broken placeholders (errors)",
        description=(
            "Count, for each language's message catalogue, the messages still untranslated "
            "or fuzzy and those added to the template since it was updated (warnings), and "
            "list translations whose placeholders differ from the message's (errors: exit 1)."
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
    status = 0
    for state in translation_states():
        warnings = state.warnings()
        if not warnings and not state.broken:
            print(f"{state.lang}: all {state.total} messages translated")
        said = [("warning", text) for text in warnings] + [("error", t) for t in state.broken]
        for level, text in said:
            if args.format == "github":
                print(f"::{level} file={_relative(state.path)}::{text}")
            else:
                print(f"{state.lang}: {level}: {text}")
        status = status or int(bool(state.broken))
    return status


def _relative(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
