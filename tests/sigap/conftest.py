"""Database fixtures for the application shell's tests."""

from sigap import testing as db_testing

# Shared with other packages' tests (registered by name here).
db_backend = db_testing.db_backend
fresh_engine = db_testing.fresh_engine
