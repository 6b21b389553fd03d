"""Ground every item the model returns, in code. Nothing the model says reaches the memo unless this passes.

Checks (issue "prompt layer", rulebook XS-*):

* a quote must occur in the report (after the same normalisation as the parser: NFKC, Traditional -> Simplified,
  whitespace removed); its 1-based source line is found by code;
* a claim's value must be one of the numbers inside its quote (Arabic or Chinese numerals);
* a claim's cell path must exist in the parsed tables; the comparison with the table is computed here;
* free text from the model (summary, explanations, questions) may only contain numbers that occur in the report.

Items that fail are dropped and counted per kind with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reviewer.checks.registry import Context
from reviewer.describe import fmt_number
from reviewer.ingest.text import normalise
from reviewer.llm.schema import LLMReview
from reviewer.models import AnnualReport
from reviewer.parse.textview import TextView

_NUM = re.compile(r"\d+(?:\.\d+)?")
#: Verdicts do not belong in the model's summary (the findings are code's); an injected "输出无问题" ends here.
_VERDICT = re.compile(r"无问题|没有问题|不存在问题|无任何问题|未发现问题|完全符合|全部正确|符合要求|质量很高|无需整改")
_QUOTE_MARKS = str.maketrans({c: None for c in "“”‘’\"'「」『』《》…"})


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text)).translate(_QUOTE_MARKS)


def numbers_in(text: str) -> set[float]:
    """Numbers written in ``text``: Arabic (full-width included) and Chinese numerals (via cn2an)."""
    norm = normalise(text)
    found = {float(m.group(0)) for m in _NUM.finditer(norm)}
    try:
        import warnings

        import cn2an

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            converted = cn2an.transform(norm, "cn2an")
        found |= {float(m.group(0)) for m in _NUM.finditer(converted)}
    except Exception:  # noqa: BLE001 - cn2an rejects some strings; Arabic numbers still count
        pass
    return found


@dataclass
class Grounded:
    """The grounded part of a model review, with the drop counts and reasons."""

    summary: str = ""
    claims: list[dict[str, Any]] = field(default_factory=list)
    contradictions: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    drop_reasons: list[str] = field(default_factory=list)

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())

    def drop(self, kind: str, reason: str) -> None:
        self.dropped[kind] = self.dropped.get(kind, 0) + 1
        self.drop_reasons.append(f"{kind}: {reason}")


class Grounder:
    """Grounds model output against one parsed report (its text, sections and tables)."""

    def __init__(self, report: AnnualReport) -> None:
        self.report = report
        self.view = TextView(report.lines)
        self.compact = self.view.compact.translate(_QUOTE_MARKS)
        # map from the quote-mark-free compact text back to view.compact indices
        self._back = [i for i, ch in enumerate(self.view.compact) if ch.translate(_QUOTE_MARKS)]
        self.report_numbers = numbers_in(self.view.text)
        self.ctx = Context(report=report)

    def locate(self, quote: str, section: int | None = None) -> int | None:
        """1-based source line of ``quote`` in the report (inside ``section`` if given), or None when absent."""
        key = _compact(quote)
        if len(key) < 4:
            return None
        start = 0
        lo, hi = 0, len(self.compact)
        if section is not None:
            sec = self.report.section(section)
            if sec is None:
                return None
            lo = self._index_after(sec.offset)
            hi = self._index_after(sec.end_offset)
        idx = self.compact.find(key, max(start, lo), hi)
        if idx < 0:
            return None
        return self.view.line_of(self.view.cmap[self._back[idx]])

    def _index_after(self, text_offset: int) -> int:
        import bisect

        c = self.view.to_compact(text_offset)
        return bisect.bisect_left(self._back, c)

    def free_text_ok(self, text: str) -> bool:
        """Free text may only contain numbers that occur somewhere in the report."""
        return numbers_in(text) <= self.report_numbers

    def ground(self, review: LLMReview) -> Grounded:
        """Keep the items of ``review`` that pass every check; count and explain the others."""
        g = Grounded()
        if review.summary:
            if not self.free_text_ok(review.summary):
                g.drop("summary", "摘要含有报告中没有的数字")
            elif _VERDICT.search(review.summary):
                g.drop("summary", "摘要含有结论性判断（摘要只复述报告自述的工作）")
            else:
                g.summary = review.summary.strip()
        for claim in review.claims:
            line = self.locate(claim.quote)
            if line is None:
                g.drop("claims", f"引文不在报告中：{claim.quote[:40]}")
                continue
            if float(claim.value) not in numbers_in(claim.quote):
                g.drop("claims", f"引文中没有数字 {fmt_number(claim.value)}：{claim.quote[:40]}")
                continue
            if not _valid_path(claim.cell):
                g.drop("claims", f"单元格路径不存在：{claim.cell}")
                continue
            table_value = self.ctx.metric(claim.cell)
            if table_value is None:
                g.drop("claims", f"单元格不可读，无法比较：{claim.cell}")
                continue
            g.claims.append(
                {
                    "quote": claim.quote,
                    "line": line,
                    "cell": claim.cell,
                    "narrative": claim.value,
                    "table": table_value,
                    "agrees": abs(float(table_value) - float(claim.value)) < 1e-6,
                }
            )
        for c in review.contradictions:
            la, lb = self.locate(c.quote_a), self.locate(c.quote_b)
            if la is None or lb is None:
                g.drop("contradictions", "引文不在报告中")
                continue
            if not self.free_text_ok(c.explanation):
                g.drop("contradictions", "说明中含有报告中没有的数字")
                continue
            g.contradictions.append(
                {"quote_a": c.quote_a, "line_a": la, "quote_b": c.quote_b, "line_b": lb, "explanation": c.explanation}
            )
        for p in review.problems:
            lp = self.locate(p.problem_quote, section=5)
            if lp is None:
                g.drop("problems", "问题引文不在第五部分")
                continue
            li = None
            if p.improvement_quote:
                li = self.locate(p.improvement_quote, section=5)
                if li is None:
                    g.drop("problems", "改进措施引文不在第五部分")
                    continue
            g.problems.append(
                {
                    "problem": p.problem_quote,
                    "line": lp,
                    "specific": p.specific,
                    "improvement": p.improvement_quote if li else None,
                    "improvement_line": li,
                }
            )
        for q in review.questions:
            if q.strip() and self.free_text_ok(q):
                g.questions.append(q.strip())
            elif q.strip():
                g.drop("questions", "问题中含有报告中没有的数字")
        return g


_VALID_ROW = re.compile(r"^(t2|t3|t4)\.[a-z_*]+\.[a-z_]+$")


def _valid_path(path: str) -> bool:
    from reviewer.template import (
        T2_ROWS_2019,
        T2_ROWS_2021,
        T3_COLUMN_KEYS,
        T3_ROWS_SINGLE_OTHER,
        T3_ROWS_SPLIT_OTHER,
        T4_BLOCKS,
        T4_COLUMN_KEYS,
    )

    for part in path.split("+"):
        part = part.strip()
        if not _VALID_ROW.match(part):
            return False
        table, row, col = part.split(".")
        if table == "t3":
            rows = {s.key for s in T3_ROWS_SPLIT_OTHER + T3_ROWS_SINGLE_OTHER}
            if (
                not (row in rows or (row.endswith("*") and any(r.startswith(row[:-1]) for r in rows)))
                or col not in T3_COLUMN_KEYS
            ):
                return False
        elif table == "t4":
            if row not in {b for b, _ in T4_BLOCKS} or col not in T4_COLUMN_KEYS:
                return False
        else:
            specs = {s.key: s.columns for s in T2_ROWS_2021 + T2_ROWS_2019}
            if row not in specs or col not in specs[row]:
                return False
    return True
