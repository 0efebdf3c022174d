"""Fingerprints are stable across processes, and a bad manifest is only a lost speed-up."""

from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType

from clinic_directory.fingerprint import BuildManifest, data_digest, digest


def test_digest_names_callables_and_ignores_mapping_order() -> None:
    first = digest({"b": 1, "a": [len, {2, 1}]}, MappingProxyType({"x": Path("p")}))
    again = digest({"a": [len, {1, 2}], "b": 1}, {"x": "p"})
    assert first == again
    assert digest({"a": [max]}) != digest({"a": [min]})


def test_a_record_digest_tells_apart_values_json_would_confuse() -> None:
    record = {"name": "Lantern Hill", "zip": "02134", "services": [{"price": 350}]}
    assert data_digest(record) == data_digest(json.loads(json.dumps(record)))
    assert data_digest(record) != data_digest({**record, "zip": 2134})
    assert data_digest({"price": 1}) != data_digest({"price": True})
    assert data_digest({"price": 1}) != data_digest({"price": 1.0})


def test_manifest_round_trip(tmp_path: Path) -> None:
    manifest = BuildManifest.load(tmp_path, tmp_path / "output", "pages")
    manifest.record("clinic:tx/a", "f1", {"clinics/tx/a/index.html": (1, 2, 3)})
    manifest.record("clinic:tx/b", "f2", {"clinics/tx/b/index.html": None})  # not written
    manifest.save()
    loaded = BuildManifest.load(tmp_path, tmp_path / "output", "pages")
    assert loaded.stamps("clinic:tx/a", "f1") == {"clinics/tx/a/index.html": (1, 2, 3)}
    assert loaded.stamps("clinic:tx/a", "other fingerprint") is None
    assert loaded.stamps("clinic:tx/b", "f2") is None


def test_corrupt_or_foreign_manifests_are_ignored(tmp_path: Path) -> None:
    manifest = BuildManifest.load(tmp_path, tmp_path / "output", "pages")
    manifest.record("unit", "f", {"file": (1, 2, 3)})
    manifest.save()
    assert BuildManifest.load(tmp_path, tmp_path / "elsewhere", "pages").previous == {}
    document = json.loads(manifest.path.read_text(encoding="utf-8"))
    for broken in (
        "{not json",
        json.dumps({**document, "version": 0}),
        json.dumps({**document, "units": {"unit": {"fingerprint": "f", "files": {"file": "x"}}}}),
        json.dumps([1, 2]),
    ):
        manifest.path.write_text(broken, encoding="utf-8")
        assert (
            BuildManifest.load(tmp_path, tmp_path / "output", "pages").stamps("unit", "f") is None
        )
