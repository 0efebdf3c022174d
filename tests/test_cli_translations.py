"""``clinic-directory translations``: what a translator still has to do, and what would break."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import write_po

from clinic_directory.cli import main
from clinic_directory.commands import translations as command


def spanish(folder: Path, *messages: Message) -> Path:
    catalog = Catalog(locale="es")
    for message in messages:
        catalog[message.id] = message
    path = folder / "es" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as file:
        write_po(file, catalog)
    return path


def test_untranslated_fuzzy_and_new_messages_are_counted(tmp_path: Path) -> None:
    spanish(
        tmp_path,
        Message("Compare clinics", "Comparar clínicas"),
        Message("Find a clinic", ""),
        Message("Search", "Buscar", flags={"fuzzy"}),
    )

    [state] = command.translation_states(tmp_path)

    assert (state.lang, state.total) == ("es", 3)
    assert state.untranslated == ("Find a clinic",)
    assert state.fuzzy == ("Search",)
    assert "Map" in state.missing  # in the template, not yet in this catalogue
    assert [w.split(":")[0] for w in state.warnings()] == [
        f"{len(state.missing)} new messages are not in it yet",
        "1 of 3 messages are untranslated (shown in English), e.g. 'Find a clinic'",
        "1 translations are fuzzy (not shown until checked and the fuzzy mark removed), e.g. 'Search'",
    ]


@pytest.mark.parametrize(
    ("message", "broken"),
    [
        (Message("Clinics in %(state)s", "Clínicas en %(state)s"), False),
        (Message("Clinics in %(state)s", "Clínicas en %(estado)s"), True),
        (Message("Verified {date}", "Verificada"), True),
        (
            Message(("{count} clinic", "{count} clinics"), ("Una clínica", "{count} clínicas")),
            False,
        ),
        (Message(("{count} clinic", "{count} clinics"), ("Una clínica", "{total} clínicas")), True),
    ],
)
def test_a_translation_must_keep_its_messages_placeholders(message: Message, broken: bool) -> None:
    assert bool(command.placeholder_problems(message)) is broken


def test_a_broken_placeholder_fails_the_check_and_a_missing_translation_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spanish(tmp_path, Message("Find a clinic", ""))
    monkeypatch.setattr(command, "LOCALE_DIR", tmp_path)
    assert main(["translations", "--format", "github"]) == 0
    assert capsys.readouterr().out.startswith("::warning file=")

    (tmp_path / "es").rename(tmp_path / "old")
    spanish(tmp_path, Message("Clinics in %(state)s", "Clínicas en %(estado)s"))
    assert main(["translations"]) == 1
    assert "es: error: 'Clinics in %(state)s'" in capsys.readouterr().out
