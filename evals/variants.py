"""Build format variants of a report with real converters, for the ``variants`` eval suite (issue 11).

The same report, produced by another program, must give the same cells. Each source (every fixture with tables,
every report of ``../shared/corpus/real`` that has an HTML or PDF source) is turned into variants:

* ``html-fragment``: the HTML body only, no ``<html>``/``<head>``/``<body>`` (as a CMS pastes a Word page);
* ``mhtml``: the HTML page as a MIME "single file web page" (``.mht``, quoted-printable);
* ``chromium-pdf``: Chromium ``--print-to-pdf`` of the HTML (cells drawn as rectangles);
* ``chromium-pdf-noborder``: the same with every table border removed (a PDF without ruling lines);
* ``chromium-pdf-furniture``: the borderless page printed with Chromium's own header and footer on every page (print
  date and title on top, file URL and ``2/5`` at the foot): page furniture that cuts through tables at page breaks;
* ``lo-docx``: LibreOffice HTML -> DOCX (``soffice --headless --convert-to docx``);
* ``lo-docx-pdf``: LibreOffice DOCX -> PDF of that DOCX (ruling lines drawn by Writer);
* ``parsed-docx``: python-docx DOCX built from the parsed report: its text as paragraphs, each table in the template's
  layout with merged header cells, table 3 split over two DOCX tables (the second without a header);
* ``parsed-docx-pdf``: LibreOffice DOCX -> PDF of that DOCX.

Sources that are not HTML get the HTML variants through ``parsed-html``: an HTML page rendered from the parsed report
(paragraphs, template tables with rowspan/colspan), which Chromium and LibreOffice then convert.

Variants are cached by content (source bytes, variant kind, :data:`BUILDER_VERSION`) in ``$REVIEWER_VARIANTS_CACHE``
(default ``~/.cache/reviewer/variants``). A converter that is not installed leaves its variants out; the suite
reports them as missing (CI installs chromium and LibreOffice).
"""

from __future__ import annotations

import hashlib
import html as htmlmod
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

BUILDER_VERSION = "2"
HTML_KINDS = (
    "html-fragment",
    "mhtml",
    "chromium-pdf",
    "chromium-pdf-noborder",
    "chromium-pdf-furniture",
    "lo-docx",
    "lo-docx-pdf",
)
ALL_KINDS = HTML_KINDS + ("parsed-docx", "parsed-docx-pdf")
_SUFFIX = {
    "html-fragment": ".html",
    "mhtml": ".mht",
    "chromium-pdf": ".pdf",
    "chromium-pdf-noborder": ".pdf",
    "chromium-pdf-furniture": ".pdf",
    "lo-docx": ".docx",
    "lo-docx-pdf": ".pdf",
    "parsed-docx": ".docx",
    "parsed-docx-pdf": ".pdf",
    "parsed-html": ".html",
}
_NOBORDER_CSS = (
    "<style>table,tr,td,th{border:none !important;border-width:0 !important;mso-border-alt:none !important}"
    "table{border-collapse:collapse}</style>"
)


@dataclass
class Variant:
    """One built variant: its kind, the file, and why it could not be built ('' when built)."""

    source: Path
    kind: str
    path: Path | None
    missing: str = ""


def cache_dir() -> Path:
    path = Path(os.environ.get("REVIEWER_VARIANTS_CACHE") or Path.home() / ".cache" / "reviewer" / "variants")
    path.mkdir(parents=True, exist_ok=True)
    return path


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _key(data: bytes, kind: str) -> str:
    return hashlib.sha256(data + kind.encode() + BUILDER_VERSION.encode()).hexdigest()[:20]


# ------------------------------------------------------------------------------------------------ HTML forms
def body_fragment(html_text: str) -> str:
    """The inner HTML of ``<body>`` (the page without html/head/body); the text itself when it has no body tag."""
    m = re.search(r"<body\b[^>]*>(.*)</body\s*>", html_text, re.S | re.I)
    inner = m.group(1) if m else re.sub(r"(?is)<head\b.*?</head\s*>|</?html\b[^>]*>", "", html_text)
    return inner.strip() + "\n"


def as_mhtml(html_text: str) -> bytes:
    """``html_text`` as a MIME single-file web page (multipart/related, quoted-printable HTML part, as Word saves it)."""
    import quopri

    boundary = "----=_NextPart_01D9REVIEWER"
    body = quopri.encodestring(html_text.encode("utf-8")).decode("ascii")
    return (
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/related; boundary="{boundary}"; type="text/html"\r\n\r\n'
        "This document is a Single File Web Page, also known as a Web Archive file.\r\n\r\n"
        f"--{boundary}\r\nContent-Location: file:///C:/report.htm\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        f'Content-Type: text/html; charset="utf-8"\r\n\r\n{body}\r\n--{boundary}--\r\n'
    ).encode("ascii")


def with_utf8_head(html_text: str) -> str:
    """A full page with a UTF-8 charset (Chromium and LibreOffice read a fragment as Latin-1 otherwise)."""
    if re.search(r"<html\b", html_text, re.I):
        if not re.search(r"charset", html_text[:4000], re.I):
            html_text = re.sub(r"(<head\b[^>]*>)", r'\1<meta charset="utf-8">', html_text, count=1, flags=re.I)
        return html_text
    return f'<!doctype html><html><head><meta charset="utf-8"></head><body>{html_text}</body></html>'


def noborder(html_text: str) -> str:
    page = with_utf8_head(html_text)
    page = re.sub(r"(?i)\sborder\s*=\s*['\"]?\d+['\"]?", " border=0", page)
    return re.sub(r"(?i)</head>", _NOBORDER_CSS + "</head>", page, count=1)


# ------------------------------------------------------------------------------------------------ from the parse
def _table_layout(table, printed: dict | None = None):
    """Rows of ``(text, colspan, rowspan)`` cells for a table in the template layout (merged header cells; table 3
    group labels as rowspan cells). Cell texts are the values the source prints (``printed``: the gold or MANIFEST
    table), written as the source wrote them where the parse read the same value (``75394432.52元``, ``+346``)."""
    from reviewer.template import T3_COLUMNS, T3_GROUP_LABELS, T4_BLOCKS, T4_COLUMNS, t2_rows, t3_rows

    def v(cell, row=None, col=None):
        gold = (printed or {}).get(row, {}).get(col, "<none>") if printed is not None else "<none>"
        if gold == "<none>":
            if cell is None or cell.kind in ("blank", "unread"):
                return ""
            return cell.raw.strip() or str(cell.value)
        if gold is None:
            return ""
        if (
            cell is not None
            and cell.kind == "number"
            and isinstance(gold, (int, float))
            and abs(float(cell.value) - float(gold)) < 1e-9
        ):
            return cell.raw.strip()
        if isinstance(gold, float) and gold.is_integer():
            return str(int(gold))
        return str(gold)

    rows: list[list[tuple[str, int, int]]] = []
    if table.name == "t3":
        specs = t3_rows("other_handling" in table.rows)
        rows.append(
            [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 2, 3), ("申请人情况", 7, 1)]
        )
        rows.append([("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)])
        rows.append([(label, 1, 1) for _, label in T3_COLUMNS[1:6]])
        for spec in specs:
            cells = [(v(table.rows.get(spec.key, {}).get(c), spec.key, c), 1, 1) for c, _ in T3_COLUMNS]
            if spec.group in ("denied", "unable", "not_processed", "other_handling") and spec.group != "outcomes":
                group = {
                    "denied": T3_GROUP_LABELS[2],
                    "unable": T3_GROUP_LABELS[3],
                    "not_processed": T3_GROUP_LABELS[4],
                    "other_handling": T3_GROUP_LABELS[5],
                }[spec.group]
                first = next(s for s in specs if s.group == spec.group)
                size = sum(1 for s in specs if s.group == spec.group)
                lead = [(group, 1, size)] if spec is first and spec.key != "other_handling" else []
                if spec.key == "other_handling":
                    rows.append([(spec.label, 2, 1)] + cells)
                else:
                    rows.append(lead + [(spec.label, 1, 1)] + cells)
            else:
                rows.append([(spec.label, 2, 1)] + cells)
    elif table.name == "t4":
        rows.append([("行政复议", 5, 1), ("行政诉讼", 10, 1)])
        rows.append([(label, 1, 2) for _, label in T4_COLUMNS] + [("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)])
        rows.append([(label, 1, 1) for _, label in T4_COLUMNS] * 2)
        rows.append([(v(table.rows[b][c], b, c), 1, 1) for b, _ in T4_BLOCKS for c, _ in T4_COLUMNS])
    else:
        from reviewer.describe import column_label

        template = "FMT-2019" if "procurement" in table.rows or "other_services" in table.rows else "FMT-2021"
        specs = t2_rows(template)
        blocks: list[tuple[str, list]] = []
        for spec in specs:
            cols = tuple(spec.columns)
            if blocks and tuple(blocks[-1][1][0].columns) == cols:
                blocks[-1][1].append(spec)
            else:
                blocks.append((cols, [spec]))
        for n, (cols, specs_in) in enumerate(blocks):
            width = 6 // len(cols)
            rows.append([(f"第二十条第（{'一五六八九'[min(n, 4)]}）项", 1 + 6, 1)])
            rows.append(
                [("信息内容", 1, 1)]
                + [
                    (column_label("t2", c).replace("本年收费金额（万元）", "本年收费金额（单位：万元）"), width, 1)
                    for c in cols
                ]
            )
            for spec in specs_in:
                rows.append(
                    [(spec.label, 1, 1)]
                    + [(v(table.rows.get(spec.key, {}).get(c), spec.key, c), width, 1) for c in cols]
                )
    return rows


def _report_parts(report):
    """``[("p", text) | ("table", Table)]`` in document order, rebuilt from the parsed sections (so that a source
    flattened onto one line gives paragraphs too): title, preamble, each section heading and its prose, each parsed
    table in its section, the signature."""
    from reviewer.parse.textview import TextView

    view = TextView(report.lines)
    tables = {2: report.t2, 3: report.t3, 4: report.t4}
    parts: list = []
    if report.title:
        parts.append(("p", report.title))
    first = min((s.offset for s in report.sections), default=len(view.text))
    preamble = view.original(0, first)
    if report.title:
        preamble = preamble.replace(report.title, "", 1)
    parts += [("p", p.strip()) for p in re.split(r"\n|　　", preamble) if p.strip() and not p.strip().startswith("|")]
    for s in report.sections:
        parts.append(("p", f"{s.printed_number}{s.heading}" if s.printed_number else s.heading))
        table = tables.get(s.number)
        body = [p.strip() for p in re.split(r"\n|　　", s.original_text or s.text) if p.strip()]
        if table is not None and table.ok:
            parts += [("p", p) for p in body if "。" in p and not p.startswith("|")]
            parts.append(("table", table))
        else:
            parts += [("p", p) for p in body if not p.startswith("|")]
    if report.sign_date:
        if report.sign_date.get("office"):
            parts.append(("p", report.sign_date["office"]))
        parts.append(("p", report.sign_date["quote"]))
    return parts


def parsed_html(report, printed: dict | None = None) -> str:
    """An HTML page of the parsed report: paragraphs and template-shaped tables with rowspan/colspan, printing the
    values of ``printed`` (table name -> the source's printed tables)."""
    out = [
        '<!doctype html><html><head><meta charset="utf-8"><style>table{border-collapse:collapse;width:100%;table-layout:fixed}'
        "td{border:1px solid #000;padding:2px 4px;text-align:center;font-size:10pt}p{margin:0;line-height:1.6}</style></head><body>"
    ]
    for kind, item in _report_parts(report):
        if kind == "p":
            out.append(f"<p>{htmlmod.escape(item)}</p>")
        else:
            out.append("<table>")
            for row in _table_layout(item, (printed or {}).get(item.name)):
                out.append(
                    "<tr>"
                    + "".join(
                        f"<td{f' colspan={c}' if c > 1 else ''}{f' rowspan={r}' if r > 1 else ''}>{htmlmod.escape(t)}</td>"
                        for t, c, r in row
                    )
                    + "</tr>"
                )
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def parsed_docx(report, printed: dict | None = None) -> bytes:
    """A DOCX (python-docx) of the parsed report: paragraphs, and each table in the template layout with merged
    cells; table 3 is split over two DOCX tables after its 12th data row (the second table has no header)."""
    import io

    import docx

    document = docx.Document()
    for kind, item in _report_parts(report):
        if kind == "p":
            document.add_paragraph(item)
            continue
        layout = _table_layout(item, (printed or {}).get(item.name))
        chunks = [layout]
        if item.name == "t3" and len(layout) > 16:
            chunks = [layout[:15], layout[15:]]
        for chunk in chunks:
            _docx_table(document, chunk)
            if len(chunks) > 1 and chunk is chunks[0]:
                document.add_paragraph("")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _docx_table(document, layout) -> None:
    """Place ``(text, colspan, rowspan)`` rows on a python-docx table and merge the spans (rowspans clipped to the
    rows given: a table cut in two keeps its group labels in each part)."""
    height = len(layout)
    placements = []
    occupied: set[tuple[int, int]] = set()
    width = 0
    for r, row in enumerate(layout):
        c = 0
        for text, colspan, rowspan in row:
            while (r, c) in occupied:
                c += 1
            rs = max(1, min(rowspan, height - r))
            for dr in range(rs):
                for dc in range(colspan):
                    occupied.add((r + dr, c + dc))
            placements.append((r, c, rs, colspan, text))
            c += colspan
            width = max(width, c)
    table = document.add_table(rows=height, cols=width)
    table.style = "Table Grid"
    for r, c, rs, cs, text in placements:
        cell = table.cell(r, c)
        if rs > 1 or cs > 1:
            cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
        cell.text = text


# ------------------------------------------------------------------------------------------------ converters
def _run(cmd: list[str], timeout: int = 180) -> bool:
    try:
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def chromium_pdf(html_path: Path, out: Path, furniture: bool = False) -> bool:
    """Chromium ``--print-to-pdf`` of ``html_path``; ``furniture``: keep Chromium's own page header and footer (print
    date and title on top, file URL and ``1/5`` page number at the foot of every page), as a user printing from the
    browser gets them."""
    exe = chromium()
    if exe is None:
        return False
    with tempfile.TemporaryDirectory(prefix="reviewer-chromium-") as profile:
        flags = [] if furniture else ["--no-pdf-header-footer"]
        return (
            _run(
                [
                    exe,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    f"--user-data-dir={profile}",
                    *flags,
                    f"--print-to-pdf={out}",
                    html_path.as_uri(),
                ]
            )
            and out.is_file()
        )


def lo_convert(inputs: list[Path], target: str, outdir: Path) -> None:
    """LibreOffice conversion of several files in one run (``target`` ``docx`` or ``pdf``)."""
    exe = soffice()
    if exe is None or not inputs:
        return
    with tempfile.TemporaryDirectory(prefix="reviewer-lo-") as profile:
        filt = "docx:MS Word 2007 XML" if target == "docx" else "pdf"
        _run(
            [
                exe,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                filt,
                "--outdir",
                str(outdir),
                *map(str, inputs),
            ],
            timeout=600,
        )


# ------------------------------------------------------------------------------------------------ build
def build(sources: list[Path], printed: dict[Path, dict] | None = None) -> list[Variant]:
    """Every variant of every source (cached). Sources are HTML, PDF, DOCX or text reports; ``printed`` gives each
    source's printed tables (gold), which the variants rebuilt from the parse print."""
    from reviewer.ingest import sniff_format
    from reviewer.pipeline import parse_file

    cache = cache_dir()
    out: list[Variant] = []
    html_of: dict[Path, tuple[Path, str]] = {}  # source -> (HTML file, HTML text) used by the HTML converters
    for src in sources:
        data = src.read_bytes()
        fmt = sniff_format(data)
        report = parse_file(src)
        if fmt == "html":
            text = data.decode("utf-8", errors="replace")
            page = cache / f"{_key(data, 'page')}.html"
            if not page.is_file():
                page.write_text(with_utf8_head(text), encoding="utf-8")
            html_of[src] = (page, text)
        else:
            page = cache / f"{_key(data, 'parsed-html')}.html"
            if not page.is_file():
                page.write_text(parsed_html(report, (printed or {}).get(src)), encoding="utf-8")
            html_of[src] = (page, page.read_text(encoding="utf-8"))
        docx_path = cache / f"{_key(data, 'parsed-docx')}.docx"
        if not docx_path.is_file():
            docx_path.write_bytes(parsed_docx(report, (printed or {}).get(src)))
        out.append(Variant(src, "parsed-docx", docx_path))
    # HTML forms
    for src, (page, text) in html_of.items():
        key = _key(src.read_bytes(), "")
        frag = cache / f"{key}-fragment.html"
        if not frag.is_file():
            frag.write_text(body_fragment(text), encoding="utf-8")
        out.append(Variant(src, "html-fragment", frag))
        mht = cache / f"{key}.mht"
        if not mht.is_file():
            mht.write_bytes(as_mhtml(with_utf8_head(text)))
        out.append(Variant(src, "mhtml", mht))
    # Chromium (two at a time)
    jobs = []
    for src, (page, text) in html_of.items():
        key = _key(src.read_bytes(), "")
        nb_page = cache / f"{key}-noborder.html"
        if not nb_page.is_file():
            nb_page.write_text(noborder(text), encoding="utf-8")
        jobs.append((src, "chromium-pdf", page, cache / f"{key}-chromium.pdf"))
        jobs.append((src, "chromium-pdf-noborder", nb_page, cache / f"{key}-chromium-noborder.pdf"))
        jobs.append((src, "chromium-pdf-furniture", nb_page, cache / f"{key}-chromium-furniture.pdf"))

    def print_one(job):
        src, kind, page, pdf = job
        ok = pdf.is_file() or chromium_pdf(page, pdf, furniture=kind == "chromium-pdf-furniture")
        return Variant(src, kind, pdf if ok else None, "" if ok else "chromium not installed or failed")

    with ThreadPoolExecutor(max_workers=2) as pool:
        out += list(pool.map(print_one, jobs))
    # LibreOffice: HTML -> DOCX, then DOCX -> PDF, each in one run
    lo_dir = cache / "lo"
    lo_dir.mkdir(exist_ok=True)
    todo = [page for src, (page, _) in html_of.items() if not (lo_dir / f"{page.stem}.docx").is_file()]
    lo_convert(todo, "docx", lo_dir)
    docx_inputs = []
    for src, (page, _) in html_of.items():
        d = lo_dir / f"{page.stem}.docx"
        out.append(
            Variant(
                src, "lo-docx", d if d.is_file() else None, "" if d.is_file() else "LibreOffice not installed or failed"
            )
        )
        if d.is_file():
            docx_inputs.append((src, "lo-docx-pdf", d))
    for v in [v for v in out if v.kind == "parsed-docx"]:
        docx_inputs.append((v.source, "parsed-docx-pdf", v.path))
    pdf_dir = cache / "lo-pdf"
    pdf_dir.mkdir(exist_ok=True)
    lo_convert([d for _, _, d in docx_inputs if not (pdf_dir / f"{d.stem}.pdf").is_file()], "pdf", pdf_dir)
    for src, kind, d in docx_inputs:
        p = pdf_dir / f"{d.stem}.pdf"
        out.append(
            Variant(src, kind, p if p.is_file() else None, "" if p.is_file() else "LibreOffice not installed or failed")
        )
    return out
