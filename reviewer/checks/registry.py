"""Rule registry: one rule = one small documented function registered under its rulebook ID.

A rule function takes a :class:`Context` and yields :class:`~reviewer.models.Finding` objects. The registry keeps
the rule's default severity and its source (rulebook section); a finding may carry a lower severity than the
default when the rule text says so (e.g. "warning if ambiguous").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from reviewer.models import AnnualReport, Finding, NarrativeFigure, Severity


@dataclass
class Context:
    """What a rule may read: the parsed report and the narrative figures extracted from it."""

    report: AnnualReport
    figures: list[NarrativeFigure] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)

    def t3(self, row: str, col: str = "total") -> int | float | None:
        """Table-3 value with blank/tokens read as 0; None when table 3 is not assessable or the cell is absent."""
        if not self.report.t3.ok:
            return None
        cell = self.report.t3.cell(row, col)
        return None if cell is None else cell.num()

    def printed(self, table: str, row: str, col: str) -> int | float | None:
        """A printed number, or None when the table is not assessable or the cell is blank or a token."""
        t = getattr(self.report, table)
        cell = t.cell(row, col) if t.ok else None
        return cell.value if cell is not None and cell.kind == "number" else None

    def t3_group(self, prefix: str, col: str = "total") -> int | float | None:
        """Sum of the table-3 rows whose key starts with ``prefix`` (e.g. ``denied_``)."""
        if not self.report.t3.ok:
            return None
        rows = [r for r in self.report.t3.rows if r.startswith(prefix)]
        if not rows:
            return None
        return sum(self.report.t3.rows[r][col].num() for r in rows)

    def t4(self, block: str, col: str = "total") -> int | float | None:
        if not self.report.t4.ok:
            return None
        cell = self.report.t4.cell(block, col)
        return None if cell is None else cell.num()

    def metric(self, metric: str) -> int | float | None:
        """Evaluate a gold-syntax metric (``t3.x.total``, ``a+b``, ``t3.denied_*.total``) on the tables."""
        total: float = 0
        for part in metric.split("+"):
            table, row, col = (part.split(".") + ["", ""])[:3]
            if table == "t3":
                value = self.t3_group(row[:-1], col) if row.endswith("*") else self.printed("t3", row, col)
            elif table == "t4":
                value = self.printed("t4", row, col)
            elif table == "t2":
                t2 = self.report.t2
                cell = t2.cell(row, col) if t2.ok else None
                value = None if cell is None or cell.kind != "number" else cell.value
            else:
                value = None
            if value is None:
                return None
            total += value
        return int(total) if float(total).is_integer() else total


RuleFunc = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A registered rule: ID (rulebook), default severity, one-line title, source reference, function."""

    id: str
    severity: Severity
    title: str
    source: str
    func: RuleFunc


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, title: str, source: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register ``func`` under ``rule_id`` (raises ValueError on a duplicate ID)."""

    def deco(func: RuleFunc) -> RuleFunc:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        RULES[rule_id] = Rule(rule_id, Severity(severity), title, source, func)
        return func

    return deco


def finding(
    rule_id: str,
    message: str,
    *,
    severity: str | None = None,
    where: str = "",
    figures: dict[str, Any] | None = None,
    lines: list[int | None] | None = None,
    quotes: list[str] | None = None,
) -> Finding:
    """Build a finding for a registered rule (severity defaults to the rule's)."""
    sev = Severity(severity) if severity else RULES[rule_id].severity
    return Finding(
        rule=rule_id,
        severity=sev,
        message=message,
        where=where,
        figures=figures or {},
        lines=sorted({ln for ln in (lines or []) if ln}),
        quotes=quotes or [],
    )
