import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.lexicon import INTENT_WORDS, PROTECTED_TERMS, STEM_OVERRIDES
from indexer.text import (
    QUESTION_TYPE_NAMES,
    TextConfig,
    TextPipeline,
    build_vocabulary,
    normalize,
    question_type_profile,
    question_types,
    tokenize,
)


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


def test_words_of_other_things_are_not_corrected_into_near_kb_words():
    # each is one edit from a KB word: SPPT is the PBB notice, not an SPT; a
    # moge is a big motorbike, not a "mode"; Idul Fitri is not "idup"
    pipe = TextPipeline(vocabulary={"spt": 9, "mode": 3, "idup": 1, "timur": 2})
    q = pipe.prepare_query("sppt pbb blm dateng, moge pas idul fitri ke timor leste")
    assert q.corrections == {}
    assert {"sppt", "moge", "idul", "timor"} <= set(q.tokens)
    # and chat forms that typo correction used to bend into a wrong KB word
    assert pipe.prepare_query("prnh td drmana").dense_text == "pernah tadi dari mana"


@pytest.mark.parametrize(
    ("spoken", "standard"),
    [
        ("nunggak", "tunggak"),  # n- for t
        ("nanggung", "tanggung"),
        ("nyicil", "cicil"),  # ny- for c before s: "nyari" is cari, not sari
        ("nyari", "cari"),
        ("nyetor", "setor"),  # ... and s when c makes no word
        ("ngirim", "kirim"),  # ng- for k
        ("ngitung", "hitung"),  # ng- for h
        ("ngurus", "urus"),  # ng- before a vowel-initial root
        ("ngeblokir", "blokir"),  # nge-
        ("ngajuin", "ajukan"),  # prefix and -in together
        ("diwakilin", "diwakilkan"),  # -in for -kan
        ("laporin", "laporkan"),
        ("kehapus", "terhapus"),  # table: accidental passive ke- is ter-
        ("dr", "dari"),
        ("hrg", "harga"),  # table: chat abbreviations
        ("disimpen", "disimpan"),  # "e" for the closing syllable's "a"
        ("tetep", "tetap"),
        ("dianggep", "dianggap"),  # ... inside a prefix
        ("dapetnya", "dapatnya"),  # ... and a suffix
        ("itung", "hitung"),  # a dropped initial "h"
        ("diitung", "dihitung"),
        ("itungannya", "hitungannya"),
        ("itungin", "hitungkan"),  # a dropped "h" and -in for -kan together
        ("diitungin", "dihitungkan"),
        ("dipinjemin", "dipinjamkan"),  # ... and "e" for "a" with it
        ("noka", "nomor rangka"),  # table: Samsat's chassis and engine numbers
        ("nosin", "nomor mesin"),
    ],
)
def test_colloquial_forms_become_standard(spoken, standard):
    assert TextPipeline().expand([spoken]) == standard.split()


@pytest.mark.parametrize(
    "word",
    # real words that look colloquial: dictionary roots, loan words, protected
    # terms, and tokens whose rewrite lands on no root; "diantar" is a word of
    # its own root although "dihantar" is one too; loan words that look like
    # a closing "e" for "a" ("internet" is not "internat")
    [
        "nomor",
        "nanti",
        "nilai",
        "nama",
        "mesin",
        "login",
        "margin",
        "nonaktif",
        "ntpn",
        "nitku",
        "diantar",
        "diawasi",
        "internet",
        "token",
        "member",
        "persen",
        "dokumen",
        # a root that itself ends in "-in", under a standard prefix
        "dijamin",
        "menjamin",
        "dibikin",
        "pemain",
        "pendingin",
    ],
)
def test_real_words_are_not_rewritten_as_colloquial(word):
    assert TextPipeline().expand([word]) == [word]


def test_in_for_kan_keeps_the_kan_it_wrote():
    # "nyampein" must not become "campak-an" by moving the suffix boundary
    assert TextPipeline().expand(["nyampein"]) != ["campakan"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdeghiklmnoprstuwy", min_size=1, max_size=14))
def test_colloquial_rewrite_is_idempotent(word):
    pipe = TextPipeline()
    once = pipe.expand([word])
    assert pipe.expand(once) == once


def test_colloquial_words_meet_the_kb_wording_in_bm25():
    pipe = TextPipeline()
    assert pipe.prepare_query("ngajuin keberatan").bm25_tokens == tuple(
        pipe.prepare_document("mengajukan keberatan")
    )


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("syarat balik nama bawa apa saja", {"syarat"}),
        ("kapan batas waktu lapor spt", {"kapan"}),
        ("berapa dendanya kalau terlambat", {"berapa"}),  # "-nya" allowed
        ("efin tidak masuk ke email", {"kendala"}),
        ("apa itu bukti penerimaan elektronik", {"pengertian"}),
        ("bagaimana cara daftar npwp", {"cara"}),
        ("npwp badan usaha", set()),
        ("cabut berkas", {"syarat"}),
        ("pendataan ulang", set()),  # whole words only: no "data" in "pendataan"
    ],
)
def test_question_types(text, types):
    assert question_types(text) == types


def test_question_type_profile_is_the_share_of_texts_per_type():
    profile = question_type_profile(["kapan batas lapor", "berapa denda telat", "berapa biaya"])
    got = dict(zip(QUESTION_TYPE_NAMES, profile.tolist(), strict=True))
    assert got["kapan"] == pytest.approx(1 / 3)
    assert got["berapa"] == pytest.approx(2 / 3)
    assert sum(got.values()) == pytest.approx(1.0)
    assert question_type_profile([]).tolist() == [0.0] * len(QUESTION_TYPE_NAMES)
