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
import os
import re
import zipfile

from reviewer.errors import InputError
from reviewer.ingest.grid import Budget, build_document, clean_cell, pipe_row
from reviewer.models import Document, GridCell

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
        from reviewer.ingest import MAX_DOCX_XML

        for info in zf.infolist():  # every XML part python-docx parses whole (document, styles, numbering ...)
            if info.filename.endswith((".xml", ".rels")) and info.file_size > MAX_DOCX_XML:
                raise InputError(
                    path,
                    f"{info.filename} expands to {info.file_size} bytes, over the {MAX_DOCX_XML}-byte limit (REVIEWER_MAX_DOCX_XML)",
                )
        xml_total = sum(i.file_size for i in zf.infolist() if i.filename.endswith((".xml", ".rels")))
        if xml_total > 2 * MAX_DOCX_XML:
            raise InputError(
                path,
                f"the XML parts expand to {xml_total} bytes, over twice the {MAX_DOCX_XML}-byte limit (REVIEWER_MAX_DOCX_XML)",
            )
        total = sum(i.file_size for i in zf.infolist())
        packed = sum(max(1, i.compress_size) for i in zf.infolist())
        if total > MAX_UNCOMPRESSED:
            raise InputError(
                path,
                f"DOCX expands to {total} bytes, over the {MAX_UNCOMPRESSED}-byte limit (REVIEWER_MAX_DECOMPRESSED)",
            )
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


def _grid_skip(tr, name: str) -> int:
    """``w:gridBefore``/``w:gridAfter`` of a row: grid columns left empty before/after its cells."""
    pr = tr.find(f"{_W}trPr")
    el = pr.find(f"{_W}{name}") if pr is not None else None
    if el is None:
        return 0
    try:
        return max(0, min(int(el.get(f"{_W}val", "0")), 64))
    except ValueError:
        return 0


#: Elements that wrap body content without being content (content controls, custom XML, smart tags).
_WRAPPERS = (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}smartTag")


def _children(el, *tags):
    """Child elements of ``el`` with one of ``tags``, looking into content controls and custom XML (not into nested
    tables: a cell's paragraphs are not those of a table inside it)."""
    for child in el:
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, *tags)


def _tc_text(tc) -> str:
    parts = ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in _children(tc, f"{_W}p")]
    return clean_cell("\n".join(parts))


def _table_rows(
    tbl, nested: list | None = None, budget: Budget | None = None
) -> tuple[list[list[str]], list[list[GridCell]]]:
    """Rows of a ``w:tbl`` as ``(grid strings, positioned cells)`` (see :func:`reviewer.ingest.grid.layout_grid`):
    ``w:gridBefore`` and ``w:gridSpan`` place each cell on the table grid, ``w:vMerge`` continuation cells repeat
    the label above (never a number). Tables nested in a cell are appended to ``nested`` to be read on their own.
    ``budget`` is charged each cell's grid positions before they are made."""
    grid: list[list[str]] = []
    placed: list[list[GridCell]] = []
    for tr in _children(tbl, f"{_W}tr"):
        skip = _grid_skip(tr, "gridBefore")
        if budget is not None:
            budget.add_cells(skip)
        row: list[str] = [""] * skip
        cells: list[GridCell] = []
        for tc in _children(tr, f"{_W}tc"):
            span, vmerge = _tc_props(tc)
            if budget is not None:
                budget.add_cells(span)
            if nested is not None:
                nested.extend(t for t in tc if t.tag == f"{_W}tbl")
            text = _tc_text(tc)
            col = len(row)
            spanned = False
            if vmerge == "continue":
                above = grid[-1][col] if grid and col < len(grid[-1]) else ""
                text = above if above and not re.fullmatch(r"[+-]?\d+(?:\.\d+)?", above) else ""
                spanned = bool(text)
            if vmerge != "continue" or spanned:
                cells.append(GridCell(text, float(col), float(col + span), spanned=spanned))
            row.append(text)
            row.extend([""] * (span - 1))
        grid.append(row)
        placed.append(cells)
    return grid, placed


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
        reason = (
            "encrypted ZIP container; save an unprotected copy"
            if "encrypt" in str(exc).lower()
            else f"unreadable ZIP container ({exc})"
        )
        raise InputError(path, reason) from None
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx raises ValueError/XMLSyntaxError/... for bad parts
        if type(exc).__name__ == "XMLSyntaxError" and "unknown error" in str(exc):
            raise MemoryError from None  # libxml2 out of memory (a worker's memory limit): not a fact about the file
        raise InputError(path, f"cannot read the Word document ({type(exc).__name__}: {str(exc)[:120]})") from None
    rendered: list[tuple] = []
    budget = Budget(path)
    index = 0
    body = getattr(document.element, "body", None)
    if body is None:
        raise InputError(path, "the Word document has no body (word/document.xml is not a WordprocessingML document)")
    tables = 0
    pending = list(_children(body, f"{_W}p", f"{_W}tbl"))
    pending.reverse()
    while pending:
        child = pending.pop()
        if child.tag == f"{_W}p":
            index += 1
            text = "".join(t.text or "" for t in child.iter(f"{_W}t"))
            budget.add_text(text)
            rendered.append((text, index, None))
            continue
        nested: list = []
        rows, positioned = _table_rows(child, nested, budget)
        if len(rows) > MAX_TABLE_ROWS:
            raise InputError(
                path,
                f"table with {len(rows)} rows is larger than the {MAX_TABLE_ROWS}-row limit (REVIEWER_MAX_TABLE_ROWS)",
            )
        tables += 1
        for cells, placed in zip(rows, positioned):
            index += 1
            if any(c.strip() for c in cells):
                row = pipe_row(cells)
                budget.add_text(row)
                rendered.append((row, index, None, placed, tables))
        rendered.append(("", index, None))
        pending.extend(reversed(nested))  # a table nested in a cell is read next, as a table of its own
    if not any(t.strip() for t, *_ in rendered):
        raise InputError(path, "the Word document holds no text")
    return build_document(path, data, "docx", rendered)
