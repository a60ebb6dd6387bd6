"""Caller identity: NPWP, NIK, plates, Samsat offices, whole forms, masking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk.identity import (
    CallerIdentity,
    InvalidIdentity,
    InvalidName,
    InvalidNIK,
    InvalidNPWP,
    InvalidPlate,
    InvalidTaxpayerId,
    MissingField,
    UnknownRegion,
    check_region,
    format_npwp,
    mask_digits,
    mask_number,
    mask_text,
    normalize_name,
    normalize_nik,
    normalize_npwp,
    normalize_plate,
    parse_taxpayer_id,
    samsat_offices,
    validate_identity,
)

NIK = "3273014507900001"  # Kota Bandung, a woman born 05-07-1990


@pytest.mark.parametrize(
    "text",
    ["01.234.567.8-901.234", "012345678901234", "01 234 567 8 901 234", " 01.234.567.8-901.234 "],
)
def test_npwp_with_or_without_punctuation(text: str) -> None:
    assert normalize_npwp(text) == "012345678901234"


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("", MissingField, "NPWP wajib diisi"),
        ("01.234.567.8-901.23", InvalidNPWP, "15 digit; yang dimasukkan 14"),
        ("01.234.567.8-901.2345", InvalidNPWP, "yang dimasukkan 16"),
        ("01.234.567.8-9O1.234", InvalidNPWP, "hanya boleh berisi angka"),
        ("00.000.000.0-000.000", InvalidNPWP, "bukan NPWP penelepon"),
    ],
)
def test_bad_npwp_says_what_is_wrong(text: str, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        normalize_npwp(text)


def test_nik_is_sixteen_digits_with_a_possible_structure() -> None:
    assert normalize_nik(NIK) == NIK
    assert normalize_nik("3273 0105 0790 0001") == "3273010507900001"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("327301450790001", "16 digit; yang dimasukkan 15"),
        ("0073014507900001", "kode provinsi 00"),
        ("9973014507900001", "kode provinsi 99"),
        ("3273013207900001", "tanggal lahir"),
        ("3273017507900001", "tanggal lahir"),
        ("3273014513900001", "bulan lahir"),
        ("3273014507900000", "0000"),
    ],
)
def test_bad_nik_says_which_part(text: str, message: str) -> None:
    with pytest.raises(InvalidNIK, match=message):
        normalize_nik(text)


def test_taxpayer_id_tells_npwp_from_nik() -> None:
    assert parse_taxpayer_id("01.234.567.8-901.234") == ("npwp", "012345678901234")
    assert parse_taxpayer_id(NIK) == ("nik", NIK)
    # The 16-digit form of a 15-digit NPWP (PMK 112/2022) is that NPWP.
    assert parse_taxpayer_id("0012345678901234") == ("npwp", "012345678901234")


def test_taxpayer_id_of_another_length_names_both() -> None:
    with pytest.raises(InvalidTaxpayerId, match="NPWP terdiri atas 15 digit dan NIK 16 digit"):
        parse_taxpayer_id("12345")


def test_npwp_errors_are_value_errors_for_the_taxpayer_field() -> None:
    with pytest.raises(ValueError) as info:
        parse_taxpayer_id("01.234.567.8-901.2x4")
    assert info.value.field == "taxpayer_id"


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("D 1234 ABC", "D 1234 ABC"),
        ("d1234abc", "D 1234 ABC"),
        ("  d  1234   abc ", "D 1234 ABC"),
        ("B 1 A", "B 1 A"),
        ("ab9", "AB 9"),
        ("F-12-XY", "F 12 XY"),
        ("t 5003", "T 5003"),
    ],
)
def test_plate_case_and_spacing_are_normalised(text: str, plate: str) -> None:
    assert normalize_plate(text) == plate


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1234 ABC", "diawali kode wilayah"),
        ("ABC 1234 D", "1–2 huruf"),
        ("D ABC", "1–4 angka"),
        ("D 12345 A", "paling banyak 4 digit"),
        ("D 0123 A", "tidak diawali 0"),
        ("D 1234 ABCD", "paling banyak 3"),
        ("D 12 A 3", "berurutan"),
        ("D 1234 AB#", "hanya boleh berisi huruf dan angka"),
    ],
)
def test_bad_plate_says_which_part(text: str, message: str) -> None:
    with pytest.raises(InvalidPlate, match=message):
        normalize_plate(text)


def test_empty_plate_is_missing() -> None:
    with pytest.raises(MissingField, match="nomor polisi wajib diisi"):
        normalize_plate("   ")


region_codes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=2)
numbers = st.integers(min_value=1, max_value=9999).map(str)
suffixes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", max_size=3)
separators = st.sampled_from(["", " ", "  ", "-", "."])


@given(region_codes, numbers, suffixes, separators, separators, st.booleans())
def test_plate_normalisation_is_idempotent_and_ignores_case_and_spacing(
    region: str, number: str, suffix: str, sep1: str, sep2: str, lower: bool
) -> None:
    typed = f"{region}{sep1}{number}{sep2}{suffix}"
    typed = typed.lower() if lower else typed
    plate = normalize_plate(typed)
    assert normalize_plate(plate) == plate
    assert plate == " ".join(p for p in (region, number, suffix) if p)


@given(st.text(max_size=12))
def test_plate_normalisation_either_refuses_or_is_a_fixed_point(text: str) -> None:
    try:
        plate = normalize_plate(text)
    except ValueError:
        return
    assert normalize_plate(plate) == plate


def test_regions_are_the_jawa_barat_offices() -> None:
    offices = samsat_offices()
    assert len(offices) >= 27  # every kabupaten and kota of Jawa Barat has one
    assert len(set(offices)) == len(offices)
    assert all(o.startswith("Samsat ") for o in offices)
    assert check_region("samsat  kota cimahi") == "Samsat Kota Cimahi"
    with pytest.raises(UnknownRegion, match="bukan kantor Samsat di Jawa Barat"):
        check_region("Samsat Jakarta Timur")


def test_names_are_tidied_and_checked() -> None:
    assert normalize_name("  Siti   Aminah ") == "Siti Aminah"
    assert normalize_name("R.A. Kartini-Putri") == "R.A. Kartini-Putri"
    with pytest.raises(InvalidName, match="hanya boleh berisi huruf"):
        normalize_name("Budi 123")


def test_djp_form_needs_a_taxpayer_id_and_takes_an_optional_name() -> None:
    who = validate_identity("djp", taxpayer_id="01.234.567.8-901.234")
    assert who == CallerIdentity("djp", id_kind="npwp", id_number="012345678901234")
    named = validate_identity("djp", taxpayer_id=NIK, name="Siti")
    assert (named.id_kind, named.name) == ("nik", "Siti")
    with pytest.raises(MissingField, match="NPWP atau NIK wajib diisi"):
        validate_identity("djp", name="Siti")


def test_samsat_form_reports_every_bad_field_at_once() -> None:
    with pytest.raises(InvalidIdentity) as info:
        validate_identity("samsat", name="", plate="D 01", region="Bekasi")
    assert info.value.by_field() == {
        "name": "nama penelepon wajib diisi",
        "plate": "angka nomor polisi tidak diawali 0",
        "region": "'Bekasi' bukan kantor Samsat di Jawa Barat; pilih dari daftar",
    }


def test_samsat_form_normalises_the_plate_and_office() -> None:
    who = validate_identity("samsat", name="Budi", plate="d1234abc", region="samsat kota bekasi")
    assert (who.plate, who.region) == ("D 1234 ABC", "Samsat Kota Bekasi")
    assert who.summary() == "Budi · D 1234 ABC · Samsat Kota Bekasi"


def test_unknown_desk_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown desk"):
        validate_identity("pajak", taxpayer_id=NIK)


def test_masking_keeps_only_the_last_four_digits() -> None:
    assert mask_number("nik", NIK) == "************0001"
    assert format_npwp(mask_number("npwp", "012345678901234")) == "**.***.***.*-**1.234"
    who = validate_identity("djp", taxpayer_id="01.234.567.8-901.234").mask()
    assert who.masked and who.summary() == "NPWP **.***.***.*-**1.234"
    assert mask_digits("01.234.5") == "**.234.5"


def test_numbers_inside_free_text_are_masked() -> None:
    text = f"npwp 01.234.567.8-901.234 dan nik {NIK} tahun 2024 no 12345"
    assert mask_text(text) == ("npwp ***********1234 dan nik ************0001 tahun 2024 no 12345")
