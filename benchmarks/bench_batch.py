"""Batch benchmark: generate N synthetic reports (benchmarks/synth.py), review them with ``reviewer batch``, re-run
unchanged, and print reports/s, unchanged re-run files/s and peak RSS. Figures only; no thresholds here.

Usage: python -m benchmarks.bench_batch [--n 10000] [--jobs 2] [--layouts tab,spaced,...] [--workdir DIR]
Targets from the batch issue (2 cores): ≥ 300 reports/s for text reports, unchanged re-run ≥ 5,000 files/s,
peak RSS ≤ 500 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _rss_mb(ru_maxrss_kb: int) -> float:
    return ru_maxrss_kb / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--layouts", default="", help="comma-separated subset of the generator's layouts")
    ap.add_argument("--workdir", default="")
    args = ap.parse_args()
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="reviewer-bench-"))
    src, out = work / "in", work / "out"
    # an earlier run's output is moved aside and deleted after the measurement: deleting 20,000 files just before
    # the timed run makes the file system (ext4 with online discard here) slow down the run's own file creation
    stale = work / f"out-stale-{os.getpid()}"
    if out.exists():
        out.rename(stale)
    from benchmarks.synth import generate

    t0 = time.perf_counter()
    kwargs = {"formats": tuple(args.layouts.split(","))} if args.layouts else {}
    if not src.exists() or len(list(src.glob("r*"))) != args.n:
        shutil.rmtree(src, ignore_errors=True)
        src.mkdir(parents=True)
        generate(src, args.n, seed=args.seed, **kwargs)
    gen = time.perf_counter() - t0
    cmd = [
        "/usr/bin/time",
        "-v",
        sys.executable,
        "-m",
        "reviewer.cli",
        "batch",
        str(src),
        "-o",
        str(out),
        "--jobs",
        str(args.jobs),
    ]

    def run() -> tuple[float, float, str]:
        t = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        secs = time.perf_counter() - t
        rss = 0.0
        cpu = {}
        for line in p.stderr.splitlines():
            if "Maximum resident set size" in line:
                rss = int(line.split(":")[1]) / 1024
            elif "User time (seconds)" in line or "System time (seconds)" in line:
                cpu[line.split("(")[0].strip()] = float(line.split(":")[1])
        summary = next((ln for ln in p.stderr.splitlines() if " files: " in ln), p.stderr[-300:])
        if cpu:
            summary += f" [CPU of the run and its workers: user {cpu.get('User time', 0):.1f} s, system {cpu.get('System time', 0):.1f} s]"
        return secs, rss, summary

    first, rss1, s1 = run()
    second, rss2, s2 = run()
    children = _rss_mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(f"reports: {args.n} (generated in {gen:.1f} s) in {work}")
    print(f"first run:  {first:.1f} s -> {args.n / first:.0f} reports/s with --jobs {args.jobs}; {s1}")
    print(f"re-run:     {second:.2f} s -> {args.n / second:.0f} files/s (unchanged); {s2}")
    print(f"peak RSS:   main process {max(rss1, rss2):.0f} MB (/usr/bin/time), largest child {children:.0f} MB")
    shutil.rmtree(stale, ignore_errors=True)


if __name__ == "__main__":
    main()
