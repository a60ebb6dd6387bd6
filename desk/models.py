"""Tables of the desk: accounts, calls, escalations, knowledge gaps and QA reviews.

Writes are recorded in the shared ``audit_log`` table (:mod:`kb.models`).
The schema itself is created by ``sigap/migrations/versions/0002_desk.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from desk.roles import ROLES
from sigap.db import Base, UTCDateTime

CALL_STATUSES = ("open", "closed")
OUTCOMES = ("answered", "escalated", "call_back")
ESCALATION_STATUSES = ("open", "answered")
KB_DECISIONS = ("update", "no_update")
GAP_STATUSES = ("open", "resolved")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _bigint() -> BigInteger:
    # BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
    return BigInteger().with_variant(Integer, "sqlite")


_OPEN = text("status = 'open'")


class UserRow(Base):
    """A local account: bcrypt hash, never the password."""

    __tablename__ = "desk_user"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    username: Mapped[str] = mapped_column(String(32), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CallRow(Base):
    """One call, open (a draft saved as it changes) or closed."""

    __tablename__ = "desk_call"
    __table_args__ = (
        CheckConstraint(_in("status", CALL_STATUSES), name="status"),
        CheckConstraint("desk IN ('djp', 'samsat')", name="desk"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name="outcome"),
        CheckConstraint("id_kind IS NULL OR id_kind IN ('npwp', 'nik')", name="id_kind"),
        # The database itself guarantees one open call per agent.
        Index(
            "uq_desk_call_one_open_per_agent",
            "agent",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
        Index("ix_desk_call_started_at", "started_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    desk: Mapped[str] = mapped_column(String(16))
    agent: Mapped[str] = mapped_column(
        String(32), ForeignKey("desk_user.username", ondelete="RESTRICT")
    )
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The validated identity; the raw form inputs live in ``draft`` until then.
    caller_name: Mapped[str | None] = mapped_column(Text)
    id_kind: Mapped[str | None] = mapped_column(String(8))
    id_number: Mapped[str | None] = mapped_column(String(16))
    plate: Mapped[str | None] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    predicted_category: Mapped[str | None] = mapped_column(String(32))
    category_confidence: Mapped[float | None] = mapped_column(Float)
    final_category: Mapped[str | None] = mapped_column(String(32))
    predicted_jenis: Mapped[str | None] = mapped_column(String(16))
    jenis_confidence: Mapped[float | None] = mapped_column(Float)
    final_jenis: Mapped[str | None] = mapped_column(String(16))
    flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # The suggestions on screen for the question: [{article_id, rank, score}].
    suggestions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    kb_version: Mapped[str | None] = mapped_column(String(32))
    used_article_id: Mapped[str | None] = mapped_column(Text)
    used_rank: Mapped[int | None] = mapped_column(Integer)
    used_score: Mapped[float | None] = mapped_column(Float)
    answer: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))
    # SOP step -> ISO timestamp when it was marked done.
    step_marks: Mapped[dict[str, str]] = mapped_column(JSON)
    # SOP step -> seconds it took (written when the call is saved).
    step_seconds: Mapped[dict[str, float]] = mapped_column(JSON)
    # What the agent has typed so far, saved as it changes.
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class EscalationRow(Base):
    """A question sent by an agent to the team leader, and what came back."""

    __tablename__ = "desk_escalation"
    __table_args__ = (
        CheckConstraint(_in("status", ESCALATION_STATUSES), name="status"),
        CheckConstraint(
            f"kb_decision IS NULL OR {_in('kb_decision', KB_DECISIONS)}", name="kb_decision"
        ),
        Index("ix_desk_escalation_status", "status", "created_at"),
        Index("ix_desk_escalation_call_id", "call_id"),
    )

    id: Mapped[int] = mapped_column(_bigint(), primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("desk_call.id", ondelete="RESTRICT")
    )
    desk: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    question: Mapped[str] = mapped_column(Text)
    # What the team leader needs to answer: category, flags, suggestions, masked identity.
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    kb_decision: Mapped[str | None] = mapped_column(String(16))
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    proposal_article_id: Mapped[str | None] = mapped_column(Text)
    proposal_version: Mapped[int | None] = mapped_column(Integer)


class GapRow(Base):
    """A question none of the suggestions fitted ("tidak ada yang sesuai")."""

    __tablename__ = "desk_gap"
    __table_args__ = (
        CheckConstraint(_in("status", GAP_STATUSES), name="status"),
        Index("ix_desk_gap_status", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(_bigint(), primary_key=True, autoincrement=True)
    call_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("desk_call.id", ondelete="RESTRICT")
    )
    desk: Mapped[str] = mapped_column(String(16))
    query: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(32))
    suggestions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    kb_version: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    resolved_by: Mapped[str | None] = mapped_column(String(32))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)


class QAReviewRow(Base):
    """One QA review of one call against the SOP rubric."""

    __tablename__ = "desk_qa_review"
    __table_args__ = (Index("ix_desk_qa_review_call_id", "call_id"),)

    id: Mapped[int] = mapped_column(_bigint(), primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("desk_call.id", ondelete="RESTRICT")
    )
    reviewer: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # rubric item -> true (met), false (not met), null (not applicable)
    marks: Mapped[dict[str, bool | None]] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(Text)
