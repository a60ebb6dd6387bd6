"""``kb/categories.yaml`` agrees with the tables of ``shared/spec/matrix-category.md``."""

from __future__ import annotations

import re

import pytest

from kb.categories import OUT_OF_SCOPE, load_codes
from sigap.settings import REPO_ROOT

SPEC = REPO_ROOT.parent / "shared" / "spec" / "matrix-category.md"
SUBSECTION_DESK = {"Kring Pajak": "djp", "Samsat": "samsat"}
_CODE_CELL = re.compile(r"^\|\s*`([^`]+)`\s*\|")


def _sections(text: str, marker: str) -> dict[str, str]:
    """Markdown split at headings starting with ``marker`` (e.g. ``"## "``), by title."""
    parts = re.split(rf"^{re.escape(marker)}(.+)$", text, flags=re.MULTILINE)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def _table_codes(text: str) -> list[str]:
    """The back-quoted codes in the first column of every table row."""
    return [m.group(1) for line in text.splitlines() if (m := _CODE_CELL.match(line.strip()))]


@pytest.fixture(scope="module")
def spec_sections() -> dict[str, str]:
    if not SPEC.parent.is_dir():
        pytest.skip(f"the spec folder {SPEC.parent} is not beside this checkout")
    sections = _sections(SPEC.read_text(encoding="utf-8"), "## ")
    return {title.split(".")[0]: body for title, body in sections.items() if title[0].isdigit()}


def test_topics_match_section_1_by_desk(spec_sections: dict[str, str]) -> None:
    codes = load_codes()
    spec_desk = {}
    for title, body in _sections(spec_sections["1"], "### ").items():
        desk = next((d for name, d in SUBSECTION_DESK.items() if name in title), None)
        for code in _table_codes(body):
            spec_desk[code] = desk

    assert spec_desk, "no topic codes found in section 1"
    assert list(codes.kb_topics) == list(spec_desk)
    assert {c: codes.topic_desk[c] for c in codes.kb_topics} == spec_desk


def test_out_of_scope_code_is_named_in_section_1(spec_sections: dict[str, str]) -> None:
    codes = load_codes()

    assert f"`{OUT_OF_SCOPE}`" in spec_sections["1"]
    assert set(codes.topics) == {*codes.kb_topics, OUT_OF_SCOPE}
    assert codes.topic_desk[OUT_OF_SCOPE] == "none"


def test_jenis_match_section_2(spec_sections: dict[str, str]) -> None:
    assert list(load_codes().jenis) == _table_codes(spec_sections["2"])


def test_flags_match_section_3(spec_sections: dict[str, str]) -> None:
    assert list(load_codes().flags) == _table_codes(spec_sections["3"])


def test_every_code_has_a_description() -> None:
    codes = load_codes()
    descriptions = {**codes.topics, **codes.jenis, **codes.flags}

    assert all(isinstance(d, str) and len(d.split()) >= 5 for d in descriptions.values())


def test_topics_for_desk_refuses_an_unknown_desk() -> None:
    with pytest.raises(ValueError, match="valid desks: djp, samsat"):
        load_codes().topics_for_desk("pbb")
