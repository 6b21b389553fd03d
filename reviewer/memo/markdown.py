"""Render a :class:`~reviewer.models.Memo` as Chinese Markdown.

Report text is quoted, never interpreted: Markdown control characters in quotes are escaped so that report
text cannot inject links, images or HTML into the memo.
"""

from __future__ import annotations

import re

from reviewer.describe import fmt_number
from reviewer.memo.build import SECTION_TITLES
from reviewer.models import Memo, Severity
from reviewer.template import chinese_ordinal

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def esc(text: object) -> str:
    """Escape Markdown/HTML control characters in report text (one line; newlines become spaces)."""
    s = str(text).replace("\r", " ").replace("\n", " ")
    s = s.replace("&", "&amp;")
    # most values (numbers, Chinese text) hold no special character: skip the substitution then
    return _MD_SPECIAL.sub(r"\\\1", s) if _MD_SPECIAL.search(s) else s


def _code(text: str) -> str:
    """Text for an inline code span: no backticks, no line breaks or other control characters."""
    return "".join(ch if ch.isprintable() else "?" for ch in text.replace("`", "'"))


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _v(value: object) -> str:
    """A table value in Markdown: blank as 空白, numbers via :func:`fmt_number`, text escaped."""
    if value is None:
        return "空白"
    if type(value) is int:  # digits and a sign: nothing to escape
        return str(value)
    return esc(fmt_number(value))


_SEV = {Severity.error: "错误", Severity.warning: "警示", Severity.info: "提示"}


def render_markdown(memo: Memo) -> str:
    """The memo as a Markdown document (str, ends with a newline)."""
    out: list[str] = []
    if not memo.is_report:
        out += [
            "# 政府信息公开工作年度报告审查意见",
            "",
            "- 文件：`" + _code(memo.file) + "`",
            "",
            "## 结论",
            "",
            "该文件不是政府信息公开工作年度报告（未识别到报告标题和统计表，章节标题不足三个），未做审查。",
            "",
        ]
        out += [f"- **{f.rule}** {esc(f.message)}" for f in memo.findings]
        out.append("")
        return "\n".join(out)
    title_office = memo.office or "（未识别机关名称）"
    out.append(f"# 政府信息公开工作年度报告审查意见：{esc(title_office)} {memo.year or ''}年度")
    out.append("")
    found = [f"{chinese_ordinal(int(k))}、{SECTION_TITLES[int(k)]}" for k, v in memo.sections_present.items() if v]
    missing = [
        f"{chinese_ordinal(int(k))}、{SECTION_TITLES[int(k)]}" for k, v in memo.sections_present.items() if not v
    ]
    out += [
        "- 文件：`" + _code(memo.file) + "`",
        f"- 机关：{esc(memo.office) or '未识别'}；统计年度：{memo.year or '未识别'}；模板：{memo.template}",
        f"- 识别到的部分：{'、'.join(found) or '无'}" + (f"；缺少：{'、'.join(missing)}" if missing else ""),
        f"- 审查方式：{esc(memo.llm.get('reason', '确定性审查'))}；reviewer {memo.tool_version}，memo schema {memo.schema_version}",
        "",
    ]
    counts = {s: sum(1 for f in memo.findings if f.severity == s) for s in Severity}
    doubtful = [t["name"] for t in memo.extraction if t["state"] == "doubtful"]
    out.append(
        f"**结论**：错误 {counts[Severity.error]} 项，警示 {counts[Severity.warning]} 项，提示 {counts[Severity.info]} 项。"
        + (f"{'、'.join(doubtful)}提取存疑（见“表格提取情况”），其结果未计入。" if doubtful else "")
    )
    out.append("")

    out.append("## 一、报告自述的工作概要（摘录）")
    out += [f"- {esc(s)}" for s in memo.summary] or ["- （未能摘录）"]
    out.append("")

    out.append("## 二、关键数字")
    if memo.key_figures:
        out.append("| 表 | 项目 | 数值 | 单元格 | 行 |")
        out.append("|---|---|---|---|---|")
        for k in memo.key_figures:
            out.append(f"| {k['table']} | {esc(k['item'])} | {_v(k['value'])} | `{k['path']}` | {k['line'] or ''} |")
    else:
        out.append("- 表格均不可读，无关键数字。")
    out.append("")

    out += _extraction_section(memo)

    out.append("## 三、发现的问题（按严重程度）")
    if not memo.findings:
        out.append("- 未发现问题。")
        out.append("")
    for sev in (Severity.error, Severity.warning, Severity.info):
        items = [f for f in memo.findings if f.severity == sev]
        if not items:
            continue
        out.append(f"### {_SEV[sev]}（{len(items)}）")
        for f in items:
            where = f"（第{'、'.join(map(str, f.lines))}行）" if f.lines else ""
            out.append(f"- **{f.rule}** {esc(f.message)}{where}")
            for q in f.quotes[:2]:
                out.append(f"  > {esc(q)}")
            if f.explains and f.severity != Severity.info:
                from reviewer.describe import describe_identity

                out.append(f"  - 同一根因导致：{esc('；'.join(describe_identity(x) for x in f.explains))}")
        out.append("")

    out.append("## 四、正文与表格数字比对")
    if memo.narrative_checks:
        out.append("| 正文表述 | 行 | 正文数字 | 表格项目 | 表格数字 | 结论 |")
        out.append("|---|---|---|---|---|---|")
        for c in memo.narrative_checks:
            verdict = c["verdict"]
            if c["matches_instead"]:
                verdict += f"（与“{c['matches_instead']}”相符）"
            if c["scope_note"]:
                verdict += f"（{c['scope_note']}）"
            out.append(
                f"| {esc(c['quote'])} | {c['line']} | {_v(c['narrative'])} | {esc(c['metric_label'])} | {_v(c['table'])} | {esc(verdict)} |"
            )
    else:
        out.append("- 正文中未找到可与表格比对的数字。")
    out.append("")

    s5 = memo.section5
    out.append("## 五、问题与改进（第五部分）")
    if not s5["present"]:
        out.append("- 报告没有第五部分，无法评估。")
    else:
        out.append(
            f"- 写明存在的问题：{'是' if s5['has_problems'] else '否'}；写明改进措施：{'是' if s5['has_improvements'] else '否'}。"
        )
        out.append(
            f"- 具体程度：{s5['specificity']}。具体要素：{esc('、'.join(s5['concrete'])) or '无'}；套话：{esc('、'.join(s5['stock_phrases'])) or '无'}。"
        )
        for pair in s5["pairs"]:
            p = s5["problems"][pair["problem"]]
            i = pair["improvement"]
            how = "（按序号对应）" if pair["overlap"] == -1.0 else ""
            target = f"对应措施{how}：{esc(_clip(s5['improvements'][i]))}" if i is not None else "未找到对应的改进措施"
            out.append(f"  - 问题：{esc(_clip(p))} → {target}")
        unanswered = sum(1 for pair in s5["pairs"] if pair["improvement"] is None)
        if s5["pairs"]:
            out.append(f"- {len(s5['pairs'])} 个问题中 {len(s5['pairs']) - unanswered} 个有对应措施。")
    out.append("")

    s6 = memo.section6
    out.append("## 六、信息处理费（第六部分）")
    if not s6["present"]:
        out.append("- 报告没有第六部分。")
    elif s6["fee_statement"]:
        out.append(f"- 收费说明：“{esc(s6['fee_statement'])}”")
        for key, name in (
            ("notice_count", "收费通知件数"),
            ("notice_amount", "收费通知金额（元）"),
            ("collected", "实际收取（元）"),
        ):
            if key in s6["fees"]:
                f = s6["fees"][key]
                out.append(f"  - {name}：{_v(f['value'])}（第{f['line']}行）")
    else:
        out.append(f"- 未见信息处理费说明。第六部分原文：“{esc(s6['text'][:80])}”")
    out.append("")

    out.append("## 七、已核对的内容")
    out += [f"- {esc(c)}" for c in memo.checked]
    out.append("")
    out.append("## 八、未能核对的内容")
    out += [f"- {esc(c)}" for c in memo.not_checked] or ["- 无"]
    out.append("")
    out.append("## 九、建议向报告机关提出的问题")
    out += [f"{i}. {esc(q)}" for i, q in enumerate(memo.questions, 1)] or ["- 无"]
    out.append("")
    out += _llm_section(memo.llm)
    return "\n".join(out)


def _extraction_section(memo: Memo) -> list[str]:
    """Each table's extraction state; for a doubtful table its evidence and the findings that rest on it, which are
    extraction issues (not defects of the report)."""
    out = ["### 表格提取情况"]
    for t in memo.extraction:
        out.append(f"- {t['name']}：{esc(t['state_text'])}")
        if t["state"] in ("doubtful", "read_with_ambiguity"):
            out += [f"  - {esc(e['message'])}" for e in t["evidence"][:6]]
    if memo.extraction_issues:
        out.append("")
        out.append(
            f"以下 {len(memo.extraction_issues)} 项基于存疑或不唯一的提取结果，属于提取问题，不是报告的问题，不向报告机关提出："
        )
        for f in memo.extraction_issues:
            where = f"（第{'、'.join(map(str, f.lines))}行）" if f.lines else ""
            out.append(f"- **{f.rule}** {esc(f.message)}{where}")
    out.append("")
    return out


_KIND = {
    "claims": "数字表述",
    "contradictions": "矛盾",
    "problems": "问题评估",
    "questions": "问题清单",
    "summary": "摘要",
}


def _llm_section(llm: dict) -> list[str]:
    """Section 十: the model's review, only items that code has grounded; or why the LLM part failed."""
    status = llm.get("status")
    if not status:
        return []
    out = ["## 十、大模型审阅（经程序核验）"]
    out.append(
        f"- 端点：`{llm.get('endpoint', '')}`；模型：{esc(llm.get('model', ''))}；提示词 {llm.get('prompt_version')}，输出结构 {llm.get('schema_version')}；"
        f"输入约 {llm.get('prompt_tokens', 0)} token（预算 {llm.get('token_budget', 0)}）"
        + ("；命中缓存" if llm.get("cache_hit") else "")
    )
    if status != "ok":
        out.append(f"- {esc(llm.get('reason', ''))}")
        out.append("")
        return out
    dropped = llm.get("dropped", {})
    total = llm.get("dropped_total", 0)
    out.append(
        f"- 模型返回的条目中有 {total} 条未通过程序核验（引文不在报告中、数字不符或单元格不存在），已丢弃"
        + (f"：{'，'.join(f'{_KIND.get(k, k)} {v} 条' for k, v in dropped.items())}" if dropped else "")
        + "。"
    )
    if llm.get("summary"):
        out.append(f"- 模型摘要：{esc(llm['summary'])}")
    if llm.get("claims"):
        out.append("")
        out.append("| 正文原文（模型摘录，已核对） | 行 | 正文数字 | 表格单元格 | 表格数字（程序读取） | 程序比较 |")
        out.append("|---|---|---|---|---|---|")
        for c in llm["claims"]:
            from reviewer.describe import describe

            out.append(
                f"| {esc(c['quote'])} | {c['line']} | {_v(c['narrative'])} | {esc(describe(c['cell']))} | {_v(c['table'])} | {'一致' if c['agrees'] else '不一致'} |"
            )
        out.append("")
    for c in llm.get("contradictions", []):
        out.append(f"- **前后矛盾**：{esc(c['explanation'])}")
        out.append(f"  > 第{c['line_a']}行：{esc(c['quote_a'])}")
        out.append(f"  > 第{c['line_b']}行：{esc(c['quote_b'])}")
    for p in llm.get("problems", []):
        answer = (
            f"对应措施（第{p['improvement_line']}行）：{esc(p['improvement'])}"
            if p.get("improvement")
            else "未见对应的改进措施"
        )
        out.append(
            f"- 第五部分问题（第{p['line']}行）：{esc(p['problem'])}；{'具体' if p['specific'] else '笼统'}；{answer}"
        )
    if llm.get("questions"):
        out.append("- 模型建议追问：")
        out += [f"  {i}. {esc(q)}" for i, q in enumerate(llm["questions"], 1)]
    out.append("")
    return out
