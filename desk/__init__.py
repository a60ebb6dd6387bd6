"""SIGAP desk package."""
