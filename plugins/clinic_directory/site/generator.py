"""The Pelican generator that turns validated records into the directory's pages.

``generate_context`` validates every record once and builds content objects
without writing anything (Pelican's two-phase contract); ``generate_output``
writes the clinic, state and list pages through Pelican's writer, and the data
files, assets and host files beside them. All per-build state lives on the
generator instance, because Pelican reuses the process between rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any, NoReturn

from pelican.contents import Content
from pelican.generators import Generator
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

from clinic_directory.errors import ClinicDirectoryError, InvalidRecordsError
from clinic_directory.records import vocab
from clinic_directory.records.cache import RecordCache, fingerprint
from clinic_directory.records.geocode import GeocodeCache
from clinic_directory.records.model import RECENT_WITHIN_DAYS, ClinicRecord
from clinic_directory.records.schema import build_schema, schema_text
from clinic_directory.records.validate import validate_paths
from clinic_directory.site import browser_index, opendata
from clinic_directory.site.assets import collect_theme_assets
from clinic_directory.site.guide_review import review_problems, revision, translation_problems
from clinic_directory.site.headers import content_security_policy, headers_file
from clinic_directory.site.map import map_setup_script
from clinic_directory.site.publish import Publication
from clinic_directory.site.render_pool import processes_for, run_jobs
from clinic_directory.site.seo import (
    changes_feed,
    newest_changes,
    recently_verified_feed,
    robots_txt,
    sitemap_xml,
)
from clinic_directory.site.settings import DirectorySettings, read_settings
from clinic_directory.site.urls import SiteUrls

logger = logging.getLogger(__name__)

#: Rows on each page of ``/changes/``.
CHANGES_PER_PAGE = 100

#: The browser's ZIP table, in the cache folder (see ``zip_table``).
ZIP_CACHE_FILE = "zip-table.jsonl"

#: Pages written from a template of the same name, and where.
SITE_PAGES = (
    ("index", "index.html"),
    ("map", "map/index.html"),
    ("compare", "compare/index.html"),
    ("search", "search/index.html"),
    ("404", "404.html"),
)


class Clinic(Content):
    """A clinic page. The record rides along as data (``clinic.record``), never as
    Pelican metadata, so a field called ``url`` or ``template`` means nothing here."""

    default_template = "clinic"
    mandatory_properties = ("title",)

    def __init__(
        self, record: ClinicRecord, urls: SiteUrls, *, settings: dict, context: dict
    ) -> None:
        metadata = {"title": record.name, "slug": record.slug, "state": record.state}
        source = str(Path(settings["PATH"]).parent / record.source)
        super().__init__(
            "", metadata=metadata, settings=settings, source_path=source, context=context
        )
        self.record = record
        self._url = urls.clinic(record.identity)
        self._save_as = urls.clinic_file(record.identity)

    @property
    def url(self) -> str:
        return self._url

    @property
    def save_as(self) -> str:
        return self._save_as

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
    """Stands in for the all-clinics context while a clinic's own files render, so a
    template that read other records there fails at once instead of going stale."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _refuse(self, *_: Any) -> NoReturn:
        raise SiteWideOnlyError(
            f"a clinic page's template uses {self.name!r}, the list of all clinics: a "
            "clinic's files may show only its own record; link to the list or state page"
        )

    __iter__ = __len__ = __bool__ = __getitem__ = __contains__ = _refuse

    def __getattr__(self, attribute: str) -> NoReturn:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        self._refuse()


#: The context keys that hold every clinic, replaced on a clinic's own pages.
ALL_CLINICS_KEYS = ("clinics", "listed_clinics", "clinic_states")


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


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


#: A page number no listing reaches, written as ``{number}`` in a listing's page URL pattern.
_PAGE_NUMBER_MARK = 987_654_321


def pagination(pages: list[Page], index: int) -> dict[str, Any]:
    """Pelican's pagination variables for one page of a listing, plus the pattern of
    its page URLs, from which the browser pages the same way (``finder.js``)."""
    paginator = pages[index].paginator
    pattern = paginator.page(_PAGE_NUMBER_MARK).url.replace(str(_PAGE_NUMBER_MARK), "{number}")
    return {
        "clinics_paginator": paginator,
        "clinics_page": pages[index],
        "clinics_previous_page": pages[index - 1] if index else None,
        "clinics_next_page": pages[index + 1] if index + 1 < len(pages) else None,
        "clinics_page_pattern": pattern,
    }


class ClinicGenerator(Generator):
    """Validates the records and writes every page and file that depends on them."""

    #: Set on the class the plugin hands Pelican for one run (see ``plugin``).
    publication: Publication | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options: DirectorySettings = read_settings(self.settings)
        self.urls = SiteUrls.from_settings(self.settings)
        self.clinics: list[Clinic] = []
        self.states: list[State] = []
        #: Each clinic's part of the open data, where ``serve`` kept it from its last run.
        self.exports: dict[str, opendata.RecordExport] = {}
        #: Folders made so far: a rebuild in ``serve`` copies thousands of kept files.
        self.folders: set[str] = set()

    # -- context -----------------------------------------------------------------

    def generate_context(self) -> None:
        options = self.options
        report = validate_paths(
            [p for p in options.records_paths if p.exists()],
            root=options.root,
            publish=options.publish,
            today=options.today,
            geocode_cache=GeocodeCache.load(options.geocode_cache),
            cache_folder=options.cache,
        )
        for warning in report.warnings:
            logger.warning("%s", warning)
        if not report.ok:
            raise InvalidRecordsError(report.problems)
        self.check_guide_reviews()

        salt = options.today.strftime("%Y-%m")
        self.clinics = sorted(
            (
                Clinic(r, self.urls, settings=self.settings, context=self.context)
                for r in report.records
            ),
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

        site_url = self.settings["SITEURL"]
        has_samples = any(c.record.is_sample for c in self.clinics)
        self.assets = collect_theme_assets(Path(self.theme) / "static", options.vendor_assets)
        self.assets.add_bytes("js/map-setup.js", self.map_script().encode())
        self.context.update(
            clinics=self.clinics,
            listed_clinics=[c for c in self.clinics if c.is_listed],
            clinic_states=self.states,
            asset_manifest=self.assets,
            directory=options,
            urls=self.urls,
            has_samples=has_samples,
            # Feeds need absolute URLs, and fictional clinics never reach one.
            feeds=site_url.startswith("https://") and not has_samples,
            CSP=content_security_policy(options.tile_origin),
        )

    def check_guide_reviews(self) -> None:
        """Warn about guide pages whose review is missing, overdue or outlived by a rule,
        and about translations made from an older English page."""
        for page in self.context.get("pages", []):
            if not page.url.startswith("guide/"):
                continue
            for problem in review_problems(page.metadata, self.options.today):
                logger.warning("%s: %s", page.get_relative_source_path(), problem)
            english = revision(Path(page.source_path).read_bytes())
            for translation in page.translations:
                for problem in translation_problems(translation.metadata, page.metadata, english):
                    logger.warning("%s: %s", translation.get_relative_source_path(), problem)

    def map_script(self) -> str:
        return map_setup_script(
            tile_url=self.options.tile_url,
            attribution=self.options.tile_attribution,
            max_zoom=self.options.tile_max_zoom,
        )

    def zip_table(self) -> dict[str, Any]:
        """The ZIP table changes only with the ``zipcodes`` package, and reading that
        takes two seconds: development builds keep it in the cache folder."""
        if self.options.cache is None:
            return browser_index.zip_table()
        cache = RecordCache.open(
            self.options.cache / ZIP_CACHE_FILE, fingerprint(version("zipcodes"))
        )
        table = cache.get("table")
        if not isinstance(table, dict):
            table = browser_index.zip_table()
            cache.put("table", table)
            cache.save()
        return table

    # -- output ------------------------------------------------------------------

    def generate_output(self, writer: Any) -> None:
        if self.publication is not None:  # the guide and policy pages carry search content
            self.publication.search_pages = [
                version.save_as
                for page in self.context["pages"]
                for version in (page, *page.translations)
            ]
        for name, data in self.assets.outputs():
            self.write_bytes(name, data)
        self.write_pages(writer)
        self.write_changes(writer)
        self.write_record_files()
        self.write_json("data/zips.json", self.zip_table())
        self.write_text("schema/clinic.schema.json", schema_text())
        self.write_text("_headers", headers_file(self.options.tile_origin))
        self.write_discovery_files()
        everything = self.listings()[0]
        for template, name in SITE_PAGES:
            # Without JavaScript, /map/ lists what the map would show: the first page of
            # every clinic, whose pager goes on to /clinics/page/2/.
            listing = (
                {
                    "clinics": everything[1],
                    "out_of_date": everything[3]["out_of_date"],
                    **pagination(everything[2], 0),
                }
                if template == "map"
                else {}
            )
            self.write(writer, name, template, page_name=template, **listing)
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

    def write(self, writer: Any, name: str, template: str, **page: Any) -> list[str]:
        """A page in each of the site's languages: ``name`` in the first, ``<lang>/name``
        in the others; the template learns its language (``lang``) and the page's
        language-neutral URL (``page_path``), from which it links to the others."""
        page_path = name.removesuffix("index.html")
        written = []
        for lang in self.options.languages:
            written.append(self.options.lang_prefix(lang) + name)
            writer.write_file(
                written[-1],
                self.get_template(template),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                lang=lang,
                page_path=page_path,
                **page,
            )
        return written

    def write_bytes(self, name: str, data: bytes) -> None:
        path = os.path.join(self.output_path, name)
        folder = os.path.dirname(path)
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        with open(path, "wb") as file:
            file.write(data)

    def write_text(self, name: str, text: str) -> None:
        self.write_bytes(name, text.encode("utf-8"))

    def write_json(self, name: str, document: Any) -> None:
        self.write_text(name, json.dumps(document, ensure_ascii=False, separators=(",", ":")))

    def site_url(self, path: str) -> str:
        return f"{self.settings['SITEURL']}/{path}"

    def write_pages(self, writer: Any) -> None:
        """Every clinic's files and the paginated lists, most of a build: in worker
        processes on a large site (see ``render_pool``). A rebuild in a running
        ``serve`` copies the files of each page whose inputs did not change from the
        last run (a clinic's record, the clinics on a list page, the templates) and
        renders only the others."""
        remembered = self.publication.rendered if self.publication else None
        jobs = self.page_jobs(writer, None if remembered is None else self.site_key())
        due = []
        for key, identity, job in jobs:
            kept = None if remembered is None else remembered.get(key)
            if kept is None:
                due.append((key, identity, job))
                continue
            for name, data in kept[0]:
                self.write_bytes(name, data)
            if identity:
                self.exports[identity] = kept[1]
        results = run_jobs(
            [job for _, _, job in due], processes=processes_for(len(due)), context=self.context
        )
        fresh = {}
        for (key, identity, _), (names, export) in zip(due, results, strict=True):
            if identity:
                self.exports[identity] = export
            if remembered is not None:
                fresh[key] = ([(name, self.read_output(name)) for name in names], export)
        if remembered is not None:
            self.publication.rendered = {
                key: fresh.get(key) or remembered[key] for key, _, _ in jobs
            }

    def page_jobs(
        self, writer: Any, site: str | None
    ) -> list[tuple[str | None, str | None, Callable[[], tuple[list[str], Any]]]]:
        """(what the files depend on, the clinic's identity or None, the job writing
        them) for each clinic and each list page. ``site`` is what every page depends
        on besides its own inputs; without it (a publish build) nothing is keyed."""
        clinic_keys = {
            clinic.record.identity: site and self.clinic_key(site, clinic)
            for clinic in self.clinics
        }
        jobs: list[tuple[str | None, str | None, Callable[[], tuple[list[str], Any]]]] = [
            (
                clinic_keys[clinic.record.identity],
                clinic.record.identity,
                partial(self.write_clinic_and_export, writer, clinic),
            )
            for clinic in self.clinics
        ]
        states = [(state.code, len(state.clinics)) for state in self.states]
        for template, clinics, pages, page in self.listings():
            for index, current in enumerate(pages):
                on_page = [clinic_keys[clinic.record.identity] for clinic in current.object_list]
                key = site and _digest(
                    site, current.save_as, len(clinics), page["out_of_date"], states, on_page
                )
                context = {"page_name": template, "clinics": clinics, **page}
                write = partial(self.write_list_page, writer, current.save_as, template)
                jobs.append((key, None, partial(write, **context, **pagination(pages, index))))
        return jobs

    def write_list_page(
        self, writer: Any, name: str, template: str, **page: Any
    ) -> tuple[list[str], None]:
        """A page of ``/clinics/`` or of a state, with Pelican's pagination variables.

        Pagination is done here rather than by the writer, which paginates only the
        lists Pelican knows (``articles``, ...), not ``clinics``.
        """
        return self.write(writer, name, template, **page), None

    def clinic_key(self, site: str, clinic: Clinic) -> str:
        """What a clinic's files depend on: the site, and its own record."""
        record = clinic.record
        return _digest(site, record.identity, record.source, clinic.data, record.location)

    def write_clinic_and_export(
        self, writer: Any, clinic: Clinic
    ) -> tuple[list[str], opendata.RecordExport]:
        """A clinic's files, and its part of the open data, made where its page is."""
        return self.write_clinic(writer, clinic), self.record_export(clinic)

    def record_export(self, clinic: Clinic) -> opendata.RecordExport:
        return opendata.record_export(clinic.record, self.site_url(clinic.url))

    def site_key(self) -> str:
        """What every clinic's files depend on besides the record, in a running process."""
        templates = Path(self.theme) / "templates"
        sources = {
            p.as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(templates.rglob("*"))
            if p.is_file()
        }
        return _digest(
            sources, self.assets.urls, self.options.today.isoformat(), self.context["has_samples"]
        )

    def read_output(self, name: str) -> bytes:
        with open(os.path.join(self.output_path, name), "rb") as file:
            return file.read()

    def write_clinic(self, writer: Any, clinic: Clinic) -> list[str]:
        """A clinic's page and ``clinic.json``, and both again at each former identity
        (a redirect page and a copy), so shared links and compare URLs never break.

        The templates see only this clinic, never the list of all clinics, so that its
        files depend on its own record alone (which ``write_clinics`` relies on)."""
        record = clinic.record
        own_record_only = {key: _NotOnClinicPages(key) for key in ALL_CLINICS_KEYS}
        files = self.write(
            writer,
            clinic.save_as,
            "clinic",
            clinic=clinic,
            edit_url=self.options.edit_url(record.source),
            page_name="clinic",
            **own_record_only,
        )
        documents = {
            self.options.lang_prefix(lang): browser_index.clinic_document(
                record, url=clinic.url, lang=lang
            )
            for lang in self.options.languages
        }
        for identity in (record.identity, *record.data.get("previous_slugs", [])):
            if identity != record.identity:
                files += self.write(
                    writer,
                    self.urls.clinic_file(identity),
                    "redirect",
                    clinic=clinic,
                    page_name="redirect",
                    **own_record_only,
                )
            for prefix, document in documents.items():
                files.append(prefix + self.urls.clinic_json(identity))
                self.write_json(files[-1], document)
        return files

    def listings(self) -> list[tuple[str, list[Clinic], list[Page], dict[str, Any]]]:
        """Each paginated listing: its template, clinics, Pelican pages and extra context."""
        urls = self.urls
        found = [
            (
                "clinics",
                self.context["listed_clinics"],
                urls.clinics_index_save_as,
                urls.clinics_index_url,
                {},
            ),
            *(
                ("state", state.clinics, state.save_as, state.url, {"state": state})
                for state in self.states
            ),
        ]
        listings = []
        for template, listed, save_as, url, page in found:
            # Without JavaScript a list shows what the finder shows by default: listings
            # not verified for over a year are left out (their pages stay).
            clinics = [clinic for clinic in listed if not clinic.record.out_of_date]
            paginator = Paginator(save_as, url, clinics, self.settings, self.options.per_page)
            pages = [paginator.page(number) for number in range(1, paginator.num_pages + 1)]
            left_out = len(listed) - len(clinics)
            listings.append(
                (template, clinics, pages, {"url": url, "out_of_date": left_out, **page})
            )
        return listings

    def write_changes(self, writer: Any) -> None:
        """``/changes/``: the clinics added, verified again or closed in the last 90 days,
        newest first, from the records' own dates; paginated like the lists."""
        since = self.options.today.toordinal() - RECENT_WITHIN_DAYS
        events = [
            event
            for event in newest_changes(c.record for c in self.clinics)
            if event.day.toordinal() > since
        ]
        urls = self.urls
        paginator = Paginator(
            urls.changes_save_as, urls.changes_url, events, self.settings, CHANGES_PER_PAGE
        )
        pages = [paginator.page(number) for number in range(1, paginator.num_pages + 1)]
        states = sorted(
            {c.record.state for c in self.clinics},
            key=lambda code: vocab.STATES.label(code.upper()),
        )
        for index, current in enumerate(pages):
            self.write(
                writer,
                current.save_as,
                "changes",
                page_name="changes",
                changes_days=RECENT_WITHIN_DAYS,
                changes_paginator=paginator,
                changes_page=current,
                changes_previous_page=pages[index - 1] if index else None,
                changes_next_page=pages[index + 1] if index + 1 < len(pages) else None,
                change_states=states,
            )

    def write_record_files(self) -> None:
        """The files made of every record: the directory index and the open data.

        Every clinic is in the open data, closed ones too (their status says so);
        samples reach only development builds, where each carries ``sample: true``.
        """
        listed = [c.record for c in self.context["listed_clinics"]]
        self.write_json("data/index.json", browser_index.index_document(listed, self.urls))
        for lang in self.options.languages[1:]:
            self.write_json(
                f"data/vocabulary.{lang}.json",
                browser_index.vocabulary_document(lang),
            )
        parts = [self.exports[clinic.record.identity] for clinic in self.clinics]
        for name, text in opendata.downloads(
            parts,
            license_id=self.options.data_license,
            schema_url=self.site_url("schema/clinic.schema.json"),
        ):
            self.write_text(opendata.FILES[name], text)

    def write_discovery_files(self) -> None:
        """Sitemap, robots.txt and feed: only real clinics, and only with absolute URLs."""
        site_url = self.settings["SITEURL"]
        indexable = self.context["feeds"]
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
                listing_url=self.site_url(self.urls.clinics_index_url),
                url_of=lambda record: self.site_url(self.urls.clinic(record.identity)),
            ),
        )
        self.write_state_feeds()

    def write_state_feeds(self) -> None:
        """One Atom feed per state with clinics: each clinic added, verified again or
        closed there, newest first (closed clinics included: their closing is news)."""
        by_state: dict[str, list[ClinicRecord]] = {}
        for clinic in self.clinics:
            by_state.setdefault(clinic.record.state, []).append(clinic.record)
        for state, records in by_state.items():
            self.write_text(
                self.urls.state_feed_file(state),
                changes_feed(
                    records,
                    title=f"{self.settings['SITENAME']}: changes in "
                    f"{vocab.STATES.label(state.upper())}",
                    feed_url=self.site_url(self.urls.state_feed(state)),
                    listing_url=self.site_url(self.urls.state(state)),
                    url_of=lambda record: self.site_url(self.urls.clinic(record.identity)),
                ),
            )

    def sitemap_entries(self) -> list[tuple[list[tuple[str, str]], Any]]:
        """Every public page in each of its languages, with its last change if known."""

        def everywhere(path: str) -> list[tuple[str, str]]:
            languages = self.options.languages
            return [
                (lang, self.site_url(self.options.lang_prefix(lang) + path)) for lang in languages
            ]

        paths = ["", "map/", "compare/", "data/", self.urls.changes_url]
        paths += [page.url for _, _, pages, _ in self.listings() for page in pages]
        entries: list[tuple[list[tuple[str, str]], Any]] = [
            (everywhere(path), None) for path in paths
        ]
        entries += [
            ([(v.lang, self.site_url(v.url)) for v in (page, *page.translations)], None)
            for page in self.context.get("pages", [])
        ]
        entries += [(everywhere(c.url), c.record.last_verified) for c in self.clinics]
        return entries
