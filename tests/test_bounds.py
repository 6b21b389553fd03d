"""Resource bounds (issue 12): readers stop at their budgets, a batch bounds every file in time and memory, one batch
per output folder, outputs always complete after any kill, environment failures retried, links outside skipped."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES

from benchmarks.resources import _docx, _pdf, _tiny_runs_page, html_span_bomb
from reviewer.batch import runner
from reviewer.batch.runner import _imap, discover, run_batch
from reviewer.errors import InputError
from reviewer.ingest import document_from_bytes


# ------------------------------------------------------------------------------------------------ reader budgets
def test_span_bomb_is_refused_by_the_grid_budget(tmp_path) -> None:
    html_span_bomb(tmp_path / "bomb.html")
    with pytest.raises(
        InputError, match=r"table cells span more than 200000 grid positions \(REVIEWER_MAX_GRID_CELLS\)"
    ):
        document_from_bytes((tmp_path / "bomb.html").read_bytes(), "bomb.html")


def test_html_tags_and_text_are_bounded_before_parsing(monkeypatch) -> None:
    import reviewer.ingest as ingest

    monkeypatch.setattr(ingest, "MAX_HTML_TAGS", 1000)
    with pytest.raises(
        InputError, match=r"HTML page with about 2004 tags, more than the 1000-tag limit \(REVIEWER_MAX_HTML_TAGS\)"
    ):
        document_from_bytes(b"<html><body>" + b"<p>x</p>" * 1000 + b"</body></html>", "tags.html")
    monkeypatch.setattr(ingest, "MAX_CHARS", 10_000)
    with pytest.raises(
        InputError, match=r"about 20000 characters of text, more than the 10000-character limit \(REVIEWER_MAX_CHARS\)"
    ):
        document_from_bytes(("<html><body><p>" + "公开" * 10_000 + "</p></body></html>").encode(), "long.html")


def test_rendered_lines_are_counted_while_reading(monkeypatch) -> None:
    import reviewer.ingest as ingest

    monkeypatch.setattr(ingest, "MAX_LINES", 100)
    with pytest.raises(InputError, match=r"renders to more than 100 lines \(REVIEWER_MAX_LINES\)"):
        document_from_bytes(("<html><body>" + "<p>公开信息</p>" * 150 + "</body></html>").encode(), "lines.html")


def test_pdf_text_is_bounded_per_page_before_layout() -> None:
    data = _pdf([_tiny_runs_page(500), _tiny_runs_page(50_000)])
    with pytest.raises(
        InputError,
        match=r"page 2 shows about 50000 characters of text, more than the 40000-character limit \(REVIEWER_MAX_PAGE_TEXT\)",
    ):
        document_from_bytes(data, "runs.pdf")


def test_pdf_text_is_bounded_per_file(monkeypatch) -> None:
    import reviewer.ingest.pdf as pdf

    monkeypatch.setattr(pdf, "MAX_PDF_TEXT", 2_000)
    with pytest.raises(InputError, match=r"shows more than 2000 characters of text \(REVIEWER_MAX_PDF_TEXT\)"):
        document_from_bytes(_pdf([_tiny_runs_page(900)] * 3), "pages.pdf")


def test_docx_main_part_is_bounded(tmp_path, monkeypatch) -> None:
    import reviewer.ingest as ingest

    _docx(tmp_path / "big.docx", "<w:p><w:r><w:t>公开</w:t></w:r></w:p>" * 2000)
    monkeypatch.setattr(ingest, "MAX_DOCX_XML", 10_000)
    with pytest.raises(
        InputError, match=r"word/document.xml expands to \d+ bytes, over the 10000-byte limit \(REVIEWER_MAX_DOCX_XML\)"
    ):
        document_from_bytes((tmp_path / "big.docx").read_bytes(), "big.docx")


def test_cli_refuses_a_span_bomb_in_one_line(tmp_path) -> None:
    html_span_bomb(tmp_path / "bomb.html")
    p = subprocess.run(
        [sys.executable, "-m", "reviewer.cli", "memo", str(tmp_path / "bomb.html")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 2
    assert p.stderr.strip().splitlines() == [
        f"reviewer: error: {tmp_path / 'bomb.html'}: table cells span more than 200000 grid positions (REVIEWER_MAX_GRID_CELLS)"
    ]


# ------------------------------------------------------------------------------------------------ per-file bounds
def _slow_or_fast(item: str) -> dict:
    if item == "slow":
        time.sleep(30)
    if item == "hog":
        blocks = [bytearray(64 * 1024 * 1024) for _ in range(40)]  # 2.5 GB: past the address-space limit
        return {"path": item, "status": "ok", "n": len(blocks)}
    return {"path": item, "status": "ok"}


def test_a_file_over_the_time_limit_is_recorded_and_the_others_go_on() -> None:
    t0 = time.monotonic()
    rows = {r["path"]: r for r in _imap(_slow_or_fast, ["a", "slow", "b", "c", "d"], jobs=2, timeout=1.5, memory_mb=0)}
    assert time.monotonic() - t0 < 10
    assert {p: r["status"] for p, r in rows.items()} == {"a": "ok", "slow": "retry", "b": "ok", "c": "ok", "d": "ok"}
    assert rows["slow"]["error"] == "exceeded limit: not reviewed within 1.5 s (REVIEWER_FILE_TIMEOUT)"


def test_a_file_over_the_memory_limit_is_recorded_and_its_worker_replaced() -> None:
    rows = {r["path"]: r for r in _imap(_slow_or_fast, ["a", "hog", "b", "c"], jobs=1, timeout=60, memory_mb=300)}
    assert {p: r["status"] for p, r in rows.items()} == {"a": "ok", "hog": "retry", "b": "ok", "c": "ok"}
    assert rows["hog"]["error"].startswith("exceeded limit")


def test_batch_memory_error_is_an_exceeded_limit_retried_next_run(tmp_path, monkeypatch) -> None:
    import reviewer.pipeline as pipeline

    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "b.txt"):
        (src / name).write_bytes((FIXTURES / "clean_tab_2023.txt").read_bytes() + name.encode())
    real = pipeline.review_report

    def hungry(report, *a, **k):
        if report.path.endswith("b.txt"):
            raise MemoryError
        return real(report, *a, **k)

    monkeypatch.setattr(pipeline, "review_report", hungry)
    first = run_batch([str(src)], tmp_path / "out", jobs=1)
    assert first.exit_code == 2
    assert [(Path(p).name, r[:16]) for p, r in first.unreadable_files] == [("b.txt", "exceeded limit: ")]
    monkeypatch.undo()
    second = run_batch([str(src)], tmp_path / "out", jobs=1)
    assert (second.reviewed, second.skipped, second.exit_code, second.unreadable_files) == (1, 1, 0, [])


# ------------------------------------------------------------------------------------------------ one batch per folder
def _corpus(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = (FIXTURES / "clean_tab_2023.txt").read_text(encoding="utf-8")
    for i in range(n):
        (folder / f"r{i:04d}.txt").write_text(text + f"\n（第{i}号副本）\n", encoding="utf-8")


def test_two_batches_on_one_folder_one_runs_the_other_refuses(tmp_path) -> None:
    _corpus(tmp_path / "in", 150)
    for trial in range(10):
        out = tmp_path / f"out{trial}"
        cmd = [sys.executable, "-m", "reviewer.cli", "batch", str(tmp_path / "in"), "-o", str(out), "--jobs", "1"]
        first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while not (out / "reviewer.sqlite").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        second = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        first.communicate(timeout=300)
        assert first.returncode == 0, trial
        assert second.returncode == 2, (trial, second.stderr)
        lines = second.stderr.strip().splitlines()
        assert (
            len(lines) == 1
            and "another reviewer batch is writing to this folder (pid " in lines[0]
            and "--wait" in lines[0]
        ), lines
        with sqlite3.connect(out / "reviewer.sqlite") as conn:
            assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT path) FROM reports").fetchone() == (150, 150)
        assert not list(out.glob(".summary-*")) and not list(out.glob(".tmp-*"))


def test_a_waiting_batch_runs_after_the_first(tmp_path) -> None:
    _corpus(tmp_path / "in", 60)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "reviewer.cli", "batch", str(tmp_path / "in"), "-o", str(out), "--jobs", "1"]
    first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not (out / "reviewer.sqlite").exists():
        time.sleep(0.05)
    second = subprocess.run([*cmd, "--wait"], capture_output=True, text=True, timeout=300)
    assert first.wait(timeout=300) == 0
    assert second.returncode == 0, second.stderr
    assert "(0 read now, 60 unchanged)" in second.stderr


# ------------------------------------------------------------------------------------------------ outputs after a kill
_KILL_AT = {
    "cross_checks": "import reviewer.batch.summary as s; w = s.atomic_write\n"
    "s.atomic_write = lambda p, t: (os.kill(os.getpid(), 9) if p.name == 'cross_checks.json' else w(p, t))",
    "dashboard": "import reviewer.batch.summary as s; w = s.atomic_write\n"
    "s.atomic_write = lambda p, t: (os.kill(os.getpid(), 9) if p.name == 'dashboard.html' else w(p, t))",
    "xlsx": "import reviewer.batch.summary as s; s.FORK_MIN_ROWS = 10**9\ns.write_xlsx = lambda *a: os.kill(os.getpid(), 9)",
    "marker": "from reviewer.batch.store import Store; Store.set_meta = lambda self, k, v: os.kill(os.getpid(), 9)",
    "cross_findings": "from reviewer.batch.store import Store; Store.replace_cross_findings = lambda self, f: os.kill(os.getpid(), 9)",
}


@pytest.mark.parametrize("point", sorted(_KILL_AT))
def test_sigkill_in_the_tail_then_a_rerun_leaves_every_output_complete(tmp_path, point) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    _corpus(src, 4)
    assert run_batch([str(src)], out, jobs=1).exit_code == 0
    _corpus(src, 5)  # one more report: the next run must rewrite every output
    for name in ("summary.csv", "dashboard.html"):
        (out / name).unlink(missing_ok=point != "cross_checks")
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys\n" + _KILL_AT[point] + "\nfrom reviewer.cli import main\n"
            "sys.argv = ['reviewer', 'batch', sys.argv[1], '-o', sys.argv[2], '--jobs', '1']\nmain()",
            str(src),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    again = run_batch([str(src)], out, jobs=1)
    assert again.exit_code == 0
    for name in ("summary.csv", "summary.xlsx", "cross_checks.json", "dashboard.html"):
        assert (out / name).is_file(), name
    csv_rows = (out / "summary.csv").read_text(encoding="utf-8-sig").strip().splitlines()[1:]
    assert len(csv_rows) == 5 and "r0004.txt" in (out / "dashboard.html").read_text(encoding="utf-8")
    with sqlite3.connect(out / "reviewer.sqlite") as conn:
        assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT path) FROM reports").fetchone() == (5, 5)
    third = run_batch([str(src)], out, jobs=1)  # now unchanged: nothing rewritten, nothing reviewed
    assert (third.reviewed, third.skipped) == (0, 5)


def test_a_missing_output_is_rewritten_by_an_unchanged_rerun(tmp_path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    _corpus(src, 3)
    run_batch([str(src)], out, jobs=1)
    (out / "dashboard.html").unlink()
    again = run_batch([str(src)], out, jobs=1)
    assert again.reviewed == 0 and (out / "dashboard.html").is_file()


def test_memo_folder_read_only_then_writable_is_retried(tmp_path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    src, out = tmp_path / "in", tmp_path / "out"
    _corpus(src, 2)
    (out / "memos").mkdir(parents=True)
    (out / "memos").chmod(0o555)
    try:
        first = run_batch([str(src)], out, jobs=1)
    finally:
        (out / "memos").chmod(0o755)
    assert first.exit_code == 2
    second = run_batch([str(src)], out, jobs=1)
    assert (second.reviewed, second.exit_code) == (2, 0)


# ------------------------------------------------------------------------------------------------ links
def test_links_out_of_the_folders_given_are_skipped_with_a_note(tmp_path) -> None:
    inside, outside = tmp_path / "in", tmp_path / "elsewhere"
    _corpus(inside, 1)
    _corpus(outside, 1)
    (inside / "link_out.txt").symlink_to(outside / "r0000.txt")
    (inside / "sub").mkdir()
    (inside / "sub" / "link_in.txt").symlink_to(inside / "r0000.txt")
    notes: list[str] = []
    files, problems = discover([str(inside)], notes=notes)
    assert [Path(f).name for f in files] == ["r0000.txt"] and problems == []
    assert notes == [
        f"{inside / 'link_out.txt'}: skipped, a link to {outside / 'r0000.txt'} outside the folders given (--follow-links to read it)"
    ]
    files, _ = discover([str(inside)], follow_links=True)
    assert sorted(Path(f).name for f in files) == ["link_out.txt", "r0000.txt"]
    files, _ = discover([str(inside / "link_out.txt")])  # named on the command line: read as given
    assert [Path(f).name for f in files] == ["link_out.txt"]
    files, _ = discover(
        [str(inside), str(outside)]
    )  # both folders given: the link stays inside them (one spelling a file)
    assert sorted(os.path.realpath(f) for f in files) == sorted([str(inside / "r0000.txt"), str(outside / "r0000.txt")])


# ------------------------------------------------------------------------------------------------ from the attack
def test_pdf_text_drawn_through_forms_counts(tmp_path) -> None:
    from benchmarks.resources import pdf_form_text, pdf_nested_forms, pdf_unclosed_text

    pdf_form_text(tmp_path / "forms.pdf")
    with pytest.raises(
        InputError, match=r"page 1 shows about 600\d{3} characters of text, more than the 40000-character limit"
    ):
        document_from_bytes((tmp_path / "forms.pdf").read_bytes(), "forms.pdf")
    pdf_nested_forms(tmp_path / "nested.pdf")
    with pytest.raises(InputError, match=r"page 1 draws forms nested more than 12 deep or drawing themselves"):
        document_from_bytes((tmp_path / "nested.pdf").read_bytes(), "nested.pdf")
    pdf_nested_forms(tmp_path / "nested8.pdf", depth=8)  # 128 draws of 2,000 characters: over the page limit
    with pytest.raises(InputError, match=r"page 1 shows about 256\d{3} characters"):
        document_from_bytes((tmp_path / "nested8.pdf").read_bytes(), "nested8.pdf")
    pdf_unclosed_text(tmp_path / "noet.pdf")
    with pytest.raises(InputError, match=r"page 1 shows about 300\d{3} characters"):
        document_from_bytes((tmp_path / "noet.pdf").read_bytes(), "noet.pdf")
    pdf_form_text(tmp_path / "small.pdf", chars=300, draws=3)  # a form used as a letterhead: read
    assert any("a" in ln.text for ln in document_from_bytes((tmp_path / "small.pdf").read_bytes(), "small.pdf").lines)


def test_a_wide_first_row_makes_the_rendered_grid_count(tmp_path) -> None:
    from benchmarks.resources import html_wide_first_row

    html_wide_first_row(tmp_path / "wide.html")
    t0 = time.monotonic()
    with pytest.raises(InputError, match=r"table cells span more than 200000 grid positions"):
        document_from_bytes((tmp_path / "wide.html").read_bytes(), "wide.html")
    assert time.monotonic() - t0 < 10


def test_every_docx_xml_part_is_bounded(tmp_path) -> None:
    from benchmarks.resources import docx_big_styles

    docx_big_styles(tmp_path / "styles.docx", mib=12)
    with pytest.raises(
        InputError,
        match=r"word/styles.xml expands to \d+ bytes, over the 10485760-byte limit \(REVIEWER_MAX_DOCX_XML\)",
    ):
        document_from_bytes((tmp_path / "styles.docx").read_bytes(), "styles.docx")


def test_a_memory_error_while_reading_a_pdf_page_is_not_an_unreadable_page(monkeypatch) -> None:
    import reviewer.ingest.pdf as pdf

    def exhausted(page):
        raise MemoryError

    monkeypatch.setattr(pdf, "_render_page", exhausted)
    with pytest.raises(MemoryError):
        document_from_bytes(_pdf([_tiny_runs_page(50)]), "tiny.pdf")


def test_the_lock_holds_when_its_note_file_is_deleted(tmp_path) -> None:
    _corpus(tmp_path / "in", 150)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "reviewer.cli", "batch", str(tmp_path / "in"), "-o", str(out), "--jobs", "1"]
    first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not (out / runner.LOCK_NAME).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    (out / runner.LOCK_NAME).unlink()
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert first.wait(timeout=300) == 0
    assert second.returncode == 2 and "another reviewer batch is writing to this folder" in second.stderr


def test_folder_links_out_of_the_folders_given_are_noted_and_followed_on_request(tmp_path) -> None:
    inside, outside = tmp_path / "in", tmp_path / "elsewhere"
    _corpus(inside, 1)
    _corpus(outside / "deep", 1)
    (inside / "dirlink").symlink_to(outside)
    (inside / "loop").symlink_to(inside)  # a link back into the folder: no note, no second visit
    notes: list[str] = []
    files, _ = discover([str(inside)], notes=notes)
    assert [Path(f).name for f in files] == ["r0000.txt"]
    assert notes == [
        f"{inside / 'dirlink'}: skipped, a link to the folder {outside} outside the folders given (--follow-links to read it)"
    ]
    files, _ = discover([str(inside)], follow_links=True)
    assert sorted(os.path.realpath(f) for f in files) == sorted(
        [str(inside / "r0000.txt"), str(outside / "deep" / "r0000.txt")]
    )


def test_a_conversion_over_its_time_limit_leaves_no_libreoffice_running(tmp_path, monkeypatch) -> None:
    """soffice starts soffice.bin and returns: on the time limit the whole process group is killed."""
    from reviewer.ingest import convert

    fake = tmp_path / "soffice"
    pidfile = tmp_path / "child.pid"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pidfile}\nwait\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(convert, "soffice_path", lambda: str(fake))
    monkeypatch.setattr(convert, "CONVERT_TIMEOUT", 1)
    t0 = time.monotonic()
    with pytest.raises(
        InputError, match=r"old binary Word file \(\.doc/\.wps\): LibreOffice did not convert it within 1 s"
    ):
        document_from_bytes(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 600, "slow.doc"
        )
    assert time.monotonic() - t0 < 10
    child = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{child}/stat").read_text().split()[2] == "Z":
            break  # killed, not yet reaped by init
        time.sleep(0.05)
    else:
        pytest.fail(f"the converter's child {child} is still running")
    assert convert.RUNNING == set()


# ------------------------------------------------------------------------------------------------ schema migrations
def test_a_store_of_the_previous_version_is_upgraded_in_place(tmp_path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    _corpus(src, 2)
    out.mkdir()
    with sqlite3.connect(out / "reviewer.sqlite") as conn:  # the 0.2.0 layout: no meta table, no schema version
        conn.executescript(
            "CREATE TABLE reports (path TEXT PRIMARY KEY, size INTEGER, mtime REAL, sha256 TEXT, tool_version TEXT, "
            "status TEXT NOT NULL, error TEXT, office TEXT, office_key TEXT, level TEXT, year INTEGER, template TEXT, "
            "n_error INTEGER DEFAULT 0, n_warning INTEGER DEFAULT 0, n_info INTEGER DEFAULT 0, exit_code INTEGER DEFAULT 0, "
            "summary TEXT, memo_md TEXT, memo_json TEXT, updated REAL);"
            "CREATE TABLE cross_findings (id INTEGER PRIMARY KEY AUTOINCREMENT, rule TEXT, severity TEXT, path TEXT, "
            "other_path TEXT, message TEXT, figures TEXT);"
        )
    result = run_batch([str(src)], out, jobs=1)
    assert (result.reviewed, result.exit_code) == (2, 0)
    with sqlite3.connect(out / "reviewer.sqlite") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert conn.execute("SELECT value FROM meta WHERE key = 'outputs_generation'").fetchone() is not None


def test_a_store_of_a_newer_version_is_refused_in_one_line(tmp_path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    _corpus(src, 1)
    out.mkdir()
    with sqlite3.connect(out / "reviewer.sqlite") as conn:
        conn.execute("PRAGMA user_version = 99")
    p = subprocess.run(
        [sys.executable, "-m", "reviewer.cli", "batch", str(src), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 2
    assert p.stderr.strip().splitlines() == [
        f"reviewer: error: {out}: the batch store {out / 'reviewer.sqlite'} has schema version 99, newer than the 2 this "
        "reviewer knows; use a newer reviewer or another location"
    ]


def test_the_llm_cache_gets_a_schema_version_and_a_newer_one_is_not_used(tmp_path) -> None:
    from reviewer.errors import SchemaTooNew
    from reviewer.llm.cache import SQLiteLLMCache

    cache = SQLiteLLMCache(tmp_path / "c.sqlite")
    cache.close()
    with sqlite3.connect(tmp_path / "c.sqlite") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        conn.execute("PRAGMA user_version = 7")
    with pytest.raises(SchemaTooNew, match="has schema version 7, newer than the 1"):
        SQLiteLLMCache(tmp_path / "c.sqlite")
