"""``clinic-directory serve``: build, serve on 127.0.0.1, rebuild on every change.

Pelican's own ``--autoreload`` watches neither ``clinics/`` nor ``samples/``. This
watches them too and runs Pelican again in the same process, which keeps the
files of every clinic whose record did not change; a change to the plugin's code
or to a settings file restarts the command instead, since neither can be
reloaded in place. A failed rebuild keeps serving the last good site. Like a
static host, the server answers an unknown path with the site's ``404.html``.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from clinic_directory.commands.build import add_build_arguments, settings_of
from clinic_directory.errors import ClinicDirectoryError

WATCHED = ("clinics", "samples", "content", "theme", "plugins", "pelicanconf.py", "publishconf.py")
#: A change here needs a new process: code and settings are read once.
RESTART_ON = ("plugins", "pelicanconf.py", "publishconf.py")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve", help="build, serve on http://127.0.0.1:8000 and rebuild on changes"
    )
    add_build_arguments(parser)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.set_defaults(run=run)


class SiteRequestHandler(SimpleHTTPRequestHandler):
    """Serves the built site; a missing file gets the site's own 404 page, the Spanish
    one under ``/es/``."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        folder = self.path.lstrip("/").split("/", 1)[0]
        pages = (Path(self.directory, folder, "404.html"), Path(self.directory, "404.html"))
        page = next((p for p in pages if p.is_file()), pages[1])
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _build(pelican: Any) -> bool:
    """Run Pelican once; on failure, say why and publish nothing."""
    from clinic_directory.site.publish import publication_of

    started = time.perf_counter()
    try:
        pelican.run()
    except Exception as error:  # a bad record or template: keep serving, say what failed
        publication_of(pelican).abandon()
        message = str(error) if isinstance(error, ClinicDirectoryError) else repr(error)
        print(f"error: {message}\nrebuild failed: still serving the last good site")
        return False
    print(f"built in {time.perf_counter() - started:.2f} s")
    return True


def _needs_restart(changes: set[tuple[Any, str]]) -> bool:
    here = Path.cwd()
    return any(
        Path(path).resolve().is_relative_to(here / watched)
        for _, path in changes
        for watched in RESTART_ON
    )


def run(args: argparse.Namespace) -> int:
    # Imported here, like Pelican does: only this command needs them.
    from pelican import Pelican
    from watchfiles import watch

    from clinic_directory.site.publish import publication_of

    settings = settings_of(args)
    output = Path(settings["OUTPUT_PATH"]).resolve()
    pelican = Pelican(settings)
    publication_of(pelican).rendered = {}
    if not _build(pelican) and not output.exists():
        print("error: the first build failed; fix the errors above and run again")
        return 1
    handler = functools.partial(SiteRequestHandler, directory=str(output))
    server = ThreadingHTTPServer((args.bind, args.port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving {output} on http://{args.bind}:{args.port}/ (Ctrl-C to stop)")
    watched = [p for p in WATCHED if Path(p).exists()] + [str(p) for p in args.records]
    try:
        for changes in watch(*watched):
            if _needs_restart(changes):
                print("code or settings changed: restarting")
                server.shutdown()
                server.server_close()
                os.execv(sys.executable, [sys.executable, "-m", "clinic_directory", *sys.argv[1:]])
            print("change detected: rebuilding")
            _build(pelican)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0
