"""Content-quality checks that need no LLM (rulebook C.5): Q-SEC5-BOTH, Q-SEC5-SPECIFIC, Q-SEC6-FEE,
Q-SEC6-EMPTY, Q-NAME-CONSISTENCY, Q-SEC5-CORRECTED-CASES."""

from __future__ import annotations

import re
from collections.abc import Iterator

from reviewer.checks.registry import Context, finding, rule
from reviewer.describe import fmt_number
from reviewer.models import Finding
from reviewer.narrative.section5 import EMPTY_SEC6, fee_statement, review_section5
from reviewer.parse.meta import same_office, title_year_office

#: The 信息处理费 regime (国办函〔2020〕109号) applies from statistical year 2021.
FEE_REGIME_FROM = 2021


def _section5(ctx: Context):
    """``(section 五, its reading)`` or ``(None, None)`` when the report has no section 五."""
    sec = ctx.report.section(5)
    return (sec, review_section5(sec.text)) if sec is not None else (None, None)


@rule("Q-SEC5-BOTH", "error", "第五部分既有问题又有改进", "rulebook C.5; 条例第五十条第（四）项 [V]")
def sec5_both(ctx: Context) -> Iterator[Finding]:
    """Section 五 contains both concrete problems and improvement measures."""
    sec, review = _section5(ctx)
    if sec is None:
        return
    missing = []
    if not review.has_problem_words:
        missing.append("存在的问题")
    if not review.has_improvement_words:
        missing.append("改进措施")
    if missing:
        yield finding(
            "Q-SEC5-BOTH",
            "第五部分缺少" + "和".join(missing) + "。",
            where="section 5",
            figures={"missing": missing},
            lines=[sec.line],
            quotes=[re.sub(r"\s+", "", sec.text)[:80]],
        )


@rule("Q-SEC5-SPECIFIC", "warning", "问题与措施具体而非套话", "rulebook C.5 [V]")
def sec5_specific(ctx: Context) -> Iterator[Finding]:
    """Problems and measures are specific (named activities, numbers, deadlines) rather than stock phrases."""
    sec, review = _section5(ctx)
    if sec is None:
        return
    if review.present and not review.concrete and len(review.stock_phrases) >= 2:
        yield finding(
            "Q-SEC5-SPECIFIC",
            "第五部分以套话为主（"
            + "、".join(f"“{p}”" for p in review.stock_phrases[:5])
            + "），未见具体事项、数字或时限。",
            where="section 5",
            figures={"stock_phrases": review.stock_phrases},
            lines=[sec.line],
        )


@rule("Q-SEC5-CORRECTED-CASES", "info", "被纠错案件在第五部分有说明", "rulebook C.5 [V]/[K]")
def sec5_corrected(ctx: Context) -> Iterator[Finding]:
    """If table 4 shows 结果纠正 > 0, section 五 explains the cause and the fix."""
    r = ctx.report
    if not r.t4.ok:
        return
    corrected = sum(r.t4.rows[b]["corrected"].num() for b in r.t4.rows)
    sec = r.section(5)
    if corrected and (sec is None or not re.search(r"纠正|纠错|败诉|撤销", sec.text)):
        yield finding(
            "Q-SEC5-CORRECTED-CASES",
            f"表四结果纠正共 {fmt_number(corrected)} 件，第五部分未说明原因和整改。",
            where="t4.*.corrected",
            figures={"corrected": corrected},
        )


@rule("Q-SEC6-FEE", "warning", "第六部分说明信息处理费收取情况", "rulebook C.5 [P]; 国办函〔2020〕109号")
def sec6_fee(ctx: Context) -> Iterator[Finding]:
    """Section 六 states the 信息处理费 situation (charged or not); reports from statistical year 2021 on."""
    r = ctx.report
    sec = r.section(6)
    if sec is None or (r.year or 0) < FEE_REGIME_FROM:
        return
    if not fee_statement(sec.text) and not _is_empty_sec6(sec.text):
        yield finding(
            "Q-SEC6-FEE",
            "第六部分未说明信息处理费的收取情况（发出收费通知件数、金额及实际收取金额）。",
            where="section 6",
            lines=[sec.line],
        )


def _is_empty_sec6(text: str) -> bool:
    body = re.sub(r"\s+", "", text)
    return bool(EMPTY_SEC6.match(body)) or body in ("", "无", "无。")


@rule("Q-SEC6-EMPTY", "warning", "第六部分不只写“无”", "rulebook C.5 [P]")
def sec6_empty(ctx: Context) -> Iterator[Finding]:
    """'无' / '暂无其他需要报告的事项' with no fee statement (reports from statistical year 2021 on)."""
    r = ctx.report
    sec = r.section(6)
    if sec is None or (r.year or 0) < FEE_REGIME_FROM:
        return
    body = re.sub(r"\s+", "", sec.text)
    tail = re.split(r"(?<=。)", body)
    if _is_empty_sec6(sec.text) or (
        len(body) < 30 and not fee_statement(sec.text) and EMPTY_SEC6.match(tail[0] if tail else "")
    ):
        yield finding(
            "Q-SEC6-EMPTY",
            f"第六部分仅写“{body[:20]}”，未说明信息处理费收取情况。",
            where="section 6",
            lines=[sec.line],
            quotes=[body[:40]],
        )


@rule("Q-NAME-CONSISTENCY", "error", "报告主体名称前后一致", "rulebook C.5 [V]")
def name_consistency(ctx: Context) -> Iterator[Finding]:
    """Only this organ's own name appears as the reporting body: title, metadata and signature name one organ."""
    r = ctx.report
    _, title_office = title_year_office(r.title)
    sign_office = (r.sign_date or {}).get("office", "")
    if title_office and sign_office and not same_office(title_office, sign_office):
        yield finding(
            "Q-NAME-CONSISTENCY",
            f"标题的报告主体为“{title_office}”，落款却为“{sign_office}”，疑为套用其他机关文本。",
            where="signature",
            figures={"title_office": title_office, "signature_office": sign_office},
            lines=[r.sign_date["line"]],
            quotes=[r.title],
        )
