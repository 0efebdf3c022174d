"""Every URL and file name the directory writes, worked out in one place from the settings.

The patterns are Pelican-style (``CLINIC_URL``/``CLINIC_SAVE_AS``, like
``ARTICLE_URL``/``ARTICLE_SAVE_AS``) with ``{state}`` and ``{slug}``; list pages
follow Pelican's ``PAGINATION_PATTERNS`` through its own ``Paginator``. Pages,
redirects, the sitemap, the feed, the data index and the open data all ask here,
so a site that moves its clinics to ``providers/{state}/{slug}/`` changes one
setting and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: The settings this module reads, with their defaults.
URL_DEFAULTS: Mapping[str, str] = {
    "CLINIC_URL": "clinics/{state}/{slug}/",
    "CLINIC_SAVE_AS": "clinics/{state}/{slug}/index.html",
    "CLINIC_JSON_SAVE_AS": "clinics/{state}/{slug}/clinic.json",
    "STATE_URL": "clinics/{slug}/",
    "STATE_SAVE_AS": "clinics/{slug}/index.html",
    "CLINICS_INDEX_URL": "clinics/",
    "CLINICS_INDEX_SAVE_AS": "clinics/index.html",
    # Atom feed of one state's clinics added, verified again or closed (Pelican's own
    # feeds are ``*_FEED_ATOM`` settings; these follow the URL/SAVE_AS pairs above).
    "STATE_FEED_URL": "feeds/states/{slug}.atom.xml",
    "STATE_FEED_SAVE_AS": "feeds/states/{slug}.atom.xml",
    "CHANGES_URL": "changes/",
    "CHANGES_SAVE_AS": "changes/index.html",
}

#: What each pattern must name; a clinic's identity is ``{state}/{slug}``.
URL_PLACEHOLDERS: Mapping[str, tuple[str, ...]] = {
    "CLINIC_URL": ("state", "slug"),
    "CLINIC_SAVE_AS": ("state", "slug"),
    "CLINIC_JSON_SAVE_AS": ("state", "slug"),
    "STATE_URL": ("slug",),
    "STATE_SAVE_AS": ("slug",),
    "STATE_FEED_URL": ("slug",),
    "STATE_FEED_SAVE_AS": ("slug",),
}


@dataclass(frozen=True)
class SiteUrls:
    """Site-relative URLs and output file names; ``identity`` is ``<state>/<slug>``."""

    clinic_url: str
    clinic_save_as: str
    clinic_json_save_as: str
    state_url: str
    state_save_as: str
    clinics_index_url: str
    clinics_index_save_as: str
    state_feed_url: str
    state_feed_save_as: str
    changes_url: str
    changes_save_as: str

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> SiteUrls:
        return cls(*(str(settings.get(key, default)) for key, default in URL_DEFAULTS.items()))

    def clinic(self, identity: str) -> str:
        return _fill(self.clinic_url, identity)

    def clinic_file(self, identity: str) -> str:
        return _fill(self.clinic_save_as, identity)

    def clinic_json(self, identity: str) -> str:
        """Both the file name and the URL of a clinic's ``clinic.json``."""
        return _fill(self.clinic_json_save_as, identity)

    def state(self, code: str) -> str:
        return self.state_url.format(slug=code.lower())

    def state_file(self, code: str) -> str:
        return self.state_save_as.format(slug=code.lower())

    def state_feed(self, code: str) -> str:
        return self.state_feed_url.format(slug=code.lower())

    def state_feed_file(self, code: str) -> str:
        return self.state_feed_save_as.format(slug=code.lower())


def _fill(pattern: str, identity: str) -> str:
    state, slug = identity.split("/")
    return pattern.format(state=state, slug=slug)
