"""Plain-Chinese names for cell paths, rule consequences and locations (used by findings, memo and CLI)."""

from __future__ import annotations

import re

from reviewer.template import (
    T2_ROWS_2019,
    T2_ROWS_2021,
    T3_COLUMNS,
    T3_ROWS_SINGLE_OTHER,
    T3_ROWS_SPLIT_OTHER,
    T4_BLOCKS,
    T4_COLUMNS,
)

_T3_ROWS = {s.key: s.label for s in T3_ROWS_SPLIT_OTHER + T3_ROWS_SINGLE_OTHER}
_T3_COLS = dict(T3_COLUMNS)
_T2_ROWS = {s.key: s.label for s in T2_ROWS_2021 + T2_ROWS_2019}
_T2_COLS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount_wan_yuan": "本年收费金额（万元）",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prev_year_items": "上一年项目数量",
    "change": "本年增/减",
    "items": "采购项目数量",
    "amount": "采购总金额",
}
_T4_BLOCKS = dict(T4_BLOCKS)
_T4_COLS = dict(T4_COLUMNS)
_GROUPS = {
    "denied_*": "（三）不予公开（合计）",
    "unable_*": "（四）无法提供（合计）",
    "not_processed_*": "（五）不予处理（合计）",
    "other_*": "（六）其他处理（合计）",
    "*": "各行",
}
IDENTITY = {
    "T3-ROW-SUM": "行合计（总计 = 六类申请人之和）",
    "T3-RESULT-TOTAL": "办理结果合计（（七）总计 = 各项结果之和）",
    "T3-COL-BALANCE": "收支平衡（一 + 二 = 三（七）+ 四）",
}


def row_label(table: str, row: str) -> str:
    """Printed template label of a row key (``t3``/``new_received`` -> ``一、本年新收政府信息公开申请数量``)."""
    if table == "t3":
        return _T3_ROWS.get(row) or _GROUPS.get(row, row)
    if table == "t2":
        return _T2_ROWS.get(row, row)
    if table == "t4":
        return _T4_BLOCKS.get(row, row)
    return row


def column_label(table: str, col: str) -> str:
    return {"t3": _T3_COLS, "t2": _T2_COLS, "t4": _T4_COLS}.get(table, {}).get(col, col)


def describe(path: str) -> str:
    """``t3.unable_not_held.natural_person`` -> ``表三“1.本机关不掌握相关政府信息”行“自然人”列``; ``line 16`` -> ``第16行``;
    ``section 5`` -> ``第五部分``; sums joined with ``+``."""
    if "+" in path:
        return " + ".join(describe(p) for p in path.split("+"))
    m = re.fullmatch(r"line (\d+)", path)
    if m:
        return f"第{m.group(1)}行"
    m = re.fullmatch(r"section (\d)", path)
    if m:
        return "第" + "一二三四五六"[int(m.group(1)) - 1] + "部分"
    parts = path.split(".")
    table = {"t2": "表二", "t3": "表三", "t4": "表四"}.get(parts[0])
    if table is None:
        return {
            "sections": "章节结构",
            "preamble": "前言",
            "title": "标题",
            "period": "统计期限",
            "signature": "落款",
            "body": "正文",
            "tables": "统计表",
        }.get(path, path)
    if len(parts) == 1:
        return table
    if parts[1] == "subtotal" and len(parts) >= 4:
        return f"{table}“{parts[2]}”小计行“{column_label(parts[0], parts[3])}”列"
    row = row_label(parts[0], parts[1])
    if len(parts) == 2:
        return f"{table}“{row}”行"
    col = column_label(parts[0], parts[2])
    if parts[1] == "*":
        return f"{table}“{col}”列"
    return f"{table}“{row}”行“{col}”列"


def describe_identity(ref: str) -> str:
    """``T3-RESULT-TOTAL:natural_person`` -> ``“自然人”列的办理结果合计（…）``."""
    rule, _, key = ref.partition(":")
    name = IDENTITY.get(rule, rule)
    if key in _T3_COLS:
        return f"“{_T3_COLS[key]}”列的{name}"
    if key in _T3_ROWS:
        return f"“{_T3_ROWS[key]}”行的{name}"
    if key.startswith("t3."):
        return describe(key) + f"（{rule}）"
    return f"{name}（{key}）" if key else name


def fmt_number(value: object) -> str:
    """A number as printed in a memo: integers plainly (``3985758``), decimals without exponent (``670.376375``)."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)
