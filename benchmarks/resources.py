"""Resource benchmark (issue 12): hostile inputs built at the documented limits, each reviewed in a fresh process.

    python -m benchmarks.resources [--case NAME ...] [--keep DIR]

Every case is one file (or one batch folder) that passes the input limits (``REVIEWER_MAX_BYTES`` and the others)
and is built to cost as much memory or time as a reader lets it: a 49 MiB HTML page of 4 million paragraphs, one
paragraph of 17 million characters, HTML tables whose rowspan/colspan would expand to millions of cells (or a first row
that makes every row wide), a DOCX of millions of paragraphs or with a huge styles part, a PDF of 70,000 tiny text runs
per page, text drawn through form XObjects (nested, drawn many times) or in a text object never closed, files just
under each limit, a batch of normal reports with one file over the time bound.
Each runs as ``reviewer memo FILE`` (or ``reviewer batch``) in its own process; the table gives the exit code, wall
time, peak resident memory of the process tree (``wait4`` rusage, MB) and the first line of stderr. Targets: peak
RSS <= 500 MB and <= 30 s per file, or a clean one-line refusal (exit 2).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

MIB = 1024 * 1024
LIMIT = 50 * MIB - 4096  # just under REVIEWER_MAX_BYTES


def html_paragraphs(path: Path) -> None:
    """4.1 M short paragraphs in a 49 MiB page."""
    unit = b"<p>\xe5\x85\xac\xe5\xbc\x80</p>"  # <p>公开</p>, 16 bytes
    with open(path, "wb") as fh:
        fh.write(b"<html><body>")
        fh.write(unit * ((LIMIT - 30) // len(unit)))
        fh.write(b"</body></html>")


def html_one_paragraph(path: Path) -> None:
    """One paragraph of about 17 M characters (49 MiB)."""
    with open(path, "wb") as fh:
        fh.write(b"<html><body><p>")
        fh.write("公开".encode() * ((LIMIT - 40) // 6))
        fh.write(b"</p></body></html>")


def html_span_bomb(path: Path) -> None:
    """300 cells of rowspan and colspan 200 in 21 KB."""
    rows = "".join(f'<tr><td rowspan="200" colspan="200">{i}</td></tr>' for i in range(300))
    path.write_text(f"<html><body><p>表三</p><table>{rows}</table></body></html>", encoding="utf-8")


def html_rowspan_cells(path: Path) -> None:
    """95,000 cells of rowspan 200 (2.3 MB, just under the tag limit)."""
    cells = '<td rowspan="200">1</td>' * 20
    rows = "".join(f"<tr>{cells}</tr>" for _ in range(4750))
    path.write_text(f"<html><body><table>{rows}</table></body></html>", encoding="utf-8")


def html_at_tag_limit(path: Path) -> None:
    """99,000 paragraphs: just under the tag limit and the line limit, so the page is read whole."""
    path.write_text("<html><body>" + "<p>公开信息</p>" * 99_000 + "</body></html>", encoding="utf-8")


def html_at_char_limit(path: Path) -> None:
    """One paragraph of 4.9 M characters: just under the character limit."""
    path.write_text("<html><body><p>" + "公开" * 2_450_000 + "</p></body></html>", encoding="utf-8")


def _docx(path: Path, body: str, extra: dict[str, str] | None = None) -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr("word/document.xml", xml)
        for name, text in (extra or {}).items():
            z.writestr(name, text)


def docx_at_xml_limit(path: Path) -> None:
    """A document.xml of 9.8 MiB (230,000 short paragraphs): under the part limit, over the line limit."""
    import random

    rng = random.Random(1)
    chars = "政府信息公开年度报告申请办理结果行政复议诉讼主动公开"
    _docx(
        path,
        "".join(
            f"<w:p><w:r><w:t>{''.join(rng.choice(chars) for _ in range(3))}</w:t></w:r></w:p>" for _ in range(230_000)
        ),
    )


def docx_paragraphs(path: Path) -> None:
    """A DOCX whose document.xml holds 3 M short paragraphs of varied text (compresses about 6:1, so the ZIP-bomb
    ratio check does not catch it; 130 MB once unpacked)."""
    import random

    rng = random.Random(0)
    chars = "政府信息公开年度报告申请办理结果行政复议诉讼主动公开"
    _docx(
        path,
        "".join(
            f"<w:p><w:r><w:t>{''.join(rng.choice(chars) for _ in range(3))}</w:t></w:r></w:p>" for _ in range(3_000_000)
        ),
    )


def _serialise(objects: list[bytes]) -> bytes:
    """PDF bytes of ``objects`` (object k is ``objects[k]``; index 0 unused), with the cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects[1:], 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % len(objects))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects), xref))
    return out.getvalue()


def _pdf(pages: list[bytes]) -> bytes:
    """A minimal PDF: one Helvetica font, one content stream per page."""
    objects: list[bytes] = [
        b"",
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for stream in pages:
        content = len(objects)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(len(objects))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
            % content
        )
    objects[2] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    return _serialise(objects)


def _pdf_with_forms(page: bytes, forms: list[tuple[bytes, bytes]]) -> bytes:
    """A one-page PDF whose page stream ``page`` may draw the form XObjects ``forms`` = ``[(stream, resources)]``
    (named /X0, /X1, ... in the page's resources; ``resources`` is the form's own resource dictionary text, where
    ``%d`` refs are object numbers: form k is object 5 + k)."""
    objects: list[bytes] = [
        b"",
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"",
    ]
    names = b" ".join(b"/X%d %d 0 R" % (k, 5 + k) for k in range(len(forms)))
    for stream, resources in forms:
        objects.append(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources "
            + resources
            + b" /Length %d >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream"
        )
    content_obj = len(objects)
    objects.append(b"<< /Length %d >>\nstream\n" % len(page) + page + b"\nendstream")
    objects[4] = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> /XObject << "
        + names
        + b" >> >> /Contents %d 0 R >>" % content_obj
    )
    return _serialise(objects)


def pdf_form_text(path: Path, chars: int = 30_000, draws: int = 20) -> None:
    """A 3 KB page that draws one form of 30,000 characters 20 times (600,000 characters shown)."""
    form = _tiny_runs_page(chars)
    path.write_bytes(
        _pdf_with_forms(b"\n".join(b"q /X0 Do Q" for _ in range(draws)), [(form, b"<< /Font << /F1 3 0 R >> >>")])
    )


def pdf_nested_forms(path: Path, depth: int = 14) -> None:
    """Forms drawing the next form twice, ``depth`` deep (2^depth draws of the innermost text)."""
    forms = []
    for k in range(depth):
        if k + 1 < depth:
            forms.append(
                (b"q /X%d Do Q q /X%d Do Q" % (k + 1, k + 1), b"<< /XObject << /X%d %d 0 R >> >>" % (k + 1, 6 + k))
            )
        else:
            forms.append((_tiny_runs_page(2_000), b"<< /Font << /F1 3 0 R >> >>"))
    path.write_bytes(_pdf_with_forms(b"/X0 Do", forms))


def pdf_unclosed_text(path: Path, chars: int = 300_000) -> None:
    """One page whose text object is never closed (no ``ET``) and holds an ``(ET)`` string: 300,000 characters in
    a 300 KB stream."""
    line = b"(ET) Tj " + b"(" + b"a" * 1000 + b") Tj T* "
    page = b"BT /F1 2 Tf 2 TL 1 0 0 1 20 800 Tm " + line * (chars // 1000)
    path.write_bytes(_pdf([page]))


def html_wide_first_row(path: Path, cells: int = 990, rows: int = 2000) -> None:
    """A first row of 990 cells of colspan 200 (198,000 grid positions, under the budget), then 1,999 one-cell
    rows: every rendered row is 198,000 columns wide."""
    first = "<tr>" + '<td colspan="200">1</td>' * cells + "</tr>"
    rest = "<tr><td>2</td></tr>" * (rows - 1)
    path.write_text(f"<html><body><table>{first}{rest}</table></body></html>", encoding="utf-8")


def docx_big_styles(path: Path, mib: int = 60) -> None:
    """A tiny document with a 60 MiB ``word/styles.xml`` of varied text (compression ratio about 10)."""
    import random
    import string

    rng = random.Random(1)
    parts = ['<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">']
    size = 0
    while size < mib * MIB:
        s = f'<w:style w:type="paragraph" w:styleId="s{size}"><w:name w:val="{"".join(rng.choices(string.ascii_letters, k=8))}"/></w:style>'
        parts.append(s)
        size += len(s)
    parts.append("</w:styles>")
    _docx(
        path,
        "<w:p><w:r><w:t>某某县人民政府2023年政府信息公开工作年度报告</w:t></w:r></w:p>",
        extra={"word/styles.xml": "".join(parts)},
    )


def _tiny_runs_page(runs: int = 70_000) -> bytes:
    parts = [b"BT /F1 2 Tf"]
    for i in range(runs):
        parts.append(b"1 0 0 1 %d %d Tm (a) Tj" % (20 + (i % 280) * 2, 20 + (i // 280) * 3))
    parts.append(b"ET")
    return b"\n".join(parts)


def pdf_tiny_runs_5(path: Path) -> None:
    """5 pages of 70,000 one-character text runs each (about 1.7 MB decoded stream per page)."""
    page = _tiny_runs_page()
    path.write_bytes(_pdf([page] * 5))


def pdf_tiny_runs_20(path: Path) -> None:
    """20 such pages."""
    page = _tiny_runs_page()
    path.write_bytes(_pdf([page] * 20))


def pdf_at_text_limits(path: Path) -> None:
    """5 pages of 39,000 text runs each: under the per-page and the per-file text limits, so it is laid out whole."""
    page = _tiny_runs_page(39_000)
    path.write_bytes(_pdf([page] * 5))


def pdf_many_pages(path: Path) -> None:
    """300 pages (the page limit) of 600 text runs each (180,000: under the per-file text limit)."""
    page = _tiny_runs_page(600)
    path.write_bytes(_pdf([page] * 300))


CASES = {
    f.__name__: f
    for f in (
        html_paragraphs,
        html_one_paragraph,
        html_span_bomb,
        html_rowspan_cells,
        html_at_tag_limit,
        html_at_char_limit,
        docx_paragraphs,
        docx_at_xml_limit,
        pdf_tiny_runs_5,
        pdf_tiny_runs_20,
        pdf_at_text_limits,
        pdf_many_pages,
        pdf_form_text,
        pdf_nested_forms,
        pdf_unclosed_text,
        html_wide_first_row,
        docx_big_styles,
    )
}
SUFFIX = {
    "docx_paragraphs": ".docx",
    "docx_at_xml_limit": ".docx",
    "pdf_tiny_runs_5": ".pdf",
    "pdf_tiny_runs_20": ".pdf",
    "pdf_at_text_limits": ".pdf",
    "pdf_many_pages": ".pdf",
    "pdf_form_text": ".pdf",
    "pdf_nested_forms": ".pdf",
    "pdf_unclosed_text": ".pdf",
    "docx_big_styles": ".docx",
}


def _build(name: str, path: Path) -> None:
    """Build one case file in a child process (the benchmark's own memory must not count in the measured child:
    a forked child's peak RSS includes its parent's pages)."""
    import multiprocessing

    proc = multiprocessing.get_context("spawn").Process(target=CASES[name], args=(path,))
    proc.start()
    proc.join()


def measure(cmd: list[str], timeout: float = 600) -> tuple[int, float, float, str]:
    """Run ``cmd``; return ``(exit code, seconds, peak RSS of the process tree in MB, first stderr line)``."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
        err.seek(0)
        first = (err.read().decode("utf-8", "replace").strip().splitlines() or [""])[0]
    return proc.returncode, seconds, usage.ru_maxrss / 1024, first[:110]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", action="append", choices=[*CASES, "batch_with_hostile"], help="run only these cases")
    ap.add_argument("--keep", type=Path, help="build the files in this folder and keep them")
    args = ap.parse_args(argv)
    names = args.case or [*CASES, "batch_with_hostile"]
    work = args.keep or Path(tempfile.mkdtemp(prefix="reviewer-resources-"))
    work.mkdir(parents=True, exist_ok=True)
    exe = [sys.executable, "-m", "reviewer.cli"]
    print(f"{'case':22} {'size MB':>8} {'exit':>4} {'seconds':>8} {'peak MB':>8}  stderr")
    try:
        for name in names:
            if name == "batch_with_hostile":
                folder = work / "batch"
                if folder.exists():
                    shutil.rmtree(folder)
                folder.mkdir()
                subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        f"from benchmarks.synth import generate; generate(__import__('pathlib').Path({str(folder)!r}), 50)",
                    ],
                    check=True,
                )
                (folder / "manifest.jsonl").unlink(missing_ok=True)
                _build("pdf_many_pages", folder / "slow.pdf")  # about 10 s to read, over the 3 s bound set below
                shutil.rmtree(work / "batch-out", ignore_errors=True)
                size = sum(p.stat().st_size for p in folder.iterdir()) / MIB
                env_cmd = ["env", "REVIEWER_FILE_TIMEOUT=3", *exe]
                code, secs, peak, first = measure(
                    [*env_cmd, "batch", str(folder), "-o", str(work / "batch-out"), "--jobs", "2"]
                )
            else:
                path = work / f"{name}{SUFFIX.get(name, '.html')}"
                if not path.exists():
                    _build(name, path)
                size = path.stat().st_size / MIB
                code, secs, peak, first = measure([*exe, "memo", str(path), "-o", os.devnull])
            print(f"{name:22} {size:8.1f} {code:4d} {secs:8.2f} {peak:8.0f}  {first}", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
