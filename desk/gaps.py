"""Knowledge gaps: questions that none of the suggestions fitted, grouped for the team leader.

The agent presses "tidak ada yang sesuai"; the question, what the panel
showed and the KB version are kept. The team leader sees the open gaps grouped
by similarity (the same missing article asked in different words lands in one
group) and resolves a group once the KB covers it or it needs no article.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from sqlalchemy import Engine, select

from desk import audit
from desk.calls import CallLog, PanelSnapshot
from desk.identity import mask_text
from desk.models import GapRow
from desk.roles import HasRole, require
from sigap.db import session_scope, utcnow

ENTITY = "desk_gap"
# Similarity at which two questions count as the same gap: cosine of the
# encoder's query vectors, or token-set ratio / 100 without vectors.
DENSE_THRESHOLD = 0.86
FUZZY_THRESHOLD = 0.6


class GapNotFound(LookupError):
    def __init__(self, ids: Iterable[int]) -> None:
        self.ids = tuple(ids)
        super().__init__(f"celah pengetahuan tidak ditemukan: {', '.join(map(str, self.ids))}")


@dataclass(frozen=True)
class KnowledgeGap:
    """One question the KB did not answer. ``query`` never holds a full NPWP or NIK."""

    id: int
    call_id: str | None
    desk: str
    query: str
    category: str | None
    suggestions: tuple[dict[str, Any], ...]
    kb_version: str | None
    created_by: str
    created_at: dt.datetime
    status: str
    resolved_by: str | None = None
    resolved_at: dt.datetime | None = None
    note: str | None = None


@dataclass(frozen=True)
class GapGroup:
    """Gaps that ask the same thing; ``representative`` is the first asked."""

    representative: KnowledgeGap
    members: tuple[KnowledgeGap, ...]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(g.id for g in self.members)

    @property
    def last_at(self) -> dt.datetime:
        return max(g.created_at for g in self.members)


def _gap(row: GapRow) -> KnowledgeGap:
    return KnowledgeGap(
        id=row.id,
        call_id=row.call_id,
        desk=row.desk,
        query=row.query,
        category=row.category,
        suggestions=tuple(row.suggestions or ()),
        kb_version=row.kb_version,
        created_by=row.created_by,
        created_at=row.created_at,
        status=row.status,
        resolved_by=row.resolved_by,
        resolved_at=row.resolved_at,
        note=row.note,
    )


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def group_gaps(
    gaps: Sequence[KnowledgeGap],
    *,
    vectors: np.ndarray | None = None,
    threshold: float | None = None,
) -> list[GapGroup]:
    """Group gaps that ask the same thing: single-link, in the order given.

    Each gap joins the first group holding a member at least ``threshold``
    similar to it, else starts a new group. Only gaps of the same desk are
    grouped together. Groups are returned largest first, then by their first
    gap's time.

    Args:
        gaps: the gaps, oldest first.
        vectors: optional L2-normalised query vectors, one row per gap
            (cosine similarity); without them, RapidFuzz token-set ratio.
        threshold: similarity to join (default :data:`DENSE_THRESHOLD` or
            :data:`FUZZY_THRESHOLD`).

    Raises:
        ValueError: ``vectors`` with another number of rows than ``gaps``.
    """
    if vectors is not None and len(vectors) != len(gaps):
        raise ValueError(f"{len(vectors)} vectors for {len(gaps)} gaps")
    if threshold is None:
        threshold = DENSE_THRESHOLD if vectors is not None else FUZZY_THRESHOLD
    texts = [_normalise(g.query) for g in gaps]

    def similar(i: int, j: int) -> float:
        if vectors is not None:
            return float(np.dot(vectors[i], vectors[j]))
        return fuzz.token_set_ratio(texts[i], texts[j]) / 100.0

    groups: list[list[int]] = []
    for i, gap in enumerate(gaps):
        home = next(
            (
                members
                for members in groups
                if gaps[members[0]].desk == gap.desk
                and any(similar(i, j) >= threshold for j in members)
            ),
            None,
        )
        if home is None:
            groups.append([i])
        else:
            home.append(i)
    result = [GapGroup(gaps[m[0]], tuple(gaps[i] for i in m)) for m in groups]
    result.sort(key=lambda g: (-g.size, g.representative.created_at))
    return result


class GapLog:
    """Knowledge gaps over a migrated engine."""

    def __init__(self, engine: Engine, *, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock

    def record(
        self, call_id: str, agent: HasRole, *, panel: PanelSnapshot | None = None
    ) -> KnowledgeGap:
        """Record that nothing on the panel fitted the call's question.

        Args:
            call_id: the agent's open call.
            agent: the call's agent.
            panel: what the panel showed (default: what the call last saved).

        Raises:
            ValueError: the call has no question yet.
            CallNotFound, CallClosed, NotCallOwner, AccessDenied.
        """
        now = self.clock()
        calls = CallLog(self.engine, clock=self.clock)
        with session_scope(self.engine) as session:
            row = calls.lock_open_call(session, call_id, agent)
            question = panel.question if panel is not None else row.question
            question = " ".join((question or "").split())
            if not question:
                raise ValueError("pertanyaan kosong: tulis pertanyaan penelepon dahulu")
            suggestions = (
                [s.to_dict() for s in panel.suggestions]
                if panel is not None
                else list(row.suggestions or ())
            )
            gap = GapRow(
                call_id=call_id,
                desk=row.desk,
                query=mask_text(question),
                category=panel.category if panel is not None else row.predicted_category,
                suggestions=suggestions,
                kb_version=panel.kb_version if panel is not None else row.kb_version,
                created_by=agent.username,
                created_at=now,
                status="open",
            )
            session.add(gap)
            session.flush()
            audit.record(
                session,
                actor=agent.username,
                action="gap_record",
                entity=ENTITY,
                entity_id=gap.id,
                at=now,
                details={"call_id": call_id, "kb_version": gap.kb_version},
            )
            return _gap(gap)

    def open_gaps(self, *, desk: str | None = None) -> list[KnowledgeGap]:
        """Open gaps, oldest first."""
        query = select(GapRow).where(GapRow.status == "open")
        if desk is not None:
            query = query.where(GapRow.desk == desk)
        with session_scope(self.engine) as session:
            rows = session.scalars(query.order_by(GapRow.created_at, GapRow.id))
            return [_gap(r) for r in rows]

    def for_call(self, call_id: str) -> list[KnowledgeGap]:
        """The gaps recorded on one call, oldest first."""
        query = select(GapRow).where(GapRow.call_id == call_id).order_by(GapRow.id)
        with session_scope(self.engine) as session:
            return [_gap(r) for r in session.scalars(query)]

    def resolve(
        self, gap_ids: Sequence[int], leader: HasRole, *, note: str | None = None
    ) -> list[KnowledgeGap]:
        """Close a group of gaps (the KB now covers them, or needs no article).

        Raises:
            AccessDenied: not a team leader.
            GapNotFound: an id that does not exist or is no longer open.
        """
        require(leader, "escalations")
        ids = sorted(set(gap_ids))
        now = self.clock()
        with session_scope(self.engine) as session:
            query = select(GapRow).where(GapRow.id.in_(ids), GapRow.status == "open")
            rows = list(session.scalars(query.with_for_update()))
            missing = set(ids) - {r.id for r in rows}
            if missing:
                raise GapNotFound(sorted(missing))
            for row in rows:
                row.status, row.resolved_by, row.resolved_at = "resolved", leader.username, now
                row.note = (note or "").strip() or None
                audit.record(
                    session,
                    actor=leader.username,
                    action="gap_resolve",
                    entity=ENTITY,
                    entity_id=row.id,
                    at=now,
                    details={"group": ids},
                )
            return [_gap(r) for r in rows]
