"""SIGAP evaluation: gold sets, metrics, the comparison harness, calibration,
scale benchmarks, reports and online metrics.

Entry points::

    from evaluation import load_gold, load_harness, write_report
    queries = load_gold(split="test")
    run = load_harness(articles, examples, work_dir=..., encoder=..., cache_path=...).run(queries)
    write_report(run.to_dict(), None, "evaluation/reports")

Names are imported on first use, so ``sigap`` commands that never evaluate
do not load the engine or matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    # gold set
    "GOLD_FILE": "evaluation.gold",
    "INDEPENDENCE_THRESHOLD": "evaluation.gold",
    "GoldFileMissing": "evaluation.gold",
    "GoldFormatError": "evaluation.gold",
    "GoldProblem": "evaluation.gold",
    "GoldQuery": "evaluation.gold",
    "GoldReport": "evaluation.gold",
    "check_gold": "evaluation.gold",
    "find_overlaps": "evaluation.gold",
    "load_gold": "evaluation.gold",
    "read_gold": "evaluation.gold",
    "reference_texts": "evaluation.gold",
    "select_split": "evaluation.gold",
    "split_of": "evaluation.gold",
    # metrics
    "PRF": "evaluation.metrics",
    "ClassificationMetrics": "evaluation.metrics",
    "ConfusionMatrix": "evaluation.metrics",
    "LatencySummary": "evaluation.metrics",
    "Reliability": "evaluation.metrics",
    "ReliabilityBin": "evaluation.metrics",
    "RetrievalMetrics": "evaluation.metrics",
    "accuracy": "evaluation.metrics",
    "classification_metrics": "evaluation.metrics",
    "confusion_matrix": "evaluation.metrics",
    "expected_calibration_error": "evaluation.metrics",
    "first_relevant_rank": "evaluation.metrics",
    "flag_scores": "evaluation.metrics",
    "hit_at_k": "evaluation.metrics",
    "latency_summary": "evaluation.metrics",
    "macro_f1": "evaluation.metrics",
    "ndcg_at_k": "evaluation.metrics",
    "per_label_scores": "evaluation.metrics",
    "prf": "evaluation.metrics",
    "recall_at_k": "evaluation.metrics",
    "recall_curve": "evaluation.metrics",
    "reciprocal_rank": "evaluation.metrics",
    "reliability": "evaluation.metrics",
    "reliability_table": "evaluation.metrics",
    "retrieval_metrics": "evaluation.metrics",
    # typos and baselines
    "inject_typos": "evaluation.typos",
    "Bm25sRetriever": "evaluation.baselines",
    "Fts5Retriever": "evaluation.baselines",
    "Hit": "evaluation.baselines",
    # harness
    "CONFIGS": "evaluation.harness",
    "ConfigMetrics": "evaluation.harness",
    "EvalRun": "evaluation.harness",
    "Harness": "evaluation.harness",
    "HarnessConfig": "evaluation.harness",
    "QueryOutcome": "evaluation.harness",
    "SharedQueryEncoder": "evaluation.harness",
    "configured_engine": "evaluation.harness",
    "load_eval_engine": "evaluation.harness",
    "load_harness": "evaluation.harness",
    "summarise": "evaluation.harness",
    # calibration
    "CalibrationConfig": "evaluation.calibrate",
    "CalibrationResult": "evaluation.calibrate",
    "calibrate_engine": "evaluation.calibrate",
    "choose_threshold": "evaluation.calibrate",
    "fit_platt": "evaluation.calibrate",
    "search_weights": "evaluation.calibrate",
    "write_calibration": "evaluation.calibrate",
    # benchmarks
    "BenchConfig": "evaluation.bench",
    "SyntheticEncoder": "evaluation.bench",
    "keystroke_prefixes": "evaluation.bench",
    "run_bench": "evaluation.bench",
    "synthetic_vectors": "evaluation.bench",
    "generate_kb": "evaluation.synthetic",
    "synthetic_article": "evaluation.synthetic",
    "synthetic_queries": "evaluation.synthetic",
    "describe_machine": "evaluation.machine",
    # report and online metrics
    "write_report": "evaluation.report",
    "CallRecord": "evaluation.online",
    "OnlineMetrics": "evaluation.online",
    "RankStats": "evaluation.online",
    "Rate": "evaluation.online",
    "acceptance_rate": "evaluation.online",
    "escalation_rate": "evaluation.online",
    "flag_share": "evaluation.online",
    "online_metrics": "evaluation.online",
    "sla_compliance": "evaluation.online",
    "used_rank_stats": "evaluation.online",
}

__all__ = [
    "CONFIGS",
    "GOLD_FILE",
    "INDEPENDENCE_THRESHOLD",
    "PRF",
    "BenchConfig",
    "Bm25sRetriever",
    "CalibrationConfig",
    "CalibrationResult",
    "CallRecord",
    "ClassificationMetrics",
    "ConfigMetrics",
    "ConfusionMatrix",
    "EvalRun",
    "Fts5Retriever",
    "GoldFileMissing",
    "GoldFormatError",
    "GoldProblem",
    "GoldQuery",
    "GoldReport",
    "Harness",
    "HarnessConfig",
    "Hit",
    "LatencySummary",
    "OnlineMetrics",
    "QueryOutcome",
    "RankStats",
    "Rate",
    "Reliability",
    "ReliabilityBin",
    "RetrievalMetrics",
    "SharedQueryEncoder",
    "SyntheticEncoder",
    "acceptance_rate",
    "accuracy",
    "calibrate_engine",
    "check_gold",
    "choose_threshold",
    "classification_metrics",
    "configured_engine",
    "confusion_matrix",
    "describe_machine",
    "escalation_rate",
    "expected_calibration_error",
    "find_overlaps",
    "first_relevant_rank",
    "fit_platt",
    "flag_scores",
    "flag_share",
    "generate_kb",
    "hit_at_k",
    "inject_typos",
    "keystroke_prefixes",
    "latency_summary",
    "load_eval_engine",
    "load_gold",
    "load_harness",
    "macro_f1",
    "ndcg_at_k",
    "online_metrics",
    "per_label_scores",
    "prf",
    "read_gold",
    "recall_at_k",
    "recall_curve",
    "reciprocal_rank",
    "reference_texts",
    "reliability",
    "reliability_table",
    "retrieval_metrics",
    "run_bench",
    "search_weights",
    "select_split",
    "sla_compliance",
    "split_of",
    "summarise",
    "synthetic_article",
    "synthetic_queries",
    "synthetic_vectors",
    "used_rank_stats",
    "write_calibration",
    "write_report",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'evaluation' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from evaluation.baselines import Bm25sRetriever, Fts5Retriever, Hit
    from evaluation.bench import (
        BenchConfig,
        SyntheticEncoder,
        keystroke_prefixes,
        run_bench,
        synthetic_vectors,
    )
    from evaluation.calibrate import (
        CalibrationConfig,
        CalibrationResult,
        calibrate_engine,
        choose_threshold,
        fit_platt,
        search_weights,
        write_calibration,
    )
    from evaluation.gold import (
        GOLD_FILE,
        INDEPENDENCE_THRESHOLD,
        GoldFileMissing,
        GoldFormatError,
        GoldProblem,
        GoldQuery,
        GoldReport,
        check_gold,
        find_overlaps,
        load_gold,
        read_gold,
        reference_texts,
        select_split,
        split_of,
    )
    from evaluation.harness import (
        CONFIGS,
        ConfigMetrics,
        EvalRun,
        Harness,
        HarnessConfig,
        QueryOutcome,
        SharedQueryEncoder,
        configured_engine,
        load_eval_engine,
        load_harness,
        summarise,
    )
    from evaluation.machine import describe_machine
    from evaluation.metrics import (
        PRF,
        ClassificationMetrics,
        ConfusionMatrix,
        LatencySummary,
        Reliability,
        ReliabilityBin,
        RetrievalMetrics,
        accuracy,
        classification_metrics,
        confusion_matrix,
        expected_calibration_error,
        first_relevant_rank,
        flag_scores,
        hit_at_k,
        latency_summary,
        macro_f1,
        ndcg_at_k,
        per_label_scores,
        prf,
        recall_at_k,
        recall_curve,
        reciprocal_rank,
        reliability,
        reliability_table,
        retrieval_metrics,
    )
    from evaluation.online import (
        CallRecord,
        OnlineMetrics,
        RankStats,
        Rate,
        acceptance_rate,
        escalation_rate,
        flag_share,
        online_metrics,
        sla_compliance,
        used_rank_stats,
    )
    from evaluation.report import write_report
    from evaluation.synthetic import generate_kb, synthetic_article, synthetic_queries
    from evaluation.typos import inject_typos
