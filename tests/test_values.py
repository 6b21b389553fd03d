"""Values as printed in a cell (issue 11 deliverable 3): units, signed changes, separators, notes, Chinese numerals."""

from __future__ import annotations

import pytest

from reviewer.parse.values import read_value


@pytest.mark.parametrize(
    ("raw", "kind", "value", "unit", "note"),
    [
        ("12", "number", 12, "", ""),
        ("０", "number", 0, "", ""),
        ("", "blank", None, "", ""),
        ("  ", "blank", None, "", ""),
        ("/", "token", None, "", ""),
        ("—", "token", None, "", ""),
        ("无", "token", None, "", ""),
        ("不涉及", "token", None, "", ""),
        ("75394432.52元", "number", 75394432.52, "元", ""),
        ("2.02万元", "number", 2.02, "万元", ""),
        ("¥1,200", "number", 1200, "元", ""),
        ("+346", "number", 346, "", ""),
        ("-183", "number", -183, "", ""),
        ("－5", "number", -5, "", ""),
        ("减4", "number", -4, "", ""),
        ("增3", "number", 3, "", ""),
        ("减少2", "number", -2, "", ""),
        ("1,234", "number", 1234, "", ""),
        ("1，234", "number", 1234, "", ""),
        ("3 985 758", "number", 3985758, "", ""),
        ("55（含自然失效29件）", "number", 55, "", "含自然失效29件"),
        ("22 (其中修订16件)", "number", 22, "", "其中修订16件"),
        ("二九〇", "number", 290, "", ""),
        ("十二", "number", 12, "", ""),
        ("12件", "number", 12, "件", ""),
        ("12.46", "number", 12.46, "", ""),
    ],
)
def test_cell_values_are_read_as_printed(raw, kind, value, unit, note) -> None:
    v = read_value(raw)
    assert (v.kind, v.value, v.unit, v.note) == (kind, value, unit, note)


@pytest.mark.parametrize("raw", ["0 0", "12 3", "abc", "width:149px", "自然人"])
def test_text_that_is_not_one_value_stays_a_token(raw) -> None:
    """Two values in one cell, or words, are never read as a number."""
    assert read_value(raw).kind == "token"
