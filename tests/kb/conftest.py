"""KB test fixtures: stores on every backend, and a few hand-written articles."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine

from kb.schema import Article
from kb.store import KBStore
from sigap import testing as db_testing
from sigap.db import upgrade_database

# Database fixtures shared with other packages' tests (registered by name here).
db_backend = db_testing.db_backend
fresh_engine = db_testing.fresh_engine

RECORDS: dict[str, dict[str, Any]] = {
    "djp-akun-lupa-efin": {
        "id": "djp-akun-lupa-efin",
        "desk": "djp",
        "category": "DJP-AKUN",
        "title": "Bagaimana jika saya lupa EFIN?",
        "questions": [
            "lupa efin gmn",
            "efin hilang harus apa",
            "cara minta nomor efin lagi",
            "tidak ingat efin untuk login djp online",
        ],
        "answer": "Bapak/Ibu dapat meminta EFIN kembali melalui email atau live chat "
        "Kring Pajak dengan menyebutkan NIK dan data diri.",
        "legal_basis": ["PER-04/PJ/2020"],
        "verified_on": "2025-06-01",
    },
    "djp-spt-batas-waktu": {
        "id": "djp-spt-batas-waktu",
        "desk": "djp",
        "category": "DJP-SPT",
        "title": "Kapan batas waktu lapor SPT Tahunan orang pribadi?",
        "questions": [
            "batas lapor spt kapan",
            "deadline spt tahunan pribadi",
            "spt orang pribadi paling lambat tanggal berapa",
            "telat lapor spt bulan april kena denda?",
        ],
        "answer": "SPT Tahunan orang pribadi dilaporkan paling lambat tiga bulan setelah "
        "akhir tahun pajak, yaitu 31 Maret.",
        "legal_basis": ["UU KUP Pasal 3"],
        "keywords": ["spt", "deadline"],
        "verified_on": "2025-06-01",
    },
    "samsat-pkb-denda": {
        "id": "samsat-pkb-denda",
        "desk": "samsat",
        "category": "SAMSAT-PKB",
        "title": "Berapa denda telat bayar pajak kendaraan?",
        "questions": [
            "telat bayar pkb dendanya brp",
            "denda pajak motor terlambat",
            "kalau pajak mobil lewat jatuh tempo kena apa",
            "sanksi administrasi pkb terlambat",
        ],
        "answer": "Keterlambatan pembayaran PKB dikenakan sanksi administratif sesuai "
        "peraturan daerah; agen mengecek besarannya di sistem Samsat.",
        "requires_validation": True,
        "region": "Jawa Barat",
        "verified_on": "2025-06-01",
    },
}


@pytest.fixture
def records() -> dict[str, dict[str, Any]]:
    """Three valid article records (plain dicts, as in a YAML file), fresh per test."""
    return copy.deepcopy(RECORDS)


@pytest.fixture
def articles(records: dict[str, dict[str, Any]]) -> list[Article]:
    """The same three articles, validated."""
    return [Article.model_validate(r) for r in records.values()]


@pytest.fixture
def store_factory(fresh_engine: Callable[[], Engine]) -> Callable[[], KBStore]:
    """A factory of empty, migrated stores on the backend under test."""

    def make() -> KBStore:
        engine = fresh_engine()
        upgrade_database(engine)
        return KBStore(engine)

    return make


@pytest.fixture
def store(store_factory: Callable[[], KBStore]) -> KBStore:
    """An empty, migrated store (SQLite, and PostgreSQL when configured)."""
    return store_factory()


def write_yaml(path: Path, articles: list[dict[str, Any]]) -> Path:
    """Write ``articles`` as an article file at ``path``; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump({"articles": articles}, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def yaml_writer() -> Callable[[Path, list[dict[str, Any]]], Path]:
    """:func:`write_yaml`, as a fixture (test folders are not packages)."""
    return write_yaml
