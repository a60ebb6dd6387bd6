"""Escalations: agent → team leader → answer on the call → KB draft proposal."""

from __future__ import annotations

import datetime as dt

import pytest

from desk import (
    AccessDenied,
    Desk,
    DraftInvalid,
    EscalationPending,
    InvalidEscalationState,
    PanelSnapshot,
    User,
    draft_article,
    validate_identity,
)
from desk.audit import entries
from kb import Article, DuplicateContent

TODAY = dt.date(2026, 11, 23)
INTERPRETASI = {
    "query": "apakah dropship termasuk objek ppn",
    "suggestions": [{"article_id": "djp-ppn-tarif", "title": "Tarif PPN", "score": 0.31}],
    "category": {"code": "DJP-PPN", "confidence": 0.8, "alternatives": []},
    "jenis": {"code": "INFORMASI", "confidence": 0.9},
    "flags": [
        {"code": "interpretasi", "reason": "pola apakah termasuk objek", "confidence": 0.9},
        {"code": "tidak_ada_di_kb", "reason": "skor rendah", "confidence": 0.69},
    ],
    "kb_version": "kb-test",
}


@pytest.fixture
def escalated(desk: Desk, agent: User, clock):
    call = desk.calls.start(agent, "djp")
    desk.calls.set_identity(
        call.id, agent, validate_identity("djp", taxpayer_id="3273014507900001")
    )
    panel = PanelSnapshot.from_record(INTERPRETASI)
    desk.calls.autosave(call.id, agent, draft={"question": INTERPRETASI["query"]}, panel=panel)
    clock.advance(30)
    esc = desk.escalations.create(call.id, agent, reasons=["interpretasi"], note="penelepon UMKM")
    return call, esc


def test_escalation_carries_the_question_and_masked_context(desk: Desk, escalated) -> None:
    _, esc = escalated
    assert esc.is_open and esc.question == "apakah dropship termasuk objek ppn"
    assert esc.reasons == ("interpretasi",)
    ctx = esc.context
    assert ctx["identity"] == "NIK ************0001"
    assert ctx["category"] == "DJP-PPN" and ctx["note"] == "penelepon UMKM"
    assert [f["code"] for f in ctx["flags"]] == ["interpretasi", "tidak_ada_di_kb"]
    assert ctx["suggestions"][0]["article_id"] == "djp-ppn-tarif"
    call_now = desk.calls.open_call(desk.users.get("agen1"))
    assert call_now.draft["outcome"] == "escalated" and "pertanyaan" in call_now.step_marks


def test_a_call_waits_on_one_escalation_at_a_time(desk: Desk, agent: User, escalated) -> None:
    call, esc = escalated
    with pytest.raises(EscalationPending, match=f"#{esc.id}"):
        desk.escalations.create(call.id, agent)


def test_round_trip_answer_shown_on_the_call_and_kb_draft_created(
    desk: Desk, agent: User, leader: User, escalated, clock
) -> None:
    call, esc = escalated
    clock.advance(90)
    assert [e.id for e in desk.escalations.queue()] == [esc.id]
    assert desk.escalations.queue()[0].waiting_s(clock.now) == 90

    desk.escalations.answer(esc.id, leader, "Dropship tetap terutang PPN atas penyerahannya.")
    assert desk.escalations.queue() == []
    shown = desk.escalations.for_call(call.id)[0]  # what the agent's console reads
    assert shown.answer.startswith("Dropship") and shown.answered_by == "tl1"
    assert shown.waiting_s(clock.now + dt.timedelta(hours=1)) == 90

    assert [e.id for e in desk.escalations.awaiting_decision()] == [esc.id]
    article = draft_article(
        shown,
        article_id="djp-ppn-dropship",
        title="Apakah usaha dropship dikenakan PPN?",
        category="DJP-PPN",
        answer="Penyerahan barang oleh pengusaha dropship tetap terutang PPN sesuai ketentuan.",
        questions=["dropship kena ppn?", "ppn untuk dropshipper", "jualan dropship pajaknya apa"],
        legal_basis=["UU PPN Pasal 4"],
        verified_on=TODAY,
    )
    decided, _ = desk.escalations.decide_kb_update(esc.id, leader, needed=True, article=article)
    assert decided.kb_decision == "update"
    assert (decided.proposal_article_id, decided.proposal_version) == ("djp-ppn-dropship", 1)
    stored = desk.kb.get("djp-ppn-dropship")
    assert stored.status == "draft" and stored.created_by == "tl1"
    assert "apakah dropship termasuk objek ppn" in stored.article.questions
    assert desk.escalations.awaiting_decision() == []
    actions = [e.action for e in entries(desk.engine, entity="desk_escalation")]
    assert actions == ["escalate", "escalation_answer", "kb_decision"]
    assert desk.kb.audit_log(entity_id="djp-ppn-dropship")[0].action == "propose"


def test_decision_without_update_creates_nothing(desk: Desk, leader: User, escalated) -> None:
    _, esc = escalated
    desk.escalations.answer(esc.id, leader, "Dijawab normatif.")
    decided, proposal = desk.escalations.decide_kb_update(esc.id, leader, needed=False)
    assert decided.kb_decision == "no_update" and proposal is None
    with pytest.raises(InvalidEscalationState, match="sudah diputuskan"):
        desk.escalations.decide_kb_update(esc.id, leader, needed=False)


def test_decision_waits_for_the_answer(desk: Desk, leader: User, escalated) -> None:
    _, esc = escalated
    with pytest.raises(InvalidEscalationState, match="belum dijawab"):
        desk.escalations.decide_kb_update(esc.id, leader, needed=False)


def test_answering_twice_or_emptily_is_refused(desk: Desk, leader: User, escalated) -> None:
    _, esc = escalated
    with pytest.raises(ValueError, match="tidak boleh kosong"):
        desk.escalations.answer(esc.id, leader, "   ")
    desk.escalations.answer(esc.id, leader, "Ya.")
    with pytest.raises(InvalidEscalationState, match="sudah dijawab oleh tl1"):
        desk.escalations.answer(esc.id, leader, "Lagi.")


def test_agents_cannot_answer_escalations(desk: Desk, agent: User, escalated) -> None:
    _, esc = escalated
    with pytest.raises(AccessDenied):
        desk.escalations.answer(esc.id, agent, "jawab sendiri")


def test_update_to_an_existing_article_adds_the_question(desk: Desk, leader: User, escalated):
    _, esc = escalated
    desk.escalations.answer(esc.id, leader, "Ya.")
    base = Article.model_validate(
        {
            "id": "djp-ppn-tarif",
            "desk": "djp",
            "category": "DJP-PPN",
            "title": "Berapa tarif PPN?",
            "questions": ["tarif ppn brp", "ppn berapa persen", "besaran ppn", "ppn 12 persen"],
            "answer": "Tarif PPN adalah 12% dengan DPP nilai lain untuk barang nonmewah.",
            "keywords": ["ppn"],
            "verified_on": "2026-01-02",
        }
    )
    desk.kb.import_articles([base], actor="seed")
    article = draft_article(
        desk.escalations.get(esc.id),
        base=base,
        article_id=base.id,
        title=base.title,
        category=base.category,
        answer=base.answer + "\nPenyerahan oleh dropshipper juga terutang PPN.",
        verified_on=TODAY,
    )
    assert article.questions[-1] == "apakah dropship termasuk objek ppn"
    assert article.keywords == ("ppn",) and article.verified_on == TODAY
    _, proposal = desk.escalations.decide_kb_update(esc.id, leader, needed=True, article=article)
    assert (proposal.version, proposal.status) == (2, "draft")
    assert desk.kb.get("djp-ppn-tarif").version == 1  # the published one still serves


def test_a_proposal_identical_to_the_kb_leaves_the_decision_open(
    desk: Desk, leader: User, escalated
) -> None:
    _, esc = escalated
    desk.escalations.answer(esc.id, leader, "Ya.")
    article = draft_article(
        desk.escalations.get(esc.id),
        article_id="djp-ppn-dropship",
        title="Apakah usaha dropship dikenakan PPN?",
        category="DJP-PPN",
        answer="Penyerahan barang oleh pengusaha dropship tetap terutang PPN.",
        questions=["a b", "c d", "e f"],
        verified_on=TODAY,
    )
    desk.kb.propose(article, actor="tl1")
    with pytest.raises(DuplicateContent):
        desk.escalations.decide_kb_update(esc.id, leader, needed=True, article=article)
    assert desk.escalations.get(esc.id).kb_decision is None


def test_draft_problems_are_named_in_indonesian(desk: Desk, escalated) -> None:
    _, esc = escalated
    with pytest.raises(DraftInvalid) as info:
        draft_article(
            esc,
            article_id="Bukan Slug",
            title="Judul",
            category="DJP-PPN",
            answer="pendek",
            questions=["satu"],
            verified_on=TODAY,
        )
    text = str(info.value)
    assert text.startswith("Draf artikel belum valid")
    assert "ID artikel" in text and "jawaban" in text and "variasi pertanyaan" in text
