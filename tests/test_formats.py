"""HTML, PDF and DOCX input: cells come back exactly; broken files end in a one-line error, never a traceback.

DOCX reports are built here with python-docx from our own fixture data (fixtures/MANIFEST.json): one with merged
cells (group labels merged vertically, headers merged horizontally) and one whose table 3 is split into two tables.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import REAL, needs_shared

from evals.docx_sample import NARRATIVE, TABLES, build_docx
from reviewer.errors import InputError
from reviewer.goldcompare import compare_tables
from reviewer.ingest import document_from_bytes, sniff_format
from reviewer.parse import parse_document
from reviewer.pipeline import review_report


@pytest.mark.parametrize("split_t3", [False, True], ids=["merged-cells", "table-split-in-two"])
def test_docx_every_cell_comes_back_exactly(split_t3: bool) -> None:
    data = build_docx(split_t3)
    assert sniff_format(data) == "zip"
    report = parse_document(document_from_bytes(data, "report.docx"))
    result = compare_tables(TABLES, report.gold_view())
    assert result.mismatches == []
    assert report.sections_present == {str(i): True for i in range(1, 7)}
    assert report.t3.layout == "grid-labels"  # read by its column labels
    errors = [f.rule for f in review_report(report).findings if f.severity.value == "error"]
    assert errors == []


def test_docx_wrong_extension_still_works(tmp_path: Path) -> None:
    from reviewer.pipeline import parse_file

    f = tmp_path / "report.txt"
    f.write_bytes(build_docx(False))
    assert compare_tables(TABLES, parse_file(f).gold_view()).mismatches == []


def test_zip_that_is_not_a_docx() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("data.csv", "a,b\n1,2\n")
    with pytest.raises(InputError, match="not a Word document"):
        document_from_bytes(buf.getvalue(), "fake.docx")


def test_docx_zip_bomb_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<a/>")
        zf.writestr("word/media/big.bin", b"\0" * (210 * 1024 * 1024))
    with pytest.raises(InputError, match="over the .*-byte limit"):
        document_from_bytes(buf.getvalue(), "bomb.docx")


def test_old_doc_gets_convert_message() -> None:
    with pytest.raises(InputError, match="convert it to .docx"):
        document_from_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.doc")


def test_html_with_script_and_chrome() -> None:
    html = (
        "<html><head><title>x</title><script>var s='一、总体情况 二、主动公开政府信息情况';</script><style>p{}</style></head><body>"
        "<div class='nav'>首页 | 政务公开 | 分享到微信</div>"
        "<p>" + "</p><p>".join(NARRATIVE[:8]) + "</p>"
        "<script>document.write('<table><tr><td>予以公开</td><td>99</td></tr></table>')</script>"
        "</body></html>"
    ).encode("utf-8")
    doc = document_from_bytes(html, "page.html")
    text = "\n".join(ln.original for ln in doc.lines)
    assert "var s" not in text and "document.write" not in text and "p{}" not in text
    assert "首页" in text and doc.source_format == "html"


def test_html_table_spans_and_split_numbers() -> None:
    html = (
        "<html><body><p>三、收到和处理政府信息公开申请情况</p><table>"
        "<tr><td colspan='3' rowspan='2'>（本列数据的勾稽关系为：…）</td><td colspan='7'>申请人情况</td></tr>"
        "<tr><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>"
        "<tr><td colspan='3'>一、本年新收政府信息公开申请数量</td><td><span>1</span><span>2</span></td><td></td><td>0</td><td>0</td><td>0</td><td>0</td><td>12</td></tr>"
        "</table></body></html>"
    ).encode()
    doc = document_from_bytes(html, "t.html")
    row = next(ln for ln in doc.lines if "本年新收" in ln.original)
    assert row.original == "| 一、本年新收政府信息公开申请数量 |  |  | 12 |  | 0 | 0 | 0 | 0 | 12 |"


def test_html_page_without_report_is_not_a_report() -> None:
    html = "<html><body><h1>通知</h1><p>请于下周一参加会议。</p></body></html>".encode()
    report = parse_document(document_from_bytes(html, "n.html"))
    findings = review_report(report).findings
    assert [f.rule for f in findings] == ["STR-SECTIONS-PRESENT"] and report.is_report is False


def test_empty_html_page() -> None:
    with pytest.raises(InputError, match="holds no text"):
        document_from_bytes(b"<html><body><script>x=1</script></body></html>", "e.html")


@needs_shared
def test_pdf_cells_pages_and_table4_defect() -> None:
    from reviewer.pipeline import review_file

    review = review_file(REAL / "2023_huaian-hongzequ.pdf")
    report = review.report
    cell = report.t4.rows["reconsideration"]["upheld"]
    assert cell.gold() == 10
    line = next(ln for ln in report.lines if ln.number == cell.line)
    assert line.page == 4
    t4 = sorted((f.where, f.figures["sum_of_results"]) for f in review.findings if f.rule == "T4-SUM")
    assert t4 == [("t4.litigation_after_review.total", 5), ("t4.reconsideration.total", 11)]


@needs_shared
def test_broken_pdfs_end_in_one_line_errors(tmp_path: Path) -> None:
    import pypdf

    source = (REAL / "2024_huaian-shi.pdf").read_bytes()
    with pytest.raises(InputError) as err:
        document_from_bytes(source[: len(source) // 3], "truncated.pdf")
    assert "\n" not in str(err.value)

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(source)))
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(InputError, match="encrypted"):
        document_from_bytes(buf.getvalue(), "locked.pdf")

    empty = pypdf.PdfWriter()
    buf = io.BytesIO()
    empty.write(buf)
    with pytest.raises(InputError, match="no pages"):
        document_from_bytes(buf.getvalue(), "zero.pdf")


@needs_shared
def test_pdf_without_text_layer(tmp_path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(InputError, match="no text layer"):
        document_from_bytes(buf.getvalue(), "scan.pdf")


@needs_shared
def test_parse_json_gives_pdf_pages() -> None:
    import json
    import subprocess
    import sys

    p = subprocess.run(
        [sys.executable, "-m", "reviewer.cli", "parse", str(REAL / "2023_huaian-hongzequ.pdf")],
        capture_output=True,
        text=True,
    )
    data = json.loads(p.stdout)
    cell = data["provenance"]["t4"]["rows"]["reconsideration"]["upheld"]
    assert (cell["raw"], data["line_pages"][str(cell["line"])]) == ("10", 4)
