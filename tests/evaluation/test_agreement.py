"""Annotator agreement: kappa by hand, majority, file checks, and the CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from evaluation.agreement import (
    AnnotationError,
    cohen_kappa,
    label_mismatches,
    majority,
    majority_labels,
    pairwise,
    read_annotation_dir,
    read_annotations,
    unlabelled,
)
from sigap.cli import main

T, F = True, False


def write_labels(path: Path, rows: dict[str, tuple[bool, bool]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(
            json.dumps({"qid": q, "interpretasi": i, "validasi": v, "why": ""}) + "\n"
            for q, (i, v) in rows.items()
        ),
        encoding="utf-8",
    )
    return path


# -- kappa and majority --------------------------------------------------------------------------
def test_kappa_hand_checked():
    # observed 3/4; "yes" rates 1/2 and 1/4 -> chance 1/2*1/4 + 1/2*3/4 = 1/2; (3/4-1/2)/(1/2)
    assert cohen_kappa([T, T, F, F], [T, F, F, F]) == pytest.approx(0.5)
    # opposite on a balanced pair: observed 0, chance 1/2 -> -1
    assert cohen_kappa([T, F], [F, T]) == pytest.approx(-1.0)
    # one annotator never says yes: observed 3/4 equals chance 0*1/4 + 1*3/4 -> 0
    assert cohen_kappa([F, F, F, F], [T, F, F, F]) == pytest.approx(0.0)
    # both constant and equal: chance agreement 1, defined as full agreement
    assert cohen_kappa([F, F, F], [F, F, F]) == 1.0


def test_kappa_matches_scikit_learn_on_random_labels():
    from sklearn.metrics import cohen_kappa_score

    rng = random.Random(7)
    a = [rng.random() < 0.2 for _ in range(300)]
    b = [x if rng.random() < 0.8 else not x for x in a]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_kappa_refuses_unequal_or_empty_labellings():
    with pytest.raises(ValueError, match="differ in length: 2 and 1"):
        cohen_kappa([T, F], [T])
    with pytest.raises(ValueError, match="no items"):
        cohen_kappa([], [])


def test_majority_of_odd_votes_only():
    assert majority([T, F, T]) is True
    assert majority([T, F, F]) is False
    assert majority([T]) is True
    with pytest.raises(ValueError, match="odd number of votes, not 2"):
        majority([T, F])


def test_pairwise_and_majority_labels():
    annotators = {
        "a1": {"q1": {"interpretasi": T, "validasi": F}, "q2": {"interpretasi": F, "validasi": F}},
        "a2": {"q1": {"interpretasi": T, "validasi": T}, "q2": {"interpretasi": F, "validasi": F}},
        "a3": {"q1": {"interpretasi": F, "validasi": T}, "q2": {"interpretasi": F, "validasi": T}},
    }
    votes = majority_labels(annotators)
    assert votes == {
        "q1": {"interpretasi": T, "validasi": T},
        "q2": {"interpretasi": F, "validasi": F},
    }
    pairs = {(p.flag, p.first, p.second): p for p in pairwise(annotators)}
    assert len(pairs) == 6
    a1a2 = pairs[("interpretasi", "a1", "a2")]
    assert (a1a2.items, a1a2.agreed, a1a2.yes_first, a1a2.kappa) == (2, 2, 1, 1.0)
    a2a3 = pairs[("validasi", "a2", "a3")]
    assert (a2a3.agreed, a2a3.percent) == (1, 50.0)
    with pytest.raises(ValueError, match="2 annotators"):
        majority_labels({"a1": annotators["a1"], "a2": annotators["a2"]})


def test_only_queries_every_annotator_labelled_are_compared():
    annotators = {
        "a1": {"q1": {"interpretasi": T, "validasi": F}, "q2": {"interpretasi": T, "validasi": F}},
        "a2": {"q1": {"interpretasi": T, "validasi": F}},
        "a3": {"q1": {"interpretasi": F, "validasi": F}},
    }
    assert list(majority_labels(annotators)) == ["q1"]
    assert pairwise(annotators)[0].items == 1
    assert unlabelled(["q1", "q2"], annotators) == {"a1": [], "a2": ["q2"], "a3": ["q2"]}


def test_label_mismatches_name_query_flag_and_both_labels():
    votes = {"q1": {"interpretasi": T, "validasi": F}, "q2": {"interpretasi": F, "validasi": F}}
    gold = {"q1": ["interpretasi"], "q2": ["validasi", "tidak_ada_di_kb"], "q3": ["validasi"]}
    found = label_mismatches(gold, votes)
    assert [str(m) for m in found] == ["q2: validasi is yes as labelled, no by majority"]


# -- files ---------------------------------------------------------------------------------------
def test_read_annotations_round_trip(tmp_path):
    path = write_labels(tmp_path / "a.jsonl", {"q1": (T, F), "q2": (F, T)})
    assert read_annotations(path) == {
        "q1": {"interpretasi": T, "validasi": F},
        "q2": {"interpretasi": F, "validasi": T},
    }


def test_read_annotations_lists_every_bad_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        "\n".join(
            [
                '{"qid": "q1", "interpretasi": true, "validasi": false}',
                "{not json",
                '{"interpretasi": true, "validasi": false}',
                '{"qid": "q1", "interpretasi": false, "validasi": false}',
                '{"qid": "q4", "interpretasi": "yes", "validasi": false}',
                '{"qid": "q5", "interpretasi": true}',
            ]
        ),
        encoding="utf-8",
    )
    with pytest.raises(AnnotationError) as err:
        read_annotations(path)
    message = str(err.value)
    assert "5 problem(s)" in message
    assert "line 2: not JSON" in message
    assert "line 3: needs a non-empty string 'qid'" in message
    assert "line 4: q1 is labelled twice" in message
    assert "line 5: q4: interpretasi must be true or false" in message
    assert "line 6: q5: validasi must be true or false" in message


def test_missing_and_empty_annotation_files(tmp_path):
    with pytest.raises(AnnotationError, match="no such annotation file"):
        read_annotations(tmp_path / "none.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="holds no labels"):
        read_annotations(tmp_path / "empty.jsonl")
    with pytest.raises(AnnotationError, match="no annotation files"):
        read_annotation_dir(tmp_path / "nowhere")
    (tmp_path / "latin1.jsonl").write_bytes(b'{"qid": "q1", "why": "\xe9"}\n')
    with pytest.raises(AnnotationError, match="not UTF-8 text"):
        read_annotations(tmp_path / "latin1.jsonl")
    with pytest.raises(AnnotationError, match="cannot be read"):
        read_annotations(tmp_path)


# -- CLI -----------------------------------------------------------------------------------------
def tiny_annotations(folder: Path, gold_path: Path, *, flip: str | None = None) -> Path:
    """Three annotators who agree with the tiny gold's flags, one dissenting per query;
    ``flip`` makes the majority disagree with gold on that qid's validasi."""
    rows = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines()]
    truth = {r["qid"]: ("interpretasi" in r["flags"], "validasi" in r["flags"]) for r in rows}
    if flip:
        i, v = truth[flip]
        truth[flip] = (i, not v)
    qids = list(truth)
    for n, name in enumerate(("a1", "a2", "a3")):
        labels = dict(truth)
        dissent = qids[n]  # each annotator dissents on a different query
        i, v = labels[dissent]
        labels[dissent] = (not i, v)
        write_labels(folder / f"{name}.jsonl", labels)
    return folder


def test_agreement_cli_passes_when_gold_is_the_majority(tmp_path, gold_tiny_path, capsys):
    folder = tiny_annotations(tmp_path / "ann", gold_tiny_path)
    rc = main(["eval", "agreement", "--gold", str(gold_tiny_path), "--annotations", str(folder)])
    out = capsys.readouterr().out
    assert rc == 0
    assert "3 annotators (a1, a2, a3); 6 queries labelled by all" in out
    # each pair disagrees on interpretasi for two of six queries; on validasi never
    assert "interpretasi  a1 / a2" in out and "66.7" in out
    assert "validasi      a1 / a2                         100.0   1.00" in out
    assert "OK: 0 labels differ" in out


def test_agreement_cli_fails_on_a_gold_label_against_the_majority(tmp_path, gold_tiny_path, capsys):
    folder = tiny_annotations(tmp_path / "ann", gold_tiny_path, flip="t004")
    rc = main(["eval", "agreement", "--gold", str(gold_tiny_path), "--annotations", str(folder)])
    captured = capsys.readouterr()
    assert rc == 1
    assert "error: t004: validasi is yes as labelled, no by majority" in captured.err
    assert "FAILED: 1 labels differ" in captured.out


def test_agreement_cli_needs_an_odd_number_of_annotators(tmp_path, gold_tiny_path, capsys):
    folder = tiny_annotations(tmp_path / "ann", gold_tiny_path)
    (folder / "a3.jsonl").unlink()
    rc = main(["eval", "agreement", "--gold", str(gold_tiny_path), "--annotations", str(folder)])
    assert rc == 1
    assert "holds 2 annotators; a majority needs an odd number" in capsys.readouterr().err


def test_agreement_cli_needs_items_every_annotator_labelled(tmp_path, gold_tiny_path, capsys):
    folder = tiny_annotations(tmp_path / "ann", gold_tiny_path)
    write_labels(folder / "a3.jsonl", {"elsewhere": (False, False)})
    rc = main(["eval", "agreement", "--gold", str(gold_tiny_path), "--annotations", str(folder)])
    assert rc == 1
    assert "have no queries in common" in capsys.readouterr().err


def test_agreement_cli_reports_a_bad_annotation_file(tmp_path, gold_tiny_path, capsys):
    folder = tiny_annotations(tmp_path / "ann", gold_tiny_path)
    (folder / "a2.jsonl").write_text('{"qid": "t001"}\n', encoding="utf-8")
    rc = main(["eval", "agreement", "--gold", str(gold_tiny_path), "--annotations", str(folder)])
    assert rc == 1
    assert "a2.jsonl: 1 problem(s): line 1: t001: interpretasi, validasi must be" in (
        capsys.readouterr().err
    )


def test_agreement_cli_warns_about_gold_queries_not_annotated(tmp_path, gold_tiny_path, capsys):
    folder = tiny_annotations(tmp_path / "ann", gold_tiny_path)
    lines = (folder / "a1.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "a1.jsonl").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    rc = main(["eval", "agreement", "--gold", str(gold_tiny_path), "--annotations", str(folder)])
    captured = capsys.readouterr()
    assert rc == 0
    assert "warning: a1 has not labelled 1 queries, e.g. 't006'" in captured.err
    assert "5 queries labelled by all" in captured.out


def test_agreement_cli_checks_training_examples_by_text(tmp_path, capsys):
    import yaml

    training = Path(__file__).parent.parent / "fixtures" / "tiny_training.yaml"
    examples = yaml.safe_load(training.read_text(encoding="utf-8"))["examples"]
    truth = {e["text"]: ("interpretasi" in e["flags"], "validasi" in e["flags"]) for e in examples}
    folder = tmp_path / "ann"
    for name in ("a1", "a2", "a3"):
        write_labels(folder / f"{name}.jsonl", truth)
    args = ["eval", "agreement", "--training-set", "--training", str(training)]
    assert main([*args, "--annotations", str(folder)]) == 0
    assert f"{len(truth)} training examples labelled by all" in capsys.readouterr().out

    # two annotators say "udh bayar pkb tp status blm lunas" needs no records check
    text = "udh bayar pkb tp status blm lunas"
    for name in ("a2", "a3"):
        write_labels(folder / f"{name}.jsonl", {**truth, text: (False, False)})
    assert main([*args, "--annotations", str(folder)]) == 1
    assert f"error: {text}: validasi is yes as labelled, no by majority" in (
        capsys.readouterr().err
    )


# -- the shipped gold set ------------------------------------------------------------------------
def test_shipped_gold_flags_are_the_majority_of_three_annotators():
    from evaluation.gold import GOLD_FILE, read_gold

    annotators = read_annotation_dir()
    assert len(annotators) == 3, sorted(annotators)
    queries, _ = read_gold(GOLD_FILE)
    gold_flags = {q.qid: q.flags for q in queries}
    missing = {
        name: qids for name, qids in unlabelled(list(gold_flags), annotators).items() if qids
    }
    assert not missing, f"gold queries without an annotation: {missing}"
    mismatches = label_mismatches(gold_flags, majority_labels(annotators))
    assert not mismatches, "\n".join(str(m) for m in mismatches)


def test_shipped_training_flags_are_the_majority_of_three_annotators():
    from evaluation.agreement import TRAINING_ANNOTATIONS_DIR
    from kb.training import load_training_examples

    annotators = read_annotation_dir(TRAINING_ANNOTATIONS_DIR)
    assert len(annotators) == 3, sorted(annotators)
    labelled = {e.text: e.flags for e in load_training_examples()}
    missing = {name: keys for name, keys in unlabelled(list(labelled), annotators).items() if keys}
    assert not missing, f"training examples without an annotation: {missing}"
    mismatches = label_mismatches(labelled, majority_labels(annotators))
    assert not mismatches, "\n".join(str(m) for m in mismatches)
