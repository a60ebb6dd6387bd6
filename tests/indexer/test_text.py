import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.lexicon import INTENT_WORDS, PROTECTED_TERMS, STEM_OVERRIDES
from indexer.text import TextConfig, TextPipeline, build_vocabulary, normalize, tokenize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Omzet  4,8 M, bayar Rp500.000?", "omzet 4,8 miliar bayar rp 500000"),
        ("gaji 60jt setahun", "gaji 60 juta setahun"),
        ("rp 500rb", "rp 500 ribu"),
        ("PPh21 TER", "pph 21 ter"),
        ("e-Faktur error!!", "efaktur error"),
        ("Café—NPWP", "cafe npwp"),
        ("tarif 0,5% final", "tarif 0,5 persen final"),
    ],
)
def test_normalize_examples(raw, expected):
    assert normalize(raw) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


PROTECTED = sorted(PROTECTED_TERMS)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(PROTECTED),
    st.lists(
        st.sampled_from(["cara", "gmn", "brp", "telat", "udh", "bayar", "kendraan"]), max_size=5
    ),
)
def test_protected_terms_survive_query_preparation(term, words):
    pipe = TextPipeline(vocabulary={"kendaraan": 3, "bayar": 5, "seperti": 9})
    prepared = pipe.prepare_query(" ".join([*words, term]))
    assert term in prepared.tokens
    # Sastrawi never touches them; only the hand-made override table may
    assert pipe.stem(term) == STEM_OVERRIDES.get(term, term)


def test_domain_abbreviations_win_over_slang():
    pipe = TextPipeline()
    assert pipe.expand(["spt", "pkb", "gmn", "udh", "balnam"]) == [
        "spt",
        "pkb",
        "bagaimana",
        "sudah",
        "balik",
        "nama",
    ]


def test_expansion_can_be_switched_off():
    pipe = TextPipeline(TextConfig(expand_abbreviations=False))
    assert pipe.expand(["gmn", "brp"]) == ["gmn", "brp"]


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("perpajakan", "pajak"),
        ("pemutihan", "putih"),
        ("pengecekan", "cek"),
        ("berikan", "beri"),
        ("pengesahan", "sah"),
        ("pesangon", "pesangon"),
        ("keberatan", "keberatan"),
        ("npwpnya", "npwp"),
        ("pembayaran", "bayar"),
    ],
)
def test_stem_overrides_fix_sastrawi_overstemming(word, stem):
    assert TextPipeline().stem(word) == stem


def test_bm25_tokens_keep_intent_words():
    pipe = TextPipeline(TextConfig(stem=False))
    tokens = pipe.bm25_tokens(tokenize("kenapa saya belum bisa bayar dan kapan baru"))
    for word in ("kenapa", "belum", "bisa", "kapan", "baru"):
        assert word in tokens
    assert "dan" not in tokens and "saya" not in tokens
    assert {"tidak", "belum", "bisa", "cara", "berapa", "kapan", "sudah", "baru"} <= INTENT_WORDS


def test_typo_correction_uses_kb_vocabulary_only():
    vocab = build_vocabulary(["Denda keterlambatan pembayaran pajak kendaraan bermotor"])
    pipe = TextPipeline(vocabulary=vocab)
    q = pipe.prepare_query("dendda pajak kendraan 2024 npwo")
    assert q.corrections["kendraan"] == "kendaraan"
    assert q.corrections["dendda"] == "denda"
    assert "2024" in q.tokens  # numbers are never corrected
    assert "npwo" not in q.corrections or q.corrections["npwo"] != "2024"


def test_typo_correction_never_touches_protected_terms():
    pipe = TextPipeline(vocabulary={"npwd": 5, "sptt": 5})
    q = pipe.prepare_query("npwp spt")
    assert q.tokens == ("npwp", "spt") and not q.corrections


def test_typo_correction_can_be_switched_off():
    pipe = TextPipeline(TextConfig(correct_typos=False), vocabulary={"kendaraan": 1})
    assert pipe.prepare_query("kendraan").corrections == {}


def test_real_words_are_not_corrected_into_kb_words():
    vocab = build_vocabulary(
        [
            "karyawan sekarang adanya finance faktur leasing sedang dilakukan pemalsuan setelah",
            "tagihan pajak pemutihan kartu",
        ]
    )
    pipe = TextPipeline(vocabulary=vocab)
    q = pipe.prepare_query(
        "karawang semarang avanza binance fiturnya cleaning sumedang dibekukan pemasukan sebelah"
    )
    assert q.corrections == {}
    # while real typos still are
    fixed = pipe.prepare_query("tagiahn pajk pemuthan kratu").corrections
    assert fixed == {
        "tagiahn": "tagihan",
        "pajk": "pajak",
        "pemuthan": "pemutihan",
        "kratu": "kartu",
    }
