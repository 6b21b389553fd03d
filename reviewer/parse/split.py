"""Reconstruct table cells from digits printed without separators ("glued" rows of flattened web text).

A crawler that joins table text nodes turns ``12 | 1 | 0 | 1 | 0 | 0 | 14`` into ``121010014``. The cells are
recovered by enumerating every split of the digit runs into the expected number of cells (whitespace that is
printed is a forced boundary; no cell but ``0`` starts with ``0``) and keeping the splits that satisfy the
table's own identities (row total = sum of the six applicant columns for table 3; total = sum of the four
results per block for table 4). Scoring between the survivors is left to the caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: Hard cap on enumerated splits per row, so that hostile input cannot explode.
MAX_SPLITS = 200_000
#: Hard cap on recursion steps per row (a 200-digit run has astronomically many splits).
MAX_STEPS = 300_000
#: A glued run longer than this many digits per cell is not split at all (no real cell has 12+ digits).
MAX_DIGITS_PER_CELL = 12


def _valid_piece(piece: str) -> bool:
    body = piece[1:] if piece[:1] in "+-" else piece
    if not body or body.startswith(".") or body.endswith("."):
        return False
    if body.count(".") > 1 or "+" in body or "-" in body:
        return False
    intpart = body.split(".")[0]
    return not (len(intpart) > 1 and intpart.startswith("0"))


def _prepare(tokens: list[str], split_signs: bool) -> tuple[str, set[int], list[int]]:
    """Concatenate ``tokens``: ``(text, atom starts, forced boundaries)``. Non-numeric tokens ('/') are atoms
    (one whole cell each); with ``split_signs`` a ``+``/``-`` inside a token also starts a new cell."""
    parts: list[str] = []
    atoms: set[int] = set()
    pos = 0
    for tok in tokens:
        pieces = [tok] if not re.search(r"\d", tok) or not split_signs else [p for p in re.split(r"(?=[+-])", tok) if p]
        if not re.search(r"\d", tok):
            atoms.add(pos)
        for piece in pieces:
            parts.append(piece)
            pos += len(piece)
    bounds = []
    pos = 0
    for p in parts:
        pos += len(p)
        bounds.append(pos)
    return "".join(parts), atoms, bounds


def split_tokens(
    tokens: list[str],
    n: int,
    accept: Callable[[list[str]], bool] | None = None,
    prune: Callable[[list[str]], bool] | None = None,
) -> list[list[str]]:
    """Split ``tokens`` (digit runs, optionally signed/decimal) into exactly ``n`` cells.

    Token boundaries are forced cell boundaries; a ``+``/``-`` inside a token also starts a new cell.
    Returns every split (list of ``n`` strings, in order) for which ``accept`` is true (all when None).
    ``prune(prefix)`` is called after each added cell and may reject a partial split early (e.g. a finished
    table-4 block that does not add up). At most :data:`MAX_SPLITS` complete splits are examined.
    """
    text, atoms, bound_list = _prepare(tokens, split_signs=True)
    bounds = set(bound_list)
    forced = sorted(bounds)
    out: list[list[str]] = []
    budget = [MAX_SPLITS]
    steps = [MAX_STEPS]
    total = len(text)
    if total > n * MAX_DIGITS_PER_CELL:
        return out

    def next_bound(p: int) -> int:
        for b in forced:
            if b > p:
                return b
        return total

    def rec(p: int, prefix: list[str]) -> None:
        steps[0] -= 1
        if budget[0] <= 0 or steps[0] <= 0:
            return
        if p == total:
            if len(prefix) == n:
                budget[0] -= 1
                if accept is None or accept(prefix):
                    out.append(list(prefix))
            return
        cells_left = n - len(prefix)
        if cells_left <= 0:
            return
        # every forced boundary still ahead needs at least one cell of its own
        segments_left = sum(1 for b in forced if b > p)
        if segments_left > cells_left:
            return
        limit = next_bound(p)
        for e in range(p + 1, limit + 1):
            piece = text[p:e]
            if p in atoms:
                if e != limit:
                    continue
            elif not _valid_piece(piece):
                continue
            if total - e < cells_left - 1:
                break
            candidate = prefix + [piece]
            if prune is not None and not prune(candidate):
                continue
            rec(e, candidate)

    rec(0, [])
    return out


def to_number(piece: str) -> int | float | None:
    """Parse a cell string (``'12'``, ``'-59'``, ``'+82'``, ``'650.6'``, ``'1,234'``) to int/float, else None."""
    s = piece.strip().replace(",", "")
    if s.endswith("万元"):
        s = s[:-2]
    elif s.endswith("元"):
        s = s[:-1]
    if not s:
        return None
    try:
        if "." in s:
            return float(s)
        return int(s)
    except ValueError:
        return None


def split_row_sum(tokens: list[str], n: int) -> list[list[str]]:
    """Splits of ``tokens`` into ``n`` cells whose last cell equals the sum of the others (table 3 rows).

    Same cells as ``split_tokens(tokens, n, accept=row_sum)`` but much faster: the last cell is chosen first and the
    other cells are enumerated only while their running sum stays within it. Non-numeric tokens ('/') count as 0.
    """
    text, atoms, bounds = _prepare(tokens, split_signs=False)
    total_len = len(text)
    starts = [0] + bounds[:-1]
    out: list[list[str]] = []
    budget = [MAX_SPLITS]
    steps = [MAX_STEPS]
    if total_len > n * MAX_DIGITS_PER_CELL:
        return out

    def next_bound(p: int) -> int:
        for b in bounds:
            if b > p:
                return b
        return total_len

    for last_start in range(total_len - 1, -1, -1):
        last = text[last_start:]
        if any(last_start < b < total_len for b in bounds) or last_start in atoms:
            break  # the total cannot span a printed boundary
        if not last.isdigit() or (len(last) > 1 and last[0] == "0"):
            continue
        target = int(last)
        prefix_end = last_start
        if prefix_end == 0:
            continue

        def rec(p: int, cells: list[str], running: int) -> None:
            steps[0] -= 1
            if budget[0] <= 0 or steps[0] <= 0:
                return
            left = n - 1 - len(cells)
            if p == prefix_end:
                budget[0] -= 1
                if left == 0 and running == target:
                    out.append(cells + [last])
                return
            if left <= 0 or sum(1 for b in starts if p <= b < prefix_end) > left:
                return
            limit = min(next_bound(p), prefix_end)
            if p in atoms:
                rec(limit, cells + [text[p:limit]], running)
                return
            for e in range(p + 1, limit + 1):
                piece = text[p:e]
                if len(piece) > 1 and piece[0] == "0":
                    break
                if not piece.isdigit():
                    break
                value = int(piece)
                if running + value > target:
                    break
                if prefix_end - e < left - 1:
                    break
                rec(e, cells + [piece], running + value)

        rec(0, [], 0)
    out.reverse()
    return out
