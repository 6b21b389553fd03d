"""Extraction issues (issue 11): a misread table is an extraction issue, never an error of the office.

* :func:`finalise` completes each table's extraction state with the narrative evidence (every narrative figure that
  speaks about the table disagrees with it) before the rules run;
* PARSE-DOUBTFUL (warning) names each ``doubtful`` table and the evidence that decided it ("表三提取存疑，请核对原件");
* :func:`demote` turns every finding that rests on a ``doubtful`` table, or on a cell whose reading is ambiguous,
  into an ``info`` finding of category ``extraction``: it is listed apart in the memo, never counted as an error
  and never asked of the office.
"""

from __future__ import annotations

from collections.abc import Iterator

from reviewer.checks.registry import Context, finding, rule
from reviewer.models import Evidence, Finding, Severity, Table
from reviewer.parse.confidence import decide

TABLE_NAME = {"t2": "表二", "t3": "表三", "t4": "表四"}
#: Rules whose findings rest on table values (a finding of these on a doubtful table is an extraction issue).
_TABLE_RULE_PREFIXES = ("T2-", "T3-", "T4-", "CELL-", "PL-", "XS-", "STR-LABELS-EXACT", "STR-TEMPLATE-VERSION")
#: Of STR-TEMPLATE-VERSION, only the finding read from table 3's rows (one （六）其他处理 row) rests on the reading;
#: the FMT-2019 column labels it names are printed text whatever the values under them.
#: Rules of those families that do not read table values.
_NOT_TABLE_RULES = frozenset({"XS-NARR-INTERNAL", "XS-FEE-NOTICE-GE-PAID", "CELL-NORMALISE"})
#: Narrative figures about one table, all disagreeing and at least this many: the table is more likely misread.
MIN_DISAGREEING_FIGURES = 3


def finalise(ctx: Context) -> None:
    """Add narrative evidence to each table and decide its state again (once per context)."""
    if ctx.cache.get("extraction_final"):
        return
    ctx.cache["extraction_final"] = True
    from reviewer.checks.crosssection import compare_figures

    by_table: dict[str, list] = {}
    for c in compare_figures(ctx):
        if c.table_value is None or c.explained_by:
            continue
        name = c.figure.metric.split(".")[0]
        by_table.setdefault(name, []).append(c)
    for name, comps in by_table.items():
        table: Table = getattr(ctx.report, name)
        if not table.ok or len(comps) < MIN_DISAGREEING_FIGURES or any(c.agrees for c in comps):
            continue
        table.evidence.append(
            Evidence(
                kind="narrative_disagrees",
                message=f"正文中关于{TABLE_NAME[name]}的 {len(comps)} 个数字与读出的表格全部不符，表格可能未被正确读取",
                where=[c.figure.metric for c in comps][:10],
                lines=sorted({c.figure.line for c in comps})[:10],
            )
        )
        decide(table)


@rule("PARSE-DOUBTFUL", "warning", "表格提取存疑，请核对原件", "issue 11; extraction confidence [K]")
def parse_doubtful(ctx: Context) -> Iterator[Finding]:
    """A table whose reading is in question (state ``doubtful``: markup in cells, values outside the identified
    columns, a template column not identified, identities failing in a pattern no small set of wrong cells
    explains, narrative figures that all disagree). Its arithmetic and narrative findings are extraction issues."""
    finalise(ctx)
    for name in ("t2", "t3", "t4"):
        table: Table = getattr(ctx.report, name)
        if not table.doubtful:
            continue
        reasons = [e for e in table.evidence if e.message]
        text = "；".join(e.message for e in reasons[:4])
        f = finding(
            "PARSE-DOUBTFUL",
            f"{TABLE_NAME[name]}提取存疑，请核对原件：{text}。其勾稽关系和正文比对的结果只作提取问题列出，不作为报告问题。",
            where=name,
            figures={"state": table.state, "evidence": [e.kind for e in reasons]},
            lines=sorted({ln for e in reasons for ln in e.lines})[:10],
        )
        f.category = "extraction"
        yield f


def _tables_of(f: Finding) -> set[str]:
    return {part.split(".")[0] for part in f.where.split("+") if part.split(".")[0] in TABLE_NAME}


def _cells_of(table: Table, where: str) -> list:
    """Cells a finding's ``where`` names: ``t3.row.col``, ``t3.row`` (the row), ``t3.*.col`` (the column),
    ``t3.prefix_*.col`` (a group), ``t3`` (the table); for table-3 identities the row and the column of a cell."""
    out = []
    for part in where.split("+"):
        bits = part.split(".")
        if bits[0] != table.name:
            continue
        if len(bits) == 1:
            out.extend(c for cols in table.rows.values() for c in cols.values())
            continue
        row, col = bits[1], (bits[2] if len(bits) > 2 else None)
        rows = [r for r in table.rows if row == "*" or r == row or (row.endswith("*") and r.startswith(row[:-1]))]
        for r in rows:
            out.extend(c for k, c in table.rows[r].items() if col is None or k == col)
        if table.name == "t3" and col is not None and row != "*":
            out.extend(table.rows[r][col] for r in table.rows if col in table.rows[r])  # its column identities too
    return out


def rests_on_extraction(f: Finding, ctx: Context) -> str:
    """Why ``f`` rests on a doubtful reading ('' when it does not): the table is doubtful, or a cell it reads is
    ambiguous."""
    if f.category == "extraction" or not f.rule.startswith(_TABLE_RULE_PREFIXES) or f.rule in _NOT_TABLE_RULES:
        return ""
    if f.rule == "STR-TEMPLATE-VERSION" and not f.where.startswith("t3."):
        return ""
    for name in sorted(_tables_of(f)):
        table: Table = getattr(ctx.report, name)
        if table.doubtful:
            return f"{TABLE_NAME[name]}提取存疑"
        if table.state == "read_with_ambiguity" and any(c.ambiguous for c in _cells_of(table, f.where)):
            return f"{TABLE_NAME[name]}相关单元格的数字连写、拆分不唯一"
    return ""


def demote(findings: list[Finding], ctx: Context) -> list[Finding]:
    """Findings that rest on a doubtful or ambiguous reading become ``info`` extraction issues (in place)."""
    for f in findings:
        why = rests_on_extraction(f, ctx)
        if why:
            f.severity = Severity.info
            f.category = "extraction"
            f.message = f"（{why}，仅供核对原件）{f.message}"
            f.figures = dict(f.figures, extraction=why)
    return findings
