import pytest

from indexer.text import TextPipeline
from suggest.flags import (
    RULE_CONFIDENCE,
    combine,
    find_plate,
    find_tax_id,
    interpretasi_cues,
    interpretasi_rules,
    validasi_cues,
)


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("pajak D 1234 ABC brp", "D 1234 ABC"),
        ("b1234xyz telat", "B 1234 XYZ"),
        ("nopol f 12 ab", "F 12 AB"),
        ("pp 55 thn 2022", None),
        ("b 2 thn", None),
        ("pph 21 ter", None),
        ("cara lapor spt", None),
    ],
)
def test_find_plate(text, plate):
    assert find_plate(text) == plate


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("npwp 01.234.567.8-901.000", "NPWP 15 digit"),
        ("npwp 012345678901000", "NPWP 15 digit"),
        ("nik 3273 0123 4567 8901", "NIK/NPWP 16 digit"),
        ("billing 1234567", None),
        ("omzet 4800000000", None),
    ],
)
def test_find_tax_id(text, kind):
    assert find_tax_id(text) == kind


def test_validasi_cues_positive_and_negative():
    assert validasi_cues("pajak D 1234 ABC brp", "pajak d 1234 abc berapa")[0].reason.startswith(
        "nomor polisi D 1234 ABC"
    )
    paid = validasi_cues("udh bayar tp blm lunas", "sudah bayar tapi belum lunas")
    assert paid and paid[0].flag == "validasi"
    assert validasi_cues("cara bayar pajak motor", "cara bayar pajak motor") == []


def test_interpretasi_cues_positive_and_negative():
    cue = interpretasi_cues("apakah uang saku magang termasuk objek pph 21")
    assert cue and "termasuk" in cue[0].reason
    assert interpretasi_cues("perlakuan pajak atas kripto luar negeri")
    # a fixed-rule question that names a regulation is not interpretation
    assert interpretasi_cues("berapa tarif pph final umkm pp 55") == []
    assert interpretasi_cues("batas lapor spt tahunan kapan") == []


def test_combine_is_a_noisy_or():
    assert combine(0.5, 0.7) == pytest.approx(0.85)
    assert combine(0.0, 0.7) == pytest.approx(0.7)
    assert combine(0.3, 0.0) == pytest.approx(0.3)


@pytest.mark.parametrize(
    "text",
    ["bupot a1 dr hrd ga ketarik", "udh resign dr 2024 msh wajib lapor", "pph 21 ter a 1 sy"],
)
def test_everyday_words_and_years_are_not_plates(text):
    assert find_plate(text) is None


def test_a_plate_typed_in_capitals_may_look_like_a_year():
    assert find_plate("tagihan B 2019 XYZ brp") == "B 2019 XYZ"


def _prepared(typed: str) -> str:
    """What the engine matches the patterns on: the query after the text tables
    (so spoken forms such as "kepotong" arrive as "terpotong")."""
    return TextPipeline().prepare_query(typed).dense_text


@pytest.mark.parametrize(
    ("prepared", "reason"),
    [
        ("ajukan pindah kpp sudah 3 minggu belum ada kabar", "tertahan sekian lama"),
        ("efin sudah 5 hari masih belum masuk", "tertahan sekian lama"),
        ("keberatan kami belum ada jawaban", "tertahan sekian lama"),
        ("stnk belum jadi padahal sudah bayar", "sudah melakukan sesuatu"),
        ("saldo gopay kepotong tapi pkb gagal", "dana terpotong"),
        ("sudah lapor spt masih ditagih stp", "masih ditagih"),
        ("pengajuan saya ditolak tanpa alasan", "keputusan atas datanya"),
        ("tolong dicek pembayaran motor", "pengecekan"),
    ],
)
def test_validasi_own_file_patterns(prepared, reason):
    cues = validasi_cues(prepared, _prepared(prepared))
    assert cues and reason in cues[0].reason


@pytest.mark.parametrize(
    "prepared",
    [
        "usaha sudah 5 tahun masih boleh tarif 0,5 persen",  # a rule, not a file
        "saldo etoll kepotong dua kali",  # not a tax payment left unrecorded
        "gaji kepotong pajak berapa",
        "cara mengajukan keberatan",
        "berapa lama proses restitusi",
    ],
)
def test_validasi_patterns_leave_rules_and_procedures_alone(prepared):
    assert validasi_cues(prepared, _prepared(prepared)) == []


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("kabarnya ptkp mau dinaikin, brp nanti", "kabar atau rencana"),
        ("isu pajak sembako jadi diberlakukan ga", "kabar atau rencana"),
        ("tarif pkb motor bakal naik ga", "kabar atau rencana"),
        ("pemutihan ada lg ga thn depan", "kabar atau rencana"),
        ("berapa omzet yg dilapor toko sebelah di spt", "Pasal 34 KUP"),
        ("minta data npwp mantan suami buat sidang", "Pasal 34 KUP"),
        ("pt saingan sy udh disidik pajak belum", "Pasal 34 KUP"),
    ],
)
def test_interpretasi_rules_catch_the_sops_never_answer_cases(typed, reason):
    rules = interpretasi_rules(_prepared(typed))
    assert rules and reason in rules[0].reason
    assert rules[0].strength == RULE_CONFIDENCE


@pytest.mark.parametrize(
    "typed",
    [
        "tarif ppn 12 persen naik dari 11 sejak kapan",  # a rule in force
        "cara hapus npwp almarhum",
        "mau naik banding atas putusan keberatan",
        "udh cerai resmi, npwp sy msh ikut mantan suami, misahinnya gmn",  # own record
        "rujuk lg sm mantan suami, npwp sy yg dulu dipisah digabung lg?",  # own record, other order
        "beli motor second msh nama org lain, pajaknya gmn",
        "syarat pemutihan pkb yg sekarang apa",
    ],
)
def test_interpretasi_rules_leave_normative_and_own_record_questions_alone(typed):
    assert interpretasi_rules(_prepared(typed)) == []
