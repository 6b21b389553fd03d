"""Shared by the structured readers (HTML, DOCX, PDF): render table grids and text as document lines.

A table grid is a list of rows of cell strings, already expanded for rowspan/colspan (a spanned cell repeats its
text in label columns and is empty elsewhere, see :func:`expand_spans`). Each grid row becomes one Markdown pipe
row (``| label | 12 | 0 |``), which the parser reads with its grid strategy; blank cells stay blank.
"""

from __future__ import annotations

import hashlib
import re

from reviewer.ingest.text import normalise
from reviewer.models import Document, Line

_WS = re.compile(r"\s+")


def clean_cell(text: str | None) -> str:
    """Cell text on one line: inner whitespace removed between CJK characters and digits, pipes escaped."""
    if text is None:
        return ""
    s = text.replace("\u00a0", " ").replace("\u3000", " ").strip()
    # numbers split over lines/spans ("20" + "23") and labels broken by line wraps are joined
    s = re.sub(r"(?<=[\d\u4e00-\u9fff、，。（）()“”])\s+(?=[\d\u4e00-\u9fff、，。（）()“”])", "", s)
    s = _WS.sub(" ", s)
    return s.replace("|", "/")


def pipe_row(cells: list[str]) -> str:
    """``['a', '1', '']`` -> ``'| a | 1 |  |'``."""
    return "| " + " | ".join(cells) + " |"


def expand_spans(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Expand ``(text, rowspan, colspan)`` cells into a rectangular grid of strings.

    A rowspan cell's text is repeated in the rows below only when it is a label (non-numeric); a colspan cell's
    text goes in its first column and the spanned columns are left empty. Output: list of rows, equal lengths.
    """
    grid: dict[tuple[int, int], str] = {}
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            numeric = bool(re.fullmatch(r"[+-]?\d+(?:\.\d+)?", text.strip()))
            for dr in range(max(1, rowspan)):
                for dc in range(max(1, colspan)):
                    value = text if (dc == 0 and (dr == 0 or not numeric)) else ""
                    grid[(r + dr, c + dc)] = value
            c += max(1, colspan)
            width = max(width, c)
    height = len(rows)
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)]


def build_document(path: str, data: bytes, fmt: str, rendered: list[tuple[str, int, int | None]], encoding: str = "") -> Document:
    """Make a :class:`Document` from rendered ``(text, source_line, page)`` tuples (one per output line)."""
    lines = [Line.model_construct(number=num, original=text, text=normalise(text), page=page) for text, num, page in rendered]
    return Document(path=path, sha256=hashlib.sha256(data).hexdigest(), encoding=encoding or fmt, source_format=fmt, lines=lines)


def cell_text(text: str | None) -> str:
    return clean_cell(text)
