"""The Pelican generator that turns validated records into the directory's pages.

``generate_context`` validates every record and builds content objects without
writing anything (Pelican's two-phase contract); ``generate_output`` writes the
clinic, state and list pages, the data files and the assets. A clinic's files,
each page of a listing and the open data are rendered only when their
fingerprint changed since the last build of the same output folder (see
``fingerprint``); the few pages built from every record are always rendered.
Every file goes through ``StagedOutput``, which leaves files whose bytes did
not change untouched. On a large site the clinic pages are shared out to
forked copies of the build (``forked``), one per processor. All per-build
state lives on the generator instance, because Pelican reuses the process
between rebuilds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property, partial
from importlib.metadata import version
from pathlib import Path
from typing import Any, NoReturn

from pelican.contents import Content
from pelican.generators import Generator
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper

from clinic_directory import export, opendata, vocab
from clinic_directory.assets import collect_theme_assets
from clinic_directory.discovery import recently_verified_feed, robots_txt, sitemap_xml
from clinic_directory.errors import ClinicDirectoryError, InvalidRecordsError
from clinic_directory.fingerprint import (
    PLUGIN_FOLDER,
    BuildManifest,
    data_digest,
    digest,
    folders_digest,
    software_versions,
)
from clinic_directory.forked import processes_for, share_out
from clinic_directory.geocode import GeocodeCache
from clinic_directory.map import map_setup_script
from clinic_directory.model import ClinicRecord
from clinic_directory.output import StagedOutput
from clinic_directory.record_cache import RecordCache, fingerprint
from clinic_directory.schema import build_schema, schema_text
from clinic_directory.settings import DirectorySettings, cache_folder, read_settings
from clinic_directory.structured_data import clinic_jsonld
from clinic_directory.validate import validate_paths

logger = logging.getLogger(__name__)

#: Below this many clinics, forking to render in parallel costs more than it saves.
PARALLEL_MIN_CLINICS = 500


class Clinic(Content):
    """A clinic page. The record rides along as data (``clinic.record``), never as
    Pelican metadata, so a field called ``url`` or ``template`` means nothing here."""

    default_template = "clinic"
    mandatory_properties = ("title",)

    def __init__(self, record: ClinicRecord, *, settings: dict, context: dict) -> None:
        metadata = {"title": record.name, "slug": record.slug, "state": record.state}
        source = str(Path(settings["PATH"]).parent / record.source)
        self._relative_source_path: str | None = None
        super().__init__(
            "", metadata=metadata, settings=settings, source_path=source, context=context
        )
        self.record = record

    def get_relative_source_path(self, source_path: str | None = None) -> str | None:
        """Pelican works this out (two absolute paths, a relative one) for the page
        and again for its URL and its file name: here, once."""
        if source_path is not None and source_path != self.source_path:
            return super().get_relative_source_path(source_path)
        if self._relative_source_path is None:
            self._relative_source_path = super().get_relative_source_path()
        return self._relative_source_path

    @cached_property
    def url(self) -> str:
        """Pelican works a URL out again on each use; list pages use each clinic's twice."""
        return super().url

    @cached_property
    def save_as(self) -> str:
        return super().save_as

    @property
    def data(self) -> dict[str, Any]:
        return self.record.data

    @property
    def is_listed(self) -> bool:
        """Closed clinics keep their page but leave lists, maps and the index."""
        return self.data["status"] != "closed"


class SiteWideOnlyError(ClinicDirectoryError):
    """A clinic page's template used the list of all clinics."""


class _NotOnClinicPages:
    """Stands in for the all-clinics context while a clinic's own files render.

    Those files are rendered again only when their own record (or something
    site-wide) changes, so a template that read other records there would go
    stale; this makes such a template fail at once instead.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def _refuse(self, *_: Any) -> NoReturn:
        raise SiteWideOnlyError(
            f"a clinic page's template uses {self.name!r}, the list of all clinics: clinic "
            "pages are rebuilt only when their own record changes, so they may show only "
            "that record; link to the list or state page instead"
        )

    __iter__ = __len__ = __bool__ = __getitem__ = __contains__ = _refuse

    def __getattr__(self, attribute: str) -> NoReturn:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        self._refuse()


#: The context keys that hold every clinic, replaced on a clinic's own pages.
ALL_CLINICS_KEYS = ("clinics", "listed_clinics", "clinic_states")
#: Each clinic's part of the open data, by fingerprint, in the cache folder (``record_cache``).
EXPORTS_CACHE_FILE = "open-data-parts.jsonl"
#: The map set-up script by tile settings, in the cache folder.
MAP_SCRIPT_CACHE_FILE = "map-setup.jsonl"


def _stored_export(stored: Any) -> opendata.RecordExport | None:
    try:
        part = opendata.RecordExport(**stored)
    except TypeError:  # none stored, or an entry in another shape
        return None
    return part if all(isinstance(text, str) for text in vars(part).values()) else None


class State(URLWrapper):
    """One state's listing (``STATE_URL``), named by its lower-case USPS code."""

    def __init__(self, code: str, settings: dict) -> None:
        super().__init__(code, settings)
        self.code = code.upper()
        self.label = vocab.STATES.label(self.code)
        self.clinics: list[Clinic] = []


def neutral_order_key(clinic: Clinic, salt: str) -> tuple[str, str, str]:
    """State, then city, then a digest of the identity salted with the build month.

    The digest rotates every month, so no name or slug can buy a lasting first place
    (documented on the ordering page).
    """
    digest = hashlib.sha256(f"{salt}:{clinic.record.identity}".encode()).hexdigest()
    return (
        vocab.STATES.label(clinic.data["address"]["state"]),
        clinic.data["address"]["city"].casefold(),
        digest,
    )


class ClinicGenerator(Generator):
    """Validates the records and writes every page that depends on them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options: DirectorySettings = read_settings(self.settings)
        self.output = StagedOutput.from_settings(self.output_path, self.settings)
        self.clinics: list[Clinic] = []
        self.states: list[State] = []

    # -- context -----------------------------------------------------------------

    def generate_context(self) -> None:
        options = self.options
        report = validate_paths(
            [p for p in options.records_paths if p.exists()],
            root=options.root,
            publish=options.publish,
            today=options.today,
            geocode_cache=GeocodeCache.load(options.geocode_cache),
            cache_folder=options.record_cache,
        )
        for warning in report.warnings:
            logger.warning("%s", warning)
        if not report.ok:
            raise InvalidRecordsError(report.problems)

        salt = options.today.strftime("%Y-%m")
        self.clinics = sorted(
            (Clinic(r, settings=self.settings, context=self.context) for r in report.records),
            key=lambda clinic: neutral_order_key(clinic, salt),
        )
        states: dict[str, State] = {}
        for clinic in self.clinics:
            self.add_source_path(clinic)
            state = states.setdefault(
                clinic.record.state, State(clinic.record.state, self.settings)
            )
            if clinic.is_listed:
                state.clinics.append(clinic)
        self.states = sorted(states.values(), key=lambda state: state.label)

        self.assets = collect_theme_assets(Path(self.theme) / "static", options.vendor_assets)
        self.assets.add_bytes("js/map-setup.js", self.map_script().encode())
        self.context.update(
            clinics=self.clinics,
            listed_clinics=[c for c in self.clinics if c.is_listed],
            clinic_states=self.states,
            asset_manifest=self.assets,
            directory=options,
            has_samples=any(c.record.is_sample for c in self.clinics),
            CSP=self.content_security_policy(),
        )

    def map_script(self) -> str:
        """folium's map set-up, kept in the cache folder: it changes only with the tile
        settings and folium, and importing folium takes most of a second of each build."""
        options = self.options
        tiles = {
            "tile_url": options.tile_url,
            "attribution": options.tile_attribution,
            "max_zoom": options.tile_max_zoom,
        }
        if options.record_cache is None:
            return map_setup_script(**tiles)
        cache = RecordCache.open(
            options.record_cache / MAP_SCRIPT_CACHE_FILE, fingerprint(version("folium"))
        )
        key = digest(tiles)
        script = cache.get(key)
        if not isinstance(script, str):
            script = map_setup_script(**tiles)
            cache.put(key, script)
            cache.save()
        return script

    def content_security_policy(self) -> str:
        tiles = self.options.tile_origin
        return (
            "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
            f"img-src 'self' data: {tiles}; connect-src 'self'; font-src 'self'; "
            "manifest-src 'self'; base-uri 'none'; form-action 'self'"
        )

    # -- output ------------------------------------------------------------------

    def write(self, writer: Any, name: str, template: str, **page: Any) -> None:
        writer.write_file(
            name,
            self.get_template(template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            **page,
        )

    def write_text(self, name: str, text: str) -> None:
        self.output.write_text(name, text)

    def write_json(self, name: str, document: Any) -> None:
        self.write_text(name, json.dumps(document, ensure_ascii=False, separators=(",", ":")))

    def site_url(self, path: str) -> str:
        return f"{self.settings['SITEURL']}/{path}"

    def generate_output(self, writer: Any) -> None:
        manifest = BuildManifest.load(
            cache_folder(self.settings), self.output.previous.resolve(), "pages"
        )
        site = self.site_fingerprint()
        fingerprints = {c.record.identity: self.clinic_fingerprint(c, site) for c in self.clinics}
        self.assets.write(self.output)
        write_share = partial(self.write_clinic_units, writer, manifest, fingerprints)
        site_files = partial(self.write_site_files, writer, manifest, site, fingerprints)
        jobs = self.render_processes()
        for recorded in share_out(self.clinics, write_share, jobs, first=site_files):
            manifest.merge(recorded)
        manifest.save()

    def write_site_files(
        self,
        writer: Any,
        manifest: BuildManifest,
        site: str,
        fingerprints: Mapping[str, str],
    ) -> None:
        """Everything but the clinics' own files: lists, open data, site-wide pages.
        None of it reads a clinic's page, so it is written while forked copies
        render those."""
        self.write_listings(writer, manifest, site, fingerprints)
        self.write_unit(
            manifest,
            "records",
            digest(site, list(fingerprints.values())),
            ["data/index.json", *opendata.FILES.values()],
            lambda: self.write_record_files(fingerprints),
        )
        self.write_unit(
            manifest,
            "zips",
            digest(site, version("zipcodes")),
            ["data/zips.json"],
            lambda: self.write_json("data/zips.json", export.zip_table()),
        )
        self.write_text("schema/clinic.schema.json", schema_text())
        self.write_discovery_files()
        for template, name in (
            ("index", "index.html"),
            ("map", "map/index.html"),
            ("compare", "compare/index.html"),
            ("404", "404.html"),
        ):
            self.write(writer, name, template, page_name=template)
        self.write_data_page(writer)

    def render_processes(self) -> int:
        """One process per processor once there are enough clinics to repay a fork."""
        if self.options.render_processes is not None:
            return self.options.render_processes
        return processes_for(len(self.clinics), PARALLEL_MIN_CLINICS)

    def write_clinic_units(
        self,
        writer: Any,
        manifest: BuildManifest,
        fingerprints: Mapping[str, str],
        clinics: Sequence[Clinic],
    ) -> dict[str, Any]:
        """Write (or keep) the files of ``clinics``; return what the manifest recorded
        for them, which a forked share sends back to the parent."""
        units = []
        for clinic in clinics:
            identity = clinic.record.identity
            units.append(f"clinic:{identity}")
            self.write_unit(
                manifest,
                units[-1],
                fingerprints[identity],
                self.clinic_files(clinic),
                lambda clinic=clinic: self.write_clinic(writer, clinic),
            )
        return manifest.recorded(units)

    def site_fingerprint(self) -> str:
        """Everything site-wide that can reach a clinic's files; when unsure, it is in."""
        overrides = self.settings.get("THEME_TEMPLATES_OVERRIDES") or []
        folders = [PLUGIN_FOLDER, Path(self.theme), *map(Path, overrides), Path(self.path)]
        return digest(
            folders_digest(folders),
            software_versions(),
            self.settings,
            self.options,
            self.assets.urls,
            self.context["has_samples"],
            self.context["CSP"],
        )

    def clinic_fingerprint(self, clinic: Clinic, site: str) -> str:
        record = clinic.record
        return digest(
            site,
            record.identity,
            record.source,
            data_digest(record.data),
            record.location,
            clinic.url,
            clinic.save_as,
        )

    def write_unit(
        self,
        manifest: BuildManifest,
        unit: str,
        fingerprint: str,
        files: list[str],
        write: Callable[[], None],
    ) -> None:
        """Keep ``files`` as published if ``unit``'s fingerprint is unchanged, else ``write``."""
        stamps = manifest.stamps(unit, fingerprint) or {}
        if set(files) - stamps.keys() or not self.output.keep({f: stamps[f] for f in files}):
            write()
        manifest.record(unit, fingerprint, {name: self.output.stamp(name) for name in files})

    def write_record_files(self, fingerprints: Mapping[str, str]) -> None:
        """The files made of every record: the directory index and the open data.

        Every clinic is in the open data, closed ones too (their status says so);
        samples reach only development builds, where each carries ``sample: true``.
        """
        listed = [c.record for c in self.context["listed_clinics"]]
        self.write_json(
            "data/index.json", export.index_document(listed, site_url_of=self.clinic_url)
        )
        for name, text in opendata.downloads(
            self.record_exports(fingerprints),
            license_id=self.options.data_license,
            schema_url=self.site_url("schema/clinic.schema.json"),
        ):
            self.write_text(opendata.FILES[name], text)

    def record_exports(self, fingerprints: Mapping[str, str]) -> list[opendata.RecordExport]:
        """Each clinic's part of the open data, kept between builds under the clinic's
        fingerprint, so a rebuild after one edit writes one clinic's part."""
        folder = self.options.record_cache
        cache = RecordCache.open(folder / EXPORTS_CACHE_FILE, fingerprint()) if folder else None
        parts = []
        for clinic in self.clinics:
            key = fingerprints[clinic.record.identity]
            part = _stored_export(cache.get(key)) if cache else None
            if part is None:
                part = opendata.record_export(clinic.record, self.site_url(clinic.url))
                if cache:
                    cache.put(key, dataclasses.asdict(part))
            parts.append(part)
        if cache:
            cache.save()
        return parts

    def write_data_page(self, writer: Any) -> None:
        """The ``/data/`` page that documents the downloads."""
        self.write(
            writer,
            "data/index.html",
            "data",
            page_name="data",
            data_files=opendata.FILES,
            data_fields=opendata.schema_fields(build_schema()),
            data_license_url=opendata.license_url(self.options.data_license),
            data_versions=opendata.VERSIONS,
        )

    def clinic_files(self, clinic: Clinic) -> list[str]:
        """Every file of one clinic: its page and its ``clinic.json``, then the same two
        for each previous slug (a redirect and a copy)."""
        record = clinic.record
        json_pattern = self.settings["CLINIC_JSON_SAVE_AS"]
        files = [clinic.save_as, json_pattern.format(state=record.state, slug=record.slug)]
        for old in record.data.get("previous_slugs", []):
            state, slug = old.split("/")
            files += [
                self.settings["CLINIC_SAVE_AS"].format(state=state, slug=slug),
                json_pattern.format(state=state, slug=slug),
            ]
        return files

    def write_clinic(self, writer: Any, clinic: Clinic) -> None:
        record = clinic.record
        page, document_path, *redirects = self.clinic_files(clinic)
        own_record_only = {key: _NotOnClinicPages(key) for key in ALL_CLINICS_KEYS}
        self.write(
            writer,
            page,
            "clinic",
            clinic=clinic,
            jsonld=clinic_jsonld(record, self.site_url(clinic.url)),
            edit_url=self.options.edit_url(record.source),
            page_name="clinic",
            **own_record_only,
        )
        document = export.clinic_document(record)
        self.write_json(document_path, document)
        for redirect, copy in zip(redirects[::2], redirects[1::2], strict=True):
            self.write(
                writer, redirect, "redirect", clinic=clinic, page_name="redirect", **own_record_only
            )
            self.write_json(copy, document)

    def write_listings(
        self, writer: Any, manifest: BuildManifest, site: str, fingerprints: Mapping[str, str]
    ) -> None:
        """``/clinics/`` and each state's pages, a page at a time (see ``write_listing``)."""
        listed = self.context["listed_clinics"]
        counts = [(state.code, len(state.clinics)) for state in self.states]
        self.write_listing(
            writer,
            manifest,
            digest(site, "clinics", counts),
            fingerprints,
            name=self.settings["CLINICS_INDEX_SAVE_AS"],
            url=self.settings["CLINICS_INDEX_URL"],
            template="clinics",
            clinics=listed,
        )
        for state in self.states:
            self.write_listing(
                writer,
                manifest,
                digest(site, "state", state.code),
                fingerprints,
                name=state.save_as,
                url=state.url,
                template="state",
                clinics=state.clinics,
                state=state,
            )

    def write_listing(
        self,
        writer: Any,
        manifest: BuildManifest,
        listing: str,
        fingerprints: Mapping[str, str],
        *,
        name: str,
        url: str,
        template: str,
        clinics: list[Clinic],
        **page: Any,
    ) -> None:
        """One paginated listing, each page a unit of its own.

        The pagination is Pelican's (its ``Paginator`` and template variables), done
        here rather than by the writer so that a page whose clinics, position and
        page count are unchanged is kept as published: after one edit, only the
        pages showing that clinic are rendered again.
        """
        paginator = Paginator(name, url, clinics, self.settings, self.options.per_page)
        pages = [paginator.page(number) for number in range(1, paginator.num_pages + 1)]
        for index, current in enumerate(pages):
            shown = [fingerprints[clinic.record.identity] for clinic in current.object_list]
            self.write_unit(
                manifest,
                f"listing:{current.save_as}",
                digest(listing, len(clinics), paginator.num_pages, current.number, shown),
                [current.save_as],
                partial(
                    self.write,
                    writer,
                    current.save_as,
                    template,
                    page_name=template,
                    url=url,
                    clinics=clinics,
                    clinics_paginator=paginator,
                    clinics_page=current,
                    clinics_previous_page=pages[index - 1] if index else None,
                    clinics_next_page=pages[index + 1] if index + 1 < len(pages) else None,
                    **page,
                ),
            )

    def write_discovery_files(self) -> None:
        """Sitemap, robots.txt and feed: only real clinics, and only with absolute URLs."""
        site_url = self.settings["SITEURL"]
        indexable = site_url.startswith("https://") and not self.context["has_samples"]
        self.write_text("robots.txt", robots_txt(site_url, indexable=indexable))
        if not indexable:
            return
        self.write_text("sitemap.xml", sitemap_xml(self.sitemap_entries()))
        self.write_text(
            "feeds/clinics.atom.xml",
            recently_verified_feed(
                [c.record for c in self.context["listed_clinics"]],
                site_name=self.settings["SITENAME"],
                site_url=site_url,
                url_of=lambda record: self.site_url(self.clinic_url(record)),
            ),
        )

    def clinic_url(self, record: ClinicRecord) -> str:
        return self.settings["CLINIC_URL"].format(state=record.state, slug=record.slug)

    def sitemap_entries(self) -> list[tuple[str, Any]]:
        per_page = self.options.per_page
        paths = ["", "clinics/", "map/", "compare/", "data/"]
        paths += [
            f"clinics/page/{n}/"
            for n in range(2, -(-len(self.context["listed_clinics"]) // per_page) + 1)
        ]
        for state in self.states:
            paths.append(state.url)
            paths += [
                f"{state.url}page/{n}/" for n in range(2, -(-len(state.clinics) // per_page) + 1)
            ]
        paths += [page.url for page in self.context.get("pages", [])]
        entries: list[tuple[str, Any]] = [(self.site_url(path), None) for path in paths]
        entries += [(self.site_url(c.url), c.record.last_verified) for c in self.clinics]
        return entries
