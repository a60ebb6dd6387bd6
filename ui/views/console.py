"""Agent console: one call at a time, the suggestion panel beside the question.

Every change is saved to the open call as it happens (the question at each
pause in typing, the other fields when they lose focus), so a refresh or a
crash loses nothing: logging in again brings the open call back.
"""

from __future__ import annotations

import streamlit as st
from st_keyup import st_keyup

from desk import (
    OUTCOME_LABELS,
    CallError,
    EscalationError,
    IdentityError,
    InvalidIdentity,
    PanelSnapshot,
    samsat_offices,
    validate_identity,
)
from desk.calls import Call
from desk.sla import STATE_LABELS, format_seconds
from kb.categories import OUT_OF_SCOPE, load_codes
from sigap.db import utcnow
from sigap.settings import get_settings
from suggest import QueryError, SuggestionResult
from ui.common import (
    desk_label,
    desk_services,
    local_time,
    minutes,
    require_page,
    suggestion_engine,
)
from ui.components import sop_clock

# The panel follows the agent's typing after this pause. toolchain.md measured
# ~258 ms from the last key to the screen with 150 ms on an empty page; 120 ms
# keeps "about 150" while leaving the engine and the page their share of 300 ms.
DEBOUNCE_MS = 120
SUGGESTIONS_SHOWN = 5
FLAG_LABELS = {
    "interpretasi": "Penafsiran aturan",
    "validasi": "Perlu cek data",
    "tidak_ada_di_kb": "Tidak ada di KB",
}

user = require_page("console")
desk = desk_services()
settings = get_settings()
codes = load_codes()


# -- session keys of one call ------------------------------------------------------------


def k(field: str, call_id: str) -> str:
    return f"{field}-{call_id}"


# -- fields the page sets itself ----------------------------------------------------------
# The plate as it was stored, the answer of a used suggestion or of the team leader, the
# outcome. Streamlit gives a widget's value no version: every rerun request the browser
# sends carries the value of every widget as the browser last drew it. A request sent
# before the browser has drawn a value set here (a pause in typing, a click) therefore
# reports the old value, and on_change takes it for the agent's own edit: the end-to-end
# test lost a used answer that way. So these fields keep their value in a plain session
# key, k(field), and their widget's key carries a revision that every set moves on. A
# report about an older revision is about a box that is no longer drawn and is ignored;
# whatever the agent does in the box on screen, emptying it included, is saved. (Until
# the run that replaced a box ends, Streamlit keeps the old one in the page, hidden:
# two boxes in the DOM for a moment are expected, two on screen would be a bug.)
SET_BY_PAGE = ("plate", "answer", "outcome")


def revision(field: str, call_id: str) -> int:
    return st.session_state.get(k(f"{field}@rev", call_id), 0)


def box_key(field: str, call_id: str) -> str:
    """The widget key of a field in :data:`SET_BY_PAGE`, at its current revision."""
    return k(f"{field}@{revision(field, call_id)}", call_id)


def set_by_page(call_id: str, field: str, value: str) -> None:
    st.session_state[k(field, call_id)] = value
    st.session_state[k(f"{field}@rev", call_id)] = revision(field, call_id) + 1


def current(field: str, call_id: str) -> str | None:
    """A field as the agent sees it, also inside a callback that runs before save_field."""
    if field in SET_BY_PAGE and box_key(field, call_id) in st.session_state:
        return st.session_state[box_key(field, call_id)]
    return st.session_state.get(k(field, call_id))


def restore(call: Call) -> None:
    """Put the saved draft back into the session, once per browser session and call."""
    draft = call.draft
    if st.session_state.get("restored_call") == call.id:
        # Streamlit forgets the state of a widget that a run did not draw; the
        # draft in the database is the truth, so refill whatever went missing.
        for field in ("caller_name", "taxpayer_id", "notes"):
            st.session_state.setdefault(k(field, call.id), draft.get(field, "") or "")
        return
    for field in ("caller_name", "taxpayer_id", "plate", "answer", "notes"):
        st.session_state[k(field, call.id)] = draft.get(field, "") or ""
    region = draft.get("region")
    st.session_state[k("region", call.id)] = region if region in samsat_offices() else None
    st.session_state[k("final_category", call.id)] = draft.get("final_category") or ""
    st.session_state[k("final_jenis", call.id)] = draft.get("final_jenis") or ""
    st.session_state[k("outcome", call.id)] = draft.get("outcome") or "answered"
    st.session_state[k("question", call.id)] = draft.get("question", "") or call.question
    st.session_state["restored_call"] = call.id


def forget(call_id: str) -> None:
    for key in [key for key in st.session_state if str(key).endswith(call_id)]:
        del st.session_state[key]
    st.session_state.pop("restored_call", None)


# -- callbacks: each saves what changed --------------------------------------------------


def save_field(call_id: str, field: str, drawn_at: int | None = None) -> None:
    """on_change of a form field; ``drawn_at`` is the revision a page-set field's box had."""
    if field in SET_BY_PAGE:
        if drawn_at != revision(field, call_id):
            return  # the browser reported a box the page has since replaced
        st.session_state[k(field, call_id)] = current(field, call_id)
    value = st.session_state.get(k(field, call_id))
    desk.calls.autosave(call_id, user, draft={field: value if value is not None else ""})


def copy_question(call_id: str) -> None:
    # The key-up widget reports here at each pause in typing; the panel reads this key.
    st.session_state[k("question", call_id)] = st.session_state.get(k("keyup", call_id), "")


def start_call(desk_code: str) -> None:
    try:
        desk.calls.start(user, desk_code)
    except CallError as exc:
        st.session_state["console_error"] = str(exc)


def save_identity(call: Call) -> None:
    def value(field: str) -> str:
        return current(field, call.id) or ""

    try:
        identity = validate_identity(
            call.desk,
            taxpayer_id=value("taxpayer_id"),
            name=value("caller_name"),
            plate=value("plate"),
            region=value("region"),
        )
    except InvalidIdentity as exc:
        st.session_state["identity_errors"] = list(exc.by_field().values())
        return
    except IdentityError as exc:
        st.session_state["identity_errors"] = [str(exc)]
        return
    desk.calls.set_identity(call.id, user, identity)
    if identity.plate:  # show the plate as it was stored
        set_by_page(call.id, "plate", identity.plate)
        desk.calls.autosave(call.id, user, draft={"plate": identity.plate})


def use_suggestion(call_id: str, rank: int, record: dict) -> None:
    chosen = record["suggestions"][rank - 1]
    desk.calls.use_suggestion(
        call_id,
        user,
        article_id=chosen["article_id"],
        rank=rank,
        score=chosen["score"],
        answer=chosen["answer"],
        panel=PanelSnapshot.from_record(record),
    )
    set_by_page(call_id, "answer", chosen["answer"])
    set_by_page(call_id, "outcome", "answered")
    desk.calls.autosave(call_id, user, draft={"outcome": "answered", "answer": chosen["answer"]})
    st.session_state["full_rerun"] = True  # the clock and the SOP steps sit outside the panel


def escalate(call_id: str, reasons: tuple[str, ...]) -> None:
    try:
        desk.escalations.create(call_id, user, reasons=reasons)
    except (EscalationError, ValueError) as exc:
        st.session_state["console_error"] = str(exc)
        return
    set_by_page(call_id, "outcome", "escalated")  # the escalation saved it with the draft
    st.session_state["console_notice"] = "Eskalasi terkirim ke team leader."
    st.session_state["full_rerun"] = True


def record_gap(call_id: str, record: dict | None) -> None:
    panel = PanelSnapshot.from_record(record) if record else None
    try:
        desk.gaps.record(call_id, user, panel=panel)
    except ValueError as exc:
        st.session_state["console_error"] = str(exc)
        return
    st.session_state["console_notice"] = "Dicatat sebagai celah pengetahuan untuk team leader."
    st.session_state["full_rerun"] = True


def use_escalation_answer(call_id: str, answer: str) -> None:
    set_by_page(call_id, "answer", answer)
    desk.calls.autosave(call_id, user, draft={"answer": answer})


# -- the page -----------------------------------------------------------------------------


def show_messages() -> None:
    # A button in the panel asks for one more full run (see question_panel); the
    # message must survive until that run, which is the one the agent sees.
    keep = st.session_state.get("full_rerun", False)
    for key, show in (("console_error", st.error), ("console_notice", st.success)):
        message = st.session_state.get(key) if keep else st.session_state.pop(key, None)
        if message:
            show(message)


def no_call() -> None:
    show_messages()
    if saved := st.session_state.pop("last_saved", None):
        st.success(saved)
    desks = ("djp", "samsat") if settings.desk == "all" else (settings.desk,)
    choice = st.radio("Layanan", desks, format_func=desk_label, key="desk_choice", horizontal=True)
    st.button(
        "Mulai panggilan", type="primary", key="start_call", on_click=start_call, args=(choice,)
    )
    recent = desk.calls.list_calls(agent=user.username, status="closed", limit=5)
    if recent:
        st.subheader("Panggilan terakhir")
        st.dataframe(
            [
                {
                    "Mulai": local_time(c.started_at),
                    "Layanan": c.desk.upper(),
                    "Penelepon": c.identity.summary() if c.identity else "-",
                    "Kategori": c.final_category,
                    "Hasil": OUTCOME_LABELS.get(c.outcome or "", "-"),
                    "Durasi": format_seconds(c.duration_s or 0),
                }
                for c in recent
            ],
            hide_index=True,
        )


def header(call: Call) -> None:
    now = utcnow()
    status = call.sla(now)
    left, right = st.columns([3, 2])
    with left:
        st.subheader(f"Panggilan {call.short_id} · {desk_label(call.desk)}")
        st.caption(f"Mulai {local_time(call.started_at, '%H:%M:%S')} WIB")
    with right:
        sop_clock(status, started_at=call.started_at, now=now, key=k("clock", call.id))
    done = [s for s in status.steps if s.done]
    if done:
        st.caption(
            "Langkah SOP: "
            + " · ".join(
                f"{s.label} {format_seconds(s.elapsed_s or 0)} ({STATE_LABELS[s.state]})"
                for s in done
            )
        )


def identity_form(call: Call) -> None:
    st.markdown("#### Identitas penelepon")
    if call.desk == "djp":
        c1, c2, c3 = st.columns([3, 3, 2], vertical_alignment="bottom")
        c1.text_input(
            "NPWP atau NIK",
            key=k("taxpayer_id", call.id),
            placeholder="01.234.567.8-901.234 atau 16 digit NIK",
            on_change=save_field,
            args=(call.id, "taxpayer_id"),
        )
        c2.text_input(
            "Nama penelepon (opsional)",
            key=k("caller_name", call.id),
            on_change=save_field,
            args=(call.id, "caller_name"),
        )
    else:
        c1, c2, c4, c3 = st.columns([3, 2, 3, 2], vertical_alignment="bottom")
        c1.text_input(
            "Nama pemilik kendaraan",
            key=k("caller_name", call.id),
            on_change=save_field,
            args=(call.id, "caller_name"),
        )
        c2.text_input(
            "Nomor polisi",
            value=st.session_state.get(k("plate", call.id), ""),
            key=box_key("plate", call.id),
            placeholder="D 1234 ABC",
            on_change=save_field,
            args=(call.id, "plate", revision("plate", call.id)),
        )
        c4.selectbox(
            "Wilayah Samsat",
            samsat_offices(),
            index=None,
            placeholder="Pilih kantor Samsat Jawa Barat",
            key=k("region", call.id),
            on_change=save_field,
            args=(call.id, "region"),
        )
    c3.button(
        "Simpan identitas", key=k("save_identity", call.id), on_click=save_identity, args=(call,)
    )
    greeted = "salam" in call.step_marks
    checked = st.checkbox(
        "Salam pembuka sudah disampaikan",
        value=greeted,
        disabled=greeted,
        key=k("greeted", call.id),
    )
    # Read on every run rather than in a change callback: a tick made while the
    # page was still redrawing is then never lost.
    if checked and not greeted:
        desk.calls.mark_step(call.id, user, "salam")
        st.rerun()
    for message in st.session_state.pop("identity_errors", ()):
        st.error(message)
    call = desk.calls.get(call.id, viewer=user)
    if call.identity is not None:
        # The call's own view: the only place the number is shown in full.
        st.success(f"Identitas tersimpan: {call.identity.summary()}")


def suggestion_card(call: Call, rank: int, s: dict, record: dict) -> None:
    with st.container(border=True):
        used = call.used_article_id == s["article_id"]
        st.markdown(
            f"**{rank}. {s['title']}**"
            + ("  :green[:material/check_circle: digunakan]" if used else "")
        )
        st.progress(min(max(s["score"], 0.0), 1.0), text=f"Keyakinan {s['score']:.0%}")
        st.caption(f"Cocok dengan: “{s['matched']}” · {s['category']}")
        if s["legal_basis"]:
            st.caption("Dasar hukum: " + "; ".join(s["legal_basis"]))
        if s.get("requires_validation"):
            st.caption("Perlu cek data penelepon di sistem sebelum menjawab.")
        with st.expander("Jawaban"):
            st.write(s["answer"])
            if s.get("escalate_if"):
                st.caption(f"Eskalasi bila: {s['escalate_if']}")
        st.button(
            "Gunakan",
            key=k(f"use-{s['article_id']}", call.id),
            type="primary" if rank == 1 else "secondary",
            on_click=use_suggestion,
            args=(call.id, rank, record),
        )


def classification(call: Call, result: SuggestionResult | None) -> None:
    if result is not None:
        category = result.category
        alternatives = ", ".join(f"{a.code} {a.confidence:.0%}" for a in category.alternatives)
        st.caption(
            f"Prediksi: **{result.category.code}** ({result.category.confidence:.0%})"
            f" · **{result.jenis.code}** ({result.jenis.confidence:.0%})"
            + (f"  \nAlternatif: {alternatives}" if alternatives else "")
        )
    topics = [*codes.topics_for_desk(call.desk), OUT_OF_SCOPE]
    c1, c2 = st.columns(2)
    c1.selectbox(
        "Kategori akhir",
        ["", *topics],
        format_func=lambda c: c or "ikuti prediksi",
        key=k("final_category", call.id),
        on_change=save_field,
        args=(call.id, "final_category"),
    )
    c2.selectbox(
        "Jenis akhir",
        ["", *codes.jenis],
        format_func=lambda c: c or "ikuti prediksi",
        key=k("final_jenis", call.id),
        on_change=save_field,
        args=(call.id, "final_jenis"),
    )


def flags_box(call: Call, result: SuggestionResult | None) -> None:
    flags = result.flags if result else ()
    for flag in flags:
        st.warning(f"**{FLAG_LABELS.get(flag.code, flag.code)}** ({flag.code}): {flag.reason}")
    must = any(f.code == "interpretasi" for f in flags)
    b1, b2 = st.columns(2)
    b1.button(
        "Eskalasi ke team leader",
        key=k("escalate", call.id),
        type="primary" if must else "secondary",
        on_click=escalate,
        args=(call.id, tuple(f.code for f in flags)),
        disabled=not (result or call.question),
    )
    b2.button(
        "Tidak ada yang sesuai",
        key=k("gap", call.id),
        on_click=record_gap,
        args=(call.id, result.to_dict() if result else None),
        disabled=result is None,
        help="Catat sebagai celah pengetahuan untuk team leader",
    )


@st.fragment
def question_panel(call_id: str) -> None:
    """Question and suggestions: reruns alone at each pause in typing."""
    call = desk.calls.open_call(user)
    if call is None or call.id != call_id:
        st.rerun()
    engine = suggestion_engine()
    ask, panel = st.columns([5, 7], gap="large")
    with ask:
        st.markdown("#### Pertanyaan")
        st_keyup(
            "Pertanyaan penelepon",
            value=st.session_state.get(k("question", call.id), ""),
            key=k("keyup", call.id),
            debounce=DEBOUNCE_MS,
            on_change=copy_question,
            args=(call.id,),
            placeholder="ketik pertanyaan penelepon…",
            label_visibility="collapsed",
        )
    query = (st.session_state.get(k("question", call.id)) or "").strip()
    result = None
    problem = None
    if query and engine is not None:
        try:
            result = engine.suggest(query, k=SUGGESTIONS_SHOWN, desk=call.desk)
        except QueryError as exc:
            problem = str(exc)
    record = result.to_dict() if result else None
    with panel:
        st.markdown("#### Saran jawaban")
        if engine is None:
            st.warning("Indeks saran belum dibangun: jalankan `sigap index build`.")
        elif problem:
            st.warning(problem)
        elif result is None:
            st.caption("Saran muncul saat pertanyaan diketik.")
        else:
            st.caption(
                f"Saran untuk: “{result.query}” · {result.category.code}"
                f" ({result.category.confidence:.0%}) · {result.jenis.code}"
                f" · {result.latency_ms:.0f} ms"
            )
            if not result.suggestions:
                st.info("Tidak ada artikel yang cocok.")
            for rank, s in enumerate(record["suggestions"], start=1):
                suggestion_card(call, rank, s, record)
    with ask:
        classification(call, result)
        flags_box(call, result)
        closing(call)
    # Saved after the panel is drawn, so that the write never delays what the agent sees.
    desk.calls.autosave(
        call.id,
        user,
        draft={"question": query},
        panel=PanelSnapshot.from_record(record) if record else None,
    )
    if st.session_state.pop("full_rerun", False):
        st.rerun()


def leader_answers(call: Call) -> None:
    for esc in desk.escalations.for_call(call.id):
        if esc.is_open:
            continue  # shown by waiting_for_leader until answered
        st.success(f"Jawaban team leader ({esc.answered_by}) untuk eskalasi #{esc.id}:")
        st.write(esc.answer)
        st.button(
            "Pakai jawaban ini",
            key=k(f"use-esc-{esc.id}", call.id),
            on_click=use_escalation_answer,
            args=(call.id, esc.answer),
        )


@st.fragment(run_every="5s")
def waiting_for_leader(call_id: str) -> None:
    """Polls while an escalation is open; the full page reruns when the answer arrives."""
    call = desk.calls.open_call(user)
    if call is None or call.id != call_id:
        return
    if not any(e.is_open for e in desk.escalations.for_call(call_id)):
        st.rerun()  # answered: the whole call shows the answer
    for esc in desk.escalations.for_call(call_id):
        if esc.is_open:
            waited = minutes(esc.waiting_s(utcnow()))
            st.info(f"Eskalasi #{esc.id} menunggu jawaban team leader ({waited}).")


def closing(call: Call) -> None:
    st.markdown("#### Jawaban dan hasil")
    leader_answers(call)
    st.text_area(
        "Jawaban yang diberikan",
        value=st.session_state.get(k("answer", call.id), ""),
        key=box_key("answer", call.id),
        height=150,
        on_change=save_field,
        args=(call.id, "answer", revision("answer", call.id)),
    )
    outcomes = list(OUTCOME_LABELS)
    st.radio(
        "Hasil panggilan",
        outcomes,
        index=outcomes.index(st.session_state.get(k("outcome", call.id)) or "answered"),
        format_func=OUTCOME_LABELS.get,
        key=box_key("outcome", call.id),
        horizontal=True,
        on_change=save_field,
        args=(call.id, "outcome", revision("outcome", call.id)),
    )
    st.text_input(
        "Catatan (opsional)", key=k("notes", call.id), on_change=save_field, args=(call.id, "notes")
    )
    save, told = st.columns(2)
    if "jawaban" not in call.step_marks and told.button(
        "Jawaban disampaikan", key=k("answered", call.id), help="Catat waktu langkah Jawaban"
    ):
        desk.calls.mark_step(call.id, user, "jawaban")
        st.rerun()
    if save.button("Simpan & akhiri panggilan", type="primary", key=k("close", call.id)):
        fields = ("answer", "outcome", "notes", "final_category", "final_jenis")
        desk.calls.autosave(call.id, user, draft={f: current(f, call.id) or "" for f in fields})
        try:
            closed = desk.calls.close(call.id, user)
        except CallError as exc:
            st.error(str(exc))
            return
        forget(call.id)
        st.session_state["last_saved"] = (
            f"Panggilan {closed.short_id} tersimpan: {OUTCOME_LABELS[closed.outcome]}, "
            f"{closed.final_category}, {format_seconds(closed.duration_s or 0)}."
        )
        st.rerun()


st.title("Konsol agen")
call = desk.calls.open_call(user)
if call is None:
    no_call()
    st.stop()
# Streamlit names a fragment after its place on the page, and the browser draws a fragment
# with a new name afresh: its key-up box then reports its value once more, and that report
# carries the other widgets as the browser last drew them (see SET_BY_PAGE). What grows
# during a call (SOP steps, messages, the saved identity) therefore goes above the panel,
# in a container of its own, so that the panel keeps one place for the whole call.
above, waiting, below = st.container(), st.container(), st.container()
with above:
    restore(call)
    header(call)
    show_messages()
    identity_form(call)
if any(e.is_open for e in desk.escalations.for_call(call.id)):
    with waiting:
        waiting_for_leader(call.id)
with below:
    st.divider()
    question_panel(call.id)
