"""Ingest: bytes on disk -> :class:`reviewer.models.Document` (normalised lines with original line numbers).

The format is recognised by content (magic bytes), not by file extension. Text and Markdown are read here;
PDF (text layer, pdfplumber), DOCX (python-docx) and HTML (lxml) are read by their own modules, imported only
when such a file arrives; their tables become pipe rows that the parser reads as grids.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from reviewer.errors import InputError
from reviewer.ingest.text import blank_markup, decode_bytes, normalise, split_lines
from reviewer.models import Document, Line, construct

LIMIT_VARIABLES = (
    "REVIEWER_MAX_BYTES",
    "REVIEWER_MAX_LINES",
    "REVIEWER_MAX_CHARS",
    "REVIEWER_MAX_PAGES",
    "REVIEWER_MAX_PAGE_STREAM",
    "REVIEWER_MAX_DECOMPRESSED",
    "REVIEWER_MAX_TABLE_ROWS",
    "REVIEWER_CONVERT_TIMEOUT",
    "REVIEWER_MAX_HTML_TAGS",
    "REVIEWER_MAX_GRID_CELLS",
    "REVIEWER_MAX_PAGE_TEXT",
    "REVIEWER_MAX_PDF_TEXT",
    "REVIEWER_MAX_DOCX_XML",
    "REVIEWER_FILE_TIMEOUT",
    "REVIEWER_FILE_MEMORY_MB",
    "REVIEWER_LLM_MAX_ANSWER",
)


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
#: ``MAX_LINES`` and ``MAX_CHARS`` bound the text every reader renders (text, HTML, DOCX, PDF), checked while reading.
MAX_BYTES = _limit("REVIEWER_MAX_BYTES", 50 * 1024 * 1024)
MAX_LINES = _limit("REVIEWER_MAX_LINES", 100_000)
MAX_CHARS = _limit("REVIEWER_MAX_CHARS", 5_000_000)
#: Tags of an HTML page (checked before parsing: the parsed tree costs about 300 bytes a tag; the largest real report
#: page has 3,546).
MAX_HTML_TAGS = _limit("REVIEWER_MAX_HTML_TAGS", 200_000)
#: Grid positions the rowspan/colspan of one document's tables may fill (table 3 of the template has about 300).
MAX_GRID_CELLS = _limit("REVIEWER_MAX_GRID_CELLS", 200_000)
#: Characters of text a PDF page's content streams may show, and a whole PDF (string bytes of the text operators,
#: counted before layout: layout analysis keeps an object per character). The densest real page shows 1,837, the
#: largest real PDF 5,758.
MAX_PAGE_TEXT = _limit("REVIEWER_MAX_PAGE_TEXT", 40_000)
MAX_PDF_TEXT = _limit("REVIEWER_MAX_PDF_TEXT", 200_000)
#: Unpacked size of a DOCX's main part ``word/document.xml`` (parsed whole by python-docx; a real report's is 1-3 MB).
MAX_DOCX_XML = _limit("REVIEWER_MAX_DOCX_XML", 10 * 1024 * 1024)


#: Tags that carry document structure (a ``<br>`` in a Markdown table cell does not make a file HTML).
_STRUCTURAL_TAG = re.compile(
    rb"<(?:/?(?:p|div|span|font|table|tbody|thead|tr|td|th|h[1-6]|ul|ol|li|center|section|article|body|html|head|meta|style|title)\b[^<>]{0,4000}>|/?o:p\s*>|/?w:[a-z]+\b[^<>]{0,400}>)",
    re.I,
)
_MHTML_HEAD = re.compile(rb"^(?:[\w-]+:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*)*?content-type:\s*multipart/related", re.I)


def _utf_sample(data: bytes, limit: int = 400_000) -> bytes:
    """``data`` as UTF-8 bytes for sniffing: UTF-16/32 (read by their BOM) are transcoded, others kept as they are."""
    for bom, enc in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            sample = data[len(bom) : len(bom) + limit]
            sample = sample[: len(sample) - len(sample) % (4 if "32" in enc else 2)]
            return sample.decode(enc, errors="replace").encode("utf-8")
    return data[:limit]


def markup_share(sample: bytes) -> tuple[int, float]:
    """``(structural tags, share of bytes inside them)`` in ``sample``: how much of a text is HTML markup."""
    tags = _STRUCTURAL_TAG.findall(sample)
    size = len(sample.strip()) or 1
    return len(tags), sum(len(t) for t in tags) / size


def sniff_format(data: bytes) -> str:
    """Return the format of ``data`` judged by its content, never by a file name: ``pdf``, ``zip`` (DOCX or other
    OOXML), ``ole`` (old binary .doc/.wps/.xls), ``rtf``, ``mhtml`` (a "single file web page" .mht), ``html``,
    ``markdown`` or ``text``.

    A file is HTML when markup dominates it anywhere, not only when it opens with ``<html``: a page fragment that
    starts with ``<p style=…>``, Word's filtered HTML (``mso-`` styles, ``<o:p>``) and XHTML all count. Text formats
    are recognised in UTF-16/UTF-32 too (their BOM is read first)."""
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    sample = _utf_sample(data)
    head = sample[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if b"multipart/related" in head[:4096].lower() and _MHTML_HEAD.search(head):
        return "mhtml"
    low = head[:4096].lower()
    if (
        low.startswith((b"<!doctype html", b"<html", b"<?xml"))
        and b"<html" in sample[:20000].lower()
        or b"<html" in low
    ):
        return "html"
    tags, share = markup_share(sample)
    markdown = b"\n|" in sample[:200000] and b"|---" in sample[:200000].replace(b" ", b"")
    if tags >= 8 and (share >= 0.10 or not markdown) or tags >= 3 and share >= 0.30:
        return "html"
    if markdown:
        return "markdown"
    return "text"


def mhtml_to_html(data: bytes, path: str) -> bytes:
    """The HTML part of a MIME "single file web page" (``.mht``/``.mhtml``) as UTF-8 bytes (quoted-printable and
    base64 decoded, its charset honoured). Raises :class:`InputError` when the archive holds no HTML part."""
    import email
    import email.policy

    msg = email.message_from_bytes(data, policy=email.policy.default)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            try:
                html = part.get_content()
            except (LookupError, UnicodeDecodeError, ValueError):
                payload = part.get_payload(decode=True) or b""
                html = payload.decode("gb18030", errors="replace")
            if isinstance(html, bytes):
                html = html.decode("utf-8", errors="replace")
            # the declared charset was applied by the email parser: say so to the HTML reader
            html = re.sub(r"(?i)<meta[^>]+charset\s*=\s*[\"']?[\w-]+[^>]*>", "", html)
            return ('<meta charset="utf-8">' + html).encode("utf-8")
    raise InputError(path, "MHTML archive (.mht) without an HTML part")


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
        raise InputError(
            name, f"file is {st.st_size} bytes, larger than the {MAX_BYTES}-byte limit (REVIEWER_MAX_BYTES)"
        )
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
    if fmt in ("ole", "rtf"):
        from reviewer.ingest.convert import to_docx
        from reviewer.ingest.docx import read_docx

        doc = read_docx(to_docx(data, name, fmt), name)
        doc.source_format = "doc" if fmt == "ole" else "rtf"
        doc.sha256 = hashlib.sha256(data).hexdigest()
        return doc
    if fmt == "mhtml":
        from reviewer.ingest.html import read_html

        doc = read_html(mhtml_to_html(data, name), name)
        doc.source_format = "mhtml"
        doc.sha256 = hashlib.sha256(data).hexdigest()
        return doc
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
        raise InputError(
            name, f"text of {len(text)} characters is larger than the {MAX_CHARS}-character limit (REVIEWER_MAX_CHARS)"
        )
    originals = split_lines(text)
    if len(originals) > MAX_LINES:
        raise InputError(name, f"{len(originals)} lines, more than the {MAX_LINES}-line limit (REVIEWER_MAX_LINES)")
    # normalise the whole text in one call (OpenCC and NFKC keep line breaks); per line if the count changes
    normalised = split_lines(blank_markup(normalise(text)))
    if len(normalised) != len(originals):
        normalised = [blank_markup(normalise(o)) for o in originals]
    lines = [
        construct(Line, {"number": i, "original": o, "text": t, "page": None, "cells": None, "grid": None})
        for i, (o, t) in enumerate(zip(originals, normalised), 1)
    ]
    return Document(
        path=name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        source_format=fmt,
        lines=lines,
    )
