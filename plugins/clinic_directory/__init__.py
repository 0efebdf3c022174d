"""Pelican plugin: a ketamine clinic directory built from one YAML record per clinic."""

from clinic_directory.plugin import register

__all__ = ["register"]
