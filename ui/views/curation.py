"""KB curation: search and read, edit into a new version, history and diff, review and publish.

Publishing rebuilds the index (the embedding cache makes that seconds) and
every running console picks the new version up at its next query.
"""

from __future__ import annotations

import datetime as dt
import difflib

import streamlit as st
import yaml
from pydantic import ValidationError

from kb import Article, ArticleVersion, KBStoreError
from kb.categories import DESKS, load_codes
from kb.schema import STATUSES
from ui.common import desk_label, desk_services, local_time, require_page
from ui.indexing import IndexRebuildFailed, rebuild_index

user = require_page("curation")
desk = desk_services()
store = desk.kb
codes = load_codes()
STATUS_LABELS = {
    "draft": "draf",
    "in_review": "menunggu review",
    "published": "terbit",
    "retired": "ditarik",
}


def as_yaml(version: ArticleVersion) -> str:
    return yaml.safe_dump(
        version.article.to_record(), allow_unicode=True, sort_keys=False, width=100
    )


def matches(version: ArticleVersion, text: str) -> bool:
    if not text:
        return True
    a = version.article
    haystack = " ".join((a.id, a.title, *a.questions, *a.keywords)).casefold()
    return all(word in haystack for word in text.casefold().split())


def show_article(version: ArticleVersion) -> None:
    a = version.article
    st.markdown(f"### {a.title}")
    st.caption(
        f"{a.id} · v{version.version} · {STATUS_LABELS[version.status]} · {a.category}"
        f" · {desk_label(a.desk)} · diverifikasi {a.verified_on:%d-%m-%Y}"
        f" · diubah {version.updated_by}, {local_time(version.updated_at)}"
    )
    st.write(a.answer)
    if a.legal_basis:
        st.caption("Dasar hukum: " + "; ".join(a.legal_basis))
    if a.escalate_if:
        st.caption(f"Eskalasi bila: {a.escalate_if}")
    st.markdown("**Variasi pertanyaan**")
    st.markdown("\n".join(f"- {q}" for q in a.questions))


def edit_form(version: ArticleVersion) -> None:
    a = version.article
    topics = codes.topics_for_desk(a.desk)
    with st.form(f"edit-{a.id}-{version.version}"):
        title = st.text_input("Judul", value=a.title)
        category = st.selectbox("Kategori", topics, index=topics.index(a.category))
        answer = st.text_area("Jawaban", value=a.answer, height=200)
        questions = st.text_area(
            "Variasi pertanyaan (satu per baris, minimal 4)", value="\n".join(a.questions)
        )
        legal = st.text_area("Dasar hukum (satu per baris)", value="\n".join(a.legal_basis))
        keywords = st.text_input("Kata kunci (pisahkan dengan koma)", value=", ".join(a.keywords))
        escalate_if = st.text_input("Eskalasi bila", value=a.escalate_if or "")
        requires_validation = st.checkbox("Perlu cek data penelepon", value=a.requires_validation)
        verified_on = st.date_input("Tanggal verifikasi", value=dt.date.today())
        submitted = st.form_submit_button("Simpan sebagai versi baru (draf)", type="primary")
    if not submitted:
        return
    record = {
        **a.to_record(),
        "title": title,
        "category": category,
        "answer": answer,
        "questions": [q for q in questions.splitlines() if q.strip()],
        "legal_basis": [b for b in legal.splitlines() if b.strip()],
        "keywords": [w.strip() for w in keywords.split(",") if w.strip()],
        "escalate_if": escalate_if or None,
        "requires_validation": requires_validation,
        "verified_on": verified_on.isoformat(),
    }
    try:
        draft = store.propose(Article.model_validate(record), actor=user.username)
    except ValidationError as exc:
        for error in exc.errors():
            st.error(f"{'.'.join(map(str, error['loc']))}: {error['msg']}")
    except KBStoreError as exc:
        st.error(str(exc))
    else:
        st.session_state["curation_notice"] = (
            f"Versi v{draft.version} dari {draft.id} disimpan sebagai draf; ajukan di tab Usulan."
        )
        st.rerun()


def diff_view(article_id: str) -> None:
    history = store.history(article_id)
    st.dataframe(
        [
            {
                "Versi": f"v{v.version}",
                "Status": STATUS_LABELS[v.status],
                "Diubah oleh": v.updated_by,
                "Waktu": local_time(v.updated_at),
                "Judul": v.article.title,
            }
            for v in history
        ],
        hide_index=True,
    )
    if len(history) < 2:
        st.caption("Baru satu versi: belum ada yang dibandingkan.")
        return
    numbers = [v.version for v in history]
    c1, c2 = st.columns(2)
    old = c1.selectbox("Dari versi", numbers, index=len(numbers) - 2, key=f"from-{article_id}")
    new = c2.selectbox("Ke versi", numbers, index=len(numbers) - 1, key=f"to-{article_id}")
    by_number = {v.version: v for v in history}
    diff = difflib.unified_diff(
        as_yaml(by_number[old]).splitlines(),
        as_yaml(by_number[new]).splitlines(),
        fromfile=f"v{old}",
        tofile=f"v{new}",
        lineterm="",
    )
    st.code("\n".join(diff) or "(tidak ada perbedaan)", language="diff")


def publish(version: ArticleVersion) -> None:
    store.publish(version.id, version.version, actor=user.username)
    with st.spinner("Membangun ulang indeks saran…"):
        try:
            summary = rebuild_index(store)
        except IndexRebuildFailed as exc:
            st.session_state["curation_error"] = (
                f"{version.id} v{version.version} terbit, tetapi indeks belum dibangun ulang: {exc}"
            )
            return
    st.session_state["curation_notice"] = (
        f"{version.id} v{version.version} terbit. {summary}. "
        "Konsol yang sedang berjalan memakai versi ini pada kueri berikutnya."
    )


def proposals() -> None:
    queue = store.list_articles(status="in_review") + store.list_articles(status="draft")
    if not queue:
        st.success("Tidak ada usulan yang menunggu.")
        return
    for version in queue:
        label = f"{version.id} v{version.version} · {STATUS_LABELS[version.status]}"
        with st.expander(f"{label} · {version.article.title}"):
            try:
                current = store.get(version.id)
            except KBStoreError:
                current = None
            before = as_yaml(current) if current and current.version != version.version else ""
            diff = difflib.unified_diff(
                before.splitlines(),
                as_yaml(version).splitlines(),
                fromfile=f"v{current.version}" if before and current else "(baru)",
                tofile=f"v{version.version}",
                lineterm="",
            )
            st.code("\n".join(diff), language="diff")
            key = f"{version.id}-{version.version}"
            if version.status == "draft":
                if st.button("Ajukan untuk review", key=f"submit-{key}"):
                    store.submit(version.id, version.version, actor=user.username)
                    st.rerun()
                continue
            reason = st.text_input("Alasan penolakan", key=f"reason-{key}")
            c1, c2 = st.columns(2)
            if c1.button("Terbitkan", type="primary", key=f"publish-{key}"):
                publish(version)
                st.rerun()
            if c2.button("Tolak (kembali ke draf)", key=f"reject-{key}"):
                store.reject(version.id, version.version, actor=user.username, reason=reason)
                st.rerun()


st.title("Kurasi basis pengetahuan")
if notice := st.session_state.pop("curation_notice", None):
    st.success(notice)
if error := st.session_state.pop("curation_error", None):
    st.error(error)

tab_read, tab_history, tab_review = st.tabs(["Cari & sunting", "Riwayat & diff", "Usulan"])
with tab_read:
    c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
    text = c1.text_input("Cari artikel", key="kb_search", placeholder="mis. efin, balik nama")
    desk_filter = c2.selectbox("Layanan", [None, *DESKS], format_func=lambda d: d or "semua")
    topic = c3.selectbox("Kategori", [None, *codes.kb_topics], format_func=lambda c: c or "semua")
    status = c4.selectbox("Status", [None, *STATUSES], format_func=lambda s: s or "terkini")
    versions = [
        v
        for v in store.list_articles(status=status, desk=desk_filter, category=topic)
        if matches(v, text)
    ]
    st.caption(f"{len(versions)} artikel")
    chosen = st.selectbox(
        "Artikel",
        [f"{v.id}@{v.version}" for v in versions],
        format_func=lambda key: (
            key.split("@")[0]
            + " — "
            + next(v.article.title for v in versions if f"{v.id}@{v.version}" == key)
        ),
        index=None,
        placeholder="Pilih artikel untuk dibaca atau disunting",
        key="kb_chosen",
    )
    if chosen:
        article_id, number = chosen.split("@")
        version = store.get(article_id, int(number))
        show_article(version)
        with st.expander("Sunting menjadi versi baru"):
            edit_form(version)
with tab_history:
    chosen = st.session_state.get("kb_chosen")
    if not chosen:
        st.info("Pilih artikel di tab Cari & sunting untuk melihat riwayatnya.")
    else:
        diff_view(chosen.split("@")[0])
with tab_review:
    proposals()
