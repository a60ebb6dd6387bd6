"""The two baselines on the tiny KB, with rankings checked by hand."""

from __future__ import annotations

import pytest

from evaluation.baselines import Bm25sRetriever, Fts5Retriever


@pytest.fixture(scope="module")
def fts5(tiny_articles):
    r = Fts5Retriever(tiny_articles)
    yield r
    r.close()


def test_fts5_indexes_every_article(fts5, tiny_articles):
    assert fts5.n_articles == len(tiny_articles) == 20


@pytest.mark.parametrize(
    ("query", "best"),
    [
        # "efin" occurs only in the EFIN article (title, questions, keywords, answer).
        ("lupa efin gmn", "djp-akun-lupa-efin"),
        # All three content words are in that article's title and questions.
        ("denda telat lapor spt", "djp-spt-denda-telat"),
        # "otp" occurs only in the OTP article; "ga" and "masuk2" are not indexed words.
        ("otp ga masuk2", "djp-akun-otp"),
        ("Sambara PENDING", "samsat-aplikasi-sambara-gagal"),
    ],
)
def test_fts5_ranks_the_obvious_article_first(fts5, query, best):
    hits = fts5.search(query, k=5)
    assert hits[0].article_id == best
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_fts5_has_no_stemming_or_slang(fts5):
    # Without the project's preparation "gmn" and "pasport" match nothing and
    # "ngurus" is not "mengurus": only exact words count.
    assert fts5.search("gmn pasport", k=5) == []
    assert all(h.article_id != "samsat-stnk-hilang" for h in fts5.search("ngurus", k=5))


def test_fts5_query_syntax_is_neutralised(fts5):
    # FTS5 operators and quotes typed by an agent must not raise.
    assert Fts5Retriever.match_expression('npwp AND "efin" OR -x*') == (
        '"npwp" OR "and" OR "efin" OR "or" OR "x"'
    )
    assert fts5.search('efin" NOT (', k=3)[0].article_id == "djp-akun-lupa-efin"
    assert fts5.search("?!", k=3) == []


def test_fts5_accepts_index_records(tiny_engine):
    r = Fts5Retriever(tiny_engine.state.articles)
    assert r.search("lupa efin", k=1)[0].article_id == "djp-akun-lupa-efin"


def test_bm25s_uses_the_project_preparation(tiny_engine):
    r = Bm25sRetriever(tiny_engine.state)
    # "brp" and "spt" are expanded/kept, "telat" matches the stemmed documents.
    assert r.search("telat lapor spt dendanya brp", k=3)[0].article_id == "djp-spt-denda-telat"
    # A typo is corrected against the KB vocabulary before BM25.
    assert r.search("sambra pending", k=3)[0].article_id == "samsat-aplikasi-sambara-gagal"
    hits = r.search("pajak motor telat", k=20)
    assert all(h.score > 0 for h in hits)
    assert r.search("??", k=3) == []
