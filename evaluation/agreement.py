"""Agreement between independent annotators of the gold set's escalation flags.

Whether a request needs ``interpretasi`` or ``validasi`` is a judgement call,
so the gold set's labels for these two flags are not one person's opinion: each
query is labelled by three annotators working apart, and ``gold.jsonl``
carries the majority. The annotations are kept next to the gold file:

    evaluation/gold/annotations/<annotator>.jsonl

one JSON object per line, every flag of :data:`ANNOTATED_FLAGS` as a boolean
and an optional short reason::

    {"qid": "gd0042", "interpretasi": true, "validasi": false, "why": "hibah ke anak angkat"}

Cohen's kappa per pair of annotators says how far above chance they agree;
it bounds what a model can be expected to reach against any one of them.
``sigap eval agreement`` prints it and fails when a gold label is not the
annotators' majority. The training examples' flags follow the same rule:
their annotations are in ``kb/data/training/annotations/``, keyed by the
example's text (``sigap eval agreement --training-set``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from kb.training import TRAINING_DIR

ANNOTATED_FLAGS = ("interpretasi", "validasi")
ANNOTATIONS_DIR = Path(__file__).with_name("gold") / "annotations"
# The training examples' flags, keyed by the example's text (unique across files).
TRAINING_ANNOTATIONS_DIR = TRAINING_DIR / "annotations"

# qid -> flag -> yes/no
Labels = dict[str, dict[str, bool]]


class AnnotationError(ValueError):
    """An annotation file that cannot be used; the message lists what is wrong."""


def read_annotations(path: Path | str, flags: Sequence[str] = ANNOTATED_FLAGS) -> Labels:
    """One annotator's labels, checked line by line; nothing partial is returned."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise AnnotationError(f"{path}: no such annotation file") from exc
    except UnicodeDecodeError as exc:
        raise AnnotationError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise AnnotationError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    labels: Labels = {}
    problems: list[str] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {n}: not JSON ({exc.msg})")
            continue
        if not isinstance(row, dict) or not isinstance(row.get("qid"), str) or not row["qid"]:
            problems.append(f"line {n}: needs a non-empty string 'qid'")
            continue
        qid = row["qid"]
        if qid in labels:
            problems.append(f"line {n}: {qid} is labelled twice")
            continue
        bad = [f for f in flags if not isinstance(row.get(f), bool)]
        if bad:
            problems.append(f"line {n}: {qid}: {', '.join(bad)} must be true or false")
            continue
        labels[qid] = {f: row[f] for f in flags}
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise AnnotationError(f"{path}: {len(problems)} problem(s): {shown}{more}")
    if not labels:
        raise AnnotationError(f"{path}: holds no labels")
    return labels


def read_annotation_dir(
    folder: Path | str = ANNOTATIONS_DIR, flags: Sequence[str] = ANNOTATED_FLAGS
) -> dict[str, Labels]:
    """Every ``*.jsonl`` in ``folder``, keyed by annotator (the file's stem)."""
    folder = Path(folder)
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise AnnotationError(f"{folder}: no annotation files (*.jsonl)")
    return {f.stem: read_annotations(f, flags) for f in files}


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> float:
    """Cohen's kappa of two yes/no labellings of the same items.

    (observed agreement - chance agreement) / (1 - chance agreement), where
    chance comes from each annotator's own rate of "yes". When both say the
    same thing about every item, chance agreement is 1 and kappa is 1.

    >>> cohen_kappa([True, True, False, False], [True, False, False, False])
    0.5
    """
    if len(a) != len(b):
        raise ValueError(f"labellings differ in length: {len(a)} and {len(b)}")
    if not a:
        raise ValueError("no items to compare")
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    if chance == 1.0:
        return 1.0
    return (observed - chance) / (1 - chance)


def majority(votes: Sequence[bool]) -> bool:
    """Yes when more than half the votes are yes; needs an odd number of votes."""
    if not votes or len(votes) % 2 == 0:
        raise ValueError(f"a majority needs an odd number of votes, not {len(votes)}")
    return sum(votes) * 2 > len(votes)


@dataclass(frozen=True)
class PairAgreement:
    flag: str
    first: str
    second: str
    items: int
    agreed: int
    yes_first: int
    yes_second: int
    kappa: float

    @property
    def percent(self) -> float:
        return 100.0 * self.agreed / self.items


def common_qids(annotators: Mapping[str, Labels]) -> list[str]:
    """The qids every annotator labelled, sorted."""
    sets = [set(labels) for labels in annotators.values()]
    return sorted(set.intersection(*sets)) if sets else []


def pairwise(
    annotators: Mapping[str, Labels], flags: Sequence[str] = ANNOTATED_FLAGS
) -> list[PairAgreement]:
    """Kappa and raw agreement of every pair of annotators, per flag, over the
    qids they all labelled."""
    qids = common_qids(annotators)
    out: list[PairAgreement] = []
    for flag in flags:
        for x, y in combinations(sorted(annotators), 2):
            a = [annotators[x][q][flag] for q in qids]
            b = [annotators[y][q][flag] for q in qids]
            out.append(
                PairAgreement(
                    flag=flag,
                    first=x,
                    second=y,
                    items=len(qids),
                    agreed=sum(u == v for u, v in zip(a, b, strict=True)),
                    yes_first=sum(a),
                    yes_second=sum(b),
                    kappa=cohen_kappa(a, b),
                )
            )
    return out


def majority_labels(
    annotators: Mapping[str, Labels], flags: Sequence[str] = ANNOTATED_FLAGS
) -> Labels:
    """The majority label per flag of every qid that all annotators labelled."""
    if len(annotators) % 2 == 0:
        raise ValueError(
            f"{len(annotators)} annotators: a majority needs an odd number of annotators"
        )
    return {
        q: {f: majority([labels[q][f] for labels in annotators.values()]) for f in flags}
        for q in common_qids(annotators)
    }


@dataclass(frozen=True)
class LabelMismatch:
    qid: str
    flag: str
    listed: bool  # what the labelled file says
    majority: bool

    def __str__(self) -> str:
        def word(x: bool) -> str:
            return "yes" if x else "no"

        return (
            f"{self.qid}: {self.flag} is {word(self.listed)} as labelled, "
            f"{word(self.majority)} by majority"
        )


def label_mismatches(
    labelled: Mapping[str, Sequence[str]],
    majority: Labels,
    flags: Sequence[str] = ANNOTATED_FLAGS,
) -> list[LabelMismatch]:
    """Items whose listed flags differ from the annotators' majority.

    ``labelled`` maps a key (a gold qid, a training example's text) to the
    flags its file lists. An item that not every annotator labelled is not
    compared (see :func:`unlabelled`).
    """
    out = []
    for key, listed in labelled.items():
        if key not in majority:
            continue
        for f in flags:
            if (f in listed) != majority[key][f]:
                out.append(LabelMismatch(key, f, f in listed, majority[key][f]))
    return out


def unlabelled(keys: Sequence[str], annotators: Mapping[str, Labels]) -> dict[str, list[str]]:
    """Per annotator, the keys it has not labelled."""
    return {name: [k for k in keys if k not in labels] for name, labels in annotators.items()}
