"""Arithmetic identities inside one report (rulebook B): T3-*, T4-SUM, T2-*.

Blank cells and tokens are read as 0 here (CELL-BLANK / CELL-NONNUM report them). Table-3 failures are traced
to a root cause (rulebook F.3 and T3-BALANCE-TOTALCOL): when one cell, changed by one amount, would repair every
failing identity it belongs to, that cell is reported once as an error and the identities it breaks are listed
as consequences (severity info, ``explains`` pointing at the root).
"""

from __future__ import annotations

from collections.abc import Iterator

from reviewer.checks.registry import Context, finding, rule
from reviewer.describe import describe, describe_identity, fmt_number
from reviewer.identities import BALANCE_ROWS, Failure, t3_failures_of, values_of
from reviewer.models import Finding
from reviewer.template import T3_COLUMN_KEYS, T3_COLUMNS, T4_BLOCKS, T4_COLUMNS

COL_NAME = dict(T3_COLUMNS)
T4_BLOCK_NAME = dict(T4_BLOCKS)


def _leaf_rows(ctx: Context) -> list[str]:
    return [r for r in ctx.report.t3.rows if r not in BALANCE_ROWS]


def t3_failures(ctx: Context) -> list[Failure]:
    """All failing table-3 identities, in dependency order (row sums, result totals, column balances); computed
    once per context (:func:`reviewer.identities.t3_failures_of`)."""
    cached = ctx.cache.get("t3_failures")
    if cached is None:
        t3 = ctx.report.t3
        cached = ctx.cache["t3_failures"] = t3_failures_of(values_of(t3)) if t3.ok else []
    return cached


def _identities_of(ctx: Context, row: str, col: str) -> list[tuple[str, str]]:
    ids = [("ROW", row)]
    if row in _leaf_rows(ctx) or row == "total_processed":
        ids.append(("RES", col))
    if row in BALANCE_ROWS:
        ids.append(("BAL", col))
    return ids


def root_causes(ctx: Context, failures: list[Failure]) -> list[tuple[tuple[str, str], float, list[Failure]]]:
    """Cells that alone explain two or more failures: ``((row, col), corrected_value, failures)``."""
    failing = {(f.kind, f.key): f for f in failures}
    candidates = []
    seen: set[tuple[str, str]] = set()
    for f in failures:
        for row, col, _ in f.cells:
            if (row, col) in seen:
                continue
            seen.add((row, col))
            ids = _identities_of(ctx, row, col)
            if not all(i in failing for i in ids) or len(ids) < 2:
                continue
            corrections = set()
            for i in ids:
                g = failing[i]
                sign = next(s for r, c, s in g.cells if r == row and c == col)
                # changing the cell by x changes (left - right) by sign * x; we need left - right == 0
                corrections.add(-(g.left - g.right) * sign)
            if len(corrections) == 1:
                x = corrections.pop()
                current = ctx.report.t3.rows[row][col].num()
                candidates.append(((row, col), current + x, [failing[i] for i in ids]))
    candidates.sort(key=lambda c: -len(c[2]))
    chosen = []
    used: set[tuple[str, str]] = set()
    for cell, value, fs in candidates:
        keys = {(f.kind, f.key) for f in fs}
        if keys & used:
            continue
        used |= keys
        chosen.append((cell, value, fs))
    return chosen


def _label(row: str, ctx: Context) -> str:
    from reviewer.describe import row_label

    return row_label("t3", row)


def _glued_note(ctx: Context, row: str) -> str:
    t3 = ctx.report.t3
    cells = t3.rows.get(row, {})
    if any(c.inferred for c in cells.values()):
        amb = [a for a in t3.ambiguities if a.row == row]
        if amb and any(_row_sum_holds(a) for a in amb[0].alternatives):
            alts = "；".join("/".join(a) for a in amb[0].alternatives[:3])
            return f"（该行数字连写为“{amb[0].printed}”，另可拆为：{alts}）"
        return "（该行数字连写，没有任何拆分能使六列之和等于总计，故按报告原样判为错误）"
    return ""


def _t3_findings(ctx: Context) -> list[Finding]:
    cached = ctx.cache.get("t3_findings")
    if cached is None:
        cached = ctx.cache["t3_findings"] = _compute_t3_findings(ctx)
    return cached


def _row_sum_holds(cells: list) -> bool:
    from reviewer.parse.split import to_number

    nums = [to_number(str(c)) or 0 for c in cells]
    return len(nums) == 7 and sum(nums[:6]) == nums[6]


def _compute_t3_findings(ctx: Context) -> list[Finding]:
    failures = t3_failures(ctx)
    if not failures:
        return []
    roots = root_causes(ctx, failures)
    explained: dict[tuple[str, str], tuple[str, bool]] = {}
    out: list[Finding] = []
    t3 = ctx.report.t3
    for (row, col), value, fs in roots:
        cell = t3.rows[row][col]
        first = min(fs, key=lambda f: ["ROW", "RES", "BAL"].index(f.kind))
        names = "、".join(
            describe_identity(f"{f.rule}:{f.key}")
            for f in sorted(fs, key=lambda f: ["ROW", "RES", "BAL"].index(f.kind))
        )
        msg = (
            f"表三“{_label(row, ctx)}”行“{COL_NAME[col]}”列{'空白' if cell.kind == 'blank' else '印为 ' + _fmt(cell.num())}，按勾稽关系应为 {_fmt(value)}；"
            f"这一处错误使 {len(fs)} 项勾稽关系不成立：{names}。{_glued_note(ctx, row)}"
        )
        root = finding(
            first.rule,
            msg,
            where=f"t3.{row}.{col}",
            figures={"printed": cell.gold(), "implied": value, "identities": [f"{f.rule}:{f.key}" for f in fs]},
            lines=[cell.line, t3.row_lines.get(row)],
        )
        root.explains = [f"{f.rule}:{f.key}" for f in fs if f is not first]
        out.append(root)
        for f in fs:
            explained[(f.kind, f.key)] = (f"{first.rule}:t3.{row}.{col}", f is first)
    rows_failing = {f.key for f in failures if f.kind == "ROW"}
    for f in failures:
        key = (f.kind, f.key)
        if key in explained:
            cause, primary = explained[key]
            if not primary:
                out.append(_failure_finding(ctx, f, severity="info", cause=cause))
            continue
        if f.key == "total" and f.kind in ("RES", "BAL"):
            # T3-BALANCE-TOTALCOL: with every row sum intact, the total column only repeats the applicant columns
            rows = BALANCE_ROWS if f.kind == "BAL" else tuple(t3.rows)
            if not any(r in rows_failing for r in rows) and any(
                x.kind == f.kind and x.key != "total" for x in failures
            ):
                out.append(
                    _failure_finding(ctx, f, severity="info", cause=f"{f.rule}:applicant columns (T3-BALANCE-TOTALCOL)")
                )
                continue
        out.append(_failure_finding(ctx, f))
    return out


def _cause_text(cause: str) -> str:
    if "T3-BALANCE-TOTALCOL" in cause:
        return "申请人各列的不平"
    rule, _, path = cause.partition(":")
    return describe(path) if path.startswith("t3.") else describe_identity(cause)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{fmt_number(x)}"


def _failure_finding(ctx: Context, f: Failure, severity: str | None = None, cause: str = "") -> Finding:
    t3 = ctx.report.t3
    lines = [t3.rows[r][c].line for r, c, _ in f.cells if r in t3.rows]
    suffix = f"（由{_cause_text(cause)}导致，见该项）" if cause else ""
    if f.kind == "ROW":
        msg = (
            f"表三“{_label(f.key, ctx)}”行：六类申请人之和为 {_fmt(f.left)}，总计列印为 {_fmt(f.right)}。"
            f"{_glued_note(ctx, f.key)}{suffix}"
        )
        where = f"t3.{f.key}"
        figures = {
            "sum_of_columns": f.left,
            "printed_total": f.right,
            "cells": {c: t3.rows[f.key][c].gold() for c in T3_COLUMN_KEYS},
        }
    elif f.kind == "RES":
        msg = f"表三“{COL_NAME[f.key]}”列：各项办理结果之和为 {_fmt(f.left)}，（七）总计印为 {_fmt(f.right)}。{suffix}"
        where = f"t3.*.{f.key}"
        figures = {"sum_of_outcomes": f.left, "printed_total_processed": f.right}
    else:
        msg = (
            f"表三“{COL_NAME[f.key]}”列：本年新收 + 上年结转 = {_fmt(f.left)}，"
            f"（七）总计 + 结转下年度 = {_fmt(f.right)}，不相等。{suffix}"
        )
        where = f"t3.*.{f.key}"
        figures = {"new_plus_carried_over": f.left, "processed_plus_carried_forward": f.right}
    fd = finding(f.rule, msg, severity=severity, where=where, figures=figures, lines=lines[:3] + lines[-1:])
    if cause:
        fd.explains = [cause]
    return fd


@rule("T3-ROW-SUM", "error", "表三每行总计 = 六类申请人之和", "rulebook B; table layout [K]")
def t3_row_sum(ctx: Context) -> Iterator[Finding]:
    """Row total = natural person + five organisation columns, for every numeric row of table 3."""
    yield from (f for f in _t3_findings(ctx) if f.rule == "T3-ROW-SUM")


@rule("T3-RESULT-TOTAL", "error", "表三（七）总计 = 各项办理结果之和", "rulebook B; single-outcome rule [K]")
def t3_result_total(ctx: Context) -> Iterator[Finding]:
    """R24 (（七）总计) = sum of the outcome leaves R03..R23 (FMT-2019: R03..R20 + 其他处理), per column."""
    yield from (f for f in _t3_findings(ctx) if f.rule == "T3-RESULT-TOTAL")


@rule("T3-COL-BALANCE", "error", "表三 一+二 = 三（七）+四", "rulebook B; template header note [V]")
def t3_col_balance(ctx: Context) -> Iterator[Finding]:
    """R01 + R02 = R24 + R25 in every column (the template's own 勾稽关系 note)."""
    yield from (f for f in _t3_findings(ctx) if f.rule == "T3-COL-BALANCE")


@rule("T3-SUBTOTAL", "error", "表三小计行 = 其细项之和", "rulebook B; variant handling [K]")
def t3_subtotal(ctx: Context) -> Iterator[Finding]:
    """Subtotal rows printed for （三）（四）（五）（六） equal the sum of their leaves (and are not double-counted)."""
    t3 = ctx.report.t3
    if not t3.ok:
        return
    for group, cells in t3.subtotals.items():
        leaves = [
            r for r in t3.rows if r.startswith(group + "_") or (group == "other_handling" and r.startswith("other_"))
        ]
        for c in T3_COLUMN_KEYS:
            if c not in cells or cells[c].kind != "number":
                continue  # a blank or symbol in a subtotal row is CELL-BLANK / CELL-NONNUM's business
            s = sum(t3.rows[r][c].num() for r in leaves)
            if s != cells[c].num():
                yield finding(
                    "T3-SUBTOTAL",
                    f"表三“{group}”小计行“{COL_NAME[c]}”列印为 {_fmt(cells[c].num())}，其细项之和为 {_fmt(s)}。",
                    where=f"t3.subtotal.{group}.{c}",
                    figures={"subtotal": cells[c].num(), "sum_of_leaves": s},
                    lines=[cells[c].line],
                )


@rule("T4-SUM", "error", "表四各块总计 = 维持+纠正+其他+尚未审结", "rulebook B; table layout [K]")
def t4_sum(ctx: Context) -> Iterator[Finding]:
    """For 行政复议, 未经复议直接起诉 and 复议后起诉: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结."""
    t4 = ctx.report.t4
    if not t4.ok:
        return
    for block, name in T4_BLOCKS:
        cells = t4.rows[block]
        s = sum(cells[c].num() for c, _ in T4_COLUMNS[:4])
        total = cells["total"]
        if s != total.num():
            parts = " + ".join(_fmt(cells[c].num()) for c, _ in T4_COLUMNS[:4])
            shown = "空白" if total.kind == "blank" else _fmt(total.num())
            yield finding(
                "T4-SUM",
                f"表四“{name}”：{parts} = {_fmt(s)}，总计印为 {shown}。",
                where=f"t4.{block}.total",
                figures={
                    "sum_of_results": s,
                    "printed_total": total.gold(),
                    "cells": {c: cells[c].gold() for c in cells},
                },
                lines=[total.line],
            )


@rule("T2-INFORCE-GE-ISSUED", "warning", "现行有效件数 ≥ 本年制发 − 本年废止", "rulebook B [K]")
def t2_inforce_ge_issued(ctx: Context) -> Iterator[Finding]:
    """规章 and 行政规范性文件: documents issued this year are normally still in force at 31 Dec."""
    t2 = ctx.report.t2
    if not t2.ok:
        return
    for row, name in (("rules", "规章"), ("normative_documents", "行政规范性文件")):
        cells = t2.rows.get(row, {})
        if not {"issued", "repealed", "in_force"} <= cells.keys():
            continue
        if any(cells[c].kind != "number" for c in ("issued", "repealed", "in_force")):
            continue
        issued, repealed, in_force = (cells[c].num() for c in ("issued", "repealed", "in_force"))
        if in_force < issued - repealed:
            yield finding(
                "T2-INFORCE-GE-ISSUED",
                f"表二“{name}”：现行有效 {_fmt(in_force)} 件，少于本年制发 {_fmt(issued)} − 本年废止 {_fmt(repealed)}。",
                where=f"t2.{row}",
                figures={"issued": issued, "repealed": repealed, "in_force": in_force},
                lines=[cells["in_force"].line],
            )


@rule("T2-STOCK-INYEAR", "warning", "现行有效件数不为负", "rulebook B [K]")
def t2_stock_inyear(ctx: Context) -> Iterator[Finding]:
    """现行有效件数 ≥ 0 (the comparison with last year's stock needs the previous report: batch review)."""
    t2 = ctx.report.t2
    if not t2.ok:
        return
    for row in ("rules", "normative_documents"):
        cell = t2.cell(row, "in_force")
        if cell is not None and cell.kind == "number" and cell.num() < 0:
            yield finding(
                "T2-STOCK-INYEAR",
                f"表二现行有效件数为负数（{_fmt(cell.num())}）。",
                where=f"t2.{row}.in_force",
                figures={"in_force": cell.num()},
                lines=[cell.line],
            )
