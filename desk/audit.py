"""The desk's entries in the shared audit log (``audit_log``, owned by :mod:`kb.models`).

Every desk write appends one entry in the same transaction as the write, so
both land or neither does. Entries never hold a full NPWP or NIK.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kb.models import AuditLogRow
from kb.store import AuditEntry
from sigap.db import session_scope

ENTITIES = ("desk_user", "desk_call", "desk_escalation", "desk_gap", "desk_qa_review")


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    at: dt.datetime,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry to the audit log inside ``session``'s transaction.

    Raises:
        ValueError: an entity that is not the desk's.
    """
    if entity not in ENTITIES:
        raise ValueError(f"unknown desk entity {entity!r}; valid: {', '.join(ENTITIES)}")
    session.add(
        AuditLogRow(
            at=at,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            details=details or {},
        )
    )


def entries(
    engine: Engine,
    *,
    entity: str | None = None,
    entity_id: str | int | None = None,
    action: str | None = None,
) -> list[AuditEntry]:
    """The desk's audit entries, oldest first, optionally narrowed."""
    query = select(AuditLogRow).where(AuditLogRow.entity.in_(ENTITIES))
    if entity is not None:
        query = query.where(AuditLogRow.entity == entity)
    if entity_id is not None:
        query = query.where(AuditLogRow.entity_id == str(entity_id))
    if action is not None:
        query = query.where(AuditLogRow.action == action)
    with session_scope(engine) as session:
        rows = session.scalars(query.order_by(AuditLogRow.id)).all()
        return [
            AuditEntry(r.id, r.at, r.actor, r.action, r.entity, r.entity_id, dict(r.details))
            for r in rows
        ]
