"""SIGAP kb package."""
