"""The CLI as a user runs it (subprocess): outputs, exit codes 0/1/2, one-line errors, lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import FIXTURES, REAL, SEED, needs_shared


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewer.cli", *args], capture_output=True, text=True, timeout=120)


def test_memo_on_clean_fixture_exits_0() -> None:
    p = run("memo", str(FIXTURES / "clean_tab_2023.txt"))
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("# 政府信息公开工作年度报告审查意见：青禾市栖川区杉湾街道办事处 2023年度")
    assert "**结论**：错误 0 项，警示 0 项" in p.stdout


def test_check_exit_codes_follow_fail_on() -> None:
    defects = str(FIXTURES / "defects_tab_2023.txt")
    assert run("check", defects).returncode == 1
    assert run("check", defects, "--fail-on", "never").returncode == 0
    assert run("check", str(FIXTURES / "clean_tab_2023.txt"), "--fail-on", "info").returncode == 0
    p = run("check", defects, "--format", "json")
    assert p.returncode == 1
    data = json.loads(p.stdout)
    assert {"rule", "severity", "message"} <= set(data[0])
    assert ("T4-SUM", "error") in {(d["rule"], d["severity"]) for d in data}


def test_memo_json_has_schema_version_and_same_findings() -> None:
    p = run("memo", str(FIXTURES / "defects_tab_2023.txt"), "--format", "json", "--fail-on", "never")
    assert p.returncode == 0
    memo = json.loads(p.stdout)
    assert memo["schema_version"] == "1.1"
    assert memo["office"] == "青禾市栖川区卫生健康局"
    checks = json.loads(run("check", str(FIXTURES / "defects_tab_2023.txt"), "--format", "json").stdout)
    assert [f["rule"] for f in memo["findings"]] == [f["rule"] for f in checks]


@needs_shared
def test_parse_json_has_gold_shape() -> None:
    p = run("parse", str(SEED))
    assert p.returncode == 0
    data = json.loads(p.stdout)
    gold = json.loads((SEED.parents[1] / "corpus" / "gold" / "000_f6c1ae60807b909e.json").read_text(encoding="utf-8"))
    for key in ("template", "sections_present"):
        assert data[key] == gold[key]
    for table in ("t2", "t3", "t4"):
        assert {r: set(c) for r, c in data[table].items()} == {r: set(c) for r, c in gold[table].items()}
    assert data["t3"]["new_received"]["total"] == 18
    assert data["t2"]["rules"]["issued"] is None
    assert data["provenance"]["t3"]["rows"]["new_received"]["total"]["line"] == 99


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"", "the file is empty"), (bytes(range(256)) * 10, "binary file"), (b"%PDF-1.4\n", "PDF")],
)
def test_bad_files_exit_2_with_one_line(tmp_path, content: bytes, needle: str) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    for cmd in ("memo", "check", "parse"):
        p = run(cmd, str(f))
        assert p.returncode == 2
        assert p.stdout == ""
        assert p.stderr.count("\n") == 1 and needle in p.stderr and str(f) in p.stderr
        assert "Traceback" not in p.stderr


def test_missing_file_and_bad_option_exit_2(tmp_path) -> None:
    p = run("memo", str(tmp_path / "none.txt"))
    assert (p.returncode, p.stderr.strip()) == (2, f"reviewer: error: {tmp_path / 'none.txt'}: no such file")
    assert run("check", str(FIXTURES / "clean_tab_2023.txt"), "--fail-on", "bogus").returncode == 2


def test_not_a_report_is_reviewed_without_traceback() -> None:
    p = run("check", str(FIXTURES / "not_a_report.txt"))
    assert p.returncode == 1
    assert "STR-SECTIONS-PRESENT" in p.stdout and "Traceback" not in p.stderr


@needs_shared
@pytest.mark.parametrize("name", ["2023_huaian-hongzequ.pdf", "2023_shuyang-fgj.html"])
def test_pdf_and_html_reports_are_reviewed(name: str) -> None:
    p = run("check", str(REAL / name), "--format", "json", "--fail-on", "never")
    assert p.returncode == 0, p.stderr
    rules = {f["rule"] for f in json.loads(p.stdout)}
    assert ("T4-SUM" in rules) == name.startswith("2023_huaian")


def test_usage_errors_are_one_line() -> None:
    p = run("check")
    assert p.returncode == 2
    assert p.stderr == "reviewer: error: Missing argument 'file'. (see 'reviewer check --help')\n"


def test_help_imports_no_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from reviewer.cli import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = [m for m in ('langchain_openai', 'langchain_core', 'openai', 'pdfplumber', 'pypdfium2', 'docx', 'opencc', 'reviewer.parse') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"


def test_version_option() -> None:
    from reviewer import __version__

    p = subprocess.run([sys.executable, "-m", "reviewer.cli", "--version"], capture_output=True, text=True)
    assert (p.returncode, p.stdout, p.stderr) == (0, f"reviewer {__version__}\n", "")
