import io
import json

import pytest

from sigap.cli import main
from suggest import engine as engine_mod
from suggest.engine import MAX_QUERY_CHARS


@pytest.fixture
def served(tiny_index, monkeypatch):
    """Point the CLI at the tiny index (read-only)."""
    monkeypatch.setenv("SIGAP_INDEX_DIR", str(tiny_index / "index"))
    return tiny_index


def test_missing_index_is_a_one_line_error_with_the_fix(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SIGAP_INDEX_DIR", str(tmp_path / "nothing"))
    assert main(["suggest", "lupa efin gmn"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "sigap index build" in err


def test_human_and_json_output(served, capsys):
    assert main(["suggest", "lupa", "efin", "gmn"]) == 0
    out = capsys.readouterr().out
    assert "djp-akun-lupa-efin" in out and "Kategori: DJP-AKUN" in out
    assert main(["suggest", "--json", "--k", "2", "lupa efin gmn"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["query"] == "lupa efin gmn"
    assert len(record["suggestions"]) == 2
    assert record["suggestions"][0]["article_id"] == "djp-akun-lupa-efin"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["suggest", ""], "empty query"),
        (["suggest", "x" * (MAX_QUERY_CHARS + 5)], "limit"),
        (["suggest", "--k", "0", "efin"], "--k"),
        (["suggest", "--batch", "-"], "--json"),
        (["suggest"], "no query"),
    ],
)
def test_usage_and_input_errors_exit_2(served, capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_batch_keeps_order_and_reports_bad_lines(served, tmp_path, capsys, monkeypatch):
    loads = []
    real_load = engine_mod.Engine.load.__func__

    def counting_load(cls, *args, **kwargs):
        loads.append(1)
        return real_load(cls, *args, **kwargs)

    monkeypatch.setattr(engine_mod.Engine, "load", classmethod(counting_load))
    batch = tmp_path / "q.txt"
    batch.write_text(
        "stnk ilang\n\ntarif ppn\n" + "y" * (MAX_QUERY_CHARS + 1) + "\n", encoding="utf-8"
    )
    assert main(["suggest", "--json", "--batch", str(batch)]) == 1
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r.get("error") is None for r in lines] == [True, False, True, False]
    assert lines[0]["suggestions"][0]["article_id"] == "samsat-stnk-hilang"
    assert lines[1]["line"] == 2 and "empty" in lines[1]["error"]
    assert loads == [1]  # the index is loaded once for the whole batch


def test_batch_from_standard_input(served, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("lupa efin gmn\nbrp tarif ppn\n"))
    assert main(["suggest", "--json", "--batch", "-"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["query"] for r in lines] == ["lupa efin gmn", "brp tarif ppn"]


def test_unreadable_batch_file(served, tmp_path, capsys):
    assert main(["suggest", "--json", "--batch", str(tmp_path / "missing.txt")]) == 2
    assert "cannot read batch file" in capsys.readouterr().err
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert main(["suggest", "--json", "--batch", str(binary)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
