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

MAX_BYTES = 50 * 1024 * 1024


def sniff_format(data: bytes) -> str:
    """Return ``pdf``, ``zip`` (DOCX or other OOXML), ``ole`` (old .doc/.xls), ``html``, ``markdown`` or ``text``."""
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
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError(name, "no such file")
    if p.is_dir():
        raise InputError(name, "is a directory, not a report file")
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise InputError(name, f"file is {size} bytes, larger than the {MAX_BYTES}-byte limit")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read the file ({exc.strerror or exc})") from None
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
    originals = split_lines(text)
    # normalise the whole text in one call (OpenCC and NFKC keep line breaks); per line if the count changes
    normalised = split_lines(normalise(text))
    if len(normalised) != len(originals):
        normalised = [normalise(o) for o in originals]
    lines = [construct(Line, {"number": i + 1, "original": o, "text": t, "page": None}) for i, (o, t) in enumerate(zip(originals, normalised))]
    return Document(
        path=name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        source_format=fmt,
        lines=lines,
    )
