"""Plausibility red flags on one report (rulebook C.4): PL-*. Thresholds are the rulebook's starting points."""

from __future__ import annotations

from collections.abc import Iterator

from reviewer.checks.registry import Context, finding, rule
from reviewer.describe import fmt_number
from reviewer.models import Finding
from reviewer.template import T3_COLUMN_KEYS, T3_COLUMNS

COL_NAME = dict(T3_COLUMNS)


def _pct(a: float, b: float) -> str:
    return f"{a / b:.1%}" if b else "—"


@rule("PL-OTHER-HANDLING", "warning", "“其他处理”比例过高", "rulebook C.4 [V]")
def other_handling(ctx: Context) -> Iterator[Finding]:
    """（六）3.其他 (FMT-2019: 其他处理) > 10 % of （七）总计 or > 5 cases: meant for very rare special cases."""
    row = "other_other" if ctx.t3("other_other") is not None else "other_handling"
    other, total = ctx.t3(row), ctx.t3("total_processed")
    if other is None or total is None or other == 0:
        return
    if other > 5 or (total and other / total > 0.10):
        yield finding(
            "PL-OTHER-HANDLING",
            f"“其他”处理 {other} 件，占办理总数 {total} 件的 {_pct(other, total)}。",
            where=f"t3.{row}.total",
            figures={"other": other, "total_processed": total},
            lines=[ctx.report.t3.rows[row]["total"].line],
        )


@rule("PL-DENIAL-SHARE", "warning", "不予公开比例过高", "rulebook C.4 [K]")
def denial_share(ctx: Context) -> Iterator[Finding]:
    """Σ 不予公开 (R05..R12) / （七）总计 > 30 %."""
    denied, total = ctx.t3_group("denied_"), ctx.t3("total_processed")
    if denied and total and denied / total > 0.30:
        yield finding(
            "PL-DENIAL-SHARE",
            f"不予公开 {denied} 件，占办理总数 {total} 件的 {_pct(denied, total)}（阈值 30%）。",
            where="t3.denied_*.total",
            figures={"denied": denied, "total_processed": total},
        )


@rule("PL-NOINFO-SHARE", "info", "“不掌握相关信息”比例过高", "rulebook C.4 [K]")
def noinfo_share(ctx: Context) -> Iterator[Finding]:
    """本机关不掌握相关政府信息 / （七）总计 > 50 %."""
    held, total = ctx.t3("unable_not_held"), ctx.t3("total_processed")
    if held and total and held / total > 0.50:
        yield finding(
            "PL-NOINFO-SHARE",
            f"“本机关不掌握”{held} 件，占办理总数的 {_pct(held, total)}（阈值 50%）。",
            where="t3.unable_not_held.total",
            figures={"not_held": held, "total_processed": total},
        )


@rule("PL-NOTPROCESSED-SHARE", "info", "不予处理比例过高", "rulebook C.4 [K]")
def notprocessed_share(ctx: Context) -> Iterator[Finding]:
    """Σ 不予处理 (R16..R20) / （七）总计 > 30 %."""
    n, total = ctx.t3_group("not_processed_"), ctx.t3("total_processed")
    if n and total and n / total > 0.30:
        yield finding(
            "PL-NOTPROCESSED-SHARE",
            f"不予处理 {n} 件，占办理总数的 {_pct(n, total)}（阈值 30%）。",
            where="t3.not_processed_*.total",
            figures={"not_processed": n, "total_processed": total},
        )


@rule("PL-CARRY-FORWARD", "warning", "结转下年度积压", "rulebook C.4 [K]")
def carry_forward(ctx: Context) -> Iterator[Finding]:
    """R25 > R01, or R25 / (R01 + R02) > 30 %: a backlog risks the 20(+20) working-day limit."""
    cf, new, co = ctx.t3("carried_forward"), ctx.t3("new_received"), ctx.t3("carried_over")
    if cf is None or new is None or co is None or cf == 0:
        return
    if cf > new or (new + co and cf / (new + co) > 0.30):
        yield finding(
            "PL-CARRY-FORWARD",
            f"结转下年度 {cf} 件，占本年新收与上年结转之和 {new + co} 件的 {_pct(cf, new + co)}。",
            where="t3.carried_forward.total",
            figures={"carried_forward": cf, "new_received": new, "carried_over": co},
        )


@rule("PL-CARRY-IMPOSSIBLE", "error", "结转下年度不超过在办总数", "rulebook C.4 [K]")
def carry_impossible(ctx: Context) -> Iterator[Finding]:
    """R25 > R01 + R02 in any column: more carried forward than was open."""
    if not ctx.report.t3.ok:
        return
    for c in T3_COLUMN_KEYS:
        cf, new, co = ctx.t3("carried_forward", c), ctx.t3("new_received", c), ctx.t3("carried_over", c)
        if cf is not None and new is not None and co is not None and cf > new + co:
            yield finding(
                "PL-CARRY-IMPOSSIBLE",
                f"表三“{COL_NAME[c]}”列结转下年度 {cf} 件，超过本年新收与上年结转之和 {new + co} 件。",
                where=f"t3.carried_forward.{c}",
                figures={"carried_forward": cf, "open": new + co},
                lines=[ctx.report.t3.rows["carried_forward"][c].line],
            )


@rule("PL-ZERO-WITH-NARRATIVE", "error", "表格为零而正文称有申请/案件", "rulebook C.4 [K]")
def zero_with_narrative(ctx: Context) -> Iterator[Finding]:
    """Table 3 (or 4) all zero while the narrative states applications (or reconsideration/litigation cases)."""
    r = ctx.report
    if r.t3.ok and all(cell.num() == 0 for cols in r.t3.rows.values() for cell in cols.values()):
        claims = [f for f in ctx.figures if f.metric.startswith("t3.") and f.value > 0]
        if claims:
            f = claims[0]
            yield finding(
                "PL-ZERO-WITH-NARRATIVE",
                f"表三全部为零，但正文称“{f.quote}”。",
                where="t3",
                figures={"narrative": f.value},
                lines=[f.line],
                quotes=[f.quote],
            )
    if r.t4.ok and all(cell.num() == 0 for cols in r.t4.rows.values() for cell in cols.values()):
        claims = [f for f in ctx.figures if f.metric.startswith("t4.") and f.value > 0]
        if claims:
            f = claims[0]
            yield finding(
                "PL-ZERO-WITH-NARRATIVE",
                f"表四全部为零，但正文称“{f.quote}”。",
                where="t4",
                figures={"narrative": f.value},
                lines=[f.line],
                quotes=[f.quote],
            )


@rule("PL-COLUMN-PROFILE", "info", "申请人分布与正文不符", "rulebook C.4 [K]")
def column_profile(ctx: Context) -> Iterator[Finding]:
    """All applications under 自然人 (or only in 总计) while the text names companies or lawyers as applicants."""
    new = ctx.t3("new_received")
    if not new:
        return
    orgs = sum(ctx.t3("new_received", c) or 0 for c in T3_COLUMN_KEYS[1:6])
    text = "".join(ln.text for ln in ctx.report.lines)
    if orgs == 0 and any(k in text for k in ("企业申请", "律师事务所申请", "法人或其他组织申请", "律师申请")):
        yield finding(
            "PL-COLUMN-PROFILE",
            "表三新收申请全部记在自然人栏，但正文提到企业或律师等法人/组织申请人。",
            where="t3.new_received",
            figures={"organisation_applications": 0},
        )


@rule("PL-T2-RULES", "warning", "无规章制定权机关填报规章", "rulebook C.4; 立法法 [K]")
def t2_rules(ctx: Context) -> Iterator[Finding]:
    """规章 non-zero for an organ without rule-making power (county-level bodies, townships)."""
    r = ctx.report
    if not r.t2.ok or not r.office:
        return
    cell = r.t2.cell("rules", "issued") or r.t2.cell("rules", "new_made")
    county = (
        any(k in r.office for k in ("县", "街道", "镇", "乡"))
        or (r.office.endswith("区") or "区人民政府" in r.office)
        and "市" not in r.office
    )
    if cell is not None and cell.kind == "number" and cell.num() > 0 and county:
        yield finding(
            "PL-T2-RULES",
            f"{r.office}为县级及以下机关，无规章制定权，表二却填报制发规章 {cell.value} 件。",
            where="t2.rules",
            figures={"rules_issued": cell.value},
            lines=[cell.line],
        )


@rule("PL-T4-CORRECTION", "info", "复议诉讼纠错比例高或未结案件多", "rulebook C.4 [K]")
def t4_correction(ctx: Context) -> Iterator[Finding]:
    """结果纠正 share high (> 20 % of a block total) or 尚未审结 more than half of a block total."""
    if not ctx.report.t4.ok:
        return
    for block, name in (
        ("reconsideration", "行政复议"),
        ("litigation_direct", "直接起诉"),
        ("litigation_after_review", "复议后起诉"),
    ):
        total, corrected, pending = ctx.t4(block), ctx.t4(block, "corrected"), ctx.t4(block, "pending")
        if not total:
            continue
        if corrected and corrected / total > 0.20:
            yield finding(
                "PL-T4-CORRECTION",
                f"{name}结果纠正 {corrected} 件，占 {total} 件的 {_pct(corrected, total)}。",
                where=f"t4.{block}.corrected",
                figures={"corrected": corrected, "total": total},
            )
        if pending and total >= 4 and pending / total > 0.5:
            yield finding(
                "PL-T4-CORRECTION",
                f"{name}尚未审结 {pending} 件，超过总数 {total} 件的一半。",
                where=f"t4.{block}.pending",
                figures={"pending": pending, "total": total},
            )


@rule("PL-T4-AFTER-REVIEW", "info", "复议后起诉而当年无复议", "rulebook C.4 [K]")
def t4_after_review(ctx: Context) -> Iterator[Finding]:
    """复议后起诉 > 0 while 行政复议 总计 = 0 (possible when the reconsideration was last year; ask for a note)."""
    after, recon = ctx.t4("litigation_after_review"), ctx.t4("reconsideration")
    if after and recon == 0:
        yield finding(
            "PL-T4-AFTER-REVIEW",
            f"复议后起诉 {after} 件，而本年行政复议总计为 0，请说明是否为上年复议案件。",
            where="t4.litigation_after_review.total",
            figures={"after_review": after, "reconsideration": recon},
        )


_ENFORCEMENT_BODIES = (
    "市场监督管理局",
    "生态环境局",
    "交通运输局",
    "城市管理",
    "综合行政执法",
    "应急管理局",
    "自然资源",
    "公安局",
    "卫生健康委",
    "卫生健康局",
    "农业农村局",
    "税务局",
)


@rule("PL-T2-ACTIVITY", "info", "执法机关许可处罚均为零", "rulebook C.4 [K]")
def t2_activity(ctx: Context) -> Iterator[Finding]:
    """A licensing/penalty/enforcement body (named by its office) reporting 0 permits and 0 penalties."""
    r = ctx.report
    if not r.t2.ok or not any(k in r.office for k in _ENFORCEMENT_BODIES):
        return
    lic = r.t2.cell("licensing", "decisions")
    pen = r.t2.cell("penalty", "decisions")
    if lic is not None and pen is not None and lic.kind == pen.kind == "number" and lic.num() == 0 and pen.num() == 0:
        yield finding(
            "PL-T2-ACTIVITY",
            f"{r.office}为执法机关，表二行政许可与行政处罚决定均为 0，请核实。",
            where="t2",
            figures={"licensing": 0, "penalty": 0},
            lines=[lic.line, pen.line],
        )


@rule("PL-LITIGATION-COUNTING", "info", "复议机关诉讼计数口径", "rulebook C.4; 国办公开办函〔2016〕201号 [V]")
def litigation_counting(ctx: Context) -> Iterator[Finding]:
    """An organ that mostly acts as a reconsideration body (人民政府, 司法局) reporting many lawsuits: check that
    co-defendant cases were not counted (they count only for the original acting organ)."""
    r = ctx.report
    if not r.t4.ok or not (r.office_level == "government" or "司法局" in r.office):
        return
    lit = (ctx.t4("litigation_direct") or 0) + (ctx.t4("litigation_after_review") or 0)
    after = ctx.t4("litigation_after_review") or 0
    if lit >= 10 and after > lit / 2:
        yield finding(
            "PL-LITIGATION-COUNTING",
            f"复议后起诉 {fmt_number(after)} 件占行政诉讼 {fmt_number(lit)} 件的一半以上，请确认未将作为复议机关的共同被告案件计入。",
            where="t4.litigation_after_review.total",
            figures={"after_review": after, "litigation": lit},
        )
