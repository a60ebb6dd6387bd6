"""The real gold set must not copy what the system was built or trained from.

Every query of ``evaluation/gold/gold.jsonl`` is compared with every article
title and question variant in ``kb/data/*.yaml`` and every training example
in ``kb/data/training/*.yaml``. Both sides are normalised with
``indexer.text.normalize``; the similarity is RapidFuzz ``token_sort_ratio``
(0-100, word order ignored). Any pair above 90 fails: such a query measures
recall of the KB's own wording, not of the way agents type.
"""

from __future__ import annotations

from evaluation.gold import (
    GOLD_FILE,
    INDEPENDENCE_THRESHOLD,
    find_overlaps,
    read_gold,
    reference_texts,
)


def test_threshold_is_the_documented_one():
    assert INDEPENDENCE_THRESHOLD == 90.0


def test_gold_queries_are_not_copies_of_kb_questions_or_training_examples():
    assert GOLD_FILE.is_file(), f"{GOLD_FILE} is missing: the gold set ships with the repo"
    from kb.training import load_training_examples
    from kb.validate import validate_paths

    queries, _ = read_gold(GOLD_FILE)
    assert queries, f"{GOLD_FILE} holds no readable query; run 'sigap eval check-gold'"
    articles = validate_paths().articles
    refs = reference_texts(articles, load_training_examples())
    overlaps = find_overlaps(queries, refs, threshold=INDEPENDENCE_THRESHOLD)
    assert not overlaps, (
        f"{len(overlaps)} gold queries are above {INDEPENDENCE_THRESHOLD:.0f} similarity to "
        "KB or training text (rewrite them the way an agent types):\n"
        + "\n".join(str(o) for o in overlaps[:30])
    )
