"""Report pieces on a hand-built results record."""

from __future__ import annotations

import pytest

from evaluation.report import comparison_rows, tag_rows, worst_misses, write_report


def _outcome(qid, ranked, scores, category="DJP-SPT"):
    return {
        "qid": qid,
        "query": qid,
        "ranked": ranked,
        "scores": scores,
        "latency_ms": 1.0,
        "category": category,
        "jenis": "INFORMASI",
        "flags": [],
        "error": None,
    }


@pytest.fixture()
def results():
    gold = [
        {"qid": "q1", "query": "a", "article_ids": ["a"], "category": "DJP-SPT"},
        {"qid": "q2", "query": "b", "article_ids": ["b"], "category": "DJP-SPT"},
        {"qid": "q3", "query": "c", "article_ids": ["c"], "category": "DJP-SPT"},
        {"qid": "q4", "query": "none", "article_ids": [], "category": "LAINNYA"},
        {"qid": "q5", "query": "none2", "article_ids": [], "category": "LAINNYA"},
    ]
    outcomes = [
        _outcome("q1", ["a", "x"], [0.9, 0.1]),  # hit: not a miss
        _outcome("q2", ["x", "b"], [0.6, 0.5]),  # miss, acceptable at rank 2
        _outcome("q3", ["y"], [0.8]),  # miss, acceptable not found
        _outcome("q4", ["z"], [0.7]),  # unanswerable but confident: a miss
        _outcome("q5", ["z"], [0.2]),  # unanswerable, below confident: fine
    ]
    return {"gold": gold, "params": {"confident": 0.5}, "outcomes": {"hybrid": outcomes}}


def test_worst_misses_most_confident_first(results):
    misses = worst_misses(results, "hybrid")
    assert [m["qid"] for m in misses] == ["q3", "q4", "q2"]
    assert [m["acceptable_rank"] for m in misses] == [None, None, 2]
    assert [m["qid"] for m in worst_misses(results, "hybrid", n=1)] == ["q3"]


def test_comparison_rows_format_percentages():
    latency = {"p50": 10.0, "p95": 20.0, "p99": 30.0}
    results = {
        "configs": {
            "fts5": {
                "metrics": {
                    "retrieval": {
                        "hit_at": {"1": 0.5, "3": 0.75, "5": 1.0},
                        "mrr_at_10": 0.625,
                        "ndcg_at_10": 0.7,
                    },
                    "latency": {"p50": 1.0, "p95": 2.0, "p99": 3.0},
                    "category": None,
                    "jenis": None,
                    "reliability": None,
                }
            },
            "hybrid": {
                "metrics": {
                    "retrieval": {
                        "hit_at": {"1": 1.0, "3": 1.0, "5": 1.0},
                        "mrr_at_10": 1.0,
                        "ndcg_at_10": 1.0,
                    },
                    "latency": latency,
                    "category": {"accuracy": 0.9, "macro_f1": 0.8},
                    "jenis": {"accuracy": 0.95},
                    "reliability": {"ece": 0.0512},
                    "reliability_shown": {"ece": 0.02},
                }
            },
        }
    }
    fts5, hybrid = comparison_rows(results)
    assert fts5[:6] == ["`fts5`", "50.0", "75.0", "100.0", "62.5", "70.0"]
    assert fts5[6:11] == ["–", "–", "–", "–", "–"] and fts5[-1] == "0.10×"
    assert hybrid[6:11] == ["90.0", "80.0", "95.0", "0.051", "0.020"] and hybrid[-1] == "1.00×"


def test_report_needs_something(tmp_path):
    with pytest.raises(ValueError, match="nothing to report"):
        write_report(None, None, tmp_path)


def test_tag_rows_slice_by_gold_tag(results):
    tags = {"q1": ["typo"], "q2": ["typo", "batch2"], "q4": ["batch2"]}
    for g in results["gold"]:
        g["tags"] = tags.get(g["qid"], [])
    rows = tag_rows(results, "hybrid")
    # batch2: q2 (acceptable at rank 2, category right) and q4 (unanswerable,
    # category wrong); typo: q1 (hit) and q2; untagged: q3 (not found) and q5.
    assert rows == [
        ["`batch2`", "2", "1", "0.0", "100.0", "50.0"],
        ["`typo`", "2", "2", "50.0", "100.0", "100.0"],
        ["(none)", "2", "1", "0.0", "0.0", "50.0"],
    ]
