"""Build every artifact of one published KB version.

Per article: one vector per title, per question variant and per answer
passage; one BM25 document; the vocabulary and stem map; the request
classifiers; a manifest. See :mod:`indexer.artifacts` for the atomic publish.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import faiss
import joblib
import numpy as np

from indexer.artifacts import (
    FORMAT_VERSION,
    MANIFEST,
    QUESTION_TYPES_FILE,
    IndexLocation,
    commit_build,
    read_pointer,
    staging_dir,
    write_json,
)
from indexer.classify import (
    ClassifierConfig,
    Featurizer,
    OutOfFold,
    PrototypeMargin,
    RequestClassifiers,
    aligned_start,
    fit_model,
    out_of_fold_yes,
)
from indexer.encoders import EmbeddingCache, Encoder
from indexer.text import TextConfig, TextPipeline, build_vocabulary, document_text
from kb.schema import Article
from kb.training import TrainingExample

# Bump whenever train_classifiers changes what it learns from or how: the
# classifier cache is keyed by inputs, and code changes must not hit it.
CLASSIFIER_RECIPE = 5
UNIT_KINDS = ("title", "question", "passage")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class BuildConfig:
    """How an index is built. Saved as ``config.json`` beside every index."""

    # 20: the embedded first passage is then the answer's first sentence for
    # 78% of the shipped articles (median 14 words), and its tokens fall from
    # 19.8k to 10.3k of the build's 92k (the full build is about 10% faster
    # with an empty cache). Measured on the gold set in one run: 40, 30, 25 and
    # 20 words give the same dev and test hit@1, hit@3 and MRR@10 to three
    # decimals, because the question variants carry the dense evidence. (60 -> 40
    # had halved the passages' embedding time, 23.8 -> 11.7 s, the same way.)
    max_passage_words: int = field(default=20, metadata={"help": "answer chunk size in words"})
    # Measured on the gold set (dev 152 and test 335 answerable queries, one
    # run): embedding every passage, only the first, or none gives the same
    # hit@1 and hit@3 to 0.3 points, because the question variants carry the
    # dense evidence; passages were 53% of the embedded tokens. The first
    # passage (the direct answer, per kb-article.md) stays, so a match on the
    # answer's wording can still be shown; BM25 always indexes the whole answer.
    passages_per_article: int = field(
        default=1, metadata={"help": "answer passages embedded per article (0: all)"}
    )
    use_question_vectors: bool = field(default=True, metadata={"help": "embed question variants"})
    exact_search_max_vectors: int = field(
        default=100_000,
        metadata={"help": "flat inner-product index up to this many vectors, HNSW above"},
    )
    hnsw_m: int = field(default=32, metadata={"help": "HNSW graph degree"})
    hnsw_ef_construction: int = field(default=80, metadata={"help": "HNSW build beam"})
    hnsw_ef_search: int = field(default=512, metadata={"help": "HNSW query beam"})
    bm25_k1: float = field(default=1.2, metadata={"help": "BM25 term saturation"})
    bm25_b: float = field(default=0.75, metadata={"help": "BM25 length normalisation"})
    text: TextConfig = field(default_factory=TextConfig)
    classifier: ClassifierConfig = field(default_factory=ClassifierConfig)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Unit:
    """One embedded piece of an article."""

    article: int
    kind: str
    text: str


@dataclass(frozen=True)
class BuildResult:
    """Where the build went and what it cost."""

    location: IndexLocation
    manifest: dict


def split_passages(answer: str, max_words: int) -> list[str]:
    """Answer chunks of at most ``max_words`` words, cut at sentence or line ends."""
    pieces = [p.strip() for p in _SENTENCE_END.split(answer) if p.strip()]
    chunks: list[str] = []
    current: list[str] = []
    for piece in pieces:
        words = piece.split()
        if current and len(current) + len(words) > max_words:
            chunks.append(" ".join(current))
            current = []
        current.extend(words)
        while len(current) > max_words:
            chunks.append(" ".join(current[:max_words]))
            current = current[max_words:]
    if current:
        chunks.append(" ".join(current))
    return chunks


def article_units(articles: Sequence[Article], config: BuildConfig) -> list[Unit]:
    units: list[Unit] = []
    for i, art in enumerate(articles):
        units.append(Unit(i, "title", art.title))
        if config.use_question_vectors:
            units.extend(Unit(i, "question", q) for q in art.questions)
        passages = split_passages(art.answer, config.max_passage_words)
        if config.passages_per_article > 0:
            passages = passages[: config.passages_per_article]
        units.extend(Unit(i, "passage", p) for p in passages)
    return units


def article_question_types(articles: Sequence[Article], pipe: TextPipeline) -> np.ndarray:
    """(n_articles, n_types) float32: what each article's title and questions ask."""
    return np.vstack([pipe.question_type_profile((a.title, *a.questions)) for a in articles])


def bm25_document(article: Article) -> str:
    return document_text(article.title, article.questions, article.keywords, article.answer)


def embed_units(units: Sequence[Unit], pipe: TextPipeline, cache: EmbeddingCache) -> np.ndarray:
    """Titles and questions are embedded as queries (symmetric with what agents
    type, as e5 recommends); answer passages as passages."""
    texts = [" ".join(pipe.words(u.text)) for u in units]
    vectors = np.zeros((len(units), cache.encoder.dim), dtype=np.float32)
    for kind, is_query in (("query", True), ("passage", False)):
        idx = [i for i, u in enumerate(units) if (u.kind != "passage") == is_query]
        if idx:
            vectors[idx] = cache.encode([texts[i] for i in idx], kind=kind)
    return vectors


def make_faiss_index(vectors: np.ndarray, config: BuildConfig) -> faiss.Index:
    """Exact inner product while a flat scan is cheap, HNSW beyond.

    Rule: a flat scan costs n x d multiply-adds per query (100k x 384 is about
    40M, roughly 10-15 ms on 2 cores), which would double the query budget;
    HNSW answers in about a millisecond at recall > 0.98 (measured by
    ``sigap eval bench``), so it pays from there.
    """
    n, dim = vectors.shape
    if n <= config.exact_search_max_vectors:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = config.hnsw_ef_construction
        index.hnsw.efSearch = config.hnsw_ef_search
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def train_classifiers(
    articles: Sequence[Article],
    units: Sequence[Unit],
    unit_vectors: np.ndarray,
    examples: Sequence[TrainingExample],
    example_vectors: np.ndarray,
    pipe: TextPipeline,
    config: ClassifierConfig,
    *,
    previous: RequestClassifiers | None = None,
) -> RequestClassifiers:
    """Category learns from article titles/questions and examples; jenis from
    the hand-written examples; the two flags from both (article questions count
    as normative requests that need no records).

    ``previous`` (the serving index's classifiers) warm-starts each model
    (:func:`indexer.classify.aligned_start`): the same optimum, to the
    solver's tolerance, in fewer steps when an edit changed a few rows."""
    art_idx = [i for i, u in enumerate(units) if u.kind in ("title", "question")]
    art_texts = [" ".join(pipe.words(units[i].text)) for i in art_idx]
    ex_texts = [" ".join(pipe.words(e.text)) for e in examples]
    texts = art_texts + ex_texts
    featurizer = Featurizer(config)
    x_all = featurizer.fit_transform(texts, np.vstack([unit_vectors[art_idx], example_vectors]))
    x_ex = x_all[len(art_texts) :]
    cat_labels = [articles[units[i].article].category for i in art_idx]
    cat_labels += [e.category for e in examples]
    labels = {
        "category": (x_all, cat_labels),
        "jenis": (x_ex, [e.jenis for e in examples]),
    }
    is_int = np.array(["interpretasi" in e.flags for e in examples], dtype=bool)
    labels["interpretasi"] = (
        x_all,
        ["no"] * len(art_texts) + ["yes" if y else "no" for y in is_int],
    )
    # Questions of articles that need the caller's records ("status npwp saya")
    # are not evidence either way for validasi: leave them out rather than
    # teach the model that they need no check.
    keep = [i for i, u in enumerate(art_idx) if not articles[units[u].article].requires_validation]
    rows = keep + list(range(len(art_texts), len(texts)))
    labels["validasi"] = (
        x_all[rows],
        ["no"] * len(keep) + ["yes" if "validasi" in e.flags else "no" for e in examples],
    )
    vocabulary = featurizer.vectorizer.vocabulary_
    old_vocabulary = previous.featurizer.vectorizer.vocabulary_ if previous is not None else {}
    models = {
        name: fit_model(
            x,
            y,
            config,
            init=aligned_start(
                previous.models.get(name) if previous is not None else None,
                old_vocabulary,
                vocabulary,
                x_all.dense.shape[1],
                y,
            ),
        )
        for name, (x, y) in labels.items()
    }
    counts = {name: _count(y) for name, (_, y) in labels.items()}
    # interpretasi neighbours: the written requests against the normative
    # examples and the KB's own titles and questions
    margins = {
        "interpretasi": PrototypeMargin.fit(
            example_vectors[is_int],
            np.vstack([example_vectors[~is_int], unit_vectors[art_idx]]),
            k=config.knn_k,
            weight=config.knn_weight,
            max_negatives=config.knn_max_negatives,
        )
    }
    # Out-of-fold interpretasi probabilities, for calibration's stacker, when
    # the config asks (the evaluation index does). A training set too small to
    # split (a fold without three flagged examples) builds without them;
    # calibration then keeps the noisy-or and says so.
    all_vectors = np.vstack([unit_vectors[art_idx], example_vectors]).astype(np.float32)
    try:
        if not config.oof_folds:
            raise ValueError("out-of-fold probabilities not asked for")
        oof = out_of_fold_yes(
            x_all,
            np.r_[np.zeros(len(art_texts), bool), is_int],
            all_vectors,
            fixed=len(art_texts),
            config=config,
        )
    except ValueError:
        out_of_fold = {}
    else:
        out_of_fold = {"interpretasi": OutOfFold(tuple(e.text for e in examples), is_int, oof)}
    return RequestClassifiers(
        featurizer=featurizer,
        models=models,
        training_counts=counts,
        margins=margins,
        out_of_fold=out_of_fold,
    )


def classifier_inputs_key(
    articles: Sequence[Article],
    examples: Sequence[TrainingExample],
    example_vectors: np.ndarray,
    unit_vectors: np.ndarray,
    units: Sequence[Unit],
    config: BuildConfig,
) -> str:
    """Content hash of everything the classifiers learn from.

    Editing an answer leaves it unchanged, so the classifiers are reused and
    the rebuild costs only the re-embedding of that answer.
    """
    h = hashlib.sha256(f"recipe-{CLASSIFIER_RECIPE}".encode())
    h.update(
        json.dumps(
            [dataclasses.asdict(config.classifier), dataclasses.asdict(config.text)], sort_keys=True
        ).encode()
    )
    idx = [i for i, u in enumerate(units) if u.kind in ("title", "question")]
    for i in idx:
        h.update(f"{units[i].text}\x1f{articles[units[i].article].category}\x1e".encode())
    h.update(np.ascontiguousarray(unit_vectors[idx]).tobytes())
    for e in examples:
        h.update(f"{e.text}\x1f{e.category}\x1f{e.jenis}\x1f{','.join(e.flags)}\x1e".encode())
    h.update(np.ascontiguousarray(example_vectors).tobytes())
    return h.hexdigest()[:24]


def serving_classifiers(index_root: Path | str) -> RequestClassifiers | None:
    """The classifiers of the index now serving under ``index_root``, for a
    warm start; None when there is none or it cannot be read (a warm start
    only saves time, so any problem means training from zero)."""
    try:
        loc = read_pointer(index_root)
        previous = joblib.load(loc.path / "classifiers.joblib")
    except Exception:  # missing, partial or written by older code: start cold
        return None
    return previous if isinstance(previous, RequestClassifiers) else None


def _atomic_dump(obj: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    joblib.dump(obj, tmp)
    os.replace(tmp, path)


def _count(labels: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for label in labels:
        out[label] = out.get(label, 0) + 1
    return dict(sorted(out.items()))


def article_display_record(article: Article) -> dict:
    return {
        "id": article.id,
        "desk": article.desk,
        "category": article.category,
        "title": article.title,
        "questions": list(article.questions),
        "answer": article.answer,
        "legal_basis": list(article.legal_basis),
        "requires_validation": article.requires_validation,
        "escalate_if": article.escalate_if,
        "keywords": list(article.keywords),
    }


def build_index(
    articles: Sequence[Article],
    *,
    kb_version: str,
    index_root: Path | str,
    encoder: Encoder,
    cache_path: Path | str,
    examples: Sequence[TrainingExample],
    config: BuildConfig | None = None,
    calibration: dict | None = None,
    warm_start: bool = False,
) -> BuildResult:
    """Build and atomically publish the index of one KB version.

    Args:
        articles: the published articles of that version.
        kb_version: the store's identifier of what is published.
        index_root: folder holding builds and the CURRENT pointer.
        encoder: the sentence encoder (its name goes in the manifest).
        cache_path: the embedding cache file.
        examples: classifier training examples.
        config: build options; defaults if omitted.
        calibration: fusion and calibration parameters to serve with.
        warm_start: when the classifiers must be retrained, start each model
            from the serving index's (a publish after a question edit then
            waits about 1 s less). The optimum is the same to the solver's
            tolerance, not bit for bit, so builds that calibration and
            evaluation compare (the evaluation index) leave it off.

    Raises:
        ValueError: no articles, or duplicate article ids.
    """
    config = config or BuildConfig()
    if not articles:
        raise ValueError("no published articles to index: run 'sigap kb import' first")
    ids = [a.id for a in articles]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate article ids in the build input")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    articles = sorted(articles, key=lambda a: a.id)
    pipe = TextPipeline(config.text)

    t = time.perf_counter()
    units = article_units(articles, config)
    cache = EmbeddingCache(cache_path, encoder)
    try:
        vectors = embed_units(units, pipe, cache)
        example_vectors = cache.encode(
            [" ".join(pipe.words(e.text)) for e in examples], kind="query"
        )
        cache_stats = {"hits": cache.hits, "misses": cache.misses}
    finally:
        cache.close()
    timings["embed_s"] = time.perf_counter() - t

    t = time.perf_counter()
    faiss_index = make_faiss_index(vectors, config)
    timings["faiss_s"] = time.perf_counter() - t

    t = time.perf_counter()
    docs = [bm25_document(a) for a in articles]
    doc_tokens = [pipe.prepare_document(d) for d in docs]
    bm25 = bm25s.BM25(k1=config.bm25_k1, b=config.bm25_b)
    bm25.index(doc_tokens, show_progress=False)
    vocabulary = build_vocabulary(docs, pipe)
    timings["bm25_s"] = time.perf_counter() - t

    t = time.perf_counter()
    clf_key = classifier_inputs_key(articles, examples, example_vectors, vectors, units, config)
    clf_cache = Path(cache_path).parent / f"classifiers-{clf_key}.joblib"
    warm_started = False
    if clf_cache.is_file():
        classifiers = joblib.load(clf_cache)
        classifier_cache_hit = True
    else:
        previous = serving_classifiers(index_root) if warm_start else None
        warm_started = previous is not None
        classifiers = train_classifiers(
            articles,
            units,
            vectors,
            examples,
            example_vectors,
            pipe,
            config.classifier,
            previous=previous,
        )
        _atomic_dump(classifiers, clf_cache)
        classifier_cache_hit = False
    timings["classifiers_s"] = time.perf_counter() - t

    t = time.perf_counter()
    staging = staging_dir(index_root, kb_version)
    np.save(staging / "vectors.npy", vectors)
    np.save(staging / QUESTION_TYPES_FILE, article_question_types(articles, pipe))
    faiss.write_index(faiss_index, str(staging / "faiss.index"))
    bm25.save(str(staging / "bm25"))
    joblib.dump(classifiers, staging / "classifiers.joblib")
    with open(staging / "articles.jsonl", "w", encoding="utf-8") as fh:
        for art in articles:
            fh.write(json.dumps(article_display_record(art), ensure_ascii=False) + "\n")
    write_json(staging / "units.json", [[u.article, u.kind, u.text] for u in units])
    write_json(staging / "vocabulary.json", vocabulary)
    write_json(staging / "stem_map.json", pipe.stem_map)
    write_json(staging / "config.json", config.to_dict())
    write_json(staging / "calibration.json", calibration or {})
    timings["write_s"] = time.perf_counter() - t
    timings["total_s"] = time.perf_counter() - t0
    manifest = {
        "format_version": FORMAT_VERSION,
        "kb_version": kb_version,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "encoder": {"name": encoder.name, "dim": encoder.dim},
        "faiss": type(faiss_index).__name__,
        "counts": {
            "articles": len(articles),
            "vectors": int(vectors.shape[0]),
            "by_kind": _count([u.kind for u in units]),
            "by_category": _count([a.category for a in articles]),
            "vocabulary": len(vocabulary),
            "training_examples": len(examples),
            "classifier_training": classifiers.training_counts,
        },
        "embedding_cache": cache_stats,
        "classifier_cache_hit": classifier_cache_hit,
        "classifier_warm_start": warm_started,
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }
    write_json(staging / MANIFEST, manifest)
    location = commit_build(staging, index_root, kb_version)
    return BuildResult(location=location, manifest=manifest)
