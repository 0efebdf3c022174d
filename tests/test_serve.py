"""``clinic-directory serve`` serves the built site and rebuilds when a record changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from sites import PROJECT, TinySite, record


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, *, until: str = "", seconds: float = 60) -> str:
    """The page at ``url``, once it contains ``until`` (the server may still be building)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = response.read().decode("utf-8")
            if until in body:
                return body
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} never served a page containing {until!r}")
        time.sleep(0.5)


def test_serve_rebuilds_when_a_record_changes_and_answers_unknown_paths_with_the_404_page(
    tiny_site: TinySite,
) -> None:
    path = tiny_site.add("tx/lantern-hill", record())
    settings_file = tiny_site.root / "servesettings.py"
    settings_file.write_text(
        "from pelicanconf import *\n"
        f"PLUGIN_PATHS = [{str(PROJECT / 'plugins')!r}]\n"
        f"CLINIC_VENDOR_ASSETS = {tiny_site.settings()['CLINIC_VENDOR_ASSETS']!r}\n",
        encoding="utf-8",
    )
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "clinic_directory",
            "serve",
            "-s",
            settings_file.name,
            "--port",
            str(port),
        ],
        cwd=tiny_site.root,
        env={"PYTHONPATH": str(tiny_site.root), "PATH": str(Path(sys.executable).parent)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = f"http://127.0.0.1:{port}/clinics/tx/lantern-hill/"
        assert "Lantern Hill Ketamine Clinic" in fetch(page, until="Lantern Hill")
        renamed = record(name="Lantern Hill Infusion Center")
        path.write_text(yaml.safe_dump(renamed, sort_keys=False), encoding="utf-8")
        assert "Lantern Hill Infusion Center" in fetch(page, until="Infusion Center")
        # the lists that show the clinic are drawn again too, in both languages
        state_page = f"http://127.0.0.1:{port}/es/clinics/tx/"
        assert "Lantern Hill Infusion Center" in fetch(state_page, until="Infusion Center")

        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no/such/page/", timeout=5)
        assert missing.value.code == 404
        assert "Page not found" in missing.value.read().decode("utf-8")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/es/no/such/page/", timeout=5)
        assert missing.value.code == 404
        assert '<html lang="es"' in missing.value.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=10)
