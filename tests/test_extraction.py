"""Extraction confidence (issue 11 deliverable 6): a misread table is doubtful, raises PARSE-DOUBTFUL naming its
evidence, and its arithmetic and narrative findings are extraction issues -- never errors, never questions to the
office -- kept apart in the memo, the JSON memo and the batch summary. A report's own errors stay errors."""

from __future__ import annotations

import copy
import csv
import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES

from reviewer.ingest import document_from_bytes
from reviewer.memo import build_memo, render_markdown
from reviewer.parse import parse_document
from reviewer.parse.confidence import assess
from reviewer.pipeline import parse_file, review_file, review_report


def _html_with_a_cell_dropped() -> bytes:
    """word_fragment_2023.html with the third value cell of the （一）予以公开 row removed (its later cells move left)."""
    text = (FIXTURES / "word_fragment_2023.html").read_text(encoding="utf-8")
    row = re.search(r"<tr>(?:(?!</tr>).)*?（一）予以公开(?:(?!</tr>).)*?</tr>", text, re.S)
    cells = list(re.finditer(r"<td\b(?:(?!</td>).)*?</td>", row.group(0), re.S))
    value_cells = [c for c in cells if "予以公开" not in c.group(0) and "本年度办理结果" not in c.group(0)]
    drop = value_cells[2]
    a, b = row.start() + drop.start(), row.start() + drop.end()
    return (text[:a] + text[b:]).encode("utf-8")


def test_a_row_missing_a_cell_makes_table_3_doubtful_not_a_list_of_errors() -> None:
    review = review_report(parse_document(document_from_bytes(_html_with_a_cell_dropped(), "dropped.html")))
    t3 = review.report.t3
    assert t3.state == "doubtful"
    assert [e.kind for e in t3.evidence] == ["columns_missing", "identity_pattern"]
    doubtful = [f for f in review.findings if f.rule == "PARSE-DOUBTFUL"]
    assert [(f.where, f.severity.value, f.category) for f in doubtful] == [("t3", "warning", "extraction")]
    assert "表三提取存疑，请核对原件" in doubtful[0].message and "单元格少于列数" in doubtful[0].message
    on_t3 = [f for f in review.findings if f.where.startswith("t3") and f.rule != "PARSE-DOUBTFUL"]
    assert on_t3 and all(f.severity.value == "info" and f.category == "extraction" for f in on_t3)
    assert not [f for f in review.findings if f.severity.value == "error"]


def test_the_memo_keeps_extraction_issues_apart_and_asks_the_office_nothing_about_them() -> None:
    review = review_report(parse_document(document_from_bytes(_html_with_a_cell_dropped(), "dropped.html")))
    memo = build_memo(review)
    assert all(f.category == "report" for f in memo.findings)
    assert {f.rule for f in memo.extraction_issues} >= {"PARSE-DOUBTFUL", "T3-RESULT-TOTAL"}
    assert [t["state"] for t in memo.extraction] == ["read", "doubtful", "read"]
    assert not [q for q in memo.questions if "表三" in q]
    md = render_markdown(memo)
    assert "### 表格提取情况" in md and "- 表三：提取存疑，请核对原件（网页/Word 表格，按列名和行名读取）" in md
    assert "属于提取问题，不是报告的问题，不向报告机关提出" in md
    assert "表三提取存疑（见“表格提取情况”），其结果未计入" in md
    data = json.loads(memo.model_dump_json())
    assert data["schema_version"] == "1.1" and data["extraction"][1]["evidence"][0]["kind"] == "columns_missing"


def test_identity_pattern_names_the_move_that_repairs_it() -> None:
    """A row read one column to the right (its first cell empty, its total lost): every identity holds once the
    row moves back, so the table is doubtful with that evidence."""
    report = parse_file(FIXTURES / "clean_tab_2023.txt")
    t3 = copy.deepcopy(report.t3)
    row = t3.rows["granted"]
    keys = list(row)
    moved = [None] + [row[k] for k in keys[:-1]]
    from reviewer.parse.grid import blank_cell

    t3.rows["granted"] = {k: (c if c is not None else blank_cell()) for k, c in zip(keys, moved)}
    t3.evidence = []
    assess(t3)
    assert t3.state == "doubtful"
    assert t3.evidence[0].kind == "identity_pattern"
    assert "将“（一）予以公开”行的数值左移一列后全部成立" in t3.evidence[0].message


def test_a_reports_own_errors_stay_errors() -> None:
    """defects_tab_2023: one wrong leaf cell (T3-ROW-SUM) and a wrong table-4 total: read, not doubtful."""
    review = review_file(FIXTURES / "defects_tab_2023.txt")
    assert [t.state for t in (review.report.t2, review.report.t3, review.report.t4)] == ["read", "read", "read"]
    errors = sorted((f.rule, f.where) for f in review.findings if f.severity.value == "error")
    assert ("T3-ROW-SUM", "t3.unable_not_held.natural_person") in errors and (
        "T4-SUM",
        "t4.reconsideration.total",
    ) in errors
    assert not [f for f in review.findings if f.rule == "PARSE-DOUBTFUL"]


def test_reviewer_parse_reports_each_tables_extraction_state(tmp_path: Path) -> None:
    f = tmp_path / "dropped.html"
    f.write_bytes(_html_with_a_cell_dropped())
    p = subprocess.run(
        [sys.executable, "-m", "reviewer.cli", "parse", str(f)], capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 0, p.stderr
    extraction = json.loads(p.stdout)["extraction"]
    assert {k: v["state"] for k, v in extraction.items()} == {"t2": "read", "t3": "doubtful", "t4": "read"}
    assert extraction["t3"]["evidence"][0]["kind"] == "columns_missing"


def test_batch_summary_counts_extraction_issues_apart(tmp_path: Path) -> None:
    from reviewer.batch.runner import run_batch

    src = tmp_path / "in"
    src.mkdir()
    (src / "dropped.html").write_bytes(_html_with_a_cell_dropped())
    (src / "defects.txt").write_bytes((FIXTURES / "defects_tab_2023.txt").read_bytes())
    out = tmp_path / "out"
    run_batch([str(src)], out, jobs=1)
    with (out / "summary.csv").open(encoding="utf-8-sig") as fh:
        rows = {Path(r["file"]).name: r for r in csv.DictReader(fh)}
    assert (rows["dropped.html"]["doubtful_tables"], rows["dropped.html"]["n_error"]) == ("t3", "0")
    assert int(rows["dropped.html"]["n_extraction"]) >= 2
    assert (rows["defects.txt"]["doubtful_tables"], rows["defects.txt"]["n_extraction"]) == ("", "0")
    assert int(rows["defects.txt"]["n_error"]) >= 3
