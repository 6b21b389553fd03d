"""Run the eval suites, compare every metric with ``evals/thresholds.toml`` and report.

Exit codes (``reviewer eval`` and ``python -m evals.runner``): 0 = every threshold met; 3 = a threshold missed
(the missed metrics are named); 2 = a suite could not run (missing corpus, dataset or thresholds; one line).

Thresholds: each metric carries a key such as ``min_cell_accuracy`` (value must be >=) or ``max_crashes``
(value must be <=). In ``thresholds.toml`` a key is either a number or a table of per-item values (a rule ID,
a format, a file) with an optional ``default``. A metric whose key is not in the file is reported without a
threshold. Thresholds only move up: ``--suggest`` prints the measured values that are stricter than the file.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

from evals.common import EVALS_DIR, Metric, SuiteResult, SuiteUnavailable

SUITES = ("parse", "rules", "narrative", "memo", "variants", "extraction")
THRESHOLDS = EVALS_DIR / "thresholds.toml"


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, Any]:
    if not path.is_file():
        raise SuiteUnavailable(f"thresholds file not found: {path}")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SuiteUnavailable(f"{path}: {exc}") from None


def threshold_for(th: dict[str, Any], m: Metric) -> float | None:
    if not m.key:
        return None
    value = th.get(m.suite, {}).get(m.key)
    if isinstance(value, dict):
        value = value.get(m.item, value.get("default"))
    return float(value) if isinstance(value, (int, float)) else None


def run_suite(name: str, **kwargs: Any) -> SuiteResult:
    module = importlib.import_module(f"evals.suite_{name}")
    t0 = time.perf_counter()
    result: SuiteResult = module.run(**kwargs)
    result.seconds = time.perf_counter() - t0
    return result


def evaluate(
    names: list[str], thresholds: dict[str, Any] | None = None, **kwargs: Any
) -> tuple[list[SuiteResult], int]:
    """Run ``names``; returns the results (thresholds filled in) and the exit code (0 or 3).

    Raises :class:`SuiteUnavailable` when a suite cannot run.
    """
    th = load_thresholds() if thresholds is None else thresholds
    results = []
    for name in names:
        res = run_suite(name, **kwargs)
        for m in res.metrics:
            m.threshold = threshold_for(th, m)
        results.append(res)
    missed = [m for r in results for m in r.metrics if not m.passed]
    return results, 3 if missed else 0


def _fmt(v: float) -> str:
    if float(v).is_integer() and abs(v) >= 1 or v == 0:
        return str(int(v))
    return f"{v:.4f}"


def render_text(results: list[SuiteResult], code: int, seconds: float) -> str:
    rows = [("suite", "metric", "value", "threshold", "status")]
    for r in results:
        for m in r.metrics:
            th = "—" if m.threshold is None else f"{m.op} {_fmt(m.threshold)}"
            status = "" if m.threshold is None else ("ok" if m.passed else "MISSED")
            rows.append((r.suite, m.name, _fmt(m.value), th, status))
    widths = [max(_width(row[i]) for row in rows) for i in range(5)]
    out = []
    for i, row in enumerate(rows):
        out.append("  ".join(_pad(cell, widths[j], right=j in (2, 3)) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    out.append("")
    for r in results:
        out.append(f"{r.suite}: {len(r.metrics)} metrics in {r.seconds:.1f}s")
        out += [f"  note: {n}" for n in r.notes]
    missed = [m for r in results for m in r.metrics if not m.passed]
    n_th = sum(1 for r in results for m in r.metrics if m.threshold is not None)
    if missed:
        out.append("")
        out.append(f"reviewer eval: {len(missed)} of {n_th} thresholds MISSED:")
        for m in missed:
            out.append(
                f"  {m.suite} {m.name} = {_fmt(m.value)}, needs {m.op} {_fmt(m.threshold)}"
                + (f"  ({m.detail[:200]})" if m.detail else "")
            )
    else:
        out.append(
            f"reviewer eval: all {n_th} thresholds met ({', '.join(r.suite for r in results)}) in {seconds:.1f}s"
        )
    return "\n".join(out) + "\n"


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int, right: bool = False) -> str:
    gap = " " * (w - _width(s))
    return gap + s if right else s + gap


def render_json(results: list[SuiteResult], code: int, seconds: float) -> str:
    payload = {
        "passed": code == 0,
        "exit_code": code,
        "seconds": round(seconds, 2),
        "suites": {
            r.suite: {
                "seconds": round(r.seconds, 2),
                "metrics": [m.as_dict() for m in r.metrics],
                "notes": r.notes,
                "details": r.details,
            }
            for r in results
        },
        "missed": [m.as_dict() for r in results for m in r.metrics if not m.passed],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1, default=str) + "\n"


def cli(suite: str | None = None, fmt: str = "text", out=None, err=None, **kwargs: Any) -> int:
    """Entry used by ``reviewer eval``: run, print, and return the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    names = [suite] if suite else list(SUITES)
    t0 = time.perf_counter()
    try:
        results, code = evaluate(names, **kwargs)
    except SuiteUnavailable as exc:
        err.write(f"reviewer eval: cannot run: {exc}\n")
        return 2
    seconds = time.perf_counter() - t0
    out.write(render_json(results, code, seconds) if fmt == "json" else render_text(results, code, seconds))
    return code


def suggest(results: list[SuiteResult]) -> list[str]:
    """Measured values stricter than the thresholds (candidates to raise them: thresholds only move up)."""
    lines = []
    for r in results:
        for m in r.metrics:
            if m.threshold is None:
                continue
            # thresholds are written floored (min_*) or ceiled (max_*) to 4 decimals
            new = (
                math.floor(m.value * 10000 + 1e-9) / 10000
                if m.op == ">="
                else math.ceil(m.value * 10000 - 1e-9) / 10000
            )
            if (m.op == ">=" and new > m.threshold + 1e-9) or (m.op == "<=" and new < m.threshold - 1e-9):
                lines.append(
                    f"[{m.suite}] {m.key}{'.' + repr(m.item) if m.item else ''}: {m.threshold:g} -> {new:g}  ({m.name})"
                )
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Run the reviewer eval suites against evals/thresholds.toml.")
    ap.add_argument("--suite", choices=SUITES)
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--suggest", action="store_true", help="print measured values stricter than the thresholds")
    args = ap.parse_args(argv)
    if args.suggest:
        results, _ = evaluate([args.suite] if args.suite else list(SUITES))
        print("\n".join(suggest(results)) or "no threshold can be raised")
        return 0
    return cli(args.suite, args.format)


if __name__ == "__main__":
    raise SystemExit(main())
