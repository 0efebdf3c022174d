"""The whole output of a small fixture site, compared with the approved copy in ``golden/``.

Like Pelican's own functional tests: the full list of files and the bytes of a
few pages, with content hashes in asset names normalised. When a change to the
output is intended, regenerate the copy and review the diff:

    .venv/bin/python tests/test_golden.py
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from sites import TinySite, make_tiny_site, record

GOLDEN = Path(__file__).resolve().parent / "golden"
#: Pages whose bytes are compared, besides the list of every file.
PAGES = (
    "clinics/tx/lantern-hill/index.html",
    "clinics/tx/index.html",
    "clinics/tx/lantern-hill/clinic.json",
    "data/index.json",
    "data/clinics.csv",
)
_HASHED = re.compile(r"([.-])[0-9a-f]{10}(?=[./])")


def normalised(text: str) -> str:
    return _HASHED.sub(r"\1HASH", text)


def build_fixture(root: Path) -> Path:
    site: TinySite = make_tiny_site(root)
    site.add("tx/lantern-hill", record())
    site.add(
        "tx/cedar-row",
        record(
            name="Cedar Row Ketamine",
            phone="+1 512-555-0199",
            address={**record()["address"], "street": "9 Cedar Row"},
            status="temporarily_closed",
            previous_slugs=["tx/old-cedar"],
        ),
    )
    return site.build(CLINIC_SEARCH_INDEX=False).output


def snapshot(output: Path) -> dict[str, str]:
    files = sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file())
    found = {"files.golden": normalised("\n".join(files) + "\n")}
    for page in PAGES:
        name = page.replace("/", "__") + ".golden"
        found[name] = normalised((output / page).read_text(encoding="utf-8"))
    return found


def test_the_fixture_site_matches_the_approved_output(tmp_path: Path) -> None:
    found = snapshot(build_fixture(tmp_path))
    for name, text in found.items():
        approved = (GOLDEN / name).read_text(encoding="utf-8")
        assert text == approved, f"{name} changed: run `make golden` if intended"


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        for name, text in snapshot(build_fixture(Path(folder))).items():
            (GOLDEN / name).write_text(text, encoding="utf-8")
    print(f"wrote the approved output to {GOLDEN}", file=sys.stderr)
