"""Desk: accounts, calls, escalations, knowledge gaps and QA reviews.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = sa.text("status = 'open'")


def _id() -> sa.Column:
    # BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
    return sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        autoincrement=True,
        nullable=False,
    )


def _at(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "desk_user",
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        _at("created_at"),
        sa.CheckConstraint(
            "role IN ('agent', 'team_leader', 'qa', 'evaluator', 'admin')",
            name=op.f("ck_desk_user_role"),
        ),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_desk_user")),
    )
    op.create_table(
        "desk_call",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("desk", sa.String(length=16), nullable=False),
        sa.Column("agent", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _at("started_at"),
        _at("ended_at", nullable=True),
        sa.Column("caller_name", sa.Text(), nullable=True),
        sa.Column("id_kind", sa.String(length=8), nullable=True),
        sa.Column("id_number", sa.String(length=16), nullable=True),
        sa.Column("plate", sa.String(length=16), nullable=True),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("predicted_category", sa.String(length=32), nullable=True),
        sa.Column("category_confidence", sa.Float(), nullable=True),
        sa.Column("final_category", sa.String(length=32), nullable=True),
        sa.Column("predicted_jenis", sa.String(length=16), nullable=True),
        sa.Column("jenis_confidence", sa.Float(), nullable=True),
        sa.Column("final_jenis", sa.String(length=16), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("suggestions", sa.JSON(), nullable=False),
        sa.Column("kb_version", sa.String(length=32), nullable=True),
        sa.Column("used_article_id", sa.Text(), nullable=True),
        sa.Column("used_rank", sa.Integer(), nullable=True),
        sa.Column("used_score", sa.Float(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("step_marks", sa.JSON(), nullable=False),
        sa.Column("step_seconds", sa.JSON(), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        _at("updated_at"),
        sa.CheckConstraint("desk IN ('djp', 'samsat')", name=op.f("ck_desk_call_desk")),
        sa.CheckConstraint(
            "id_kind IS NULL OR id_kind IN ('npwp', 'nik')", name=op.f("ck_desk_call_id_kind")
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('answered', 'escalated', 'call_back')",
            name=op.f("ck_desk_call_outcome"),
        ),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_desk_call_status")),
        sa.ForeignKeyConstraint(
            ["agent"],
            ["desk_user.username"],
            name=op.f("fk_desk_call_agent_desk_user"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_call")),
    )
    op.create_index("ix_desk_call_started_at", "desk_call", ["started_at"], unique=False)
    op.create_index(
        "uq_desk_call_one_open_per_agent",
        "desk_call",
        ["agent"],
        unique=True,
        sqlite_where=_OPEN,
        postgresql_where=_OPEN,
    )
    op.create_table(
        "desk_escalation",
        _id(),
        sa.Column("call_id", sa.String(length=32), nullable=False),
        sa.Column("desk", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        _at("created_at"),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=32), nullable=True),
        _at("answered_at", nullable=True),
        sa.Column("kb_decision", sa.String(length=16), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        _at("decided_at", nullable=True),
        sa.Column("proposal_article_id", sa.Text(), nullable=True),
        sa.Column("proposal_version", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kb_decision IS NULL OR kb_decision IN ('update', 'no_update')",
            name=op.f("ck_desk_escalation_kb_decision"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'answered')", name=op.f("ck_desk_escalation_status")
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["desk_call.id"],
            name=op.f("fk_desk_escalation_call_id_desk_call"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_escalation")),
    )
    op.create_index("ix_desk_escalation_call_id", "desk_escalation", ["call_id"], unique=False)
    op.create_index(
        "ix_desk_escalation_status", "desk_escalation", ["status", "created_at"], unique=False
    )
    op.create_table(
        "desk_gap",
        _id(),
        sa.Column("call_id", sa.String(length=32), nullable=True),
        sa.Column("desk", sa.String(length=16), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("suggestions", sa.JSON(), nullable=False),
        sa.Column("kb_version", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        _at("created_at"),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_by", sa.String(length=32), nullable=True),
        _at("resolved_at", nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f("ck_desk_gap_status")),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["desk_call.id"],
            name=op.f("fk_desk_gap_call_id_desk_call"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_gap")),
    )
    op.create_index("ix_desk_gap_status", "desk_gap", ["status", "created_at"], unique=False)
    op.create_table(
        "desk_qa_review",
        _id(),
        sa.Column("call_id", sa.String(length=32), nullable=False),
        sa.Column("reviewer", sa.String(length=32), nullable=False),
        _at("created_at"),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["desk_call.id"],
            name=op.f("fk_desk_qa_review_call_id_desk_call"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_qa_review")),
    )
    op.create_index("ix_desk_qa_review_call_id", "desk_qa_review", ["call_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_desk_qa_review_call_id", table_name="desk_qa_review")
    op.drop_table("desk_qa_review")
    op.drop_index("ix_desk_gap_status", table_name="desk_gap")
    op.drop_table("desk_gap")
    op.drop_index("ix_desk_escalation_status", table_name="desk_escalation")
    op.drop_index("ix_desk_escalation_call_id", table_name="desk_escalation")
    op.drop_table("desk_escalation")
    op.drop_index("uq_desk_call_one_open_per_agent", table_name="desk_call")
    op.drop_index("ix_desk_call_started_at", table_name="desk_call")
    op.drop_table("desk_call")
    op.drop_table("desk_user")
