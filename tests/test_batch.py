"""Batch review: one row per report, resumable and crash-safe store, cross-year checks on the real corpus."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, REAL, SEED, needs_shared
from reviewer.batch.runner import discover, run_batch
from reviewer.batch.summary import neutralise
from reviewer.batch.worker import safe_name


def _rows(out: Path) -> list[tuple]:
    with sqlite3.connect(out / "reviewer.sqlite") as conn:
        return conn.execute("SELECT path, status, error FROM reports ORDER BY path").fetchall()


@needs_shared
def test_real_corpus_one_row_per_report_and_cross_year(tmp_path) -> None:
    out = tmp_path / "out"
    result = run_batch([str(REAL), str(SEED)], out, jobs=2)
    files, _ = discover([str(REAL), str(SEED)])
    rows = _rows(out)
    assert len(files) == 35 and len(rows) == 35 and result.files == 35
    assert all(status == "ok" for _, status, _ in rows)
    checks = json.loads((out / "cross_checks.json").read_text(encoding="utf-8"))["checks"]
    pairs = {(c["office"], c["year"]) for c in checks if c["rule"] == "XY-CARRY"}
    for office, years in (("河北省工业和信息化厅", range(2020, 2024)), ("河北省教育厅", (2022, 2023)), ("河北省科学技术厅", range(2020, 2024)),
                          ("平潭综合实验区", range(2021, 2026))):
        for year in years:
            assert (office, year) in pairs
    statuses = {(c["office"], c["year"]): c["status"] for c in checks if c["rule"] == "XY-CARRY"}
    assert statuses[("平潭综合实验区", 2022)] == "ok" and statuses[("河北省科学技术厅", 2023)] == "ok"
    csv_lines = (out / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(csv_lines) == 36
    again = run_batch([str(REAL), str(SEED)], out, jobs=2)
    assert (again.reviewed, again.skipped) == (0, 35)


def test_bad_file_is_an_error_row_and_others_go_on(tmp_path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_bytes((FIXTURES / "clean_tab_2023.txt").read_bytes())
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 8)
    out = tmp_path / "out"
    result = run_batch([str(src)], out, jobs=1)
    rows = {Path(p).name: (status, error) for p, status, error in _rows(out)}
    assert rows == {"binary.txt": ("error", "binary file, not a text report"), "empty.txt": ("error", "the file is empty"),
                    "good.txt": ("ok", None)}
    assert result.exit_code == 2 and result.errors == 2
    assert len(list((out / "memos").glob("good-*.md"))) == 1


def test_changed_file_is_reviewed_again(tmp_path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    f = src / "r.txt"
    f.write_bytes((FIXTURES / "clean_tab_2023.txt").read_bytes())
    out = tmp_path / "out"
    assert run_batch([str(src)], out, jobs=1).reviewed == 1
    f.write_bytes((FIXTURES / "defects_tab_2023.txt").read_bytes())
    second = run_batch([str(src)], out, jobs=1)
    assert (second.reviewed, second.exit_code) == (1, 1)
    assert len(_rows(out)) == 1


def _make_corpus(folder: Path, n: int) -> None:
    """n distinct reports: our clean fixtures with a numbered line appended (different content hashes)."""
    bases = [FIXTURES / name for name in ("clean_tab_2023.txt", "clean_spaced_2023.txt", "clean_markdown_2024.md", "clean_glued_2022.txt")]
    texts = [b.read_text(encoding="utf-8") for b in bases]
    for i in range(n):
        base = bases[i % len(bases)]
        (folder / f"r{i:05d}{base.suffix}").write_text(texts[i % len(texts)] + f"\n（第{i}号副本）\n", encoding="utf-8")


def test_sigkill_mid_batch_then_rerun_loses_and_duplicates_nothing(tmp_path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _make_corpus(src, 2000)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "reviewer.cli", "batch", str(src), "-o", str(out), "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    db = out / "reviewer.sqlite"
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as conn:
                    done = conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
            except sqlite3.Error:
                continue
            if done >= 200:
                break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 200 <= done < 2000, done
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    with sqlite3.connect(db) as conn:
        count, distinct = conn.execute("SELECT COUNT(*), COUNT(DISTINCT path) FROM reports").fetchone()
        ok = conn.execute("SELECT COUNT(*) FROM reports WHERE status = 'ok'").fetchone()[0]
    assert count == distinct == ok == 2000
    assert len(list((out / "memos").glob("*.json"))) == 2000


def test_safe_names_and_spreadsheet_neutralising() -> None:
    name = safe_name("../../etc/passwd <script>", "ab" * 32)
    assert "/" not in name and ".." not in name and name.endswith("-abababab")
    assert neutralise("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [neutralise(v) for v in ("+1", "-2", "@x", "正常", 5)] == ["'+1", "'-2", "'@x", "正常", 5]
