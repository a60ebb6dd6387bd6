"""SIGAP suggest package."""
