"""Measure the browser side of the directory at N generated clinics.

Generates N records, builds the site, serves it on 127.0.0.1 and, in Debian's
Chromium, times a filter change on the map page: from the form's change event
until the list and the map are redrawn and the next frame is painted. Also
prints the size of the data index (bytes per clinic, gzipped) and of the ZIP
table. Prints figures; it is a benchmark, not a test.

    python bench/filter_latency.py [N] [--runs R]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "clinic_directory"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
#: Filter changes to time, each as (select id, value); "" puts the filter back.
CHANGES = [
    ("#filter-route", "iv_infusion"),
    ("#filter-route", ""),
    ("#filter-condition", "ptsd"),
    ("#filter-condition", ""),
    ("#filter-state", "TX"),
    ("#filter-state", ""),
    ("#filter-sort", "price"),
    ("#filter-sort", ""),
]
#: Runs in the page: change one select, wait for the redraw and the next paint.
TIME_ONE_CHANGE = """async ([selector, value]) => {
  const field = document.querySelector(selector);
  const started = performance.now();
  field.value = value;
  field.dispatchEvent(new Event("change", {bubbles: true}));
  await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
  return performance.now() - started;
}"""


def gzipped_size(path: Path) -> tuple[int, int]:
    raw = path.read_bytes()
    return len(raw), len(gzip.compress(raw, 9))


def build(count: int, work: Path) -> Path:
    records = work / "records"
    output = work / "site"
    subprocess.run([*CLI, "generate", str(count), str(records)], check=True, cwd=ROOT)
    subprocess.run(
        [*CLI, "build", "-s", "pelicanconf.py", "-o", str(output), "--records", str(records)],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    return output


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def time_filters(site: Path, runs: int) -> list[float]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/map/"
    timings = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.route(
            "**/*",
            lambda route: (
                route.abort() if "127.0.0.1" not in route.request.url else route.continue_()
            ),
        )
        page.goto(url)
        page.wait_for_selector("section.finder[data-rendered]")
        for _ in range(runs):
            for selector, value in CHANGES:
                timings.append(page.evaluate(TIME_ONE_CHANGE, [selector, value]))
        browser.close()
    server.shutdown()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = build(args.count, Path(folder))
        index_raw, index_gz = gzipped_size(site / "data" / "index.json")
        zips_raw, zips_gz = gzipped_size(site / "data" / "zips.json")
        timings = time_filters(site, args.runs)
    ordered = sorted(timings)
    print(f"clinics                     {args.count}")
    print(f"index.json                  {index_raw:,} B raw, {index_gz:,} B gzipped")
    print(f"index bytes per clinic (gz) {index_gz / args.count:.1f}")
    print(f"zips.json                   {zips_raw:,} B raw, {zips_gz:,} B gzipped")
    print(
        f"filter change to paint, ms  median {statistics.median(timings):.1f}, "
        f"p90 {ordered[int(len(ordered) * 0.9)]:.1f}, max {ordered[-1]:.1f} "
        f"({len(timings)} changes)"
    )


if __name__ == "__main__":
    main()
