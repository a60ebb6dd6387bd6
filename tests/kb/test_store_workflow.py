"""The curation workflow: propose → submit → publish → retire, reading, and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from kb.models import ArticleVersionRow
from kb.schema import Article
from kb.store import (
    ArticleNotFound,
    DuplicateContent,
    InvalidTransition,
    KBStore,
    VersionNotFound,
)
from sigap.db import session_scope


def edited(article: Article, **changes: Any) -> Article:
    return Article.model_validate({**article.to_record(), **changes})


@pytest.fixture
def efin(articles: list[Article]) -> Article:
    return articles[0]


def test_a_proposal_is_a_draft_and_publishes_nothing(store: KBStore, efin: Article) -> None:
    empty = store.kb_version()

    draft = store.propose(efin, actor="writer")

    assert (draft.version, draft.status, draft.updated_by) == (1, "draft", "writer")
    assert draft.article == efin
    assert store.get(efin.id) == draft
    assert store.published_articles() == []
    assert store.kb_version() == empty


def test_full_cycle_retires_the_previous_published_version(store: KBStore, efin: Article) -> None:
    store.import_articles([efin], actor="admin")
    changed = edited(efin, answer=efin.answer + " Proses 1 hari kerja.")

    proposed = store.propose(changed, actor="writer")
    assert store.get(efin.id).version == 1  # the published version stays current
    submitted = store.submit(efin.id, proposed.version, actor="writer")
    published = store.publish(efin.id, proposed.version, actor="lead")

    assert (proposed.version, submitted.status, published.status) == (2, "in_review", "published")
    assert published.updated_by == "lead" and published.created_by == "writer"
    assert [(v.version, v.status) for v in store.history(efin.id)] == [
        (1, "retired"),
        (2, "published"),
    ]
    assert store.published_articles() == [changed]


def test_reject_sends_a_version_back_to_draft(store: KBStore, efin: Article) -> None:
    store.propose(efin, actor="writer")
    store.submit(efin.id, 1, actor="writer")

    rejected = store.reject(efin.id, 1, actor="lead", reason="sumber hukum kurang")

    assert rejected.status == "draft"
    assert store.audit_log(action="reject")[0].details["reason"] == "sumber hukum kurang"
    assert store.submit(efin.id, 1, actor="writer").status == "in_review"


def test_retire_withdraws_the_published_version(store: KBStore, efin: Article) -> None:
    store.import_articles([efin], actor="admin")

    retired = store.retire(efin.id, actor="lead", reason="aturan dicabut")

    assert (retired.version, retired.status) == (1, "retired")
    assert store.published_articles() == []
    assert store.get(efin.id).status == "retired"


@pytest.mark.parametrize(
    ("setup", "action", "status"),
    [
        ([], "publish", "draft"),
        ([], "reject", "draft"),
        (["submit"], "submit", "in_review"),
        (["submit", "publish"], "submit", "published"),
        (["submit", "publish"], "publish", "published"),
        (["submit", "publish"], "reject", "published"),
    ],
)
def test_invalid_transitions_are_refused(
    store: KBStore, efin: Article, setup: list[str], action: str, status: str
) -> None:
    store.propose(efin, actor="writer")
    for step in setup:
        getattr(store, step)(efin.id, 1, actor="lead")
    audit_before = store.audit_log()

    with pytest.raises(InvalidTransition) as refused:
        getattr(store, action)(efin.id, 1, actor="lead")

    assert (refused.value.action, refused.value.status) == (action, status)
    assert f"it is {status}" in str(refused.value)
    assert store.get(efin.id, 1).status == status
    assert store.audit_log() == audit_before


def test_a_retired_version_cannot_come_back(store: KBStore, efin: Article) -> None:
    store.import_articles([efin], actor="admin")
    store.retire(efin.id, actor="lead")

    with pytest.raises(InvalidTransition, match="it has no published version"):
        store.retire(efin.id, actor="lead")
    for action in ("submit", "publish", "reject"):
        with pytest.raises(InvalidTransition, match="it is retired"):
            getattr(store, action)(efin.id, 1, actor="lead")


def test_unknown_articles_and_versions(store: KBStore, efin: Article) -> None:
    store.propose(efin, actor="writer")

    with pytest.raises(ArticleNotFound, match="no article 'nope'"):
        store.get("nope")
    with pytest.raises(ArticleNotFound):
        store.history("nope")
    with pytest.raises(ArticleNotFound):
        store.submit("nope", 1, actor="lead")
    with pytest.raises(ArticleNotFound):
        store.retire("nope", actor="lead")
    with pytest.raises(VersionNotFound, match="has no version 9"):
        store.get(efin.id, 9)
    with pytest.raises(VersionNotFound):
        store.publish(efin.id, 9, actor="lead")


def test_proposing_live_content_again_is_refused(store: KBStore, efin: Article) -> None:
    store.import_articles([efin], actor="admin")

    with pytest.raises(DuplicateContent, match="v1 \\(published\\)"):
        store.propose(efin, actor="writer")

    store.retire(efin.id, actor="lead")
    assert store.propose(efin, actor="writer").version == 2  # reinstating is a proposal


def test_the_database_allows_one_published_version_per_article(
    store: KBStore, efin: Article
) -> None:
    store.import_articles([efin], actor="admin")
    store.propose(edited(efin, keywords=["efin"]), actor="writer")

    with pytest.raises(IntegrityError), session_scope(store.engine) as session:
        row = session.get(ArticleVersionRow, (efin.id, 2))
        row.status = "published"


def test_every_write_appends_one_audit_entry(store: KBStore, efin: Article) -> None:
    store.import_articles([efin], actor="admin")
    store.propose(edited(efin, keywords=["efin"]), actor="writer")
    store.submit(efin.id, 2, actor="writer")
    store.reject(efin.id, 2, actor="lead")
    store.submit(efin.id, 2, actor="writer")
    store.publish(efin.id, 2, actor="lead")
    store.retire(efin.id, actor="lead")

    entries = store.audit_log(entity_id=efin.id)

    assert [(e.actor, e.action, e.details.get("version")) for e in entries] == [
        ("admin", "import", 1),
        ("writer", "propose", 2),
        ("writer", "submit", 2),
        ("lead", "reject", 2),
        ("writer", "submit", 2),
        ("lead", "publish", 2),
        ("lead", "retire", 2),
    ]
    assert entries[5].details == {
        "version": 2,
        "from": "in_review",
        "to": "published",
        "retired_version": 1,
    }
    assert all(e.entity == "kb_article" for e in entries)
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert store.audit_log(entity_id="other") == []


def test_kb_version_follows_what_is_published(store: KBStore, articles: list[Article]) -> None:
    efin = articles[0]
    seen = [store.kb_version()]
    store.import_articles(articles, actor="admin")
    seen.append(store.kb_version())
    store.propose(edited(efin, keywords=["efin"]), actor="writer")
    store.submit(efin.id, 2, actor="writer")
    assert store.kb_version() == seen[-1]  # drafts and reviews are not published

    store.publish(efin.id, 2, actor="lead")
    seen.append(store.kb_version())
    store.retire(efin.id, actor="lead")
    seen.append(store.kb_version())

    assert len(set(seen)) == len(seen)
    assert all(v.startswith("kb-") and len(v) == 15 for v in seen)


def test_equal_published_states_have_equal_kb_versions(
    store_factory, articles: list[Article]
) -> None:
    first, second = store_factory(), store_factory()
    first.import_articles(articles, actor="alice")
    second.import_articles(reversed(articles), actor="bob")

    assert first.kb_version() == second.kb_version()


def test_list_articles_filters_on_the_current_version(
    store: KBStore, articles: list[Article]
) -> None:
    efin, spt, pkb = articles
    store.import_articles([efin, spt], actor="admin")
    store.propose(pkb, actor="writer")
    store.propose(edited(efin, keywords=["efin"]), actor="writer")

    current = store.list_articles()
    assert [(v.id, v.version, v.status) for v in current] == [
        (efin.id, 1, "published"),
        (spt.id, 1, "published"),
        (pkb.id, 1, "draft"),
    ]
    assert [v.id for v in store.list_articles(desk="samsat")] == [pkb.id]
    assert [v.id for v in store.list_articles(category="DJP-SPT")] == [spt.id]
    assert [v.id for v in store.list_articles(desk="djp", category="SAMSAT-PKB")] == []
    assert [(v.id, v.version) for v in store.list_articles(status="draft")] == [
        (efin.id, 2),
        (pkb.id, 1),
    ]
    with pytest.raises(ValueError, match="unknown status 'live'"):
        store.list_articles(status="live")


def test_timestamps_are_timezone_aware_utc(store: KBStore, efin: Article) -> None:
    before = dt.datetime.now(dt.UTC)
    version = store.propose(efin, actor="writer")

    stored = store.get(efin.id)
    assert stored.updated_at.tzinfo == dt.UTC and stored.created_at.tzinfo == dt.UTC
    assert before <= stored.updated_at <= dt.datetime.now(dt.UTC)
    assert stored.updated_at == version.updated_at
