"""SIGAP evaluation package."""
