"""Build a DOCX annual report from our own fixture data (fixtures/MANIFEST.json, clean_spaced_2023.txt).

Used by tests/test_formats.py (merged cells, a table 3 split into two tables) and by evals/bench_formats.py.
Needs python-docx.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from reviewer.template import T3_COLUMNS, T3_ROWS_SPLIT_OTHER, T4_BLOCKS, T4_COLUMNS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def manifest() -> dict[str, dict]:
    data = json.loads((FIXTURES / "MANIFEST.json").read_text(encoding="utf-8"))
    return {e["file"]: e for e in data["fixtures"]}


ENTRY = manifest()["clean_spaced_2023.txt"]
TABLES = ENTRY["tables"]
NARRATIVE = [
    ln
    for ln in (FIXTURES / "clean_spaced_2023.txt").read_text(encoding="utf-8").splitlines()
    if not any(ch.isdigit() for ch in ln[-3:]) or "年" in ln
]


def _v(value) -> str:
    return "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))


def _add_t3(doc, rows: list, merged: bool) -> None:
    table = doc.add_table(rows=0, cols=10)
    header = table.add_row().cells
    header[0].merge(header[2]).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    header[3].merge(header[9]).text = "申请人情况"
    sub = table.add_row().cells
    sub[3].text, sub[9].text = "自然人", "总计"
    sub[4].merge(sub[8]).text = "法人或其他组织"
    names = table.add_row().cells
    for i, (_, name) in enumerate(T3_COLUMNS[1:6]):
        names[4 + i].text = name
    group_start: dict[str, object] = {}
    for spec in rows:
        cells = table.add_row().cells
        values = TABLES["t3"][spec.key]
        for i, (col, _) in enumerate(T3_COLUMNS):
            cells[3 + i].text = _v(values[col])
        label = spec.label
        if spec.group in ("denied", "unable", "not_processed", "other_handling") and merged:
            cells[2].text = label
            first = group_start.get(spec.group)
            if first is None:
                group_start[spec.group] = cells[1]
                cells[1].text = {
                    "denied": "（三）不予公开",
                    "unable": "（四）无法提供",
                    "not_processed": "（五）不予处理",
                    "other_handling": "（六）其他处理",
                }[spec.group]
            else:
                first.merge(cells[1])
        elif spec.group == "outcomes":
            cells[1].merge(cells[2]).text = label
        else:
            cells[0].merge(cells[2]).text = label


def build_docx(split_t3: bool) -> bytes:
    import docx

    doc = docx.Document()
    for line in NARRATIVE:
        if line.startswith("三、收到和处理"):
            break
        if line.strip() and not line.startswith(("规章", "行政", "信息内容", "第二十条", "- ")):
            doc.add_paragraph(line)
    t2 = doc.add_table(rows=0, cols=4)
    for label, key in (("规章", "rules"), ("行政规范性文件", "normative_documents")):
        cells = t2.add_row().cells
        cells[0].text = label
        for i, col in enumerate(("issued", "repealed", "in_force")):
            cells[1 + i].text = _v(TABLES["t2"][key][col])
    for label, key, col in (
        ("行政许可", "licensing", "decisions"),
        ("行政处罚", "penalty", "decisions"),
        ("行政强制", "coercion", "decisions"),
        ("行政事业性收费", "admin_fees", "amount_wan_yuan"),
    ):
        cells = t2.add_row().cells
        cells[0].text = label
        cells[1].merge(cells[3]).text = _v(TABLES["t2"][key][col])
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    rows = list(T3_ROWS_SPLIT_OTHER)
    if split_t3:
        _add_t3(doc, rows[:12], merged=True)
        doc.add_paragraph("")
        _add_t3(doc, rows[12:], merged=True)
    else:
        _add_t3(doc, rows, merged=True)
    doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t4 = doc.add_table(rows=0, cols=15)
    head = t4.add_row().cells
    head[0].merge(head[4]).text = "行政复议"
    head[5].merge(head[14]).text = "行政诉讼"
    names = t4.add_row().cells
    for b in range(3):
        for i, (_, name) in enumerate(T4_COLUMNS):
            names[b * 5 + i].text = name
    data = t4.add_row().cells
    for b, (block, _) in enumerate(T4_BLOCKS):
        for i, (col, _) in enumerate(T4_COLUMNS):
            data[b * 5 + i].text = _v(TABLES["t4"][block][col])
    tail = False
    for line in NARRATIVE:
        if line.startswith("五、"):
            tail = True
        if tail and line.strip():
            doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
