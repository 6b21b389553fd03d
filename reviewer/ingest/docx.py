"""DOCX reader (python-docx): paragraphs and tables in document order, merged cells honoured.

Each body paragraph is one line; each table row is one pipe row. Horizontal merges (``w:gridSpan``) leave the
spanned columns empty; vertical merges (``w:vMerge``) repeat a label in the rows below and leave a number only in
the first row. A table split into two tables simply continues. Provenance: ``Line.number`` is the running
index of the paragraph or table row in the document body.

Before python-docx sees the file, the ZIP container is checked: it must hold ``word/document.xml``, and its
declared uncompressed size and compression ratio must stay under limits (ZIP bombs). XML entities are not
resolved by python-docx's parser.
"""

from __future__ import annotations

import io
import re
import zipfile

from reviewer.errors import InputError
from reviewer.ingest.grid import build_document, clean_cell, pipe_row
from reviewer.models import Document

import os

#: Limits (environment-configurable): declared uncompressed size of the DOCX container, compression ratio, rows.
MAX_UNCOMPRESSED = int(os.environ.get("REVIEWER_MAX_DECOMPRESSED", str(200 * 1024 * 1024)) or 200 * 1024 * 1024)
MAX_RATIO = 200
MAX_TABLE_ROWS = int(os.environ.get("REVIEWER_MAX_TABLE_ROWS", "5000") or 5000)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _check_zip(data: bytes, path: str) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError(path, "damaged ZIP/DOCX container") from None
    with zf:
        if any(i.flag_bits & 0x1 for i in zf.infolist()):
            raise InputError(path, "encrypted ZIP container; save an unprotected copy")
        names = set(zf.namelist())
        if "word/document.xml" not in names:
            raise InputError(path, "ZIP file is not a Word document (no word/document.xml); only .docx is supported")
        total = sum(i.file_size for i in zf.infolist())
        packed = sum(max(1, i.compress_size) for i in zf.infolist())
        if total > MAX_UNCOMPRESSED:
            raise InputError(path, f"DOCX expands to {total} bytes, over the {MAX_UNCOMPRESSED}-byte limit (REVIEWER_MAX_DECOMPRESSED)")
        if total / packed > MAX_RATIO and total > 10 * 1024 * 1024:
            raise InputError(path, f"DOCX compression ratio {total // packed}:1 looks like a ZIP bomb")


def _tc_props(tc) -> tuple[int, str | None]:
    pr = tc.find(f"{_W}tcPr")
    span, vmerge = 1, None
    if pr is not None:
        gs = pr.find(f"{_W}gridSpan")
        if gs is not None:
            try:
                span = max(1, min(int(gs.get(f"{_W}val", "1")), 64))
            except ValueError:
                span = 1
        vm = pr.find(f"{_W}vMerge")
        if vm is not None:
            vmerge = vm.get(f"{_W}val", "continue")
    return span, vmerge


def _tc_text(tc) -> str:
    parts = []
    for p in tc.iter(f"{_W}p"):
        parts.append("".join(t.text or "" for t in p.iter(f"{_W}t")))
    return clean_cell("\n".join(parts))


def _table_rows(tbl) -> list[list[str]]:
    grid: list[list[str]] = []
    for tr in tbl.iter(f"{_W}tr"):
        if tr.getparent() is not tbl:
            continue  # rows of nested tables are read with their own table
        row: list[str] = []
        for tc in tr.findall(f"{_W}tc"):
            span, vmerge = _tc_props(tc)
            text = _tc_text(tc)
            if vmerge == "continue":
                col = len(row)
                above = grid[-1][col] if grid and col < len(grid[-1]) else ""
                text = above if above and not re.fullmatch(r"[+-]?\d+(?:\.\d+)?", above) else ""
            row.append(text)
            row.extend([""] * (span - 1))
        grid.append(row)
    return grid


def read_docx(data: bytes, path: str) -> Document:
    """Read a .docx into a :class:`Document`. Raises :class:`InputError` for a damaged container, a ZIP that is not
    a Word document, a ZIP bomb, or a document with no text."""
    _check_zip(data, path)
    try:
        import docx
    except ImportError as exc:  # pragma: no cover
        raise InputError(path, f"DOCX support is not installed ({exc.name})") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except KeyError as exc:
        raise InputError(path, f"damaged Word document (missing part {exc})") from None
    except RuntimeError as exc:
        reason = "encrypted ZIP container; save an unprotected copy" if "encrypt" in str(exc).lower() else f"unreadable ZIP container ({exc})"
        raise InputError(path, reason) from None
    except Exception as exc:  # noqa: BLE001 - python-docx raises ValueError/XMLSyntaxError/... for bad parts
        raise InputError(path, f"cannot read the Word document ({type(exc).__name__}: {str(exc)[:120]})") from None
    rendered: list[tuple[str, int, int | None]] = []
    index = 0
    body = getattr(document.element, "body", None)
    if body is None:
        raise InputError(path, "the Word document has no body (word/document.xml is not a WordprocessingML document)")
    for child in body.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            index += 1
            text = "".join(t.text or "" for t in child.iter(f"{_W}t"))
            rendered.append((text, index, None))
        elif tag == f"{_W}tbl":
            rows = _table_rows(child)
            if len(rows) > MAX_TABLE_ROWS:
                raise InputError(path, f"table with {len(rows)} rows is larger than the {MAX_TABLE_ROWS}-row limit (REVIEWER_MAX_TABLE_ROWS)")
            for cells in rows:
                index += 1
                if any(c.strip() for c in cells):
                    rendered.append((pipe_row(cells), index, None))
            rendered.append(("", index, None))
    if not any(t.strip() for t, _, _ in rendered):
        raise InputError(path, "the Word document holds no text")
    return build_document(path, data, "docx", rendered)
