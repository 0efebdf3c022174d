"""One page of each type of the sample site passes the W3C Nu HTML checker.

The checker is the ``vnu-jar`` npm package (installed by ``npm ci``) and runs on
Java; the test is skipped where either is missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from clinic_directory.site.publish import build_site, load_settings

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _sample(index: int) -> tuple[str, str]:
    path = sorted(ROOT.glob("samples/*/*.yaml"))[index]
    return path.parent.name, path.stem


def pages_of_each_type() -> dict[str, str]:
    state, slug = _sample(0)
    return {
        "home": "index.html",
        "clinics list": "clinics/index.html",
        "clinics list, page 2": "clinics/page/2/index.html",
        "state": f"clinics/{state}/index.html",
        "clinic": f"clinics/{state}/{slug}/index.html",
        "map": "map/index.html",
        "compare": "compare/index.html",
        "guide index": "guide/index.html",
        "guide page": "guide/routes/index.html",
        "about": "about/index.html",
        "data": "data/index.html",
        "404": "404.html",
    }


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("html-valid") / "site"
    build_site({**load_settings(ROOT / "pelicanconf.py"), "OUTPUT_PATH": str(output)})
    return output


def nu_check(files: list[Path]) -> list[dict]:
    """The checker's error messages for the files (warnings are left out)."""
    completed = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(completed.stderr)["messages"]


needs_checker = pytest.mark.skipif(
    shutil.which("java") is None or not VNU_JAR.is_file(),
    reason="needs Java and the vnu-jar npm package (run `npm ci`)",
)


@needs_checker
def test_every_page_type_is_valid_html(sample_site):
    files = [sample_site / page for page in pages_of_each_type().values()]
    assert all(file.is_file() for file in files), [f for f in files if not f.is_file()]
    problems = [
        f"{Path(m['url'].removeprefix('file:')).relative_to(sample_site)}:{m.get('lastLine')}: {m['message']}"
        for m in nu_check(files)
    ]
    assert problems == []


@needs_checker
def test_the_checker_reports_invalid_html(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
        "<body><ul><div>not a list item</div></ul></body></html>",
        encoding="utf-8",
    )
    messages = nu_check([broken])
    assert any("div" in m["message"] for m in messages)
