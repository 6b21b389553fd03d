"""Ingest: bytes on disk -> :class:`reviewer.models.Document` (normalised lines with original line numbers).

The format is recognised by content (magic bytes), not by file extension. Text and Markdown are read here;
PDF (text layer, pdfplumber), DOCX (python-docx) and HTML (lxml) are read by their own modules, imported only
when such a file arrives; their tables become pipe rows that the parser reads as grids.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from reviewer.errors import InputError
from reviewer.ingest.text import decode_bytes, normalise, split_lines
from reviewer.models import Document, Line, construct

import os
import stat


LIMIT_VARIABLES = ("REVIEWER_MAX_BYTES", "REVIEWER_MAX_LINES", "REVIEWER_MAX_CHARS", "REVIEWER_MAX_PAGES",
                   "REVIEWER_MAX_PAGE_STREAM", "REVIEWER_MAX_DECOMPRESSED", "REVIEWER_MAX_TABLE_ROWS")


def invalid_limits() -> list[str]:
    """Names of limit variables set to something other than a positive integer (the CLI refuses to start)."""
    bad = []
    for name in LIMIT_VARIABLES:
        raw = os.environ.get(name)
        if raw is not None and not (raw.strip().isdigit() and 0 < int(raw) < 10**15):
            bad.append(f"{name}={raw!r}")
    return bad


def _limit(name: str, default: int) -> int:
    """A size limit, overridable by the environment variable ``name`` (a positive integer; see invalid_limits)."""
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip().isdigit() and 0 < int(raw) < 10**15 else default


#: Input limits (each configurable by an environment variable): a real annual report is far below all of them.
MAX_BYTES = _limit("REVIEWER_MAX_BYTES", 50 * 1024 * 1024)
MAX_LINES = _limit("REVIEWER_MAX_LINES", 100_000)
MAX_CHARS = _limit("REVIEWER_MAX_CHARS", 5_000_000)


def sniff_format(data: bytes) -> str:
    """Return ``pdf``, ``zip`` (DOCX or other OOXML), ``ole`` (old .doc/.xls), ``html``, ``markdown`` or ``text``.

    Text formats are recognised in UTF-16/UTF-32 too (their BOM is read first)."""
    for bom, enc in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            sample = data[len(bom) : len(bom) + 400_000]
            sample = sample[: len(sample) - len(sample) % (4 if "32" in enc else 2)]
            data = sample.decode(enc, errors="replace").encode("utf-8")
            break
    head = data[:1024].lstrip()
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    low = head.lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in data[:4096].lower():
        return "html"
    if b"\n|" in data[:200000] and b"|---" in data[:200000].replace(b" ", b""):
        return "markdown"
    return "text"


_UNSUPPORTED = {
    "ole": "old binary Word/Excel file (.doc/.xls); convert it to .docx first",
}


def load_document(path: str | Path) -> Document:
    """Read ``path`` and return a :class:`Document`.

    Raises :class:`InputError` (one-line reason naming the file) when the file is missing, is a directory,
    is larger than 50 MiB, is empty or binary, or has a format this reader does not take.
    """
    name = str(path)
    if name == "":
        raise InputError("''", "empty file name")
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except OSError as exc:
        raise InputError(name, f"cannot open the file ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(name, "is a directory, not a report file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(name, "not a regular file (device, FIFO or socket); copy the report to a file first")
    if st.st_size > MAX_BYTES:
        raise InputError(name, f"file is {st.st_size} bytes, larger than the {MAX_BYTES}-byte limit (REVIEWER_MAX_BYTES)")
    try:
        with open(p, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(name, f"cannot read the file ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise InputError(name, f"file is larger than the {MAX_BYTES}-byte limit (REVIEWER_MAX_BYTES)")
    return document_from_bytes(data, name)


def document_from_bytes(data: bytes, name: str) -> Document:
    """Build a :class:`Document` from raw bytes (see :func:`load_document` for the errors raised)."""
    if not data.strip():
        raise InputError(name, "the file is empty")
    fmt = sniff_format(data)
    if fmt in _UNSUPPORTED:
        raise InputError(name, _UNSUPPORTED[fmt])
    if fmt == "html":
        from reviewer.ingest.html import read_html

        return read_html(data, name)
    if fmt == "pdf":
        from reviewer.ingest.pdf import read_pdf

        return read_pdf(data, name)
    if fmt == "zip":
        from reviewer.ingest.docx import read_docx

        return read_docx(data, name)
    text, encoding = decode_bytes(data, name)
    if not text.strip().lstrip("\ufeff").strip():
        raise InputError(name, "the file is empty")
    if len(text) > MAX_CHARS:
        raise InputError(name, f"text of {len(text)} characters is larger than the {MAX_CHARS}-character limit (REVIEWER_MAX_CHARS)")
    originals = split_lines(text)
    if len(originals) > MAX_LINES:
        raise InputError(name, f"{len(originals)} lines, more than the {MAX_LINES}-line limit (REVIEWER_MAX_LINES)")
    # normalise the whole text in one call (OpenCC and NFKC keep line breaks); per line if the count changes
    normalised = split_lines(normalise(text))
    if len(normalised) != len(originals):
        normalised = [normalise(o) for o in originals]
    lines = [construct(Line, {"number": i, "original": o, "text": t, "page": None}) for i, (o, t) in enumerate(zip(originals, normalised), 1)]
    return Document(
        path=name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        source_format=fmt,
        lines=lines,
    )
