"""Wiring into Pelican: settings at start-up, the generator, search and publishing at the end.

Receivers are module-level functions because Pelican's signals hold weak
references, and each one checks the plugin is enabled for *this* Pelican
instance, because connections outlive the instance in the same process.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from clinic_directory.site.external_links import NAME as EXTERNAL_LINKS
from clinic_directory.site.generator import ClinicGenerator
from clinic_directory.site.languages import FILTERS as LANGUAGE_FILTERS
from clinic_directory.site.languages import GLOBALS as LANGUAGE_GLOBALS
from clinic_directory.site.page_context import install as install_page_context
from clinic_directory.site.publish import publication_of, stage
from clinic_directory.site.search import index_site
from clinic_directory.site.settings import apply_defaults, read_settings
from clinic_directory.site.templating import FILTERS, GLOBALS
from clinic_directory.site.translations import install as install_translations

PLUGIN_NAME = "clinic_directory"


def _enabled(pelican: Any) -> bool:
    """Pelican lists the names of the plugins it registered in ``PLUGINS``."""
    return PLUGIN_NAME in (pelican.settings.get("PLUGINS") or ())


def initialize(pelican: Any) -> None:
    """Default and check the settings once, make every template autoescape and
    translatable, and send the output to a staging folder."""
    if not _enabled(pelican):
        return
    settings = pelican.settings
    apply_defaults(settings)
    options = read_settings(settings)  # raises ConfigurationError naming the bad setting
    settings["CLINIC_LANGUAGES"] = list(options.languages)
    environment = settings["JINJA_ENVIRONMENT"]
    extensions = [*environment.get("extensions", ()), "jinja2.ext.i18n"]
    # Each run makes its generators, and so its templates, anew: no need to check
    # the template files for changes at every page, as Jinja does by default.
    settings["JINJA_ENVIRONMENT"] = {
        **environment,
        "autoescape": True,
        "auto_reload": False,
        "extensions": extensions,
    }
    settings["JINJA_FILTERS"] = {
        **FILTERS,
        **LANGUAGE_FILTERS,
        **settings.get("JINJA_FILTERS", {}),
    }
    settings["JINJA_GLOBALS"] = {
        **GLOBALS,
        **LANGUAGE_GLOBALS,
        **settings.get("JINJA_GLOBALS", {}),
    }
    markdown = settings.setdefault("MARKDOWN", {})
    markdown["extension_configs"] = {**markdown.get("extension_configs", {}), EXTERNAL_LINKS: {}}
    stage(pelican)


def prepare_templates(generator: Any) -> None:
    """Every generator's templates read the message catalogue (Pelican's page and
    article generators too, so the guide's pages speak the page's language), and call
    the theme's helpers through ``PageContext``."""
    if PLUGIN_NAME in (generator.settings.get("PLUGINS") or ()) and hasattr(generator, "env"):
        install_translations(generator.env)
        install_page_context(generator.env)


def get_generators(pelican: Any) -> type[ClinicGenerator] | None:
    """The first signal of every run (``pelican --autoreload`` runs many): start afresh.

    Pelican wants a class; this run's is bound to its publication, which it tells
    which pages to search.
    """
    if not _enabled(pelican):
        return None
    publication = publication_of(pelican)
    publication.start()
    return type(ClinicGenerator.__name__, (ClinicGenerator,), {"publication": publication})


def finalize(pelican: Any) -> None:
    """Index the finished site for search and publish it, unless an error was logged."""
    if not _enabled(pelican):
        return
    publication = publication_of(pelican)
    publication.check()
    if read_settings(pelican.settings).search_index:
        try:
            index_site(publication.staging, publication.search_pages)
        except Exception:
            publication.abandon()
            raise
    publication.swap()


def register() -> None:
    signals.initialized.connect(initialize)
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(prepare_templates)
    signals.finalized.connect(finalize)
