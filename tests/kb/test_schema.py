"""``kb.schema.Article``: tidying is stable, so stored articles load back unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from kb.schema import Article


def test_validating_an_articles_own_record_gives_the_same_article(
    records: dict[str, Any],
) -> None:
    messy = {**records["djp-akun-lupa-efin"], "title": "  Lupa    EFIN\t lagi  "}
    article = Article.model_validate(messy)

    assert article.title == "Lupa EFIN lagi"
    assert Article.model_validate(article.to_record()) == article


def test_length_limits_apply_to_the_tidied_text(records: dict[str, Any]) -> None:
    # "a    b" is 6 characters as typed but 3 once tidied: too short for a title.
    with pytest.raises(ValidationError, match="at least 5 characters"):
        Article.model_validate({**records["djp-akun-lupa-efin"], "title": "a    b"})


def test_control_characters_are_refused_with_a_clear_message():
    import pytest
    from pydantic import ValidationError

    from kb.schema import Article

    base = {
        "id": "djp-akun-x",
        "desk": "djp",
        "category": "DJP-AKUN",
        "title": "Judul pertanyaan",
        "answer": "Jawaban yang cukup panjang untuk lolos.",
        "questions": ["a satu", "b dua", "c tiga", "d empat"],
        "verified_on": "2026-11-22",
    }
    Article.model_validate(base)
    with pytest.raises(ValidationError, match="control characters"):
        Article.model_validate({**base, "answer": "Jawaban\x00 yang cukup panjang sekali."})
    with pytest.raises(ValidationError, match="control characters"):
        Article.model_validate({**base, "questions": ["a\x07", "b dua", "c tiga", "d empat"]})
