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
    for office, years in (
        ("河北省工业和信息化厅", range(2020, 2024)),
        ("河北省教育厅", (2022, 2023)),
        ("河北省科学技术厅", range(2020, 2024)),
        ("平潭综合实验区", range(2021, 2026)),
    ):
        for year in years:
            assert (office, year) in pairs
    statuses = {(c["office"], c["year"]): c["status"] for c in checks if c["rule"] == "XY-CARRY"}
    assert statuses[("平潭综合实验区", 2022)] == "ok" and statuses[("河北省科学技术厅", 2023)] == "ok"
    # a pair whose carried rows are blank on one side compared nothing: not assessable, with the reason, never "ok"
    gxt_2020 = next(
        c for c in checks if c["rule"] == "XY-CARRY" and c["office"] == "河北省工业和信息化厅" and c["year"] == 2020
    )
    assert (gxt_2020["status"], gxt_2020["columns_compared"]) == ("not_assessable", 0) and "空白" in gxt_2020["reason"]
    assert all(c["columns_compared"] > 0 for c in checks if c["rule"] == "XY-CARRY" and c["status"] == "ok")
    csv_lines = (out / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(csv_lines) == 36
    # the drill-down groups organs as the cross-year checks do: "省教育厅" is 河北省教育厅 in this batch
    import csv

    table = list(csv.DictReader(csv_lines))
    assert {r["office_group"] for r in table if r["office"] == "省教育厅"} == {"河北省教育厅"}
    dashboard = (out / "dashboard.html").read_text(encoding="utf-8")
    assert "<summary>省教育厅" not in dashboard and "<summary>河北省教育厅（4 份）</summary>" in dashboard
    # a batch memo points to the batch's cross-report results instead of saying they were not done
    memo = (out / next(r["memo_md"] for r in table if r["file"].endswith("2022_hebei-kjt.txt"))).read_text(
        encoding="utf-8"
    )
    assert "在批量审查中" in memo and "cross\\_checks.json" in memo and "本次未做" not in memo
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
    assert rows == {
        "binary.txt": ("error", "binary file, not a text report"),
        "empty.txt": ("error", "the file is empty"),
        "good.txt": ("ok", None),
    }
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
    bases = [
        FIXTURES / name
        for name in ("clean_tab_2023.txt", "clean_spaced_2023.txt", "clean_markdown_2024.md", "clean_glued_2022.txt")
    ]
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
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [neutralise(v) for v in ("+1", "-2", "@x", "正常", 5)] == ["'+1", "'-2", "'@x", "正常", 5]


def _three_reports(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, name in enumerate(("clean_tab_2023.txt", "clean_spaced_2023.txt", "clean_markdown_2024.md")):
        p = folder / f"r{i}{Path(name).suffix}"
        p.write_bytes((FIXTURES / name).read_bytes())
        out.append(p)
    return out


def test_file_deleted_mid_run_becomes_an_error_row(tmp_path, monkeypatch) -> None:
    import reviewer.batch.runner as runner

    files = _three_reports(tmp_path / "in")
    real_discover = runner.discover

    def discover_then_delete(inputs, outdir=None, **options):
        found, problems = real_discover(inputs, outdir, **options)
        files[1].unlink()  # gone between discovery and review
        return found, problems

    monkeypatch.setattr(runner, "discover", discover_then_delete)
    result = run_batch([str(tmp_path / "in")], tmp_path / "out", jobs=1)
    rows = {Path(p).name: (status, error) for p, status, error in _rows(tmp_path / "out")}
    assert rows == {
        "r0.txt": ("ok", None),
        "r1.txt": ("error", "cannot read the file (No such file or directory)"),
        "r2.md": ("ok", None),
    }
    assert result.exit_code == 2


def test_disk_full_while_writing_memos_keeps_the_other_results(tmp_path, monkeypatch) -> None:
    import errno

    import reviewer.batch.worker as worker

    _three_reports(tmp_path / "in")
    real_write = worker.write_text

    def full_for_r1(path, text):
        if path.name.startswith("r1-"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(path, text)

    monkeypatch.setattr(worker, "write_text", full_for_r1)
    result = run_batch([str(tmp_path / "in")], tmp_path / "out", jobs=1)
    rows = {Path(p).name: (status, error) for p, status, error in _rows(tmp_path / "out")}
    # a failure of the tool's environment, not a fact about the report: kept apart and reviewed again next time
    assert rows["r1.txt"] == ("retry", "cannot write the memo (No space left on device)")
    assert rows["r0.txt"][0] == rows["r2.md"][0] == "ok" and result.exit_code == 2
    monkeypatch.undo()
    again = run_batch([str(tmp_path / "in")], tmp_path / "out", jobs=1)
    rows = {Path(p).name: (status, error) for p, status, error in _rows(tmp_path / "out")}
    assert (again.reviewed, again.skipped, again.exit_code) == (1, 2, 0)
    assert rows["r1.txt"] == ("ok", None)


def test_store_that_cannot_be_written_mid_run_keeps_committed_results(tmp_path, monkeypatch) -> None:
    import sqlite3

    from reviewer.batch.runner import BatchStoreError
    from reviewer.batch.store import Store

    _three_reports(tmp_path / "in")
    out = tmp_path / "out"
    run_batch([str(tmp_path / "in" / "r0.txt")], out, jobs=1)  # one result committed
    (tmp_path / "in" / "r0.txt").touch()

    def readonly(self, rows):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(Store, "put_many", readonly)
    with pytest.raises(
        BatchStoreError,
        match=r"cannot write the batch store \(attempt to write a readonly database\); 1 results written before are kept",
    ):
        run_batch([str(tmp_path / "in")], out, jobs=1)
    monkeypatch.undo()
    assert [Path(p).name for p, _, _ in _rows(out)] == ["r0.txt"]


def test_unwritable_output_folder_is_one_line_exit_2(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "reviewer.cli",
            "batch",
            str(FIXTURES / "clean_tab_2023.txt"),
            "-o",
            str(blocker / "out"),
        ],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "cannot write the batch output" in p.stderr


def test_hostile_metadata_is_neutralised_in_csv_and_escaped_in_dashboard(tmp_path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    text = (FIXTURES / "clean_tab_2023.txt").read_text(encoding="utf-8")
    # (a complete tag such as "<b>" is blanked by the reader: markup is never report text; an unclosed one stays text)
    (src / "r.txt").write_text(
        '发布机构: =HYPERLINK("http://evil.example","x")<b onclick=1\n' + text.split("\n", 1)[1], encoding="utf-8"
    )
    out = tmp_path / "out"
    run_batch([str(src)], out, jobs=1)
    csv_text = (out / "summary.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv_text and ",=HYPERLINK" not in csv_text
    from openpyxl import load_workbook

    ws = load_workbook(out / "summary.xlsx")["reports"]
    offices = [row[3] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert offices == ['\'=HYPERLINK("http://evil.example","x")<b onclick=1']
    html = (out / "dashboard.html").read_text(encoding="utf-8")
    assert "<b onclick" not in html.split("<h1>", 1)[1] and "&lt;b onclick=1" in html


def test_folder_with_devices_fifos_and_huge_files(tmp_path) -> None:
    """Regression (second attack round): a /dev/zero link or a FIFO inside a folder hung the batch; a file over
    the size limit was read whole."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "ok.txt").write_bytes((FIXTURES / "clean_tab_2023.txt").read_bytes())
    if os.path.exists("/dev/zero"):
        (src / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(src / "pipe.txt")
    with open(src / "huge.txt", "wb") as fh:
        fh.truncate(60 * 1024 * 1024)  # sparse, over the 50 MiB limit
    result = run_batch([str(src)], tmp_path / "out", jobs=1)
    rows = {Path(p).name: (status, error) for p, status, error in _rows(tmp_path / "out")}
    assert rows == {
        "huge.txt": ("error", "file is 62914560 bytes, larger than the 52428800-byte limit (REVIEWER_MAX_BYTES)"),
        "ok.txt": ("ok", None),
    }
    assert result.exit_code == 2


def test_control_characters_in_names_do_not_break_the_xlsx(tmp_path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "bell\x07.txt").write_bytes((FIXTURES / "clean_tab_2023.txt").read_bytes())
    result = run_batch([str(src)], tmp_path / "out", jobs=1)
    assert set(result.outputs) == {"csv", "xlsx", "cross_checks", "dashboard"}
    from openpyxl import load_workbook

    names = [
        row[0]
        for row in load_workbook(tmp_path / "out" / "summary.xlsx")["reports"].iter_rows(min_row=2, values_only=True)
    ]
    assert names[0].endswith("bell?.txt")


def test_own_outputs_and_duplicate_spellings_are_not_reviewed(tmp_path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    report = src / "r.txt"
    report.write_bytes((FIXTURES / "clean_tab_2023.txt").read_bytes())
    out = src / "out"
    run_batch([str(src)], out, jobs=1)
    again = run_batch([str(src), str(report), str(src / "." / "r.txt")], out, jobs=1)
    assert again.files == 1 and again.reviewed == 0
    assert [Path(p).name for p, _, _ in _rows(out)] == ["r.txt"]


def test_ctrl_c_stops_a_parallel_batch_with_one_line(tmp_path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _make_corpus(src, 1500)
    proc = subprocess.Popen(
        [sys.executable, "-m", "reviewer.cli", "batch", str(src), "-o", str(tmp_path / "out"), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    if " files: " in err:  # the batch finished and reported before the interrupt: a late Ctrl-C changes nothing
        assert proc.returncode == 0 and "Traceback" not in err
        pytest.skip("the batch finished before the interrupt")
    assert proc.returncode == 130
    assert err == "reviewer: interrupted (results committed so far are kept)\n"


def test_ctrl_c_while_loading_is_one_line(tmp_path) -> None:
    """Ctrl-C while the modules load (before any command runs): one line, exit 130, no traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "reviewer.cli", "batch", str(FIXTURES), "-o", str(tmp_path / "o")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # -X importtime writes a line per module loaded: once typer (loaded by reviewer.cli) is in, interrupt
    while True:
        line = proc.stderr.readline()
        assert line, "typer was never imported"
        if line.rstrip().endswith("| typer"):
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    err = "\n".join(ln for ln in err.splitlines() if not ln.startswith("import time:"))
    assert "Traceback" not in err
    assert proc.returncode in (130, 0), err
    if proc.returncode == 130:
        assert err.strip().startswith("reviewer: interrupted"), err


def test_invalid_limit_settings_are_refused() -> None:
    env = dict(os.environ, REVIEWER_MAX_LINES="abc")
    p = subprocess.run(
        [sys.executable, "-m", "reviewer.cli", "check", str(FIXTURES / "clean_tab_2023.txt")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert (
        p.returncode == 2
        and p.stderr == "reviewer: error: invalid limit setting REVIEWER_MAX_LINES='abc': use a positive whole number\n"
    )


def test_near_duplicates_equal_brute_force_scoring() -> None:
    """The candidate filters (shared clauses, lengths, character bags) must not drop a pair that fuzz.ratio puts at
    or above the threshold among texts sharing clauses; pairs found carry rapidfuzz's exact score."""
    import random

    from rapidfuzz import fuzz

    from reviewer.batch.cross import COPY_THRESHOLD, near_duplicates

    rng = random.Random(7)
    alphabet = "信息公开平台建设栏目维护规范化工作机制培训队伍依申请答复质量政策解读回应关切基层标准目录"
    clauses = ["".join(rng.choice(alphabet) for _ in range(rng.randint(10, 16))) for _ in range(40)]
    texts: dict[str, str] = {}
    for n in range(60):
        picked = rng.sample(clauses, 8)
        text = "，".join(picked) + "。"
        if n % 3 == 1:  # a near copy of the previous text with a few characters changed
            prev = texts[f"r{n - 1}"]
            m = 4 + n % 21  # 4..24 characters replaced: similarities on both sides of the threshold
            text = prev[:30] + "局" * m + prev[30 + m :]
        texts[f"r{n}"] = text
    texts["same"] = texts["r0"]
    found = {(a, b): s for a, b, s in near_duplicates(texts)}
    assert found[("r0", "same")] == 100.0
    distinct = {}
    for path, text in texts.items():
        distinct.setdefault(text, path)
    items = list(distinct.items())
    expected = {}
    for i, (ta, pa) in enumerate(items):
        for tb, pb in items[i + 1 :]:
            score = fuzz.ratio(ta, tb)
            if score >= COPY_THRESHOLD:
                expected[(pa, pb)] = score
    got = {k: v for k, v in found.items() if k != ("r0", "same")}
    assert got == expected
    assert len(expected) >= 8 and min(expected.values()) < COPY_THRESHOLD + 3  # planted copies, some near the threshold


def test_workbook_written_by_a_child_process_and_its_failure_is_one_line(tmp_path, monkeypatch) -> None:
    """The XLSX is written in a forked process for large batches: same workbook; a failure there reaches the user
    as one line with exit code 2 and the other summary files are still written."""
    from openpyxl import load_workbook

    import reviewer.batch.summary as summary

    monkeypatch.setattr(summary, "FORK_MIN_ROWS", 0)
    src = tmp_path / "in"
    src.mkdir()
    for name in ("seed_like.txt", "other.txt"):
        (src / name).write_bytes((FIXTURES / "clean_tab_2023.txt").read_bytes() + name.encode())
    out = tmp_path / "out"
    result = run_batch([str(src)], out, jobs=1)
    assert result.files == 2
    wb = load_workbook(out / "summary.xlsx", read_only=True)
    rows = list(wb["reports"].iter_rows(values_only=True))
    assert rows[0][:3] == ("file", "status", "error") and len(rows) == 3
    assert sorted(Path(r[0]).name for r in rows[1:]) == ["other.txt", "seed_like.txt"]
    (src / "third.txt").write_bytes((FIXTURES / "clean_tab_2023.txt").read_bytes() + b"3")
    (out / "summary.xlsx").unlink()
    (out / "summary.xlsx").mkdir()  # the finished workbook cannot be put in place
    p = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, reviewer.batch.summary as s; s.FORK_MIN_ROWS = 0; "
            "from reviewer.cli import main; sys.argv = ['reviewer', 'batch', sys.argv[1], '-o', sys.argv[2], '--jobs', '1']; main()",
            str(src),
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr
    line = [ln for ln in p.stderr.splitlines() if "summary.xlsx" in ln]
    assert len(line) == 1 and "cannot write summary.xlsx" in line[0], p.stderr
    assert "third.txt" in (out / "summary.csv").read_text(encoding="utf-8-sig")


def test_summary_files_get_the_usual_file_mode(tmp_path) -> None:
    """Files written through a temporary file (dashboard, cross checks) are readable like the others (umask), not
    0600 as mkstemp makes them: a supervising office shares the output folder."""
    import stat

    out = tmp_path / "out"
    run_batch([str(FIXTURES / "clean_tab_2023.txt")], out, jobs=1)
    mask = os.umask(0)
    os.umask(mask)
    for name in ("dashboard.html", "cross_checks.json", "summary.csv", "summary.xlsx"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o666 & ~mask, name
    assert 0o666 & ~mask != 0o600 or mask == 0o066  # under the usual umask this is 0644, not mkstemp's 0600


def test_batch_messages_for_empty_inputs_and_unreadable_files(tmp_path) -> None:
    """A folder with no report file is one error line, exit 2 and no output folder; unreadable files are named on
    stderr with their reason, and the summary line counts like the dashboard; .shtml pages are picked up."""

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "reviewer.cli", "batch", *args], capture_output=True, text=True)

    only_binary = tmp_path / "bin"
    only_binary.mkdir()
    (only_binary / "blob.bin").write_bytes(bytes(range(256)) * 8)
    p = run(str(only_binary), "-o", str(tmp_path / "o1"))
    assert p.returncode == 2 and not (tmp_path / "o1").exists()
    assert p.stderr.splitlines() == [
        f"reviewer: error: no report file found in {only_binary} (folders are searched for .doc, .docx, "
        ".htm, .html, .markdown, .md, .mht, .mhtml, .pdf, .rtf, .shtml, .text, .txt, .wps, .xhtml and extension-less files)"
    ]
    p = run(str(tmp_path / "nothing" / "*.pdf"), "-o", str(tmp_path / "o2"))
    assert (
        p.returncode == 2
        and p.stderr == f"reviewer: error: {tmp_path / 'nothing' / '*.pdf'}: no such file, folder or matching glob\n"
    )
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "page.shtml").write_bytes((FIXTURES / "clean_tab_2023.txt").read_bytes())
    (mixed / "empty.txt").write_bytes(b"")
    p = run(str(mixed), "-o", str(tmp_path / "o3"))
    lines = p.stderr.splitlines()
    assert p.returncode == 2
    assert lines[0] == f"reviewer: {mixed / 'empty.txt'}: the file is empty"
    assert lines[1].startswith("2 files: 1 reviewed, 1 unreadable (2 read now, 0 unchanged); ")
