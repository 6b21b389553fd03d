"""Variants suite: the same report produced by other programs gives the same cells (issue 11).

Sources: every fixture with tables (MANIFEST: the tables as printed) and every report of ``../shared/corpus/real``
that has an HTML or PDF source (gold: the hand-read tables); each is also scored as it is (group ``source``).
Variants: :mod:`evals.variants` (HTML fragment, MHTML, Chromium PDF with and without borders, LibreOffice
HTML->DOCX and DOCX->PDF, python-docx DOCX from the parse and its PDF).

Per variant group:

* **cell agreement** (micro over cells, :func:`reviewer.goldcompare.compare_tables`) on the variants whose converter
  kept every printed table column (threshold ``min_variant_cell_agreement``);
* **lossy variants**: a converter that dropped printed text (LibreOffice clips a table wider than the page) cannot be
  read whole by anyone; those are scored instead on what the tool says: each of their tables that lost text must be
  ``doubtful`` or not assessable, never the source of an ``error`` (``min_lossy_flagged``);
* **false errors**: ``error`` findings of the report category that the source itself does not have (planted defects
  of a fixture, gold anomalies of a real report): target 0 (``max_variant_false_errors``);
* **missing**: variants a converter could not build (not installed): the suite fails on a threshold of 0 missing.
"""

from __future__ import annotations

import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from evals.common import FIXTURES, SuiteResult, gold_for, manifest, ratio, require_shared

SUITE = "variants"


def sources(shared: Path) -> list[tuple[Path, dict[str, Any], set[str]]]:
    """``(path, gold tables, rules the source legitimately raises as errors)`` of every variant source."""
    out = []
    for name, entry in sorted(manifest().items()):
        if not entry.get("is_report") or not entry.get("tables"):
            continue
        path = FIXTURES / name
        if path.is_file():
            planted = {e["rule"] for e in entry.get("expected", [])} | {
                r for e in entry.get("expected", []) for r in e.get("also_acceptable", [])
            }
            out.append((path, entry["tables"], planted | {e["rule"] for e in entry.get("incidental", [])}))
    real = shared / "corpus" / "real"
    for path in sorted(real.iterdir()):
        if path.suffix.lower() in (".html", ".htm", ".pdf"):
            gold = gold_for(path, shared)
            if gold is not None:
                out.append(
                    (
                        path,
                        {t: gold.get(t) for t in ("t2", "t3", "t4")},
                        {a["rule"] for a in gold.get("known_anomalies", [])},
                    )
                )
    return out


def _digits(report, table) -> int:
    """Digits of the cells read in a table (0 when the table was not found)."""
    t = getattr(report, table)
    if not t.ok:
        return 0
    return sum(ch.isdigit() for cols in t.rows.values() for c in cols.values() for ch in c.raw)


def lost_tables(source_report, variant_report) -> list[str]:
    """Tables some of whose printed digits the converter dropped: the variant's whole text holds fewer digits than
    the source's (LibreOffice writes no text for the columns of a table wider than the page), and fewer digits were
    read in the table's cells. No reader can read such a table whole. (When the converter kept every digit, a table
    read short is the reader's failure and is scored as such.)"""

    def total(report) -> int:
        return sum(ch.isdigit() for ln in report.lines for ch in unicodedata.normalize("NFKC", ln.text))

    if total(variant_report) >= total(source_report):
        return []
    return [t for t in ("t2", "t3", "t4") if _digits(variant_report, t) < _digits(source_report, t)]


def run(**_: Any) -> SuiteResult:
    shared = require_shared()
    from evals.variants import ALL_KINDS, build
    from reviewer.errors import InputError
    from reviewer.goldcompare import compare_tables
    from reviewer.pipeline import parse_file, review_report

    result = SuiteResult(SUITE)
    t0 = time.perf_counter()
    srcs = sources(shared)
    allowed = {path: rules for path, _, rules in srcs}
    golds = {path: tables for path, tables, _ in srcs}
    variants = build([p for p, _, _ in srcs], golds)
    source_reports = {p: parse_file(p) for p, _, _ in srcs}
    per_group: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    files: dict[str, list[dict[str, Any]]] = defaultdict(list)
    lossy: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    false_errors: dict[str, list[str]] = defaultdict(list)
    missing: list[str] = []
    unreadable: list[str] = []
    items = [(p, "source", p) for p, _, _ in srcs] + [(v.source, v.kind, v.path) for v in variants]
    for v in variants:
        if v.path is None:
            missing.append(f"{v.source.name} {v.kind}: {v.missing}")
    for src, kind, path in items:
        if path is None:
            continue
        try:
            review = review_report(parse_file(path))
        except InputError as exc:
            unreadable.append(f"{src.name} {kind}: {exc.reason}")
            per_group[kind][1] += 1
            continue
        report = review.report
        errors = [
            f"{f.rule} {f.where}"
            for f in review.findings
            if f.category == "report" and f.severity.value == "error" and f.rule not in allowed[src]
        ]
        false_errors[kind] += [f"{src.name}: {e}" for e in errors]
        lost = lost_tables(source_reports[src], report) if kind != "source" else []
        if lost:
            lossy[kind][1] += 1
            flagged = all(getattr(report, t).state in ("doubtful", "not_assessable") for t in lost)
            clean = not any(
                f.severity.value == "error" and f.category == "report" and f.where.split(".")[0] in lost
                for f in review.findings
            )
            lossy[kind][0] += flagged and clean
            files[kind].append(
                {
                    "source": src.name,
                    "lossy": lost,
                    "flagged": flagged and clean,
                    "states": {t.name: t.state for t in (report.t2, report.t3, report.t4)},
                    "errors": [
                        f"{f.rule} {f.where}"
                        for f in review.findings
                        if f.severity.value == "error" and f.category == "report"
                    ],
                }
            )
            continue
        cmp = compare_tables(golds[src], report.gold_view())
        per_group[kind][0] += cmp.agree
        per_group[kind][1] += cmp.total
        files[kind].append(
            {
                "source": src.name,
                "agree": cmp.agree,
                "cells": cmp.total,
                "states": {t.name: t.state for t in (report.t2, report.t3, report.t4)},
                "mismatches": [{"cell": c, "gold": g, "parsed": p} for c, g, p in cmp.mismatches[:10]],
            }
        )
    result.seconds = time.perf_counter() - t0
    result.add("sources", len(srcs), "min_variant_sources", detail=", ".join(p.name for p, _, _ in srcs))
    result.add("variants not built", len(missing), "max_variants_missing", detail="; ".join(missing[:4]))
    result.add("variants not readable", len(unreadable), "max_variants_unreadable", detail="; ".join(unreadable[:4]))
    total_agree = total_cells = 0
    for kind in ("source",) + ALL_KINDS:
        agree, cells = per_group.get(kind, [0, 0])
        total_agree += agree
        total_cells += cells
        worst = sorted(files.get(kind, []), key=lambda f: f.get("agree", 0) / max(1, f.get("cells", 1)))[:2]
        detail = f"{agree}/{cells} cells over {sum(1 for f in files.get(kind, []) if 'cells' in f)} files"
        bad = [f"{f['source']} {f['agree']}/{f['cells']}" for f in worst if "cells" in f and f["agree"] < f["cells"]]
        if bad:
            detail += "; lowest: " + ", ".join(bad)
        result.add(f"cell agreement [{kind}]", ratio(agree, cells), "min_variant_cell_agreement", kind, detail=detail)
        fe = false_errors.get(kind, [])
        result.add(f"false errors [{kind}]", len(fe), "max_variant_false_errors", kind, detail="; ".join(fe[:3]))
        if kind in lossy:
            ok, n = lossy[kind]
            missed = [
                f"{f['source']} ({','.join(f['lossy'])}: {f['states']}, errors {f['errors'][:2]})"
                for f in files[kind]
                if "lossy" in f and not f["flagged"]
            ]
            result.add(
                f"lossy variants flagged doubtful [{kind}]",
                ratio(ok, n),
                "min_lossy_flagged",
                kind,
                detail=f"{ok}/{n} variants whose converter dropped table text"
                + (f"; not flagged: {'; '.join(missed[:3])}" if missed else ""),
            )
    result.add(
        "cell agreement (all variants)",
        ratio(total_agree, total_cells),
        "min_variant_cell_agreement_overall",
        detail=f"{total_agree}/{total_cells} cells",
    )
    result.details = {
        "groups": {k: {"agree": a, "cells": c} for k, (a, c) in per_group.items()},
        "files": dict(files),
        "missing": missing,
        "unreadable": unreadable,
        "false_errors": dict(false_errors),
    }
    return result
