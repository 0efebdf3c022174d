"""The Pelican generator that turns validated records into the directory's pages.

``generate_context`` validates every record and builds content objects without
writing anything (Pelican's two-phase contract); ``generate_output`` writes the
clinic, state and list pages, the data files and the assets. All per-build state
lives on the generator instance, because Pelican reuses the process between
rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from pelican.contents import Content
from pelican.generators import Generator
from pelican.urlwrappers import URLWrapper

from clinic_directory import export, opendata, vocab
from clinic_directory.assets import collect_theme_assets
from clinic_directory.discovery import recently_verified_feed, robots_txt, sitemap_xml
from clinic_directory.errors import InvalidRecordsError
from clinic_directory.geocode import GeocodeCache
from clinic_directory.map import map_setup_script
from clinic_directory.model import ClinicRecord
from clinic_directory.schema import build_schema, schema_text
from clinic_directory.settings import DirectorySettings, read_settings
from clinic_directory.structured_data import clinic_jsonld
from clinic_directory.validate import validate_paths

logger = logging.getLogger(__name__)


class Clinic(Content):
    """A clinic page. The record rides along as data (``clinic.record``), never as
    Pelican metadata, so a field called ``url`` or ``template`` means nothing here."""

    default_template = "clinic"
    mandatory_properties = ("title",)

    def __init__(self, record: ClinicRecord, *, settings: dict, context: dict) -> None:
        metadata = {"title": record.name, "slug": record.slug, "state": record.state}
        source = str(Path(settings["PATH"]).parent / record.source)
        super().__init__(
            "", metadata=metadata, settings=settings, source_path=source, context=context
        )
        self.record = record

    @property
    def data(self) -> dict[str, Any]:
        return self.record.data

    @property
    def is_listed(self) -> bool:
        """Closed clinics keep their page but leave lists, maps and the index."""
        return self.data["status"] != "closed"


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
            cache_folder=options.check_cache,
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
        self.assets.add_bytes(
            "js/map-setup.js",
            map_setup_script(
                tile_url=options.tile_url,
                attribution=options.tile_attribution,
                max_zoom=options.tile_max_zoom,
            ).encode(),
        )
        self.context.update(
            clinics=self.clinics,
            listed_clinics=[c for c in self.clinics if c.is_listed],
            clinic_states=self.states,
            asset_manifest=self.assets,
            directory=options,
            has_samples=any(c.record.is_sample for c in self.clinics),
            CSP=self.content_security_policy(),
        )

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
        target = Path(self.output_path) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def write_json(self, name: str, document: Any) -> None:
        self.write_text(name, json.dumps(document, ensure_ascii=False, separators=(",", ":")))

    def site_url(self, path: str) -> str:
        return f"{self.settings['SITEURL']}/{path}"

    def generate_output(self, writer: Any) -> None:
        self.assets.write(Path(self.output_path))
        self.write_clinic_pages(writer)
        self.write_listings(writer)
        self.write_data_files()
        self.write_discovery_files()
        for template, name in (
            ("index", "index.html"),
            ("map", "map/index.html"),
            ("compare", "compare/index.html"),
            ("404", "404.html"),
        ):
            self.write(writer, name, template, page_name=template)
        self.write_open_data(writer)

    def write_open_data(self, writer: Any) -> None:
        """The downloads under ``data/`` and the ``/data/`` page that documents them.

        Every clinic is in them, closed ones too (their status says so); samples reach
        only development builds, where each carries ``sample: true``.
        """
        records = [clinic.record for clinic in self.clinics]

        def url_of(record: ClinicRecord) -> str:
            return self.site_url(self.clinic_url(record))

        files = opendata.FILES
        self.write_json(
            files["json"],
            opendata.clinics_document(
                records,
                url_of=url_of,
                license_id=self.options.data_license,
                schema_url=self.site_url("schema/clinic.schema.json"),
            ),
        )
        self.write_text(files["csv"], opendata.clinics_csv(records, url_of=url_of))
        self.write_json(files["geojson"], opendata.clinics_geojson(records, url_of=url_of))
        self.write_json(files["hsds"], opendata.hsds_services(records, url_of=url_of))
        self.write(
            writer,
            "data/index.html",
            "data",
            page_name="data",
            data_files=files,
            data_fields=opendata.schema_fields(build_schema()),
            data_license_url=opendata.license_url(self.options.data_license),
            data_versions=opendata.VERSIONS,
        )

    def write_clinic_pages(self, writer: Any) -> None:
        json_pattern = self.settings["CLINIC_JSON_SAVE_AS"]
        for clinic in self.clinics:
            record = clinic.record
            self.write(
                writer,
                clinic.save_as,
                "clinic",
                clinic=clinic,
                jsonld=clinic_jsonld(record, self.site_url(clinic.url)),
                edit_url=self.options.edit_url(record.source),
                page_name="clinic",
            )
            document = export.clinic_document(record)
            self.write_json(json_pattern.format(state=record.state, slug=record.slug), document)
            for old in record.data.get("previous_slugs", []):
                old_state, old_slug = old.split("/")
                self.write(
                    writer,
                    self.settings["CLINIC_SAVE_AS"].format(state=old_state, slug=old_slug),
                    "redirect",
                    clinic=clinic,
                    page_name="redirect",
                )
                self.write_json(json_pattern.format(state=old_state, slug=old_slug), document)

    def write_listings(self, writer: Any) -> None:
        listed = self.context["listed_clinics"]
        self.write(
            writer,
            self.settings["CLINICS_INDEX_SAVE_AS"],
            "clinics",
            paginated={"clinics": listed},
            template_name="clinics",
            url=self.settings["CLINICS_INDEX_URL"],
            clinics=listed,
            page_name="clinics",
        )
        for state in self.states:
            self.write(
                writer,
                state.save_as,
                "state",
                paginated={"clinics": state.clinics},
                template_name="state",
                url=state.url,
                state=state,
                clinics=state.clinics,
                page_name="state",
            )

    def write_data_files(self) -> None:
        listed = [c.record for c in self.context["listed_clinics"]]
        self.write_json(
            "data/index.json",
            export.index_document(listed, site_url_of=self.clinic_url),
        )
        self.write_json("data/zips.json", export.zip_table())
        self.write_text("schema/clinic.schema.json", schema_text())

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
