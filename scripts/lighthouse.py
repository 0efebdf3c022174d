"""Lighthouse scores of the built site: Performance, Accessibility, Best Practices, SEO.

Builds the sample site (or N generated clinics with ``--clinics N``) for, and
serves it on, 127.0.0.1 the way a static host would (gzip, a year's cache for
hashed assets, blank map tiles so nothing leaves the machine), then runs the
``lighthouse`` npm package in Debian's Chromium on the home, directory, state,
clinic, map, compare and guide pages, as a phone (Lighthouse's default) and as a
desktop. Goal: 100 in every column, Performance at least 95 on mobile. A
measurement to read, not a test or a CI gate.

    .venv/bin/python scripts/lighthouse.py
    .venv/bin/python scripts/lighthouse.py --clinics 10000

Needs ``npm ci`` (for node_modules/.bin/lighthouse) and Chromium (``CHROME_PATH``,
default /usr/bin/chromium). Development builds are kept out of search engines
(``noindex`` with samples, ``Disallow`` in robots.txt unless the site is https),
so their SEO score is lower than the published site's by design.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import struct
import subprocess
import sys
import tempfile
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clinic_directory.site.publish import build_site, load_settings

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --no-first-run --disable-sync"
)
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".geojson", ".csv")


def _blank_tile(size: int = 256, grey: int = 0xE8) -> bytes:
    """A plain grey PNG the size of a map tile (a smaller one, stretched, would be
    reported by Lighthouse as an image served at the wrong resolution)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\0" + bytes([grey]) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


#: Served for every map tile.
TILE_PNG = _blank_tile()
TILES = "tiles/"


class StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    """What a static host or CDN does: gzip text, cache hashed assets for a year.
    Requests under ``/tiles/`` get a blank map tile."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        if self.path.startswith("/static/"):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        super().end_headers()

    def send_body(self, body: bytes, content_type: str, *, gzipped: bool = False) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path.startswith("/" + TILES):
            self.send_body(TILE_PNG, "image/png")
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if accepts_gzip and path.is_file() and path.suffix in COMPRESSIBLE:
            body = gzip.compress(path.read_bytes())
            self.send_body(body, self.guess_type(str(path)), gzipped=True)
        else:
            super().do_GET()  # binary files, and the redirect from /folder to /folder/


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that moves on drops the requests it no longer needs: not an error."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(site: Path) -> Iterator[str]:
    handler = functools.partial(StaticHostHandler, directory=str(site))
    server = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def build(workdir: Path, clinics: int, url: str) -> Path:
    """Build for ``url`` (absolute links and canonical URLs, as published), tiles from it too."""
    records: list[Path] = []
    if clinics:
        records.append(workdir / "records")
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "synthetic.py"), str(clinics), str(records[0])],
            cwd=ROOT,
            check=True,
        )
    settings = load_settings(
        ROOT / "pelicanconf.py",
        records=records,
        overrides={
            "SITEURL": url.rstrip("/"),
            "RELATIVE_URLS": False,
            "CLINIC_TILE_URL": url + TILES + "{z}/{x}/{y}.png",
        },
    )
    return build_site({**settings, "OUTPUT_PATH": str(workdir / "site")}).output


def pages(site: Path) -> dict[str, str]:
    clinics = json.loads((site / "data" / "clinics.json").read_text(encoding="utf-8"))
    listed = [c for c in clinics["clinics"] if c["record"]["status"] != "closed"]
    first = listed[0]
    return {
        "home": "",
        "directory": "clinics/",
        "state": f"clinics/{first['id'].split('/')[0]}/",
        "clinic": f"clinics/{first['id']}/",
        "map": "map/",
        "compare": f"compare/?c={first['id']},{listed[1]['id']}",
        "guide": "guide/routes/",
    }


def lighthouse(url: str, *, desktop: bool) -> tuple[dict[str, int], list[str]]:
    """Category scores out of 100, and the scored audits that came out below 90."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if desktop:
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    completed = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    report = json.loads(completed.stdout)
    scores = {name: round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}
    failed = [
        ref["id"]
        for name in CATEGORIES
        for ref in report["categories"][name]["auditRefs"]
        if ref["weight"] > 0 and (report["audits"][ref["id"]]["score"] or 0) < 0.9
    ]
    return scores, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clinics", type=int, default=0, help="build N generated clinics instead of the samples"
    )
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        parser.error("node_modules/.bin/lighthouse is missing: run `npm ci` first")
    label = f"{args.clinics} generated clinics" if args.clinics else "sample site"
    with (
        tempfile.TemporaryDirectory(prefix="lighthouse-") as workdir,
        serve(Path(workdir) / "site") as url,
    ):
        site = build(Path(workdir), args.clinics, url)
        print(f"\nLighthouse, {label}")
        print(f"{'page':<10} {'device':<8} " + " ".join(f"{c:>14}" for c in CATEGORIES))
        below: dict[str, set[str]] = {}
        for name, path in pages(site).items():
            for desktop in (False, True):
                scores, failed = lighthouse(url + path, desktop=desktop)
                device = "desktop" if desktop else "mobile"
                row = " ".join(f"{scores[c]:>14}" for c in CATEGORIES)
                print(f"{name:<10} {device:<8} {row}", flush=True)
                for audit in failed:
                    below.setdefault(audit, set()).add(name)
        for audit, names in sorted(below.items()):
            print(f"  audit below 90: {audit} ({', '.join(sorted(names))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
