"""SIGAP application shell: settings, database engine and the ``sigap`` command."""

from sigap.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
