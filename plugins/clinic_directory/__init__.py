"""Pelican plugin: a ketamine clinic directory built from one YAML record per clinic."""


def register() -> None:
    """Pelican's entry point. Pelican's side of the package is imported only here, so
    the command line's checks start without loading Pelican and the map library."""
    from clinic_directory.site.plugin import register as register_plugin

    register_plugin()


__all__ = ["register"]
