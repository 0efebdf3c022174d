"""The plugin only acts for Pelican instances that enable it, even in one process."""

from __future__ import annotations

from types import SimpleNamespace

from sites import TinySite, record

from clinic_directory.site.generator import ClinicGenerator
from clinic_directory.site.plugin import get_generators


def test_generator_is_offered_only_when_the_plugin_is_enabled() -> None:
    enabled = SimpleNamespace(settings={"PLUGINS": ["clinic_directory"]})
    disabled = SimpleNamespace(settings={"PLUGINS": ["sitemap"]})
    assert get_generators(enabled) is ClinicGenerator
    assert get_generators(disabled) is None


def test_a_build_without_the_plugin_after_one_with_it_writes_no_clinics(
    tiny_site: TinySite,
) -> None:
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build()
    assert (tiny_site.output / "clinics/tx/lantern-hill/index.html").exists()
    tiny_site.build(PLUGINS=[], THEME="notmyidea", PAGE_PATHS=["pages"])
    assert not (tiny_site.output / "clinics").exists()
