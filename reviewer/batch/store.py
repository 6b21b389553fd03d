"""The batch store: one embedded SQLite database in OUTDIR holding every result.

One row per input path (``reports``), with the content hash and tool version it was reviewed with, so a re-run
skips unchanged files (same size and mtime: no read at all; otherwise same sha256 and tool version: no review).
Rows are written with ``INSERT OR REPLACE`` inside transactions (WAL journal): a batch killed at any moment
(even SIGKILL) leaves only complete rows, and the next run redoes the rest, with no duplicates.

``status`` is ``ok`` (reviewed), ``error`` (the report cannot be read: a fact about the file, final) or ``retry`` (the
tool's environment failed: the memo could not be written, a time or memory limit was exceeded, the worker died, an
internal error): such rows are reported like unreadable files but reviewed again by the next run. Table ``meta``
counts row writes (``rows_generation``) and records which generation the summary files were written for
(``outputs_generation``), so that an unchanged re-run knows whether its outputs are complete.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import orjson

#: Numbered migrations of the store (:mod:`reviewer.migrations`): 1 the reports and cross-findings tables (0.1),
#: 2 the ``meta`` table of row and output generations (issue 12).
MIGRATIONS: tuple[str, ...] = (
    """
CREATE TABLE IF NOT EXISTS reports (
    path TEXT PRIMARY KEY,
    size INTEGER, mtime REAL, sha256 TEXT, tool_version TEXT,
    status TEXT NOT NULL, error TEXT,
    office TEXT, office_key TEXT, level TEXT, year INTEGER, template TEXT,
    n_error INTEGER DEFAULT 0, n_warning INTEGER DEFAULT 0, n_info INTEGER DEFAULT 0,
    exit_code INTEGER DEFAULT 0,
    summary TEXT, memo_md TEXT, memo_json TEXT, updated REAL
);
CREATE INDEX IF NOT EXISTS reports_sha ON reports(sha256, tool_version);
CREATE TABLE IF NOT EXISTS cross_findings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule TEXT, severity TEXT, path TEXT, other_path TEXT, message TEXT, figures TEXT
)
""",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
)

COLUMNS = (
    "path",
    "size",
    "mtime",
    "sha256",
    "tool_version",
    "status",
    "error",
    "office",
    "office_key",
    "level",
    "year",
    "template",
    "n_error",
    "n_warning",
    "n_info",
    "exit_code",
    "summary",
    "memo_md",
    "memo_json",
    "updated",
)


def dumps(value: Any) -> str:
    """JSON text of a stored summary (orjson: several times faster than ``json`` on the 10,000-row loads of a
    batch); values orjson refuses (integers beyond 64 bits) fall back to ``json``."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:
        return json.dumps(value, ensure_ascii=False)


class Store:
    """SQLite store at ``outdir/reviewer.sqlite`` (created if missing, upgraded by :data:`MIGRATIONS` if older).

    Raises :class:`~reviewer.batch.runner.BatchStoreError` for a store written by a newer ``reviewer``."""

    def __init__(self, outdir: Path) -> None:
        self.path = Path(outdir) / "reviewer.sqlite"
        self.conn = sqlite3.connect(str(self.path), timeout=60, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        from reviewer.migrations import SchemaTooNew, migrate

        try:
            migrate(self.conn, MIGRATIONS, f"the batch store {self.path}")
        except SchemaTooNew as exc:
            self.conn.close()
            from reviewer.batch.runner import BatchStoreError

            raise BatchStoreError(str(exc)) from None
        self.conn.isolation_level = ""  # back to the default: ``with self.conn`` opens and commits transactions

    def known(self) -> dict[str, tuple[int, float, str, str]]:
        """``path -> (size, mtime, sha256, tool_version)`` of every stored row that is final (``retry`` rows, the
        tool's own failures, are left out so that they are reviewed again)."""
        rows = self.conn.execute("SELECT path, size, mtime, sha256, tool_version FROM reports WHERE status != 'retry'")
        return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}

    def paths(self) -> set[str]:
        """Every stored path, final or not."""
        return {r[0] for r in self.conn.execute("SELECT path FROM reports")}

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.conn:
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def outputs_current(self) -> bool:
        """True when the summary files were last written after the last row write."""
        return self.meta("outputs_generation") is not None and self.meta("outputs_generation") == self.meta(
            "rows_generation"
        )

    def by_hash(self, sha256: str, tool_version: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM reports WHERE sha256 = ? AND tool_version = ? AND status = 'ok' LIMIT 1",
            (sha256, tool_version),
        ).fetchone()
        return dict(zip(COLUMNS, row)) if row else None

    def put_many(self, rows: list[dict[str, Any]]) -> None:
        """Insert or replace ``rows`` (dicts with :data:`COLUMNS` keys) in one transaction."""
        if not rows:
            return
        now = time.time()
        values = []
        for r in rows:
            r = dict(r)
            r["updated"] = now
            if isinstance(r.get("summary"), (dict, list)):
                r["summary"] = dumps(r["summary"])
            values.append(tuple(r.get(c) for c in COLUMNS))
        with self.conn:
            self.conn.executemany(
                f"INSERT OR REPLACE INTO reports ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                values,
            )
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES ('rows_generation', '1') ON CONFLICT(key) "
                "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )

    def touch(self, path: str, size: int, mtime: float) -> None:
        with self.conn:
            self.conn.execute("UPDATE reports SET size = ?, mtime = ? WHERE path = ?", (size, mtime, path))

    def rows(self, paths: list[str] | None = None) -> list[dict[str, Any]]:
        """Stored rows (all, or those for ``paths``), with ``summary`` decoded."""
        cur = self.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM reports ORDER BY path")
        wanted = set(paths) if paths is not None else None
        out = []
        for row in cur:
            d = dict(zip(COLUMNS, row))
            if wanted is not None and d["path"] not in wanted:
                continue
            d["summary"] = orjson.loads(d["summary"]) if d["summary"] else {}
            out.append(d)
        return out

    def replace_cross_findings(self, findings: list[dict[str, Any]]) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM cross_findings")
            self.conn.executemany(
                "INSERT INTO cross_findings (rule, severity, path, other_path, message, figures) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        f["rule"],
                        f["severity"],
                        f["path"],
                        f.get("other_path"),
                        f["message"],
                        json.dumps(f.get("figures", {}), ensure_ascii=False),
                    )
                    for f in findings
                ],
            )

    def cross_findings(self) -> list[dict[str, Any]]:
        cur = self.conn.execute(
            "SELECT rule, severity, path, other_path, message, figures FROM cross_findings ORDER BY id"
        )
        return [
            {
                "rule": r[0],
                "severity": r[1],
                "path": r[2],
                "other_path": r[3],
                "message": r[4],
                "figures": json.loads(r[5] or "{}"),
            }
            for r in cur
        ]

    def close(self) -> None:
        self.conn.close()
