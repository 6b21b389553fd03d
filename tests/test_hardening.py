"""Hostile and broken inputs found by the black-box attack session: each failure became one of these tests.

Every input must end in a result (exit 0/1) or exit 2 with exactly one line on stderr, with no traceback, within
the subprocess timeout (no hang) and without unbounded memory (limits refuse what would need it).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
import zlib

import pytest
from conftest import FIXTURES, REAL, needs_shared


def run(*args: str, timeout: int = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reviewer.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def one_line_error(p: subprocess.CompletedProcess, needle: str) -> None:
    assert p.returncode == 2, (p.returncode, p.stderr[-500:])
    assert p.stderr.count("\n") == 1 and needle in p.stderr and "Traceback" not in p.stderr, p.stderr


def _pdf(content: bytes, mediabox: bytes = b"[0 0 595 842]") -> bytes:
    stream = zlib.compress(content, 9)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox "
        + mediabox
        + b" /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)


def test_long_glued_digit_run_does_not_hang(tmp_path) -> None:
    text = (FIXTURES / "clean_glued_2022.txt").read_text(encoding="utf-8")
    label = "（一）予以公开"
    start = text.index(label) + len(label)
    end = start
    while text[end].isdigit():
        end += 1
    f = tmp_path / "glued200.txt"
    f.write_text(text[:start] + "1" * 200 + text[end:], encoding="utf-8")
    p = run("check", str(f), "--format", "json", timeout=60)
    # a 200-digit cell is no reading of a table: table 3 is doubtful (PARSE-DOUBTFUL), not a list of errors
    assert p.returncode == 0 and "Traceback" not in p.stderr
    findings = json.loads(p.stdout)
    assert [x["where"] for x in findings if x["rule"] == "PARSE-DOUBTFUL"] == ["t3"]
    assert not [x for x in findings if x["severity"] == "error" and x["where"].startswith("t3")]


def test_pdf_with_millions_of_text_operators_is_refused(tmp_path) -> None:
    f = tmp_path / "tj.pdf"
    f.write_bytes(_pdf(b"BT /F1 12 Tf 72 720 Td " + b"(1234567890) Tj " * 300_000 + b"ET"))
    one_line_error(run("check", str(f), timeout=60), "content stream")


def test_pdf_warnings_do_not_reach_stderr(tmp_path) -> None:
    f = tmp_path / "mediabox.pdf"
    f.write_bytes(_pdf(b"BT /F1 12 Tf 72 720 Td (hello) Tj ET", mediabox=b"[0 0 1e30 1e30]"))
    p = run("check", str(f))
    assert p.returncode in (1, 2) and p.stderr.count("\n") <= 1 and "MediaBox in /Page" not in p.stderr


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused(path: str) -> None:
    if not os.path.exists(path):
        pytest.skip(f"{path} missing")
    one_line_error(run("check", path, timeout=30), "not a regular file")


def test_fifo_is_refused_without_blocking(tmp_path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    one_line_error(run("check", str(fifo), timeout=30), "not a regular file")


def test_line_limit(tmp_path) -> None:
    f = tmp_path / "lines.txt"
    f.write_bytes(b"1\n" * 200_000)
    one_line_error(run("parse", str(f)), "more than the 100000-line limit")
    env = dict(os.environ, REVIEWER_MAX_LINES="100")
    one_line_error(
        run("parse", str(FIXTURES / "clean_tab_2023.txt"), env=env), "more than the 100-line limit (REVIEWER_MAX_LINES)"
    )


def test_one_endless_narrative_line_stays_linear(tmp_path) -> None:
    text = (FIXTURES / "clean_spaced_2023.txt").read_text(encoding="utf-8")
    f = tmp_path / "narr.txt"
    f.write_text(text + "\n" + "全年共受理政府信息公开申请65件，其中自然人申请47件。" * 20_000, encoding="utf-8")
    p = run("check", str(f), "--fail-on", "never", timeout=120)
    assert p.returncode == 0 and "Traceback" not in p.stderr


@needs_shared
def test_deeply_nested_html_is_read_or_refused_never_misread(tmp_path) -> None:
    html = (REAL / "2023_shuyang-fgj.html").read_text(encoding="utf-8")
    body = html.index("<body>") + 6
    base = run("check", str(REAL / "2023_shuyang-fgj.html"), "--format", "json")
    for depth, expect in ((250, "same"), (1500, "same"), (5000, "refused")):
        f = tmp_path / f"nest{depth}.html"
        f.write_text(html[:body] + "<div>" * depth + html[body:], encoding="utf-8")
        p = run("check", str(f), "--format", "json")
        if expect == "same":
            assert p.returncode == base.returncode and p.stdout.count('"rule"') == base.stdout.count('"rule"')
        else:
            one_line_error(p, "nested too deeply")


@needs_shared
@pytest.mark.parametrize("encoding", ["utf-16", "gb18030"])
def test_html_in_other_encodings_without_charset(tmp_path, encoding: str) -> None:
    html = (REAL / "2023_shuyang-fgj.html").read_text(encoding="utf-8")
    f = tmp_path / f"page-{encoding}.html"
    f.write_bytes(html.replace('charset="utf-8"', "").replace("charset=utf-8", "").encode(encoding))
    base = run("parse", str(REAL / "2023_shuyang-fgj.html"))
    p = run("parse", str(f))
    import json

    a, b = json.loads(base.stdout), json.loads(p.stdout)
    assert (b["t2"], b["t3"], b["t4"], b["sections_present"]) == (a["t2"], a["t3"], a["t4"], a["sections_present"])


def test_markdown_non_numeric_first_value_keeps_columns(tmp_path) -> None:
    text = (FIXTURES / "clean_markdown_2024.md").read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "（一）予以公开" in ln and ln.startswith("|"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    values = cells[-7:]
    bad = line.replace(f"| {values[0]} |", "| x |", 1)
    f = tmp_path / "md.md"
    f.write_text(text.replace(line, bad, 1), encoding="utf-8")
    import json

    row = json.loads(run("parse", str(f)).stdout)["t3"]["granted"]
    assert row["natural_person"] == "x"
    assert [row[c] for c in ("commercial", "research", "public_interest", "legal_service", "other_org", "total")] == [
        int(v) for v in values[1:]
    ]


def test_chinese_digit_cells_are_read() -> None:
    from reviewer.ingest import document_from_bytes
    from reviewer.parse import parse_document

    text = (
        (FIXTURES / "clean_spaced_2023.txt")
        .read_text(encoding="utf-8")
        .replace("（一）予以公开 19 6 1 2 0 0 28", "（一）予以公开 一九 6 1 2 0 0 二八")
    )
    report = parse_document(document_from_bytes(text.encode("utf-8"), "cn.txt"))
    cells = report.t3.rows["granted"]
    assert (cells["natural_person"].value, cells["natural_person"].raw, cells["total"].value) == (19, "一九", 28)


def test_newline_in_file_name_stays_on_one_line(tmp_path) -> None:
    f = tmp_path / "empty\nline2.txt"
    f.write_bytes(b"")
    one_line_error(run("check", str(f)), "empty\\nline2.txt: the file is empty")


def test_no_arguments_is_a_one_line_usage_error() -> None:
    one_line_error(run(), "Missing command")


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"\xef\xbb\xbf", "the file is empty"),
        (b"\xff\xfe", "the file is empty"),
        (b"\xff" * 5000, "binary file"),
    ],
)
def test_bom_only_and_junk_bytes(tmp_path, data: bytes, needle: str) -> None:
    f = tmp_path / "x.txt"
    f.write_bytes(data)
    one_line_error(run("check", str(f)), needle)


def test_utf32_and_utf16_without_bom_are_decoded(tmp_path) -> None:
    text = (FIXTURES / "clean_tab_2023.txt").read_text(encoding="utf-8")
    base = run("check", str(FIXTURES / "clean_tab_2023.txt"), "--format", "json").stdout
    for enc in ("utf-32", "utf-16-le", "utf-16-be"):
        f = tmp_path / f"{enc}.txt"
        f.write_bytes(text.encode(enc))
        p = run("check", str(f), "--format", "json")
        assert p.returncode == 0 and p.stdout == base, enc


def test_memo_refuses_to_overwrite_its_input(tmp_path) -> None:
    f = tmp_path / "report.txt"
    f.write_bytes((FIXTURES / "clean_tab_2023.txt").read_bytes())
    one_line_error(run("memo", str(f), "-o", str(f)), "the output file is the input report")
    assert f.read_bytes() == (FIXTURES / "clean_tab_2023.txt").read_bytes()


def test_encrypted_zip_docx(tmp_path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", b"<a/>")
    data = bytearray(buf.getvalue())
    # set the "encrypted" general-purpose flag in the local and central headers
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        i = data.find(sig)
        off = i + (6 if sig == b"PK\x03\x04" else 8)
        data[off] |= 0x1
    f = tmp_path / "locked.docx"
    f.write_bytes(bytes(data))
    one_line_error(run("check", str(f)), "encrypted ZIP container")


def test_docx_without_a_body_is_an_input_error() -> None:
    """Regression (fuzzer): word/document.xml that is XML but not WordprocessingML crashed with AttributeError."""
    from evals.docx_sample import build_docx  # noqa: F401 - ensures python-docx is importable
    from reviewer.errors import InputError
    from reviewer.ingest import document_from_bytes

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        zf.writestr("word/document.xml", b"<a/>")
    with pytest.raises(InputError, match="no body"):
        document_from_bytes(buf.getvalue(), "nobody.docx")
