"""Caller identity: validation, normalisation and masking. Pure functions.

DJP (Kring Pajak) identifies a caller by NPWP (15 digits, the familiar
``01.234.567.8-901.234``) or NIK (16 digits). Samsat identifies the vehicle:
the owner's name, the licence plate (``D 1234 ABC``) and the Samsat office of
Jawa Barat where it is registered.

Every rejection is a :class:`IdentityError` (a ``ValueError``) whose message is
the Indonesian sentence the agent sees; its ``field`` names the form field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TypeVar

import yaml

_T = TypeVar("_T")

OFFICES_FILE = Path(__file__).with_name("data") / "samsat_jabar.yaml"
DESKS = ("djp", "samsat")
ID_KINDS = ("npwp", "nik")

NPWP_DIGITS = 15
NIK_DIGITS = 16
MAX_NAME_CHARS = 100
MASK = "*"
KEEP_VISIBLE = 4  # trailing digits left readable so an agent can still confirm a number

# Kode wilayah provinsi (Kemendagri) as the first two digits of a NIK, the
# Papua provinces formed in 2022 included.
NIK_PROVINCES = frozenset(
    {
        *range(11, 20),
        21,
        *range(31, 37),
        *range(51, 54),
        *range(61, 66),
        *range(71, 77),
        81,
        82,
        *range(91, 97),
    }
)

_NUMBER_SEPARATORS = re.compile(r"[\s.\-/]+")
_PLATE_SEPARATORS = re.compile(r"[\s.\-]+")
_PLATE_PARTS = re.compile(r"^([A-Z]*)(\d*)([A-Z]*)$")
_NAME_CHARS = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ .,'\-])*$")


class IdentityError(ValueError):
    """A caller identity that does not pass. ``str(error)`` is the agent's message.

    Attributes:
        field: the form field at fault (``taxpayer_id``, ``name``, ``plate``, ``region``).
    """

    field = "identity"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field


class MissingField(IdentityError):
    """A required field is empty."""


class InvalidTaxpayerId(IdentityError):
    """Neither an NPWP (15 digits) nor a NIK (16 digits)."""

    field = "taxpayer_id"


class InvalidNPWP(InvalidTaxpayerId):
    """Fifteen characters that are not a usable NPWP."""


class InvalidNIK(InvalidTaxpayerId):
    """Sixteen digits that cannot be a NIK."""


class InvalidName(IdentityError):
    """A caller name that is not a name."""

    field = "name"


class InvalidPlate(IdentityError):
    """Not an Indonesian licence plate (kode wilayah, 1–4 angka, hingga 3 huruf)."""

    field = "plate"


class UnknownRegion(IdentityError):
    """Not one of the Samsat offices of Jawa Barat."""

    field = "region"


class InvalidIdentity(IdentityError):
    """Several fields failed at once; ``errors`` holds each, in form order."""

    def __init__(self, errors: tuple[IdentityError, ...]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))

    def by_field(self) -> dict[str, str]:
        """The first message per field, for showing beside each input."""
        found: dict[str, str] = {}
        for error in self.errors:
            found.setdefault(error.field, str(error))
        return found


@dataclass(frozen=True)
class CallerIdentity:
    """A validated caller identity, normalised for storage.

    DJP: ``id_kind`` and ``id_number`` (digits only), ``name`` optional.
    Samsat: ``name``, ``plate`` (``D 1234 ABC``) and ``region`` (office name).
    """

    desk: str
    name: str | None = None
    id_kind: str | None = None
    id_number: str | None = None
    plate: str | None = None
    region: str | None = None
    masked: bool = False

    def mask(self) -> CallerIdentity:
        """The same identity with the NPWP or NIK masked, for every view but the call's own."""
        if self.masked or self.id_number is None or self.id_kind is None:
            return replace(self, masked=True)
        return replace(self, id_number=mask_number(self.id_kind, self.id_number), masked=True)

    @property
    def id_display(self) -> str | None:
        """The NPWP formatted with its punctuation, the NIK as is (masked or not)."""
        if self.id_number is None:
            return None
        if self.id_kind == "npwp":
            return format_npwp(self.id_number)
        return self.id_number

    def summary(self) -> str:
        """One line for lists and escalations, e.g. ``NPWP 01.234.***.*-***.234``."""
        if self.desk == "djp":
            parts = [f"{(self.id_kind or '').upper()} {self.id_display}" if self.id_number else ""]
            if self.name:
                parts.append(self.name)
            return " · ".join(p for p in parts if p) or "-"
        return " · ".join(p for p in (self.name, self.plate, self.region) if p) or "-"

    def to_dict(self) -> dict[str, str | None]:
        return {
            "desk": self.desk,
            "name": self.name,
            "id_kind": self.id_kind,
            "id_number": self.id_number,
            "plate": self.plate,
            "region": self.region,
        }


# -- numbers -------------------------------------------------------------------------


def _digits(text: str, *, error: type[IdentityError], what: str) -> str:
    compact = _NUMBER_SEPARATORS.sub("", text or "")
    if not compact:
        raise MissingField(f"{what} wajib diisi", field=error.field)
    if not compact.isascii() or not compact.isdigit():
        raise error(f"{what} hanya boleh berisi angka (titik, strip dan spasi diabaikan)")
    return compact


def normalize_npwp(text: str) -> str:
    """The 15 digits of an NPWP, with or without its punctuation.

    >>> normalize_npwp("01.234.567.8-901.234")
    '012345678901234'

    Raises:
        MissingField: empty.
        InvalidNPWP: other characters, another length, or all zeros.
    """
    digits = _digits(text, error=InvalidNPWP, what="NPWP")
    if len(digits) != NPWP_DIGITS:
        raise InvalidNPWP(f"NPWP terdiri atas {NPWP_DIGITS} digit; yang dimasukkan {len(digits)}")
    if set(digits) == {"0"}:
        raise InvalidNPWP("NPWP 00.000.000.0-000.000 bukan NPWP penelepon; minta NPWP yang benar")
    return digits


def normalize_nik(text: str) -> str:
    """The 16 digits of a NIK, checked against its structure.

    A NIK is kode wilayah (6), tanggal lahir DDMMYY (6, women add 40 to the
    day) and a serial number (4).

    Raises:
        MissingField: empty.
        InvalidNIK: other characters, another length, or an impossible structure.
    """
    digits = _digits(text, error=InvalidNIK, what="NIK")
    if len(digits) != NIK_DIGITS:
        raise InvalidNIK(f"NIK terdiri atas {NIK_DIGITS} digit; yang dimasukkan {len(digits)}")
    if int(digits[:2]) not in NIK_PROVINCES:
        raise InvalidNIK(f"NIK tidak valid: kode provinsi {digits[:2]} tidak dikenal")
    day, month = int(digits[6:8]), int(digits[8:10])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        raise InvalidNIK(f"NIK tidak valid: digit 7–8 (tanggal lahir) bernilai {digits[6:8]}")
    if not 1 <= month <= 12:
        raise InvalidNIK(f"NIK tidak valid: digit 9–10 (bulan lahir) bernilai {digits[8:10]}")
    if digits[12:] == "0000":
        raise InvalidNIK("NIK tidak valid: empat digit terakhir tidak boleh 0000")
    return digits


def parse_taxpayer_id(text: str) -> tuple[str, str]:
    """``("npwp", 15 digits)`` or ``("nik", 16 digits)`` from what the agent typed.

    A 16-digit number that starts with 0 is the 16-digit form of a 15-digit
    NPWP (PMK 112/2022), so it is stored as that NPWP.

    >>> parse_taxpayer_id("3273 0101 9001 0001")
    ('nik', '3273010190010001')

    Raises:
        MissingField, InvalidTaxpayerId, InvalidNPWP, InvalidNIK.
    """
    digits = _digits(text, error=InvalidTaxpayerId, what="NPWP atau NIK")
    if len(digits) == NPWP_DIGITS:
        return "npwp", normalize_npwp(digits)
    if len(digits) == NIK_DIGITS and digits.startswith("0"):
        return "npwp", normalize_npwp(digits[1:])
    if len(digits) == NIK_DIGITS:
        return "nik", normalize_nik(digits)
    raise InvalidTaxpayerId(
        f"NPWP terdiri atas {NPWP_DIGITS} digit dan NIK {NIK_DIGITS} digit; "
        f"yang dimasukkan {len(digits)} digit"
    )


def format_npwp(digits: str) -> str:
    """``012345678901234`` → ``01.234.567.8-901.234`` (masked digits stay masked)."""
    if len(digits) != NPWP_DIGITS:
        return digits
    d = digits
    return f"{d[:2]}.{d[2:5]}.{d[5:8]}.{d[8]}-{d[9:12]}.{d[12:]}"


def mask_number(kind: str, digits: str) -> str:
    """Every digit but the last four replaced by ``*``.

    >>> mask_number("nik", "3273010190010001")
    '************0001'
    """
    if kind not in ID_KINDS:
        raise ValueError(f"unknown identity kind {kind!r}; valid: {', '.join(ID_KINDS)}")
    hidden = max(len(digits) - KEEP_VISIBLE, 0)
    return MASK * hidden + digits[hidden:]


def mask_digits(text: str) -> str:
    """Every digit of ``text`` but the last four replaced by ``*`` (for half-typed numbers).

    >>> mask_digits("01.234.567")
    '**.**4.567'
    """
    total = sum(ch.isdigit() for ch in text)
    seen = 0
    out = []
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - KEEP_VISIBLE else MASK)
        else:
            out.append(ch)
    return "".join(out)


def mask_text(text: str) -> str:
    """Mask every NPWP- or NIK-like number inside free text (questions, notes).

    A caller sometimes dictates their number as part of the question; views
    other than the call's own must not show it.
    """

    def hide(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        if len(digits) not in (NPWP_DIGITS, NIK_DIGITS):
            return match.group(0)
        return mask_number("nik", digits)

    return re.sub(r"\d[\d.\- ]{13,22}\d", hide, text)


# -- names, plates, offices --------------------------------------------------------


def normalize_name(text: str) -> str:
    """A person's name with spaces tidied.

    Raises:
        MissingField: empty.
        InvalidName: digits or symbols, or too long.
    """
    name = " ".join((text or "").split())
    if not name:
        raise MissingField("nama penelepon wajib diisi", field="name")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidName(f"nama terlalu panjang ({len(name)} karakter; maksimal {MAX_NAME_CHARS})")
    if not _NAME_CHARS.match(name):
        raise InvalidName("nama hanya boleh berisi huruf, spasi, titik, koma, apostrof dan strip")
    return name


def normalize_plate(text: str) -> str:
    """An Indonesian licence plate in its standard form.

    Kode wilayah (1–2 letters), a number of 1–4 digits not starting with 0,
    and up to 3 letters; any case, any spacing.

    >>> normalize_plate("d1234abc")
    'D 1234 ABC'
    >>> normalize_plate(" b  12 ")
    'B 12'

    Raises:
        MissingField: empty.
        InvalidPlate: with the part that is wrong.
    """
    compact = _PLATE_SEPARATORS.sub("", text or "").upper()
    if not compact:
        raise MissingField("nomor polisi wajib diisi", field="plate")
    example = "contoh: D 1234 ABC"
    if not compact.isascii() or not compact.isalnum():
        raise InvalidPlate(f"nomor polisi hanya boleh berisi huruf dan angka ({example})")
    parts = _PLATE_PARTS.match(compact)
    if parts is None:
        raise InvalidPlate(
            f"nomor polisi harus berurutan: kode wilayah, angka, lalu huruf ({example})"
        )
    region, number, suffix = parts.groups()
    if not region:
        raise InvalidPlate(f"nomor polisi harus diawali kode wilayah berupa huruf ({example})")
    if not number:
        raise InvalidPlate(f"nomor polisi harus memuat 1–4 angka setelah kode wilayah ({example})")
    if len(region) > 2:
        raise InvalidPlate(f"kode wilayah terdiri atas 1–2 huruf, bukan {region!r} ({example})")
    if len(number) > 4:
        raise InvalidPlate(f"angka nomor polisi paling banyak 4 digit, bukan {len(number)}")
    if number.startswith("0"):
        raise InvalidPlate("angka nomor polisi tidak diawali 0")
    if len(suffix) > 3:
        raise InvalidPlate(f"huruf di belakang angka paling banyak 3, bukan {len(suffix)}")
    return " ".join(p for p in (region, number, suffix) if p)


@cache
def samsat_offices(path: Path = OFFICES_FILE) -> tuple[str, ...]:
    """The Samsat offices of Jawa Barat, in form order (from ``desk/data``)."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return tuple(raw["offices"])


def check_region(name: str) -> str:
    """The office name as listed (case and spacing forgiven).

    Raises:
        MissingField: empty.
        UnknownRegion: not a Samsat office of Jawa Barat.
    """
    wanted = " ".join((name or "").split()).casefold()
    if not wanted:
        raise MissingField("wilayah Samsat wajib dipilih", field="region")
    for office in samsat_offices():
        if office.casefold() == wanted:
            return office
    raise UnknownRegion(f"{name!r} bukan kantor Samsat di Jawa Barat; pilih dari daftar")


# -- whole forms -------------------------------------------------------------------


def _attempt(errors: list[IdentityError], check: Callable[[str], _T], value: str) -> _T | None:
    try:
        return check(value)
    except IdentityError as exc:
        errors.append(exc)
        return None


def validate_identity(
    desk: str,
    *,
    taxpayer_id: str = "",
    name: str = "",
    plate: str = "",
    region: str = "",
) -> CallerIdentity:
    """Validate a desk's identity form as a whole.

    DJP needs ``taxpayer_id`` (NPWP or NIK); ``name`` is optional. Samsat needs
    ``name``, ``plate`` and ``region``.

    Raises:
        ValueError: unknown desk.
        IdentityError: the single failing field's precise error.
        InvalidIdentity: several fields failed; ``errors`` holds each.
    """
    if desk not in DESKS:
        raise ValueError(f"unknown desk {desk!r}; valid: {', '.join(DESKS)}")
    errors: list[IdentityError] = []
    if desk == "djp":
        parsed = _attempt(errors, parse_taxpayer_id, taxpayer_id)
        clean_name = _attempt(errors, normalize_name, name) if name.strip() else None
        identity = None
        if parsed is not None:
            kind, number = parsed
            identity = CallerIdentity(desk, name=clean_name, id_kind=kind, id_number=number)
    else:
        clean_name = _attempt(errors, normalize_name, name)
        clean_plate = _attempt(errors, normalize_plate, plate)
        office = _attempt(errors, check_region, region)
        identity = CallerIdentity(desk, name=clean_name, plate=clean_plate, region=office)
    if len(errors) == 1:
        raise errors[0]
    if errors or identity is None:
        raise InvalidIdentity(tuple(errors))
    return identity
