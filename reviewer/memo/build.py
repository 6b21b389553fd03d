"""Build the reviewer memo (one :class:`~reviewer.models.Memo`) from a review.

Every number in the memo is a table cell, a narrative figure found in the report, or computed in code from
those (sums, differences): nothing is typed in by hand and nothing comes from a model.
"""

from __future__ import annotations

import re
from typing import Any

from reviewer import __version__
from reviewer.checks import Context
from reviewer.checks.arithmetic import t3_failures
from reviewer.checks.crosssection import compare_figures, fee_figures, metric_label
from reviewer.describe import describe, fmt_number
from reviewer.models import Memo, Severity
from reviewer.narrative.section5 import fee_statement, review_section5
from reviewer.pipeline import Review
from reviewer.template import SECTIONS, T3_ROWS_SINGLE_OTHER, T3_ROWS_SPLIT_OTHER, T4_BLOCKS, chinese_ordinal

_ROW_LABEL = {s.key: s.label for s in T3_ROWS_SPLIT_OTHER + T3_ROWS_SINGLE_OTHER}
_GROUP_NAME = {"denied": "不予公开", "unable": "无法提供", "not_processed": "不予处理", "other_handling": "其他处理"}
_T2_NAME = {
    "rules": "规章",
    "normative_documents": "行政规范性文件",
    "licensing": "行政许可",
    "penalty": "行政处罚",
    "coercion": "行政强制",
    "admin_fees": "行政事业性收费",
    "other_services": "其他对外管理服务事项",
    "procurement": "政府集中采购",
}
_T2_COL = {
    "issued": "本年制发",
    "repealed": "本年废止",
    "in_force": "现行有效",
    "decisions": "处理决定",
    "amount_wan_yuan": "收费金额（万元）",
    "new_made": "本年新制作",
    "new_published": "本年新公开",
    "total_published": "对外公开总数",
    "prev_year_items": "上一年项目数",
    "change": "本年增/减",
    "items": "采购项目数",
    "amount": "采购总金额",
}


def _fmt(value: Any) -> str:
    """A cell value for memo text: numbers via :func:`fmt_number`, blank as 空白, tokens as printed."""
    return "空白" if value is None else fmt_number(value)


def _shown(cell) -> Any:
    """What the memo shows for a cell: its value as printed (``+346``, ``75394432.52元``, ``55（含自然失效29件）``),
    未读出 for a cell whose column was not identified, and a reading that is not settled marked as such."""
    if cell.kind == "unread":
        return "未读出"
    value = cell.gold()
    if cell.kind == "number" and (cell.unit or cell.note or cell.raw.strip()[:1] in "+-增减"):
        value = cell.raw.strip()
    if cell.ambiguous:
        return f"{fmt_number(value) if not isinstance(value, str) else value}（拆分不唯一）"
    return value


def _key_figures(review: Review) -> list[dict[str, Any]]:
    r = review.report
    out: list[dict[str, Any]] = []
    if r.t2.ok:
        for row, cols in r.t2.rows.items():
            for col, cell in cols.items():
                out.append(
                    {
                        "table": "表二",
                        "item": f"{_T2_NAME.get(row, row)}·{_T2_COL.get(col, col)}",
                        "value": _shown(cell),
                        "path": f"t2.{row}.{col}",
                        "line": cell.line,
                    }
                )
    if r.t3.ok:
        for row in ("new_received", "carried_over", "total_processed", "carried_forward"):
            cell = r.t3.cell(row, "total")
            out.append(
                {
                    "table": "表三",
                    "item": _ROW_LABEL[row],
                    "value": _shown(cell),
                    "path": f"t3.{row}.total",
                    "line": cell.line,
                }
            )
        for row, cols in r.t3.rows.items():
            if row in ("new_received", "carried_over", "total_processed", "carried_forward"):
                continue
            cell = cols["total"]
            if cell.kind == "number" and cell.num() != 0:
                spec_group = next((s.group for s in T3_ROWS_SPLIT_OTHER + T3_ROWS_SINGLE_OTHER if s.key == row), None)
                label = _ROW_LABEL[row]
                if spec_group in _GROUP_NAME:
                    label = f"{_GROUP_NAME[spec_group]}·{re.sub(r'^[0-9.]+', '', label)}"
                out.append(
                    {
                        "table": "表三",
                        "item": label,
                        "value": _shown(cell),
                        "path": f"t3.{row}.total",
                        "line": cell.line,
                    }
                )
    if r.t4.ok:
        for block, name in T4_BLOCKS:
            cell = r.t4.cell(block, "total")
            out.append(
                {
                    "table": "表四",
                    "item": f"{name}总计",
                    "value": _shown(cell),
                    "path": f"t4.{block}.total",
                    "line": cell.line,
                }
            )
    for k in out:  # a figure of a doubtful table is shown as read, and says so
        if getattr(r, k["path"].split(".")[0]).doubtful:
            k["table"] += "（提取存疑）"
    return out


def _summary(review: Review) -> list[str]:
    """Extractive summary: the first sentence of each sub-part of section 一, then the table headline."""
    r = review.report
    out: list[str] = []
    sec = r.section(1)
    if sec is not None:
        text = re.sub(r"[ \t\u3000]+", "", sec.original_text or sec.text)
        parts = re.split(r"\n|(?=[(（][一二三四五六七八九十][)）])", text)
        for part in parts:
            part = part.strip()
            if len(part) < 20 or "。" not in part and "，" not in part and "," not in part:
                continue  # a bare sub-heading
            sentence = re.split(r"(?<=。)", part)[0]
            if len(sentence) > 120:
                sentence = sentence[:118] + "…"
            out.append(sentence)
            if len(out) >= 6:
                break
    if r.t3.ok and not r.t3.doubtful:
        new = r.t3.cell("new_received", "total")
        done = r.t3.cell("total_processed", "total")
        out.append(
            f"表三：本年新收申请 {_fmt(new.gold())} 件，上年结转 {_fmt(r.t3.cell('carried_over', 'total').gold())} 件，"
            f"办理完毕（（七）总计）{_fmt(done.gold())} 件，结转下年度 {_fmt(r.t3.cell('carried_forward', 'total').gold())} 件。"
        )
    if r.t4.ok and not r.t4.doubtful:
        recon = r.t4.cell("reconsideration", "total").gold()
        lit = [r.t4.cell(b, "total").gold() for b in ("litigation_direct", "litigation_after_review")]
        out.append(
            f"表四：行政复议 {_fmt(recon)} 件；行政诉讼 直接起诉 {_fmt(lit[0])} 件、复议后起诉 {_fmt(lit[1])} 件。"
        )
    return out


def _checked(review: Review, ctx: Context, in_batch: bool = False) -> tuple[list[str], list[str]]:
    """What was checked (with results) and what could not be checked, in plain Chinese."""
    r = review.report
    checked: list[str] = []
    not_checked: list[str] = []
    found = [s.number for s in r.sections]
    checked.append(
        f"章节结构：识别到第{'、'.join(chinese_ordinal(n) for n in found) or '（无）'}部分；模板 {r.template}（{r.template_evidence}）。"
    )
    for t, name in ((r.t2, "表二"), (r.t3, "表三"), (r.t4, "表四")):
        if t.doubtful:
            not_checked.append(
                f"{name}提取存疑（{'；'.join(e.message for e in t.evidence[:3])}），其勾稽关系与正文比对的结果只作提取问题列出，请核对原件。"
            )
    if r.t3.ok and not r.t3.doubtful:
        fails = t3_failures(ctx)
        kinds = {f.kind for f in fails}
        nrows = len(r.t3.rows)
        checked.append(
            "表三勾稽关系：每行总计 = 六类申请人之和（"
            + (f"{nrows} 行全部成立" if "ROW" not in kinds else "有不成立，见问题清单")
            + "）；"
            "（七）总计 = 各项办理结果之和（" + ("7 列全部成立" if "RES" not in kinds else "有不成立") + "）；"
            "一 + 二 = 三（七）+ 四（" + ("7 列全部成立" if "BAL" not in kinds else "有不成立") + "）。"
        )
    elif not r.t3.ok:
        not_checked.append(f"表三：{_status_text(r.t3)}，勾稽关系无法核对。")
    if r.t4.ok and not r.t4.doubtful:
        bad = [
            name
            for block, name in T4_BLOCKS
            if sum(r.t4.rows[block][c].num() for c in ("upheld", "corrected", "other_result", "pending"))
            != r.t4.rows[block]["total"].num()
        ]
        checked.append(
            "表四：各块总计 = 维持 + 纠正 + 其他 + 尚未审结（"
            + ("3 块全部成立" if not bad else "不成立：" + "、".join(bad))
            + "）。"
        )
    elif not r.t4.ok:
        not_checked.append(f"表四：{_status_text(r.t4)}，复议诉讼数据无法核对。")
    if r.t2.ok and not r.t2.doubtful:
        if r.template == "FMT-2019":
            checked.append("表二：单元格类型（空白/0/符号）、负数（本年增/减除外）、非整数。")
        else:
            checked.append("表二：单元格类型（空白/0/符号）、负数、非整数、收费单位、现行有效与制发废止关系。")
    elif not r.t2.ok:
        not_checked.append(f"表二：{_status_text(r.t2)}。")
    comps = compare_figures(ctx)
    if comps:
        checked.append(f"正文与表格：比对了正文中的 {len(comps)} 个数字。")
    for c in comps:
        if c.table_value is None:
            not_checked.append(
                f"正文“{c.figure.quote}”（第{c.figure.line}行）：对应表格单元格{metric_label(c.figure.metric)}不可读或空白，无法比对。"
            )
    if r.period is None:
        not_checked.append("统计期限：报告未写明统计期限，YR-PERIOD 未核对。")
    if r.sign_date is None:
        not_checked.append("落款日期：未识别到落款日期，YR-SIGN-DATE 未核对。")
    for t in (r.t2, r.t3, r.t4):
        for amb in t.ambiguities:
            if amb.alternatives:
                where = describe(f"{t.name}.{amb.row}") if amb.row != "all" else describe(t.name)
                readings = [amb.chosen, *amb.alternatives]
                shown = "；".join("/".join(map(str, a)) for a in readings[:4]) + ("等" if len(readings) > 4 else "")
                not_checked.append(
                    f"{where}印为“{amb.printed}”（数字连写），拆分不唯一（{max(amb.count, len(readings))} 种）：可读作 {shown}；"
                    "这些单元格未作判断，请以原件核对。"
                )
    if in_batch:
        not_checked.append(
            "跨年度与跨机关核对（上年结转 = 上年结转下年度、现行有效件数衔接、文本雷同、套用文本、比例异常）在批量审查中"
            "对全部报告进行，结果不在本审查意见中，见本批输出目录的 cross_checks.json 与 dashboard.html。"
        )
    else:
        not_checked.append(
            "跨年度核对（上年结转 = 上年结转下年度、现行有效件数衔接、文本雷同）需要上一年度报告，本次未做。"
        )
    return checked, not_checked


_STATE_TEXT = {
    "read": "已读取",
    "read_with_ambiguity": "已读取，部分单元格拆分不唯一",
    "doubtful": "提取存疑，请核对原件",
    "not_assessable": "无法评估",
}
#: How the reader read a table (``Table.layout``), in the memo's words.
_LAYOUT_TEXT = {
    "grid-labels": "网页/Word 表格，按列名和行名读取",
    "pdf-labels": "PDF 文字位置，按列名和行名读取",
    "tab": "制表符分隔的文本",
    "glued": "数字连写的网页文本，拆分只依据表内勾稽关系和正文数字",
    "tokens": "空格分隔的文本",
    "slots": "每格一行的文本",
    "pipe": "文本表格行",
    "markdown": "Markdown 表格，按列顺序读取",
    "blank": "空白行",
    "sparse": "数值不全的文本",
}


def _extraction(r) -> list[dict[str, Any]]:
    """Each table's extraction state and the evidence that decided it."""
    out = []
    for t, name in ((r.t2, "表二"), (r.t3, "表三"), (r.t4, "表四")):
        state_text = _STATE_TEXT[t.state] if t.ok else f"无法评估：{_status_text(t)}"
        if t.ok and t.layout:
            state_text += f"（{_LAYOUT_TEXT.get(t.layout, t.layout)}）"
        out.append(
            {
                "table": t.name,
                "name": name,
                "state": t.state,
                "state_text": state_text,
                "layout": t.layout,
                "evidence": [{"kind": e.kind, "message": e.message, "lines": e.lines} for e in t.evidence],
            }
        )
    return out


def _status_text(table) -> str:
    if table.status == "replaced_by_text":
        return f"未以表格给出（以文字代替：“{table.replacement_text[:40]}”）"
    if table.status == "absent":
        return "文本中不存在（可能为图片）"
    return "无法读取"


def _narrative_checks(ctx: Context) -> list[dict[str, Any]]:
    out = []
    for c in compare_figures(ctx):
        f = c.figure
        if c.table_value is None:
            verdict = "无法核对"
        elif c.agrees:
            verdict = "一致"
        else:
            verdict = "不一致"
        table = getattr(ctx.report, f.metric.split(".")[0], None)
        if c.table_value is not None and table is not None and table.doubtful:
            verdict += "（表格提取存疑，不作结论）"
        out.append(
            {
                "quote": f.quote,
                "line": f.line,
                "narrative": f.value,
                "metric": f.metric,
                "metric_label": metric_label(f.metric),
                "table": c.table_value,
                "verdict": verdict,
                "matches_instead": c.explained_by,
                "scope": f.scope,
                "scope_note": c.scope_note,
            }
        )
    return out


def _section5(review: Review) -> dict[str, Any]:
    sec = review.report.section(5)
    rev = review_section5((sec.original_text or sec.text) if sec else None)
    return {
        "present": rev.present,
        "line": sec.line if sec else None,
        "has_problems": rev.has_problem_words,
        "has_improvements": rev.has_improvement_words,
        "problems": rev.problems,
        "improvements": rev.improvements,
        "pairs": [{"problem": p, "improvement": i, "overlap": s} for p, i, s in rev.pairs],
        "stock_phrases": rev.stock_phrases,
        "concrete": rev.concrete,
        "specific": rev.specific,
        "specificity": "具体"
        if rev.concrete
        else ("以套话为主" if len(rev.stock_phrases) >= 2 else "未见具体要素（无数字、事项名称或时限）"),
    }


def _section6(review: Review, ctx: Context) -> dict[str, Any]:
    sec = review.report.section(6)
    fees = fee_figures(ctx)
    return {
        "present": sec is not None,
        "line": sec.line if sec else None,
        "fee_statement": fee_statement(sec.original_text or sec.text) if sec else "",
        "fees": {k: {"value": f.value, "quote": f.quote, "line": f.line} for k, f in fees.items()},
        "text": re.sub(r"\s+", "", sec.original_text or sec.text)[:200] if sec else "",
    }


_QUESTION = {
    "T3-ROW-SUM": "{where}：行合计与各列之和不一致，请核实并更正数据。",
    "T3-RESULT-TOTAL": "表三办理结果各项之和与（七）总计不一致（{where}），请核实各项办理结果的统计。",
    "T3-COL-BALANCE": "表三“一+二=三（七）+四”不平（{where}），请核实新收、结转与办结数。",
    "T4-SUM": "{where}：总计与各项结果之和不一致，请核实复议、诉讼案件数。",
    "XS-NARR-T3": "正文与表三数字不一致（{where}），请说明统计口径或更正。",
    "XS-NARR-T4": "正文与表四复议诉讼数字不一致，请说明。",
    "STR-SECTIONS-PRESENT": "报告缺少模板规定的部分（{where}），请补充。",
    "STR-TABLES-PRESENT": "{where} 未以可读表格发布，请提供表格文字版本。",
    "STR-HEADING-NUMBER": "标题编号不规范（{where}），请统一编号。",
    "STR-TEMPLATE-VERSION": "报告仍使用旧版格式的内容（{where}），请按国办公开办函〔2021〕30号格式调整。",
    "CELL-BLANK": "表格中有空白单元格（{where}），请填写 0 或说明。",
    "Q-SEC6-EMPTY": "第六部分未说明信息处理费收取情况，请补充发出收费通知的件数、金额及实际收取金额。",
    "Q-SEC6-FEE": "第六部分未说明信息处理费收取情况，请补充。",
    "Q-SEC5-BOTH": "第五部分应同时写明存在的问题和改进措施，请补充。",
    "Q-SEC5-SPECIFIC": "第五部分多为套话，请列出具体问题及对应的改进措施和时限。",
    "XS-FEE-R22": "表三有因逾期未缴费不再处理的申请，请在第六部分报告收费通知的件数和金额。",
    "YR-SIGN-DATE": "落款日期早于统计年度结束，请核实日期。",
    "YR-PERIOD": "统计期限表述有误，请更正。",
    "YR-TITLE": "标题年度与统计期限不一致，请更正。",
    "Q-NAME-CONSISTENCY": "报告中出现其他机关名称，请核实是否套用他人文本。",
    "PL-CARRY-IMPOSSIBLE": "结转下年度数超过在办总数，请核实。",
}


def _questions(review: Review) -> list[str]:
    out: list[str] = []
    wheres: dict[str, list[str]] = {}
    for f in review.findings:
        if f.severity == Severity.info or f.category != "report" or f.rule not in _QUESTION:
            continue
        wheres.setdefault(f.rule, [])
        if f.where not in wheres[f.rule]:
            wheres[f.rule].append(f.where)
    for rule_id, places in wheres.items():
        out.append(_QUESTION[rule_id].format(where="、".join(describe(p) for p in places)))
    # (digits read glued together are the copy's flattening, not the office's table: they are listed under
    # 未能核对的内容 for the auditor, never asked of the office)
    return out


def build_memo(review: Review, llm: dict[str, Any] | None = None, in_batch: bool = False) -> Memo:
    """Assemble the memo model from a :class:`~reviewer.pipeline.Review` (deterministic; ``llm`` metadata optional).

    ``in_batch``: the memo is one of a batch, whose cross-report checks are reported in the batch outputs (the memo
    says so instead of "not done")."""
    r = review.report
    # one context: comparisons and identities computed once (by the checks, when they ran for this review)
    ctx = (
        review.context
        if review.context is not None and review.context.report is r
        else Context(report=r, figures=review.figures)
    )
    checked, not_checked = _checked(review, ctx, in_batch)
    return Memo(
        tool_version=__version__,
        file=r.path,
        office=r.office,
        year=r.year,
        template=r.template,
        sections_present=r.sections_present,
        summary=_summary(review),
        key_figures=_key_figures(review),
        findings=[f for f in review.findings if f.category == "report"],
        extraction=_extraction(r),
        extraction_issues=[f for f in review.findings if f.category == "extraction"],
        narrative_checks=_narrative_checks(ctx),
        section5=_section5(review),
        section6=_section6(review, ctx),
        not_checked=not_checked,
        questions=_questions(review),
        checked=checked,
        llm=llm or {"used": False, "reason": "确定性审查（内置规则，未使用大模型）"},
        is_report=r.is_report,
    )


SECTION_TITLES = {s.number: s.canonical for s in SECTIONS}
