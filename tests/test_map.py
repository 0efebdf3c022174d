"""The map set-up script: folium's map, made into one site file without inline HTML."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from clinic_directory.site.map import MAP_ELEMENT_ID, MAP_READY_EVENT, map_setup_script


def script(**overrides: object) -> str:
    options = {
        "tile_url": "https://tiles.example/{z}/{x}/{y}.png",
        "attribution": "© Example",
        "max_zoom": 17,
    }
    return map_setup_script(**(options | overrides))


def test_script_defines_the_map_on_a_fixed_element_and_publishes_it():
    text = script()
    assert "L.map(" in text
    assert f'"{MAP_ELEMENT_ID}"' in text
    assert "window.clinicDirectoryMap = map_directory;" in text
    assert MAP_READY_EVENT in text
    assert '"https://tiles.example/{z}/{x}/{y}.png"' in text
    assert '"maxZoom": 17' in text


def test_script_is_the_same_on_every_build():
    assert script() == script()


def test_script_carries_no_folium_header():
    text = script()
    for unwanted in ("<script", "<meta", "<style", "user-scalable", "cdn.jsdelivr", "jquery"):
        assert unwanted not in text


def test_settings_text_cannot_close_the_script():
    text = script(tile_url='https://t.example/{z}/{x}/{y}.png?"</script>', attribution="</script>")
    assert "</script>" not in text


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to parse JavaScript")
def test_script_is_valid_javascript(tmp_path):
    target = tmp_path / "map-setup.js"
    target.write_text(script(), encoding="utf-8")
    subprocess.run(["node", "--check", str(target)], check=True)
