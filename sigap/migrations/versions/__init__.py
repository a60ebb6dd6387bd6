"""Revision files; each package adds its own on top of the previous head."""
