"""Narrative versus tables, and fees (rulebook B, XS-*): every comparison is computed here, in code.

:func:`compare_figures` pairs each narrative figure with the table value of its metric and, on a mismatch, looks
for the combination of cells that the narrative figure does match (e.g. 新收 + 上年结转), and for a scope
difference (本机关 vs 全区 aggregate). XS rules and the memo both read these comparisons.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from reviewer.checks.registry import Context, finding, rule
from reviewer.describe import fmt_number, row_label
from reviewer.models import Finding, NarrativeFigure
from reviewer.template import T3_APPLICANT_KEYS

_METRIC_NAME = {
    "new_received": "本年新收",
    "carried_over": "上年结转",
    "total_processed": "（七）总计（办结）",
    "carried_forward": "结转下年度",
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "denied_*": "不予公开",
    "unable_*": "无法提供",
    "not_processed_*": "不予处理",
    "other_*": "其他处理",
    "reconsideration": "行政复议",
    "litigation_direct": "直接起诉",
    "litigation_after_review": "复议后起诉",
}
_TABLE_NAME = {"t2": "表二", "t3": "表三", "t4": "表四"}
#: Alternative readings tried when a narrative figure disagrees with its table-3 metric (same column).
_T3_ALTERNATIVES = (
    ("new_received+carried_over", "本年新收 + 上年结转"),
    ("total_processed", "（七）总计"),
    ("new_received", "本年新收"),
    ("total_processed+carried_forward", "（七）总计 + 结转下年度"),
    ("carried_over", "上年结转"),
    ("carried_forward", "结转下年度"),
)


def metric_label(metric: str) -> str:
    """Chinese name of a gold-syntax metric, e.g. ``t3.new_received.total`` -> ``表三 本年新收``."""
    from reviewer.describe import column_label

    parts = []
    for part in metric.split("+"):
        bits = part.split(".")
        if len(bits) == 3:
            table, row, col = bits
            name = _METRIC_NAME.get(row) or row_label(table, row)
            table_name = _TABLE_NAME.get(table, table)
            suffix = "" if col == "total" and table != "t2" else f"·{column_label(table, col)}"
            parts.append(f"{table_name} {name}{suffix}")
        else:
            parts.append(part)
    return " + ".join(parts)


@dataclass
class Comparison:
    """A narrative figure against the tables: ``table_value`` None when the cell cannot be read."""

    figure: NarrativeFigure
    table_value: float | None
    agrees: bool
    explained_by: str = ""
    scope_note: str = ""


def compare_figures(ctx: Context) -> list[Comparison]:
    """Compare every ``t2./t3./t4.`` narrative figure with the tables (cached on the context)."""
    if "comparisons" in ctx.cache:
        return ctx.cache["comparisons"]
    out: list[Comparison] = []
    for f in ctx.figures:
        if not f.metric.startswith(("t2.", "t3.", "t4.")):
            continue
        value = ctx.metric(f.metric)
        if value is None:
            out.append(Comparison(f, None, False))
            continue
        agrees = abs(value - f.value) < 1e-6
        comp = Comparison(f, value, agrees)
        if not agrees and f.metric.startswith("t3."):
            col = f.metric.split("+")[0].split(".")[-1]
            for alt, name in _T3_ALTERNATIVES:
                metric = "+".join(f"t3.{p}.{col}" for p in alt.split("+"))
                alt_value = ctx.metric(metric)
                if alt_value is not None and abs(alt_value - f.value) < 1e-6 and metric != f.metric:
                    comp.explained_by = name
                    break
        if not agrees:
            level = ctx.report.office_level
            if f.scope == "organ" and level == "government":
                comp.scope_note = "正文数字限于本机关（如政府办），表格可能汇总了更多单位"
            elif f.scope == "aggregate" and level not in ("government", ""):
                comp.scope_note = "正文数字为全地区汇总口径，表格为本机关口径"
        out.append(comp)
    ctx.cache["comparisons"] = out
    return out


def _narr_finding(rule_id: str, c: Comparison, default_severity: str) -> Finding:
    f = c.figure
    value = c.table_value
    msg = f"正文“{f.quote}”称 {fmt_number(f.value)}，{metric_label(f.metric)} 为 {fmt_number(value)}。"
    severity = default_severity
    if c.explained_by:
        msg += f"正文数字与“{c.explained_by}”相符，口径不同（如把上年结转计入本年收到）。"
        severity = "warning"
    if c.scope_note:
        msg += c.scope_note + "。"
        severity = "warning"
    if f.approximate:
        severity = "warning"
    return finding(
        rule_id,
        msg,
        severity=severity,
        where=f.metric,
        figures={"narrative": f.value, "table": value, "metric": f.metric, "matches_instead": c.explained_by or None},
        lines=[f.line],
        quotes=[f.quote],
    )


_SENTENCE_END = re.compile(r"(?<=[。；;])")
_ALL_DONE = re.compile(
    r"(?:所有|全部)(?:申请)?(?:均)?(?:已)?(?:按要求)?(?:办理完成|办结|答复完毕)|均已(?:按要求)?(?:办理完成|办结)"
)


@rule("XS-NARR-T3", "error", "正文申请数字与表三一致", "rulebook B [V]")
def narr_t3(ctx: Context) -> Iterator[Finding]:
    """Narrative request counts (received, carried over, concluded, carried forward, outcomes) = table 3 总计
    column; also a claim that all requests were completed while table 3 carries some forward (warning)."""
    for c in compare_figures(ctx):
        if c.figure.metric.startswith("t3.") and c.table_value is not None and not c.agrees:
            yield _narr_finding("XS-NARR-T3", c, "error")
    cf = ctx.t3("carried_forward") or sum(ctx.t3("carried_forward", c) or 0 for c in T3_APPLICANT_KEYS)
    if cf:
        for ln in ctx.report.lines:
            if "申请" not in ln.text:
                continue
            for sentence in _SENTENCE_END.split(ln.text):
                if "申请" not in sentence or any(w in sentence for w in ("建议", "提案")):
                    continue
                m = _ALL_DONE.search(sentence)
                if m:
                    yield finding(
                        "XS-NARR-T3",
                        f"正文称“{m.group(0)}”，但表三结转下年度继续办理 {fmt_number(cf)} 件。",
                        severity="warning",
                        where="t3.carried_forward.total",
                        figures={"carried_forward": cf},
                        lines=[ln.number],
                        quotes=[m.group(0)],
                    )
                    return


@rule("XS-NARR-T4", "error", "正文复议诉讼数字与表四一致", "rulebook B [K]")
def narr_t4(ctx: Context) -> Iterator[Finding]:
    """Narrative reconsideration/litigation counts = table 4 总计 cells (litigation = direct + after review)."""
    for c in compare_figures(ctx):
        if c.figure.metric.startswith("t4.") and c.table_value is not None and not c.agrees:
            yield _narr_finding("XS-NARR-T4", c, "error")


@rule("XS-NARR-T2", "warning", "正文主动公开数字与表二一致", "rulebook B [K]")
def narr_t2(ctx: Context) -> Iterator[Finding]:
    """Narrative counts of documents issued/repealed/in force, permits, penalties = table 2 (warning: the
    narrative often counts a broader set)."""
    for c in compare_figures(ctx):
        if c.figure.metric.startswith("t2.") and c.table_value is not None and not c.agrees:
            yield _narr_finding("XS-NARR-T2", c, "warning")


@rule("XS-NARR-INTERNAL", "warning", "正文同一指标前后一致", "rulebook B [K]")
def narr_internal(ctx: Context) -> Iterator[Finding]:
    """The same metric stated twice in the narrative has one value."""
    seen: dict[str, NarrativeFigure] = {}
    for f in ctx.figures:
        if f.approximate:
            continue
        prev = seen.get(f.metric)
        if prev is not None and prev.value != f.value and prev.scope == f.scope:
            yield finding(
                "XS-NARR-INTERNAL",
                f"正文对同一指标前后表述不一：“{prev.quote}”（第{prev.line}行）与“{f.quote}”（第{f.line}行）。",
                where=f.metric,
                figures={"first": prev.value, "second": f.value},
                lines=[prev.line, f.line],
                quotes=[prev.quote, f.quote],
            )
        seen.setdefault(f.metric, f)


def fee_figures(ctx: Context) -> dict[str, NarrativeFigure]:
    """Fee statements of section 六: ``collected`` (元), ``notice_count``, ``notice_amount`` (元)."""
    out: dict[str, NarrativeFigure] = {}
    for f in ctx.figures:
        key = {
            "x.fee.collected": "collected",
            "x.fee_notice.count": "notice_count",
            "x.fee_notice.amount": "notice_amount",
        }.get(f.metric)
        if key and key not in out:
            out[key] = f
    return out


@rule("XS-FEE-R22", "warning", "逾期未缴费不再处理的申请与收费通知相符", "rulebook B [K]")
def fee_r22(ctx: Context) -> Iterator[Finding]:
    """If table 3 R22 (逾期未按收费通知缴费) > 0, section 六 must report at least one fee notice."""
    unpaid = ctx.t3("other_unpaid_fee")
    if not unpaid:
        return
    fees = fee_figures(ctx)
    notices = fees.get("notice_count")
    if notices is None or notices.value == 0:
        quote = notices or fees.get("collected")
        yield finding(
            "XS-FEE-R22",
            f"表三“申请人逾期未按收费通知要求缴纳费用”为 {fmt_number(unpaid)} 件，说明发出过收费通知，但第六部分未报告收费通知情况"
            + (f"（仅称“{quote.quote}”）" if quote else "")
            + "。",
            where="t3.other_unpaid_fee.total",
            figures={"unpaid_fee_requests": unpaid, "fee_notices_reported": notices.value if notices else None},
            lines=[ctx.report.t3.rows["other_unpaid_fee"]["total"].line] + ([quote.line] if quote else []),
        )


@rule("XS-FEE-T2", "info", "收取信息处理费与表二收费金额", "rulebook B [V]/[K]")
def fee_t2(ctx: Context) -> Iterator[Finding]:
    """信息处理费 collected > 0 (section 六) while table 2 行政事业性收费 is 0 (compared in 万元)."""
    fees = fee_figures(ctx)
    collected = fees.get("collected")
    t2 = ctx.report.t2
    cell = t2.cell("admin_fees", "amount_wan_yuan") if t2.ok else None
    if collected and collected.value > 0 and cell is not None and cell.kind == "number" and cell.num() == 0:
        yield finding(
            "XS-FEE-T2",
            f"第六部分称收取信息处理费 {fmt_number(collected.value)} 元（{fmt_number(collected.value / 10000)} 万元），表二行政事业性收费为 0。",
            where="t2.admin_fees.amount_wan_yuan",
            figures={"collected_yuan": collected.value, "t2_wan_yuan": 0},
            lines=[collected.line, cell.line],
        )


@rule("XS-FEE-NOTICE-GE-PAID", "warning", "收费通知金额不少于实收金额", "rulebook B [K]")
def fee_notice_ge_paid(ctx: Context) -> Iterator[Finding]:
    """Issued-notice amount ≥ amount collected."""
    fees = fee_figures(ctx)
    amount, collected = fees.get("notice_amount"), fees.get("collected")
    if amount and collected and amount.value < collected.value:
        yield finding(
            "XS-FEE-NOTICE-GE-PAID",
            f"收费通知总金额 {fmt_number(amount.value)} 元少于实际收取 {fmt_number(collected.value)} 元。",
            where="section 6",
            figures={"notice_amount": amount.value, "collected": collected.value},
            lines=[amount.line, collected.line],
        )
