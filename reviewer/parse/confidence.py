"""Extraction confidence of each table (issue 11): did the reader read what is printed?

Every parsed table gets a state (:data:`reviewer.models.ExtractionState`) and the evidence that decided it:

* ``not_assessable``: no table text (image, missing, replaced by a sentence);
* ``doubtful``: the reading itself is in question -- markup in cells, values outside every identified column, a
  template column not identified, two values in one cell, rows of values without a label, rows the reader
  could not read, or identities failing in a pattern that no small set of wrong cells explains (a row read one
  column off, rows read one row off: a reading moved back by one column or row makes every identity hold; or more
  failures than three wrong cells could cause);
* ``read_with_ambiguity``: read, but some cells allow several readings (glued digits the evidence did not settle);
* ``read``: otherwise.

The rules of a ``doubtful`` table become extraction issues (:mod:`reviewer.checks.extraction`): a misread table
is never reported as an error of the office. A ``doubtful`` table raises PARSE-DOUBTFUL, naming its evidence.
"""

from __future__ import annotations

from reviewer.identities import min_wrong_cells, t3_failures_of, t4_failing_blocks, values_of
from reviewer.models import Evidence, Table
from reviewer.template import T3_COLUMN_KEYS, T4_BLOCKS, T4_COLUMN_KEYS

#: Reader evidence that puts the reading itself in question.
DOUBT_KINDS = frozenset(
    {
        "markup_in_cells",
        "values_outside_columns",
        "columns_missing",
        "two_values_in_cell",
        "unlabelled_rows",
        "rows_unreadable",
        "rows_missing",
        "identity_pattern",
        "narrative_disagrees",
        "values_not_numbers",
    }
)
#: Cells printing digits that do not read as a value (``\u200b46``, ``8425 含承诺制``) from which a table counts as
#: misread: one such cell is the office's (CELL-NONNUM), several are the reader's.
MIN_DIGIT_TOKENS = 2
#: More failing identities than this many wrong cells could explain is not an office's slip but a misreading.
MAX_EXPLAINED_CELLS = 3
#: Rows not found before a table counts as misread (a report may drop a row or two: STR-LABELS-EXACT).
MAX_MISSING_ROWS = 3


def assess(table: Table) -> Table:
    """Set ``table.state`` and add the evidence found in its own reading (reader notes, identity patterns).

    Input: a table as the parser built it (its reader may already have recorded evidence). Returns the same
    table. Narrative evidence is added later by the checks (:func:`reviewer.checks.extraction.finalise`)."""
    if not table.ok:
        table.state = "not_assessable"
        return table
    _note_evidence(table)
    table.evidence.extend(_digit_tokens(table))
    if table.name == "t3":
        table.evidence.extend(_t3_pattern(table))
    elif table.name == "t4":
        table.evidence.extend(_t4_pattern(table))
    decide(table)
    return table


def decide(table: Table) -> None:
    """The state that ``table.evidence`` and its cells call for (idempotent)."""
    if not table.ok:
        table.state = "not_assessable"
    elif any(e.kind in DOUBT_KINDS for e in table.evidence):
        table.state = "doubtful"
    elif any(c.ambiguous for cols in table.rows.values() for c in cols.values()):
        table.state = "read_with_ambiguity"
    else:
        table.state = "read"


def _note_evidence(table: Table) -> None:
    """Evidence from the text reader's notes: unreadable rows, values beyond the template's cells, rows missing."""
    unreadable = [n.split(":", 2)[1] for n in table.notes if n.startswith("unreadable:")]
    if any(n.startswith("unreadable:") and table.name == "t4" for n in table.notes):
        unreadable = ["all"]
    if unreadable:
        table.evidence.append(
            Evidence(
                kind="rows_unreadable",
                message=f"{len(unreadable)} 行的数值无法按模板各列读出",
                where=[f"{table.name}.{r}" for r in unreadable[:10]],
            )
        )
    short = [n.split(":", 2)[1] for n in table.notes if n.startswith("short:")]
    if short:
        table.evidence.append(
            Evidence(
                kind="columns_missing",
                message=f"{len(short)} 行印出的数值少于模板的列数，无法确定各数值所属的列",
                where=[f"{table.name}.{r}" for r in short[:10]],
            )
        )
    extra = [n for n in table.notes if "extra ignored" in n]
    if extra:
        table.evidence.append(
            Evidence(
                kind="values_outside_columns",
                message=f"{len(extra)} 行印出的数值多于模板的列数（多出的数值未读）",
                where=[f"{table.name}.{n.split(':', 1)[0]}" for n in extra[:10]],
            )
        )
    missing = [n.split()[1] for n in table.notes if n.startswith("row ") and n.endswith("not found")]
    if len(missing) > MAX_MISSING_ROWS:
        table.evidence.append(
            Evidence(
                kind="rows_missing",
                message=f"{len(missing)} 个模板行未找到行名",
                where=[f"{table.name}.{r}" for r in missing[:10]],
            )
        )


def _digit_tokens(table: Table) -> list[Evidence]:
    """Evidence ``values_not_numbers``: at least :data:`MIN_DIGIT_TOKENS` cells print digits but do not read as a
    number (text glued to a value, a character the reader did not expect inside it)."""
    bad = [
        (f"{table.name}.{row}.{col}", c.raw)
        for row, cols in table.rows.items()
        for col, c in cols.items()
        if c.kind == "token" and any(ch.isdigit() for ch in c.raw)
    ]
    if len(bad) < MIN_DIGIT_TOKENS:
        return []
    return [
        Evidence(
            kind="values_not_numbers",
            message=f"{len(bad)} 个单元格印有数字但未能读作数值（如“{bad[0][1][:20]}”）",
            where=[w for w, _ in bad[:10]],
        )
    ]


# ------------------------------------------------------------------------------------------------ table 3
def _shift_row(row: dict[str, float], direction: int) -> dict[str, float] | None:
    """The row as it would be if the reader had moved its values ``direction`` columns (undone here), or None when
    the reading cannot come from such a move: +1 means the values were read one column too far right (the first
    cell, left empty by the move, must read 0; the values move back left and the lost total is their sum); -1 one
    column too far left (the last cell must read 0; the lost first value is the total minus the others). No printed
    value is dropped: a wrong total is not "repaired" away."""
    v = [row.get(c, 0) for c in T3_COLUMN_KEYS]
    if direction > 0:
        if v[0] != 0:
            return None
        six = v[1:7]
        new = six + [sum(six)]
    else:
        if v[6] != 0 or v[5] - sum(v[0:5]) < 0:
            return None
        new = [v[5] - sum(v[0:5])] + v[0:6]
    return dict(zip(T3_COLUMN_KEYS, new))


def _inferred(values: dict[str, dict[str, float]], row: str) -> dict[str, float] | None:
    """The values of ``row`` that the other rows' identities imply (a leaf from the result totals, a balance row
    from the column balance), or None when they imply a negative count."""
    from reviewer.identities import BALANCE_ROWS, leaf_rows

    out: dict[str, float] = {}
    for c in T3_COLUMN_KEYS:
        get = lambda r: values.get(r, {}).get(c, 0)  # noqa: E731
        if row in BALANCE_ROWS:
            if row == "new_received":
                v = get("total_processed") + get("carried_forward") - get("carried_over")
            elif row == "carried_over":
                v = get("total_processed") + get("carried_forward") - get("new_received")
            elif row == "total_processed":
                v = get("new_received") + get("carried_over") - get("carried_forward")
            else:
                v = get("new_received") + get("carried_over") - get("total_processed")
        else:
            v = get("total_processed") - sum(get(r) for r in leaf_rows(values) if r != row)
        if v < 0:
            return None
        out[c] = v
    return out


def t3_repairs(values: dict[str, dict[str, float]]) -> list[tuple[str, str, list]]:
    """Readings one step away from ``values`` that a misreading would explain, each as ``(kind, where, failures
    left)``: one row moved back by one column (``row_shift``), every row moved back (``table_shift``), the rows from
    one row on moved back by one row (``row_offset_up`` / ``row_offset_down``; the row the misreading pushed off the
    table is implied by the identities), two neighbouring rows swapped (``row_swap``). A move may only leave empty a
    cell that reads 0: no printed value is dropped."""
    rows = list(values)
    out: list[tuple[str, str, list]] = []
    for r in rows:
        for d in (1, -1):
            moved = _shift_row(values[r], d)
            if moved is not None and moved != values[r]:
                trial = dict(values)
                trial[r] = moved
                out.append(("row_shift", f"{r}:{d}", t3_failures_of(trial)))
    for d in (1, -1):
        moved_rows = {r: _shift_row(values[r], d) for r in rows}
        if all(m is not None for m in moved_rows.values()) and moved_rows != values:
            out.append(("table_shift", str(d), t3_failures_of(moved_rows)))
    for k in range(len(rows) - 1):
        if not any(values[rows[k]].get(c, 0) for c in T3_COLUMN_KEYS):
            # read one row down from row k (row k empty): move back up; the last row's values were pushed off
            up = dict(values)
            for i in range(k, len(rows) - 1):
                up[rows[i]] = values[rows[i + 1]]
            up[rows[-1]] = {c: 0 for c in T3_COLUMN_KEYS}
            implied = _inferred(up, rows[-1])
            if implied is not None:
                up[rows[-1]] = implied
                if up != values:
                    out.append(("row_offset_up", rows[k], t3_failures_of(up)))
        if not any(values[rows[-1]].get(c, 0) for c in T3_COLUMN_KEYS):
            # read one row up from row k (last row empty): move back down; row k's own values were pushed off
            down = dict(values)
            for i in range(len(rows) - 1, k, -1):
                down[rows[i]] = values[rows[i - 1]]
            down[rows[k]] = {c: 0 for c in T3_COLUMN_KEYS}
            implied = _inferred(down, rows[k])
            if implied is not None:
                down[rows[k]] = implied
                if down != values:
                    out.append(("row_offset_down", rows[k], t3_failures_of(down)))
        swap = dict(values)
        swap[rows[k]], swap[rows[k + 1]] = values[rows[k + 1]], values[rows[k]]
        if swap != values:
            out.append(("row_swap", f"{rows[k]}/{rows[k + 1]}", t3_failures_of(swap)))
    return out


_REPAIR_TEXT = {
    "row_shift": "将“{row}”行的数值{way}移一列",
    "table_shift": "将全表数值{way}移一列",
    "row_offset_up": "将“{row}”行起的数值上移一行",
    "row_offset_down": "将“{row}”行起的数值下移一行",
    "row_swap": "互换“{row}”两行",
}


def _t3_pattern(table: Table) -> list[Evidence]:
    """Identity failures that read as a misreading rather than as the report's own errors."""
    from reviewer.describe import row_label

    values = values_of(table)
    failures = t3_failures_of(values)
    if len(failures) < 2:
        return []
    # a move back explains the failures: every identity holds after it, or all but what one wrong cell explains
    # (a report may have its own slip too)
    repaired = sorted(
        (r for r in t3_repairs(values) if len(failures) - len(r[2]) >= 2 and min_wrong_cells(r[2]) <= 1),
        key=lambda r: len(r[2]),
    )
    if repaired:
        kind, where, _ = repaired[0]
        if kind == "row_shift":
            row, d = where.split(":")
            text = _REPAIR_TEXT[kind].format(row=row_label("t3", row), way="左" if int(d) > 0 else "右")
        elif kind == "table_shift":
            text = _REPAIR_TEXT[kind].format(way="左" if int(where) > 0 else "右")
        elif kind == "row_swap":
            a, b = where.split("/")
            text = _REPAIR_TEXT[kind].format(row=f"{row_label('t3', a)}”与“{row_label('t3', b)}")
        else:
            text = _REPAIR_TEXT[kind].format(row=row_label("t3", where))
        left = len(repaired[0][2])
        return [
            Evidence(
                kind="identity_pattern",
                message=f"{len(failures)} 项勾稽关系不成立，但{text}后"
                + ("全部成立" if not left else f"只剩 {left} 项不成立")
                + "：更可能是表格提取错位，而非报告填报错误",
                where=[f"t3.{where.split(':')[0].split('/')[0]}" if kind != "table_shift" else "t3"],
            )
        ]
    needed = min_wrong_cells(failures)
    if needed > MAX_EXPLAINED_CELLS:
        return [
            Evidence(
                kind="identity_pattern",
                message=f"{len(failures)} 项勾稽关系不成立，至少需要 {needed} 个单元格有误才能解释，不像个别填报错误，更可能是表格提取有误",
                where=["t3"],
            )
        ]
    return []


# ------------------------------------------------------------------------------------------------ table 4
def _t4_pattern(table: Table) -> list[Evidence]:
    """Table-4 failures that a reading one column off explains: two or more blocks, or one block when the cell the
    move leaves empty prints nothing."""
    values = values_of(table)
    failing = t4_failing_blocks(values)
    if not failing:
        return []
    blocks = [b for b, _ in T4_BLOCKS]
    # undoing a reading one column too far right (d = 1) empties the first cell, one too far left the last one
    edge_blank = {
        1: table.rows[blocks[0]]["upheld"].kind == "blank",
        -1: table.rows[blocks[-1]]["total"].kind == "blank",
    }
    if len(failing) < 2 and not any(edge_blank.values()):
        return []
    flat = [values[b].get(c, 0) for b, _ in T4_BLOCKS for c in T4_COLUMN_KEYS]
    for d, name in ((1, "左"), (-1, "右")):
        if (flat[0] if d > 0 else flat[-1]) != 0:
            continue  # the move would drop a printed value
        moved = flat[1:] + [0] if d > 0 else [0] + flat[:-1]
        trial = {b: dict(zip(T4_COLUMN_KEYS, moved[i * 5 : i * 5 + 5])) for i, (b, _) in enumerate(T4_BLOCKS)}
        last = list(trial)[-1 if d > 0 else 0]
        trial[last]["total" if d > 0 else "upheld"] = (
            sum(trial[last][c] for c in T4_COLUMN_KEYS[:4])
            if d > 0
            else trial[last]["total"] - sum(trial[last][c] for c in T4_COLUMN_KEYS[1:4])
        )
        if not t4_failing_blocks(trial) and (len(failing) >= 2 or edge_blank[d]):
            return [
                Evidence(
                    kind="identity_pattern",
                    message=f"表四 {len(failing)} 块总计不成立，但将数值{name}移一列后全部成立：更可能是表格提取错位",
                    where=["t4"],
                )
            ]
    if len(failing) == 3:
        return [
            Evidence(
                kind="identity_pattern", message="表四三块的总计都不等于各项之和，更可能是表格提取有误", where=["t4"]
            )
        ]
    return []
