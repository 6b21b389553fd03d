"""Narrative suite: the narrative-figure extractor and the narrative-versus-table comparison (XS-NARR-*).

Cases (``evals/data/narrative_cases.jsonl``, generated from ``narrative_templates.json`` by
``python -m evals.suite_narrative --write``) put one sentence into section 一 of a clean fixture report:

* ``agree`` / ``contradict``: a figure equal to / different from the fixture's table value (Arabic digits);
* ``chinese`` (``二十六件``, ``两件``), ``fullwidth`` (``２６``), ``spaced`` (``26 件``): the same, other spellings;
* ``scope``: a contradicting figure for a different scope (全区 in a department's report, 本机关 in a government's
  report): the comparison must flag it as a scope difference (warning), not as an error;
* ``percent`` and ``distractor``: percentages and counts without a table cell (场, 期, 篇) that must be ignored.

The extractor runs on the section-一 heading plus the sentence (``reviewer.narrative.extract_figures``); the XS
rules run on the fixture's parsed tables with the figures read from the sentence. Measured: extractor
precision/recall over (metric, value), scope accuracy, XS verdict accuracy (rule fires iff the figure
contradicts the table, with the expected severity), and the colleague's gold-corpus score
(``evals/narrative_gold.py``) over the public corpus.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from typing import Any

from evals.common import DATA, FIXTURES, SuiteResult, SuiteUnavailable, ratio, require_shared

SUITE = "narrative"
TEMPLATES = DATA / "narrative_templates.json"
CASES = DATA / "narrative_cases.jsonl"
SEED = 4
NEW_LINE = 100_000  # line number of the inserted sentence (beyond any fixture line)
_T3_ALTS = (
    "new_received+carried_over",
    "total_processed",
    "new_received",
    "total_processed+carried_forward",
    "carried_over",
    "carried_forward",
)


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) - 0x30 + 0xFF10) if c.isdigit() else c for c in s)


def _chinese(n: int, rng: random.Random) -> str:
    import cn2an

    if n == 2 and rng.random() < 0.5:
        return "两"
    return cn2an.an2cn(n, "low")


def _base(name: str):
    from reviewer.pipeline import parse_file

    return parse_file(FIXTURES / name)


def _forbidden(ctx, metric: str, value: float) -> set[float]:
    """Values that would match an alternative reading of a table-3 metric (they would soften the verdict)."""
    out = {value}
    if metric.startswith("t3."):
        col = metric.split("+")[0].split(".")[-1]
        for alt in _T3_ALTS:
            v = ctx.metric("+".join(f"t3.{p}.{col}" for p in alt.split("+")))
            if v is not None:
                out.add(v)
    return out


def generate(seed: int = SEED) -> list[dict[str, Any]]:
    """Every narrative case, deterministic for ``seed``."""
    from reviewer.checks import Context

    tpl = json.loads(TEMPLATES.read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = []
    for base_name in tpl["bases"]:
        report = _base(base_name)
        ctx = Context(report=report)
        level = report.office_level
        rng = random.Random(f"{seed}/{base_name}")
        for spec in tpl["metrics"]:
            table_value = ctx.metric(spec["metric"])
            if table_value is None:
                continue
            sev = "warning" if spec["rule"] == "XS-NARR-T2" else "error"
            bad = sorted(_forbidden(ctx, spec["metric"], table_value))
            wrong = next(v for v in (table_value + d for d in rng.sample([1, 2, 3, 4, 5, 7, 9, 11], 8)) if v not in bad)
            phrase = spec["phrases"]

            def add(
                kind: str,
                sentence: str,
                stated: float,
                verdict: str,
                severity: str | None = None,
                scope: str | None = None,
            ) -> None:
                case = {
                    "id": f"{base_name}:{spec['metric']}:{kind}",
                    "base": base_name,
                    "kind": kind,
                    "sentence": sentence,
                    "metric": spec["metric"],
                    "table_value": table_value,
                    "stated": stated,
                    "expect_figures": [
                        {"metric": spec["metric"], "value": stated, **({"scope": scope} if scope else {})}
                    ],
                    "expect_rule": spec["rule"],
                    "expect_verdict": verdict,
                }
                if severity:
                    case["expect_severity"] = severity
                cases.append(case)

            p = phrase[rng.randrange(len(phrase))]
            fmt = lambda v: str(int(v)) if float(v).is_integer() else f"{v:g}"  # noqa: E731
            add("agree", p.format(n=fmt(table_value)) + "。", table_value, "none")
            add("contradict", p.format(n=fmt(wrong)) + "。", wrong, "finding", sev)
            if table_value >= 1 and float(table_value).is_integer():
                add("chinese_agree", p.format(n=_chinese(int(table_value), rng)) + "。", table_value, "none")
            if float(wrong).is_integer():
                add("chinese_contradict", p.format(n=_chinese(int(wrong), rng)) + "。", wrong, "finding", sev)
            add("fullwidth", p.format(n=_fullwidth(fmt(wrong))) + "。", wrong, "finding", sev)
            add("spaced", p.format(n=f" {fmt(table_value)} ") + "。", table_value, "none")
            if level == "government":
                add("scope_organ", "本机关" + p.format(n=fmt(wrong)) + "。", wrong, "finding", "warning", "organ")
            else:
                prefix = rng.choice(tpl["scope_prefixes"]["aggregate"])
                add("scope_aggregate", prefix + p.format(n=fmt(wrong)) + "。", wrong, "finding", "warning", "aggregate")
        for i, s in enumerate(tpl["percent_sentences"]):
            pct = rng.choice(["95", "100", "35.5", "12.8", "3"])
            cases.append(
                {
                    "id": f"{base_name}:percent:{i}",
                    "base": base_name,
                    "kind": "percent",
                    "sentence": s.format(p=pct) + "。",
                    "expect_figures": [],
                    "expect_verdict": "none",
                }
            )
        for i, s in enumerate(tpl["distractor_sentences"]):
            n = rng.choice([3, 12, 26, 47])
            cases.append(
                {
                    "id": f"{base_name}:distractor:{i}",
                    "base": base_name,
                    "kind": "distractor",
                    "sentence": s.format(n=n) + "。",
                    "expect_figures": [],
                    "expect_verdict": "none",
                }
            )
    return cases


def load() -> list[dict[str, Any]]:
    if not CASES.is_file():
        return []
    return [
        json.loads(ln) for ln in CASES.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")
    ]


def write(cases: list[dict[str, Any]]) -> None:
    head = "# " + json.dumps(
        {
            "#": "narrative-suite cases generated by `python -m evals.suite_narrative --write`",
            "seed": SEED,
            "cases": len(cases),
        },
        ensure_ascii=False,
    )
    CASES.write_text(
        head + "\n" + "\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases) + "\n",
        encoding="utf-8",
    )


def _key(metric: str, value: float) -> tuple[str, float]:
    return metric, round(float(value), 6)


def run(**_: Any) -> SuiteResult:
    from reviewer.checks import RULES, Context
    from reviewer.narrative import extract_figures

    shared = require_shared()
    cases = load()
    if not cases:
        raise SuiteUnavailable(f"narrative dataset not found: {CASES} (run python -m evals.suite_narrative --write)")
    result = SuiteResult(SUITE)
    t0 = time.perf_counter()
    bases: dict[str, Any] = {}
    stale = []
    tp = fp = fn = 0
    scope_ok = scope_n = 0
    verdict_ok = verdict_n = 0
    by_kind: Counter[str] = Counter()
    by_kind_ok: Counter[str] = Counter()
    failures: list[dict[str, Any]] = []
    for case in cases:
        if case["base"] not in bases:
            bases[case["base"]] = _base(case["base"])
        report = bases[case["base"]]
        if "table_value" in case and Context(report=report).metric(case["metric"]) != case["table_value"]:
            stale.append(case["id"])
            continue
        sec1 = report.section(1)
        heading = report.lines[sec1.line - 1].original if sec1 else "一、总体情况"
        lines = [(sec1.line if sec1 else 1, heading), (NEW_LINE, case["sentence"])]
        figures = [f for f in extract_figures(lines, lambda ln: 1, template=report.template) if f.line == NEW_LINE]
        got = {_key(f.metric, f.value): f for f in figures}
        want = {_key(e["metric"], e["value"]): e for e in case["expect_figures"]}
        c_tp = len(set(got) & set(want))
        tp += c_tp
        fp += len(set(got) - set(want))
        fn += len(set(want) - set(got))
        ok = c_tp == len(want) and len(got) == len(want)
        for k, e in want.items():
            if "scope" in e and k in got:
                scope_n += 1
                scope_ok += got[k].scope == e["scope"]
                ok = ok and got[k].scope == e["scope"]
        if case.get("expect_rule"):
            ctx = Context(report=report, figures=figures)
            found = [f for f in RULES[case["expect_rule"]].func(ctx) if NEW_LINE in f.lines]
            verdict_n += 1
            if case["expect_verdict"] == "none":
                v_ok = not found
            else:
                v_ok = bool(found) and found[0].severity.value == case.get("expect_severity", found[0].severity.value)
            verdict_ok += v_ok
            ok = ok and v_ok
        else:
            found = []
        by_kind[case["kind"]] += 1
        by_kind_ok[case["kind"]] += ok
        if not ok:
            failures.append(
                {
                    "case": case["id"],
                    "sentence": case["sentence"],
                    "expected": case["expect_figures"],
                    "extracted": [{"metric": f.metric, "value": f.value, "scope": f.scope} for f in figures],
                    "verdict": case["expect_verdict"],
                    "findings": [f"{f.severity.value}: {f.message[:80]}" for f in found],
                }
            )
    result.seconds = time.perf_counter() - t0
    n = len(cases) - len(stale)
    result.add("cases", n, detail=f"{len(stale)} stale" if stale else "")
    result.add(
        "extractor precision",
        ratio(tp, tp + fp),
        "min_extractor_precision",
        detail=f"{tp}/{tp + fp} figures read from the sentences",
    )
    result.add("extractor recall", ratio(tp, tp + fn), "min_extractor_recall", detail=f"{tp}/{tp + fn} stated figures")
    result.add("scope accuracy", ratio(scope_ok, scope_n), "min_scope_accuracy", detail=f"{scope_ok}/{scope_n}")
    result.add(
        "XS verdict accuracy",
        ratio(verdict_ok, verdict_n),
        "min_xs_verdict_accuracy",
        detail=f"{verdict_ok}/{verdict_n} agree/contradict verdicts",
    )
    for kind in sorted(by_kind):
        bad = [f["case"] for f in failures if f["case"].endswith(":" + kind) or f"{':' + kind + ':'}" in f["case"]][:2]
        result.add(
            f"cases right [{kind}]",
            ratio(by_kind_ok[kind], by_kind[kind]),
            "min_kind_accuracy",
            kind,
            detail=f"{by_kind_ok[kind]}/{by_kind[kind]}" + (f"; e.g. {', '.join(bad)}" if bad else ""),
        )
    from evals import narrative_gold

    score = narrative_gold.evaluate(shared)
    gold_total = sum(f.gold_total for f in score.files)
    emitted = sum(f.emitted_pairs for f in score.files)
    result.add(
        "gold corpus recall",
        score.recall,
        "min_gold_recall",
        detail=f"{sum(f.gold_found for f in score.files)}/{gold_total} (evals/narrative_gold.py)",
    )
    result.add(
        "gold corpus precision",
        score.precision,
        "min_gold_precision",
        detail=f"{sum(f.emitted_right for f in score.files)}/{emitted}",
    )
    result.details = {"failures": failures, "stale": stale}
    if stale:
        result.notes.append(
            f"{len(stale)} narrative cases are stale (fixture tables changed): run python -m evals.suite_narrative --write"
        )
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate or score the narrative cases.")
    ap.add_argument("--write", action="store_true", help=f"regenerate {CASES.name}")
    args = ap.parse_args(argv)
    if args.write:
        cases = generate()
        write(cases)
        print(f"{len(cases)} cases written to {CASES}", file=sys.stderr)
        return 0
    res = run()
    for m in res.metrics:
        print(f"{m.name:40s} {m.value:.3f} {m.detail}")
    for f in res.details["failures"]:
        print("FAIL", json.dumps(f, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["generate", "run"]
