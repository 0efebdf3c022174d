"""Wiring into Pelican: defaults and settings at start-up, then the generator.

Receivers are module-level functions because Pelican's signals hold weak
references, and each one checks the plugin is enabled for *this* Pelican
instance, because connections outlive the instance in the same process.
"""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.plugins._utils import plugin_enabled

from clinic_directory.generate import ClinicGenerator
from clinic_directory.output import StagedWriter
from clinic_directory.settings import apply_defaults, read_settings
from clinic_directory.templating import FILTERS, GLOBALS

PLUGIN_NAME = "clinic_directory"


def _enabled(pelican: Any) -> bool:
    return plugin_enabled(PLUGIN_NAME, pelican.settings.get("PLUGINS"))


def initialize(pelican: Any) -> None:
    """Default and check the settings once, and make every template autoescape."""
    if not _enabled(pelican):
        return
    settings = pelican.settings
    apply_defaults(settings)
    read_settings(settings)  # raises ConfigurationError naming the bad setting
    settings["JINJA_ENVIRONMENT"] = {**settings["JINJA_ENVIRONMENT"], "autoescape": True}
    settings["JINJA_FILTERS"] = {**FILTERS, **settings.get("JINJA_FILTERS", {})}
    settings["JINJA_GLOBALS"] = {**GLOBALS, **settings.get("JINJA_GLOBALS", {})}


def get_generators(pelican: Any) -> type[ClinicGenerator] | None:
    return ClinicGenerator if _enabled(pelican) else None


def get_writer(pelican: Any) -> type[StagedWriter] | None:
    """Pelican's pages and feeds, too, leave files whose bytes did not change untouched."""
    return StagedWriter if _enabled(pelican) else None


def register() -> None:
    signals.initialized.connect(initialize)
    signals.get_generators.connect(get_generators)
    signals.get_writer.connect(get_writer)
