"""Evaluation page: the offline report, online metrics of a period, QA review of one call."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from desk import Desk, PanelSnapshot, User, validate_identity


def closed_call(desk: Desk, agent: User) -> str:
    call = desk.calls.start(agent, "djp")
    desk.calls.mark_step(call.id, agent, "salam")
    desk.calls.set_identity(
        call.id, agent, validate_identity("djp", taxpayer_id="3273014507900001")
    )
    record = {
        "query": "lupa efin gmn",
        "suggestions": [
            {"article_id": "djp-akun-otp", "title": "OTP", "score": 0.5},
            {"article_id": "djp-akun-lupa-efin", "title": "EFIN", "score": 0.4},
        ],
        "category": {"code": "DJP-AKUN", "confidence": 0.9},
        "jenis": {"code": "INFORMASI", "confidence": 0.9},
        "flags": [],
        "kb_version": "kb-tiny",
    }
    desk.calls.autosave(
        call.id, agent, draft={"question": "lupa efin gmn"}, panel=PanelSnapshot.from_record(record)
    )
    desk.calls.use_suggestion(
        call.id, agent, article_id="djp-akun-lupa-efin", rank=2, score=0.4, answer="EFIN ..."
    )
    desk.calls.close(call.id, agent, outcome="answered")
    return call.id


@pytest.fixture
def evaluation(page, users, tmp_path) -> AppTest:
    at = page("eval_qa", users["qa"])
    at.session_state["reports_dir"] = str(tmp_path / "reports")
    return at


def test_no_report_yet_says_how_to_make_one(evaluation) -> None:
    at = evaluation.run()
    assert "sigap eval report" in at.info[0].value


def test_latest_report_table_and_plots_are_shown(evaluation, tmp_path, page_text) -> None:
    from matplotlib.figure import Figure

    reports = tmp_path / "reports"
    reports.mkdir()
    fig = Figure(figsize=(2, 2))
    fig.add_subplot().plot([1, 2], [3, 4])
    fig.savefig(reports / "latency.png")
    (reports / "report.md").write_text(
        "# SIGAP evaluation report\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n"
        "![Latency](latency.png)\n\n![Missing](gone.png)\n",
        encoding="utf-8",
    )
    at = evaluation.run()
    text = page_text(at)
    assert "# SIGAP evaluation report" in text and "| 1 | 2 |" in text
    assert "(grafik gone.png tidak ditemukan)" in text
    assert len(at.get("image")) == 1


def test_online_metrics_of_the_period(evaluation, desk, users, page_text) -> None:
    closed_call(desk, users["agent"])
    at = evaluation.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Panggilan"] == "1" and metrics["Saran dipakai"] == "100%"
    assert metrics["Dipakai dari peringkat 1"] == "0%" and metrics["Sesuai SLA"] == "100%"


def test_qa_review_is_prefilled_and_saved(evaluation, desk, users, page_text) -> None:
    call_id = closed_call(desk, users["agent"])
    at = evaluation.run()
    assert at.radio(key=f"qa-{call_id}-salam").value is True
    assert at.radio(key=f"qa-{call_id}-kategori").value is None
    assert "NIK ************0001" in page_text(at)
    at.radio(key=f"qa-{call_id}-kategori").set_value(True)
    at.radio(key=f"qa-{call_id}-jawaban").set_value(False)
    at.text_area(key=f"qa-comment-{call_id}").input("jawaban kurang lengkap")
    next(b for b in at.button if b.label == "Simpan review").click().run()
    (review,) = desk.qa.for_call(call_id)
    assert review.reviewer == "qa1" and review.score == pytest.approx(4 / 5)
    assert review.marks["jawaban"] is False and review.comment == "jawaban kurang lengkap"
    assert "Review tersimpan: skor 80%." in page_text(at)


def test_evaluators_see_metrics_but_cannot_save_reviews(page, desk, users, page_text) -> None:
    closed_call(desk, users["agent"])
    at = page("eval_qa", users["evaluator"]).run()
    assert "Hanya peran QA yang dapat menyimpan review." in page_text(at)
    assert next(b for b in at.button if b.label == "Simpan review").disabled


def test_agents_cannot_open_evaluation(page, users) -> None:
    assert page("eval_qa", users["agent"]).run().error[0].value.startswith("Akses ditolak")
