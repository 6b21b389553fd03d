"""Extraction suite: a misread table is known to be misread (issue 11).

Parse failures are injected into readings that are right (every table-3/4 cell of the source agrees with its gold),
the way a reader goes wrong -- and the review must say *doubtful* instead of listing errors:

* ``row_shift``: one row's values read one column off (right or left; the value pushed off the edge is lost);
* ``table_shift``: every row read one column off;
* ``rows_down``: a row's cells assigned to the next row, and so on down the table (the row itself reads blank, the
  last row's cells are lost); ``rows_up``: a row's cells assigned to the row above, and so on;
* ``t4_shift``: the fifteen table-4 values read one column off;
* ``html_cell_dropped``: one value cell removed from a table-3 row of an HTML source (the row's later cells move
  one column left), read from the file.

A misreading that leaves every identity of the table holding (moving rows of zeros, swapping two consistent rows)
leaves no trace any reader could see; those cases are counted and not scored.

Metrics: share of scored cases whose table ends ``doubtful`` (threshold ``min_misreads_doubtful``, issue: >= 0.95);
``error`` findings of the report category resting on an injected misreading (``max_misread_errors``, target 0).
"""

from __future__ import annotations

import copy
import random
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

from evals.common import FIXTURES, SuiteResult, corpus_reports, gold_for, manifest, ratio, require_shared

SUITE = "extraction"
SEED = 20261208
PER_KIND = 4


def _sources(shared: Path) -> list[tuple[Path, dict]]:
    out = []
    for name, entry in sorted(manifest().items()):
        if entry.get("is_report") and entry.get("tables") and entry["tables"].get("t3") and (FIXTURES / name).is_file():
            out.append((FIXTURES / name, entry["tables"]))
    for path in corpus_reports(shared):
        gold = gold_for(path, shared)
        if gold and gold.get("t3"):
            out.append((path, gold))
    return out


def _set_row(table, row: str, cells: list) -> None:
    from reviewer.parse.grid import blank_cell

    keys = list(table.rows[row])
    table.rows[row] = {k: (copy.copy(c) if c is not None else blank_cell()) for k, c in zip(keys, cells)}


def _shift(cells: list, d: int) -> list:
    return ([None] + cells[:-1]) if d > 0 else (cells[1:] + [None])


def misreads(report, rng: random.Random) -> list[tuple[str, str, Any]]:
    """``(kind, description, misread report)`` cases for one correctly read report."""
    out = []
    t3 = report.t3
    rows = list(t3.rows)
    nonzero = [r for r in rows if any(c.num() for c in t3.rows[r].values())]

    def variant(kind: str, note: str, edit) -> None:
        r = report.model_copy(deep=True)
        edit(r)
        out.append((kind, note, r))

    for row in rng.sample(nonzero, min(PER_KIND, len(nonzero))):
        d = rng.choice([1, -1])
        variant(
            "row_shift",
            f"t3.{row} read {'right' if d > 0 else 'left'} by one column",
            lambda r, row=row, d=d: _set_row(r.t3, row, _shift(list(r.t3.rows[row].values()), d)),
        )
    d = rng.choice([1, -1])
    variant(
        "table_shift",
        f"t3 every row read {'right' if d > 0 else 'left'} by one column",
        lambda r, d=d: [_set_row(r.t3, row, _shift(list(r.t3.rows[row].values()), d)) for row in rows],
    )
    for k in rng.sample(range(len(rows) - 1), min(PER_KIND, len(rows) - 1)):

        def down(r, k=k):
            old = [list(r.t3.rows[x].values()) for x in rows]
            for i in range(len(rows) - 1, k, -1):
                _set_row(r.t3, rows[i], old[i - 1])
            _set_row(r.t3, rows[k], [None] * 7)

        def up(r, k=k):
            old = [list(r.t3.rows[x].values()) for x in rows]
            for i in range(k, len(rows) - 1):
                _set_row(r.t3, rows[i], old[i + 1])
            _set_row(r.t3, rows[-1], [None] * 7)

        variant("rows_down", f"t3 rows from {rows[k]} read one row down", down)
        variant("rows_up", f"t3 rows from {rows[k]} read one row up", up)
    if report.t4.ok and any(c.num() for cols in report.t4.rows.values() for c in cols.values()):
        for d in (1, -1):

            def t4(r, d=d):
                flat = [c for cols in r.t4.rows.values() for c in cols.values()]
                moved = _shift(flat, d)
                for b, block in enumerate(list(r.t4.rows)):
                    _set_row(r.t4, block, moved[b * 5 : b * 5 + 5])

            variant("t4_shift", f"t4 read {'right' if d > 0 else 'left'} by one column", t4)
    return out


def _html_drops(path: Path, rng: random.Random) -> list[tuple[str, str, bytes]]:
    """HTML sources: one value cell removed from a table-3 data row (the cells after it move one column left)."""
    text = path.read_text(encoding="utf-8")
    rows = [
        m
        for m in re.finditer(r"<tr>(?:(?!</tr>).)*?(?:予以公开|不掌握|总计|本年新收)(?:(?!</tr>).)*?</tr>", text, re.S)
    ]
    out = []
    for m in rng.sample(rows, min(PER_KIND, len(rows))):
        tds = list(re.finditer(r"<td\b(?:(?!</td>).)*?</td>", m.group(0), re.S))
        values = [t for t in tds if re.search(r">\s*(?:<[^>]+>\s*)*\d", t.group(0))]
        if not values:
            continue
        t = rng.choice(values)
        a, b = m.start() + t.start(), m.start() + t.end()
        out.append(
            (
                "html_cell_dropped",
                f"a value cell of a table-3 row removed at offset {a}",
                (text[:a] + text[b:]).encode("utf-8"),
            )
        )
    return out


def run(**_: Any) -> SuiteResult:
    shared = require_shared()
    from reviewer.checks import run_checks
    from reviewer.goldcompare import compare_tables
    from reviewer.identities import t3_failures_of, t4_failing_blocks, values_of
    from reviewer.ingest import document_from_bytes
    from reviewer.parse import parse_document
    from reviewer.parse.confidence import assess
    from reviewer.pipeline import narrative_figures, parse_file

    result = SuiteResult(SUITE)
    t0 = time.perf_counter()
    rng = random.Random(SEED)
    scored: Counter[str] = Counter()
    doubtful: Counter[str] = Counter()
    silent: Counter[str] = Counter()
    errors: list[str] = []
    missed: list[str] = []
    on_doubt = 0
    sources = 0
    for path, gold in _sources(shared):
        report = parse_file(path)
        if not report.t3.ok:
            continue
        cmp = compare_tables(
            {"t3": gold.get("t3"), "t4": gold.get("t4")}, {"t3": report.t3.gold(), "t4": report.t4.gold()}
        )
        if cmp.mismatches or report.t3.state == "doubtful":
            continue  # only a reading that is right can be misread on purpose
        sources += 1
        cases = [(k, n, r) for k, n, r in misreads(report, rng)]
        if path.suffix == ".html":
            for kind, note, data in _html_drops(path, rng):
                cases.append((kind, note, parse_document(document_from_bytes(data, str(path)))))
        for kind, note, misread in cases:
            name = "t4" if kind == "t4_shift" else "t3"
            table = getattr(misread, name)
            if not table.ok:
                continue
            if kind != "html_cell_dropped":
                table.evidence = []
                table.notes = [n for n in table.notes if not n.startswith(("unreadable:", "short:"))]
                assess(table)
            holds = not (t4_failing_blocks(values_of(table)) if name == "t4" else t3_failures_of(values_of(table)))
            if holds and table.state != "doubtful":
                silent[kind] += 1
                continue
            scored[kind] += 1
            findings = run_checks(misread, narrative_figures(misread))
            errs = [
                f
                for f in findings
                if f.category == "report" and f.severity.value == "error" and f.where.startswith(name)
            ]
            if table.doubtful:
                on_doubt += len(errs)
            if table.doubtful and not errs:
                doubtful[kind] += 1
            else:
                missed.append(f"{path.name}: {note} -> {table.state}, {len(errs)} errors")
            errors += [f"{path.name}: {note}: {f.rule} {f.where}" for f in errs]
    result.seconds = time.perf_counter() - t0
    total = sum(scored.values())
    result.add("sources read right", sources, "min_misread_sources")
    result.add(
        "misreads doubtful (all kinds)",
        ratio(sum(doubtful.values()), total),
        "min_misreads_doubtful",
        detail=f"{sum(doubtful.values())}/{total} scored cases; {sum(silent.values())} left every identity holding (not scored)"
        + (f"; not doubtful e.g. {'; '.join(missed[:3])}" if missed else ""),
    )
    for kind in sorted(set(scored) | set(silent)):
        result.add(
            f"misreads doubtful [{kind}]",
            ratio(doubtful[kind], scored[kind]),
            detail=f"{doubtful[kind]}/{scored[kind]} scored, {silent[kind]} silent",
        )
    result.add(
        "error findings on misread tables",
        len(errors),
        "max_misread_errors",
        detail="from the misreadings not found doubtful; " + "; ".join(errors[:3]),
    )
    result.add(
        "error findings on doubtful tables",
        on_doubt,
        "max_errors_on_doubtful",
        detail="a doubtful table's findings are extraction issues",
    )
    result.details = {"missed": missed, "errors": errors, "scored": dict(scored), "silent": dict(silent)}
    return result
