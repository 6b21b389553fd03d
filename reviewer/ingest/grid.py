"""Shared by the structured readers (HTML, DOCX, PDF): render table grids and text as document lines.

A table grid is a list of rows of cell strings, already expanded for rowspan/colspan (a spanned cell repeats its
text in label columns and is empty elsewhere, see :func:`expand_spans`). Each grid row becomes one Markdown pipe
row (``| label | 12 | 0 |``), which the parser reads with its grid strategy; blank cells stay blank.
"""

from __future__ import annotations

import hashlib
import re

from reviewer.ingest.text import blank_markup, normalise, strip_invisible
from reviewer.models import Document, GridCell, Line

_WS = re.compile(r"\s+")


class Budget:
    """What a structured reader has rendered so far, checked as it goes (issue 12): lines and characters against
    ``REVIEWER_MAX_LINES``/``REVIEWER_MAX_CHARS``, grid positions filled by rowspan/colspan against
    ``REVIEWER_MAX_GRID_CELLS``. Each ``add_*`` raises :class:`~reviewer.errors.InputError` naming the limit as
    soon as it is passed, so that a hostile file stops early instead of after everything is built."""

    def __init__(self, path: str) -> None:
        from reviewer.ingest import MAX_CHARS, MAX_GRID_CELLS, MAX_LINES

        self.path, self.lines, self.chars, self.cells = path, 0, 0, 0
        self.max_lines, self.max_chars, self.max_cells = MAX_LINES, MAX_CHARS, MAX_GRID_CELLS

    def add_text(self, text: str) -> None:
        """One rendered line of ``len(text)`` characters."""
        from reviewer.errors import InputError

        self.lines += 1
        self.chars += len(text)
        if self.lines > self.max_lines:
            raise InputError(self.path, f"the file renders to more than {self.max_lines} lines (REVIEWER_MAX_LINES)")
        if self.chars > self.max_chars:
            raise InputError(
                self.path, f"the file renders to more than {self.max_chars} characters of text (REVIEWER_MAX_CHARS)"
            )

    def add_cells(self, count: int) -> None:
        """``count`` grid positions filled by one cell's rowspan x colspan."""
        from reviewer.errors import InputError

        self.cells += count
        if self.cells > self.max_cells:
            raise InputError(
                self.path, f"table cells span more than {self.max_cells} grid positions (REVIEWER_MAX_GRID_CELLS)"
            )


def clean_cell(text: str | None) -> str:
    """Cell text on one line: characters that print nothing dropped (zero-width space, soft hyphen, BOM), inner
    whitespace removed between CJK characters and digits, pipes escaped."""
    if text is None:
        return ""
    s = strip_invisible(text).replace("\u00a0", " ").replace("\u3000", " ").strip()
    # numbers split over lines/spans ("20" + "23") and labels broken by line wraps are joined
    s = re.sub(r"(?<=[\d\u4e00-\u9fff、，。（）()“”])\s+(?=[\d\u4e00-\u9fff、，。（）()“”])", "", s)
    s = _WS.sub(" ", s)
    return s.replace("|", "/")


def pipe_row(cells: list[str]) -> str:
    """``['a', '1', '']`` -> ``'| a | 1 |  |'``."""
    return "| " + " | ".join(cells) + " |"


_NUMERIC = re.compile(r"[+-]?\d+(?:\.\d+)?")


def expand_spans(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Expand ``(text, rowspan, colspan)`` cells into a rectangular grid of strings.

    A rowspan cell's text is repeated in the rows below only when it is a label (non-numeric); a colspan cell's
    text goes in its first column and the spanned columns are left empty. Output: list of rows, equal lengths.
    """
    return layout_grid(rows)[0]


def layout_grid(
    rows: list[list[tuple[str, int, int]]], budget: Budget | None = None
) -> tuple[list[list[str]], list[list[GridCell]]]:
    """Place ``(text, rowspan, colspan)`` cells on the table grid (HTML ``rowspan``/``colspan``, DOCX ``gridSpan``/
    ``vMerge`` already read as spans).

    Returns ``(grid, cells)``: ``grid`` is :func:`expand_spans`'s rectangular list of strings; ``cells[r]`` the
    positioned cells of row ``r`` (one :class:`GridCell` per printed cell with its column extent ``[c, c + colspan)``,
    plus the labels of ``rowspan`` cells from rows above, marked ``spanned``; a number is never repeated).
    ``budget``: the reader's :class:`Budget`, charged ``rowspan x colspan`` per cell before the cell is placed.
    """
    grid: dict[tuple[int, int], str] = {}
    placed: dict[int, list[GridCell]] = {}
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            rowspan, colspan = max(1, rowspan), max(1, colspan)
            if budget is not None:
                budget.add_cells(rowspan * colspan)
            numeric = bool(_NUMERIC.fullmatch(text.strip()))
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text if (dc == 0 and (dr == 0 or not numeric)) else ""
                if dr == 0 or (not numeric and text.strip()):
                    placed.setdefault(r + dr, []).append(GridCell(text, float(c), float(c + colspan), spanned=dr > 0))
            c += colspan
            width = max(width, c)
    height = len(rows)
    if budget is not None:
        budget.add_cells(width * height)  # the rectangle of the rendered rows: a wide first row makes every row wide
    out = [[grid.get((r, c), "") for c in range(width)] for r in range(height)]
    return out, [sorted(placed.get(r, []), key=lambda g: g.x0) for r in range(height)]


def build_document(path: str, data: bytes, fmt: str, rendered: list[tuple], encoding: str = "") -> Document:
    """Make a :class:`Document` from rendered ``(text, source_line, page)`` or ``(text, source_line, page, cells,
    grid)`` tuples (one per output line; ``cells``/``grid`` as in :class:`~reviewer.models.Line`); a sixth item is
    the printed text of a line whose text is blanked (PDF page furniture): it is kept as the line's ``original``."""
    lines = []
    for item in rendered:
        text, num, page = item[0], item[1], item[2]
        cells, grid = (item[3], item[4]) if len(item) > 3 else (None, None)
        original = item[5] if len(item) > 5 else text
        lines.append(
            Line.model_construct(
                number=num, original=original, text=blank_markup(normalise(text)), page=page, cells=cells, grid=grid
            )
        )
    return Document(
        path=path, sha256=hashlib.sha256(data).hexdigest(), encoding=encoding or fmt, source_format=fmt, lines=lines
    )


def cell_text(text: str | None) -> str:
    return clean_cell(text)
