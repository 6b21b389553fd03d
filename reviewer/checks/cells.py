"""Cell hygiene (rulebook C.3): CELL-BLANK, CELL-NONNUM, CELL-NEG, CELL-NONINT, CELL-UNIT-FEE, CELL-NORMALISE."""

from __future__ import annotations

from collections.abc import Iterator

from reviewer.checks.registry import Context, finding, rule
from reviewer.describe import fmt_number
from reviewer.models import Cell, Finding, Table
from reviewer.template import T2_ROWS_2019, T2_ROWS_2021

TABLE_NAME = {"t2": "表二", "t3": "表三", "t4": "表四"}


def _cells(table: Table) -> list[tuple[str, str, Cell]]:
    """``(row, column, cell)`` of a parsed table, flattened once per table (cached on the table object)."""
    if not table.ok:
        return []
    cached = table.__dict__.get("_flat_cells")
    if cached is None or cached[0] is not table.rows:
        cached = (table.rows, [(row, col, cell) for row, cols in table.rows.items() for col, cell in cols.items()])
        table.__dict__["_flat_cells"] = cached
    return cached[1]


def _tables(ctx: Context) -> list[Table]:
    r = ctx.report
    return [r.t2, r.t3, r.t4]


@rule("CELL-BLANK", "warning", "数字单元格不留空", "rulebook C.3 [V]")
def cell_blank(ctx: Context) -> Iterator[Finding]:
    """Empty cells where a number is required (reviewers expect an explicit 0); one finding per table."""
    for t in _tables(ctx):
        blanks = [(row, col, cell) for row, col, cell in _cells(t) if cell.kind == "blank"]
        if not blanks:
            continue
        total = sum(1 for _ in _cells(t))
        paths = [f"{t.name}.{row}.{col}" for row, col, _ in blanks]
        from reviewer.describe import describe

        yield finding(
            "CELL-BLANK",
            f"{TABLE_NAME[t.name]}有 {len(blanks)}/{total} 个单元格空白（应填 0）："
            + "、".join(describe(p) for p in paths[:6])
            + ("等" if len(paths) > 8 else "")
            + "。",
            where=t.name,
            figures={"blank_cells": len(blanks), "cells": total, "paths": paths},
            lines=[c.line for _, _, c in blanks[:5]],
        )


@rule("CELL-NONNUM", "warning", "数字单元格不填符号或文字", "rulebook C.3 [V]")
def cell_nonnum(ctx: Context) -> Iterator[Finding]:
    """'/', '-', '—', '无', '不涉及' in numeric cells; '/' is accepted in the 规章 row (organs without rule-making power)."""
    for t in _tables(ctx):
        for row, col, cell in _cells(t):
            if cell.kind != "token":
                continue
            if t.name == "t2" and row == "rules" and cell.raw in ("/", "／"):
                continue
            from reviewer.describe import describe

            yield finding(
                "CELL-NONNUM",
                f"{describe(f'{t.name}.{row}.{col}')}填写“{cell.raw}”而非数字。",
                where=f"{t.name}.{row}.{col}",
                figures={"printed": cell.raw},
                lines=[cell.line],
            )


def _describe(table: str, row: str, col: str) -> str:
    from reviewer.describe import describe

    return describe(f"{table}.{row}.{col}")


def _signed_ok(table: str, col: str) -> bool:
    return table == "t2" and col == "change"


@rule("CELL-NEG", "error", "不得为负数（2019 格式本年增/减除外）", "rulebook C.3 [V]")
def cell_neg(ctx: Context) -> Iterator[Finding]:
    """Negative numbers are errors except in the FMT-2019 本年增/减 column."""
    for t in _tables(ctx):
        for row, col, cell in _cells(t):
            if cell.kind == "number" and cell.num() < 0 and not _signed_ok(t.name, col):
                yield finding(
                    "CELL-NEG",
                    f"{_describe(t.name, row, col)}为负数 {cell.value}。",
                    where=f"{t.name}.{row}.{col}",
                    figures={"value": cell.value},
                    lines=[cell.line],
                )


def _decimal_cols() -> set[str]:
    return {c for spec in T2_ROWS_2021 + T2_ROWS_2019 for c in spec.decimal_columns}


@rule("CELL-NONINT", "error", "件数为整数", "rulebook C.3 [K]")
def cell_nonint(ctx: Context) -> Iterator[Finding]:
    """A non-integer in a count cell (only 万元 amounts may carry decimals)."""
    decimals = _decimal_cols()
    for t in _tables(ctx):
        for row, col, cell in _cells(t):
            if (
                cell.kind == "number"
                and isinstance(cell.value, float)
                and not cell.value.is_integer()
                and col not in decimals
            ):
                yield finding(
                    "CELL-NONINT",
                    f"{_describe(t.name, row, col)}为非整数 {cell.value}。",
                    where=f"{t.name}.{row}.{col}",
                    figures={"value": cell.value},
                    lines=[cell.line],
                )


@rule("CELL-UNIT-FEE", "warning", "收费金额以万元填报", "rulebook C.3 [V]")
def cell_unit_fee(ctx: Context) -> Iterator[Finding]:
    """本年收费金额 not in 万元: '元' written in the cell, or an amount so large (≥ 1,000,000 万元) that it is
    probably in 元."""
    t2 = ctx.report.t2
    cell = t2.cell("admin_fees", "amount_wan_yuan") if t2.ok else None
    if cell is None or cell.kind != "number":
        return
    if cell.raw.endswith("元") and not cell.raw.endswith("万元"):
        yield finding(
            "CELL-UNIT-FEE",
            f"行政事业性收费金额写作“{cell.raw}”，表头单位为万元。",
            where="t2.admin_fees.amount_wan_yuan",
            figures={"printed": cell.raw},
            lines=[cell.line],
        )
    elif cell.num() >= 1_000_000:
        yield finding(
            "CELL-UNIT-FEE",
            f"行政事业性收费金额 {cell.value} 万元（即 {fmt_number(cell.num() / 10000)} 亿元）异常偏大，疑为以元填报。",
            where="t2.admin_fees.amount_wan_yuan",
            figures={"value": cell.value},
            lines=[cell.line],
        )


@rule("CELL-NORMALISE", "info", "单元格经过规范化", "rulebook C.3 [K]")
def cell_normalise(ctx: Context) -> Iterator[Finding]:
    """Cells printed with full-width digits, thousands separators or glued digits were normalised or split;
    the original text is kept in the parse output."""
    inferred = [(t.name, row, col) for t in _tables(ctx) for row, col, cell in _cells(t) if cell.inferred]
    if inferred:
        yield finding(
            "CELL-NORMALISE",
            f"{len(inferred)} 个单元格的数字在原文中连写（无分隔），已按表内勾稽关系拆分。",
            where="tables",
            figures={"split_cells": len(inferred)},
        )
    for t in _tables(ctx):
        for amb in t.ambiguities:
            readings = [amb.chosen, *amb.alternatives]
            alts = "；".join("/".join(map(str, a)) for a in readings[:4])
            from reviewer.describe import row_label

            f = finding(
                "CELL-NORMALISE",
                f"{TABLE_NAME[t.name]}“{row_label(t.name, amb.row)}”行印为“{amb.printed}”（数字连写），"
                f"可读作 {alts}"
                + ("等" if len(readings) > 4 else "")
                + f"，共 {max(amb.count, len(readings))} 种，无法确定（{amb.reason}）；"
                "涉及这些单元格的核对结果不作为报告问题。",
                where=f"{t.name}.{amb.row}",
                figures={"printed": amb.printed, "readings": readings[:20], "count": max(amb.count, len(readings))},
                lines=[amb.line],
            )
            f.category = "extraction"
            yield f
