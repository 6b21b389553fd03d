"""Assemble the review prompt from ``prompts/review_v<N>.md`` within a token budget.

The template file has a ``<!-- SYSTEM -->`` part and a ``<!-- USER -->`` part with placeholders. Report text goes
only inside the 【报告原文开始】…【报告原文结束】 block, marked as data. Budget (o200k_base tokens, default 4,000):
sections 五 and 六 are kept first, then the tables, the deterministic findings, and section 一 last; the part
that does not fit is cut at a character boundary and marked ``…（截断）``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from reviewer.llm.schema import SCHEMA_VERSION, LLMReview
from reviewer.llm.tokens import count_tokens
from reviewer.models import AnnualReport, Finding

PROMPT_NAME = "review_v1.md"
PROMPT_VERSION = "review-v1"
SECTION_PRIORITY = (5, 6, 1)
SECTION_TITLE = {1: "一、总体情况", 5: "五、存在的主要问题及改进情况", 6: "六、其他需要报告的事项"}


@dataclass
class Prompt:
    """The assembled messages and their measured size: ``tokens`` (o200k_base) against ``budget``."""

    system: str
    user: str
    tokens: int
    budget: int
    truncated: list[str]
    version: str = PROMPT_VERSION


def load_template(name: str = PROMPT_NAME) -> tuple[str, str]:
    """``(system, user)`` template texts: from the installed ``reviewer.prompts`` package, or from the repository's
    ``prompts/`` folder when running from a source checkout (where ``reviewer.prompts`` is not a directory)."""
    try:
        text = resources.files("reviewer.prompts").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        text = (Path(__file__).resolve().parents[2] / "prompts" / name).read_text(encoding="utf-8")
    text = re.sub(r"<!-- prompt:.*?-->\n", "", text)
    system, user = text.split("<!-- USER -->")
    return system.replace("<!-- SYSTEM -->", "").strip(), user.strip()


def tables_json(report: AnnualReport) -> str:
    """Compact JSON of the parsed tables: each row as a list in column order (null = blank), plus column names."""
    out: dict[str, object] = {"template": report.template}
    for name in ("t2", "t3", "t4"):
        t = getattr(report, name)
        if not t.ok:
            out[name] = f"不可核对（{t.status}）"
            continue
        cols = next(iter(t.rows.values())).keys() if t.rows else []
        if name == "t2":
            out[name] = {row: {c: cell.gold() for c, cell in v.items()} for row, v in t.rows.items()}
        else:
            out[name + "_columns"] = list(cols)
            out[name] = {row: [cell.gold() for cell in v.values()] for row, v in t.rows.items()}
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def findings_text(findings: list[Finding], limit: int = 40) -> str:
    lines = [f"- {f.rule}（{f.severity.value}）：{f.message}" for f in findings if f.severity.value != "info"][:limit]
    return "\n".join(lines) or "（无）"


def _section_text(report: AnnualReport, number: int) -> str:
    sec = report.section(number)
    if sec is None:
        return ""
    body = (sec.original_text or sec.text).strip()
    return f"〔{SECTION_TITLE.get(number, number)}〕\n{body}"


def _fit(text: str, budget: int) -> tuple[str, bool]:
    """Longest prefix of ``text`` within ``budget`` tokens (binary search on characters)."""
    if budget <= 0:
        return "", bool(text)
    if count_tokens(text) <= budget:
        return text, False
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count_tokens(text[:mid] + "…（截断）") <= budget:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + "…（截断）", True


def build_prompt(
    report: AnnualReport, findings: list[Finding], budget: int = 4000, method: str = "json_schema"
) -> Prompt:
    """Assemble the prompt for ``report`` within ``budget`` input tokens (see module doc for the cutting order)."""
    system_t, user_t = load_template()
    schema_hint = ""
    if method == "json_mode":
        schema_hint = "JSON 结构如下：\n" + json.dumps(LLMReview.model_json_schema(), ensure_ascii=False)
    system = system_t.format(schema_version=SCHEMA_VERSION, prompt_version=PROMPT_VERSION, schema_hint=schema_hint)
    skeleton = user_t.format(tables="", findings="", sections="")
    remaining = budget - count_tokens(system) - count_tokens(skeleton) - 8
    parts: dict[str, str] = {}
    truncated: list[str] = []
    order = [
        ("s5", _section_text(report, 5)),
        ("s6", _section_text(report, 6)),
        ("tables", tables_json(report)),
        ("findings", findings_text(findings)),
        ("s1", _section_text(report, 1)),
    ]
    for key, text in order:
        fitted, cut = _fit(text, remaining)
        parts[key] = fitted
        if cut:
            truncated.append(key)
        remaining -= count_tokens(fitted) if fitted else 0
    sections = "\n\n".join(p for p in (parts["s5"], parts["s6"], parts["s1"]) if p)
    user = user_t.format(
        tables=parts["tables"] or "（略）",
        findings=parts["findings"] or "（略）",
        sections=sections or "（报告无相关章节）",
    )
    tokens = count_tokens(system) + count_tokens(user)
    return Prompt(system=system, user=user, tokens=tokens, budget=budget, truncated=truncated)
