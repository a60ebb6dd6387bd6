"""Gold loader and format checks, on fixtures against the tiny KB."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from evaluation.gold import (
    GoldFileMissing,
    GoldFormatError,
    check_gold,
    find_overlaps,
    load_gold,
    parse_line,
    read_gold,
    reference_texts,
    select_split,
    split_of,
)


def test_valid_fixture_loads_in_file_order(gold_tiny_path, tiny_articles, tiny_examples):
    report = check_gold(gold_tiny_path, articles=tiny_articles, examples=tiny_examples)
    assert report.ok, [str(p) for p in report.problems]
    assert [q.qid for q in report.queries] == ["t001", "t002", "t003", "t004", "t005", "t006"]
    t005 = report.queries[4]
    assert not t005.answerable and t005.category == "LAINNYA" and t005.desk == "none"
    assert report.queries[2].tags == ("typo",)
    assert report.queries[5].tags == ("slang",)


def test_split_is_fixed_and_computed_from_the_qid(tiny_gold):
    # Pinned: these come from sha256("sigap-gold-v1:" + qid); a change here
    # silently moves queries between tuning and reporting.
    assert {q.qid: q.split for q in tiny_gold} == {
        "t001": "dev",
        "t002": "test",
        "t003": "test",
        "t004": "dev",
        "t005": "dev",
        "t006": "dev",
    }
    assert [q.qid for q in select_split(tiny_gold, "test")] == ["t002", "t003"]
    assert len(select_split(tiny_gold, "all")) == 6
    with pytest.raises(ValueError, match="unknown split"):
        select_split(tiny_gold, "train")


def test_split_fraction_is_about_thirty_percent_dev():
    splits = Counter(split_of(f"g{i:04d}") for i in range(4000))
    assert 0.27 < splits["dev"] / 4000 < 0.33
    assert split_of("g0001") == split_of("g0001")
    assert split_of("g0001", dev_fraction=0.0) == "test"
    assert split_of("g0001", dev_fraction=1.0) == "dev"


def test_load_gold_selects_a_split(gold_tiny_path, tiny_articles):
    dev = load_gold(gold_tiny_path, split="dev", articles=tiny_articles)
    assert [q.qid for q in dev] == ["t001", "t004", "t005", "t006"]
    with pytest.raises(ValueError, match="unknown split"):
        load_gold(gold_tiny_path, split="validation", articles=tiny_articles)


# (line, field, part of the message) for every expected problem of gold_bad.jsonl.
EXPECTED_ERRORS = [
    (1, "article_ids", "unknown article id 'djp-akun-lupa-efn'; did you mean 'djp-akun-lupa-efin'"),
    (2, "-", "not valid JSON"),
    (3, "jenis", "required field is missing"),
    (4, "flags", "category LAINNYA needs the flag tidak_ada_di_kb"),
    (4, "flags", "no acceptable article: add the flag tidak_ada_di_kb"),
    (5, "category", "unknown code 'DJP-PAJAK'"),
    (6, "qid", "duplicate qid (first at line 1)"),
    (7, "query", "duplicate query (same as b001 at line 1)"),
    (8, "flag", "unknown field (typo?)"),
    (9, "desk", "category SAMSAT-MUTASI belongs to desk 'samsat', not 'djp'"),
    (9, "article_ids", "article samsat-mutasi-keluar belongs to desk 'samsat', the query to 'djp'"),
    (10, "flags", "unknown flag 'cek'"),
    (12, "query", "copies a question variant of djp-akun-lupa-password"),
    (13, "flags", "tidak_ada_di_kb but acceptable articles are listed"),
    (15, "query", "must be a non-empty string"),
    (15, "article_ids", "must be a list of article ids"),
    (15, "jenis", "unknown code 'KELUHAN'"),
]


@pytest.fixture(scope="module")
def bad_report(gold_bad_path, tiny_articles, tiny_examples):
    return check_gold(gold_bad_path, articles=tiny_articles, examples=tiny_examples)


@pytest.mark.parametrize(("line", "field", "message"), EXPECTED_ERRORS)
def test_each_error_names_its_line_and_field(bad_report, line, field, message):
    found = [p for p in bad_report.errors if p.line == line and p.field == field]
    assert any(message in p.message for p in found), [str(p) for p in bad_report.problems]


def test_no_unexpected_errors(bad_report):
    expected = Counter((line, field) for line, field, _ in EXPECTED_ERRORS)
    got = Counter((p.line, p.field) for p in bad_report.errors)
    assert got == expected, [str(p) for p in bad_report.errors]


def test_category_mismatch_with_the_article_is_a_warning(bad_report):
    (warning,) = bad_report.warnings
    assert warning.line == 11 and warning.severity == "warning"
    assert "samsat-pkb-cara-bayar has category SAMSAT-PKB" in warning.message


def test_problem_text_is_readable(bad_report, gold_bad_path):
    first = str(bad_report.errors[0])
    assert first.startswith(f"{gold_bad_path}:1: [b001] article_ids: unknown article id")


def test_load_gold_refuses_a_file_with_errors(gold_bad_path, tiny_articles):
    with pytest.raises(GoldFormatError) as exc:
        load_gold(gold_bad_path, articles=tiny_articles)
    assert "error(s) in the gold set" in str(exc.value)
    assert ":2: [?] -: not valid JSON" in str(exc.value)
    # load_gold does not run the independence check (that is check-gold's job).
    assert all("copies" not in p.message for p in exc.value.problems)


def test_missing_file_says_how_to_fix(tmp_path, tiny_articles):
    with pytest.raises(GoldFileMissing, match="write one JSON object per line"):
        load_gold(tmp_path / "nope.jsonl", articles=tiny_articles)


def test_empty_file_is_an_error(tmp_path, tiny_articles):
    path = tmp_path / "gold.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    report = check_gold(path, articles=tiny_articles, independence_threshold=None)
    assert not report.ok and "holds no queries" in report.errors[0].message


def test_parse_line_round_trips_to_dict():
    record = {
        "qid": "g0001",
        "query": "cara  lapor spt",
        "article_ids": ["x"],
        "category": "DJP-SPT",
        "jenis": "INFORMASI",
        "flags": [],
        "desk": "djp",
    }
    q, problems = parse_line(json.dumps(record), line=3)
    assert problems == []
    assert q.line == 3 and q.query == "cara lapor spt"  # whitespace collapsed
    assert q.to_dict() == {**record, "query": "cara lapor spt", "tags": []}


def test_bad_qid_and_tags():
    base = {
        "qid": "g 1",
        "query": "cara lapor spt",
        "article_ids": ["x"],
        "category": "DJP-SPT",
        "jenis": "INFORMASI",
        "flags": [],
        "desk": "djp",
        "tags": ["Typo!"],
    }
    _, problems = parse_line(json.dumps(base))
    assert {p.field for p in problems} == {"qid", "tags"}
    _, problems = parse_line(json.dumps([1, 2]))
    assert problems[0].message == "each line must be one JSON object"


def test_overlap_uses_normalised_token_sort_similarity(tiny_articles, tiny_examples, tiny_gold):
    refs = reference_texts(tiny_articles, tiny_examples)
    assert ("lupa nomor efin", "a question variant of djp-akun-lupa-efin") in refs
    assert find_overlaps(tiny_gold, refs) == []
    # Reordered words and punctuation do not hide a copy.
    copied = tiny_gold[0].__class__(
        "x1", "EFIN nomor, lupa!", ("djp-akun-lupa-efin",), "DJP-AKUN", "INFORMASI", (), "djp"
    )
    (overlap,) = find_overlaps([copied], refs)
    assert overlap.score == 100.0 and overlap.text == "lupa nomor efin"
    assert "a question variant of djp-akun-lupa-efin" in str(overlap)


def test_read_gold_reports_non_utf8(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_bytes(b'{"qid": "\xff"}\n')
    with pytest.raises(GoldFormatError, match="not UTF-8"):
        read_gold(path)
