"""Fixtures for browser tests: the sample site built and served on 127.0.0.1, a stub
tile server, and Debian's Chromium driven by Playwright.

Each site is built once per session with the tile URL pointing at the stub, so a
test can assert that the page asked nothing of any other origin.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from clinic_directory.site.publish import build_site, load_settings

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
#: A 1x1 transparent PNG, the stub tile server's answer to every request.
TILE_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000000000005000169d4c1a70000000049454e44ae426082"
)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _TileHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(TILE_PNG)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):  # the map moved on before the tile arrived
            self.wfile.write(TILE_PNG)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@dataclass
class Site:
    """A built site being served: ``url`` is its root, ending in a slash."""

    url: str
    tile_origin: str

    def origins(self) -> set[str]:
        parts = urlsplit(self.url)
        return {f"{parts.scheme}://{parts.netloc}", self.tile_origin}


@pytest.fixture(scope="session")
def tile_server() -> Iterator[str]:
    server = _serve(_TileHandler)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _build(tmp: Path, overrides: dict[str, object]) -> Path:
    settings = load_settings(ROOT / "pelicanconf.py", overrides=overrides)
    output = tmp / "site"
    build_site({**settings, "OUTPUT_PATH": str(output)})
    return output


def _site(tmp: Path, tile_server: str, sub_path: str) -> Iterator[Site]:
    serve_root = tmp / "served"
    serve_root.mkdir()
    server = _serve(functools.partial(_QuietHandler, directory=str(serve_root)))
    url = f"http://127.0.0.1:{server.server_address[1]}/{sub_path}"
    overrides: dict[str, object] = {"CLINIC_TILE_URL": f"{tile_server}/{{z}}/{{x}}/{{y}}.png"}
    if sub_path:
        overrides |= {"SITEURL": url.rstrip("/"), "RELATIVE_URLS": False}
    output = _build(tmp, overrides)
    shutil.copytree(output, serve_root / sub_path, dirs_exist_ok=True)
    yield Site(url=url, tile_origin=tile_server)
    server.shutdown()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, tile_server: str) -> Iterator[Site]:
    """The sample site with relative URLs, served at the root of a local server."""
    yield from _site(tmp_path_factory.mktemp("root-site"), tile_server, "")


@pytest.fixture(scope="session")
def sub_site(tmp_path_factory: pytest.TempPathFactory, tile_server: str) -> Iterator[Site]:
    """The sample site built for, and served under, ``/sub/``."""
    yield from _site(tmp_path_factory.mktemp("sub-site"), tile_server, "sub/")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """A browser page plus what it did: console errors and every origin it asked."""

    page: object
    errors: list[str] = field(default_factory=list)
    origins: set[str] = field(default_factory=set)


def _console_text(message: object) -> str:
    where = message.location.get("url", "")
    return f"{message.text} ({where})" if where else message.text


def watch(page: object) -> Visit:
    """Start recording a page's console errors, failed requests and origins asked."""
    record = Visit(page=page)
    page.on("console", lambda m: m.type == "error" and record.errors.append(_console_text(m)))
    page.on(
        "response",
        lambda r: r.status >= 400 and record.errors.append(f"HTTP {r.status}: {r.url}"),
    )
    page.on("pageerror", lambda error: record.errors.append(str(error)))

    def note_origin(request: object) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https"}:
            record.origins.add(f"{parts.scheme}://{parts.netloc}")

    page.on("request", note_origin)
    return record


@pytest.fixture
def visit(browser: object) -> Iterator[Visit]:
    context = browser.new_context(permissions=[], service_workers="block")
    yield watch(context.new_page())
    context.close()


@pytest.fixture
def new_visit(browser: object) -> Iterator[Callable[..., Visit]]:
    """Open pages in new browser contexts, e.g. ``new_visit(viewport=..., javascript=False,
    geolocation={...})``; all are closed after the test."""
    contexts: list[object] = []

    def open_page(
        *,
        viewport: dict[str, int] | None = None,
        javascript: bool = True,
        geolocation: dict[str, float] | None = None,
    ) -> Visit:
        context = browser.new_context(
            viewport=viewport,
            java_script_enabled=javascript,
            permissions=["geolocation"] if geolocation else [],
            geolocation=geolocation,
            service_workers="block",
        )
        contexts.append(context)
        return watch(context.new_page())

    yield open_page
    for context in contexts:
        context.close()
