"""``clinic-directory serve``: build, serve on localhost, rebuild on every change.

Pelican's own ``--autoreload`` watches neither ``clinics/`` nor ``samples/``, and
does not reload plugin code; so each rebuild runs ``build`` in a fresh process,
and a failed rebuild keeps serving the last good site.
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from clinic_directory.commands.build import add_build_arguments

WATCHED = ("clinics", "samples", "content", "theme", "plugins", "pelicanconf.py", "publishconf.py")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve", help="build, serve on http://localhost:8000 and rebuild on changes"
    )
    add_build_arguments(parser)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.set_defaults(run=run)


def _build(args: argparse.Namespace) -> bool:
    command = [sys.executable, "-m", "clinic_directory", "build", "-s", str(args.settings)]
    if args.output:
        command += ["-o", str(args.output)]
    for records in args.records:
        command += ["--records", str(records)]
    return subprocess.run(command, check=False).returncode == 0


def run(args: argparse.Namespace) -> int:
    from watchfiles import watch  # imported here, like Pelican: only this command needs them

    from clinic_directory.site.publish import load_settings

    output = Path(args.output or load_settings(args.settings)["OUTPUT_PATH"]).resolve()
    if not _build(args) and not output.exists():
        print("error: the first build failed; fix the errors above and run again")
        return 1
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(output))
    server = ThreadingHTTPServer((args.bind, args.port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving {output} on http://localhost:{args.port}/ (Ctrl-C to stop)")
    watched = [p for p in WATCHED if Path(p).exists()]
    try:
        for _changes in watch(*watched):
            print("change detected: rebuilding")
            if not _build(args):
                print("rebuild failed: still serving the last good site")
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0
