from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from evaluation.typos import inject_typos, keyboard_neighbours

QUERIES = [
    "lupa efin gmn",
    "telat lapor spt thn kmrn kena brp",
    "pajak motor b 1234 xyz mati 2 thn",
    "pkb",
    "udh bayar lwt sambara kok blm lunas jg",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("n", [1, 2])
def test_exact_number_of_edits(query, n):
    out = inject_typos(query, seed=f"7:{query}", n_edits=n)
    assert OSA.distance(query, out) == n


@pytest.mark.parametrize("query", QUERIES)
def test_seeded_and_one_or_two_edits(query):
    a = inject_typos(query, seed="s:g0001")
    assert a == inject_typos(query, seed="s:g0001")
    assert 1 <= OSA.distance(query, a) <= 2


def test_both_counts_occur_and_seeds_differ():
    outs = [inject_typos("telat lapor spt thn kmrn kena brp", seed=f"s:{i}") for i in range(40)]
    dists = {OSA.distance("telat lapor spt thn kmrn kena brp", o) for o in outs}
    assert dists == {1, 2}
    assert len(set(outs)) > 20


def test_first_letters_and_numbers_are_kept():
    for i in range(50):
        out = inject_typos("pajak motor b 1234 xyz", seed=i, n_edits=2)
        assert "1234" in out
        assert [w[0] for w in out.split()] == ["p", "m", "b", "1", "x"]


def test_text_without_letters_is_unchanged():
    assert inject_typos("1234 5678", seed=1) == "1234 5678"
    assert inject_typos("", seed=1) == ""
    with pytest.raises(ValueError):
        inject_typos("abc", seed=1, n_edits=-1)


def test_keyboard_neighbours():
    assert set(keyboard_neighbours("s")) == set("qweadzxc")
    assert keyboard_neighbours("1") == ""


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=40), st.integers())
def test_any_text_with_letters_gets_one_or_two_edits(text, seed):
    out = inject_typos(text, seed=seed)
    if any(ch.isalpha() for ch in text):
        assert 1 <= OSA.distance(text, out) <= 2
    else:
        assert out == text
