"""The security headers: one policy, written in each host's own format."""

from __future__ import annotations

import re

from clinic_directory.cli import main
from clinic_directory.site.headers import (
    caddy_snippet,
    content_security_policy,
    headers_file,
    nginx_snippet,
    response_headers,
)

TILES = "https://tiles.example"


def test_the_policy_allows_scripts_and_styles_only_from_the_site_and_images_from_the_tiles():
    policy = dict(
        directive.strip().split(" ", 1) for directive in content_security_policy(TILES).split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == f"'self' data: {TILES}"
    assert policy["base-uri"] == "'none'" and policy["form-action"] == "'self'"


def test_every_host_format_sends_every_header_with_the_same_value():
    expected = response_headers(TILES)
    netlify = dict(
        line.strip().split(": ", 1) for line in headers_file(TILES).splitlines() if line[:1] == " "
    )
    nginx = dict(re.findall(r'^add_header (\S+) "(.*)" always;$', nginx_snippet(TILES), re.M))
    caddy = dict(re.findall(r'^\t(\S+) "(.*)"$', caddy_snippet(TILES), re.M))
    assert netlify == nginx == caddy == expected
    assert expected["X-Frame-Options"] == "DENY"
    assert expected["X-Content-Type-Options"] == "nosniff"


def test_the_command_prints_a_hosts_format_with_the_configured_tile_server(capsys):
    assert main(["headers", "--format", "nginx"]) == 0
    printed = capsys.readouterr().out
    assert "add_header Content-Security-Policy" in printed
    assert "https://tile.openstreetmap.org" in printed
