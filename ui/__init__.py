"""SIGAP ui package."""
