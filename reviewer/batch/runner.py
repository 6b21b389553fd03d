"""Batch review: files, folders and globs -> memos, SQLite store, cross-report checks, CSV/XLSX/HTML summary.

Workers are processes (``--jobs``, default: CPU count). Results are committed to the store in small atomic
transactions as they arrive; a re-run skips files whose size and mtime (or, failing that, content hash) and tool
version are unchanged. A progress bar is drawn on stderr only when it is a terminal.
"""

from __future__ import annotations

import glob
import hashlib
import multiprocessing
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from reviewer import __version__
from reviewer.batch.store import Store
from reviewer.batch.worker import review_one

SKIP_NAMES = {"SOURCES.md", "MANIFEST.json", "manifest.jsonl", "dashboard.html", "summary.csv", "summary.xlsx", "cross_checks.json"}
#: File names a folder scan picks up (reports are recognised by content; other names are reviewed when given
#: explicitly).
REPORT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx", ".doc", ""}


@dataclass
class BatchResult:
    """Counts of one run: ``files`` found, ``reviewed`` now (read and reviewed, or found unreadable), ``skipped``
    unchanged, ``unreadable`` files of the batch that could not be reviewed (now or before), ``problems`` inputs
    that matched no file (one line each), ``errors`` = unreadable + problems, and the batch ``exit_code`` (worst of
    the per-file codes: 0, 1 findings at or above --fail-on, 2 unreadable files, inputs matching nothing, or no
    report file at all)."""

    files: int = 0
    reviewed: int = 0
    skipped: int = 0
    unreadable_files: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    problems: list[str] = field(default_factory=list)
    exit_code: int = 0
    seconds: float = 0.0
    cross_findings: int = 0
    cross_checks: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def unreadable(self) -> int:
        return len(self.unreadable_files)

    @property
    def errors(self) -> int:
        return self.unreadable + len(self.problems)


def discover(inputs: list[str], outdir: str | Path | None = None) -> tuple[list[str], list[str]]:
    """Expand files, folders (recursively) and glob patterns into report files.

    Returns ``(files, problems)``: sorted unique paths (one spelling per real file), and one-line messages for
    inputs that matched nothing. Hidden files, non-regular files met in folders (devices, FIFOs), the batch's own
    output folder and outputs, and known non-report names are skipped.
    """
    found: set[str] = set()
    seen_real: set[str] = set()
    problems: list[str] = []
    out_real = os.path.realpath(outdir) if outdir is not None else None

    def add(path: str) -> None:
        real = os.path.realpath(path)
        if real in seen_real:
            return
        seen_real.add(real)
        found.add(path)
    for item in inputs:
        matches = [item] if os.path.exists(item) else sorted(glob.glob(item, recursive=True))
        if not matches:
            problems.append(f"{item}: no such file, folder or matching glob")
            continue
        for m in matches:
            if os.path.isdir(m):
                for root, dirs, names in os.walk(m, followlinks=False):
                    dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("memos", "__pycache__")
                                     and (out_real is None or os.path.realpath(os.path.join(root, d)) != out_real))
                    for name in sorted(names):
                        if name.startswith(".") or name in SKIP_NAMES or name.endswith((".sqlite", ".sqlite-wal", ".sqlite-shm")):
                            continue
                        if Path(name).suffix.lower() not in REPORT_SUFFIXES:
                            continue
                        full = os.path.join(root, name)
                        if not os.path.isfile(full):
                            continue  # devices, FIFOs and dangling links inside folders are not reports
                        add(full)
            elif os.path.exists(m) and not os.path.isdir(m):
                add(m)
            else:
                problems.append(f"{m}: not a regular file")
    return sorted(found), problems


def _progress(total: int):
    if not sys.stderr.isatty() or os.environ.get("CI") == "true" or total == 0:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(TextColumn("reviewing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True)
    return progress


def run_batch(inputs: list[str], outdir: str | Path, jobs: int | None = None, fail_on: str = "error",
              summary: bool = True) -> BatchResult:
    """Review every report found in ``inputs`` into ``outdir`` (created if missing). See module doc."""
    t0 = time.perf_counter()
    out = Path(outdir)
    files, problems = discover(inputs, out)
    result = BatchResult(files=len(files), problems=problems)
    if not files:  # nothing to review: say so, create no output
        result.exit_code = 2
        result.seconds = time.perf_counter() - t0
        return result
    (out / "memos").mkdir(parents=True, exist_ok=True)
    store = Store(out)
    try:
        known = store.known()
        todo: list[str] = []
        for path in files:
            prev = known.get(path)
            try:
                st = os.stat(path)
            except OSError:
                todo.append(path)
                continue
            if prev and prev[0] == st.st_size and prev[1] == st.st_mtime and prev[3] == __version__:
                result.skipped += 1
                continue
            if prev and prev[3] == __version__:
                sha = _sha256(path)
                if sha is not None and sha == prev[2]:
                    store.touch(path, st.st_size, st.st_mtime)
                    result.skipped += 1
                    continue
            todo.append(path)
        worker = partial(review_one, outdir=str(out), fail_on=fail_on)
        # the modules of the cross-report checks and summaries load while the workers review (0.3 s less after);
        # started once the workers are forked (a fork during an import could deadlock the child)
        preload = threading.Thread(target=_preload_tail_modules, daemon=True) if len(todo) >= 500 else None
        pending: list[dict[str, Any]] = []
        last_commit = time.monotonic()
        progress = _progress(len(todo))
        task = progress.add_task("review", total=len(todo)) if progress else None
        if progress:
            progress.start()
        try:
            for row in _imap(worker, todo, jobs, started=preload.start if preload else None):
                pending.append(row)
                result.reviewed += 1
                if progress:
                    progress.advance(task)
                if len(pending) >= 64 or time.monotonic() - last_commit > 1.0:
                    _commit(store, pending, result)
                    pending = []
                    last_commit = time.monotonic()
            _commit(store, pending, result)
        finally:
            if progress:
                progress.stop()
        if preload is not None and preload.is_alive():
            preload.join()
        unchanged = result.reviewed == 0 and set(files) == set(known) and (out / "summary.csv").exists() and (out / "cross_checks.json").exists()
        if unchanged:
            # nothing changed since the last run: keep its cross-report results and summary files
            light = [dict(zip(("status", "exit_code", "path", "error"), row))
                     for row in store.conn.execute("SELECT status, exit_code, path, error FROM reports ORDER BY path")]
            cross = store.cross_findings()
            result.unreadable_files = _unreadable(light)
            result.exit_code = _exit_code([r["exit_code"] for r in light], problems, cross, fail_on)
            result.cross_findings = len(cross)
            result.outputs = {name: str(out / file) for name, file in (("csv", "summary.csv"), ("xlsx", "summary.xlsx"),
                                                                         ("cross_checks", "cross_checks.json"), ("dashboard", "dashboard.html"))}
            result.seconds = time.perf_counter() - t0
            return result
        rows = store.rows(files)
        from reviewer.batch.cross import cross_findings

        cross, checks = cross_findings(rows)
        store.replace_cross_findings(cross)
        result.cross_checks = checks
        result.cross_findings = len(cross)
        result.unreadable_files = _unreadable(rows)
        result.exit_code = _exit_code([r["exit_code"] for r in rows], problems, cross, fail_on)
        if summary:
            from reviewer.batch.summary import write_summaries

            result.outputs = write_summaries(out, rows, cross, problems, checks)
    finally:
        store.close()
    result.seconds = time.perf_counter() - t0
    return result


def _unreadable(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """``(path, reason)`` of the stored rows that could not be reviewed."""
    return [(r["path"], r.get("error") or "") for r in rows if r["status"] != "ok"]


def _preload_tail_modules() -> None:
    try:
        import numpy  # noqa: F401
        import rapidfuzz.process  # noqa: F401
        import xlsxwriter  # noqa: F401

        import reviewer.batch.cross  # noqa: F401
        import reviewer.batch.summary  # noqa: F401
        import reviewer.models  # noqa: F401
    except Exception:  # noqa: BLE001 - only a warm-up; the real import reports any problem
        pass


def _exit_code(file_codes: list[int | None], problems: list[str], cross: list[dict[str, Any]], fail_on: str) -> int:
    """Worst of the per-file exit codes, 2 for inputs that matched nothing, 1 for a cross-report finding at or
    above ``fail_on`` (same severity gate as ``reviewer check``)."""
    from reviewer.models import Severity  # loaded during the review by _preload_tail_modules

    codes = [code or 0 for code in file_codes] + ([2] if problems else [])
    # the gate of reviewer.checks.severity_at_least, on the stored severities (no Finding objects needed)
    if fail_on != "never" and any(Severity(f["severity"]).rank >= Severity(fail_on).rank for f in cross):
        codes.append(1)
    return max(codes, default=0)


class BatchStoreError(OSError):
    """The store could not be written (disk full, read-only folder): the results committed before are kept."""


def _commit(store: Store, rows: list[dict[str, Any]], result: BatchResult) -> None:
    import sqlite3

    try:
        store.put_many(rows)
    except (sqlite3.Error, OSError) as exc:
        kept = store.conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0] if _readable(store) else "?"
        raise BatchStoreError(f"cannot write the batch store ({exc}); {kept} results written before are kept, re-run to finish") from None


def _readable(store: Store) -> bool:
    try:
        store.conn.execute("SELECT 1").fetchone()
        return True
    except Exception:  # noqa: BLE001
        return False


def _sha256(path: str) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def _imap(func, items: list[str], jobs: int | None, started=None):
    """``func`` over ``items`` in ``jobs`` worker processes (results in completion order); ``started()`` is called
    once the workers exist."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(items) <= 2:
        if started:
            started()
        for item in items:
            yield func(item)
        return
    ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else multiprocessing.get_context()
    chunk = max(1, min(16, len(items) // (jobs * 8) or 1))
    pool = ctx.Pool(processes=jobs, initializer=_init_worker)
    if started:
        started()
    try:
        yield from pool.imap_unordered(func, items, chunksize=chunk)
        pool.close()
    except BaseException:
        pool.terminate()  # Ctrl-C or any error: stop the workers at once (they ignore SIGINT themselves)
        raise
    finally:
        pool.join()


def _init_worker() -> None:
    """Worker set-up: ignore SIGINT (the parent stops the pool), and keep the cyclic garbage collector off the
    modules and data loaded before the fork (``gc.freeze``) and rarer (a report makes thousands of short-lived
    objects but few cycles): about 0.6 ms less per report, measured with ``benchmarks/bench_batch.py``."""
    import gc
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
