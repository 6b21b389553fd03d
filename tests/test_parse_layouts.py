"""Parsing our own fixtures: every cell of every layout comes back exactly, with its source line."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, SEED, manifest, needs_shared

from reviewer.goldcompare import compare_tables
from reviewer.pipeline import parse_file

MANIFEST = manifest()
WITH_TABLES = [
    name for name, e in MANIFEST.items() if e.get("tables") and any(e["tables"].get(t) for t in ("t2", "t3", "t4"))
]


@pytest.mark.parametrize("name", WITH_TABLES)
def test_fixture_tables_match_manifest_cell_for_cell(name: str) -> None:
    entry = MANIFEST[name]
    report = parse_file(FIXTURES / name)
    result = compare_tables(entry["tables"], report.gold_view())
    if entry["template"] == "FMT-2019" or "glued" in entry["layout"]:
        # table 2 of glued text cannot always be split by arithmetic (reported as an ambiguity instead)
        t3_t4 = [m for m in result.mismatches if not m[0].startswith("t2")]
        assert t3_t4 == []
    else:
        assert result.mismatches == []
    assert report.template == entry["template"]
    assert report.sections_present == entry["sections_present"]


def test_not_a_report_has_no_sections_and_no_tables() -> None:
    report = parse_file(FIXTURES / "not_a_report.txt")
    assert report.sections == []
    assert (report.t2.status, report.t3.status, report.t4.status) == ("absent", "absent", "absent")


def test_missing_tables_are_not_assessable_never_zero() -> None:
    report = parse_file(FIXTURES / "missing_tables_2022.txt")
    assert report.t2.status in ("absent", "replaced_by_text")
    assert report.t3.gold() is None and report.t4.gold() is None
    assert report.gold_view()["t3"] is None


def test_blank_zero_and_slash_stay_distinct() -> None:
    report = parse_file(FIXTURES / "defects_glued_2021.txt")
    row = report.t3.rows["carried_over"]
    assert [row[c].kind for c in ("natural_person", "commercial", "research", "public_interest")] == [
        "number",
        "number",
        "token",
        "number",
    ]
    assert row["research"].raw == "/" and row["research"].gold() == "/"
    assert row["commercial"].gold() == 0
    tab = parse_file(FIXTURES / "defects_tab_2023.txt")
    assert tab.t2.rows["coercion"]["decisions"].kind == "blank"
    assert tab.t2.rows["coercion"]["decisions"].gold() is None


@needs_shared
def test_seed_cells_carry_their_source_lines() -> None:
    r = parse_file(SEED)
    new = r.t3.rows["new_received"]
    assert [(new[c].gold(), new[c].line) for c in ("natural_person", "commercial", "total")] == [
        (18, 93),
        (0, 94),
        (18, 99),
    ]
    assert r.t3.rows["total_processed"]["total"].line == 349
    wrapped = r.t3.rows["not_processed_confirm_existing"]["total"]
    assert (wrapped.gold(), wrapped.line) == (0, 305)  # a cell wrapped onto the next line keeps the value's line
    assert (r.t2.rows["penalty"]["decisions"].gold(), r.t2.rows["penalty"]["decisions"].line) == (627, 55)
    assert [r.t2.rows["rules"][c].kind for c in ("issued", "repealed", "in_force")] == ["blank", "blank", "blank"]
    assert r.t4.rows["litigation_after_review"]["total"].gold() == 0


@needs_shared
def test_seed_sections_and_slips() -> None:
    r = parse_file(SEED)
    assert r.sections_present == {str(i): True for i in range(1, 7)}
    assert [(s.printed, s.expected, s.line) for s in r.heading_slips] == [
        ("2、", "二、", 21),
        ("3、", "三、", 71),
        ("（5）", "（五）", 15),
    ]
    assert (r.template, r.year, r.office) == ("FMT-2021", 2023, "林校路街道")
