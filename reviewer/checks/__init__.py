"""Checks: :class:`~reviewer.models.AnnualReport` (+ narrative figures) -> list of :class:`~reviewer.models.Finding`.

Importing this package registers every rule module in :data:`reviewer.checks.registry.RULES`.
"""

from __future__ import annotations

from reviewer.checks import arithmetic, cells, crosssection, extraction, plausibility, quality, structure  # noqa: F401  (registers rules)
from reviewer.checks.registry import RULES, Context, Rule
from reviewer.models import AnnualReport, Finding, NarrativeFigure, Severity

__all__ = ["RULES", "Context", "Rule", "run_checks", "severity_at_least"]


def run_checks(
    report: AnnualReport,
    figures: list[NarrativeFigure] | None = None,
    only: set[str] | None = None,
    context: Context | None = None,
) -> list[Finding]:
    """Run every registered rule (or those in ``only``) and return findings sorted by severity, then rule ID.

    ``context``: a :class:`Context` for this report and these figures to run in (its cache -- comparisons, table
    identities -- can then be reused by the caller); a new one by default.

    A rule that raises is a bug in reviewer, not in the report: it is reported as an ``info`` finding with rule ID
    ``INTERNAL-ERROR`` naming the rule, so one broken rule never hides the others.

    Findings that rest on a ``doubtful`` table or an ambiguous cell are demoted to ``info`` with category
    ``extraction`` (:func:`reviewer.checks.extraction.demote`); report findings come first in the list.
    """
    ctx = context if context is not None else Context(report=report, figures=list(figures or []))
    findings: list[Finding] = []
    if not report.is_report:
        # not an annual report at all: say so once instead of listing every missing part
        only = {"STR-SECTIONS-PRESENT"} if only is None else only & {"STR-SECTIONS-PRESENT"}
    try:
        extraction.finalise(ctx)  # each table's extraction state is complete before any rule reads the table
    except Exception as exc:  # noqa: BLE001 - a bug here must not hide the rules
        findings.append(
            Finding(
                rule="INTERNAL-ERROR",
                severity=Severity.info,
                message=f"提取状态判断出错：{type(exc).__name__}: {exc}",
                where="extraction",
            )
        )
    for rule_id, rule in RULES.items():
        if only is not None and rule_id not in only:
            continue
        try:
            findings.extend(rule.func(ctx))
        except Exception as exc:  # noqa: BLE001 - isolate rule bugs, keep the others
            findings.append(
                Finding(
                    rule="INTERNAL-ERROR",
                    severity=Severity.info,
                    message=f"规则 {rule_id} 运行出错：{type(exc).__name__}: {exc}",
                    where=rule_id,
                )
            )
    extraction.demote(findings, ctx)  # a misread table is an extraction issue, never an error of the office
    order = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}
    findings.sort(key=lambda f: (f.category != "report", order[f.severity], f.rule))
    return findings


def severity_at_least(findings: list[Finding], threshold: str) -> bool:
    """True when any finding is at or above ``threshold`` (``info``/``warning``/``error``; ``never`` is False)."""
    if threshold == "never":
        return False
    rank = Severity(threshold).rank
    return any(f.severity.rank >= rank for f in findings)
