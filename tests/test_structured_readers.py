"""Readers robust to the producer of the file (issue 11): format by content, tables by their labels, values as
printed, table regions that end at any heading. Exact cells against the fixtures' MANIFEST (our own invented reports)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, GOLD, REAL, needs_shared

from reviewer.errors import InputError
from reviewer.goldcompare import compare_tables, load_gold
from reviewer.ingest import document_from_bytes, sniff_format
from reviewer.parse import parse_document
from reviewer.pipeline import parse_file, review_file, review_report

MANIFEST = {e["file"]: e for e in json.loads((FIXTURES / "MANIFEST.json").read_text(encoding="utf-8"))["fixtures"]}
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _tables(name: str) -> dict:
    return MANIFEST[name]["tables"]


def _parse_bytes(data: bytes, name: str = "x"):
    return parse_document(document_from_bytes(data, name))


# ------------------------------------------------------------------------------------------------ format by content
@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"<p class=MsoNormal style='text-indent:32.0pt'><span>\xe4\xb8\x80</span><o:p></o:p></p>" * 4, "html"),
        ((FIXTURES / "word_fragment_2023.html").read_bytes(), "html"),
        ((FIXTURES / "word_2019_2020.html").read_bytes(), "html"),
        (
            b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>x</p></body></html>',
            "html",
        ),
        (
            b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--b--\r\n',
            "mhtml",
        ),
        (b"{\\rtf1\\ansi x}", "rtf"),
        ("一、总体情况\n| 规章 | 0<br>件 |\n|---|---|\n| a | b |\n".encode(), "markdown"),
        ("一、总体情况\n本年收到申请 12 件。\n".encode(), "text"),
    ],
)
def test_format_is_recognised_by_content(data: bytes, fmt: str) -> None:
    assert sniff_format(data) == fmt


def test_markup_left_in_a_text_file_is_never_read_as_a_value() -> None:
    """A text report whose lines still carry tags (a crawler kept them): tag and attribute text is blanked, the
    cells are those printed."""
    text = (FIXTURES / "clean_tab_2023.txt").read_text(encoding="utf-8")
    tagged = text.replace("（一）予以公开", '<td style="width:149px;border:0px" colspan="2">（一）予以公开</td>', 1)
    report = _parse_bytes(tagged.encode("utf-8"), "tagged.txt")
    assert compare_tables(_tables("clean_tab_2023.txt"), report.gold_view()).mismatches == []


# ------------------------------------------------------------------------------------------------ the fixtures
@pytest.mark.parametrize(
    "name", ["word_fragment_2023.html", "word_2019_2020.html", "noborder_2024.pdf", "fee_heading_2022.txt"]
)
def test_structured_fixture_cells_are_exact_and_no_unplanted_error(name: str) -> None:
    review = review_file(FIXTURES / name)
    report = review.report
    assert compare_tables(_tables(name), report.gold_view()).mismatches == []
    assert [t.state for t in (report.t2, report.t3, report.t4)] == ["read", "read", "read"]
    planted = {e["rule"] for e in MANIFEST[name]["expected"]}
    assert sorted({f.rule for f in review.findings if f.severity.value != "info"} - planted) == []
    assert sorted(f.rule for f in review.findings if f.severity.value == "warning") == sorted(
        e["rule"] for e in MANIFEST[name]["expected"]
    )


def test_word_fragment_is_read_as_html_with_positioned_cells() -> None:
    report = parse_file(FIXTURES / "word_fragment_2023.html")
    assert report.source_format == "html" and report.t3.layout == "grid-labels"
    assert report.t3.columns["total"] == "总计" and report.t3.columns["public_interest"] == "社会公益组织"
    # numbers split over two <span>s ("4" + "6") are one value; an empty <o:p>&nbsp;</o:p> cell is not in this table
    assert report.t3.rows["new_received"]["natural_person"].value == 46


def test_values_as_printed_in_a_word_page() -> None:
    """FMT-2019 table 2 with irregular colspans, signed changes, separators, a note and an amount in 元."""
    t2 = parse_file(FIXTURES / "word_2019_2020.html").t2
    cell = t2.rows
    assert (cell["licensing"]["change"].raw, cell["licensing"]["change"].value) == ("+346", 346)
    assert (cell["other_services"]["change"].raw, cell["other_services"]["change"].value) == ("减4", -4)
    assert (cell["penalty"]["change"].raw, cell["penalty"]["change"].value) == ("-183", -183)
    assert (cell["coercion"]["change"].raw, cell["coercion"]["change"].value) == ("增3", 3)
    assert (cell["licensing"]["decisions"].raw, cell["licensing"]["decisions"].value) == ("1,236", 1236)
    total = cell["normative_documents"]["total_published"]
    assert (total.value, total.note) == (55, "含自然失效29件")
    amount = cell["procurement"]["amount"]
    assert (amount.value, amount.unit) == (75394432.52, "元")


@pytest.mark.parametrize("name", ["fee_heading_2022.txt", "word_fragment_2023.html"])
def test_a_non_template_heading_after_table_4_ends_the_table(name: str) -> None:
    """'五、信息处理费收取情况' with its own 0 0 0 after table 4: not table-4 cells, and table 4 is not doubtful."""
    report = parse_file(FIXTURES / name)
    assert (
        [report.t4.rows[b]["total"].value for b in ("reconsideration", "litigation_direct", "litigation_after_review")]
        == [1, 0, 0]
        if name.startswith("fee")
        else [4, 1, 1]
    )
    assert report.t4.state == "read" and not report.t4.evidence
    if name.endswith(".html"):
        heading_line = next(ln.number for ln in report.lines if "信息处理费收取情况" in ln.text)
        assert report.t4.line_end < heading_line


def test_mhtml_single_file_web_page_reads_like_the_page() -> None:
    from evals.variants import as_mhtml

    html = (FIXTURES / "word_2019_2020.html").read_text(encoding="utf-8")
    report = _parse_bytes(as_mhtml(html), "report.mht")
    assert report.source_format == "mhtml"
    assert compare_tables(_tables("word_2019_2020.html"), report.gold_view()).mismatches == []


def test_python_docx_table_split_in_two_and_nested_table_read_exactly(tmp_path: Path) -> None:
    """A DOCX whose table 3 is two Word tables (the second without a header) and whose table 4 sits in a cell of a
    layout table."""
    import docx

    from evals.variants import _docx_table, _table_layout, parsed_docx

    name = "clean_markdown_2024.md"
    report = parse_file(FIXTURES / name)
    data = parsed_docx(report, _tables(name))
    assert compare_tables(_tables(name), _parse_bytes(data, "split.docx").gold_view()).mismatches == []
    document = docx.Document()
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    outer = document.add_table(rows=1, cols=1)
    inner_layout = _table_layout(report.t4, _tables(name)["t4"])
    cell_doc = outer.cell(0, 0)
    _docx_table(cell_doc, inner_layout)
    path = tmp_path / "nested.docx"
    document.save(path)
    nested = parse_file(path)
    assert nested.t4.gold() == _tables(name)["t4"]


@needs_shared
def test_real_word_page_as_a_body_fragment_reads_like_the_page() -> None:
    """The issue's worst case (0.03 cell agreement): the real page given without <html>, starting with <p style=…>."""
    from evals.variants import body_fragment

    page = (REAL / "2023_shuyang-fgj.html").read_text(encoding="utf-8")
    fragment = body_fragment(page)
    assert not fragment.lstrip().lower().startswith(("<html", "<!doctype"))
    gold = load_gold(GOLD / "2023_shuyang-fgj.json")
    assert compare_tables(gold, _parse_bytes(fragment.encode("utf-8"), "fragment.html").gold_view()).mismatches == []


# ------------------------------------------------------------------------------------------------ .doc / .rtf
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("target", ["doc", "rtf"])
def test_old_word_and_rtf_files_are_converted_by_libreoffice(tmp_path: Path, target: str) -> None:
    src = tmp_path / "report.html"
    shutil.copy(FIXTURES / "word_2019_2020.html", src)
    filt = {"doc": "doc:MS Word 97", "rtf": "rtf:Rich Text Format"}[target]
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            filt,
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    report = parse_file(tmp_path / f"report.{target}")
    assert report.source_format == target
    assert compare_tables(_tables("word_2019_2020.html"), report.gold_view()).mismatches == []


def test_old_word_file_without_libreoffice_gets_the_convert_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer.ingest import convert

    monkeypatch.setattr(convert, "soffice_path", lambda: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 600
    with pytest.raises(InputError, match=r"old\.doc: old binary Word file .*convert it to \.docx first"):
        document_from_bytes(ole, "old.doc")


def test_old_excel_file_is_refused_with_its_kind() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le") + b"\0" * 600
    with pytest.raises(InputError, match="old binary Excel file"):
        document_from_bytes(ole, "old.xls")


# ------------------------------------------------------------------------------------------------ PDF word geometry
def test_pdf_word_holding_two_values_is_split_at_the_column_boundary() -> None:
    """'64178' printed for 64 | 178 (too close to be two words): split where the column zone boundary runs through
    a gap between characters; a number that merely overhangs its column is left whole."""
    from reviewer.parse.grid import PCell, _split_at_zones

    zones = [(0.0, 20.0), (20.0, 40.0)]
    two = PCell("64178", "64178", 8.0, 33.0, 0, 10, 0, edges=(8.0, 13.0, 18.0 + 2.0, 25.0, 30.0, 35.0))
    assert [p.raw for p in _split_at_zones(two, zones)] == ["64", "178"]
    overhang = PCell("178", "178", 12.0, 27.0, 0, 10, 0, edges=(12.0, 17.0, 22.0, 27.0))
    assert [p.raw for p in _split_at_zones(overhang, zones)] == ["178"]


def test_pdf_number_wrapped_in_a_narrow_cell_is_joined() -> None:
    from reviewer.parse.grid import PCell, _join_wrapped_numbers

    upper = PCell("17", "17", 10.0, 22.0, 100.0, 110.0, 0)
    lower = PCell("8", "8", 10.0, 16.0, 112.0, 122.0, 1)
    assert [c.raw for c in _join_wrapped_numbers([upper, lower])] == ["178"]
    far = PCell("8", "8", 10.0, 16.0, 140.0, 150.0, 1)  # a value a row lower is another value
    assert [c.raw for c in _join_wrapped_numbers([upper, far])] == ["17", "8"]


@pytest.mark.parametrize(("extra", "errors"), [(0, []), (1, ["T3-SUBTOTAL", "T3-SUBTOTAL"])])
def test_html_subtotal_row_is_kept_apart_and_checked(extra: int, errors: list[str]) -> None:
    """A local template's 小计 row under （三）不予公开 (rulebook A.3): not a misreading and not a row of its own;
    T3-SUBTOTAL checks it (a subtotal one too high in 自然人 and 总计 fails in those two columns)."""
    import re

    t3 = _tables("word_2019_2020.html")["t3"]
    text = (FIXTURES / "word_2019_2020.html").read_text(encoding="utf-8")
    row = re.search(r"<tr>(?:(?!</tr>).)*?属于行政查询事项(?:(?!</tr>).)*?</tr>", text, re.S)
    cols = ["natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total"]
    sums = [sum(t3[k][c] or 0 for k in t3 if k.startswith("denied_")) for c in cols]
    sums[0] += extra
    sums[6] += extra
    sub = "<tr><td colspan=2>小计</td>" + "".join(f"<td>{v}</td>" for v in sums) + "</tr>"
    page = (text[: row.end()] + sub + text[row.end() :]).replace("rowspan=20", "rowspan=21", 1)
    review = review_report(_parse_bytes(page.encode("utf-8"), "subtotal.html"))
    t3_read = review.report.t3
    assert t3_read.state == "read" and [c.value for c in t3_read.subtotals["denied"].values()] == sums
    assert compare_tables(_tables("word_2019_2020.html"), review.report.gold_view()).mismatches == []
    assert sorted(f.rule for f in review.findings if f.severity.value == "error") == errors


def test_pdf_radical_code_points_are_read_as_the_ideographs_shown() -> None:
    """Chromium writes ⾏ (U+2F8F) for 行 and ⻛ (U+2EDB) for 风: the text read, and the narrative figures found in it,
    are those of the printed ideographs (all seven narrative figures of the PDF fixture are compared)."""
    from reviewer.ingest.pdf import _ideographs
    from reviewer.memo import build_memo

    assert _ideographs("⾏政处罚 ⻛险 ⺠生 ⻓期") == "行政处罚 风险 民生 长期"
    review = review_file(FIXTURES / "noborder_2024.pdf")
    assert not [ch for ln in review.report.lines for ch in ln.original if 0x2E80 <= ord(ch) <= 0x2FDF]
    assert [c["verdict"] for c in build_memo(review).narrative_checks] == ["一致"] * 7


def test_memo_key_figures_show_values_as_printed() -> None:
    from reviewer.memo import build_memo

    figures = {k["path"]: k["value"] for k in build_memo(review_file(FIXTURES / "word_2019_2020.html")).key_figures}
    assert figures["t2.licensing.change"] == "+346" and figures["t2.other_services.change"] == "减4"
    assert (
        figures["t2.procurement.amount"] == "75394432.52元"
        and figures["t2.normative_documents.total_published"] == "55（含自然失效29件）"
    )
