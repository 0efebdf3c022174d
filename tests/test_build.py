"""Rebuilding a built site: only what changed is rewritten, and a failure changes nothing."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from sites import TinySite, record

from clinic_directory.site import opendata
from clinic_directory.site.publish import BuildFailedError
from clinic_directory.errors import InvalidRecordsError
from clinic_directory.fingerprint import BuildManifest
from clinic_directory.site.generator import ClinicGenerator, SiteWideOnlyError
from clinic_directory.site.search import BUNDLE_FOLDER

PAGE = "clinics/tx/{}/index.html"


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file's inode and modification time: what a deploy tool compares."""
    return {
        path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file()
    }


def cedar_row(**changes: object) -> dict:
    """A second valid clinic, distinct from ``record()`` in name, phone and address."""
    return record(
        **{
            "name": "Cedar Row Ketamine",
            "phone": "+1 512-555-0199",
            "address": {**record()["address"], "street": "9 Cedar Row"},
            **changes,
        }
    )


def fragments_by_shard(bundle: Path) -> dict[str, dict[str, tuple[int, int]]]:
    """The search fragments' stamps, grouped by shard folder ("" is the primary)."""
    groups: dict[str, dict[str, tuple[int, int]]] = {}
    for name, stamp in stamps(bundle).items():
        shard, found, _ = name.rpartition("fragment/")
        if found:
            groups.setdefault(shard, {})[name] = stamp
    return groups


def searchable_text(site: Path) -> str:
    """The text of every page in the search index, whichever shard holds it."""
    fragments = (site / BUNDLE_FOLDER).rglob("*.pf_fragment")
    return "\n".join(gzip.decompress(path.read_bytes()).decode() for path in fragments)


@pytest.fixture
def built(tiny_site: TinySite) -> TinySite:
    tiny_site.add("tx/lantern-hill", record())
    tiny_site.add("tx/cedar-row", cedar_row())
    tiny_site.build()
    return tiny_site


def test_rebuild_without_changes_rewrites_nothing(built: TinySite) -> None:
    before = stamps(built.output)
    result = built.build()
    assert result.changed == 0
    assert stamps(built.output) == before


def test_editing_one_record_rewrites_its_page_and_leaves_the_others(built: TinySite) -> None:
    before = stamps(built.output)
    built.add("tx/lantern-hill", record(description="Now offering evening infusions."))
    result = built.build()

    assert "Now offering evening infusions." in built.page(PAGE.format("lantern-hill"))
    assert "evening" in built.page("clinics/tx/lantern-hill/clinic.json")
    assert "evening" in built.page("data/clinics.json")
    assert "Now offering evening infusions." in searchable_text(built.output)
    after = stamps(built.output)
    assert after[PAGE.format("lantern-hill")] != before[PAGE.format("lantern-hill")]
    for untouched in (
        PAGE.format("cedar-row"),
        "clinics/tx/cedar-row/clinic.json",
        "about/index.html",
    ):
        assert after[untouched] == before[untouched], untouched
    changed = {name for name in after if after[name] != before.get(name)}
    assert result.changed == len(changed) < len(after) // 2


def test_the_open_data_is_assembled_from_kept_parts_and_only_the_edit_is_exported(
    built: TinySite, monkeypatch: pytest.MonkeyPatch
) -> None:
    exported: list[str] = []
    real = opendata.record_export

    def counting(item, url):
        exported.append(item.identity)
        return real(item, url)

    monkeypatch.setattr(opendata, "record_export", counting)
    built.add("tx/cedar-row", cedar_row(organization="Cedar Health Partners"))
    built.build()

    assert exported == ["tx/cedar-row"]
    clinics = json.loads(built.page("data/clinics.json"))["clinics"]
    assert [c["record"]["name"] for c in clinics] == [
        "Cedar Row Ketamine",
        "Lantern Hill Ketamine Clinic",
    ]
    assert clinics[0]["record"]["organization"] == "Cedar Health Partners"
    assert "Cedar Health Partners" in built.page("data/clinics.csv")
    assert "Cedar Health Partners" in built.page("data/hsds/services.json")


def test_deleting_a_record_removes_its_pages(built: TinySite) -> None:
    (built.root / "clinics/tx/cedar-row.yaml").unlink()
    built.build()
    assert not (built.output / "clinics/tx/cedar-row").exists()
    assert "Cedar Row" not in built.page("data/clinics.json")
    assert "Cedar Row" not in searchable_text(built.output)
    assert (built.output / PAGE.format("lantern-hill")).exists()


def edit_clinic_template(site: TinySite, old: str, new: str) -> None:
    template = site.root / "theme/templates/clinic.html"
    template.write_text(template.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_template_change_renders_every_clinic_page_again(built: TinySite) -> None:
    edit_clinic_template(
        built, '<h2 id="sources">Sources</h2>', '<h2 id="sources">Where we checked</h2>'
    )
    built.build()
    for slug in ("lantern-hill", "cedar-row"):
        assert "Where we checked" in built.page(PAGE.format(slug))


def test_a_settings_change_reaches_kept_pages(built: TinySite) -> None:
    built.build(CLINIC_REPO_URL="https://git.example/fork")
    for slug in ("lantern-hill", "cedar-row"):
        assert "https://git.example/fork/edit/main/clinics/tx/" in built.page(PAGE.format(slug))


def test_a_failed_rebuild_leaves_the_previous_output_untouched(built: TinySite) -> None:
    before = stamps(built.output)
    contents = {name: (built.output / name).read_bytes() for name in before}
    built.add("tx/lantern-hill", record(description="An edit that never ships."))
    built.add("tx/broken", record(phone=5125550100))
    with pytest.raises(InvalidRecordsError):
        built.build()
    (built.root / "clinics/tx/broken.yaml").unlink()
    template = built.root / "theme/templates/redirect.html"
    template.write_text("{{ no_such_thing.attribute.deeper }}", encoding="utf-8")
    built.add("tx/lantern-hill", record(previous_slugs=["tx/old-lantern"]))
    with pytest.raises(Exception, match="no_such_thing"):  # fails after pages were written
        built.build()
    assert stamps(built.output) == before
    assert {name: (built.output / name).read_bytes() for name in before} == contents
    assert not (built.root / "output.building").exists()


def test_a_corrupt_or_missing_manifest_means_a_full_build(built: TinySite) -> None:
    manifests = list((built.root / "cache" / "clinic-directory").glob("*.json"))
    assert manifests
    for manifest in manifests:
        manifest.write_text('{"version": 1, "output": "elsewhere", "units": [', encoding="utf-8")
    built.add("tx/lantern-hill", record(description="Edited while the cache was broken."))
    built.build()
    assert "Edited while the cache was broken." in built.page(PAGE.format("lantern-hill"))
    assert "Edited while the cache was broken." in searchable_text(built.output)

    for manifest in manifests:
        manifest.unlink()
    built.build()
    assert "Edited while the cache was broken." in built.page(PAGE.format("lantern-hill"))
    before = stamps(built.output)  # and the next build trusts the manifest written again
    built.add("tx/cedar-row", cedar_row(description="Second edit."))
    built.build()
    assert stamps(built.output)[PAGE.format("lantern-hill")] == before[PAGE.format("lantern-hill")]


def test_an_edit_renders_again_only_the_listing_pages_that_show_the_clinic(
    built: TinySite, monkeypatch: pytest.MonkeyPatch
) -> None:
    built.build(CLINIC_PER_PAGE=1)
    rendered: list[tuple[str, str]] = []
    real = ClinicGenerator.write

    def recording(self, writer, name, template, **page):
        rendered.append((template, name))
        return real(self, writer, name, template, **page)

    monkeypatch.setattr(ClinicGenerator, "write", recording)
    built.add("tx/cedar-row", cedar_row(name="Cedar Row Ketamine Care"))
    built.build(CLINIC_PER_PAGE=1)

    listings = [
        "clinics/index.html",
        "clinics/page/2/index.html",
        "clinics/tx/index.html",
        "clinics/tx/page/2/index.html",
    ]
    showing = {name for name in listings if "Cedar Row Ketamine Care" in built.page(name)}
    assert len(showing) == 2
    assert {name for template, name in rendered if template in ("clinics", "state")} == showing


def test_a_published_file_changed_by_hand_is_rendered_again(built: TinySite) -> None:
    page = built.output / PAGE.format("cedar-row")
    page.write_text("tampered", encoding="utf-8")
    built.build()
    assert "<h1>Cedar Row Ketamine</h1>" in built.page(PAGE.format("cedar-row"))


def test_rebuilding_never_writes_through_into_the_previous_output(built: TinySite) -> None:
    retired = built.root / "kept-copy"
    os.link(built.output / "data/clinics.json", retired)  # as a deploy tool might hold it
    before = retired.read_bytes()
    built.add("tx/lantern-hill", record(description="Changed open data."))
    built.build()
    assert retired.read_bytes() == before
    assert "Changed open data." in built.page("data/clinics.json")


def test_the_replaced_output_waits_beside_it_until_the_next_build_deletes_it(
    built: TinySite,
) -> None:
    retired = built.output.with_name(f"{built.output.name}.previous")
    built.add("tx/lantern-hill", record(description="First edit."))
    built.build()
    assert "First edit." not in (retired / PAGE.format("lantern-hill")).read_text("utf-8")

    built.add("tx/lantern-hill", record(description="Second edit."))
    built.build()

    assert "First edit." in (retired / PAGE.format("lantern-hill")).read_text("utf-8")
    assert "Second edit." in built.page(PAGE.format("lantern-hill"))
    assert sorted(path.name for path in built.output.parent.iterdir() if "output" in path.name) == [
        built.output.name,
        retired.name,
    ]


def site_files(folder: Path) -> dict[str, bytes]:
    """Every file but the search bundle (Pagefind's own output varies between runs)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and BUNDLE_FOLDER not in path.relative_to(folder).parts
    }


def test_rendering_in_two_processes_writes_the_same_site(built: TinySite) -> None:
    built.add(
        "tx/harbor-light",
        cedar_row(
            name="Harbor Light Ketamine",
            phone="+1 512-555-0177",
            address={**record()["address"], "street": "4 Harbor Light"},
        ),
    )
    built.build(CLINIC_RENDER_PROCESSES=1)
    alone = site_files(built.output)

    shared = built.build(CLINIC_RENDER_PROCESSES=2)  # a settings change: every page again

    assert shared.changed == 0
    assert site_files(built.output) == alone
    # What the forked share rendered is remembered, so the next build keeps it.
    remembered = BuildManifest.load(built.root / "cache", built.output.resolve(), "pages")
    units = {"clinic:tx/lantern-hill", "clinic:tx/cedar-row", "clinic:tx/harbor-light"}
    assert units <= remembered.previous.keys()


def test_a_failure_in_either_process_fails_the_build_and_keeps_the_output(
    built: TinySite,
) -> None:
    before = stamps(built.output)
    edit_clinic_template(
        built,
        "{% block main %}",
        "{% block main %}{% if clinic.record.slug == 'cedar-row' %}{{ clinics|length }}{% endif %}",
    )
    with pytest.raises((SiteWideOnlyError, BuildFailedError), match="clinics"):
        built.build(CLINIC_RENDER_PROCESSES=2)
    assert stamps(built.output) == before


def test_clinic_pages_may_not_read_other_records(built: TinySite) -> None:
    edit_clinic_template(built, "{% block main %}", "{% block main %}{{ listed_clinics|length }}")
    with pytest.raises((SiteWideOnlyError, BuildFailedError), match="listed_clinics"):
        built.build()


def test_the_search_index_is_split_into_shards_and_rebuilt_one_at_a_time(
    tiny_site: TinySite,
) -> None:
    for number in range(6):
        tiny_site.add(
            f"tx/clinic-{number}",
            record(
                name=f"Clinic {number} Ketamine",
                phone=f"+1 512-555-01{number:02d}",
                address={**record()["address"], "street": f"{number + 1} Quill Row"},
            ),
        )
    tiny_site.build(CLINIC_SEARCH_SHARD_PAGES=4)
    bundle = tiny_site.output / BUNDLE_FOLDER
    shards = json.loads((bundle / "shards.json").read_text(encoding="utf-8"))["shards"]
    assert shards and all((bundle / shard / "pagefind-entry.json").is_file() for shard in shards)
    before = fragments_by_shard(bundle)

    tiny_site.add("tx/clinic-3", record(name="Clinic 3 Ketamine", description="Quillwort."))
    tiny_site.build(CLINIC_SEARCH_SHARD_PAGES=4)

    assert "Quillwort." in searchable_text(tiny_site.output)
    after = fragments_by_shard(bundle)
    assert after.keys() == before.keys() == {"", *shards}
    assert [shard for shard in after if after[shard] != before[shard]] != []
    assert len([shard for shard in after if after[shard] != before[shard]]) == 1
