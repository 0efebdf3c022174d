"""The plugin's settings, defaulted and validated once when Pelican starts.

Pelican keeps settings in a plain dict; the plugin reads its own ``CLINIC*``
keys into one typed, frozen object so a typo or a wrong type fails at start-up
with a message naming the setting, not halfway through a build.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, urlsplit

from clinic_directory.errors import ConfigurationError
from clinic_directory.site.languages import url_prefix
from clinic_directory.site.translations import N_, po_path
from clinic_directory.site.urls import URL_DEFAULTS, URL_PLACEHOLDERS

OTHER_DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {
        "CLINICS_PATHS": ["clinics"],
        "CLINIC_PUBLISH": False,
        "CLINIC_PER_PAGE": 20,
        "CLINIC_TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "CLINIC_TILE_ATTRIBUTION": "&copy; OpenStreetMap contributors",
        "CLINIC_TILE_MAX_ZOOM": 18,
        "CLINIC_REPO_URL": "",
        "CLINIC_REPO_BRANCH": "main",
        "CLINIC_ISSUE_URL": "",
        "CLINIC_CONTACT_EMAIL": "",
        "CLINIC_DATA_LICENSE": "CC0-1.0",
        "CLINIC_GEOCODE_CACHE": "geocode-cache.json",
        "CLINIC_VENDOR_ASSETS": {},
        "CLINIC_TODAY": None,
        "CLINIC_SEARCH_INDEX": True,
        "CLINIC_LANGUAGES": None,  # DEFAULT_LANG alone
        # Shown where a page has no summary of its own, translated like any message.
        "SITE_DESCRIPTION": N_(
            "An independent, open directory of ketamine treatment clinics in the United "
            "States, with prices per route, dated sources and plain-language guides."
        ),
    }
)


@dataclass(frozen=True)
class DirectorySettings:
    """What the plugin needs from Pelican's settings, checked and typed."""

    root: Path
    records_paths: tuple[Path, ...]
    publish: bool
    per_page: int
    tile_url: str
    tile_origin: str
    tile_attribution: str
    tile_max_zoom: int
    repo_url: str
    repo_branch: str
    issue_url: str
    contact_email: str
    data_license: str
    geocode_cache: Path
    vendor_assets: Mapping[str, Path]
    today: date
    #: Whether the build runs Pagefind over the guide and policy pages.
    search_index: bool = True
    #: Where each record file's checks are remembered between builds; never when publishing.
    cache: Path | None = None
    #: The site's languages, ``DEFAULT_LANG`` first; each other one is built under ``<lang>/``.
    languages: tuple[str, ...] = ("en",)

    def lang_prefix(self, lang: str) -> str:
        return url_prefix(self.languages, lang)

    def edit_url(self, source: str) -> str:
        """Where "Suggest an edit" sends a reader: the record's file in the repository."""
        if not self.repo_url:
            return ""
        return f"{self.repo_url.rstrip('/')}/edit/{self.repo_branch}/{source}"

    def problem_url(self, identity: str) -> str:
        """Where "Report a problem" sends a reader; ``{identity}`` names the clinic."""
        return self.issue_url.replace("{identity}", quote(identity, safe="/"))


def apply_defaults(settings: MutableMapping[str, Any]) -> None:
    for key, value in {**URL_DEFAULTS, **OTHER_DEFAULTS}.items():
        settings.setdefault(key, value)


def project_root(settings: Mapping[str, Any]) -> Path:
    """The folder relative paths are resolved against: the one holding ``content/``."""
    return Path(settings.get("CLINIC_ROOT") or Path(settings["PATH"]).parent).resolve()


def cache_folder(settings: Mapping[str, Any]) -> Path:
    """Pelican's ``CACHE_PATH``, a relative one resolved against the project root
    (Pelican leaves its default relative to the working directory)."""
    return project_root(settings) / settings.get("CACHE_PATH", "cache")


def _https_url(name: str, value: Any, *, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        raise ConfigurationError(f"{name} must be a string, got {value!r}")
    if value and urlsplit(value).scheme != "https":
        raise ConfigurationError(f"{name} must be an https:// URL, got {value!r}")
    if not value and not allow_empty:
        raise ConfigurationError(f"{name} must be set")
    return value


def read_settings(settings: Mapping[str, Any]) -> DirectorySettings:
    """Validate the plugin's settings; raise ``ConfigurationError`` naming the bad one."""
    root = project_root(settings)
    paths = settings["CLINICS_PATHS"]
    if isinstance(paths, str) or not all(isinstance(p, str | Path) for p in paths):
        raise ConfigurationError(
            f"CLINICS_PATHS must be a list of folders, got {paths!r} "
            '(write CLINICS_PATHS = ["clinics"])'
        )
    per_page = settings["CLINIC_PER_PAGE"]
    if not isinstance(per_page, int) or per_page < 1:
        raise ConfigurationError(
            f"CLINIC_PER_PAGE must be a positive whole number, got {per_page!r}"
        )
    tile_url = settings["CLINIC_TILE_URL"]
    tile_parts = urlsplit(tile_url)
    if tile_parts.scheme not in {"https", "http"} or "{z}" not in tile_url:
        raise ConfigurationError(
            f"CLINIC_TILE_URL must be an http(s) URL template with {{z}}/{{x}}/{{y}}, got {tile_url!r}"
        )
    for name, placeholders in URL_PLACEHOLDERS.items():
        try:
            str(settings[name]).format(state="tx", slug="x")
        except (KeyError, IndexError, ValueError):
            named = False
        else:
            named = all(f"{{{p}}}" in str(settings[name]) for p in placeholders)
        if not named:
            raise ConfigurationError(
                f"{name} must name {' and '.join(f'{{{p}}}' for p in placeholders)} "
                f"and nothing else in braces, got {settings[name]!r}"
            )
    vendor = settings["CLINIC_VENDOR_ASSETS"]
    if not isinstance(vendor, Mapping):
        raise ConfigurationError("CLINIC_VENDOR_ASSETS must map logical names to files")
    languages = _languages(settings)
    today = settings["CLINIC_TODAY"] or date.today()
    if isinstance(today, str):
        today = date.fromisoformat(today)
    return DirectorySettings(
        root=root,
        records_paths=tuple((root / p).resolve() for p in paths),
        publish=bool(settings["CLINIC_PUBLISH"]),
        per_page=per_page,
        tile_url=tile_url,
        tile_origin=f"{tile_parts.scheme}://{tile_parts.netloc}",
        tile_attribution=str(settings["CLINIC_TILE_ATTRIBUTION"]),
        tile_max_zoom=int(settings["CLINIC_TILE_MAX_ZOOM"]),
        repo_url=_https_url("CLINIC_REPO_URL", settings["CLINIC_REPO_URL"]),
        repo_branch=str(settings["CLINIC_REPO_BRANCH"]),
        issue_url=_https_url("CLINIC_ISSUE_URL", settings["CLINIC_ISSUE_URL"]),
        contact_email=str(settings["CLINIC_CONTACT_EMAIL"]),
        data_license=str(settings["CLINIC_DATA_LICENSE"]),
        geocode_cache=root / settings["CLINIC_GEOCODE_CACHE"],
        vendor_assets=MappingProxyType({k: root / v for k, v in vendor.items()}),
        today=today,
        search_index=bool(settings["CLINIC_SEARCH_INDEX"]),
        cache=None if settings["CLINIC_PUBLISH"] else cache_folder(settings) / "clinic-directory",
        languages=languages,
    )


def _languages(settings: Mapping[str, Any]) -> tuple[str, ...]:
    """``CLINIC_LANGUAGES``, checked: ``DEFAULT_LANG`` first, and a catalogue for each other."""
    default = str(settings.get("DEFAULT_LANG") or "en")
    languages = settings["CLINIC_LANGUAGES"] or [default]
    if isinstance(languages, str) or not all(isinstance(lang, str) for lang in languages):
        raise ConfigurationError(
            f"CLINIC_LANGUAGES must be a list of language codes, got {languages!r} "
            f'(write CLINIC_LANGUAGES = ["{default}", "es"])'
        )
    if languages[0] != default:
        raise ConfigurationError(
            f"CLINIC_LANGUAGES must start with DEFAULT_LANG ({default!r}), got {languages!r}"
        )
    for lang in languages[1:]:
        if not po_path(lang).exists():
            raise ConfigurationError(
                f"CLINIC_LANGUAGES names {lang!r}, which has no message catalogue at "
                f"{po_path(lang)}: start one with `make messages-init LANG={lang}`, "
                "or leave the language out"
            )
    return tuple(languages)
