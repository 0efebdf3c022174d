"""Plugin settings are defaulted and checked once, with messages naming the setting."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_directory.errors import ConfigurationError
from clinic_directory.site.settings import apply_defaults, read_settings


def settings(**changes):
    values = {"PATH": "/site/content"}
    apply_defaults(values)
    values.update(changes)
    return values


def test_defaults_follow_pelicans_url_conventions() -> None:
    values = settings()
    assert values["CLINIC_URL"] == "clinics/{state}/{slug}/"
    assert values["CLINIC_SAVE_AS"] == "clinics/{state}/{slug}/index.html"
    options = read_settings(values)
    assert [p.as_posix() for p in options.records_paths] == ["/site/clinics"]
    assert options.tile_origin == "https://tile.openstreetmap.org"


def test_explicit_settings_are_not_overwritten_by_defaults() -> None:
    values = {"PATH": "/site/content", "CLINIC_PER_PAGE": 50}
    apply_defaults(values)
    assert read_settings(values).per_page == 50


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CLINICS_PATHS", "clinics", "CLINICS_PATHS must be a list of folders"),
        ("CLINIC_PER_PAGE", 0, "CLINIC_PER_PAGE must be a positive whole number"),
        ("CLINIC_TILE_URL", "https://tiles.example/map.png", "CLINIC_TILE_URL must be"),
        ("CLINIC_REPO_URL", "http://github.com/x/y", "CLINIC_REPO_URL must be an https:// URL"),
        ("CLINIC_URL", "clinics/{slug}/", r"CLINIC_URL must name \{state\} and \{slug\}"),
        ("CLINIC_JSON_SAVE_AS", "clinics/{oops}.json", "CLINIC_JSON_SAVE_AS must name"),
        ("STATE_URL", "states/", r"STATE_URL must name \{slug\}"),
    ],
)
def test_wrong_settings_fail_at_start_up_naming_the_setting(name, value, message) -> None:
    with pytest.raises(ConfigurationError, match=message):
        read_settings(settings(**{name: value}))


def test_edit_link_points_at_the_records_file_in_the_repository() -> None:
    options = read_settings(settings(CLINIC_REPO_URL="https://github.com/org/repo/"))
    assert (
        options.edit_url("clinics/tx/a.yaml")
        == "https://github.com/org/repo/edit/main/clinics/tx/a.yaml"
    )
    assert read_settings(settings()).edit_url("clinics/tx/a.yaml") == ""


def test_today_can_be_pinned_for_reproducible_builds() -> None:
    assert read_settings(settings(CLINIC_TODAY="2026-01-31")).today == date(2026, 1, 31)


def test_report_a_problem_link_names_the_clinic() -> None:
    url = "https://github.com/org/repo/issues/new?template=report.yml&clinic={identity}"
    options = read_settings(settings(CLINIC_ISSUE_URL=url))
    assert options.problem_url("tx/lantern-hill").endswith("&clinic=tx/lantern-hill")


def test_records_work_is_remembered_in_the_cache_folder_except_when_publishing() -> None:
    cache = read_settings(settings(CACHE_PATH="/site/cache")).cache
    assert cache is not None and cache.as_posix() == "/site/cache/clinic-directory"
    assert read_settings(settings(CACHE_PATH="/site/cache", CLINIC_PUBLISH=True)).cache is None
