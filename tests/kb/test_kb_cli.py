"""``sigap kb import|export|list|show|history`` through ``sigap.cli.main``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import kb.loader
from sigap.cli import main


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'db' / 'cli.sqlite'}"
    monkeypatch.setenv("SIGAP_DATABASE_URL", url)
    return url


@pytest.fixture
def kb_dir(tmp_path: Path, records: dict[str, dict[str, Any]], yaml_writer) -> Path:
    efin, spt, pkb = records.values()
    yaml_writer(tmp_path / "kb" / "djp.yaml", [efin, spt])
    yaml_writer(tmp_path / "kb" / "samsat.yaml", [pkb])
    return tmp_path / "kb"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_prints_counts_and_is_idempotent(db_url, kb_dir, capsys) -> None:
    code, out, _ = run(capsys, "kb", "import", str(kb_dir), "--actor", "tester")
    assert code == 0
    assert out.startswith("imported: 3 created, 0 new versions, 0 unchanged; published state kb-")

    code, out, _ = run(capsys, "kb", "import", str(kb_dir))
    assert code == 0
    assert "0 created, 0 new versions, 3 unchanged" in out
    assert Path(db_url.removeprefix("sqlite:///")).is_file()


def test_import_of_a_changed_file_reports_new_versions(
    db_url, kb_dir, records, yaml_writer, capsys
) -> None:
    run(capsys, "kb", "import", str(kb_dir))
    pkb = {**records["samsat-pkb-denda"], "keywords": ["denda pkb"]}
    yaml_writer(kb_dir / "samsat.yaml", [pkb])

    code, out, _ = run(capsys, "kb", "import", str(kb_dir), "--quiet")
    assert (code, out) == (0, "")

    code, out, _ = run(capsys, "kb", "history", "samsat-pkb-denda")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[:2] for line in lines] == [["v1", "retired"], ["v2", "published"]]


def test_import_with_errors_prints_each_problem_and_writes_nothing(
    db_url, kb_dir, records, yaml_writer, capsys
) -> None:
    spt = {**records["djp-spt-batas-waktu"], "category": "DJP-NOPE"}
    pkb = {**records["samsat-pkb-denda"], "questions": ["satu", "dua pertanyaan"]}
    yaml_writer(kb_dir / "djp.yaml", [records["djp-akun-lupa-efin"], spt])
    yaml_writer(kb_dir / "samsat.yaml", [pkb])

    code, out, err = run(capsys, "kb", "import", str(kb_dir), "--quiet")

    assert code == 1 and out == ""
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2
    assert "[djp-spt-batas-waktu] category: unknown category 'DJP-NOPE'" in errors[0]
    assert "[samsat-pkb-denda] questions: has 2 question variants" in errors[1]
    assert "FAILED: 2 errors; nothing written" in err
    code, out, err = run(capsys, "kb", "list")
    assert (code, out, err.strip()) == (0, "", "no articles match")


def test_import_defaults_to_the_shipped_kb_folder(
    db_url, kb_dir, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setattr(kb.loader, "DATA_DIR", kb_dir)

    code, out, _ = run(capsys, "kb", "import")

    assert code == 0 and "3 created" in out


def test_import_prints_warnings_unless_quiet(db_url, tmp_path, records, yaml_writer, capsys):
    efin = {**records["djp-akun-lupa-efin"], "answer": " ".join(["kata"] * 200)}
    path = yaml_writer(tmp_path / "long.yaml", [efin])

    code, _, err = run(capsys, "kb", "import", str(path))

    assert code == 0
    assert "warning: " in err and "200 words" in err


def test_export_to_stdout_and_file_then_reimport_is_byte_identical(
    db_url, kb_dir, tmp_path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    run(capsys, "kb", "import", str(kb_dir))
    code, stdout_export, _ = run(capsys, "kb", "export", "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in stdout_export.splitlines()]
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)

    first = tmp_path / "first.jsonl"
    code, _, err = run(capsys, "kb", "export", "--format", "jsonl", "--output", str(first))
    assert code == 0 and "exported 3 published articles" in err
    assert first.read_text(encoding="utf-8") == stdout_export

    monkeypatch.setenv("SIGAP_DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite'}")
    code, out, _ = run(capsys, "kb", "import", str(first))
    assert code == 0 and "3 created" in out
    second = tmp_path / "second.jsonl"
    run(capsys, "kb", "export", "--output", str(second))
    assert second.read_bytes() == first.read_bytes()


def test_export_to_an_unwritable_place_is_one_line(db_url, tmp_path, capsys) -> None:
    target = tmp_path / "missing-folder" / "kb.jsonl"

    code, _, err = run(capsys, "kb", "export", "--output", str(target))

    assert code == 1
    assert err.startswith(f"sigap: error: cannot write {target}:")
    assert len(err.strip().splitlines()) == 1


def test_list_filters(db_url, kb_dir, capsys) -> None:
    run(capsys, "kb", "import", str(kb_dir))

    code, out, err = run(capsys, "kb", "list")
    assert code == 0 and err.strip() == "3 articles"
    assert [line.split()[:3] for line in out.splitlines()] == [
        ["djp-akun-lupa-efin", "v1", "published"],
        ["djp-spt-batas-waktu", "v1", "published"],
        ["samsat-pkb-denda", "v1", "published"],
    ]
    _, out, _ = run(capsys, "kb", "list", "--desk", "samsat")
    assert [line.split()[0] for line in out.splitlines()] == ["samsat-pkb-denda"]
    _, out, _ = run(capsys, "kb", "list", "--category", "DJP-SPT", "--status", "published")
    assert [line.split()[0] for line in out.splitlines()] == ["djp-spt-batas-waktu"]
    _, out, _ = run(capsys, "kb", "list", "--status", "draft")
    assert out == ""


def test_show_prints_the_article_as_yaml(db_url, kb_dir, records, capsys) -> None:
    run(capsys, "kb", "import", str(kb_dir))

    code, out, _ = run(capsys, "kb", "show", "djp-akun-lupa-efin")
    assert code == 0
    shown = yaml.safe_load(out)
    assert shown["title"] == records["djp-akun-lupa-efin"]["title"]
    assert (shown["status"], shown["version"]) == ("published", 1)

    code, out, _ = run(capsys, "kb", "show", "djp-akun-lupa-efin", "--version", "1")
    assert code == 0 and yaml.safe_load(out) == shown


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "nope"], "no article 'nope' in the KB store"),
        (["show", "djp-akun-lupa-efin", "--version", "7"], "has no version 7"),
        (["history", "nope"], "no article 'nope' in the KB store"),
    ],
)
def test_unknown_ids_are_one_line_errors(db_url, kb_dir, capsys, argv, message) -> None:
    run(capsys, "kb", "import", str(kb_dir))

    code, out, err = run(capsys, "kb", *argv)

    assert (code, out) == (1, "")
    assert err.startswith("sigap: error: ") and message in err
    assert len(err.strip().splitlines()) == 1


def test_an_unreachable_database_is_one_line_without_its_password(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    url = "postgresql+psycopg://sigap:s3cret@127.0.0.1:1/nowhere?connect_timeout=2"
    monkeypatch.setenv("SIGAP_DATABASE_URL", url)

    code, _, err = run(capsys, "kb", "list")

    assert code == 1
    assert err.startswith("sigap: error: database postgresql+psycopg://sigap:***@127.0.0.1:1/")
    assert "s3cret" not in err and len(err.strip().splitlines()) == 1
