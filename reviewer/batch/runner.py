"""Batch review: files, folders and globs -> memos, SQLite store, cross-report checks, CSV/XLSX/HTML summary.

Workers are processes (``--jobs``, default: CPU count). Each file is reviewed under a wall-clock limit
(``REVIEWER_FILE_TIMEOUT`` seconds, default 120) and an address-space limit (``REVIEWER_FILE_MEMORY_MB`` megabytes
above the worker's size at start, default 1536, set with ``setrlimit`` in the worker); a file that exceeds either is
recorded as "exceeded limit" with the limit named, its worker is replaced and the other files go on. Results are
committed to the store in small atomic transactions as they arrive; a re-run skips files whose size and mtime (or,
failing that, content hash) and tool version are unchanged, and reviews again the files whose result was a failure of
the tool's own environment. One batch at a time writes to an output folder (a lock on ``.reviewer-batch.lock``); a
second one refuses at once, or waits with ``wait=True``. A progress bar is drawn on stderr only when it is a terminal.
"""

from __future__ import annotations

import glob
import hashlib
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
from reviewer.ingest import _limit

LOCK_NAME = ".reviewer-batch.lock"


#: Per-file bounds of a batch (environment settings, read like the input limits; see the module doc).
FILE_TIMEOUT = _limit("REVIEWER_FILE_TIMEOUT", 120)
FILE_MEMORY_MB = _limit("REVIEWER_FILE_MEMORY_MB", 1536)


from reviewer.errors import BatchLockedError  # noqa: E402 - another batch is writing to the output folder

SKIP_NAMES = {
    "SOURCES.md",
    "MANIFEST.json",
    "manifest.jsonl",
    "dashboard.html",
    "summary.csv",
    "summary.xlsx",
    "cross_checks.json",
}
#: File names a folder scan picks up (reports are recognised by content; other names are reviewed when given
#: explicitly).
REPORT_SUFFIXES = {
    ".txt",
    ".text",
    ".md",
    ".markdown",
    ".html",
    ".htm",
    ".shtml",
    ".xhtml",
    ".mht",
    ".mhtml",
    ".pdf",
    ".docx",
    ".doc",
    ".wps",
    ".rtf",
    "",
}


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
    notes: list[str] = field(default_factory=list)  # links skipped (one line each)

    @property
    def unreadable(self) -> int:
        return len(self.unreadable_files)

    @property
    def errors(self) -> int:
        return self.unreadable + len(self.problems)


def discover(
    inputs: list[str], outdir: str | Path | None = None, follow_links: bool = False, notes: list[str] | None = None
) -> tuple[list[str], list[str]]:
    """Expand files, folders (recursively) and glob patterns into report files.

    Returns ``(files, problems)``: sorted unique paths (one spelling per real file), and one-line messages for
    inputs that matched nothing. Hidden files, non-regular files met in folders (devices, FIFOs), the batch's own
    output folder and outputs, and known non-report names are skipped. A symbolic link met inside a folder that
    points outside every folder given is skipped, with a line in ``notes``, unless ``follow_links`` (files named
    on the command line are read as given).
    """
    found: set[str] = set()
    seen_real: set[str] = set()
    problems: list[str] = []
    out_real = os.path.realpath(outdir) if outdir is not None else None
    roots = [
        os.path.realpath(m)
        for item in inputs
        for m in ([item] if os.path.exists(item) else glob.glob(item, recursive=True))
        if os.path.isdir(m)
    ]

    walked: set[str] = set()

    def inside_roots(path: str) -> bool:
        real = os.path.realpath(path)
        return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)

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
                for root, dirs, names in os.walk(m, followlinks=follow_links):
                    for d in dirs:
                        full_dir = os.path.join(root, d)
                        if (
                            os.path.islink(full_dir)
                            and not follow_links
                            and not inside_roots(full_dir)
                            and notes is not None
                        ):
                            notes.append(
                                f"{full_dir}: skipped, a link to the folder {os.path.realpath(full_dir)} outside the folders given (--follow-links to read it)"
                            )
                    real_root = os.path.realpath(root)
                    if real_root in walked:
                        dirs[:] = []  # a link loop, or a folder reached twice through links
                        continue
                    walked.add(real_root)
                    dirs[:] = sorted(
                        d
                        for d in dirs
                        if not d.startswith(".")
                        and d not in ("memos", "__pycache__")
                        and (out_real is None or os.path.realpath(os.path.join(root, d)) != out_real)
                    )
                    for name in sorted(names):
                        if (
                            name.startswith(".")
                            or name in SKIP_NAMES
                            or name.endswith((".sqlite", ".sqlite-wal", ".sqlite-shm"))
                        ):
                            continue
                        if Path(name).suffix.lower() not in REPORT_SUFFIXES:
                            continue
                        full = os.path.join(root, name)
                        if not os.path.isfile(full):
                            continue  # devices, FIFOs and dangling links inside folders are not reports
                        if not follow_links and os.path.islink(full) and not inside_roots(full):
                            if notes is not None:
                                notes.append(
                                    f"{full}: skipped, a link to {os.path.realpath(full)} outside the folders given (--follow-links to read it)"
                                )
                            continue
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

    progress = Progress(
        TextColumn("reviewing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True
    )
    return progress


OUTPUT_FILES = (
    ("csv", "summary.csv"),
    ("xlsx", "summary.xlsx"),
    ("cross_checks", "cross_checks.json"),
    ("dashboard", "dashboard.html"),
)


def run_batch(
    inputs: list[str],
    outdir: str | Path,
    jobs: int | None = None,
    fail_on: str = "error",
    summary: bool = True,
    wait: bool = False,
    follow_links: bool = False,
) -> BatchResult:
    """Review every report found in ``inputs`` into ``outdir`` (created if missing). See module doc.

    Raises :class:`BatchLockedError` when another batch holds the folder's lock (unless ``wait``),
    :class:`BatchStoreError` when the store cannot be written."""
    t0 = time.perf_counter()
    out = Path(outdir)
    notes: list[str] = []
    files, problems = discover(inputs, out, follow_links=follow_links, notes=notes)
    result = BatchResult(files=len(files), problems=problems, notes=notes)
    if not files:  # nothing to review: say so, create no output
        result.exit_code = 2
        result.seconds = time.perf_counter() - t0
        return result
    (out / "memos").mkdir(parents=True, exist_ok=True)
    with _folder_lock(out, wait):
        _run_locked(out, files, problems, result, jobs, fail_on, summary)
    result.seconds = time.perf_counter() - t0
    return result


class _folder_lock:
    """``fcntl.flock`` on the output folder itself for the length of a batch (a lock file could be deleted under a
    running batch; the folder cannot be while it is in use); ``.reviewer-batch.lock`` names the holder."""

    def __init__(self, out: Path, wait: bool) -> None:
        self.out, self.path, self.wait, self.fd = out, out / LOCK_NAME, wait, None

    def __enter__(self):
        import fcntl

        self.fd = os.open(self.out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(self.fd)
            self.fd = None
            try:
                holder = self.path.read_text(encoding="utf-8").strip() or "another process"
            except OSError:
                holder = "another process"
            raise BatchLockedError(
                f"another reviewer batch is writing to this folder ({holder}); wait for it to end, or run with --wait"
            ) from None
        try:
            self.path.write_text(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}", encoding="utf-8")
        except OSError:
            pass  # the note is for messages only; the lock is on the folder
        return self

    def __exit__(self, *exc) -> None:
        import fcntl

        if self.fd is not None:
            try:
                self.path.unlink(missing_ok=True)
            except OSError:
                pass
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def _run_locked(
    out: Path, files: list[str], problems: list[str], result: BatchResult, jobs: int | None, fail_on: str, summary: bool
) -> None:
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
        outputs_present = all((out / name).exists() for _, name in OUTPUT_FILES)
        unchanged = (
            result.reviewed == 0
            and set(files) == store.paths()
            and outputs_present
            and store.outputs_current()
            and summary
        )
        if unchanged:
            # nothing changed since the last complete run: keep its cross-report results and summary files
            light = [
                dict(zip(("status", "exit_code", "path", "error"), row))
                for row in store.conn.execute("SELECT status, exit_code, path, error FROM reports ORDER BY path")
            ]
            cross = store.cross_findings()
            result.unreadable_files = _unreadable(light)
            result.exit_code = _exit_code([r["exit_code"] for r in light], problems, cross, fail_on)
            result.cross_findings = len(cross)
            result.outputs = {name: str(out / file) for name, file in OUTPUT_FILES}
            return
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

            generation = store.meta("rows_generation") or "0"
            result.outputs = write_summaries(out, rows, cross, problems, result.cross_checks)
            # recorded only once every summary file is in place: a run killed before this point rewrites them
            store.set_meta("outputs_generation", generation)
    finally:
        store.close()


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


from reviewer.errors import BatchStoreError  # noqa: E402 - the store could not be written


def _commit(store: Store, rows: list[dict[str, Any]], result: BatchResult) -> None:
    import sqlite3

    try:
        store.put_many(rows)
    except (sqlite3.Error, OSError) as exc:
        kept = store.conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0] if _readable(store) else "?"
        raise BatchStoreError(
            f"cannot write the batch store ({exc}); {kept} results written before are kept, re-run to finish"
        ) from None


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


def _imap(
    func, items: list[str], jobs: int | None, started=None, timeout: float | None = None, memory_mb: int | None = None
):
    """``func`` over ``items`` in ``jobs`` worker processes (results in completion order), each item under a
    wall-clock limit of ``timeout`` seconds and an address-space limit of ``memory_mb`` MB above the worker's size
    at start (defaults :data:`FILE_TIMEOUT`, :data:`FILE_MEMORY_MB`). An item that passes a limit, or whose worker
    dies, yields :func:`_limit_row` and its worker is replaced. ``started()`` is called once the first workers exist.
    """
    import multiprocessing.connection
    from collections import deque

    timeout = FILE_TIMEOUT if timeout is None else timeout
    memory_mb = FILE_MEMORY_MB if memory_mb is None else memory_mb
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(items) or 1))
    ctx = (
        multiprocessing.get_context("fork")
        if "fork" in multiprocessing.get_all_start_methods()
        else multiprocessing.get_context()
    )
    queue = deque(items)
    idle: list[_Worker] = []
    busy: dict[Any, _Worker] = {}

    def spawn() -> _Worker:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker_main, args=(child, func, memory_mb), daemon=True)
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def give(worker: _Worker) -> None:
        worker.item = queue.popleft()
        worker.deadline = time.monotonic() + timeout
        worker.conn.send(worker.item)
        busy[worker.conn] = worker

    try:
        for _ in range(jobs):
            idle.append(spawn())
        if started:
            started()
        while queue or busy:
            while queue and idle:
                give(idle.pop())
            now = time.monotonic()
            wait = max(0.0, min(w.deadline for w in busy.values()) - now) if busy else 0.0
            ready = multiprocessing.connection.wait(list(busy), timeout=min(wait, 1.0) + 0.01)
            for conn in ready:
                worker = busy.pop(conn)
                try:
                    row = conn.recv()
                except (EOFError, OSError):
                    worker.proc.join(1)
                    code = worker.proc.exitcode
                    yield _limit_row(worker.item, "memory" if code in (-9, 137) else "died", timeout, memory_mb, code)
                    worker.stop()
                    idle.append(spawn())
                    continue
                restart = bool(row.pop("_restart", False))
                yield row
                if restart:
                    worker.stop()
                    idle.append(spawn())
                else:
                    idle.append(worker)
            now = time.monotonic()
            for conn, worker in list(busy.items()):
                if now > worker.deadline:
                    busy.pop(conn)
                    worker.kill()
                    yield _limit_row(worker.item, "time", timeout, memory_mb, None)
                    idle.append(spawn())
    except BaseException:
        for worker in [*busy.values(), *idle]:
            worker.kill()  # Ctrl-C or any error: stop the workers at once (they ignore SIGINT themselves)
        raise
    for worker in idle:
        worker.stop()


class _Worker:
    """One worker process, its pipe, and the item it is reviewing with its deadline."""

    __slots__ = ("proc", "conn", "item", "deadline")

    def __init__(self, proc, conn) -> None:
        self.proc, self.conn, self.item, self.deadline = proc, conn, None, 0.0

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.conn.close()
        self.proc.join(5)
        if self.proc.is_alive():
            self.kill()

    def kill(self) -> None:
        """Stop the worker: SIGTERM first (it kills the LibreOffice conversion it may be running), SIGKILL after."""
        try:
            self.proc.terminate()
            self.proc.join(1)
            if self.proc.is_alive():
                self.proc.kill()
        except (OSError, ValueError, AttributeError):
            pass
        self.proc.join(5)
        try:
            self.conn.close()
        except OSError:
            pass


def _limit_row(path: str, why: str, timeout: float, memory_mb: int, code: int | None) -> dict[str, Any]:
    """The store row of a file whose review passed a limit or whose worker died: status ``retry`` (reviewed again
    by the next run), the limit named."""
    reason = {
        "time": f"exceeded limit: not reviewed within {timeout:g} s (REVIEWER_FILE_TIMEOUT)",
        "memory": f"exceeded limit: the review was killed using more memory than allowed (REVIEWER_FILE_MEMORY_MB={memory_mb})",
        "died": f"exceeded limit or crashed: the worker reviewing the file ended (exit {code})",
    }[why]
    row: dict[str, Any] = {
        "path": path,
        "tool_version": __version__,
        "status": "retry",
        "error": reason,
        "exit_code": 2,
    }
    try:
        st = os.stat(path)
        row["size"], row["mtime"] = st.st_size, st.st_mtime
    except OSError:
        pass
    return row


def _worker_main(conn, func, memory_mb: int) -> None:
    """Worker loop: set the limits, then review the items the parent sends until it sends None."""
    _init_worker(memory_mb)
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if item is None:
            return
        row = func(item)
        try:
            conn.send(row)
        except (OSError, ValueError):
            return
        if row.get("_restart"):
            return


def _terminated(signum, frame) -> None:
    """SIGTERM in a worker (its file passed the time limit): kill its LibreOffice conversion, then exit at once."""
    try:
        from reviewer.ingest.convert import kill_running

        kill_running()
    finally:
        os._exit(143)


def _init_worker(memory_mb: int = 0) -> None:
    """Worker set-up: ignore SIGINT (the parent stops the pool); cap the address space at ``memory_mb`` MB above
    the worker's size now (``RLIMIT_AS``; an allocation beyond it fails with MemoryError, recorded as "exceeded
    limit"); keep the cyclic garbage collector off the modules and data loaded before the fork (``gc.freeze``) and
    rarer (a report makes thousands of short-lived objects but few cycles): about 0.6 ms less per report, measured
    with ``benchmarks/bench_batch.py``."""
    import gc
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminated)
    try:  # a worker's own messages (a MemoryError abort) are not the batch's: its result row says what happened
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass
    if memory_mb > 0:
        try:
            import resource

            with open("/proc/self/statm", encoding="ascii") as fh:
                size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            limit = size + memory_mb * 1024 * 1024
            hard = resource.getrlimit(resource.RLIMIT_AS)[1]
            resource.setrlimit(
                resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard)
            )
        except (OSError, ValueError, ImportError):
            pass  # no /proc or no setrlimit: the wall-clock limit still holds
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
