"""Pages rendered by worker processes: the same site, the same signals, the same failures."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from pelican import signals
from sites import TinySite, record

from clinic_directory.site import render_pool
from clinic_directory.site.generator import ClinicGenerator
from clinic_directory.site.publish import BuildFailedError


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith("pagefind/")
    }


@pytest.fixture
def three_clinics(tiny_site: TinySite) -> TinySite:
    for number in range(3):
        tiny_site.add(
            f"tx/clinic-{number}",
            record(
                name=f"Clinic Number {number}",
                phone=f"+1 512-555-010{number}",
                address={**record()["address"], "street": f"{number} Larkspur Lane"},
            ),
        )
    return tiny_site


def test_a_large_site_gets_a_worker_per_processor_and_a_small_one_none() -> None:
    assert render_pool.processes_for(render_pool.MIN_CLINICS - 1) == 1
    assert render_pool.processes_for(render_pool.MIN_CLINICS) == len(os.sched_getaffinity(0))


def test_workers_write_the_same_site_and_pelican_hears_of_every_page(
    three_clinics: TinySite, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard: list[str] = []

    def listen(path: str, **_: object) -> None:
        heard.append(Path(path).relative_to(three_clinics.root / "output.building").as_posix())

    three_clinics.build(CLINIC_SEARCH_INDEX=False)
    alone = tree(three_clinics.output)

    monkeypatch.setattr("clinic_directory.site.generator.processes_for", lambda clinics: 2)
    signals.content_written.connect(listen)
    try:
        three_clinics.build(CLINIC_SEARCH_INDEX=False)
    finally:
        signals.content_written.disconnect(listen)

    assert tree(three_clinics.output) == alone
    pages = [f"clinics/tx/clinic-{n}/index.html" for n in range(3)] + ["clinics/tx/index.html"]
    assert all(heard.count(page) == 1 for page in pages)


def test_an_error_logged_in_a_worker_fails_the_build(
    three_clinics: TinySite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("clinic_directory.site.generator.processes_for", lambda clinics: 2)
    original = ClinicGenerator.write_clinic

    def complaining(self, writer, clinic):  # runs in a worker
        logging.getLogger("some.theme").error("%s could not be drawn", clinic.title)
        return original(self, writer, clinic)

    monkeypatch.setattr(ClinicGenerator, "write_clinic", complaining)
    with pytest.raises(BuildFailedError, match="could not be drawn"):
        three_clinics.build(CLINIC_SEARCH_INDEX=False)


def test_an_exception_in_a_worker_reaches_the_build_with_its_traceback(
    three_clinics: TinySite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("clinic_directory.site.generator.processes_for", lambda clinics: 2)
    template = three_clinics.root / "theme/templates/clinic.html"
    template.write_text("{{ clinic.no_such_thing.deeper }}", encoding="utf-8")

    with pytest.raises(Exception, match="no_such_thing") as raised:
        three_clinics.build(CLINIC_SEARCH_INDEX=False)
    assert "clinic.html" in str(raised.value.__cause__)
    assert not (three_clinics.root / "output.building").exists()
