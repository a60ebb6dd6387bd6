"""``suggest.Engine``: load one built index, answer queries with the contract record."""

from __future__ import annotations

import functools
import json
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import faiss
import joblib
import numpy as np
from rapidfuzz import fuzz, process

from indexer.artifacts import (
    MANIFEST,
    QUESTION_TYPES_FILE,
    IndexLocation,
    IndexNotFound,
    read_pointer,
)
from indexer.classify import RequestClassifiers
from indexer.encoders import Encoder, make_encoder
from indexer.text import (
    QUESTION_TYPE_NAMES,
    PreparedQuery,
    TextConfig,
    TextPipeline,
    document_text,
    normalize,
    question_types,
)
from kb.categories import OUT_OF_SCOPE, load_codes
from suggest.flags import Cue, combine, interpretasi_cues, interpretasi_rules, validasi_cues
from suggest.records import CategoryPrediction, CodeScore, Flag, Suggestion, SuggestionResult
from suggest.scoring import (
    FEATURES,
    FusionParams,
    bm25_features,
    calibrate,
    fuse_matrix,
    interpretasi_evidence,
    mix_category,
    novelty,
    question_type_match,
    stacked_probability,
)

MAX_QUERY_CHARS = 1000
# How much "the best article needs the caller's records" adds to the validasi
# model: enough to tip a borderline query, never enough alone (a generic
# "biaya balik nama" question matches such articles too).
ARTICLE_VALIDATION_CUE = 0.25
ARTICLE_WORDS_CACHE = 4096  # articles whose prepared words stay in memory
CANDIDATES_PER_RETRIEVER = 30
CATEGORY_EVIDENCE = 5  # suggestions whose topics inform the category
DENSE_UNITS_FAISS = 256
VALID_DESKS = ("djp", "samsat", "all")


def limit_blas_threads() -> None:
    """One thread per BLAS pool for the whole serving process.

    Per-query matrix work is tiny; idle BLAS threads only spin against the
    encoder's OpenMP threads. Measured on 2 cores over gold queries in one
    run: default pools p50 32 ms / p95 113 ms, BLAS at 1 thread 15 / 20 ms,
    everything (OpenMP too) at 1 thread 23 / 29 ms.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


class QueryError(ValueError):
    """A query that cannot be answered as given (empty, too long)."""


@dataclass(frozen=True)
class RetrievalOptions:
    """Which evidence the ranker uses (ablations switch these off)."""

    dense: bool = True
    bm25: bool = True
    fuzzy: bool = True
    category: bool = True
    qtype: bool = True
    title: bool = True  # needs dense (the query vector)


@dataclass
class Candidates:
    """Per-query evidence for a set of candidate articles."""

    articles: np.ndarray  # article indices
    features: np.ndarray  # (n, len(FEATURES))
    matched_unit: np.ndarray  # best dense unit per candidate, -1 if none
    probs: dict[str, dict[str, float]] = field(default_factory=dict)  # classifier output


class IndexState:
    """Everything loaded from one build folder; immutable once built."""

    def __init__(self, path: Path, *, text_config: TextConfig | None = None) -> None:
        self.path = path
        self.manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        self.kb_version: str = self.manifest["kb_version"]
        cfg = json.loads((path / "config.json").read_text(encoding="utf-8"))
        self.exact_max = int(cfg.get("exact_search_max_vectors", 100_000))
        with open(path / "articles.jsonl", encoding="utf-8") as fh:
            self.articles = [json.loads(line) for line in fh]
        units = json.loads((path / "units.json").read_text(encoding="utf-8"))
        self.unit_article = np.array([u[0] for u in units], dtype=np.int64)
        self.unit_kind = [u[1] for u in units]
        self.unit_text = [u[2] for u in units]
        n_units = len(units)
        if n_units <= self.exact_max:
            self.vectors = np.load(path / "vectors.npy")
            self.faiss_index = None
        else:
            self.vectors = None
            self.faiss_index = faiss.read_index(str(path / "faiss.index"))
            if hasattr(self.faiss_index, "hnsw"):
                self.faiss_index.hnsw.efSearch = int(cfg.get("hnsw_ef_search", 512))
        # Units are written article by article, so each article's units are contiguous.
        self.unit_offsets = np.flatnonzero(np.r_[True, np.diff(self.unit_article) != 0])
        # The title unit of each article (-1 if it has none), for the title feature.
        self.title_unit = np.full(len(self.articles), -1, dtype=np.int64)
        titles = np.flatnonzero(np.array(self.unit_kind) == "title")[::-1]
        self.title_unit[self.unit_article[titles]] = titles  # the first, if several
        self.bm25 = bm25s.BM25.load(str(path / "bm25"))
        self.classifiers: RequestClassifiers = joblib.load(path / "classifiers.joblib")
        vocab = json.loads((path / "vocabulary.json").read_text(encoding="utf-8"))
        stem_map = json.loads((path / "stem_map.json").read_text(encoding="utf-8"))
        self.pipeline = TextPipeline(
            text_config
            or TextConfig(
                **{
                    k: v
                    for k, v in cfg.get("text", {}).items()
                    if k in TextConfig.__dataclass_fields__
                }
            ),
            vocabulary=vocab,
            stem_map=stem_map,
        )
        cal_path = path / "calibration.json"
        cal = json.loads(cal_path.read_text(encoding="utf-8")) if cal_path.exists() else {}
        self.params = FusionParams.from_dict(cal)
        self.desk = np.array([a["desk"] for a in self.articles])
        self.fuzzy_choices = [
            [normalize(t) for t in (a["title"], *a["questions"], *a["keywords"])]
            for a in self.articles
        ]
        self.category_codes = tuple(load_codes().topics)
        self.question_types: np.ndarray = np.load(path / QUESTION_TYPES_FILE)
        # Prepared words of the articles that came first for recent queries,
        # for the interpretasi novelty evidence: prepared on demand (every
        # article of a 50,000-article KB at load would take a minute) and
        # bounded (lru_cache is thread-safe).
        self.article_words = functools.lru_cache(maxsize=ARTICLE_WORDS_CACHE)(
            self._prepare_article_words
        )
        # Warm the lazy parts (Sastrawi dictionary and stemmer) before serving.
        self.pipeline.prepare_query("cara lapor pajak kendaraan")

    @property
    def n_articles(self) -> int:
        return len(self.articles)

    def _prepare_article_words(self, i: int) -> frozenset[str]:
        """The prepared words BM25 indexed for article ``i``."""
        a = self.articles[i]
        text = document_text(a["title"], a["questions"], a["keywords"], a["answer"])
        return frozenset(self.pipeline.prepare_document(text))


class Engine:
    """Answers queries from the index that ``CURRENT`` names.

    ``Engine.load()`` once per process; ``suggest()`` is thread-safe: each call
    reads one immutable :class:`IndexState`, and a reload swaps the reference.

    Example:
        >>> engine = Engine.load()                      # doctest: +SKIP
        >>> engine.suggest("lupa efin gmn").to_dict()   # doctest: +SKIP
    """

    def __init__(
        self,
        root: Path,
        encoder: Encoder,
        state: IndexState,
        *,
        default_desk: str = "all",
        options: RetrievalOptions | None = None,
        text_config: TextConfig | None = None,
    ) -> None:
        limit_blas_threads()  # every engine serves as the product does (see there)
        self.root = root
        self.encoder = encoder
        self._state = state
        self._pointer_stamp = self._stamp()
        self._reload_lock = threading.Lock()
        self.default_desk = default_desk
        self.options = options or RetrievalOptions()
        self._text_config = text_config

    # -- loading -------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        index_root: Path | str | None = None,
        *,
        encoder: Encoder | None = None,
        default_desk: str | None = None,
        options: RetrievalOptions | None = None,
        text_config: TextConfig | None = None,
    ) -> Engine:
        """Load the current index under ``index_root`` (default: settings).

        Raises:
            IndexNotFound: nothing built yet (the message says how to build).
            ValueError: the index was built with another encoder.
        """
        from sigap.settings import get_settings

        settings = get_settings()
        root = Path(index_root) if index_root is not None else settings.index_dir
        loc = read_pointer(root)
        state = IndexState(loc.path, text_config=text_config)
        enc = encoder or make_encoder(settings.encoder)
        built_with = state.manifest["encoder"]["name"]
        if enc.name != built_with:
            raise ValueError(
                f"index {loc.version} was built with encoder {built_with!r} but "
                f"{enc.name!r} is configured; rebuild with 'sigap index build'"
            )
        return cls(
            root,
            enc,
            state,
            default_desk=default_desk or settings.desk,
            options=options,
            text_config=text_config,
        )

    @property
    def kb_version(self) -> str:
        return self._state.kb_version

    @property
    def state(self) -> IndexState:
        return self._state

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.root / "CURRENT")
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def reload_if_changed(self) -> bool:
        """Swap in the build CURRENT names now, if it changed. Returns True on swap."""
        stamp = self._stamp()
        if stamp == self._pointer_stamp:
            return False
        with self._reload_lock:
            if stamp == self._pointer_stamp:
                return False
            try:
                loc: IndexLocation = read_pointer(self.root)
            except IndexNotFound:
                return False  # keep serving what we have
            if loc.version != self._state.kb_version or loc.path != self._state.path:
                self._state = IndexState(loc.path, text_config=self._text_config)
            self._pointer_stamp = stamp
            return True

    # -- querying ------------------------------------------------------------------
    def suggest(self, query: str, *, k: int = 5, desk: str | None = None) -> SuggestionResult:
        """Suggestions, category, jenis and flags for one query.

        Raises:
            QueryError: empty query or longer than ``MAX_QUERY_CHARS``.
            ValueError: unknown desk or k < 1.
        """
        return self.suggest_batch([query], k=k, desk=desk)[0]

    def suggest_batch(
        self, queries: Sequence[str], *, k: int = 5, desk: str | None = None
    ) -> list[SuggestionResult]:
        """The batch form; raises :class:`QueryError` on the first bad query."""
        desk = desk or self.default_desk
        if desk not in VALID_DESKS:
            raise ValueError(f"unknown desk {desk!r}; valid: {', '.join(VALID_DESKS)}")
        if k < 1:
            raise ValueError("k must be at least 1")
        self.reload_if_changed()
        state = self._state
        return [self._one(state, q, k=k, desk=desk) for q in queries]

    def check_query(self, query: str) -> str:
        if not isinstance(query, str) or not query.strip():
            raise QueryError("empty query: type the caller's question")
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(
                f"query has {len(query)} characters; the limit is "
                f"{MAX_QUERY_CHARS}: shorten it to the caller's question"
            )
        return query.strip()

    def _prepare(self, state: IndexState, query: str) -> tuple[str, PreparedQuery]:
        """The checked query and its preparation; refuses one with no words."""
        query = self.check_query(query)
        prep = state.pipeline.prepare_query(query)
        if not prep.tokens:
            raise QueryError("query has no words to search: type the caller's question")
        return query, prep

    def _one(self, state: IndexState, query: str, *, k: int, desk: str) -> SuggestionResult:
        t0 = time.perf_counter()
        query, prep = self._prepare(state, query)
        cands, scores, order = self._rank(state, prep, desk)
        suggestions = tuple(
            self._suggestion(state, cands, int(i), float(scores[i])) for i in order[:k]
        )
        # The category mixes in a fixed top few, so asking for more or fewer
        # suggestions never changes the predicted category.
        top_categories = [
            (state.articles[int(cands.articles[i])]["category"], float(scores[i]))
            for i in order[:CATEGORY_EVIDENCE]
        ]
        interpretasi = self._interpretasi(state, prep, cands, scores, order)
        category, jenis, flags = self._classify(
            state, prep, cands.probs, suggestions, query, top_categories, interpretasi
        )
        latency = (time.perf_counter() - t0) * 1000
        return SuggestionResult(
            query=query,
            suggestions=suggestions,
            category=category,
            jenis=jenis,
            flags=flags,
            kb_version=state.kb_version,
            latency_ms=latency,
            corrections=dict(prep.corrections),
        )

    def _rank(
        self, state: IndexState, prep: PreparedQuery, desk: str
    ) -> tuple[Candidates, np.ndarray, np.ndarray]:
        """Candidates, their calibrated scores, and the order best first."""
        qvec = self.encoder.encode_queries([prep.dense_text])[0]
        cands = self.candidates(state, prep, qvec, desk=desk)
        params = state.params
        if len(cands.articles):
            scores = calibrate(
                fuse_matrix(cands.features, params.weights), params.platt_a, params.platt_b
            )
            order = np.argsort(-scores, kind="stable")
        else:
            scores, order = np.zeros(0), np.zeros(0, dtype=np.int64)
        return cands, scores, order

    def interpretasi_inputs(self, query: str, *, desk: str = "all") -> tuple[float, np.ndarray]:
        """The interpretasi model's probability and the stacker's evidence
        (``scoring.INTERPRETASI_EVIDENCE``) for one query, as ``suggest`` sees
        them; what ``sigap eval calibrate`` fits the stacker on.

        Raises:
            QueryError: an empty, over-long or wordless query.
        """
        if desk not in VALID_DESKS:
            raise ValueError(f"unknown desk {desk!r}; valid: {', '.join(VALID_DESKS)}")
        state = self.state
        _, prep = self._prepare(state, query)
        cands, scores, order = self._rank(state, prep, desk)
        p_int = cands.probs["interpretasi"].get("yes", 0.0)
        cue = bool(interpretasi_cues(prep.dense_text))
        return p_int, self._interpretasi_evidence(state, prep, p_int, cue, cands, scores, order)

    @staticmethod
    def _interpretasi_evidence(
        state: IndexState,
        prep: PreparedQuery,
        p_int: float,
        cue: bool,
        cands: Candidates,
        scores: np.ndarray,
        order: np.ndarray,
    ) -> np.ndarray:
        if len(order):
            top = int(order[0])
            top_score = float(scores[top])
            new = novelty(prep.bm25_tokens, state.article_words(int(cands.articles[top])))
        else:
            top_score, new = 0.0, 1.0
        return interpretasi_evidence(p_int, top_score, new, cue)

    def _interpretasi(
        self,
        state: IndexState,
        prep: PreparedQuery,
        cands: Candidates,
        scores: np.ndarray,
        order: np.ndarray,
    ) -> tuple[float, list[Cue]]:
        """The interpretasi confidence and the cues that fired: the fitted
        stacker when calibration has one (the retrieval evidence is only
        gathered then), else the noisy-or of the model and the first cue;
        raised to the rule's confidence when one of the SOP's never-answer
        rules matches (its reason then comes first)."""
        p_int = cands.probs["interpretasi"].get("yes", 0.0)
        cues = interpretasi_cues(prep.dense_text)
        rules = interpretasi_rules(prep.dense_text)
        stack = state.params.interpretasi_stack
        if not stack:
            conf = combine(p_int, cues[0].strength) if cues else p_int
        else:
            evidence = self._interpretasi_evidence(
                state, prep, p_int, bool(cues), cands, scores, order
            )
            conf = round(stacked_probability(evidence, stack), 6)
        if rules:
            return max(conf, rules[0].strength), rules + cues
        return conf, cues

    def candidates(
        self, state: IndexState, prep: PreparedQuery, qvec: np.ndarray, *, desk: str = "all"
    ) -> Candidates:
        """Evidence features for the union of dense and BM25 top candidates."""
        n = state.n_articles
        probs = state.classifiers.predict(prep.dense_text, qvec)
        allowed = np.ones(n, bool) if desk == "all" else state.desk == desk
        opts = self.options
        dense = np.zeros(n)
        best_unit = np.full(n, -1, dtype=np.int64)
        # every unit's cosine, when the vectors are in memory (the flat index);
        # the dense and title evidence both read it
        unit_scores = state.vectors @ qvec if opts.dense and state.vectors is not None else None
        if opts.dense:
            dense, best_unit = self._dense(state, qvec, unit_scores)
        bm25_raw = np.zeros(n)
        if opts.bm25 and prep.bm25_tokens:
            bm25_raw = np.asarray(state.bm25.get_scores(list(prep.bm25_tokens)), np.float64)
        bm25_raw = np.where(allowed, bm25_raw, 0.0)
        dense_masked = np.where(allowed, dense, -np.inf)
        pool: set[int] = set()
        m = CANDIDATES_PER_RETRIEVER
        if opts.dense:
            top = np.argpartition(-dense_masked, min(m, n - 1))[:m]
            pool.update(int(i) for i in top if np.isfinite(dense_masked[i]))
        if opts.bm25:
            top = np.argpartition(-bm25_raw, min(m, n - 1))[:m]
            pool.update(int(i) for i in top if bm25_raw[i] > 0)
        arts = np.array(sorted(pool), dtype=np.int64)
        rel, ab = bm25_features(bm25_raw, state.params.bm25_saturation)
        feats = np.zeros((len(arts), len(FEATURES)))
        if len(arts):
            feats[:, 0] = dense[arts]
            feats[:, 1] = rel[arts]
            feats[:, 2] = ab[arts]
            if opts.fuzzy:
                q = prep.normalized
                feats[:, 3] = [
                    process.extractOne(q, state.fuzzy_choices[a], scorer=fuzz.token_sort_ratio)[1]
                    / 100.0
                    for a in arts
                ]
            if opts.category:
                cat_p = probs["category"]
                feats[:, 4] = [cat_p.get(state.articles[a]["category"], 0.0) for a in arts]
            if opts.qtype:
                asked = question_types(prep.dense_text)
                feats[:, 5] = question_type_match(
                    np.array([t in asked for t in QUESTION_TYPE_NAMES]),
                    state.question_types[arts],
                )
            if opts.dense and opts.title:
                feats[:, 6] = self._title_similarity(state, qvec, arts, unit_scores)
        return Candidates(arts, feats, best_unit[arts] if len(arts) else best_unit[:0], probs)

    def _dense(
        self, state: IndexState, qvec: np.ndarray, unit_scores: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        n = state.n_articles
        if state.vectors is not None:
            if unit_scores is None:
                unit_scores = state.vectors @ qvec
            art = np.maximum.reduceat(unit_scores, state.unit_offsets)
            # Index of the best unit per article (first one reaching the max).
            hit = unit_scores >= art[state.unit_article] - 1e-7
            first = np.full(n, -1, dtype=np.int64)
            idx = np.flatnonzero(hit)
            first[state.unit_article[idx[::-1]]] = idx[::-1]
            return art.astype(np.float64), first
        sims, ids = state.faiss_index.search(qvec[None, :].astype(np.float32), DENSE_UNITS_FAISS)
        art = np.zeros(n)
        best = np.full(n, -1, dtype=np.int64)
        for s, u in zip(sims[0], ids[0], strict=True):
            if u < 0:
                continue
            a = state.unit_article[u]
            if best[a] < 0:
                art[a], best[a] = s, u
        return art, best

    @staticmethod
    def _title_similarity(
        state: IndexState, qvec: np.ndarray, arts: np.ndarray, unit_scores: np.ndarray | None
    ) -> np.ndarray:
        """Cosine of the query with each candidate's title vector (0 without one).

        Read from the unit scores the dense evidence computed (flat index),
        or from the HNSW index's own stored vectors, so a large index holds
        no second copy of its titles.
        """
        units = state.title_unit[arts]
        has = units >= 0
        out = np.zeros(len(arts))
        if has.any():
            if unit_scores is not None:
                out[has] = unit_scores[units[has]]
            else:
                out[has] = state.faiss_index.reconstruct_batch(units[has]) @ qvec
        return out

    def _suggestion(self, state: IndexState, cands: Candidates, i: int, score: float) -> Suggestion:
        a = state.articles[int(cands.articles[i])]
        unit = int(cands.matched_unit[i])
        matched = state.unit_text[unit] if unit >= 0 else a["title"]
        return Suggestion(
            article_id=a["id"],
            title=a["title"],
            answer=a["answer"],
            category=a["category"],
            score=score,
            legal_basis=tuple(a["legal_basis"]),
            matched=matched,
            requires_validation=bool(a["requires_validation"]),
            escalate_if=a.get("escalate_if"),
        )

    def _classify(
        self,
        state: IndexState,
        prep: PreparedQuery,
        probs: dict[str, dict[str, float]],
        suggestions: Sequence[Suggestion],
        raw: str,
        top_categories: Sequence[tuple[str, float]],
        interpretasi: tuple[float, list[Cue]],
    ) -> tuple[CategoryPrediction, CodeScore, tuple[Flag, ...]]:
        params = state.params
        mixed = mix_category(
            probs["category"],
            top_categories,
            mix=params.category_mix,
            out_of_scope=OUT_OF_SCOPE,
        )
        ranked = list(mixed.items())
        code, conf = ranked[0]
        category = CategoryPrediction(code, conf, tuple(CodeScore(c, p) for c, p in ranked[1:4]))
        jenis_p = probs["jenis"]
        jcode = max(jenis_p, key=jenis_p.get)
        jenis = CodeScore(jcode, jenis_p[jcode])

        flags: list[Flag] = []
        conf_int, cues = interpretasi
        if conf_int >= params.interpretasi_threshold:
            reason = (
                f"pola {cues[0].reason}"
                if cues
                else "mirip contoh permintaan penafsiran aturan atas situasi khusus"
            )
            flags.append(Flag("interpretasi", reason + "; eskalasikan ke team leader", conf_int))

        p_val = probs["validasi"].get("yes", 0.0)
        vcues = validasi_cues(raw, prep.dense_text)
        top = suggestions[0] if suggestions else None
        if top is not None and top.requires_validation and top.score >= params.confident:
            vcues.append(
                Cue(
                    "validasi",
                    f"artikel {top.article_id} memerlukan pengecekan data penelepon",
                    ARTICLE_VALIDATION_CUE,
                )
            )
        strongest = max(vcues, key=lambda c: c.strength) if vcues else None
        conf_val = combine(p_val, strongest.strength) if strongest else p_val
        if conf_val >= params.validasi_threshold:
            reason = (
                strongest.reason
                if strongest
                else "mirip contoh pertanyaan atas data milik penelepon"
            )
            flags.append(Flag("validasi", reason, conf_val))

        top_score = top.score if top is not None else 0.0
        if code == OUT_OF_SCOPE or top_score < params.confident:
            if code == OUT_OF_SCOPE:
                reason = "di luar cakupan layanan (LAINNYA): konsultasikan ke team leader"
            else:
                reason = (
                    f"skor saran teratas {top_score:.2f} di bawah ambang "
                    f"{params.confident:.2f}: konsultasikan ke team leader"
                )
            flags.append(
                Flag(
                    "tidak_ada_di_kb",
                    reason,
                    max(1.0 - top_score, conf if code == OUT_OF_SCOPE else 0.0),
                )
            )
        return category, jenis, tuple(flags)
