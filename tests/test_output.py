"""Writing into a staging folder: unchanged files stay the published ones, nothing leaks back."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_directory.output import StagedOutput, stamp_of


@pytest.fixture
def staged(tmp_path: Path) -> StagedOutput:
    published = tmp_path / "output"
    (published / "a").mkdir(parents=True)
    (published / "a/page.html").write_text("old", encoding="utf-8")
    (published / "a/other.html").write_text("same", encoding="utf-8")
    return StagedOutput(tmp_path / "output.building", published)


def test_identical_bytes_keep_the_published_file(staged: StagedOutput) -> None:
    assert staged.write_text("a/other.html", "same") is False
    assert stamp_of(staged.folder / "a/other.html") == stamp_of(staged.previous / "a/other.html")


def test_changed_bytes_never_reach_the_published_file(staged: StagedOutput) -> None:
    staged.write_text("a/page.html", "old")  # now a hard link to the published file
    assert staged.write_text("a/page.html", "new") is True
    assert (staged.folder / "a/page.html").read_text(encoding="utf-8") == "new"
    assert (staged.previous / "a/page.html").read_text(encoding="utf-8") == "old"


def test_keep_carries_over_all_files_or_none(staged: StagedOutput) -> None:
    good = stamp_of(staged.previous / "a/page.html")
    assert good is not None
    wrong = (good[0], good[1], good[2] + 1)
    assert not staged.keep({"a/page.html": good, "a/other.html": wrong})
    assert not (staged.folder / "a/page.html").exists()
    assert staged.keep({"a/page.html": good})
    assert (staged.folder / "a/page.html").read_text(encoding="utf-8") == "old"


def test_in_place_leaves_unchanged_files_alone(staged: StagedOutput) -> None:
    in_place = StagedOutput(staged.previous, staged.previous)
    before = stamp_of(staged.previous / "a/other.html")
    assert in_place.write_text("a/other.html", "same") is False
    assert stamp_of(staged.previous / "a/other.html") == before
    assert in_place.write_text("a/page.html", "new") is True
    assert (staged.previous / "a/page.html").read_text(encoding="utf-8") == "new"


def test_an_adopted_folder_keeps_published_files_whose_bytes_did_not_change(
    staged: StagedOutput, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "deeper").mkdir(parents=True)
    (bundle / "other.html").write_text("same", encoding="utf-8")
    (bundle / "page.html").write_text("ol!", encoding="utf-8")  # same size, other bytes
    (bundle / "deeper/new.html").write_text("new", encoding="utf-8")

    names = staged.adopt(bundle, "a")

    assert sorted(names) == ["a/deeper/new.html", "a/other.html", "a/page.html"]
    assert stamp_of(staged.folder / "a/other.html") == stamp_of(staged.previous / "a/other.html")
    assert (staged.folder / "a/page.html").read_text(encoding="utf-8") == "ol!"
    assert (staged.previous / "a/page.html").read_text(encoding="utf-8") == "old"
    assert (staged.folder / "a/deeper/new.html").read_text(encoding="utf-8") == "new"
    # Moved, not copied: only the unchanged file is left behind.
    assert sorted(p.name for p in bundle.rglob("*") if p.is_file()) == ["other.html"]
