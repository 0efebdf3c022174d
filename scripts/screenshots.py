"""Phone and desktop screenshots of every page type and of the finder's patient tasks.

Builds the sample site, serves it on 127.0.0.1 as a static host would (blank map
tiles, nothing asked of any other origin) and photographs, with Debian's Chromium,
each page type at 390 x 844 and 1366 x 900: the first screen and the whole page,
with JavaScript and without. Then the end state of each task in
``tests/browser/finder_tasks.py`` (the same steps the browser tests check). For a
reviewer to look at; the folder is not committed.

    .venv/bin/python scripts/screenshots.py            # into screenshots/
    .venv/bin/python scripts/screenshots.py --out DIR --only home,map
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from lighthouse import build, serve

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browser_pages import page_types  # noqa: E402
from finder_tasks import AUSTIN, NO_SCRIPT_TASKS, TASKS, VIEWPORTS  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def slug(name: str) -> str:
    return "-".join(name.lower().split())


def settle(page) -> None:
    """Wait until the page has stopped loading, a map further down included (it loads
    as it nears the screen)."""
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


def shoot(page, out: Path, name: str, *, full: bool) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(out / f"{name}.png"))
    if full:
        page.screenshot(path=str(out / f"{name}-full.png"), full_page=True)


def run(url: str, out: Path, wanted: Callable[[str], bool]) -> list[str]:
    from playwright.sync_api import sync_playwright

    taken: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size, viewport in VIEWPORTS.items():
            for javascript in (True, False):
                suffix = size if javascript else f"{size}-no-js"
                context = browser.new_context(
                    viewport=viewport,
                    java_script_enabled=javascript,
                    permissions=["geolocation"],
                    geolocation=AUSTIN,
                )
                page = context.new_page()
                for name, path in page_types().items():
                    if wanted(name):
                        page.goto(url + path)
                        settle(page)
                        shoot(page, out, f"page-{slug(name)}-{suffix}", full=True)
                        taken.append(f"page-{slug(name)}-{suffix}")
                tasks = (
                    TASKS
                    if javascript
                    else {
                        f"no-js-{name}": (lambda p, u, path=path: p.goto(u + path))
                        for name, path in NO_SCRIPT_TASKS.items()
                    }
                )
                for name, task in tasks.items():
                    if wanted(name):
                        task(page, url)
                        settle(page)
                        shoot(page, out, f"task-{name}-{size}", full=False)
                        taken.append(f"task-{name}-{size}")
                context.close()
        browser.close()
    return taken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--only", default="", help="comma-separated page types or tasks")
    args = parser.parse_args()
    only = {slug(name) for name in args.only.split(",") if name}
    args.out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="screenshots-") as workdir,
        serve(Path(workdir) / "site") as url,
    ):
        build(Path(workdir), 0, url)
        taken = run(url, args.out, lambda name: not only or slug(name) in only)
    print(f"{len(taken)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
