"""Benchmark: seconds per page for PDF, per report for HTML, DOCX and text (prints figures; no thresholds).

Usage: python evals/bench_formats.py [--repeat N]. Reads the public corpus from ../shared (or $REVIEWER_SHARED)
and builds a DOCX from our own fixture data.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evals.docx_sample import build_docx  # noqa: E402
from reviewer.ingest import document_from_bytes  # noqa: E402
from reviewer.parse import parse_document  # noqa: E402
from reviewer.pipeline import review_report  # noqa: E402


def _time(data: bytes, name: str, repeat: int) -> tuple[float, int]:
    best = float("inf")
    pages = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        report = parse_document(document_from_bytes(data, name))
        review_report(report)
        best = min(best, time.perf_counter() - t0)
        pages = len({ln.page for ln in report.lines if ln.page}) or 1
    return best, pages


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    shared = Path(os.environ.get("REVIEWER_SHARED", ROOT.parent / "shared")) / "corpus" / "real"
    rows = []
    if shared.is_dir():
        for path in sorted(shared.glob("*.pdf")):
            secs, pages = _time(path.read_bytes(), path.name, args.repeat)
            rows.append((path.name, "pdf", secs, pages, secs / pages, "s/page"))
        for path in sorted(shared.glob("*.html")):
            secs, _ = _time(path.read_bytes(), path.name, args.repeat)
            rows.append((path.name, "html", secs, 1, secs, "s/report"))
        for path in sorted(shared.glob("*.txt"))[:5]:
            secs, _ = _time(path.read_bytes(), path.name, args.repeat)
            rows.append((path.name, "text", secs, 1, secs, "s/report"))
    for split in (False, True):
        data = build_docx(split)
        secs, _ = _time(data, "sample.docx", args.repeat)
        rows.append((f"sample{'-split' if split else ''}.docx", "docx", secs, 1, secs, "s/report"))
    print(f"{'file':34s} {'format':6s} {'seconds':>8s} {'pages':>5s} {'per unit':>9s}")
    for name, fmt, secs, pages, per, unit in rows:
        print(f"{name:34s} {fmt:6s} {secs:8.3f} {pages:5d} {per:9.3f} {unit}")
    for fmt, unit in (("pdf", "s/page"), ("html", "s/report"), ("docx", "s/report"), ("text", "s/report")):
        sel = [r for r in rows if r[1] == fmt]
        if sel:
            mean = sum(r[4] for r in sel) / len(sel)
            print(f"mean {fmt}: {mean:.3f} {unit} over {len(sel)} file(s)")


if __name__ == "__main__":
    main()
