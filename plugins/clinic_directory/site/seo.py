"""What search engines and feed readers fetch: sitemap, robots.txt and the Atom feed.

Fictional sample clinics never appear in any of them. Feeds speak ``lang``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time
from xml.sax.saxutils import escape, quoteattr

from feedgenerator import Atom1Feed

from clinic_directory.records.model import VERIFIED, ChangeEvent, ClinicRecord
from clinic_directory.site.formatting import CHANGE_WORDS, us_date, verification_sentence
from clinic_directory.site.translations import SOURCE_LANG, translate

FEED_SIZE = 50


def sitemap_xml(entries: Iterable[tuple[Sequence[tuple[str, str]], date | None]]) -> str:
    """``<urlset>`` of absolute URLs, with ``lastmod`` where a date is known.

    Each entry is one page in each of its languages, ``[(lang, url), ...]``: every
    version gets its own ``<url>``, naming all versions as ``hreflang`` alternates,
    as search engines ask of a site in several languages.
    """
    rows = []
    for versions, modified in entries:
        lastmod = f"<lastmod>{modified.isoformat()}</lastmod>" if modified else ""
        links = "".join(
            f'<xhtml:link rel="alternate" hreflang="{lang}" href={quoteattr(url)}/>'
            for lang, url in versions
        )
        if len(versions) < 2:
            links = ""
        rows += [f"<url><loc>{escape(url)}</loc>{lastmod}{links}</url>" for _, url in versions]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(rows) + "\n</urlset>\n"
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
    lang: str = SOURCE_LANG,
) -> str:
    """Atom feed of the most recently added or re-verified clinics."""
    feed = Atom1Feed(
        # TRANSLATORS: the title of a feed; %(site)s is the site's name.
        title=translate(lang, "%(site)s: recently verified clinics") % {"site": site_name},
        link=listing_url,
        feed_url=f"{site_url}/feeds/clinics.atom.xml",
        description=translate(
            lang, "Clinics added to the directory or checked again against their sources."
        ),
        language=lang,
    )
    newest = sorted(records, key=lambda r: (r.last_verified, r.identity), reverse=True)
    for record in newest[:FEED_SIZE]:
        verified = datetime.combine(record.last_verified, time(12), tzinfo=UTC)
        feed.add_item(
            title=_place(record),
            link=url_of(record),
            unique_id=f"{url_of(record)}#verified-{record.data['last_verified']}",
            # TRANSLATORS: %(date)s is a date written 2026-10-14.
            description=translate(lang, "Listing verified on %(date)s.")
            % {"date": record.data["last_verified"]},
            updateddate=verified,
            pubdate=verified,
        )
    return feed.writeString("utf-8")


def _place(record: ClinicRecord) -> str:
    address = record.data["address"]
    return f"{record.name}, {address['city']}, {address['state']}"


def newest_changes(records: Iterable[ClinicRecord]) -> list[ChangeEvent]:
    """Every dated change of the records, newest first (the same day in a stable order)."""
    events = [event for record in records for event in record.changes()]
    events.sort(key=lambda event: (event.record.identity, event.kind))
    events.sort(key=lambda event: event.day, reverse=True)
    return events


def change_description(event: ChangeEvent, lang: str = SOURCE_LANG) -> str:
    """``Verified again: checked by phone with the clinic on Oct 14, 2026.``"""
    change = translate(lang, CHANGE_WORDS[event.kind])
    if event.kind == VERIFIED and "verification" in event.record.data:
        sentence = verification_sentence(event.record, lang)
        # TRANSLATORS: %(change)s is "Verified again"; %(how)s as in "checked by phone with the clinic on Oct 14, 2026".
        return translate(lang, "%(change)s: %(how)s.") % {
            "change": change,
            "how": sentence[0].lower() + sentence[1:],
        }
    # TRANSLATORS: %(change)s as in "Added to the directory"; %(date)s as in "Oct 14, 2026".
    return translate(lang, "%(change)s on %(date)s.") % {
        "change": change,
        "date": us_date(event.day, lang),
    }


def changes_feed(
    records: Iterable[ClinicRecord],
    *,
    title: str,
    feed_url: str,
    listing_url: str,
    url_of: Callable[[ClinicRecord], str],
    lang: str = SOURCE_LANG,
) -> str:
    """Atom feed of the newest changes to some clinics: added, verified again, closed."""
    feed = Atom1Feed(
        title=title,
        link=listing_url,
        feed_url=feed_url,
        description=translate(
            lang,
            "Clinics added to the directory, checked again against their sources, or closed.",
        ),
        language=lang,
    )
    for event in newest_changes(records)[:FEED_SIZE]:
        when = datetime.combine(event.day, time(12), tzinfo=UTC)
        link = url_of(event.record)
        feed.add_item(
            # TRANSLATORS: a change to a listing, as in "Closed: Riverside Clinic, Austin, TX".
            title=translate(lang, "%(change)s: %(clinic)s")
            % {"change": translate(lang, CHANGE_WORDS[event.kind]), "clinic": _place(event.record)},
            link=link,
            unique_id=f"{link}#{event.kind}-{event.day.isoformat()}",
            description=change_description(event, lang),
            updateddate=when,
            pubdate=when,
        )
    return feed.writeString("utf-8")
