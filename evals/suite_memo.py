"""Memo suite: groundedness of every figure printed in the Markdown memo.

For every readable report of the public corpus (and the seed) and every fixture, the memo is rendered
(``render_markdown(build_memo(review))``) and each number printed in it must be *grounded*:

* it appears in the report text (original or normalised, e.g. full-width digits), or
* it is computed by code from figures that do: the numbers a finding carries (``figures``, its source ``lines``),
  the narrative comparisons, table cells and their source lines, ambiguity splits, counts the memo makes
  (findings per severity, rows, columns, comparisons, items) and simple arithmetic on a finding's own figures
  (sums, differences, ratios as percentages, 万元/亿元 conversions).

Rule IDs (``XS-FEE-R22``), cell paths (``t3.new_received.total``), the template code, the tool/schema versions and
the fixed references of rule texts (``国办公开办函〔2021〕30号``, ``2019年试行格式``, ``阈值 30%``) are labels, not
figures, and are removed before numbers are read. The file path line is metadata. Target: 0
ungrounded figures per memo.
"""

from __future__ import annotations

import itertools
import re
import time
from pathlib import Path
from typing import Any

from evals.common import SuiteResult, corpus_reports, display_path, fixture_reports, require_shared

SUITE = "memo"
_NUM = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
_LABELS = re.compile(
    r"\b[A-Z]{1,4}\d*(?:-[A-Z0-9]+)+\b|`[^`]*`|\bt[234](?:\.[A-Za-z_*]+)+|FMT-20\d\d|reviewer \S+|schema \S+"
    # fixed references of the rule texts: template notices (国办公开办函〔2021〕30号), template names, rule thresholds
    r"|[〔(（]\d{4}[〕)）]\d+号|\d{4}年(?:试行)?格式|阈值\s*\d+(?:\.\d+)?%"
)


def numbers(text: str) -> set[str]:
    """Numbers printed in ``text`` (labels removed), normalised ('12.0' stays '12.0'; '012' -> '12')."""
    return {_canon(n) for n in _NUM.findall(_LABELS.sub(" ", text))}


def _canon(n: str) -> str:
    if "." in n:
        return n
    return str(int(n))


def _fmt_variants(x: float) -> set[str]:
    out = {f"{x:g}", f"{x:.1f}", f"{x:.2f}", str(round(x, 6))}
    if float(x).is_integer():
        out.add(str(int(x)))
    return {_canon(v) if re.fullmatch(r"\d+(?:\.\d+)?", v) else v for v in out}


def _flat_numbers(obj: Any) -> list[float]:
    out: list[float] = []
    if isinstance(obj, bool):
        return out
    if isinstance(obj, (int, float)):
        out.append(float(obj))
    elif isinstance(obj, str):
        out.extend(float(n) for n in _NUM.findall(obj))
    elif isinstance(obj, dict):
        for v in obj.values():
            out.extend(_flat_numbers(v))
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            out.extend(_flat_numbers(v))
    return out


def grounded_numbers(review, memo, source_text: str) -> set[str]:
    """Every number the memo may print for this review (see the module doc)."""
    from reviewer.ingest.text import normalise

    allowed = (
        numbers(source_text) | numbers(normalise(source_text)) | numbers(re.sub(r"\s+", "", normalise(source_text)))
    )
    derived: list[float] = []
    for f in memo.findings + memo.extraction_issues:
        vals = _flat_numbers(f.figures) + [float(x) for x in f.lines]
        derived += vals
        allowed |= numbers(str(f.figures))
        for a, b in itertools.permutations(set(vals[:12]), 2):
            derived += [a + b, abs(a - b)]
            if b:
                derived += [a / b * 100]
        derived += [v / 10000 for v in vals]
    for c in memo.narrative_checks:
        derived += _flat_numbers(c)
    for k in memo.key_figures:
        derived += _flat_numbers(k.get("value")) + _flat_numbers(k.get("line"))
    r = review.report
    for t in (r.t2, r.t3, r.t4):
        for cols in t.rows.values():
            derived += [float(c.line) for c in cols.values() if c.line]
        derived += [float(x) for x in t.row_lines.values() if x]
        for amb in t.ambiguities:
            derived += (
                _flat_numbers(amb.chosen)
                + _flat_numbers(amb.alternatives)
                + [float(amb.count), float(len(amb.alternatives) + 1)]
            )
        for e in t.evidence:  # counts computed by the reader and the confidence step (failing identities, rows)
            derived += [float(x) for x in e.lines] + _flat_numbers(e.message)
    derived += [float(s.line) for s in r.sections]
    for fig in review.figures:
        derived += [float(fig.line), float(fig.value)]
    s6 = memo.section6.get("fees", {})
    derived += _flat_numbers(s6)
    counts = [
        len(memo.findings),
        len(memo.extraction_issues),
        len(memo.narrative_checks),
        len(memo.questions),
        len(memo.key_figures),
        len(r.t3.rows),
        len(memo.section5.get("pairs", [])),
        len(memo.section5.get("problems", [])),
        len(memo.section5.get("improvements", [])),
    ]
    counts += [sum(1 for f in memo.findings if f.severity.value == s) for s in ("error", "warning", "info")]
    counts += list(range(0, 8)) + [15, 25, 23]  # template structure: 6 parts, 7 columns, 3 blocks, 15/25/23 cells/rows
    counts += list(range(1, len(memo.questions) + 1))
    unanswered = sum(1 for p in memo.section5.get("pairs", []) if p.get("improvement") is None)
    counts += [len(memo.section5.get("pairs", [])) - unanswered]
    if memo.year:
        counts.append(memo.year)
    derived += [float(c) for c in counts]
    for x in derived:
        allowed |= _fmt_variants(x)
    return allowed


def memo_ungrounded(path: Path) -> tuple[list[str], str] | None:
    """Ungrounded numbers of the memo of ``path`` (None when the file is not readable)."""
    from reviewer.errors import InputError
    from reviewer.memo import build_memo, render_markdown
    from reviewer.pipeline import review_file

    try:
        review = review_file(path)
    except InputError:
        return None
    memo = build_memo(review)
    md = render_markdown(memo)
    source = "\n".join(ln.original for ln in review.report.lines)
    allowed = grounded_numbers(review, memo, source)
    body = "\n".join(ln for ln in md.splitlines() if not ln.startswith("- 文件："))
    bad = sorted(numbers(body) - allowed, key=lambda s: float(s))
    context = []
    for n in bad[:5]:
        m = re.search(rf"(?<![\d.]){re.escape(n)}(?![\d.])", body)
        if m:
            context.append(body[max(0, m.start() - 30) : m.end() + 10].replace("\n", " "))
    return bad, " | ".join(context)


def run(**_: Any) -> SuiteResult:
    result = SuiteResult(SUITE)
    t0 = time.perf_counter()
    shared = require_shared()
    paths = fixture_reports() + corpus_reports(shared)
    total = 0
    per: dict[str, Any] = {}
    unreadable = []
    for path in paths:
        name = display_path(path, shared)
        got = memo_ungrounded(path)
        if got is None:
            unreadable.append(name)
            continue
        bad, ctx = got
        per[name] = {"ungrounded": bad, "context": ctx}
        total += len(bad)
    result.seconds = time.perf_counter() - t0
    result.add(
        "memos checked",
        len(per),
        "min_memos_checked",
        detail=f"{len(unreadable)} files not readable" if unreadable else "",
    )
    result.add("ungrounded figures (all memos)", total, "max_ungrounded_total")
    for name, info in per.items():
        result.add(
            f"ungrounded [{Path(name).name}]",
            len(info["ungrounded"]),
            "max_ungrounded_per_memo",
            Path(name).name,
            detail=(", ".join(info["ungrounded"][:8]) + (f" — {info['context']}" if info["context"] else ""))
            if info["ungrounded"]
            else "",
        )
    result.details = {"memos": per, "not_readable": unreadable}
    return result
