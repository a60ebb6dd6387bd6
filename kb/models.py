"""Tables of the KB store: articles, every version of them, and the audit log.

A version row is never overwritten: an edit is a new row. Only its status
(and who changed it, when) moves along draft → in_review → published → retired.
The schema itself is created by the migrations in ``sigap/migrations``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kb.schema import STATUSES
from sigap.db import Base, UTCDateTime

_STATUS_LIST = ", ".join(f"'{s}'" for s in STATUSES)
_PUBLISHED = text("status = 'published'")


class ArticleRow(Base):
    """One article identity; its content lives in :class:`ArticleVersionRow`."""

    __tablename__ = "kb_article"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ArticleVersionRow(Base):
    """One immutable version of an article's content, with its workflow status."""

    __tablename__ = "kb_article_version"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_LIST})", name="status"),
        CheckConstraint("version >= 1", name="version_positive"),
        # The database itself guarantees at most one published version per article.
        Index(
            "uq_kb_article_version_one_published",
            "article_id",
            unique=True,
            sqlite_where=_PUBLISHED,
            postgresql_where=_PUBLISHED,
        ),
        Index("ix_kb_article_version_status", "status"),
    )

    article_id: Mapped[str] = mapped_column(
        Text, ForeignKey("kb_article.id", ondelete="RESTRICT"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16))
    desk: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    questions: Mapped[list[str]] = mapped_column(JSON)
    answer: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[list[str]] = mapped_column(JSON)
    requires_validation: Mapped[bool]
    escalate_if: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON)
    region: Mapped[str | None] = mapped_column(Text)
    verified_on: Mapped[dt.date] = mapped_column(Date)
    # sha256 of the canonical content: how an import recognises content it already has.
    content_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AuditLogRow(Base):
    """One write to the store: who did what to which entity, and when. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    # BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
