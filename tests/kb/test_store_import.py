"""Importing into the KB store: idempotent, versioned, all-or-nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from kb.schema import STATUSES, Article
from kb.store import ImportFailed, KBStore


def snapshot(store: KBStore) -> tuple[Any, ...]:
    """Everything the store holds that a reader can see."""
    versions = [v.to_record() for s in STATUSES for v in store.list_articles(status=s)]
    return (versions, store.audit_log(), store.kb_version())


def edited(article: Article, **changes: Any) -> Article:
    return Article.model_validate({**article.to_record(), **changes})


def test_import_creates_published_version_one(store: KBStore, articles: list[Article]) -> None:
    result = store.import_articles(articles, actor="alice")

    assert sorted(result.created) == sorted(a.id for a in articles)
    assert result.new_versions == result.unchanged == ()
    published = store.list_articles(status="published")
    assert [(v.id, v.version, v.updated_by) for v in published] == [
        (a.id, 1, "alice") for a in sorted(articles, key=lambda a: a.id)
    ]
    assert store.published_articles() == sorted(articles, key=lambda a: a.id)


def test_importing_the_same_articles_twice_changes_nothing(
    store: KBStore, articles: list[Article]
) -> None:
    store.import_articles(articles, actor="alice")
    before = snapshot(store)

    result = store.import_articles(articles, actor="bob")

    assert result.created == result.new_versions == ()
    assert sorted(result.unchanged) == sorted(a.id for a in articles)
    assert not result.changed
    assert snapshot(store) == before


def test_changed_article_becomes_a_new_version(store: KBStore, articles: list[Article]) -> None:
    store.import_articles(articles, actor="alice")
    first = articles[0]
    changed = edited(first, answer=first.answer + " Layanan tersedia 24 jam.")

    result = store.import_articles([changed, *articles[1:]], actor="bob")

    assert result.new_versions == (first.id,)
    assert sorted(result.unchanged) == sorted(a.id for a in articles[1:])
    history = store.history(first.id)
    assert [(v.version, v.status) for v in history] == [(1, "retired"), (2, "published")]
    assert history[0].article == first and history[1].article == changed
    assert history[1].updated_by == "bob"
    assert store.get(first.id).article == changed


def test_reimporting_older_content_does_not_revert_the_store(
    store: KBStore, articles: list[Article]
) -> None:
    first = articles[0]
    store.import_articles([first], actor="alice")
    store.import_articles([edited(first, title="Apa yang dilakukan jika lupa EFIN?")], actor="bob")
    before = snapshot(store)

    result = store.import_articles([first], actor="carol")

    assert result.unchanged == (first.id,)
    assert snapshot(store) == before


def test_import_without_publish_makes_drafts(store: KBStore, articles: list[Article]) -> None:
    empty = store.kb_version()
    store.import_articles(articles, actor="alice", publish=False)

    assert store.list_articles(status="published") == []
    assert len(store.list_articles(status="draft")) == len(articles)
    assert store.kb_version() == empty


def test_import_writes_one_audit_entry_per_written_version(
    store: KBStore, articles: list[Article]
) -> None:
    store.import_articles(articles, actor="alice", source="kb/data")
    store.import_articles([edited(articles[0], keywords=["efin"])], actor="bob")

    entries = store.audit_log(action="import")
    assert [(e.actor, e.entity, e.entity_id) for e in entries] == [
        *(("alice", "kb_article", a.id) for a in articles),
        ("bob", "kb_article", articles[0].id),
    ]
    assert entries[0].details == {"version": 1, "status": "published", "source": "kb/data"}
    assert entries[-1].details == {"version": 2, "status": "published", "retired_version": 1}
    assert all(e.at.tzinfo == dt.UTC for e in entries)


def test_a_bad_article_among_good_ones_leaves_the_store_unchanged(
    store: KBStore, articles: list[Article], records: dict[str, dict[str, Any]]
) -> None:
    store.import_articles(articles[:2], actor="alice")
    before = snapshot(store)
    bad = {**records["samsat-pkb-denda"], "category": "DJP-NOPE"}
    changed = edited(articles[0], answer=articles[0].answer + " Terima kasih.")

    with pytest.raises(ImportFailed) as failed:
        store.import_articles([changed, articles[1], bad], actor="bob")

    assert [(p.article_id, p.field, p.line) for p in failed.value.problems] == [
        ("samsat-pkb-denda", "category", 3)
    ]
    assert "unknown category 'DJP-NOPE'" in failed.value.problems[0].message
    assert snapshot(store) == before


def test_every_problem_is_reported_at_once(store: KBStore, records: dict[str, Any]) -> None:
    efin, spt, pkb = records.values()
    bad_records = [
        {**efin, "status": "live", "version": 0},
        {**spt, "updated_at": "2025-06-01T10:00:00"},
        pkb,
        {**pkb},
    ]

    with pytest.raises(ImportFailed) as failed:
        store.import_articles(bad_records, actor="bob")

    found = {(p.line, p.field) for p in failed.value.problems}
    assert found == {(1, "status"), (1, "version"), (2, "updated_at"), (4, "id")}
    assert snapshot(store) == ([], [], store.kb_version())


def test_conflicting_version_refuses_the_whole_import(
    store: KBStore, records: dict[str, Any], articles: list[Article]
) -> None:
    store.import_articles([articles[0]], actor="alice")
    before = snapshot(store)
    clash = {**records["djp-akun-lupa-efin"], "title": "Judul lain untuk versi satu", "version": 1}

    with pytest.raises(ImportFailed) as failed:
        store.import_articles([articles[1], clash], actor="bob")

    (problem,) = failed.value.problems
    assert problem.field == "version" and "different content" in problem.message
    assert snapshot(store) == before


def test_an_error_while_writing_rolls_everything_back(
    store: KBStore, articles: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    store.import_articles(articles[:1], actor="alice")
    before = snapshot(store)
    write = KBStore._write_imported
    calls = []

    def fail_on_second(self: KBStore, *args: Any, **kwargs: Any) -> None:
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        write(self, *args, **kwargs)

    monkeypatch.setattr(KBStore, "_write_imported", fail_on_second)
    changed = edited(articles[0], keywords=["efin", "lupa"])
    with pytest.raises(RuntimeError, match="disk full"):
        store.import_articles([changed, *articles[1:]], actor="bob")

    assert len(calls) == 2
    assert snapshot(store) == before


def test_records_keep_their_store_fields(store: KBStore, records: dict[str, Any]) -> None:
    record = {
        **records["samsat-pkb-denda"],
        "status": "published",
        "version": 7,
        "updated_by": "editor@samsat",
        "updated_at": "2025-06-02T08:30:00.250000+07:00",
    }

    store.import_articles([record], actor="importer")

    version = store.get("samsat-pkb-denda")
    assert (version.version, version.status, version.updated_by) == (
        7,
        "published",
        "editor@samsat",
    )
    assert version.updated_at == dt.datetime(2025, 6, 2, 1, 30, 0, 250000, tzinfo=dt.UTC)
    assert store.audit_log()[0].actor == "importer"


def test_an_older_record_version_is_refused(store: KBStore, records: dict[str, Any]) -> None:
    pkb = records["samsat-pkb-denda"]
    store.import_articles([{**pkb, "version": 3}], actor="alice")

    with pytest.raises(ImportFailed, match="older than the store's latest version 3"):
        store.import_articles(
            [{**pkb, "answer": pkb["answer"] + " Baru.", "version": 2}], actor="b"
        )


def test_import_path_validates_a_yaml_folder(
    store: KBStore, records: dict[str, Any], tmp_path, yaml_writer
) -> None:
    efin, spt, pkb = records.values()
    yaml_writer(tmp_path / "kb" / "djp.yaml", [efin, spt])
    yaml_writer(tmp_path / "kb" / "samsat.yaml", [pkb])

    result = store.import_path(tmp_path / "kb", actor="alice")

    assert sorted(result.created) == sorted(records)
    assert store.audit_log()[0].details["source"] == str(tmp_path / "kb")


def test_import_path_refuses_invalid_yaml_with_every_problem(
    store: KBStore, records: dict[str, Any], tmp_path, yaml_writer
) -> None:
    efin, spt, pkb = records.values()
    del spt["answer"]
    pkb["questions"] = pkb["questions"][:2]
    yaml_writer(tmp_path / "kb.yaml", [efin, spt, pkb])

    with pytest.raises(ImportFailed) as failed:
        store.import_path(tmp_path / "kb.yaml", actor="alice")

    assert {(p.article_id, p.field) for p in failed.value.problems} == {
        ("djp-spt-batas-waktu", "answer"),
        ("samsat-pkb-denda", "questions"),
    }
    assert store.list_articles() == []


def test_import_path_returns_warnings(
    store: KBStore, records: dict[str, Any], tmp_path, yaml_writer
) -> None:
    efin = records["djp-akun-lupa-efin"]
    efin["answer"] = " ".join(["kata"] * 200)
    result = store.import_path(yaml_writer(tmp_path / "kb.yaml", [efin]), actor="alice")

    assert result.created == (efin["id"],)
    assert [(w.field, w.severity) for w in result.warnings] == [("answer", "warning")]


def test_import_path_reports_malformed_jsonl_lines(
    store: KBStore, records: dict[str, Any], tmp_path
) -> None:
    efin, spt, _ = records.values()
    path = tmp_path / "kb.jsonl"
    lines = [json.dumps(efin), "{not json", json.dumps(spt), "", json.dumps({**spt, "x": 1})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(ImportFailed) as failed:
        store.import_path(path, actor="alice")

    assert [(p.line, p.field) for p in failed.value.problems] == [(2, "-"), (5, "id")]
    assert "malformed JSON" in failed.value.problems[0].message
    assert store.list_articles() == []


def test_import_path_checks_near_duplicate_questions_in_jsonl(
    store: KBStore, records: dict[str, Any], tmp_path
) -> None:
    efin, spt, _ = records.values()
    spt["questions"][0] = efin["questions"][0] + "?"
    path = tmp_path / "kb.jsonl"
    path.write_text(f"{json.dumps(efin)}\n{json.dumps(spt)}\n", encoding="utf-8")

    with pytest.raises(ImportFailed, match="near-duplicate question"):
        store.import_path(path, actor="alice")


def test_import_path_of_a_missing_file_is_a_problem(store: KBStore, tmp_path) -> None:
    with pytest.raises(ImportFailed, match="cannot read file"):
        store.import_path(tmp_path / "missing.jsonl", actor="alice")
    with pytest.raises(ImportFailed, match="no such file or folder"):
        store.import_path(tmp_path / "missing", actor="alice")
