"""Exporting the KB store: the JSONL format, and export → import → export is lossless."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.categories import load_codes
from kb.schema import ARTICLE_FIELDS, Article
from kb.store import EXPORT_FIELDS, KBStore


def export_text(store: KBStore) -> str:
    buffer = io.StringIO()
    store.export_jsonl(buffer)
    return buffer.getvalue()


def test_export_writes_published_articles_sorted_with_fields_in_order(
    store: KBStore, articles: list[Article]
) -> None:
    store.import_articles(reversed(articles), actor="alice")
    draft = Article.model_validate({**articles[0].to_record(), "id": "djp-akun-draft-saja"})
    store.propose(draft, actor="bob")

    lines = export_text(store).splitlines()

    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == sorted(a.id for a in articles)
    assert all(tuple(r) == EXPORT_FIELDS for r in records)
    assert {(r["status"], r["version"], r["updated_by"]) for r in records} == {
        ("published", 1, "alice")
    }
    assert all(dt.datetime.fromisoformat(r["updated_at"]).tzinfo == dt.UTC for r in records)


def test_export_is_compact_utf8_json(store: KBStore, records: dict[str, Any]) -> None:
    record = {**records["djp-akun-lupa-efin"], "escalate_if": "Jika ditanya perlakuan “khusus” é"}
    store.import_articles([record], actor="alice")

    (line,) = export_text(store).splitlines()

    assert "“khusus” é" in line
    assert ", " not in line.split('"answer"')[0]
    assert line.startswith('{"id":"djp-akun-lupa-efin","desk":"djp",')


def test_export_of_an_empty_store_is_empty(store: KBStore) -> None:
    assert export_text(store) == ""


def test_export_import_export_through_files_is_byte_identical(
    store_factory: Callable[[], KBStore], articles: list[Article], tmp_path: Path
) -> None:
    first = store_factory()
    first.import_articles(articles, actor="alice")
    first.import_articles(
        [Article.model_validate({**articles[0].to_record(), "region": "Bali"})], actor="bob"
    )
    path = tmp_path / "kb.jsonl"
    path.write_text(export_text(first), encoding="utf-8")

    second = store_factory()
    second.import_path(path, actor="carol")

    assert export_text(second) == path.read_text(encoding="utf-8")
    assert second.kb_version() == first.kb_version()
    assert second.get(articles[0].id).version == 2


# -- property: export → import into a fresh store → export is byte-identical --

# Words of any script (no whitespace, control or surrogate characters), joined
# by messy whitespace that the article schema tidies.
_WORD = st.text(st.characters(blacklist_categories=("Z", "Cc", "Cs")), min_size=1, max_size=10)
_SEP = st.sampled_from([" ", "  ", " \t", "\u00a0", "\u3000"])
_TZ = st.sampled_from(
    [dt.UTC, dt.timezone(dt.timedelta(hours=7)), dt.timezone(-dt.timedelta(hours=3.5))]
)


@st.composite
def _phrase(draw: st.DrawFn, max_words: int = 6) -> str:
    words = draw(st.lists(_WORD, min_size=1, max_size=max_words))
    return "".join(w + draw(_SEP) for w in words[:-1]) + words[-1]


def _question(tag: int, filler: str) -> str:
    # A distinct 16-character token per question keeps hypothesis from making
    # near-duplicate questions, which the import would rightly refuse.
    token = hashlib.sha256(str(tag).encode()).hexdigest()[:16]
    return f"{token} {filler}"


@st.composite
def article_records(draw: st.DrawFn, n: int) -> dict[str, Any]:
    codes = load_codes()
    category = draw(st.sampled_from(codes.kb_topics))
    slug = draw(st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,8}){0,2}", fullmatch=True))
    fillers = draw(st.lists(_phrase(max_words=2), min_size=4, max_size=6))
    steps = draw(st.lists(_phrase(), min_size=1, max_size=4))
    moment = draw(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1), timezones=_TZ))
    return {
        "id": f"a{n}-{slug}",
        "desk": codes.topic_desk[category],
        "category": category,
        "title": "Apa " + draw(_phrase()),
        "questions": [_question(n * 10 + i, f) for i, f in enumerate(fillers)],
        "answer": "Bapak/Ibu dapat melakukan:\n" + "\n".join(steps),
        "legal_basis": draw(st.lists(_phrase(), max_size=3)),
        "requires_validation": draw(st.booleans()),
        "escalate_if": draw(st.none() | st.just("") | _phrase()),
        "keywords": draw(st.lists(_phrase(max_words=2), max_size=3)),
        "region": draw(st.none() | _phrase(max_words=3)),
        "verified_on": draw(st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1))).isoformat(),
        "version": draw(st.integers(1, 10_000)),
        "updated_by": draw(_phrase(max_words=2)),
        "updated_at": moment.isoformat(),
    }


@st.composite
def kb_exports(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 4))
    return [draw(article_records(n)) for n in range(count)]


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(records=kb_exports())
def test_export_import_export_is_byte_identical(
    store_factory: Callable[[], KBStore], tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    first = store_factory()
    first.import_articles(records, actor="hypothesis")
    exported = export_text(first)
    path = tmp_path / f"{first.kb_version()}.jsonl"
    path.write_text(exported, encoding="utf-8")

    second = store_factory()
    second.import_path(path, actor="roundtrip")

    assert export_text(second) == exported
    by_id = {r["id"]: r for r in map(json.loads, exported.splitlines())}
    for record in records:
        stored = by_id[record["id"]]
        content = {k: v for k, v in record.items() if k in ARTICLE_FIELDS}
        assert Article.model_validate(content).to_record().items() <= stored.items()
        assert (stored["version"], stored["updated_by"]) == (
            record["version"],
            record["updated_by"],
        )
        assert dt.datetime.fromisoformat(stored["updated_at"]) == dt.datetime.fromisoformat(
            record["updated_at"]
        )
