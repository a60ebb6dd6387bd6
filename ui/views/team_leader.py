"""Team leader: open escalations (longest wait first), KB-update decisions, knowledge gaps."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from desk import (
    DraftInvalid,
    Escalation,
    EscalationError,
    GapNotFound,
    draft_article,
    group_gaps,
)
from desk.escalations import proposal_id
from kb import DuplicateContent
from kb.categories import load_codes
from sigap.db import utcnow
from ui.common import (
    desk_label,
    desk_services,
    local_time,
    minutes,
    require_page,
    suggestion_engine,
)

user = require_page("escalations")
desk = desk_services()
codes = load_codes()


def context_block(esc: Escalation) -> None:
    ctx = esc.context
    st.markdown(f"**Pertanyaan:** {esc.question}")
    details = [
        f"Layanan: {desk_label(esc.desk)}",
        f"Agen: {esc.created_by}",
        f"Penelepon: {ctx.get('identity') or '-'}",
        f"Kategori prediksi: {ctx.get('category') or '-'}",
    ]
    st.caption(" · ".join(details))
    for flag in ctx.get("flags", ()):
        st.warning(f"**{flag['code']}**: {flag.get('reason', '')}")
    if ctx.get("note"):
        st.info(f"Catatan agen: {ctx['note']}")
    if ctx.get("suggestions"):
        st.caption(
            "Saran yang tampil: "
            + "; ".join(
                f"{s['rank']}. {s.get('title') or s['article_id']} ({s['score']:.0%})"
                for s in ctx["suggestions"]
            )
        )


@st.fragment(run_every="10s")
def open_queue() -> None:
    """New escalations appear without a reload; each waits with its clock."""
    now = utcnow()
    queue = desk.escalations.queue()
    if not queue:
        st.success("Tidak ada eskalasi yang menunggu.")
        return
    for esc in queue:
        title = (
            f"#{esc.id} · menunggu {minutes(esc.waiting_s(now))} · {esc.desk.upper()}"
            f" · {', '.join(esc.reasons) or 'tanpa flag'}"
        )
        with st.expander(title, expanded=esc is queue[0]):
            context_block(esc)
            with st.form(f"answer-{esc.id}"):
                text = st.text_area("Jawaban untuk agen", key=f"answer-text-{esc.id}")
                sent = st.form_submit_button("Kirim jawaban", type="primary")
            if sent:
                try:
                    desk.escalations.answer(esc.id, user, text)
                except (EscalationError, ValueError) as exc:
                    st.error(str(exc))
                else:
                    st.session_state["tl_notice"] = f"Jawaban eskalasi #{esc.id} terkirim ke agen."
                    st.rerun(scope="app")


def decision_form(esc: Escalation) -> None:
    context_block(esc)
    st.markdown(f"**Jawaban ({esc.answered_by}, {local_time(esc.answered_at)}):** {esc.answer}")
    needed = st.radio(
        "Apakah basis pengetahuan perlu diperbarui?",
        ("Tidak", "Ya"),
        key=f"needed-{esc.id}",
        horizontal=True,
    )
    if needed == "Tidak":
        if st.button("Simpan keputusan", key=f"decide-no-{esc.id}"):
            desk.escalations.decide_kb_update(esc.id, user, needed=False)
            st.session_state["tl_notice"] = f"Eskalasi #{esc.id}: tidak perlu pembaruan KB."
            st.rerun()
        return
    existing = desk.kb.list_articles(desk=esc.desk)
    by_id = {v.id: v for v in existing}
    mode = st.radio(
        "Draf", ("Artikel baru", "Perbarui artikel"), key=f"mode-{esc.id}", horizontal=True
    )
    base = None
    if mode == "Perbarui artikel":
        suggested = [s["article_id"] for s in esc.context.get("suggestions", ())]
        order = [a for a in suggested if a in by_id] + [a for a in by_id if a not in suggested]
        chosen = st.selectbox(
            "Artikel",
            order,
            format_func=lambda a: f"{a} — {by_id[a].article.title}",
            key=f"base-{esc.id}",
        )
        base = by_id[chosen].article if chosen else None
    topics = codes.topics_for_desk(esc.desk)
    default_category = base.category if base else esc.context.get("category")
    with st.form(f"draft-{esc.id}"):
        category = st.selectbox(
            "Kategori",
            topics,
            index=topics.index(default_category) if default_category in topics else 0,
        )
        article_id = st.text_input(
            "ID artikel",
            value=base.id if base else proposal_id(esc, category),
            disabled=base is not None,
        )
        title = st.text_input("Judul (pertanyaan baku)", value=base.title if base else "")
        answer = st.text_area(
            "Jawaban", value=(base.answer + "\n" + esc.answer) if base else esc.answer, height=160
        )
        questions = st.text_area(
            "Variasi pertanyaan tambahan (satu per baris; pertanyaan eskalasi ikut otomatis)",
            value="",
            help="Artikel memerlukan minimal 4 variasi pertanyaan.",
        )
        legal = st.text_area(
            "Dasar hukum (satu per baris)", value="\n".join(base.legal_basis) if base else ""
        )
        submitted = st.form_submit_button("Buat draf usulan KB", type="primary")
    if not submitted:
        return
    try:
        article = draft_article(
            esc,
            base=base,
            article_id=article_id,
            title=title,
            category=category,
            answer=answer,
            questions=questions.splitlines(),
            legal_basis=legal.splitlines(),
            verified_on=dt.date.today(),
        )
        _, proposal = desk.escalations.decide_kb_update(esc.id, user, needed=True, article=article)
    except DraftInvalid as exc:
        for problem in exc.problems:
            st.error(problem)
    except (DuplicateContent, EscalationError) as exc:
        st.error(str(exc))
    else:
        st.session_state["tl_notice"] = (
            f"Draf {proposal.id} v{proposal.version} dibuat; tinjau dan terbitkan di Kurasi KB."
        )
        st.rerun()


def gaps_section() -> None:
    gaps = desk.gaps.open_gaps()
    if not gaps:
        st.success("Tidak ada celah pengetahuan yang terbuka.")
        return
    engine = suggestion_engine()
    vectors = None
    if engine is not None:
        # The encoder that ranks suggestions also tells which questions mean the same.
        vectors = engine.encoder.encode_queries([g.query for g in gaps])
    groups = group_gaps(gaps, vectors=vectors)
    st.caption(f"{len(gaps)} pertanyaan dalam {len(groups)} kelompok, terbesar dahulu.")
    for n, group in enumerate(groups, start=1):
        rep = group.representative
        last = local_time(group.last_at)
        with st.expander(f"{group.size}× · “{rep.query}” · {rep.desk.upper()} · terakhir {last}"):
            st.dataframe(
                [
                    {
                        "Waktu": local_time(g.created_at),
                        "Pertanyaan": g.query,
                        "Kategori": g.category or "-",
                        "Saran teratas": (g.suggestions[0].get("title") if g.suggestions else "-"),
                        "Agen": g.created_by,
                    }
                    for g in group.members
                ],
                hide_index=True,
            )
            note = st.text_input("Catatan penyelesaian", key=f"gap-note-{n}-{rep.id}")
            if st.button("Tandai selesai", key=f"gap-resolve-{n}-{rep.id}"):
                try:
                    desk.gaps.resolve(group.ids, user, note=note)
                except GapNotFound as exc:
                    st.error(str(exc))
                else:
                    st.rerun()


st.title("Team leader")
if notice := st.session_state.pop("tl_notice", None):
    st.success(notice)
waiting = desk.escalations.awaiting_decision()
tab_open, tab_decide, tab_gaps = st.tabs(
    [
        f"Eskalasi terbuka ({len(desk.escalations.queue())})",
        f"Keputusan KB ({len(waiting)})",
        "Celah pengetahuan",
    ]
)
with tab_open:
    open_queue()
with tab_decide:
    if not waiting:
        st.success("Semua eskalasi yang dijawab sudah diputuskan.")
    for esc in waiting:
        with st.expander(f"#{esc.id} · {esc.desk.upper()} · {esc.question}"):
            decision_form(esc)
with tab_gaps:
    gaps_section()
