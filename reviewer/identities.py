"""The arithmetic identities of tables 3 and 4 (rulebook B), on plain value matrices.

Used by the rules (:mod:`reviewer.checks.arithmetic`) and by the extraction confidence
(:mod:`reviewer.parse.confidence`), which evaluates them on readings that were deliberately perturbed (a row moved
by one column, rows moved by one row) to tell a misread table from a report's own errors.

Values are numbers with blank cells and tokens read as 0 (``Cell.num()``).
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.template import T3_APPLICANT_KEYS, T3_COLUMN_KEYS, T4_COLUMN_KEYS

#: Table-3 rows of the column balance 一 + 二 = 三（七） + 四 (template header note).
BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")

Values = dict[str, dict[str, float]]


@dataclass
class Failure:
    """One failing table-3 identity: ``kind`` ``ROW`` (T3-ROW-SUM, ``key`` = row), ``RES`` (T3-RESULT-TOTAL,
    ``key`` = column) or ``BAL`` (T3-COL-BALANCE, ``key`` = column); ``left``/``right`` the two sides; ``cells``
    the ``(row, column, sign)`` terms (sign +1 on the left side, -1 on the right)."""

    kind: str
    key: str
    left: float
    right: float
    cells: list[tuple[str, str, int]]

    @property
    def rule(self) -> str:
        return {"ROW": "T3-ROW-SUM", "RES": "T3-RESULT-TOTAL", "BAL": "T3-COL-BALANCE"}[self.kind]


def values_of(table) -> Values:
    """``row -> column -> number`` of a parsed :class:`~reviewer.models.Table` (blank and tokens read as 0)."""
    return {r: {c: cell.num() for c, cell in cols.items()} for r, cols in table.rows.items()}


def leaf_rows(values: Values) -> list[str]:
    """The outcome rows summed by T3-RESULT-TOTAL (every row but the four balance rows)."""
    return [r for r in values if r not in BALANCE_ROWS]


def t3_failures_of(values: Values) -> list[Failure]:
    """Every failing table-3 identity of ``values``, in dependency order: row sums, result totals, balances."""
    out: list[Failure] = []
    for r, cols in values.items():
        s = sum(cols.get(c, 0) for c in T3_APPLICANT_KEYS)
        if s != cols.get("total", 0):
            out.append(
                Failure("ROW", r, s, cols.get("total", 0), [(r, c, 1) for c in T3_APPLICANT_KEYS] + [(r, "total", -1)])
            )
    leaves = leaf_rows(values)
    if "total_processed" in values:
        for c in T3_COLUMN_KEYS:
            s = sum(values[r].get(c, 0) for r in leaves)
            if s != values["total_processed"].get(c, 0):
                out.append(
                    Failure(
                        "RES",
                        c,
                        s,
                        values["total_processed"].get(c, 0),
                        [(r, c, 1) for r in leaves] + [("total_processed", c, -1)],
                    )
                )
    if all(r in values for r in BALANCE_ROWS):
        for c in T3_COLUMN_KEYS:
            left = values["new_received"].get(c, 0) + values["carried_over"].get(c, 0)
            right = values["total_processed"].get(c, 0) + values["carried_forward"].get(c, 0)
            if left != right:
                out.append(
                    Failure(
                        "BAL",
                        c,
                        left,
                        right,
                        [
                            ("new_received", c, 1),
                            ("carried_over", c, 1),
                            ("total_processed", c, -1),
                            ("carried_forward", c, -1),
                        ],
                    )
                )
    return out


def t4_failing_blocks(values: Values) -> list[str]:
    """Table-4 blocks whose 总计 is not 维持 + 纠正 + 其他 + 尚未审结."""
    return [b for b, cols in values.items() if sum(cols.get(c, 0) for c in T4_COLUMN_KEYS[:4]) != cols.get("total", 0)]


def min_wrong_cells(failures: list[Failure]) -> int:
    """A lower bound of how many cells must be wrong to explain ``failures``: one cell lies on at most one row sum,
    one result total and one balance, so at least as many cells as the largest of the three failure counts."""
    counts = {"ROW": 0, "RES": 0, "BAL": 0}
    for f in failures:
        counts[f.kind] += 1
    return max(counts.values()) if failures else 0
