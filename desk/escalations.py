"""Escalations: an agent asks the team leader, the answer comes back to the call.

The agent escalates with the question and its context (category, flags, the
suggestions on screen, the caller's identity masked). The team leader answers;
the agent's console shows the answer on the call. The team leader then decides
whether the knowledge base needs an update: "yes" creates a draft proposal in
the KB store (:meth:`kb.store.KBStore.propose`), which curation reviews and
publishes like any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from desk import audit
from desk.calls import CallLog, identity_of, mark_row
from desk.identity import mask_text
from desk.models import CallRow, EscalationRow
from desk.roles import HasRole, require
from kb.schema import Article
from kb.store import ArticleVersion, KBStore
from sigap.db import session_scope, utcnow

ENTITY = "desk_escalation"
STATUS_LABELS = {"open": "Menunggu jawaban", "answered": "Sudah dijawab"}
DECISION_LABELS = {"update": "Perlu pembaruan KB", "no_update": "Tidak perlu pembaruan KB"}
MAX_CONTEXT_SUGGESTIONS = 3
ARTICLE_FIELD_LABELS = {
    "id": "ID artikel",
    "desk": "layanan",
    "category": "kategori",
    "title": "judul",
    "questions": "variasi pertanyaan",
    "answer": "jawaban",
    "legal_basis": "dasar hukum",
    "verified_on": "tanggal verifikasi",
}


class EscalationError(Exception):
    """Base of the escalation errors; ``str()`` is the Indonesian message."""


class EscalationNotFound(EscalationError, LookupError):
    def __init__(self, escalation_id: int) -> None:
        self.escalation_id = escalation_id
        super().__init__(f"eskalasi #{escalation_id} tidak ditemukan")


class EscalationPending(EscalationError):
    """The call already waits for an answer; one open escalation per call."""

    def __init__(self, escalation_id: int) -> None:
        self.escalation_id = escalation_id
        super().__init__(f"panggilan ini masih menunggu jawaban eskalasi #{escalation_id}")


class InvalidEscalationState(EscalationError):
    """An action the escalation's status does not allow (answer twice, decide before answer)."""


class DraftInvalid(EscalationError, ValueError):
    """The article a team leader drafted does not pass the article schema."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("Draf artikel belum valid: " + "; ".join(self.problems))


@dataclass(frozen=True)
class Escalation:
    """One escalation. ``question`` and ``context`` never hold a full NPWP or NIK."""

    id: int
    call_id: str
    desk: str
    created_by: str
    created_at: dt.datetime
    question: str
    context: dict[str, Any]
    reasons: tuple[str, ...]
    status: str
    answer: str | None = None
    answered_by: str | None = None
    answered_at: dt.datetime | None = None
    kb_decision: str | None = None
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    proposal_article_id: str | None = None
    proposal_version: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def waiting_s(self, now: dt.datetime) -> float:
        """Seconds the agent has waited (until the answer, if answered)."""
        until = self.answered_at or now
        return max((until - self.created_at).total_seconds(), 0.0)


def _escalation(row: EscalationRow) -> Escalation:
    return Escalation(
        id=row.id,
        call_id=row.call_id,
        desk=row.desk,
        created_by=row.created_by,
        created_at=row.created_at,
        question=row.question,
        context=dict(row.context or {}),
        reasons=tuple(row.reasons or ()),
        status=row.status,
        answer=row.answer,
        answered_by=row.answered_by,
        answered_at=row.answered_at,
        kb_decision=row.kb_decision,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        proposal_article_id=row.proposal_article_id,
        proposal_version=row.proposal_version,
    )


def call_context(row: CallRow) -> dict[str, Any]:
    """What the team leader sees beside the question; identity masked."""
    identity = identity_of(row)
    return {
        "desk": row.desk,
        "agent": row.agent,
        "identity": identity.mask().summary() if identity else None,
        "category": row.predicted_category,
        "category_confidence": row.category_confidence,
        "jenis": row.predicted_jenis,
        "flags": [dict(f) for f in row.flags or ()],
        "suggestions": list(row.suggestions or ())[:MAX_CONTEXT_SUGGESTIONS],
        "kb_version": row.kb_version,
    }


def proposal_id(escalation: Escalation, category: str) -> str:
    """A fresh article id for a new article born of an escalation.

    >>> proposal_id(Escalation(7, "c", "djp", "a", None, "q", {}, (), "open"), "DJP-PPN")
    'djp-ppn-eskalasi-7'
    """
    return f"{category.lower()}-eskalasi-{escalation.id}"


def draft_article(
    escalation: Escalation,
    *,
    article_id: str,
    title: str,
    category: str,
    answer: str,
    questions: Sequence[str] = (),
    legal_basis: Sequence[str] = (),
    base: Article | None = None,
    verified_on: dt.date,
) -> Article:
    """The article a KB-update decision proposes.

    With ``base`` (an existing article), its content is kept and the given
    fields replace it; the escalated question joins its question variants.
    Without, a new article of the escalation's desk.

    Raises:
        DraftInvalid: every field the article schema refuses, in Indonesian.
    """
    variants: list[str] = []
    seen: set[str] = set()
    for text in (*(base.questions if base else ()), escalation.question, *questions):
        text = " ".join(text.split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            variants.append(text)
    record: dict[str, Any] = base.to_record() if base else {"desk": escalation.desk}
    record.update(
        id=article_id.strip(),
        category=category,
        title=title,
        answer=answer,
        questions=variants,
        legal_basis=[b.strip() for b in legal_basis if b.strip()],
        verified_on=verified_on.isoformat(),
    )
    try:
        return Article.model_validate(record)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = error["loc"][0] if error["loc"] else ""
            label = ARTICLE_FIELD_LABELS.get(str(where), str(where) or "artikel")
            problems.append(f"{label}: {error['msg']}")
        raise DraftInvalid(problems) from exc


class EscalationDesk:
    """Escalations over a migrated engine; KB proposals go to ``kb_store``."""

    def __init__(
        self,
        engine: Engine,
        *,
        kb_store: KBStore | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.kb_store = kb_store or KBStore(engine)
        self.clock = clock

    # -- agent side ---------------------------------------------------------------------

    def create(
        self,
        call_id: str,
        agent: HasRole,
        *,
        reasons: Sequence[str] = (),
        question: str | None = None,
        note: str | None = None,
    ) -> Escalation:
        """Escalate the call's question to the team leader.

        Marks the ``pertanyaan`` SOP step and presets the call's outcome to
        ``escalated``.

        Args:
            call_id: the agent's open call.
            agent: the call's agent.
            reasons: flag codes that call for it (``interpretasi``, ...).
            question: the question (default: the call's question).
            note: what the agent adds for the team leader.

        Raises:
            EscalationPending: the call already waits for an answer.
            ValueError: no question to escalate.
            CallNotFound, CallClosed, NotCallOwner, AccessDenied.
        """
        now = self.clock()
        calls = CallLog(self.engine, clock=self.clock)
        with session_scope(self.engine) as session:
            row = calls.lock_open_call(session, call_id, agent)
            pending = self._open_for_call(session, call_id)
            if pending is not None:
                raise EscalationPending(pending.id)
            text = (question if question is not None else row.question) or ""
            text = " ".join(text.split())
            if not text:
                raise ValueError("pertanyaan kosong: tulis pertanyaan penelepon sebelum eskalasi")
            context = call_context(row)
            if note and note.strip():
                context["note"] = mask_text(note.strip())
            esc = EscalationRow(
                call_id=call_id,
                desk=row.desk,
                created_by=agent.username,
                created_at=now,
                question=mask_text(text),
                context=context,
                reasons=list(dict.fromkeys(reasons)),
                status="open",
            )
            session.add(esc)
            mark_row(row, "pertanyaan", now)
            row.draft = {**(row.draft or {}), "outcome": "escalated"}
            row.updated_at = now
            session.flush()
            details = {"call_id": call_id, "reasons": esc.reasons}
            self._audit(session, agent, "escalate", esc.id, now, details)
            return _escalation(esc)

    def for_call(self, call_id: str) -> list[Escalation]:
        """The call's escalations, oldest first."""
        query = (
            select(EscalationRow)
            .where(EscalationRow.call_id == call_id)
            .order_by(EscalationRow.created_at, EscalationRow.id)
        )
        with session_scope(self.engine) as session:
            return [_escalation(r) for r in session.scalars(query)]

    # -- team leader side ---------------------------------------------------------------

    def queue(self, *, desk: str | None = None) -> list[Escalation]:
        """Open escalations, oldest first (the longest wait on top)."""
        return self._list(EscalationRow.status == "open", desk=desk)

    def awaiting_decision(self, *, desk: str | None = None) -> list[Escalation]:
        """Answered escalations whose KB decision is still to be made, oldest first."""
        return self._list(
            EscalationRow.status == "answered", EscalationRow.kb_decision.is_(None), desk=desk
        )

    def get(self, escalation_id: int) -> Escalation:
        """Raises: EscalationNotFound."""
        with session_scope(self.engine) as session:
            return _escalation(self._row(session, escalation_id))

    def answer(self, escalation_id: int, leader: HasRole, answer: str) -> Escalation:
        """Answer an open escalation; the agent's console shows it on the call.

        Raises:
            AccessDenied: not a team leader.
            ValueError: an empty answer.
            InvalidEscalationState: already answered.
            EscalationNotFound.
        """
        require(leader, "escalations")
        text = (answer or "").strip()
        if not text:
            raise ValueError("jawaban eskalasi tidak boleh kosong")
        now = self.clock()
        with session_scope(self.engine) as session:
            row = self._row(session, escalation_id, lock=True)
            if row.status != "open":
                raise InvalidEscalationState(
                    f"eskalasi #{escalation_id} sudah dijawab oleh {row.answered_by}"
                )
            row.status, row.answer = "answered", text
            row.answered_by, row.answered_at = leader.username, now
            waited = round((now - row.created_at).total_seconds(), 1)
            details = {"call_id": row.call_id, "waited_s": waited}
            self._audit(session, leader, "escalation_answer", escalation_id, now, details)
            return _escalation(row)

    def decide_kb_update(
        self,
        escalation_id: int,
        leader: HasRole,
        *,
        needed: bool,
        article: Article | None = None,
    ) -> tuple[Escalation, ArticleVersion | None]:
        """Record whether the KB needs an update; "yes" proposes ``article`` as a draft.

        Args:
            escalation_id: an answered escalation without a decision.
            leader: the team leader deciding.
            needed: whether the knowledge base needs an update.
            article: the draft to propose (see :func:`draft_article`); required
                when ``needed``.

        Returns:
            The escalation, and the proposal's new draft version (or ``None``).

        Raises:
            AccessDenied: not a team leader.
            ValueError: ``needed`` without an article.
            InvalidEscalationState: not answered yet, or already decided.
            kb.DuplicateContent: the KB already has exactly this content.
            EscalationNotFound.
        """
        require(leader, "escalations")
        if needed and article is None:
            raise ValueError("pembaruan KB memerlukan draf artikel")
        current = self.get(escalation_id)
        self._check_decidable(current)
        # The KB store writes in its own transaction: propose first, so that a
        # refused proposal leaves the escalation undecided and the form can be fixed.
        proposal = self.kb_store.propose(article, actor=leader.username) if needed else None
        now = self.clock()
        with session_scope(self.engine) as session:
            row = self._row(session, escalation_id, lock=True)
            self._check_decidable(_escalation(row))
            row.kb_decision = "update" if needed else "no_update"
            row.decided_by, row.decided_at = leader.username, now
            details: dict[str, Any] = {"decision": row.kb_decision, "call_id": row.call_id}
            if proposal is not None:
                row.proposal_article_id, row.proposal_version = proposal.id, proposal.version
                details.update(article_id=proposal.id, version=proposal.version)
            self._audit(session, leader, "kb_decision", escalation_id, now, details)
            return _escalation(row), proposal

    # -- helpers --------------------------------------------------------------------------

    @staticmethod
    def _check_decidable(escalation: Escalation) -> None:
        if escalation.status != "answered":
            raise InvalidEscalationState(
                f"eskalasi #{escalation.id} belum dijawab; jawab dahulu sebelum memutuskan"
            )
        if escalation.kb_decision is not None:
            raise InvalidEscalationState(
                f"eskalasi #{escalation.id} sudah diputuskan oleh {escalation.decided_by}"
            )

    def _list(self, *conditions: Any, desk: str | None) -> list[Escalation]:
        query = select(EscalationRow).where(*conditions)
        if desk is not None:
            query = query.where(EscalationRow.desk == desk)
        query = query.order_by(EscalationRow.created_at, EscalationRow.id)
        with session_scope(self.engine) as session:
            return [_escalation(r) for r in session.scalars(query)]

    @staticmethod
    def _open_for_call(session: Session, call_id: str) -> EscalationRow | None:
        query = select(EscalationRow).where(
            EscalationRow.call_id == call_id, EscalationRow.status == "open"
        )
        return session.scalar(query)

    @staticmethod
    def _row(session: Session, escalation_id: int, *, lock: bool = False) -> EscalationRow:
        query = select(EscalationRow).where(EscalationRow.id == escalation_id)
        row = session.scalar(query.with_for_update() if lock else query)
        if row is None:
            raise EscalationNotFound(escalation_id)
        return row

    @staticmethod
    def _audit(
        session: Session,
        actor: HasRole,
        action: str,
        escalation_id: int,
        at: dt.datetime,
        details: dict[str, Any],
    ) -> None:
        audit.record(
            session,
            actor=actor.username,
            action=action,
            entity=ENTITY,
            entity_id=escalation_id,
            at=at,
            details=details,
        )
