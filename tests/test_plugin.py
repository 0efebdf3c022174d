"""The plugin only acts for Pelican instances that enable it, even in one process."""

from __future__ import annotations

from sites import TinySite, record


def test_a_build_without_the_plugin_after_one_with_it_writes_no_clinics(
    tiny_site: TinySite,
) -> None:
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.build()
    assert (tiny_site.output / "clinics/tx/lantern-hill/index.html").exists()
    tiny_site.build(
        PLUGINS=[], THEME="notmyidea", PAGE_PATHS=["pages"], DELETE_OUTPUT_DIRECTORY=True
    )
    assert not (tiny_site.output / "clinics").exists()
    assert (tiny_site.output / "about/index.html").exists()
    assert not (tiny_site.root / "output.building").exists()
