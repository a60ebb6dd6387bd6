"""``kb.validate.validate_paths``: every kind of error, located at its file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kb.validate import validate_paths


def only_error(path: Path) -> Any:
    report = validate_paths(path)
    assert not report.ok
    (error,) = report.errors
    return error


def test_valid_articles_pass(tmp_path: Path, records: dict[str, Any], yaml_writer) -> None:
    path = yaml_writer(tmp_path / "kb.yaml", list(records.values()))

    report = validate_paths(path)

    assert report.ok and report.problems == ()
    assert [a.id for a in report.articles] == list(records)


def test_unknown_category(tmp_path: Path, records: dict[str, Any], yaml_writer) -> None:
    efin = {**records["djp-akun-lupa-efin"], "category": "DJP-EFIN"}
    path = yaml_writer(tmp_path / "kb.yaml", [efin])

    error = only_error(path)

    assert (error.article_id, error.field, error.line) == (efin["id"], "category", 2)
    assert error.message.startswith("unknown category 'DJP-EFIN'; valid: DJP-REG")


def test_missing_answer(tmp_path: Path, records: dict[str, Any], yaml_writer) -> None:
    efin, spt, _ = records.values()
    del spt["answer"]
    path = yaml_writer(tmp_path / "kb.yaml", [efin, spt])

    error = only_error(path)

    assert (error.article_id, error.field, error.message) == (
        spt["id"],
        "answer",
        "required field is missing",
    )
    assert error.line == path.read_text().splitlines().index(f"- id: {spt['id']}") + 1


def test_duplicate_id(tmp_path: Path, records: dict[str, Any], yaml_writer) -> None:
    efin, spt, _ = records.values()
    yaml_writer(tmp_path / "kb" / "a.yaml", [efin])
    copy = {**spt, "id": efin["id"]}
    second = yaml_writer(tmp_path / "kb" / "b.yaml", [copy])

    error = only_error(tmp_path / "kb")

    assert (error.path, error.line, error.field) == (str(second), 2, "id")
    assert error.message == f"duplicate id (first at {tmp_path / 'kb' / 'a.yaml'}:2)"


def test_fewer_than_four_questions(tmp_path: Path, records: dict[str, Any], yaml_writer) -> None:
    efin = records["djp-akun-lupa-efin"]
    efin["questions"] = efin["questions"][:3]
    path = yaml_writer(tmp_path / "kb.yaml", [efin])

    error = only_error(path)

    assert (error.field, error.message) == ("questions", "has 3 question variants; at least 4")


def test_near_duplicate_question_across_articles(
    tmp_path: Path, records: dict[str, Any], yaml_writer
) -> None:
    efin, spt, _ = records.values()
    spt["questions"][2] = "Lupa EFIN, gmn?"
    path = yaml_writer(tmp_path / "kb.yaml", [efin, spt])

    error = only_error(path)

    assert (error.article_id, error.field) == (efin["id"], "questions")
    assert "near-duplicate question" in error.message
    assert f"also in article {spt['id']}" in error.message


def test_malformed_yaml_reports_its_line(tmp_path: Path) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text(
        "articles:\n"
        "  - id: djp-akun-lupa-efin\n"
        "    title: Bagaimana jika lupa EFIN?\n"
        "    answer: Bapak/Ibu: silakan\n"
        "    desk: djp\n",
        encoding="utf-8",
    )

    error = only_error(path)

    assert error.path == str(path)
    assert error.message.startswith("malformed YAML")
    assert error.line == 4


def test_malformed_yaml_in_one_file_does_not_hide_others(
    tmp_path: Path, records: dict[str, Any], yaml_writer
) -> None:
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "bad.yaml").write_text("articles:\n  - id: [x\n", encoding="utf-8")
    yaml_writer(tmp_path / "kb" / "good.yaml", [records["djp-akun-lupa-efin"]])

    report = validate_paths(tmp_path / "kb")

    assert [a.id for a in report.articles] == ["djp-akun-lupa-efin"]
    assert [(Path(e.path).name, e.line) for e in report.errors] == [("bad.yaml", 3)]


def test_unknown_field(tmp_path: Path, records: dict[str, Any], yaml_writer) -> None:
    efin = {**records["djp-akun-lupa-efin"], "legal_bases": ["PMK 81 Tahun 2024"]}
    path = yaml_writer(tmp_path / "kb.yaml", [efin])

    error = only_error(path)

    assert (error.field, error.message) == ("legal_bases", "unknown field (typo?)")


def test_desk_category_mismatch(tmp_path: Path, records: dict[str, Any], yaml_writer) -> None:
    pkb = {**records["samsat-pkb-denda"], "desk": "djp"}
    path = yaml_writer(tmp_path / "kb.yaml", [pkb])

    error = only_error(path)

    assert error.article_id == pkb["id"]
    assert "category SAMSAT-PKB belongs to desk 'samsat', not 'djp'" in error.message


def test_long_answer_is_only_a_warning(
    tmp_path: Path, records: dict[str, Any], yaml_writer
) -> None:
    efin = {**records["djp-akun-lupa-efin"], "answer": " ".join(["kata"] * 181)}
    report = validate_paths(yaml_writer(tmp_path / "kb.yaml", [efin]))

    assert report.ok
    assert [(p.severity, p.field) for p in report.problems] == [("warning", "answer")]


def test_no_article_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()

    error = only_error(tmp_path / "empty")

    assert error.message == "no .yaml article files found"
