"""The package's design holds: ``records/`` reads and checks records without Pelican."""

from __future__ import annotations

import subprocess
import sys


def test_checking_records_never_loads_pelican() -> None:
    probe = (
        "import sys\n"
        "import clinic_directory.records.validate, clinic_directory.records.geocode\n"
        "import clinic_directory.commands.validate, clinic_directory.commands.stale\n"
        "import clinic_directory.commands.renames, clinic_directory.commands.links\n"
        "import clinic_directory.commands.issue_to_record, clinic_directory.records.history\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'pelican', 'folium'}))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
