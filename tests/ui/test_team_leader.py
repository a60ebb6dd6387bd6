"""Team leader page: the escalation queue, answers, KB decisions, grouped knowledge gaps."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from desk import Desk, PanelSnapshot, User, validate_identity


def escalate(desk: Desk, agent: User, question: str) -> int:
    call = desk.calls.open_call(agent) or desk.calls.start(agent, "djp")
    desk.calls.set_identity(
        call.id, agent, validate_identity("djp", taxpayer_id="3273014507900001")
    )
    record = {
        "query": question,
        "suggestions": [{"article_id": "djp-ppn-tarif", "title": "Tarif PPN", "score": 0.3}],
        "category": {"code": "DJP-PPN", "confidence": 0.8},
        "jenis": {"code": "INFORMASI", "confidence": 0.9},
        "flags": [{"code": "interpretasi", "reason": "pola penafsiran", "confidence": 0.9}],
        "kb_version": "kb-tiny",
    }
    desk.calls.autosave(
        call.id, agent, draft={"question": question}, panel=PanelSnapshot.from_record(record)
    )
    return desk.escalations.create(call.id, agent, reasons=["interpretasi"]).id


@pytest.fixture
def leader_page(page, users) -> AppTest:
    return page("team_leader", users["team_leader"])


def test_queue_shows_the_question_with_masked_identity_and_wait(
    leader_page, desk, users, page_text
) -> None:
    esc_id = escalate(desk, users["agent"], "apakah dropship termasuk objek ppn")
    at = leader_page.run()
    assert at.tabs[0].label == "Eskalasi terbuka (1)"
    assert at.expander[0].label.startswith(f"#{esc_id} · menunggu ")
    text = page_text(at)
    assert "**Pertanyaan:** apakah dropship termasuk objek ppn" in text
    assert "Penelepon: NIK ************0001" in text
    assert "3273014507900001" not in text


def test_answer_goes_back_to_the_call(leader_page, desk, users) -> None:
    esc_id = escalate(desk, users["agent"], "apakah dropship termasuk objek ppn")
    at = leader_page.run()
    at.text_area(key=f"answer-text-{esc_id}").input("Tetap terutang PPN.")
    at.button[0].click().run()  # the form's submit button
    esc = desk.escalations.get(esc_id)
    assert (esc.status, esc.answer, esc.answered_by) == ("answered", "Tetap terutang PPN.", "tl1")
    assert at.tabs[1].label == "Keputusan KB (1)"


def test_decision_without_update(leader_page, desk, users) -> None:
    esc_id = escalate(desk, users["agent"], "apakah dropship termasuk objek ppn")
    desk.escalations.answer(esc_id, users["team_leader"], "Tetap terutang PPN.")
    at = leader_page.run()
    at.button(key=f"decide-no-{esc_id}").click().run()
    assert desk.escalations.get(esc_id).kb_decision == "no_update"
    assert "tidak perlu pembaruan KB" in at.success[0].value


def test_decision_with_update_creates_a_kb_draft(leader_page, desk, users) -> None:
    esc_id = escalate(desk, users["agent"], "apakah dropship termasuk objek ppn")
    desk.escalations.answer(
        esc_id, users["team_leader"], "Penyerahan oleh dropshipper terutang PPN."
    )
    at = leader_page.run()
    at.radio(key=f"needed-{esc_id}").set_value("Ya").run()
    title = next(t for t in at.text_input if t.label.startswith("Judul"))
    title.input("Apakah dropship dikenakan PPN?")
    more = next(t for t in at.text_area if t.label.startswith("Variasi pertanyaan"))
    more.input("dropship kena ppn\nppn dropshipper\njualan dropship pajaknya")
    next(b for b in at.button if b.label == "Buat draf usulan KB").click().run()
    assert not at.error, [e.value for e in at.error]
    esc = desk.escalations.get(esc_id)
    assert esc.kb_decision == "update" and esc.proposal_article_id == f"djp-ppn-eskalasi-{esc_id}"
    draft = desk.kb.get(esc.proposal_article_id)
    assert draft.status == "draft" and draft.article.title == "Apakah dropship dikenakan PPN?"
    assert "Kurasi KB" in at.success[0].value


def test_a_draft_the_schema_refuses_is_explained(leader_page, desk, users) -> None:
    esc_id = escalate(desk, users["agent"], "apakah dropship termasuk objek ppn")
    desk.escalations.answer(esc_id, users["team_leader"], "Ya, terutang PPN atas penyerahannya.")
    at = leader_page.run()
    at.radio(key=f"needed-{esc_id}").set_value("Ya").run()
    next(b for b in at.button if b.label == "Buat draf usulan KB").click().run()
    messages = [e.value for e in at.error]
    assert any(m.startswith("judul:") for m in messages)
    assert any(m.startswith("variasi pertanyaan:") for m in messages)
    assert desk.escalations.get(esc_id).kb_decision is None


def test_knowledge_gaps_are_grouped_and_resolved(leader_page, desk, users) -> None:
    agent = users["agent"]
    for question in (
        "cara klaim pajak kripto luar negeri",
        "klaim pajak kripto di luar negeri gmn",
        "bpjs kesehatan naik kelas",
    ):
        call = desk.calls.start(agent, "djp")
        desk.calls.autosave(call.id, agent, draft={"question": question})
        desk.gaps.record(call.id, agent)
        desk.calls.set_identity(
            call.id, agent, validate_identity("djp", taxpayer_id="012345678901234")
        )
        desk.calls.close(
            call.id, agent, outcome="call_back", final_category="LAINNYA", final_jenis="INFORMASI"
        )
    at = leader_page.run()
    labels = [e.label for e in at.expander]
    assert labels[0].startswith("2× · “cara klaim pajak kripto luar negeri”")
    assert any(label.startswith("1× · “bpjs kesehatan naik kelas”") for label in labels)
    next(b for b in at.button if b.label == "Tandai selesai").click().run()
    assert [g.query for g in desk.gaps.open_gaps()] == ["bpjs kesehatan naik kelas"]


def test_agents_cannot_open_the_team_leader_page(page, users) -> None:
    at = page("team_leader", users["agent"]).run()
    assert at.error[0].value.startswith("Akses ditolak: peran Agen")
