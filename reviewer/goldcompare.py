"""Compare parsed tables with hand-read gold annotations (shape of shared/corpus/gold/README.md).

Used by the tests and by the parse eval suite. A cell agrees when the parsed value equals the gold value
exactly (numbers compared numerically, ``None`` for blank, token strings verbatim). A table that gold records as
``null`` (not given as text) counts as one unit that agrees when the parser also reports it not assessable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class CellComparison:
    """Totals of a comparison: ``agree``/``total`` cells, and the list of disagreements as (path, gold, got)."""

    agree: int = 0
    total: int = 0
    mismatches: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.agree / self.total if self.total else 1.0

    def add(self, other: CellComparison) -> None:
        self.agree += other.agree
        self.total += other.total
        self.mismatches.extend(other.mismatches)


def _same(gold: Any, got: Any) -> bool:
    if gold is None or got is None:
        return gold is None and got is None
    if isinstance(gold, (int, float)) and isinstance(got, (int, float)) and not isinstance(gold, bool):
        return abs(float(gold) - float(got)) < 1e-6
    return gold == got


def compare_tables(gold: dict[str, Any], parsed: dict[str, Any]) -> CellComparison:
    """Compare ``t2``/``t3``/``t4`` of a gold record with a ``reviewer parse`` view (same shape)."""
    result = CellComparison()
    for table in ("t2", "t3", "t4"):
        g = gold.get(table)
        p = parsed.get(table)
        if g is None:
            result.total += 1
            if p is None:
                result.agree += 1
            else:
                result.mismatches.append((table, None, "parsed"))
            continue
        for row, cols in g.items():
            for col, gv in cols.items():
                pv = (p or {}).get(row, {}).get(col, "<missing>") if p is not None else "<no table>"
                result.total += 1
                if pv != "<missing>" and pv != "<no table>" and _same(gv, pv):
                    result.agree += 1
                else:
                    result.mismatches.append((f"{table}.{row}.{col}", gv, pv))
    return result


def gold_path_for(report: Path, gold_dir: Path) -> Path:
    """Gold file of a report: ``X.pdf.txt`` and ``X.pdf`` -> ``X.json``; ``X.md``/``X.txt`` -> ``X.json``."""
    name = report.name
    for suffix in (".pdf.txt", ".pdf", ".txt", ".md", ".html", ".docx"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return gold_dir / f"{name}.json"


def load_gold(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
