"""Benchmark the full site build on N realistic generated clinics.

Times how fast the temporary folder's file system creates files (the site writes
about twice as many as the baseline), generates N records with ``bench/synthetic.py``
there, times the ``clinic-directory validate`` command (a new process, nothing cached) and
validation in-process, builds the whole site with ``clinic-directory build`` and
measures its time, peak memory and output sizes, edits one record and measures
the rebuild (what ``serve`` runs after an edit: a new process, the record checks
cached), builds the site again in English alone (what the other languages cost),
then builds a plain Pelican site with one Markdown page per record (the simple
theme, default settings) as the baseline. Prints one table.
``make bench N=10000`` runs it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from clinic_directory.records import vocab
from clinic_directory.records.model import ClinicRecord
from clinic_directory.records.validate import validate_paths

PROJECT = Path(__file__).resolve().parent.parent
SYNTHETIC = Path(__file__).resolve().parent / "synthetic.py"
BASELINE_SETTINGS = """\
AUTHOR = "Benchmark"
SITENAME = "Baseline"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "simple"
PLUGINS = []
"""


@dataclass(frozen=True)
class Run:
    """One measured child process."""

    seconds: float
    cpu_seconds: float  # user + system: steadier than wall time on a busy machine
    peak_mib: float
    status: int
    output: str

    @property
    def timing(self) -> str:
        return f"{self.seconds:.2f} s (CPU {self.cpu_seconds:.2f} s)"

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.output.strip().splitlines()[-lines:])


def run_measured(command: list[str], cwd: Path) -> Run:
    """Run ``command``; wall time, and peak memory from the kernel's account of that child."""
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, usage.ru_maxrss / 1024, process.returncode, output)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (validation may use workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class Table:
    """Rows of label and value, printed aligned as they come."""

    def row(self, label: str, value: str) -> None:
        print(f"{label:<34} {value}", flush=True)

    def heading(self, text: str) -> None:
        print(f"\n{text}\n{'-' * len(text)}", flush=True)


def mib(size: float) -> str:
    return f"{size / 1024 / 1024:,.1f} MiB"


def files_under(folder: Path) -> Iterator[Path]:
    return (path for path in folder.rglob("*") if path.is_file())


# --- the baseline: one Markdown page per record ----------------------------------------


def price_text(price: dict[str, Any]) -> str:
    amount = (
        f"${price['amount']:,}" if "amount" in price else f"${price['min']:,}-${price['max']:,}"
    )
    sessions = f" ({price['sessions']} sessions)" if "sessions" in price else ""
    return f"{amount} {vocab.PRICE_UNITS.label(price['unit'])}{sessions}"


def markdown_page(record: ClinicRecord) -> str:
    """The record's facts as a plain Markdown page, as a hand-made site would show them."""
    data = record.data
    address = data["address"]
    lines = [
        f"Title: {data['name']}",
        f"Date: {data['last_verified']}",
        f"Slug: {record.state}-{record.slug}",
        "",
        f"**Address:** {address['street']}, {address['city']}, {address['state']} {address['postal_code']}  ",
        f"**Phone:** {data['phone']}  ",
        f"**Website:** <{data['website']}>",
        "",
        "## Services",
    ]
    for service in data["services"]:
        lines += ["", f"### {vocab.ROUTES.label(service['route'])}", ""]
        conditions = [vocab.CONDITIONS.label(c) for c in service.get("conditions", [])]
        if conditions:
            lines.append(f"- Conditions: {', '.join(conditions)}")
        lines += [f"- {price_text(price)}" for price in service.get("prices", [])]
        lines.append(f"- Insurance: {'yes' if service.get('insurance') else 'no'}")
    lines += ["", "## Clinicians", ""]
    lines += [
        f"- {person['name']}, {person['credential']} ({vocab.SPECIALTIES.label(person['specialty'])})"
        for person in data["clinicians"]
    ]
    lines += ["", f"Last verified: {data['last_verified']}", ""]
    return "\n".join(lines)


def write_baseline_site(records: Iterable[ClinicRecord], folder: Path) -> int:
    """A plain Pelican site: one article per record, in a folder (so a category) per state.

    Articles, not Pelican's static pages: the simple theme lists every static page in
    every page's menu, which would make the baseline grow with the square of N.
    """
    folder.mkdir(parents=True)
    (folder / "pelicanconf.py").write_text(BASELINE_SETTINGS, encoding="utf-8")
    count = 0
    for record in records:
        state_folder = folder / "content" / record.state
        state_folder.mkdir(parents=True, exist_ok=True)
        (state_folder / f"{record.slug}.md").write_text(markdown_page(record), encoding="utf-8")
        count += 1
    return count


# --- the benchmark ---------------------------------------------------------------------


def report_output(table: Table, output: Path, clinics: int) -> None:
    files = list(files_under(output))
    pages = [path for path in files if path.suffix == ".html"]
    table.row("pages written", f"{len(pages):,}")
    table.row("output size", mib(sum(path.stat().st_size for path in files)))
    index = output / "data" / "index.json"
    if index.exists():
        raw = index.read_bytes()
        table.row(
            "/data/index.json per clinic",
            f"{len(raw) / clinics:,.1f} B raw, {len(gzip.compress(raw, 9)) / clinics:,.1f} B gzipped",
        )
    else:
        table.row("/data/index.json per clinic", "missing")
    map_page = output / "map" / "index.html"
    table.row("/map/ HTML", f"{map_page.stat().st_size:,} B" if map_page.exists() else "missing")
    if pages:
        largest = max(pages, key=lambda path: path.stat().st_size)
        table.row("largest page", f"{largest.stat().st_size:,} B ({largest.relative_to(output)})")


def measure_validation(records: Path, work: Path, table: Table) -> list[ClinicRecord]:
    started, started_cpu = time.perf_counter(), cpu_seconds()
    report = validate_paths([records], root=work, today=date.today())
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - started_cpu
    table.row(
        "validate (in-process)",
        f"{seconds:.2f} s (CPU {cpu:.2f} s; "
        f"{len(report.errors)} errors, {len(report.warnings):,} warnings)",
    )
    return report.records


def measure_validate_command(records: Path, work: Path, table: Table, runs: int = 3) -> None:
    """The whole ``clinic-directory validate`` command, as a maintainer runs it before a pull
    request: a new process each time, nothing cached. The median of a few runs, because a
    shared machine's speed wanders."""
    command = [sys.executable, "-m", "clinic_directory", "validate", str(records)]
    timed = [run_step("validate command", command, work, table) for _ in range(runs)]
    if any(run.status not in (0, 1) for run in timed):
        return
    seconds = sorted(run.seconds for run in timed)
    table.row(
        "validate command (cold)",
        f"{statistics.median(seconds):.2f} s median of {runs} "
        f"({', '.join(f'{value:.2f}' for value in seconds)})",
    )


def build_arguments(records: Path, output: Path, cache: str = "cache") -> list[str]:
    """``clinic-directory`` arguments that build the generated records into ``output``,
    with Pelican's cache in ``cache`` beside them (a new one is cold)."""
    cache_path = json.dumps(str(records.parent / cache))
    return [
        *("build", "-s", "pelicanconf.py", "-o", str(output), "--records", str(records)),
        *("-e", f"CACHE_PATH={cache_path}"),
    ]


def run_step(label: str, command: list[str], cwd: Path, table: Table) -> Run:
    """Run one measured step; a failure is reported in the table with the output's tail."""
    run = run_measured(command, cwd)
    if run.status != 0:
        table.row(label, f"FAILED (exit {run.status})")
        print(run.tail(), file=sys.stderr)
    return run


def measure_build(records: Path, work: Path, count: int, table: Table) -> Run:
    output = work / "site"
    command = [sys.executable, "-m", "clinic_directory", *build_arguments(records, output)]
    build = run_step("build", command, PROJECT, table)
    if build.status != 0:
        return build
    table.row("build", build.timing)
    table.row("build per 1,000 clinics", f"{build.seconds / count * 1000:.2f} s")
    table.row("build peak memory", f"{build.peak_mib:,.0f} MiB")
    report_output(table, output, count)
    return build


def measure_english_build(records: Path, work: Path, table: Table) -> Run:
    """The same build with the site in English alone, as cold as the first build (a
    cache of its own): what the other languages cost."""
    arguments = [
        *build_arguments(records, work / "site-english", cache="cache-english"),
        *("-e", 'CLINIC_LANGUAGES=["en"]'),
    ]
    build = run_step(
        "build, English only",
        [sys.executable, "-m", "clinic_directory", *arguments],
        PROJECT,
        table,
    )
    if build.status == 0:
        table.row("build, English only", build.timing)
    return build


def edit_one_record(records: Path) -> Path:
    """Change the description of the first record, as a contributor's fix would."""
    path = min(records.rglob("*.yaml"))
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if not line.startswith("description:")]
    lines.insert(1, "description: Edited for the benchmark's rebuild.")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def measure_rebuild(records: Path, work: Path, full: Run, table: Table) -> Run:
    """Edit one record and build again, as ``serve`` does: a new process, the record
    checks of the unchanged files taken from the cache."""
    output = work / "site"
    edited = edit_one_record(records)
    command = [sys.executable, "-m", "clinic_directory", *build_arguments(records, output)]
    rebuild = run_step("rebuild after one edit", command, PROJECT, table)
    if rebuild.status != 0:
        return rebuild
    table.row("rebuild after one edit", f"{rebuild.timing} ({edited.relative_to(records)})")
    table.row("  rebuild / full build", f"{rebuild.seconds / full.seconds:.2f}")
    return rebuild


def measure_serve_rebuild(records: Path, work: Path, table: Table, seconds: float = 300) -> None:
    """What ``serve`` prints for the rebuild after one record edit, once it is serving."""
    output = work / "served"
    command = [
        sys.executable,
        "-m",
        "clinic_directory",
        "serve",
        *build_arguments(records, output)[1:],
    ]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [*command, "--port", str(port)], cwd=PROJECT, stdout=subprocess.PIPE, text=True
    )
    try:
        lines = iter(server.stdout.readline, "")
        deadline = time.monotonic() + seconds
        if not any(line.startswith("serving") for line in lines):
            table.row("serve: rebuild after one edit", "FAILED (never served)")
            return
        time.sleep(1)  # let the watcher start
        edited = edit_one_record(records)
        for line in lines:
            if line.startswith("built in"):
                table.row(
                    "serve: rebuild after one edit",
                    f"{line.split()[2]} s ({edited.relative_to(records)})",
                )
                return
            if time.monotonic() > deadline:
                break
        table.row("serve: rebuild after one edit", "FAILED (no rebuild)")
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure_baseline(records: list[ClinicRecord], work: Path, table: Table) -> Run:
    folder = work / "baseline"
    write_baseline_site(records, folder)
    command = [sys.executable, "-m", "pelican", "content", "-o", "output", "-s", "pelicanconf.py"]
    baseline = run_step("baseline Pelican build", [*command, "-q"], folder, table)
    if baseline.status != 0:
        return baseline
    pages = sum(1 for path in files_under(folder / "output") if path.suffix == ".html")
    table.row("baseline Pelican build", f"{baseline.timing}, {pages:,} HTML files")
    table.row("baseline peak memory", f"{baseline.peak_mib:,.0f} MiB")
    return baseline


def ratio(ours: Run, other: Run) -> str:
    return f"{ours.seconds / other.seconds:.2f} (CPU {ours.cpu_seconds / other.cpu_seconds:.2f})"


@dataclass(frozen=True)
class Result:
    """One size's headline figures, for the growth summary."""

    count: int
    status: int
    build: Run | None = None
    rebuild: Run | None = None
    baseline: Run | None = None


def measure_file_creation(work: Path, table: Table, files: int = 2000) -> None:
    """How long this machine takes to create files where the sites are built. The site
    writes about twice as many files as the baseline (a page and a ``clinic.json`` per
    clinic, per language), so where creating a file is slow the ratios move with it."""
    folder = work / "file-creation"
    folder.mkdir()
    started = time.perf_counter()
    for number in range(files):
        (folder / f"{number}.html").touch()
    seconds = time.perf_counter() - started
    shutil.rmtree(folder)
    table.row("file system", f"{files:,} empty files created in {seconds:.2f} s")


def benchmark(count: int, seed: int, work: Path, table: Table) -> Result:
    """Run every step into ``work``; the status is non-zero if a step failed."""
    records = work / "records"
    table.heading(f"clinic directory benchmark, N = {count:,}")
    table.row("records", f"{count:,}")
    measure_file_creation(work, table)
    generated = run_step(
        "generate",
        [sys.executable, str(SYNTHETIC), str(count), str(records), "--seed", str(seed)],
        PROJECT,
        table,
    )  # fmt: skip
    if generated.status != 0:
        return Result(count, generated.status)
    table.row("generate", generated.timing)

    measure_validate_command(records, work, table)
    valid = measure_validation(records, work, table)
    build = measure_build(records, work, count, table)
    rebuild = measure_rebuild(records, work, build, table) if build.status == 0 else build
    measure_serve_rebuild(records, work, table)
    english = measure_english_build(records, work, table)
    baseline = measure_baseline(valid, work, table)
    if build.status == 0 and english.status == 0:
        table.row("all languages / English only", ratio(build, english))
    if english.status == 0 and baseline.status == 0:
        table.row("English only / baseline", ratio(english, baseline))
    if build.status == 0 and baseline.status == 0:
        table.row("ours / baseline", ratio(build, baseline))
    status = build.status or rebuild.status or english.status or baseline.status
    return Result(count, status, build, rebuild, baseline)


def report_growth(results: list[Result], table: Table) -> None:
    """Seconds per 1,000 clinics at each size: flat figures mean linear growth."""
    table.heading("growth")
    for result in results:
        if result.status != 0 or not (result.build and result.rebuild and result.baseline):
            table.row(f"N = {result.count:,}", "failed")
            continue
        per_thousand = result.build.seconds / result.count * 1000
        table.row(
            f"N = {result.count:,}",
            f"build {result.build.seconds:.1f} s ({per_thousand:.2f} s per 1,000), "
            f"rebuild {result.rebuild.seconds:.1f} s, baseline {result.baseline.seconds:.1f} s, "
            f"peak {result.build.peak_mib:,.0f} MiB",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n",
        type=int,
        nargs="+",
        default=[10000],
        help="number of clinics; several sizes show the growth (default: 10000)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for the generated records")
    parser.add_argument(
        "--keep", action="store_true", help="keep the working folders and print where"
    )
    args = parser.parse_args(argv)
    table = Table()
    results = []
    for count in args.n:
        work = Path(tempfile.mkdtemp(prefix=f"clinic-bench-{count}-"))
        try:
            results.append(benchmark(count, args.seed, work, table))
        finally:
            if args.keep:
                print(f"\nkept {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
    if len(results) > 1:
        report_growth(results, table)
    return next((result.status for result in results if result.status), 0)


if __name__ == "__main__":
    raise SystemExit(main())
