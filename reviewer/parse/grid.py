"""Read tables 2, 3 and 4 by their labels from positioned cells (HTML, DOCX and PDF inputs; issue 11).

Whatever the grid looks like -- irregular ``colspan``s, a header split over two rows, a footnote row, empty spacer
columns, a table split across pages or over two DOCX tables, a PDF drawn with ruling lines, with one rectangle
per cell or with none -- columns are identified from the header texts of the template (rulebook A.2-A.4,
:data:`reviewer.template.T3_COLUMN_LABELS` …) and rows from the row labels (the anchors of
:mod:`reviewer.template`). A value is taken only from a cell under an identified column; anything else is
recorded as :class:`~reviewer.models.Evidence` for the extraction confidence (:mod:`reviewer.parse.confidence`).

Coordinates (:class:`~reviewer.models.GridCell`): grid-column extents for HTML/DOCX tables, points for PDF words.
Two modes share the column logic:

* **grid rows** (HTML/DOCX): every table row is one line; its label cells lie left of the value columns;
  header cells give each column's extent, a value cell belongs to the column it overlaps most.
* **PDF lines**: header words are stacked top to bottom (``商业`` over ``企业``, ``结`` over ``果`` over ``维`` over
  ``持``) and matched to the labels; a value belongs to the column band (half-way between neighbouring column
  centres) that holds its centre; each line of values belongs to the template row whose label text spans it
  vertically (labels that wrap over several lines, group labels printed in a column of their own).

Each reader returns ``None`` when the block holds no positioned cells (the text-stream reader of
:mod:`reviewer.parse.tables` then reads it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reviewer.models import Cell, Evidence, Table, construct
from reviewer.parse.textview import TextView, _needle
from reviewer.parse.values import NONNUM_TOKENS, read_value
from reviewer.template import (
    T2_COLUMN_LABELS,
    T3_COLUMN_KEYS,
    T3_COLUMN_LABELS,
    T3_GROUP_HEADERS,
    T3_OUTCOME_GROUPS,
    T4_BLOCK_LABELS,
    T4_BLOCKS,
    T4_COLUMN_KEYS,
    T4_COLUMN_LABELS,
)

#: PDF: pages are stacked on one vertical axis, each page's content this many points below the previous page's
_PAGE_GAP = 6.0
_MARKUP = re.compile(
    r"<[/!a-zA-Z]|[a-z-]+\s*:\s*[\w#.-]+\s*;|\b(?:colspan|rowspan|width|style|class)\s*=|\d+px\b|mso-", re.I
)
_PAREN_TAIL = re.compile(r"[(（][^()（）]*[)）]$")
#: A value whose note wraps onto the next line ("55（含自然失" / "效 29 件）").
_VALUE_START = re.compile(r"^[+\-]?\d[\d,.]*\s*[（(]")
_CJK2 = re.compile(r"[\u4e00-\u9fff\u2f00-\u2fdf]{2}")
#: A piece of a parenthesised note or a unit printed beside a value (``（含自然失效``, ``29 件）``, ``元``).
#: The end of a value's note wrapped onto a line of its own: ``件）``, ``效29件)``.
_NOTE_TAIL = re.compile(r"[^（(）)]{0,10}[）)]")
#: A value whose note is still open at the end of its line (``55（含自然失``).
_OPEN_NOTE = re.compile(r"[（(][^）)]*$")
_NOTE_PART = re.compile(r"[（()）]|^(?:万元|元|件|条|个|项)$")
_DIGIT = re.compile(r"\d")
#: The first piece of a number a narrow cell wrapped: digits, maybe signed (``+３４`` over ``６``).
_SIGNED_DIGITS = re.compile(r"[+\-增减]?\d+")
#: A character that a line wrap can cut in Chinese text without a space: CJK or full-width punctuation.
_CJK_EDGE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@dataclass(slots=True)
class PCell:
    """A positioned cell of the table region: printed text, normalised compact key, box, line index, span flag and
    (PDF words with digits) character edges."""

    raw: str
    key: str
    x0: float
    x1: float
    y0: float
    y1: float
    index: int
    spanned: bool = False
    edges: tuple[float, ...] = ()

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(slots=True)
class Band:
    """An identified value column: its key, extent, centre and the header text it was identified by."""

    key: str
    x0: float
    x1: float
    label: str

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Region:
    """The positioned lines of one table block, grouped by coordinate system (one HTML/DOCX table, or PDF)."""

    view: TextView
    mode: str  # "grid" | "pdf"
    lines: list[tuple[int, list[PCell]]] = field(default_factory=list)  # (line index, cells), in order

    def group_of(self, index: int):
        return self.view.grids[index] if self.mode == "grid" else "pdf"


def header_key(text: str) -> str:
    """A header cell's text for label comparison: normalised, without whitespace and a trailing parenthetical
    (``本年收费金额（单位：万元）`` -> ``本年收费金额``)."""
    key = _needle(text)
    while True:
        stripped = _PAREN_TAIL.sub("", key)
        if stripped == key or not stripped:
            return key
        key = stripped


def match_label(key: str, labels: dict[str, tuple[str, ...]]) -> str | None:
    """The column whose label equals ``key`` (a :func:`header_key`), trying each column's aliases in order."""
    if not key:
        return None
    for col, aliases in labels.items():
        if key in aliases:
            return col
    return None


def _page_bases(view: TextView, first: int, last: int) -> dict[int, float]:
    """Vertical offset of each PDF page of lines ``first..last``: each page's content is placed just below the
    previous page's, so that a table row or header cell split by a page break reads as one (one line pitch apart)."""
    tops: dict[int, float] = {}
    bottoms: dict[int, float] = {}
    for i in range(first, last + 1):
        page = view.pages[i] or 0
        for c in view.cells[i] or ():
            if view.blank_line(i):
                continue
            tops[page] = min(tops.get(page, c.top), c.top)
            bottoms[page] = max(bottoms.get(page, c.bottom), c.bottom)
    bases: dict[int, float] = {}
    offset = 0.0
    prev = None
    for page in sorted(tops):
        if prev is not None:
            offset += bottoms[prev] - tops[page] + _PAGE_GAP
        bases[page] = offset
        prev = page
    return bases


def region_of(view: TextView, start: int, end: int) -> Region | None:
    """The positioned lines between text offsets ``start`` and ``end``; None when none of them has cells."""
    if not view.has_cells or end <= start:
        return None
    first, last = view.index_of(start), view.index_of(max(start, end - 1))
    pdf = any(view.pages[i] is not None for i in range(first, last + 1))
    region = Region(view, "pdf" if pdf else "grid")
    row = 0
    prev_grid = None
    bases = _page_bases(view, first, last) if pdf else {}
    for i in range(first, last + 1):
        cells = view.cells[i]
        if not cells or view.blank_line(i):
            continue  # page footers ("- 3 -") are blanked in the view: not part of any table
        if pdf:
            base = bases.get(view.pages[i] or 0, 0.0)
            pcells = [
                PCell(c.text, header_key(c.text), c.x0, c.x1, base + c.top, base + c.bottom, i, c.spanned, c.edges)
                for c in cells
            ]
        else:
            if view.grids[i] != prev_grid:
                row += 2  # a new table: rows never touch across tables
                prev_grid = view.grids[i]
            row += 1
            pcells = [
                PCell(c.text, header_key(c.text), c.x0, c.x1, float(row), float(row + 1), i, c.spanned) for c in cells
            ]
        region.lines.append((i, pcells))
    if not region.lines:
        return None
    return region


# ------------------------------------------------------------------------------------------------ headers
def _is_value_cell(raw: str) -> bool:
    v = read_value(raw)
    return v.kind == "number" or raw.strip().replace(" ", "") in NONNUM_TOKENS


def _phrases(cells: list[PCell], gap: float = 0.6) -> list[PCell]:
    """PDF words of one line joined into phrases where the gap between them is under ``gap`` times the text height
    (letter-spaced or justified text prints every character as a word of its own)."""
    out: list[PCell] = []
    for c in sorted(cells, key=lambda c: c.x0):
        if out:
            last = out[-1]
            height = max(4.0, min(last.y1 - last.y0, c.y1 - c.y0))
            if c.x0 - last.x1 < gap * height and abs(c.cy - last.cy) < height:
                out[-1] = PCell(
                    last.raw + c.raw,
                    header_key(last.raw + c.raw),
                    last.x0,
                    max(last.x1, c.x1),
                    min(last.y0, c.y0),
                    max(last.y1, c.y1),
                    last.index,
                    last.spanned,
                )
                continue
        out.append(c)
    return out


def _header_candidates(
    region: Region, header_lines: list[tuple[int, list[PCell]]]
) -> list[tuple[str, float, float, list[PCell]]]:
    """``(key, x0, x1, cells)`` of every header text in ``header_lines``.

    Grids: each cell on its own. PDF: for every horizontal interval bounded by word edges, the words lying wholly
    inside it, read line by line (top to bottom) and left to right -- the text of a header cell however its
    producer wrapped it (``商业`` over ``企业``; ``结``/``果``/``维``/``持`` one character per line; ``社 会`` spaced out)."""
    out = []
    cells = [c for _, cs in header_lines for c in cs if c.key and not _DIGIT.search(c.key)]
    if region.mode == "grid":
        for c in cells:
            out.append((c.key, c.x0, c.x1, [c]))
        return out
    if len(cells) > 400:
        cells = cells[:400]  # a header is never this long; keep the search bounded
    lefts = sorted({c.x0 for c in cells})
    rights = sorted({c.x1 for c in cells})
    ordered = sorted(cells, key=lambda c: (round(c.y0 / 3), c.x0))
    seen: set[tuple[int, ...]] = set()
    for a in lefts:
        for b in rights:
            if b <= a or b - a > 260:
                continue
            inside = [c for c in ordered if c.x0 >= a - 0.5 and c.x1 <= b + 0.5]
            if not inside:
                continue
            ident = tuple(id(c) for c in inside)
            if ident in seen:
                continue
            seen.add(ident)
            # split into vertically contiguous runs (two cells one above the other in the same column are two texts),
            # and take every contiguous part of a run (a group header above its column label: 申请人情况 / 社会公益组 / 织)
            runs: list[list[PCell]] = [[]]
            for c in inside:
                if runs[-1] and c.y0 - max(x.y1 for x in runs[-1]) > max(30.0, 3.5 * (c.y1 - c.y0)):
                    runs.append([])
                runs[-1].append(c)
            for run in runs:
                for i in range(len(run)):
                    for j in range(i + 1, min(len(run), i + 12) + 1):
                        if j - i > 1 and not _chained(run[i : j - 1], run[j - 1]):
                            break  # a text of one cell reads on from word to word; another column's word ends it
                        out.append(_candidate(run[i:j]))
    return out


def _chained(before: list[PCell], b: PCell) -> bool:
    """``b`` continues the text of the words ``before`` in one cell: on the same line just right of the last word,
    or on a later line overlapping the extent of the words so far (a wrapped line starts at the cell's left)."""
    a = before[-1]
    height = max(4.0, min(a.y1 - a.y0, b.y1 - b.y0))
    if abs(a.cy - b.cy) < height * 0.6:
        return -1.0 <= b.x0 - a.x1 < 1.5 * height
    x0, x1 = min(c.x0 for c in before), max(c.x1 for c in before)
    return b.y0 >= a.y0 and min(x1, b.x1) - max(x0, b.x0) > 0


def _candidate(run: list[PCell]) -> tuple[str, float, float, list[PCell]]:
    return header_key("".join(c.raw for c in run)), min(c.x0 for c in run), max(c.x1 for c in run), list(run)


def find_columns(
    region: Region, header_lines, labels: dict[str, tuple[str, ...]], groups: tuple[str, ...] = ()
) -> dict[str, list[tuple[float, float, str]]]:
    """Every header text equal to one of ``labels``: column key -> list of ``(x0, x1, printed label)`` (table 4
    prints its five column labels three times). A header text equal to one of ``groups`` (group headers such as
    ``法人或其他组织``) takes its words first, so that no column label is read out of it."""
    found: dict[str, list[tuple[float, float, str]]] = {}
    used: set[int] = set()
    cands = _header_candidates(region, header_lines)
    # longer matches first, so that a stack "结果维持" is not also read as "维持"
    cands.sort(key=lambda c: -len(c[0]))
    group_keys = {header_key(g) for g in groups}
    for key, x0, x1, cells in cands:
        col = match_label(key, labels)
        if col is None and (key in group_keys or len(key) >= 3 and any(key in g for g in group_keys)):
            # a group header, or most of one (a character printed out of line breaks its stack: 法人或其他组 | 织)
            used.update(id(c) for c in cells if id(c) not in used)
            continue
        if col is None or any(id(c) in used for c in cells):
            continue
        used.update(id(c) for c in cells)
        found.setdefault(col, []).append((x0, x1, "".join(c.raw for c in cells)))
    for col in found:
        found[col].sort()
    return found


def bands_from(found: dict[str, list[tuple[float, float, str]]], order: tuple[str, ...]) -> list[Band]:
    """One band per identified column (the first occurrence), sorted left to right."""
    bands = [Band(col, spots[0][0], spots[0][1], spots[0][2]) for col, spots in found.items() if col in order and spots]
    bands.sort(key=lambda b: b.x0)
    return bands


# ------------------------------------------------------------------------------------------------ assignment
def assign(
    region: Region, cells: list[PCell], bands: list[Band], value_left: float | None = None
) -> tuple[dict[str, list[PCell]], list[PCell], list[PCell]]:
    """Split a row's cells into ``(values by band key, label cells, cells outside every column)``.

    Grid: a cell belongs to the band it overlaps most (a cell left of every band is a label). PDF: to the band
    whose zone -- half-way to the neighbouring band centres -- holds the cell's centre; the first zone reaches left
    to ``value_left`` (x in points where the label column ends; else half a column beyond the first centre) and
    the last zone runs on to the right edge, so a value printed flush left or right in its cell stays in it; words
    printed clear of the last column's label (a remark column the template does not have) are outside."""
    by_band: dict[str, list[PCell]] = {b.key: [] for b in bands}
    labels: list[PCell] = []
    outside: list[PCell] = []
    if not bands:
        return by_band, list(cells), []
    left_edge = min(b.x0 for b in bands)
    if region.mode == "grid":
        for c in cells:
            best, best_overlap = None, 0.0
            for b in bands:
                overlap = min(c.x1, b.x1) - max(c.x0, b.x0)
                if overlap > best_overlap:
                    best, best_overlap = b, overlap
            if best is not None:
                by_band[best.key].append(c)
            elif c.x1 <= left_edge:
                labels.append(c)
            else:
                outside.append(c)
        return by_band, labels, outside
    centres = [b.cx for b in bands]
    zones = []
    for i, b in enumerate(bands):
        left = (
            (centres[i - 1] + b.cx) / 2 if i else b.cx - ((centres[1] - b.cx) / 2 if len(bands) > 1 else (b.x1 - b.x0))
        )
        right = (
            (b.cx + centres[i + 1]) / 2
            if i + 1 < len(bands)
            else b.cx + ((b.cx - centres[i - 1]) / 2 if len(bands) > 1 else (b.x1 - b.x0))
        )
        zones.append((min(left, b.x0), max(right, b.x1)))
    if value_left is not None and value_left < zones[0][0]:
        zones[0] = (value_left, zones[0][1])
    zones[-1] = (zones[-1][0], float("inf"))
    value_left = zones[0][0]
    cells = [piece for c in cells for piece in _split_at_zones(c, zones)]
    values = sorted((c for c in cells if c.cx >= value_left and _is_value_cell(c.raw)), key=lambda c: c.x0)
    if (
        len(bands) > 1
        and len(values) == len(bands)
        and max(c.cy for c in values) - min(c.cy for c in values) < 0.5 * max(4.0, min(c.y1 - c.y0 for c in values))
    ):
        # one value on one line under every column: the k-th value is the k-th column's, wherever its producer set
        # it in the cell (flush left under a centred label can lie nearer the next label's centre)
        for b, c in zip(bands, values):
            by_band[b.key].append(c)
        taken = {id(c) for c in values}
        cells = [c for c in cells if id(c) not in taken]
    last = bands[-1]
    for c in cells:
        placed = False
        if (
            c.x0 > last.x1 + max(4.0, c.y1 - c.y0)
            and c.cx >= zones[-1][0]
            and _CJK2.search(c.raw)
            and not _is_value_cell(c.raw)
            and not _NOTE_PART.search(c.raw)
        ):
            outside.append(c)  # words right of the last column (a 备注 column the template does not have)
            continue
        for b, (lo, hi) in zip(bands, zones):
            if lo <= c.cx < hi:
                by_band[b.key].append(c)
                placed = True
                break
        if placed:
            continue
        if c.cx < value_left:
            labels.append(c)
        else:
            outside.append(c)
    return by_band, labels, outside


def _split_at_zones(c: PCell, zones: list[tuple[float, float]]) -> list[PCell]:
    """A PDF word whose characters fall under two column zones (``64178`` for ``64`` | ``178`` printed too close
    together) split where the zone boundary runs, by each character's centre; other words unchanged."""
    if len(c.edges) != len(c.raw) + 1 or len(c.raw) < 2:
        return [c]
    centres = [(a + b) / 2 for a, b in zip(c.edges, c.edges[1:])]
    owner = [next((k for k, (lo, hi) in enumerate(zones) if lo <= x < hi), -1) for x in centres]
    if len(set(owner)) < 2:
        return [c]
    # cut only where a zone boundary runs through a gap between characters that is wider than the word's usual
    # spacing (two values side by side), never through a number that merely overhangs its column
    widths = [b - a for a, b in zip(c.edges, c.edges[1:])]
    unit = sorted(widths)[len(widths) // 2] if widths else 1.0
    cuts = [i for i in range(1, len(owner)) if owner[i] != owner[i - 1]]
    pieces, start = [], 0
    for i in cuts:
        gap = c.edges[i] - (c.edges[i - 1] + min(widths[i - 1], unit))
        if gap < 0.15 * unit:
            continue
        pieces.append(c.raw[start:i] and (start, i))
        start = i
    if not pieces:
        return [c]
    pieces.append((start, len(c.raw)))
    return [
        PCell(
            c.raw[a:b],
            header_key(c.raw[a:b]),
            c.edges[a],
            c.edges[b],
            c.y0,
            c.y1,
            c.index,
            c.spanned,
            c.edges[a : b + 1],
        )
        for a, b in pieces
    ]


def _join_wrapped_numbers(cells: list[PCell]) -> list[PCell]:
    """Digits of one column printed on consecutive lines, the lower directly under the upper (a number wrapped in a
    narrow cell: ``17`` over ``8``), joined into one number; other cells unchanged."""
    out: list[PCell] = []
    for c in cells:
        if out and c.raw.isdigit() and _SIGNED_DIGITS.fullmatch(out[-1].raw):
            up = out[-1]
            height = max(4.0, up.y1 - up.y0)
            if (
                0 <= c.y0 - up.y1 < 0.8 * height
                and min(up.x1, c.x1) - max(up.x0, c.x0) > 0
                # the lower part is never wider than the full upper line (a sign prints narrower than a digit)
                and c.x1 - c.x0 <= up.x1 - up.x0 + (0.6 * height if up.raw[:1] in "+-增减" else 0.0)
            ):
                out[-1] = PCell(
                    up.raw + c.raw,
                    header_key(up.raw + c.raw),
                    up.x0,
                    max(up.x1, c.x1),
                    up.y0,
                    c.y1,
                    up.index,
                    up.spanned,
                )
                continue
        out.append(c)
    return out


def _joined(cells: list[PCell]) -> str:
    """The printed text of the words of one cell, in reading order: words on one line joined by a space, a word
    wrapped onto the next line joined without one where the wrap cuts Chinese text (``55（含自然失`` + ``效29件）``)."""
    out = ""
    for before, word in zip([None, *cells], cells):
        text = word.raw.strip()
        if before is not None:
            wrapped = word.y0 >= (before.y0 + before.y1) / 2
            out += "" if wrapped and (_CJK_EDGE.match(out[-1:]) or _CJK_EDGE.match(text[:1])) else " "
        out += text
    return out


def typed_cell(region: Region, cells: list[PCell]) -> tuple[Cell, bool]:
    """The :class:`Cell` printed by the cells of one column in one row (PDF words in one column are joined:
    ``3 985 758``, ``75394432.52 元``); second value True when several values share the column."""
    view = region.view
    cells = _join_wrapped_numbers(sorted((c for c in cells if c.raw.strip()), key=lambda c: (round(c.y0), c.x0)))
    texts = [c.raw.strip() for c in cells]
    anchor = cells[0] if cells else None
    line = view.numbers[anchor.index] if anchor is not None else None
    page = view.pages[anchor.index] if anchor is not None else None
    if not texts:
        return construct(
            Cell,
            {
                "kind": "blank",
                "value": None,
                "raw": "",
                "line": line,
                "inferred": False,
                "page": page,
                "unit": "",
                "note": "",
                "ambiguous": False,
            },
        ), False
    raw = _joined(cells)
    value = read_value(raw)
    clash = False
    numbers = len(texts) > 1 and all(read_value(t).kind == "number" for t in texts)
    if numbers and (value.kind == "token" or not (region.mode == "pdf" and _digit_groups(cells))):
        clash = True  # two numbers in one column of one row (not one number printed in digit groups)
        value = read_value(texts[0])
        raw = texts[0]
    elif (
        value.kind == "token"
        and len(texts) > 1
        and read_value(texts[0]).kind == "number"
        and _NOTE_PART.search(" ".join(texts[1:]))
    ):
        # a value and its note wrapped over lines ("55（含自然失" / "效 29 件）")
        first = read_value(texts[0])
        note = re.sub(r"^[（(]|[)）]$", "", " ".join(texts[1:]).replace(" ", ""))
        value = type(first)(
            "number", first.value, first.unit, (first.note + note) if first.note else note, first.converted
        )
    return construct(
        Cell,
        {
            "kind": value.kind,
            "value": value.value,
            "raw": raw,
            "line": line,
            "inferred": False,
            "page": page,
            "unit": value.unit,
            "note": value.note,
            "ambiguous": False,
        },
    ), clash


_GROUP_HEAD = re.compile(r"[+-]?\d{1,3}")
_GROUP_TAIL = re.compile(r"\d{3}")
_GROUP_LAST = re.compile(r"\d{3}(?:\.\d+)?")


def _digit_groups(cells: list[PCell]) -> bool:
    """True when PDF words ``cells`` print one number in digit groups (``3`` ``985`` ``758.5``): on one line, a
    first group of one to three digits, then groups of three, each a space's width (under 0.6 of the text height)
    after the one before. Two values that merely share a column (``-183`` | ``742``) are not groups."""
    words = sorted(cells, key=lambda c: c.x0)
    height = max(4.0, max(c.y1 - c.y0 for c in words))
    if any(abs(c.cy - words[0].cy) > height / 2 for c in words):
        return False
    texts = [c.raw.strip() for c in words]
    if not _GROUP_HEAD.fullmatch(texts[0]) or not _GROUP_LAST.fullmatch(texts[-1]):
        return False
    if not all(_GROUP_TAIL.fullmatch(t) for t in texts[1:-1]):
        return False
    return all(0 <= b.x0 - a.x1 < 0.6 * height for a, b in zip(words, words[1:]))


def _empty_cell(kind: str) -> Cell:
    return construct(
        Cell,
        {
            "kind": kind,
            "value": None,
            "raw": "",
            "line": None,
            "inferred": False,
            "page": None,
            "unit": "",
            "note": "",
            "ambiguous": False,
        },
    )


def blank_cell() -> Cell:
    """A cell of a template row that is not printed (its row has no values)."""
    return _empty_cell("blank")


def unread_cell() -> Cell:
    """A cell under a column the reader did not identify: its printed value is unknown (not blank)."""
    return _empty_cell("unread")


def markup_evidence(region: Region, cells: list[PCell], table: str) -> list[Evidence]:
    """Markup or style text (``width:149px``, ``colspan=``, ``</p>``) printed in a value cell: the file was read
    as the wrong format."""
    bad = [c for c in cells if c.raw and _MARKUP.search(c.raw)]
    if not bad:
        return []
    view = region.view
    return [
        Evidence(
            kind="markup_in_cells",
            message=f"{len(bad)} 个单元格含网页标记或样式文字（如“{bad[0].raw[:24]}”），表格未被正确识别",
            where=[table],
            lines=sorted({view.numbers[c.index] for c in bad})[:10],
        )
    ]


# ------------------------------------------------------------------------------------------------ rows
def _row_label_text(labels: list[PCell]) -> list[str]:
    """Label texts of one grid row to try, most specific first: its own cells, then with the spanned group labels."""
    own = "".join(c.key for c in labels if not c.spanned)
    full = "".join(c.key for c in labels)
    return [t for t in dict.fromkeys((own, full)) if t]


def match_spec(texts: list[str], specs, start: int) -> tuple[int, int] | None:
    """``(index, anchor rank)`` of the first template row from ``start`` (in template order) whose anchor occurs
    in one of ``texts`` (normalised compact label texts)."""
    for text in texts:
        for j in range(start, len(specs)):
            for rank, anchor in enumerate(specs[j].anchors):
                if _needle(anchor) in text:
                    return j, rank
    return None


_ORDINAL_START = re.compile(r"^(\d{1,2})[.、．]")


def spec_ordinal(spec) -> int | None:
    return getattr(spec, "ordinal", None)


def label_spans(region: Region, lines, value_left: float, specs) -> list[tuple[int, float, float, str, int] | None]:
    """PDF: for each template row, ``(spec index, top, bottom, printed label, anchor rank)`` of its label, or None.

    Label words (left of the value columns) are chained into streams -- a word continues the stream whose last word
    it overlaps horizontally, so that a label wrapped over several lines reads as one text while a group label in
    a column of its own (``（三）不予公开``, ``三、本年度办理结果`` one character per line) forms a stream of its own.
    The template rows are then found in the streams in template order, top to bottom."""
    return spans_in(label_streams(region, lines, value_left), specs)


def label_streams(region: Region, lines, value_left: float) -> list[tuple[str, list]]:
    """PDF label streams (see :func:`label_spans`): ``(normalised text, [(start, end, phrase)])`` per stream."""
    streams: list[list[PCell]] = []
    extent: list[tuple[int, float, float]] = []  # per stream: (line index of its last line, x0, x1 of that line)
    ordinal = {index: n for n, (index, _) in enumerate(lines)}  # line order, blind to page breaks and footers
    for _, cells in lines:
        for c in _phrases([c for c in cells if c.cx < value_left and c.key], gap=0.25):
            height = max(4.0, c.y1 - c.y0)
            best, best_key = None, None
            for n, s in enumerate(streams):
                last = s[-1]
                line, x0, x1 = extent[n]
                if line != c.index:
                    # continues a label from a line above: overlaps that line's words, a few lines up at most
                    overlap = min(x1, c.x1) - max(x0, c.x0)
                    near = ordinal[c.index] - ordinal[line] <= 3 and c.y0 - last.y1 < 40
                    if overlap > 0 and near:
                        key = (1, overlap, last.y0)
                        if best_key is None or key > best_key:
                            best, best_key = n, key
                elif -1.0 <= c.x0 - last.x1 < 0.6 * height and c.cx > last.cx:
                    key = (
                        0,
                        0.0,
                        last.y0,
                    )  # the next word on the same line (letter-spaced text): only when nothing above
                    if best_key is None or key > best_key:
                        best, best_key = n, key
            if best is None:
                streams.append([c])
                extent.append((c.index, c.x0, c.x1))
            else:
                streams[best].append(c)
                line, x0, x1 = extent[best]
                extent[best] = (c.index, min(x0, c.x0), max(x1, c.x1)) if line == c.index else (c.index, c.x0, c.x1)
    texts = []
    for s in streams:
        pos, spans = 0, []
        for c in s:
            spans.append((pos, pos + len(c.key), c))
            pos += len(c.key)
        texts.append(("".join(c.key for c in s), spans))
    return texts


def spans_in(texts: list[tuple[str, list]], specs) -> list[tuple[int, float, float, str, int] | None]:
    """The template rows found in the label streams ``texts``, in template order, top to bottom."""
    out: list[tuple[int, float, float, str, int] | None] = []
    floor = -1.0
    for j, spec in enumerate(specs):
        hit = None
        for rank, anchor in enumerate(spec.anchors):
            needle = _needle(anchor)
            best = None
            for text, spans in texts:
                start = 0
                while True:
                    k = text.find(needle, start)
                    if k < 0:
                        break
                    pos = [n for n, (a, b, c) in enumerate(spans) if a < k + len(needle) and b > k]
                    parts = [spans[n][2] for n in pos]
                    top = min(c.y0 for c in parts)
                    if top >= floor - 2 and (best is None or top < best[0]):
                        # a leaf label starts at its ordinal ("3.危" / "及“三安全一稳定”"): take in the phrases
                        # before the anchor back to it
                        if spec_ordinal(spec) is not None:
                            for n in range(pos[0] - 1, max(-1, pos[0] - 4), -1):
                                c = spans[n][2]
                                if c.y0 < floor - 2:
                                    break
                                if _ORDINAL_START.match(c.key) and int(
                                    _ORDINAL_START.match(c.key).group(1)
                                ) == spec_ordinal(spec):
                                    parts = [spans[m][2] for m in range(n, pos[0])] + parts
                                    top = min(x.y0 for x in parts)
                                    break
                        best = (top, max(c.y1 for c in parts), "".join(c.raw for c in parts), rank)
                        break
                    start = k + 1
            if best is not None:
                hit = best
                break
        if hit is None:
            out.append(None)
            continue
        top, bottom, printed, rank = hit
        out.append((j, top, bottom, printed, rank))
        floor = top
    # extend each found label down to just above the next found label of a later row
    found = [x for x in out if x is not None]
    extended: dict[int, tuple[int, float, float, str, int]] = {}
    for n, (j, top, bottom, label, rank) in enumerate(found):
        nxt_top = found[n + 1][1] if n + 1 < len(found) else None
        extended[j] = (
            j,
            top,
            bottom if nxt_top is None else max(bottom, min(nxt_top - 0.5, bottom + 200)),
            label,
            rank,
        )
    return [extended.get(j) for j in range(len(specs))]


def _value_lines(lines, bands: list[Band], region: Region, value_left: float):
    """PDF lines that print at least one value inside the value columns: ``(line index, cells, centre y)``. A line
    whose only values are no-value tokens (``/``) beside header words (``本年增`` ``/`` ``减``) is a header line."""
    out = []
    for index, cells in lines:
        zone = [c for c in cells if c.cx >= value_left]
        vals = [c for c in zone if _is_value_cell(c.raw) or _VALUE_START.match(c.raw)]
        if not vals:
            if out and zone and all(_NOTE_TAIL.fullmatch(c.raw.strip()) for c in zone):
                # the end of a note wrapped onto the next line ("55（含自然失效 29" / "件）") belongs to the value whose
                # note it closes, printed just above it in the same column (a value line centred between them, or a
                # wrapped row label beside the tail, stays where it is)
                for back in range(len(out) - 1, max(-1, len(out) - 4), -1):
                    prev_index, prev_cells, cy = out[back]
                    opened = [c for c in prev_cells if c.cx >= value_left and _OPEN_NOTE.search(c.raw)]
                    height = max(4.0, max(c.y1 - c.y0 for c in prev_cells))
                    if (
                        opened
                        and all(any(o.x0 - height <= t.cx <= o.x1 + height for o in opened) for t in zone)
                        and 0 <= min(c.y0 for c in zone) - max(c.y1 for c in opened) < 0.8 * height
                    ):
                        out[back] = (prev_index, prev_cells + zone, cy)
                        break
            continue
        words = [c for c in zone if not _is_value_cell(c.raw) and _CJK2.search(c.raw) and not _NOTE_PART.search(c.raw)]
        if words and not any(read_value(c.raw).kind == "number" for c in vals):
            continue
        out.append((index, cells, sum(c.cy for c in vals) / len(vals)))
    return out


def assign_value_lines(value_lines, spans) -> dict[int, list[int]]:
    """PDF: template row index -> value line numbers (positions in ``value_lines``). A value line belongs to the
    row whose label span holds its centre, else to the nearest label; labels are in template order, so are rows."""
    found = [s for s in spans if s is not None]
    out: dict[int, list[int]] = {}
    for n, (_, _, cy) in enumerate(value_lines):
        inside = [s for s in found if s[1] - 2 <= cy <= s[2] + 2]
        if inside:
            best = min(inside, key=lambda s: abs((s[1] + s[2]) / 2 - cy) if s[2] - s[1] < 60 else abs(s[1] - cy))
        else:
            best = min(found, key=lambda s: min(abs(s[1] - cy), abs(s[2] - cy)), default=None)
        if best is not None:
            out.setdefault(best[0], []).append(n)
    return out


# ------------------------------------------------------------------------------------------------ table 3
def read_t3(view: TextView, start: int, end: int, specs) -> Table | None:
    """Table 3 from positioned cells in ``[start, end)``: 7 columns by their labels, rows by their labels.

    Returns None when the block has no positioned cells, or no table-3 column label is found (then the text
    reader tries). ``specs`` are the template rows (23 or 25)."""
    region = region_of(view, start, end)
    if region is None:
        return None
    first_row = _first_row_line(region, specs)
    if first_row is None:
        return None
    header_lines = [(i, cs) for i, cs in region.lines if i < first_row]
    found = find_columns(region, header_lines, T3_COLUMN_LABELS, T3_GROUP_HEADERS)
    bands = bands_from(found, T3_COLUMN_KEYS)
    table = Table(
        name="t3",
        status="parsed",
        layout=f"{region.mode}-labels",
        line_start=view.numbers[region.lines[0][0]],
        line_end=view.numbers[region.lines[-1][0]],
    )
    data_lines = [(i, cs) for i, cs in region.lines if i >= first_row]
    if len(bands) < 2:
        bands = _bands_from_values(region, data_lines, T3_COLUMN_KEYS, table)
        if not bands:
            return None
    _note_columns(table, bands, T3_COLUMN_KEYS, "表三")
    if region.mode == "pdf":
        # the FMT-2021 sub-rows of （六）其他处理 are told by their labels, read as the PDF wraps them
        from reviewer.template import t3_rows

        streams = "".join(text for text, _ in label_streams(region, data_lines, _value_left(bands)))
        specs = t3_rows(
            not any(_needle(m) in streams for m in ("逾期不补正", "收费通知要求缴纳费用", "逾期未按收费通知"))
        )
    values_by_row = _read_rows(region, data_lines, bands, specs, table)
    _fill(table, specs, values_by_row, T3_COLUMN_KEYS)
    return table


def _first_row_line(region: Region, specs) -> int | None:
    """Line index of the first table-3 data row (``一、本年新收…``)."""
    needle = _needle(specs[0].anchors[-1])
    for i, cells in region.lines:
        if any(needle in c.key for c in cells):
            return i
        joined = "".join(c.key for c in cells)
        if needle in joined:
            return i
    return None


def _bands_from_values(region: Region, data_lines, keys: tuple[str, ...], table: Table) -> list[Band]:
    """No header labels found: columns from the values themselves when every row prints exactly one value per
    column (then they are read by order, and the evidence says so); else none."""
    counts = []
    rows = []
    for _i, cells in data_lines:
        vals = [c for c in cells if _is_value_cell(c.raw)]
        if vals:
            counts.append(len(vals))
            rows.append(vals)
    if not rows or any(n != len(keys) for n in counts):
        table.evidence.append(
            Evidence(
                kind="columns_missing",
                message=f"未识别到{'表三' if table.name == 't3' else '表格'}的列名，且各行数值个数不一，无法确定各数值所属的列",
                where=[table.name],
            )
        )
        return []
    first = rows[0]
    table.evidence.append(
        Evidence(
            kind="columns_by_order",
            message="未识别到列名，按数值顺序对应各列（每行数值个数与模板一致）",
            where=[table.name],
        )
    )
    return [Band(k, c.x0, c.x1, "") for k, c in zip(keys, sorted(first, key=lambda c: c.x0))]


def _note_columns(table: Table, bands: list[Band], keys: tuple[str, ...], name: str) -> None:
    table.columns = {b.key: b.label for b in bands}
    missing = [k for k in keys if k not in table.columns]
    if missing:
        from reviewer.describe import column_label

        table.evidence.append(
            Evidence(
                kind="columns_missing",
                message=f"{name}未识别到以下列：" + "、".join(column_label(table.name, k) for k in missing),
                where=[f"{table.name}.*.{k}" for k in missing],
            )
        )


def _read_rows(region: Region, data_lines, bands: list[Band], specs, table: Table) -> dict[int, dict[str, Cell]]:
    """Template row index -> column key -> cell, with evidence recorded on ``table``."""
    view = region.view
    out: dict[int, dict[str, Cell]] = {}
    outside_all: list[PCell] = []
    clashes: list[str] = []
    unmatched_rows: list[int] = []
    short_rows: list[str] = []
    markup: list[PCell] = []
    if region.mode == "grid":
        idx = 0
        for i, cells in data_lines:
            by_band, labels, outside = assign(region, cells, bands)
            values_present = any(c.raw.strip() for cs in by_band.values() for c in cs)
            match = match_spec(_row_label_text(labels), specs, idx)
            if match is None:
                has_values = values_present and any(
                    _is_value_cell(c.raw) and c.raw.strip() for cs in by_band.values() for c in cs
                )
                group = _subtotal_group(labels, specs, idx) if has_values and table.name == "t3" else None
                if group is not None:
                    # a subtotal row some local templates add (rulebook A.3): kept apart, checked by T3-SUBTOTAL
                    table.subtotals[group] = _typed_row(region, by_band, bands, f"t3.subtotal.{group}", clashes, markup)
                    table.notes.append(f"subtotal row printed for group {group}; excluded from T3-RESULT-TOTAL")
                elif has_values:
                    unmatched_rows.append(view.numbers[i])
                continue
            j = match[0]
            if match[1] > 0:
                table.notes.append(f"label-variant:{specs[j].key}")
            if any(not by_band[b.key] for b in bands) and any(c.raw.strip() for cs in by_band.values() for c in cs):
                # a printed row always has a cell, maybe empty, under every column: a cell is missing from this one
                short_rows.append(specs[j].key)
            out[j] = _typed_row(region, by_band, bands, f"{table.name}.{specs[j].key}", clashes, markup)
            table.row_labels[specs[j].key] = "".join(c.raw for c in labels if not c.spanned) or "".join(
                c.raw for c in labels
            )
            table.row_lines[specs[j].key] = view.numbers[i]
            outside_all.extend(c for c in outside if _DIGIT.search(c.raw))
            idx = j + 1
    else:
        value_left = _value_left(bands)
        spans = label_spans(region, data_lines, value_left, specs)
        vlines = _value_lines(data_lines, bands, region, value_left)
        rows = assign_value_lines(vlines, spans)
        for j, ns in rows.items():
            cells = [c for n in ns for c in vlines[n][1]]
            by_band, labels, outside = assign(region, cells, bands, value_left)
            out[j] = _typed_row(region, by_band, bands, f"{table.name}.{specs[j].key}", clashes, markup)
            table.row_labels[specs[j].key] = spans[j][3] if spans[j] else specs[j].label
            if spans[j] and spans[j][4] > 0:
                table.notes.append(f"label-variant:{specs[j].key}")
            table.row_lines[specs[j].key] = view.numbers[vlines[ns[0]][0]]
            outside_all.extend(c for c in outside if _DIGIT.search(c.raw))
        for j, span in enumerate(spans):
            if span is not None and j not in out and rows:
                # the row label is printed and no value beside it: every cell of the row is printed blank
                out[j] = {b.key: blank_cell() for b in bands}
                table.row_labels[specs[j].key] = span[3]
        if not any(s is not None for s in spans):
            unmatched_rows.extend(view.numbers[vlines[n][0]] for n in range(len(vlines)))
    if outside_all:
        table.evidence.append(
            Evidence(
                kind="values_outside_columns",
                message=f"{len(outside_all)} 个数值不在任何已识别的列下（如第{view.numbers[outside_all[0].index]}行“{outside_all[0].raw[:16]}”）",
                where=[table.name],
                lines=sorted({view.numbers[c.index] for c in outside_all})[:10],
            )
        )
    if clashes:
        table.evidence.append(
            Evidence(
                kind="two_values_in_cell", message=f"{len(clashes)} 处同一行同一列下有两个数值", where=clashes[:10]
            )
        )
    if short_rows:
        table.evidence.append(
            Evidence(
                kind="columns_missing",
                message=f"{len(short_rows)} 行的单元格少于列数（表格行缺少单元格，数值可能错列）",
                where=[f"{table.name}.{r}" for r in short_rows[:10]],
            )
        )
    if unmatched_rows:
        table.notes.append(f"rows with values but no template label at lines {unmatched_rows[:10]}")
        table.evidence.append(
            Evidence(
                kind="unlabelled_rows",
                message=f"{len(unmatched_rows)} 行有数值但未识别出行名（第{unmatched_rows[0]}行等）",
                where=[table.name],
                lines=unmatched_rows[:10],
            )
        )
    table.evidence.extend(markup_evidence(region, markup, table.name))
    return out


def _typed_row(
    region: Region,
    by_band: dict[str, list[PCell]],
    bands: list[Band],
    where: str,
    clashes: list[str],
    markup: list[PCell],
) -> dict[str, Cell]:
    """Column key -> the cell read under it for one row; two values under one column are recorded in ``clashes``
    (as ``where.column``), every cell read in ``markup`` (checked for markup afterwards)."""
    row = {}
    for b in bands:
        cell, clash = typed_cell(region, by_band[b.key])
        if clash:
            clashes.append(f"{where}.{b.key}")
        row[b.key] = cell
        markup.extend(by_band[b.key])
    return row


_GROUP_KEYS = {_needle(label): group for group, label in T3_OUTCOME_GROUPS.items()}


def _subtotal_group(labels: list[PCell], specs, idx: int) -> str | None:
    """The outcome group (``denied``, ``unable``, ``not_processed``, ``other_handling``) whose subtotal a grid row prints:
    its own label is the group label (``（三）不予公开``) or ``小计``/``合计`` (the group of the rows just above)."""
    own = "".join(c.key for c in labels if not c.spanned) or "".join(c.key for c in labels)
    for key, group in _GROUP_KEYS.items():
        if own == key or own.endswith(key[3:]) and len(own) <= len(key) + 2:
            return group
    if own.endswith(("小计", "合计")) and idx > 0:
        return (
            getattr(specs[idx - 1], "group", None)
            if getattr(specs[idx - 1], "group", None) in T3_OUTCOME_GROUPS
            else None
        )
    return None


def _value_left(bands: list[Band]) -> float:
    if len(bands) > 1:
        return bands[0].cx - (bands[1].cx - bands[0].cx) / 2
    return bands[0].x0 - (bands[0].x1 - bands[0].x0)


def _fill(table: Table, specs, values_by_row: dict[int, dict[str, Cell]], keys: tuple[str, ...]) -> None:
    for j, spec in enumerate(specs):
        row = values_by_row.get(j)
        if row is None:
            table.rows[spec.key] = {c: blank_cell() for c in keys}
            table.notes.append(f"row {spec.key} ({spec.label}) not found")
            continue
        table.rows[spec.key] = {c: row.get(c) or unread_cell() for c in keys}


# ------------------------------------------------------------------------------------------------ table 4
def read_t4(view: TextView, start: int, end: int) -> Table | None:
    """Table 4 from positioned cells: the 15 columns identified as (block, result) from the header labels, the one
    data row read under them. None when the block has no positioned cells or no table-4 column label."""
    region = region_of(view, start, end)
    if region is None:
        return None
    # header: lines before the first line that prints values; data: that line (and, in a PDF, lines just below it)
    data_at = None
    for n, (i, cells) in enumerate(region.lines):
        vals = [c for c in cells if read_value(c.raw).kind == "number"]
        if len(vals) >= 3:
            data_at = n
            break
    if data_at is None:
        return None
    first_data = data_at
    if region.mode == "pdf":
        # lines just above the data row that print only numbers and touch it: the first line of a number wrapped
        # in a narrow cell and centred on the row ("１" / row / "０" for １０)
        first = region.lines[data_at][1]
        height = max(4.0, max(c.y1 - c.y0 for c in first))
        while first_data > 0:
            _, cs = region.lines[first_data - 1]
            if not cs or not all(read_value(c.raw).kind == "number" for c in cs):
                break
            if min(c.y0 for c in first) - max(c.y1 for c in cs) >= 0.8 * height:
                break
            first_data -= 1
            first = cs
    header_lines = region.lines[:first_data]
    found = find_columns(region, header_lines, T4_COLUMN_LABELS)
    blocks = find_columns(region, header_lines, T4_BLOCK_LABELS)
    bands = _t4_bands(found, blocks)
    table = Table(
        name="t4",
        status="parsed",
        layout=f"{region.mode}-labels",
        line_start=view.numbers[region.lines[0][0]],
        line_end=view.numbers[region.lines[min(len(region.lines) - 1, data_at)][0]],
    )
    keys = tuple(f"{b}.{c}" for b, _ in T4_BLOCKS for c in T4_COLUMN_KEYS)
    data_lines = list(region.lines[first_data : data_at + 1])
    if region.mode == "pdf":
        # the data row, and lines just below it that print only numbers: a number wrapped in a narrow cell ("17" / "8")
        last = region.lines[data_at][1]
        for i, cs in region.lines[data_at + 1 :]:
            height = max(4.0, max(c.y1 - c.y0 for c in last))
            if (
                cs
                and min(c.y0 for c in cs) - max(c.y1 for c in last) < 0.8 * height
                and all(read_value(c.raw).kind == "number" for c in cs)
            ):
                data_lines.append((i, cs))
                last = cs
            else:
                break
    if len(bands) < 5:
        bands = _bands_from_values(region, data_lines, keys, table)
        if not bands:
            return None
    _note_columns_t4(table, bands, keys)
    cells = [c for _, cs in data_lines for c in cs]
    by_band, labels, outside = assign(region, cells, bands)
    clashes = []
    for block, _ in T4_BLOCKS:
        table.rows[block] = {}
        for col in T4_COLUMN_KEYS:
            key = f"{block}.{col}"
            cell, clash = typed_cell(region, by_band.get(key, [])) if key in by_band else (unread_cell(), False)
            if clash:
                clashes.append(f"t4.{key}")
            table.rows[block][col] = cell
    stray = [c for c in outside + [c for c in labels if read_value(c.raw).kind == "number"] if _DIGIT.search(c.raw)]
    if stray:
        table.evidence.append(
            Evidence(
                kind="values_outside_columns",
                message=f"{len(stray)} 个数值不在任何已识别的列下（如“{stray[0].raw[:16]}”）",
                where=["t4"],
                lines=sorted({view.numbers[c.index] for c in stray})[:10],
            )
        )
    if clashes:
        table.evidence.append(
            Evidence(kind="two_values_in_cell", message=f"{len(clashes)} 处同一列下有两个数值", where=clashes)
        )
    # more rows of values below the data row: a layout this reader does not know
    extra = [
        view.numbers[i]
        for i, cs in region.lines[data_at + 1 :]
        if sum(1 for c in cs if read_value(c.raw).kind == "number") >= 3 and (i, cs) not in data_lines
    ]
    if extra:
        table.evidence.append(
            Evidence(
                kind="unlabelled_rows",
                message=f"表四数据行之下还有 {len(extra)} 行数值（第{extra[0]}行等）",
                where=["t4"],
                lines=extra[:5],
            )
        )
    table.evidence.extend(markup_evidence(region, [c for cs in by_band.values() for c in cs], "t4"))
    return table


def _t4_bands(
    found: dict[str, list[tuple[float, float, str]]], blocks: dict[str, list[tuple[float, float, str]]]
) -> list[Band]:
    """The 15 table-4 columns: each printed column label is given the block whose header spans it (grid extents),
    else blocks in template order by position (the five labels repeat left to right: 复议, 直接起诉, 复议后起诉)."""
    spots = sorted((x0, x1, col, label) for col, lst in found.items() for x0, x1, label in lst)
    bands: list[Band] = []
    block_spans = {b: lst for b, lst in blocks.items()}
    order = [b for b, _ in T4_BLOCKS]
    seen: dict[str, set[str]] = {b: set() for b in order}
    cursor = 0
    for x0, x1, col, label in spots:
        owner = None
        for b, lst in block_spans.items():
            if any(bx0 - 0.01 <= (x0 + x1) / 2 <= bx1 + 0.01 and (bx1 - bx0) > (x1 - x0) * 1.5 for bx0, bx1, _ in lst):
                owner = b
        if owner is None:
            while cursor < len(order) and col in seen[order[cursor]]:
                cursor += 1
            if cursor >= len(order):
                continue
            owner = order[cursor]
        else:
            cursor = max(cursor, order.index(owner))
        if col in seen[owner]:
            continue
        seen[owner].add(col)
        bands.append(Band(f"{owner}.{col}", x0, x1, label))
    bands.sort(key=lambda b: b.x0)
    return bands


def _note_columns_t4(table: Table, bands: list[Band], keys: tuple[str, ...]) -> None:
    table.columns = {b.key: b.label for b in bands}
    missing = [k for k in keys if k not in table.columns]
    if missing:
        from reviewer.describe import column_label, row_label

        names = "、".join(f"{row_label('t4', k.split('.')[0])}·{column_label('t4', k.split('.')[1])}" for k in missing)
        table.evidence.append(
            Evidence(kind="columns_missing", message=f"表四未识别到以下列：{names}", where=[f"t4.{k}" for k in missing])
        )


# ------------------------------------------------------------------------------------------------ table 2
def read_t2(view: TextView, start: int, end: int, specs) -> Table | None:
    """Table 2 from positioned cells: each block's header row(s) identify its columns (制发/废止/现行有效, 处理决定
    数量, 收费金额; FMT-2019 新制作/新公开/公开总数, 上一年项目数/本年增减/处理决定数, 采购项目数/总金额), and each
    labelled row is read under the header above it. None when the block has no positioned cells."""
    region = region_of(view, start, end)
    if region is None:
        return None
    wanted = {c for spec in specs for c in spec.columns}
    labels = {k: v for k, v in T2_COLUMN_LABELS.items() if k in wanted}
    table = Table(
        name="t2",
        status="parsed",
        layout=f"{region.mode}-labels",
        line_start=view.numbers[region.lines[0][0]],
        line_end=view.numbers[region.lines[-1][0]],
    )
    if region.mode == "pdf":
        rows_read = _t2_pdf_rows(region, specs, labels)
    else:
        rows_read = _t2_grid_rows(region, specs, labels)
    if rows_read is None:
        return None
    found_any = False
    outside_all: list[PCell] = []
    markup: list[PCell] = []
    done: set[int] = set()
    unread_rows: list = []
    for j, index, printed_label, rank, row_cells, bands, value_left in rows_read:
        spec = specs[j]
        found_any = found_any or bool(bands)
        use = [b for b in bands if b.key in spec.columns]
        if not use:
            if j not in done and any(_is_value_cell(c.raw) and _DIGIT.search(c.raw) for c in row_cells):
                # the row is printed with its values, but no label of its columns was read above it
                table.rows[spec.key] = {c: unread_cell() for c in spec.columns}
                table.row_labels[spec.key] = printed_label
                table.row_lines[spec.key] = view.numbers[index]
                unread_rows.append(spec)
                done.add(j)
            continue
        by_band, lab, outside = assign(region, row_cells, use, value_left)
        outside = outside + [c for c in lab if read_value(c.raw).kind == "number"]  # table 2's labels hold no numbers
        row = {}
        for col in spec.columns:
            cell, _ = typed_cell(region, by_band.get(col, [])) if col in by_band else (unread_cell(), False)
            row[col] = cell
            markup.extend(by_band.get(col, []))
        table.rows[spec.key] = row
        table.row_labels[spec.key] = printed_label
        if rank > 0:
            table.notes.append(f"label-variant:{spec.key}")
        table.row_lines[spec.key] = view.numbers[index]
        outside_all.extend(c for c in outside if _DIGIT.search(c.raw) and _is_value_cell(c.raw))
        done.add(j)
        missing = [c for c in spec.columns if c not in {b.key for b in use}]
        if missing:
            from reviewer.describe import column_label

            table.evidence.append(
                Evidence(
                    kind="columns_missing",
                    message=f"表二“{spec.label}”行未识别到列：" + "、".join(column_label("t2", c) for c in missing),
                    where=[f"t2.{spec.key}.{c}" for c in missing],
                )
            )
    if not found_any:
        return None
    if unread_rows:
        table.evidence.append(
            Evidence(
                kind="columns_missing",
                message="表二"
                + "、".join(f"“{sp.label}”" for sp in unread_rows[:4])
                + "行印有数值，但其栏目的列名未能识别",
                where=[f"t2.{sp.key}" for sp in unread_rows[:10]],
            )
        )
    for j, spec in enumerate(specs):
        if j not in done:
            table.rows[spec.key] = {c: blank_cell() for c in spec.columns}
            table.notes.append(f"row {spec.key} ({spec.label}) not found")
    ordered = {spec.key: table.rows[spec.key] for spec in specs}
    table.rows = ordered
    table.columns = {b.key: b.label for *_, bands, _ in rows_read for b in bands}
    if outside_all:
        table.evidence.append(
            Evidence(
                kind="values_outside_columns",
                message=f"{len(outside_all)} 个数值不在任何已识别的列下（如第{view.numbers[outside_all[0].index]}行“{outside_all[0].raw[:16]}”）",
                where=["t2"],
                lines=sorted({view.numbers[c.index] for c in outside_all})[:10],
            )
        )
    table.evidence.extend(markup_evidence(region, markup, "t2"))
    return table


def _t2_grid_rows(region: Region, specs, labels):
    """Grid: ``(spec index, line index, printed label, anchor rank, cells, bands)`` per labelled row; each row is read
    under the header row(s) printed above it in its block. None when fewer than two rows are labelled."""
    row_at: list[tuple[int, int, tuple[str, int]]] = []
    for n, (i, cells) in enumerate(region.lines):
        for j, spec in enumerate(specs):
            if any(j == jj for _, jj, _ in row_at):
                continue
            hit = _t2_label_in(cells, spec, region)
            if hit is not None:
                row_at.append((n, j, hit))
                break
    if len(row_at) < 2:
        return None
    out = []
    bands: list[Band] = []
    header_from = 0
    labelled = {n for n, _, _ in row_at}
    for n, j, (printed, rank) in row_at:
        header_lines = [region.lines[m] for m in range(header_from, n) if m not in labelled]
        new_bands = bands_from(find_columns(region, header_lines, labels), tuple(labels))
        if new_bands:
            bands = new_bands
        header_from = n + 1
        i, cells = region.lines[n]
        out.append((j, i, printed, rank, list(cells), bands, None))
    return out


def _t2_pdf_rows(region: Region, specs, labels):
    """PDF: rows found by their label text (labels that wrap over lines read as one, as in table 3), values by the
    lines they print on; each row is read under the header printed above it in its block (the header lines between
    the previous row and this one). None when fewer than two rows are found or no column label is printed."""
    header_all = [(i, cs) for i, cs in region.lines if not any(_is_value_cell(c.raw) for c in cs)]
    found = find_columns(region, header_all, labels)
    if not found:
        return None
    value_left = _t2_value_left(region, specs, min(x0 for spots in found.values() for x0, _, _ in spots) - 1.0)
    spans = label_spans(region, region.lines, value_left, specs)
    if sum(1 for s in spans if s is not None) < 2:
        return None
    vlines = _value_lines(region.lines, [], region, value_left)
    assigned = assign_value_lines(vlines, spans)
    value_idx = {vlines[n][0] for ns in assigned.values() for n in ns}
    out = []
    bands: list[Band] = []
    prev_bottom = -1.0
    for j, span in enumerate(spans):
        if span is None:
            continue
        _, top, _bottom, printed, rank = span
        # the block's header: lines printed between the previous row and this row's label (spans run on to the next
        # label, so the previous row ends where its values and label end)
        header_lines = [
            (i, cs)
            for i, cs in region.lines
            if i not in value_idx
            and cs
            and prev_bottom - 1 <= min(c.y0 for c in cs)
            and max(c.y1 for c in cs) <= top + 1
        ]
        new_bands = bands_from(find_columns(region, header_lines, labels), tuple(labels))
        if new_bands:
            bands = new_bands
        ns = assigned.get(j, [])
        cells = [c for n in ns for c in vlines[n][1] if c.cx >= value_left]
        prev_bottom = max([top + 1] + [c.y1 for c in cells])
        index = vlines[ns[0]][0] if ns else region.lines[0][0]
        out.append((j, index, printed, rank, cells, bands, value_left))
    return out


def _t2_value_left(region: Region, specs, header_left: float) -> float:
    """Where table 2's value columns begin (x in points): left of the first column label (``header_left``), or left
    of the first value printed after a row label when values are set flush left under centred labels."""
    left = header_left
    for _, cells in region.lines:
        for spec in specs:
            hit = next(
                (
                    c
                    for c in _phrases(cells)
                    if c.key
                    and not _is_value_cell(c.raw)
                    and any(c.key == _needle(a) or c.key.endswith(_needle(a)) for a in spec.anchors)
                ),
                None,
            )
            if hit is None:
                continue
            values = [c for c in cells if c.x0 >= hit.x1 - 0.5 and _is_value_cell(c.raw)]
            if values:
                left = min(left, min(c.x0 for c in values) - 0.5)
            break
    return left


def _t2_label_in(cells: list[PCell], spec, region: Region) -> tuple[str, int] | None:
    """``(printed label, anchor rank)`` when a label cell of the line is the row label of ``spec``, else None."""
    for c in _phrases(cells) if region.mode == "pdf" else cells:
        if not c.key or _is_value_cell(c.raw):
            continue
        key = c.key
        for rank, anchor in enumerate(spec.anchors):
            a = _needle(anchor)
            if key == a or (key.endswith(a) and len(key) - len(a) <= 6 and not _DIGIT.search(key)):
                return c.raw.strip(), rank
    return None
