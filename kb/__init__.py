"""SIGAP knowledge base: the article schema, validation, and the versioned store.

Example:
    >>> from kb import KBStore
    >>> from sigap.db import make_engine, upgrade_database
    >>> engine = make_engine("sqlite:///var/sigap.db")
    >>> upgrade_database(engine)
    >>> store = KBStore(engine)
    >>> store.import_path("kb/data", actor="admin")
    >>> store.published_articles()
"""

from kb.schema import ARTICLE_FIELDS, STATUSES, Article
from kb.store import (
    EXPORT_FIELDS,
    ArticleNotFound,
    ArticleVersion,
    AuditEntry,
    DuplicateContent,
    ImportFailed,
    ImportResult,
    InvalidTransition,
    KBStore,
    KBStoreError,
    VersionNotFound,
)
from kb.validate import Problem, ValidationReport, validate_paths

__all__ = [
    "ARTICLE_FIELDS",
    "EXPORT_FIELDS",
    "STATUSES",
    "Article",
    "ArticleNotFound",
    "ArticleVersion",
    "AuditEntry",
    "DuplicateContent",
    "ImportFailed",
    "ImportResult",
    "InvalidTransition",
    "KBStore",
    "KBStoreError",
    "Problem",
    "ValidationReport",
    "VersionNotFound",
    "validate_paths",
]
