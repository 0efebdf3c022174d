"""The site's security headers, defined once, in each form a host reads.

Every page carries the Content-Security-Policy and the referrer policy in
``<meta>`` tags (all a host like GitHub Pages sends); hosts that read a
``_headers`` file (Netlify, Cloudflare Pages) get the full set from the same
definition, written into the site by the build; nginx and Caddy get a snippet
(``clinic-directory headers``).
"""

from __future__ import annotations

#: Only "near me" may ask for the visitor's location; every other powerful feature is off.
_PERMISSIONS = (
    "geolocation=(self), accelerometer=(), autoplay=(), browsing-topics=(), camera=(), "
    "display-capture=(), encrypted-media=(), fullscreen=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), publickey-credentials-get=(), screen-wake-lock=(), "
    "serial=(), usb=(), xr-spatial-tracking=()"
)
REFERRER_POLICY = "strict-origin"


def content_security_policy(tile_origin: str) -> str:
    """Scripts, styles and data only from the site; images from it and the tile server.

    ``'wasm-unsafe-eval'`` is there for Pagefind's WebAssembly search, and nothing else.
    """
    return (
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
        f"img-src 'self' data: {tile_origin}; connect-src 'self'; font-src 'self'; "
        "manifest-src 'self'; base-uri 'none'; form-action 'self'"
    )


def response_headers(tile_origin: str) -> dict[str, str]:
    """The headers a host should send with every file, in the order they are documented."""
    return {
        "Content-Security-Policy": content_security_policy(tile_origin),
        "Referrer-Policy": REFERRER_POLICY,
        "X-Content-Type-Options": "nosniff",
        # frame-ancestors is ignored in a <meta> policy, so framing is refused here.
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": _PERMISSIONS,
    }


def headers_file(tile_origin: str) -> str:
    """``_headers`` in the format Netlify and Cloudflare Pages read from the site's root."""
    lines = ["# Written by the build from the site's one security policy; do not edit.", "/*"]
    lines += [f"  {name}: {value}" for name, value in response_headers(tile_origin).items()]
    return "\n".join(lines) + "\n"


def nginx_snippet(tile_origin: str) -> str:
    """``add_header`` lines for the ``server`` or ``location`` block that serves the site."""
    lines = [
        "# Written by `clinic-directory headers --format nginx`; include it in the server block."
    ]
    lines += [
        f'add_header {name} "{value}" always;'
        for name, value in response_headers(tile_origin).items()
    ]
    return "\n".join(lines) + "\n"


def caddy_snippet(tile_origin: str) -> str:
    """A ``header`` directive for the Caddyfile site block that serves the site."""
    lines = [
        "# Written by `clinic-directory headers --format caddy`; paste it into the site block.",
        "header {",
    ]
    lines += [f'\t{name} "{value}"' for name, value in response_headers(tile_origin).items()]
    return "\n".join([*lines, "}"]) + "\n"


#: Each host format, by the name the command line takes.
FORMATS = {"netlify": headers_file, "nginx": nginx_snippet, "caddy": caddy_snippet}
