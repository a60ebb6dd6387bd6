"""SIGAP indexer package."""
