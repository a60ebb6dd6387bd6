"""Alembic migrations of the whole SIGAP database (one linear history)."""
