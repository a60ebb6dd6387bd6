"""Fixtures of the evaluation tests: small gold files against the tiny KB."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent
EVAL_FIXTURES = HERE / "fixtures"
TINY_FIXTURES = HERE.parent / "fixtures"


@pytest.fixture(scope="session")
def gold_tiny_path() -> Path:
    """Six valid queries against the tiny KB (one unanswerable)."""
    return EVAL_FIXTURES / "gold_tiny.jsonl"


@pytest.fixture(scope="session")
def gold_bad_path() -> Path:
    """One problem (or a few) per line; see test_gold.py for which."""
    return EVAL_FIXTURES / "gold_bad.jsonl"


@pytest.fixture(scope="session")
def tiny_gold(gold_tiny_path, tiny_articles):
    from evaluation.gold import load_gold

    return load_gold(gold_tiny_path, articles=tiny_articles)
