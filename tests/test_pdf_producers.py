"""PDF reading that does not depend on how the producer laid the page out (issue 11): page furniture (page numbers,
running headers and footers) inside a table that crosses a page break, values aligned left under centred headers,
a value's note wrapped onto the next line, two values of one row close together. The layouts are printed with the
real Chromium from the project's own fixtures; the helpers below them are tested on synthetic word boxes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, manifest

from reviewer.goldcompare import compare_tables
from reviewer.ingest import document_from_bytes
from reviewer.ingest.pdf import _furniture, _word_groups
from reviewer.models import GridCell
from reviewer.parse.grid import PCell, _digit_groups
from reviewer.pipeline import parse_file, review_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI installs it)")


# ------------------------------------------------------------------------------------------------ page furniture
def _line(top: float, *words: tuple[str, float]) -> tuple[float, str, list[GridCell]]:
    """A rendered PDF line at ``top`` (points) of words ``(text, left x)``, each 10 pt high, 6 pt per character."""
    cells = [GridCell(text, x, x + 6 * len(text), top, top + 10) for text, x in words]
    return (top, " ".join(t for t, _ in words), cells)


def _page(number: int, lines: list) -> tuple[int, float, list]:
    return (number, 842.0, lines)


BODY = {1: "一、总体情况", 2: "二、主动公开政府信息情况", 3: "三、收到和处理政府信息公开申请情况"}


def test_dashed_page_numbers_and_a_running_header_are_furniture() -> None:
    pages = [
        _page(
            n,
            [
                _line(30, ("云岫县人民政府办公室", 200)),
                _line(100, ("规章", 80), ("0", 200), ("0", 300), ("0", 400)),
                _line(700, ("规范性文件", 80), ("12", 200), ("12", 300), ("55", 400)),
                _line(800, (f"- {n} -", 290)),
            ],
        )
        for n in (1, 2, 3)
    ]
    assert _furniture(pages) == {(n, k) for n in (1, 2, 3) for k in (0, 3)}


def test_a_table_value_at_the_foot_of_a_page_is_not_a_page_number() -> None:
    # the last line of page 2 is a lone value "7" inside the body, close to the row above it; the bare numbers
    # that do run with the pages sit in the bottom margin of pages 1 and 3
    pages = [
        _page(1, [_line(100, (BODY[1], 80)), _line(810, ("1", 295))]),
        _page(2, [_line(100, (BODY[2], 80)), _line(500, ("行政复议", 80), ("3", 300)), _line(512, ("7", 300))]),
        _page(3, [_line(100, (BODY[3], 80)), _line(810, ("3", 295))]),
    ]
    assert _furniture(pages) == {(1, 1), (3, 1)}


def test_bare_numbers_that_do_not_run_with_the_pages_are_kept() -> None:
    pages = [
        _page(1, [_line(100, (BODY[1], 80)), _line(810, ("12", 295))]),
        _page(2, [_line(100, (BODY[2], 80)), _line(810, ("40", 295))]),
    ]
    assert _furniture(pages) == set()


def test_a_repeated_table_row_shape_is_not_a_running_header() -> None:
    # seven value groups: a table row, even when every page starts with the same shape
    row = [("0", 120 + 60 * i) for i in range(7)]
    pages = [_page(n, [_line(40, ("项", 60), *row), _line(400, (BODY[n], 80))]) for n in (1, 2)]
    assert _furniture(pages) == set()


def test_the_weak_page_number_forms_count_only_in_the_margin() -> None:
    def body(n: int) -> list:
        return [_line(100, (BODY[n], 80)), _line(400, ("行政诉讼", 80), ("2", 300))]

    pages = [_page(1, [*body(1), _line(412, ("3/8", 300))]), _page(2, [*body(2), _line(412, ("4/8", 300))])]
    assert _furniture(pages) == set()
    pages = [_page(1, [*body(1), _line(815, ("3/8", 300))]), _page(2, [*body(2), _line(815, ("4/8", 300))])]
    assert _furniture(pages) == {(1, 2), (2, 2)}


def test_word_groups_split_at_wide_gaps() -> None:
    date = [GridCell("12/8/26,", 20, 60, 10, 20), GridCell("3:40", 64, 84, 10, 20), GridCell("AM", 86, 98, 10, 20)]
    title = [GridCell("某某县人民政府2024年报告", 200, 350, 10, 20)]
    assert _word_groups(date) == 1
    assert _word_groups(date + title) == 2
    assert _word_groups([]) == 0


# ------------------------------------------------------------------------------------------------ digit groups
def _pc(text: str, x0: float, x1: float, y0: float = 100, y1: float = 110) -> PCell:
    return PCell(text, text, x0, x1, y0, y1, 0)


def test_digit_groups_of_one_number() -> None:
    assert _digit_groups([_pc("3", 100, 106), _pc("985", 109, 127), _pc("758.5", 130, 160)])


@pytest.mark.parametrize(
    "cells",
    [
        [_pc("-183", 100, 124), _pc("742", 150, 168)],  # two values of one row, a column apart
        [_pc("183", 100, 118), _pc("742", 121, 139, 115, 125)],  # on two lines
        [_pc("1836", 100, 124), _pc("742", 127, 145)],  # a head of four digits
        [_pc("18", 100, 112), _pc("74", 115, 127)],  # a tail of two digits
    ],
)
def test_values_that_are_not_digit_groups(cells: list[PCell]) -> None:
    assert not _digit_groups(cells)


# ------------------------------------------------------------------------------------------------ real Chromium PDFs
_PAGE_CSS = (
    '<style>@page{margin:60pt 50pt;@top-center{content:"鹤汀市云岫县人民政府办公室 文件";font-size:9pt}'
    '@bottom-center{content:"- " counter(page) " -";font-size:9pt}}</style>'
)
_NARROW_CSS = "<style>table{width:280pt !important}</style>"


def _noborder(html: str) -> str:
    from evals.variants import noborder

    return noborder(html)


def _with_css(html: str, css: str) -> str:
    return html.replace("</head>", css + "</head>", 1) if "</head>" in html else css + html


def _values_left(html: str) -> str:
    """Every value cell aligned left, the header cells still centred (as Word's default table style prints them)."""
    return re.sub(
        r"align=center style='text-align:center;(line-height[^']*)'>(<span[^>]*>)([-+增减]?[\d,.]+(?:元|（[^<]*）)?)<",
        r"align=left style='text-align:left;\1'>\2\3<",
        html,
    )


LAYOUTS = {
    "page-number-and-header-in-margin-boxes": lambda h: _with_css(_noborder(h), _PAGE_CSS),
    "values-left-headers-centred": lambda h: _values_left(_noborder(h)),
    "notes-wrapped-in-narrow-columns": lambda h: _with_css(_noborder(h), _NARROW_CSS),
    "all-of-them": lambda h: _with_css(_values_left(_noborder(h)), _PAGE_CSS + _NARROW_CSS),
}


def _print(html: str, tmp: Path, furniture: bool = False) -> Path:
    from evals.variants import chromium_pdf

    src = tmp / "report.html"
    src.write_text(html, encoding="utf-8")
    pdf = tmp / "report.pdf"
    assert chromium_pdf(src, pdf, furniture=furniture), "chromium failed to print"
    return pdf


@needs_chromium
@pytest.mark.parametrize("fixture", ["word_2019_2020.html", "word_fragment_2023.html"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_chromium_layouts_give_the_cells_of_the_source(fixture: str, layout: str, tmp_path: Path) -> None:
    pdf = _print(LAYOUTS[layout]((FIXTURES / fixture).read_text(encoding="utf-8")), tmp_path)
    report = parse_file(pdf)
    cmp = compare_tables(manifest()[fixture]["tables"], report.gold_view())
    assert cmp.mismatches == []
    assert (report.t2.state, report.t3.state, report.t4.state) == ("read", "read", "read")


@needs_chromium
def test_chromium_own_header_and_footer_are_not_read_into_the_tables(tmp_path: Path) -> None:
    fixture = "word_2019_2020.html"
    pdf = _print(_noborder((FIXTURES / fixture).read_text(encoding="utf-8")), tmp_path, furniture=True)
    document = document_from_bytes(pdf.read_bytes(), str(pdf))
    blanked = [ln for ln in document.lines if ln.original.strip() and not ln.text.strip()]
    pages = max(ln.page for ln in document.lines)
    assert pages >= 3
    # every page: the print date with the title on top, the file URL with "n/N" at the foot
    assert len(blanked) == 2 * pages
    assert all(ln.original.startswith("file://") for ln in blanked[1::2])
    assert [ln.original.rsplit(" ", 1)[-1] for ln in blanked[1::2]] == [f"{n}/{pages}" for n in range(1, pages + 1)]
    review = review_report(parse_file(pdf))
    assert compare_tables(manifest()[fixture]["tables"], review.report.gold_view()).mismatches == []
    assert [f.rule for f in review.findings if f.severity.value == "error"] == []


@needs_chromium
def test_a_wrapped_note_and_a_signed_change_keep_their_values(tmp_path: Path) -> None:
    html = _with_css(
        _values_left(_noborder((FIXTURES / "word_2019_2020.html").read_text(encoding="utf-8"))), _NARROW_CSS
    )
    report = parse_file(_print(html, tmp_path))
    published = report.t2.cell("normative_documents", "total_published")
    assert (published.kind, published.value, published.note) == ("number", 55, "含自然失效29件")
    assert published.raw.startswith("55（含自然失") and published.raw.endswith("件）")
    change = report.t2.cell("penalty", "change")
    decisions = report.t2.cell("penalty", "decisions")
    assert (change.value, decisions.value) == (-183, 742)
    assert not (change.ambiguous or decisions.ambiguous)


def _edit_tables(html: str, edit) -> str:
    """``html`` with ``edit(table element)`` applied to every table (lxml), serialised back."""
    import lxml.html

    root = lxml.html.document_fromstring(html)
    for table in root.iter("table"):
        edit(table)
    return lxml.html.tostring(root, encoding="unicode")


def _vertical_t3_headers(table) -> None:
    """Table 3's header cells printed in vertical writing (one character under the other)."""
    if "本年新收" not in table.text_content():
        return
    for tr in table.iter("tr"):
        if (
            re.search(r"\d", "".join(td.text_content() for td in tr if "本年新收" not in td.text_content()))
            and "申请人" not in tr.text_content()
        ):
            break
        for td in tr:
            text = td.text_content().strip()
            if text and re.fullmatch(r"[\u4e00-\u9fff]{2,8}", text):
                td.set("style", (td.get("style") or "") + ";writing-mode:vertical-rl;text-orientation:upright")


def _remark_column(table) -> None:
    """Table 2 with a 备注 column the template does not have: a remark beside one value of each block."""
    text = table.text_content()
    if "信息内容" not in text:
        return
    from lxml.html import Element

    for tr in table.iter("tr"):
        cells = [td for td in tr if td.tag in ("td", "th")]
        row = "".join(td.text_content() for td in cells)
        if len(cells) < 2:
            continue
        td = Element("td")
        td.text = (
            "备注"
            if "信息内容" in row
            else ("含承诺制" if re.search(r"\d", row) and "许可" in row or "规章" in row else "")
        )
        tr.append(td)


@needs_chromium
@pytest.mark.parametrize("fixture", ["word_2019_2020.html", "word_fragment_2023.html"])
@pytest.mark.parametrize("edit", [_vertical_t3_headers, _remark_column], ids=["vertical-t3-headers", "remark-column"])
def test_edited_tables_printed_by_chromium_keep_their_cells(fixture: str, edit, tmp_path: Path) -> None:
    html = _edit_tables(_noborder((FIXTURES / fixture).read_text(encoding="utf-8")), edit)
    report = review_report(parse_file(_print(html, tmp_path)))
    assert compare_tables(manifest()[fixture]["tables"], report.report.gold_view()).mismatches == []
    assert [f.rule for f in report.findings if f.severity.value == "error"] == []


# ------------------------------------------------------------------------------------------------ HTML text forms
def test_invisible_characters_pasted_into_cells_are_not_read() -> None:
    from reviewer.parse import parse_document

    fixture = "word_fragment_2023.html"
    html = (FIXTURES / fixture).read_text(encoding="utf-8")
    marked = re.sub(r">(\d[\d,.]*)<", lambda m: ">\u200b" + m.group(1) + "\u00ad<", html)
    assert marked.count("\u200b") > 100
    report = parse_document(document_from_bytes(marked.encode("utf-8"), "pasted.html"))
    assert compare_tables(manifest()[fixture]["tables"], report.gold_view()).mismatches == []
    assert (report.t2.state, report.t3.state, report.t4.state) == ("read", "read", "read")


def test_a_table_set_as_preformatted_text_is_read_line_by_line() -> None:
    """FMT-2019 table 2 as a ``<pre>`` block: its line breaks stay lines, ``1,236`` and ``减4`` are values."""
    from reviewer.parse import parse_document

    fixture = "word_2019_2020.html"
    source = document_from_bytes((FIXTURES / fixture).read_bytes(), fixture)
    rows = [" ".join(c.text for c in ln.cells) if ln.cells else ln.original for ln in source.lines]
    import html as htmlmod

    page = "<html><body><pre>" + htmlmod.escape("\n".join(rows)) + "</pre></body></html>"
    report = parse_document(document_from_bytes(page.encode("utf-8"), "pre.html"))
    assert compare_tables({"t2": manifest()[fixture]["tables"]["t2"]}, {"t2": report.t2.gold()}).mismatches == []
    decisions, change = report.t2.cell("licensing", "decisions"), report.t2.cell("other_services", "change")
    assert (decisions.value, decisions.raw, change.value, change.raw) == (1236, "1,236", -4, "减4")


@needs_chromium
@pytest.mark.parametrize("fixture", ["word_2019_2020.html", "word_fragment_2023.html"])
def test_full_width_digits_wrapped_in_narrow_cells(fixture: str, tmp_path: Path) -> None:
    """Values printed in full-width digits (``１０``, ``+３４６``) in columns so narrow that they wrap: a number
    wrapped around its row (``１`` / row / ``０``) or with its sign on the first line is read whole; a table whose
    wrapped values cannot be placed is doubtful, and no error comes of it."""
    full = str.maketrans("0123456789", "０１２３４５６７８９")
    html = re.sub(
        r">([-+增减]?[\d,.]+)<",
        lambda m: ">" + m.group(1).translate(full) + "<",
        (FIXTURES / fixture).read_text(encoding="utf-8"),
    )
    html = _with_css(_noborder(html), "<style>table{width:300pt !important} td{font-size:11pt}</style>")
    review = review_report(parse_file(_print(html, tmp_path)))
    gold = manifest()[fixture]["tables"]
    report = review.report
    assert (
        compare_tables(
            {"t2": gold["t2"], "t4": gold["t4"]}, {"t2": report.t2.gold(), "t4": report.t4.gold()}
        ).mismatches
        == []
    )
    assert (
        report.t3.state == "doubtful" or compare_tables({"t3": gold["t3"]}, {"t3": report.t3.gold()}).mismatches == []
    )
    assert [f.rule for f in review.findings if f.severity.value == "error"] == []
