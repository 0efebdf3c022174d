"""Publishing: ``pelican`` alone builds the whole site, and a failed build changes nothing."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pelican import Pelican, signals
from sites import TinySite, record

from clinic_directory.errors import InvalidRecordsError
from clinic_directory.site.publish import BuildFailedError, publication_of


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def without_search(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind names some of its files by hashes of its run: leave its bundle out."""
    return {name: data for name, data in files.items() if not name.startswith("pagefind/")}


def cedar_row() -> dict:
    """A second valid clinic, distinct from ``record()`` in name, phone and address."""
    return record(
        name="Cedar Row Ketamine",
        phone="+1 512-555-0199",
        address={**record()["address"], "street": "9 Cedar Row"},
    )


@pytest.fixture
def built(tiny_site: TinySite) -> TinySite:
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.add("tx/cedar-row", cedar_row())
    tiny_site.build()
    return tiny_site


def test_pelican_alone_builds_the_whole_site_the_command_builds(built: TinySite) -> None:
    by_command = tree(built.output)

    Pelican(built.settings(OUTPUT_PATH=str(built.output))).run()

    by_pelican = tree(built.output)
    assert "pagefind/pagefind.js" in by_pelican and "pagefind/pagefind.js" in by_command
    assert without_search(by_pelican) == without_search(by_command)
    assert "data/index.json" in by_pelican and "_headers" in by_pelican
    assert not (built.root / "output.building").exists()


def test_deleting_a_record_removes_its_pages_and_data(built: TinySite) -> None:
    (built.root / "clinics/tx/cedar-row.yaml").unlink()
    built.build()
    assert not (built.output / "clinics/tx/cedar-row").exists()
    assert "Cedar Row" not in built.page("data/clinics.json")
    assert (built.output / "clinics/tx/lantern-hill/index.html").exists()


def test_an_invalid_record_publishes_nothing(built: TinySite) -> None:
    before = tree(built.output)
    built.add("tx/lantern-hill", record(description="An edit that never ships."))
    built.add("tx/broken", record(phone=5125550100))

    with pytest.raises(InvalidRecordsError, match="phone"):
        built.build()

    assert tree(built.output) == before
    assert not (built.root / "output.building").exists()


def test_a_template_error_after_pages_were_written_publishes_nothing(built: TinySite) -> None:
    before = tree(built.output)
    template = built.root / "theme/templates/redirect.html"
    template.write_text("{{ no_such_thing.attribute.deeper }}", encoding="utf-8")
    built.add("tx/lantern-hill", record(previous_slugs=["tx/old-lantern"]))

    with pytest.raises(Exception, match="no_such_thing"):
        built.build()

    assert tree(built.output) == before


def test_an_error_logged_anywhere_in_the_build_publishes_nothing(built: TinySite) -> None:
    before = tree(built.output)

    def complain(generators: list) -> None:
        logging.getLogger("some.plugin").error("a plugin could not do its job")

    signals.all_generators_finalized.connect(complain)
    try:
        with pytest.raises(BuildFailedError, match="could not do its job"):
            built.build()
    finally:
        signals.all_generators_finalized.disconnect(complain)

    assert tree(built.output) == before
    assert not (built.root / "output.building").exists()
    built.build()  # the next build, without the error, publishes
    assert without_search(tree(built.output)) == without_search(before)


def test_the_publish_build_writes_host_headers_from_the_pages_policy(built: TinySite) -> None:
    headers = built.page("_headers")
    home = built.page("index.html")
    policy = headers.split("Content-Security-Policy: ", 1)[1].splitlines()[0]
    assert f'content="{policy}'.replace("'", "&#39;") in home
    assert "X-Frame-Options: DENY" in headers and "X-Content-Type-Options: nosniff" in headers


def test_a_rebuild_in_the_same_process_keeps_unchanged_clinics_and_matches_a_fresh_build(
    built: TinySite,
) -> None:
    """What ``serve`` does after an edit: the same site as a build from scratch."""
    pelican = Pelican(built.settings(OUTPUT_PATH=str(built.output), CLINIC_SEARCH_INDEX=False))
    publication_of(pelican).rendered = {}
    pelican.run()
    built.add("tx/cedar-row", {**cedar_row(), "description": "Edited after the first run."})
    pelican.run()
    kept = tree(built.output)

    built.build(CLINIC_SEARCH_INDEX=False)

    assert kept == tree(built.output)
    assert "Edited after the first run." in built.page("clinics/tx/cedar-row/index.html")
    assert "Edited after the first run." in built.page("data/clinics.json")
