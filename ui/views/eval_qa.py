"""Evaluation: the offline report, online metrics from the calls, and QA review of one call."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import streamlit as st

from desk import OUTCOME_LABELS, RUBRIC, InvalidReview, can, prefill
from desk.calls import Call
from desk.online import answer_sla, call_records
from desk.sla import format_seconds
from evaluation.online import online_metrics
from ui.common import LOCAL_TZ, desk_label, desk_services, local_time, require_page

# Where `sigap eval report` writes (evaluation/cli.py DEFAULT_REPORTS).
REPORTS_DIR = Path(__file__).resolve().parents[2] / "evaluation" / "reports"
REPORT_FILE = "report.md"
_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)]+)\)\s*$")
MARK_LABELS = {True: "Ya", False: "Tidak", None: "T/A"}

user = require_page("evaluation")
desk = desk_services()


def reports_dir() -> Path:
    # Read at each run, so that a test can point it elsewhere.
    return Path(st.session_state.get("reports_dir") or REPORTS_DIR)


def offline_report() -> None:
    report = reports_dir() / REPORT_FILE
    if not report.exists():
        st.info(
            "Belum ada laporan evaluasi offline. Jalankan `sigap eval run --split test` lalu "
            "`sigap eval report`; laporan muncul di sini."
        )
        return
    # The report's own tables and plots, as `sigap eval report` wrote them.
    modified = dt.datetime.fromtimestamp(report.stat().st_mtime, tz=dt.UTC)
    st.caption(f"Laporan terbaru: {report} · dibuat {local_time(modified)} WIB")
    markdown_with_images(report)


def markdown_with_images(report: Path) -> None:
    """The report's Markdown, with its plots shown from the report folder."""
    text: list[str] = []
    for line in report.read_text(encoding="utf-8").splitlines():
        image = _IMAGE.match(line.strip())
        if image is None:
            text.append(line)
            continue
        if text:
            st.markdown("\n".join(text))
            text = []
        path = report.parent / image.group(2)
        if path.exists():
            st.image(str(path), caption=image.group(1))
        else:
            st.caption(f"(grafik {image.group(2)} tidak ditemukan)")
    if text:
        st.markdown("\n".join(text))


def period() -> tuple[dt.datetime, dt.datetime]:
    today = dt.datetime.now(LOCAL_TZ).date()
    chosen = st.date_input(
        "Periode",
        value=(today - dt.timedelta(days=6), today),
        max_value=today,
        key="eval_period",
        format="DD/MM/YYYY",
    )
    start, end = (
        (chosen if len(chosen) == 2 else (chosen[0], chosen[0])) if chosen else (today,) * 2
    )
    start_at = dt.datetime.combine(start, dt.time(), LOCAL_TZ)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), LOCAL_TZ)
    return start_at, end_at


def rate(value: float, den: int) -> str:
    return f"{value:.0%} dari {den}" if den else "–"


def online_section(calls: list[Call]) -> None:
    records = call_records(calls)
    if not records:
        st.info("Belum ada panggilan yang selesai pada periode ini.")
        return
    m = online_metrics(records, sla=answer_sla())
    cols = st.columns(5)
    cols[0].metric("Panggilan", m.calls)
    cols[1].metric(
        "Saran dipakai",
        f"{m.acceptance.value:.0%}",
        help=rate(m.acceptance.value, m.acceptance.denominator),
    )
    cols[2].metric("Dipakai dari peringkat 1", f"{m.used_rank.share_rank_1:.0%}")
    cols[3].metric("Eskalasi", f"{m.escalation.value:.0%}")
    cols[4].metric("Sesuai SLA", f"{m.sla.value:.0%}", help=rate(m.sla.value, m.sla.denominator))
    st.caption(
        f"Rata-rata peringkat saran yang dipakai: {m.used_rank.mean_rank:.2f} · "
        f"panggilan dengan flag tidak_ada_di_kb: {m.tidak_ada_di_kb.value:.0%} · "
        "SLA jawaban: DJP 15 menit, Samsat 8 menit sejak panggilan diangkat."
    )
    rows = [
        {
            "Layanan": desk_label(code),
            "Panggilan": dm.calls,
            "Saran dipakai": rate(dm.acceptance.value, dm.acceptance.denominator),
            "Eskalasi": rate(dm.escalation.value, dm.escalation.denominator),
            "Sesuai SLA": rate(dm.sla.value, dm.sla.denominator),
            "tidak_ada_di_kb": rate(dm.tidak_ada_di_kb.value, dm.tidak_ada_di_kb.denominator),
        }
        for code, dm in m.by_desk.items()
    ]
    st.dataframe(rows, hide_index=True)
    if m.used_rank.counts:
        st.markdown("**Peringkat saran yang dipakai**")
        st.bar_chart({"panggilan": {str(k): v for k, v in m.used_rank.counts.items()}})


def call_details(call: Call) -> None:
    st.markdown(f"**Pertanyaan:** {call.question}")
    st.caption(
        f"{desk_label(call.desk)} · agen {call.agent} · {local_time(call.started_at)} · "
        f"durasi {format_seconds(call.duration_s or 0)} · "
        f"penelepon {call.identity.summary() if call.identity else 'tidak tercatat'}"
    )
    st.markdown(
        f"Kategori prediksi **{call.predicted_category or '-'}** → akhir "
        f"**{call.final_category or '-'}** · jenis {call.predicted_jenis or '-'} → "
        f"{call.final_jenis or '-'} · hasil **{OUTCOME_LABELS.get(call.outcome or '', '-')}**"
    )
    for flag in call.flags:
        st.warning(f"**{flag['code']}**: {flag.get('reason', '')}")
    if call.used_article_id:
        st.caption(f"Saran dipakai: {call.used_article_id} (peringkat {call.used_rank})")
    st.markdown(f"**Jawaban:** {call.answer or '-'}")
    if call.step_seconds:
        st.caption(
            "Waktu per langkah: "
            + " · ".join(f"{s} {format_seconds(v)}" for s, v in call.step_seconds.items())
        )
    for esc in desk.escalations.for_call(call.id):
        st.info(f"Eskalasi #{esc.id}: {esc.question} → {esc.answer or 'belum dijawab'}")


def qa_section(calls: list[Call]) -> None:
    closed = [c for c in calls if not c.is_open]
    if not closed:
        st.info("Tidak ada panggilan selesai pada periode ini.")
        return
    by_id = {c.id: c for c in closed}
    chosen = st.selectbox(
        "Panggilan",
        list(by_id),
        format_func=lambda cid: (
            f"{local_time(by_id[cid].started_at)} · {by_id[cid].short_id} · "
            f"{by_id[cid].agent} · {by_id[cid].question[:60]}"
        ),
        key="qa_call",
    )
    call = by_id[chosen]
    call_details(call)
    marks = prefill(call, desk.escalations.for_call(call.id))
    may_review = can(user.role, "qa_review")
    with st.form(f"qa-{call.id}"):
        st.markdown("**Rubrik SOP** (terisi otomatis bila dapat dibaca dari panggilan)")
        chosen_marks = {}
        for item in RUBRIC:
            options = [True, False, None]
            chosen_marks[item.code] = st.radio(
                item.label,
                options,
                index=options.index(marks[item.code]),
                format_func=MARK_LABELS.get,
                horizontal=True,
                help=item.help,
                key=f"qa-{call.id}-{item.code}",
            )
        comment = st.text_area("Catatan QA", key=f"qa-comment-{call.id}")
        submitted = st.form_submit_button("Simpan review", type="primary", disabled=not may_review)
    if not may_review:
        st.caption("Hanya peran QA yang dapat menyimpan review.")
    if submitted:
        try:
            review = desk.qa.record(call.id, user, chosen_marks, comment=comment)
        except InvalidReview as exc:
            st.error(str(exc))
        else:
            score = "–" if review.score is None else f"{review.score:.0%}"
            st.success(f"Review tersimpan: skor {score}.")
    for review in desk.qa.for_call(call.id):
        score = "–" if review.score is None else f"{review.score:.0%}"
        st.caption(
            f"Review {review.reviewer} · {local_time(review.created_at)} · skor {score}"
            + (f" · {review.comment}" if review.comment else "")
        )


st.title("Evaluasi & QA")
tab_offline, tab_online, tab_qa = st.tabs(["Laporan offline", "Metrik online", "Review QA"])
with tab_offline:
    offline_report()
with tab_online:
    start_at, end_at = period()
    calls = desk.calls.list_calls(start=start_at, end=end_at)
    online_section(calls)
with tab_qa:
    qa_section(calls)
