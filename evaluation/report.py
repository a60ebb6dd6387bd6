"""``sigap eval report``: Markdown and PNG plots from the harness and bench JSON.

Works from the saved results only, so a report can be regenerated (or
restyled) without re-running anything. Plots are drawn on
:class:`matplotlib.figure.Figure` objects directly: no pyplot, no global
backend switch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from evaluation.metrics import accuracy, retrieval_metrics

REPORT_FILE = "report.md"
ENGINE_ORDER = ("hybrid", "dense", "no_typo", "no_abbrev", "no_qvec")


# -- small formatting helpers ----------------------------------------------------------
def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def _ms(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return out


def _main_config(results: dict) -> str:
    for name in ENGINE_ORDER:
        if name in results["configs"]:
            return name
    return next(iter(results["configs"]))


def _save(fig: Figure, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path.name


# -- tables --------------------------------------------------------------------------------
def comparison_rows(results: dict) -> list[list[str]]:
    """One row per configuration: retrieval, classification, calibration, latency."""
    configs = results["configs"]
    ref = configs.get("hybrid", {}).get("metrics", {}).get("latency", {}).get("p50")
    rows = []
    for name, c in configs.items():
        m = c["metrics"]
        r, lat = m["retrieval"], m["latency"]
        ratio = f"{lat['p50'] / ref:.2f}×" if ref else "–"
        rows.append(
            [
                f"`{name}`",
                _pct(r["hit_at"].get("1")),
                _pct(r["hit_at"].get("3")),
                _pct(r["hit_at"].get("5")),
                _pct(r["mrr_at_10"]),
                _pct(r["ndcg_at_10"]),
                _pct(m["category"]["accuracy"]) if m["category"] else "–",
                _pct(m["category"]["macro_f1"]) if m["category"] else "–",
                _pct(m["jenis"]["accuracy"]) if m["jenis"] else "–",
                f"{m['reliability']['ece']:.3f}" if m["reliability"] else "–",
                f"{m['reliability_shown']['ece']:.3f}" if m.get("reliability_shown") else "–",
                _ms(lat["p50"]),
                _ms(lat["p95"]),
                _ms(lat["p99"]),
                ratio,
            ]
        )
    return rows


def worst_misses(results: dict, config: str, *, n: int = 20) -> list[dict]:
    """The ``n`` most misleading answers of ``config``.

    A miss is an answerable query whose top suggestion is not acceptable, or
    an unanswerable one that still got a suggestion at or above the
    ``confident`` threshold. Most confident first: those are the answers an
    agent is most likely to read out.
    """
    gold = {g["qid"]: g for g in results["gold"]}
    confident = float(results.get("params", {}).get("confident", 0.5))
    misses = []
    for o in results["outcomes"][config]:
        g = gold[o["qid"]]
        ok = set(g["article_ids"])
        top = o["scores"][0] if o["scores"] else 0.0
        if ok:
            if o["ranked"] and o["ranked"][0] in ok:
                continue
        elif not o["ranked"] or top < confident:
            continue
        rank = next((i for i, a in enumerate(o["ranked"], 1) if a in ok), None)
        misses.append({**o, "gold": g, "top_score": top, "acceptable_rank": rank})
    misses.sort(key=lambda m: (-m["top_score"], m["acceptable_rank"] or math.inf, m["qid"]))
    return misses[:n]


def tag_rows(results: dict, config: str) -> list[list[str]]:
    """Hit@1, hit@3 (answerable queries) and category accuracy (all) of ``config``
    per gold tag (``typo``, ``complaint``, ``batch2``, ...), then for the untagged
    queries: a slice of the gold set that lags shows here, not only in the mean.
    """
    groups: dict[str, list[tuple[dict, dict]]] = {}
    gold = {g["qid"]: g for g in results["gold"]}
    for o in results["outcomes"][config]:
        g = gold[o["qid"]]
        for tag in g.get("tags") or ["(none)"]:
            groups.setdefault(tag, []).append((g, o))
    rows = []
    for tag in sorted(groups, key=lambda t: (t == "(none)", t)):
        pairs = groups[tag]
        r = retrieval_metrics([(o["ranked"], g["article_ids"]) for g, o in pairs], ks=(1, 3))
        classified = any(o["category"] for _, o in pairs)
        cat = accuracy([g["category"] for g, _ in pairs], [o["category"] for _, o in pairs])
        rows.append(
            [
                f"`{tag}`" if tag != "(none)" else tag,
                str(len(pairs)),
                str(r.n),
                _pct(r.hit_at[1]) if r.n else "–",
                _pct(r.hit_at[3]) if r.n else "–",
                _pct(cat) if classified else "–",
            ]
        )
    return rows


# -- plots -----------------------------------------------------------------------------------
def plot_recall_curves(results: dict, path: Path) -> str:
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    lowest = 1.0
    for name, c in results["configs"].items():
        curve = c["metrics"]["retrieval"]["recall_curve"]
        ks = sorted(int(k) for k in curve)
        ys = [curve[str(k)] for k in ks]
        lowest = min([lowest, *ys])
        ax.plot(ks, ys, marker=".", label=name)
    ax.set_xlabel("k")
    ax.set_ylabel("recall@k")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(max(0.0, lowest - 0.05), 1.01)
    ax.grid(alpha=0.3)
    ax.set_title(f"Recall@k ({results['split']} split, {results['n_answerable']} answerable)")
    ax.legend(fontsize=8, loc="lower right")
    return _save(fig, path)


def plot_confusion(results: dict, config: str, path: Path) -> str | None:
    cat = results["configs"][config]["metrics"]["category"]
    if not cat:
        return None
    conf = cat["confusion"]
    counts = np.array(conf["counts"])
    keep = [i for i in range(len(conf["labels"])) if counts[i].sum() or counts[:, i].sum()]
    labels = [conf["labels"][i] for i in keep]
    counts = counts[np.ix_(keep, keep)]
    fig = Figure(figsize=(1.0 + 0.55 * len(labels), 0.8 + 0.5 * len(labels)))
    ax = fig.subplots()
    ax.imshow(counts, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    top = counts.max() if counts.size else 0
    for i in range(len(labels)):
        for j in range(len(labels)):
            if counts[i, j]:
                colour = "white" if counts[i, j] > top / 2 else "black"
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=7, color=colour)
    ax.set_title(f"Category confusion ({config})")
    return _save(fig, path)


def plot_reliability(results: dict, path: Path) -> str | None:
    engines = [n for n in results["configs"] if results["configs"][n]["metrics"]["reliability"]]
    if not engines:
        return None
    fig = Figure(figsize=(7, 6))
    ax, ax2 = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfect")
    for name in engines:
        rel = results["configs"][name]["metrics"]["reliability"]
        bins = [b for b in rel["bins"] if b["count"]]
        ax.plot(
            [b["mean_confidence"] for b in bins],
            [b["accuracy"] for b in bins],
            marker="o",
            label=f"{name} (ECE {rel['ece']:.3f})",
        )
    ax.set_ylabel("share correct")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("Reliability of the top suggestion's score")
    main = _main_config(results)
    rel = results["configs"][main]["metrics"]["reliability"]
    if rel:
        ax2.bar(
            [(b["lo"] + b["hi"]) / 2 for b in rel["bins"]],
            [b["count"] for b in rel["bins"]],
            width=1 / max(len(rel["bins"]), 1) * 0.9,
        )
    ax2.set_xlabel("confidence (top score)")
    ax2.set_ylabel(f"queries ({main})")
    ax2.set_xlim(0, 1)
    return _save(fig, path)


def plot_latency(results: dict, path: Path) -> str:
    names = list(results["configs"])
    data = {
        n: [o["latency_ms"] for o in results["outcomes"][n] if o["error"] is None] for n in names
    }
    values = [v for vs in data.values() for v in vs if v > 0]
    lo = max(min(values), 1e-3) if values else 0.01
    hi = max(values) if values else 1.0
    bins = np.geomspace(lo, hi * 1.01 + 1e-9, 30)
    cols = 2
    rows = math.ceil(len(names) / cols)
    fig = Figure(figsize=(8, 1.9 * rows + 0.5))
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, squeeze=False)).ravel()
    for ax, name in zip(axes, names, strict=False):
        vals = [max(v, lo) for v in data[name]]
        ax.hist(vals, bins=bins)
        lat = results["configs"][name]["metrics"]["latency"]
        for q, style in (("p50", "-"), ("p95", "--"), ("p99", ":")):
            if lat[q]:
                ax.axvline(max(lat[q], lo), color="black", linestyle=style, linewidth=1)
        ax.set_xscale("log")
        ax.set_title(f"{name}: p50 {lat['p50']:.1f} / p95 {lat['p95']:.1f} ms", fontsize=9)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    for ax in axes[-cols:]:
        ax.set_xlabel("latency per query (ms, log scale)")
    return _save(fig, path)


def plot_typo_drop(results: dict, path: Path) -> str | None:
    names = [n for n, c in results["configs"].items() if "typo_metrics" in c]
    if not names:
        return None
    clean = [results["configs"][n]["metrics"]["retrieval"]["hit_at"]["1"] for n in names]
    typo = [results["configs"][n]["typo_metrics"]["retrieval"]["hit_at"]["1"] for n in names]
    x = np.arange(len(names))
    fig = Figure(figsize=(7.5, 4))
    ax = fig.subplots()
    ax.bar(x - 0.2, clean, width=0.4, label="as written")
    ax.bar(x + 0.2, typo, width=0.4, label="with 1-2 injected typos")
    ax.set_xticks(x, names, rotation=20)
    ax.set_ylabel("hit@1")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    ax.set_title("Robustness to typos")
    return _save(fig, path)


def plot_bench(bench: dict, path: Path) -> str:
    sizes = bench["sizes"]
    n = [s["articles"] for s in sizes]
    fig = Figure(figsize=(7.5, 4))
    ax = fig.subplots()
    for key, marker in (("single", "o"), ("keystroke", "s")):
        for q, style in (("p50", "-"), ("p95", "--"), ("p99", ":")):
            ax.plot(
                n,
                [s["latency"][key][q] for s in sizes],
                marker=marker,
                linestyle=style,
                label=f"{key} {q}",
            )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("articles (synthetic KB)")
    ax.set_ylabel("latency (ms, log scale)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    ax.set_title("Query latency by KB size")
    return _save(fig, path)


# -- the report ------------------------------------------------------------------------------
def _results_section(results: dict, out_dir: Path, worst_n: int) -> list[str]:
    main = _main_config(results)
    lines = [
        f"## Offline evaluation: `{results['split']}` split",
        "",
        f"{results['n_queries']} gold queries ({results['n_answerable']} answerable), "
        f"KB `{results['kb_version']}`, run {results['created_at']}, "
        f"{results.get('elapsed_s', 0):.0f} s. Desk: `{results['harness']['desk']}`; "
        f"rankings to depth {results['harness']['k']}, "
        f"{results['harness']['k_shown']} suggestions shown.",
        "",
    ]
    if results.get("params_source"):
        lines += [f"Fusion parameters: {results['params_source']}.", ""]
    lines += [
        "### Comparison",
        "",
        "Percentages except ECE and latency (ms). Retrieval metrics over answerable "
        "queries; category, jenis and ECE over all. ECE top-1: the top suggestion's "
        "score against whether it is acceptable; ECE shown: the same for every "
        "suggestion shown. Baselines only rank.",
        "",
    ]
    lines += _table(
        [
            "configuration",
            "hit@1",
            "hit@3",
            "hit@5",
            "MRR@10",
            "nDCG@10",
            "category acc",
            "category F1",
            "jenis acc",
            "ECE top-1",
            "ECE shown",
            "p50",
            "p95",
            "p99",
            "p50 vs hybrid",
        ],
        comparison_rows(results),
    )
    lines += ["", "Configurations:", ""]
    lines += [f"- `{n}`: {c['description']}" for n, c in results["configs"].items()]

    typo_rows = []
    for name, c in results["configs"].items():
        if "typo_metrics" not in c:
            continue
        cm, tm, d = c["metrics"]["retrieval"], c["typo_metrics"]["retrieval"], c["typo_drop"]
        typo_rows.append(
            [
                f"`{name}`",
                _pct(cm["hit_at"]["1"]),
                _pct(tm["hit_at"]["1"]),
                _pct(d["hit_at_1"]),
                _pct(d["relative_hit_at_1"]),
                _pct(cm["mrr_at_10"]),
                _pct(tm["mrr_at_10"]),
                _pct(d["mrr_at_10"]),
            ]
        )
    if typo_rows:
        lines += [
            "",
            "### Robustness: the same queries with 1-2 seeded typos",
            "",
            f"Typo seed {results['harness']['typo_seed']}; drops in points "
            "(relative drop in % of the clean hit@1).",
            "",
        ]
        lines += _table(
            [
                "configuration",
                "hit@1",
                "hit@1 typos",
                "drop",
                "relative drop",
                "MRR@10",
                "MRR@10 typos",
                "drop",
            ],
            typo_rows,
        )

    flag_rows = []
    for name, c in results["configs"].items():
        flags = c["metrics"]["flags"]
        if not flags:
            continue
        row = [f"`{name}`"]
        for f in ("interpretasi", "validasi", "tidak_ada_di_kb"):
            s = flags[f]
            row.append(
                f"{_pct(s['precision'])} / {_pct(s['recall'])} / {_pct(s['f1'])} (n={s['support']})"
            )
        flag_rows.append(row)
    if flag_rows:
        lines += ["", "### Escalation flags (precision / recall / F1, %)", ""]
        lines += _table(["configuration", "interpretasi", "validasi", "tidak_ada_di_kb"], flag_rows)

    rank_rows = []
    for name, c in results["configs"].items():
        ranking = c["metrics"].get("flag_ranking")
        if not ranking:
            continue
        rank_rows.append(
            [f"`{name}`"]
            + [
                f"{ranking[f]['average_precision']:.3f} / "
                f"{_pct(ranking[f]['recall_at_precision'])} (n={ranking[f]['support']})"
                for f in ("interpretasi", "validasi")
            ]
        )
    if rank_rows:
        lines += [
            "",
            "### Flag confidence, threshold-free (average precision / recall % at precision ≥ 80%)",
            "",
            "How well each flag's confidence orders the queries, apart from the threshold "
            "fitted on the small dev split.",
            "",
        ]
        lines += _table(["configuration", "interpretasi", "validasi"], rank_rows)

    slices = tag_rows(results, main)
    if slices:
        lines += ["", f"### `{main}` by gold tag", ""]
        lines += _table(["tag", "queries", "answerable", "hit@1", "hit@3", "category acc"], slices)

    plots = [
        ("Recall@k", plot_recall_curves(results, out_dir / "recall_at_k.png")),
        ("Category confusion", plot_confusion(results, main, out_dir / "confusion.png")),
        ("Reliability", plot_reliability(results, out_dir / "reliability.png")),
        ("Latency", plot_latency(results, out_dir / "latency.png")),
        ("Typo robustness", plot_typo_drop(results, out_dir / "typo_robustness.png")),
    ]
    lines += ["", "### Plots", ""]
    lines += [f"![{title}]({name})" for title, name in plots if name]

    titles = results.get("titles", {})
    misses = worst_misses(results, main, n=worst_n)
    lines += [
        "",
        f"### The {worst_n} worst misses of `{main}`",
        "",
        "Answerable queries whose top suggestion is wrong, and unanswerable ones "
        "that still got a suggestion at or above `confident`; most confident first.",
        "",
    ]
    rows = []
    for m in misses:
        g = m["gold"]
        suggested = "; ".join(
            f"{a} ({s:.2f})" + (f" «{titles[a]}»" if a in titles else "")
            for a, s in zip(m["ranked"][:3], m["scores"][:3], strict=False)
        )
        rows.append(
            [
                m["qid"],
                g["query"],
                ", ".join(g["article_ids"]) or "(none: tidak_ada_di_kb)",
                suggested or "(nothing)",
                str(m["acceptable_rank"]) if m["acceptable_rank"] else "–",
                f"{m['category']} / {g['category']}",
            ]
        )
    lines += _table(
        ["qid", "query", "acceptable", "suggested instead (score)", "rank", "category pred / gold"],
        rows or [["–", "no misses", "", "", "", ""]],
    )
    return lines


def _bench_section(bench: dict, out_dir: Path) -> list[str]:
    e = bench["embedding"]
    mach = bench["machine"]
    lines = [
        "## Scale benchmark",
        "",
        f"Machine: {mach['cpu']}, {mach['usable_cores']} usable cores, "
        f"{mach['memory_gib']} GiB, Python {mach['python']}, load average "
        f"{mach.get('load_average_1_5_15m')} at {mach['measured_at']}.",
        "",
        f"Embedding throughput ({e['encoder']}, {e['texts']} texts of a "
        f"{e['articles']}-article synthetic KB, no cache): **{e['texts_per_s']} texts/s, "
        f"{e['tokens_per_s']} {e['token_unit']}/s**. Projected times below add "
        "vectors / texts-per-second to the measured non-embedding time.",
        "",
    ]
    rows = []
    for s in bench["sizes"]:
        b, inc, lat, mem = s["build"], s["incremental"], s["latency"], s["memory"]
        faiss = s["dense"].get("faiss")
        rows.append(
            [
                f"{s['articles']:,}",
                f"{s['vectors']:,}",
                s["faiss"],
                f"{b['wall_s']:.1f} ({_fmt_s(b['projected_total_s'])})",
                f"{inc['wall_s']:.1f} ({_fmt_s(inc['projected_total_s'])}), "
                f"{inc['changed_articles']} art.",
                f"{s['disk']['total_mib']:.1f}",
                f"{mem['index_mib']:.0f} / {mem['total_mib']:.0f}",
                f"{lat['single']['p50']:.1f} / {lat['single']['p95']:.1f} / "
                f"{lat['single']['p99']:.1f}",
                " / ".join(f"{x:.0f}" for x in lat.get("single_p50_per_repeat", [])) or "–",
                f"{lat['keystroke']['p50']:.1f} / {lat['keystroke']['p95']:.1f} / "
                f"{lat['keystroke']['p99']:.1f}",
                f"{s['dense']['numpy_scan_ms']['p50']:.2f}"
                + (
                    f"; {faiss['type']} {faiss['search_ms']['p50']:.2f}, recall@10 "
                    f"units {faiss['recall_at_10_vs_exact']:.3f} / articles "
                    f"{faiss.get('article_recall_at_10_vs_exact', float('nan')):.3f}"
                    if faiss
                    else ""
                ),
            ]
        )
    if not bench["sizes"]:
        return lines + _shipped_section(bench.get("shipped"))
    lines += _table(
        [
            "articles",
            "vectors",
            "index",
            "build s (projected, real embedding)",
            "incremental rebuild s (projected)",
            "disk MiB",
            "RSS MiB index / process",
            "single p50/p95/p99 ms",
            "p50 of each repeat",
            "keystroke p50/p95/p99 ms",
            "dense search p50 ms (numpy; FAISS, recall vs exact)",
        ],
        rows,
    )
    lines += ["", f"![Latency by size]({plot_bench(bench, out_dir / 'bench_latency.png')})", ""]
    lines += ["What was synthetic and what was real:", ""]
    lines += [f"- {p}" for p in bench["synthetic"]]
    return lines + _shipped_section(bench.get("shipped"))


def _shipped_section(shipped: dict | None) -> list[str]:
    """The shipped KB built for real (``sigap eval bench --shipped``)."""
    if not shipped:
        return []
    full, targets = shipped["full_build"], shipped["targets_s"]
    lines = [
        "",
        "### Shipped KB, built for real",
        "",
        f"{shipped['articles']} articles, {shipped['vectors']:,} vectors, "
        f"{shipped['examples']:,} training examples. Full build with an empty embedding "
        f"cache: **{full['wall_s']:.1f} s** (target {targets['full_build']:.0f} s; "
        f"{full['embedded_texts']:,} texts embedded, "
        f"{full['timings_s'].get('embed_s', 0.0):.1f} s of it).",
        "",
        "One changed article, from the edit to an engine serving the new version "
        f"(target {targets['rebuild_one_article']:.0f} s):",
        "",
    ]
    rows = [
        [
            kind.replace("_", " "),
            " / ".join(f"{r['to_serving_s']:.2f}" for r in shipped[kind]["runs"]),
            f"{shipped[kind]['median_to_serving_s']:.2f}",
            " / ".join(
                f"{r['timings_s'].get('classifiers_s', 0.0):.2f}" for r in shipped[kind]["runs"]
            ),
            "yes" if all(r["classifiers_retrained"] for r in shipped[kind]["runs"]) else "no",
        ]
        for kind in ("answer_edit", "question_edit")
    ]
    return lines + _table(
        ["edit", "to serving s, each run", "median s", "classifiers s", "classifiers retrained"],
        rows,
    )


def _fmt_s(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x / 3600:.1f} h" if x >= 3600 else f"{x / 60:.1f} min" if x >= 120 else f"{x:.0f} s"


def write_report(
    results: dict | None,
    bench: dict | None,
    out_dir: Path | str,
    *,
    worst_n: int = 20,
) -> Path:
    """Write ``report.md`` and its PNG plots into ``out_dir``.

    Args:
        results: the harness JSON (``sigap eval run``), or ``None``.
        bench: the benchmark JSON (``sigap eval bench``), or ``None``.
        out_dir: the report folder (created if needed).
        worst_n: how many misses to list.

    Raises:
        ValueError: neither results nor bench given.
    """
    if results is None and bench is None:
        raise ValueError("nothing to report: run 'sigap eval run' or 'sigap eval bench' first")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = ["# SIGAP evaluation report", ""]
    if results is not None:
        m = results.get("machine")
        if m:
            lines += [
                f"Harness machine: {m['cpu']}, {m['usable_cores']} usable cores, "
                f"Python {m['python']}, load average {m.get('load_average_1_5_15m')}.",
                "",
            ]
        lines += _results_section(results, out_dir, worst_n)
        lines.append("")
    if bench is not None:
        lines += _bench_section(bench, out_dir)
        lines.append("")
    lines += [
        "## Method notes",
        "",
        "- Gold queries are split by a seeded hash of their qid (30% dev for tuning and "
        "calibration, 70% test for reporting); see `evaluation/gold.py`.",
        "- Text ablations (`no_typo`, `no_abbrev`) change only the query's preparation; "
        "`no_qvec` is a separate build without question-variant vectors.",
        "- Engine latency is the engine's own time (index loaded), including the query "
        "embedding; the harness embeds each distinct text once and charges its measured "
        "cost to every configuration that reuses it.",
        "- Calibration (ECE): confidence is the top suggestion's score; it is correct when "
        "that article is acceptable (never for an unanswerable query).",
        "- Every engine configuration uses the same fusion and Platt parameters (fitted for "
        "`hybrid`). For `dense` only its ranking columns are comparable: its scores, and "
        "the ECE, flags and category that depend on them, are not calibrated for it.",
        "",
    ]
    path = out_dir / REPORT_FILE
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
