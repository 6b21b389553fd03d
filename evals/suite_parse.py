"""Parse suite: every report of ``corpus/real`` (and the seed) against its hand-read gold.

Measures, with :func:`reviewer.goldcompare.compare_tables`: cell accuracy per file, per format and overall
(micro-averaged over cells), template detection accuracy and ``sections_present`` accuracy (per section flag,
and whole-file exact match). A file the tool refuses with an :class:`~reviewer.errors.InputError` counts as
*not readable* and is listed; any other exception is a *crash* (threshold 0).
"""

from __future__ import annotations

import time
from collections import defaultdict

from evals.common import SuiteResult, corpus_reports, gold_for, ratio, report_format, require_shared

SUITE = "parse"


def run(**_: object) -> SuiteResult:
    shared = require_shared()
    from reviewer.errors import InputError
    from reviewer.goldcompare import compare_tables
    from reviewer.pipeline import parse_file

    result = SuiteResult(SUITE)
    t0 = time.perf_counter()
    per_format: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    files: dict[str, dict] = {}
    unreadable: dict[str, str] = {}
    crashes: dict[str, str] = {}
    no_gold: list[str] = []
    template_ok = sections_ok = section_flags_ok = section_flags = 0
    total_agree = total_cells = 0
    readings_ok = readings_total = 0
    readings_missed: list[str] = []
    settled_agree = settled_total = 0
    assessed = 0
    for path in corpus_reports(shared):
        gold = gold_for(path, shared)
        if gold is None:
            no_gold.append(path.name)
            continue
        fmt = report_format(path.name)
        try:
            report = parse_file(path)
        except InputError as exc:
            unreadable[path.name] = exc.reason
            continue
        except Exception as exc:  # noqa: BLE001 - a crash is a finding of the suite, not a reason to stop
            crashes[path.name] = f"{type(exc).__name__}: {exc}"
            continue
        assessed += 1
        view = report.gold_view()
        cmp = compare_tables(gold, view)
        for table in (report.t2, report.t3, report.t4):
            for amb in table.ambiguities:
                found, printed = _gold_among_readings(gold, table.name, amb)
                if printed is None:
                    continue
                readings_total += 1
                readings_ok += found
                if not found:
                    readings_missed.append(
                        f"{path.name} {table.name}.{amb.row} printed {printed} not among {len(amb.alternatives) + 1} readings"
                    )
        ambiguous = {
            f"{t.name}.{r}.{c}"
            for t in (report.t2, report.t3, report.t4)
            if t.ok
            for r, cols in t.rows.items()
            for c, cell in cols.items()
            if cell.ambiguous
        }
        settled_total += cmp.total - sum(1 for p in _cell_paths(gold) if p in ambiguous)
        settled_agree += cmp.agree - sum(
            1 for p in _cell_paths(gold) if p in ambiguous and p not in {m[0] for m in cmp.mismatches}
        )
        total_agree += cmp.agree
        total_cells += cmp.total
        per_format[fmt][0] += cmp.agree
        per_format[fmt][1] += cmp.total
        t_ok = view["template"] == gold.get("template")
        gold_sections = gold.get("sections_present") or {}
        flags = [view["sections_present"].get(k) == v for k, v in gold_sections.items()]
        template_ok += t_ok
        section_flags += len(flags)
        section_flags_ok += sum(flags)
        sections_ok += all(flags)
        files[path.name] = {
            "format": fmt,
            "cells": cmp.total,
            "agree": cmp.agree,
            "accuracy": round(cmp.accuracy, 6),
            "template": {"gold": gold.get("template"), "parsed": view["template"]},
            "sections_ok": all(flags),
            "mismatches": [{"cell": c, "gold": g, "parsed": p} for c, g, p in cmp.mismatches[:20]],
        }
    result.seconds = time.perf_counter() - t0
    result.add(
        "files assessed",
        assessed,
        "min_files_assessed",
        detail=f"{len(unreadable)} not readable, {len(crashes)} crashed",
    )
    result.add(
        "files not readable",
        len(unreadable),
        "max_files_not_readable",
        detail="; ".join(f"{k}: {v}" for k, v in unreadable.items()),
    )
    result.add("crashes", len(crashes), "max_crashes", detail="; ".join(f"{k}: {v}" for k, v in crashes.items()))
    result.add(
        "cell accuracy (overall)",
        ratio(total_agree, total_cells),
        "min_cell_accuracy",
        detail=f"{total_agree}/{total_cells} cells",
    )
    for fmt, (agree, total) in sorted(per_format.items()):
        result.add(
            f"cell accuracy [{fmt}]", ratio(agree, total), "min_cell_accuracy_format", fmt, detail=f"{agree}/{total}"
        )
    for name, info in files.items():
        bad = ", ".join(f"{m['cell']} gold={m['gold']!r} parsed={m['parsed']!r}" for m in info["mismatches"][:3])
        result.add(
            f"cell accuracy {name}",
            info["accuracy"],
            "min_cell_accuracy_file",
            name,
            detail=f"{info['agree']}/{info['cells']}" + (f"; e.g. {bad}" if bad else ""),
        )
    result.add(
        "cell accuracy (settled cells)",
        ratio(settled_agree, settled_total),
        "min_settled_cell_accuracy",
        detail=f"{settled_agree}/{settled_total} cells whose reading the evidence settled (ambiguous glued splits excluded)",
    )
    result.add(
        "ambiguous rows: printed split among the readings",
        ratio(readings_ok, readings_total),
        "min_true_split_listed",
        detail=f"{readings_ok}/{readings_total} ambiguous rows"
        + (f"; missed: {'; '.join(readings_missed[:3])}" if readings_missed else ""),
    )
    result.add(
        "template accuracy",
        ratio(template_ok, assessed),
        "min_template_accuracy",
        detail=f"{template_ok}/{assessed} files",
    )
    result.add(
        "sections_present accuracy (flags)",
        ratio(section_flags_ok, section_flags),
        "min_sections_flag_accuracy",
        detail=f"{section_flags_ok}/{section_flags} section flags",
    )
    result.add(
        "sections_present accuracy (files)",
        ratio(sections_ok, assessed),
        "min_sections_file_accuracy",
        detail=f"{sections_ok}/{assessed} files with all six flags right",
    )
    result.details = {
        "files": files,
        "not_readable": unreadable,
        "crashes": crashes,
        "no_gold": no_gold,
        "formats": {f: {"agree": a, "cells": t, "accuracy": ratio(a, t)} for f, (a, t) in per_format.items()},
    }
    if no_gold:
        result.notes.append("reports without a gold file (not scored): " + ", ".join(no_gold))
    return result


def _cell_paths(gold: dict) -> list[str]:
    return [f"{t}.{r}.{c}" for t in ("t2", "t3", "t4") if gold.get(t) for r, cols in gold[t].items() for c in cols]


def _gold_among_readings(gold: dict, table: str, amb) -> tuple[bool, list | None]:
    """Whether the gold (printed) values of an ambiguous row are one of its readings; ``(found, printed values)``
    (printed None when the gold does not record that table)."""
    from reviewer.parse.split import to_number
    from reviewer.template import T4_BLOCKS, T4_COLUMN_KEYS

    g = gold.get(table)
    if not g:
        return False, None
    if amb.row == "all":
        printed = [g[b][c] for b, _ in T4_BLOCKS for c in T4_COLUMN_KEYS]
    elif amb.row in g:
        printed = list(g[amb.row].values())
    else:
        return False, None
    want = [to_number(str(v)) if isinstance(v, (int, float)) else v for v in printed]
    for reading in [amb.chosen, *amb.alternatives]:
        got = [to_number(str(x)) for x in reading]
        if len(got) == len(want) and all(
            w is not None and x is not None and abs(float(w) - float(x)) < 1e-6 for w, x in zip(want, got)
        ):
            return True, printed
    return False, printed


def _main() -> int:  # pragma: no cover - manual use
    import json

    res = run()
    print(json.dumps({m.name: m.value for m in res.metrics}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main())
