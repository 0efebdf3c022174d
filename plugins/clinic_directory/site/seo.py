"""What search engines and feed readers fetch: sitemap, robots.txt and the Atom feed.

Fictional sample clinics never appear in any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time
from xml.sax.saxutils import escape

from feedgenerator import Atom1Feed

from clinic_directory.records.model import ClinicRecord

FEED_SIZE = 50


def sitemap_xml(entries: Iterable[tuple[str, date | None]]) -> str:
    """``<urlset>`` of absolute URLs, with ``lastmod`` where a date is known."""
    rows = []
    for url, modified in entries:
        lastmod = f"<lastmod>{modified.isoformat()}</lastmod>" if modified else ""
        rows.append(f"<url><loc>{escape(url)}</loc>{lastmod}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(rows)
        + "\n</urlset>\n"
    )


def robots_txt(site_url: str, *, indexable: bool) -> str:
    """Allow everything on the public site; keep development builds out of indexes."""
    if not indexable:
        return "User-agent: *\nDisallow: /\n"
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url}/sitemap.xml\n"


def recently_verified_feed(
    records: Sequence[ClinicRecord],
    *,
    site_name: str,
    site_url: str,
    listing_url: str,
    url_of: Callable[[ClinicRecord], str],
) -> str:
    """Atom feed of the most recently added or re-verified clinics."""
    feed = Atom1Feed(
        title=f"{site_name}: recently verified clinics",
        link=listing_url,
        feed_url=f"{site_url}/feeds/clinics.atom.xml",
        description="Clinics added to the directory or checked again against their sources.",
        language="en",
    )
    newest = sorted(records, key=lambda r: (r.last_verified, r.identity), reverse=True)
    for record in newest[:FEED_SIZE]:
        verified = datetime.combine(record.last_verified, time(12), tzinfo=UTC)
        city = record.data["address"]["city"]
        state = record.data["address"]["state"]
        feed.add_item(
            title=f"{record.name}, {city}, {state}",
            link=url_of(record),
            unique_id=f"{url_of(record)}#verified-{record.data['last_verified']}",
            description=f"Listing verified on {record.data['last_verified']}.",
            updateddate=verified,
            pubdate=verified,
        )
    return feed.writeString("utf-8")
