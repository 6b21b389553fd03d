"""Batch outputs in OUTDIR: ``summary.csv``, ``summary.xlsx`` (XlsxWriter), ``cross_checks.json`` and a self-contained
offline ``dashboard.html`` (no CDN: inline CSS, inline SVG chart, a few lines of inline JS for sorting).

One row per report: file, status or error, office, level, year, template, key figures, findings counted by
severity and by rule (rule columns for every rule that fires in the batch), cross-report findings, memo link.
All report text in the dashboard is HTML-escaped; spreadsheet cells starting with ``= + - @`` are neutralised
with a leading apostrophe so that no report text becomes a formula.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from reviewer.batch.worker import _FILE_MODE, atomic_write

FIGURES = (
    ("new_received", "本年新收"),
    ("carried_over", "上年结转"),
    ("total_processed", "办结（七）"),
    ("carried_forward", "结转下年"),
    ("granted", "予以公开"),
    ("denied", "不予公开"),
    ("not_held", "不掌握"),
    ("reconsideration", "行政复议"),
    ("litigation_direct", "直接起诉"),
    ("litigation_after_review", "复议后起诉"),
)
BASE_COLUMNS = (
    ["file", "status", "error", "office", "office_group", "level", "year", "template"]
    + [k for k, _ in FIGURES]
    + ["n_error", "n_warning", "n_info", "n_extraction", "doubtful_tables", "n_cross", "memo_md", "memo_json"]
)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def neutralise(value: Any) -> Any:
    """Spreadsheet-safe cell: text starting with ``= + - @`` (or tab/CR) gets a leading apostrophe; control
    characters (which XLSX cannot hold) become ``?``."""
    if isinstance(value, str):
        value = _CONTROL.sub("?", value)
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
    return value


def table_rows(rows: list[dict[str, Any]], cross: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """``(columns, rows)`` of the summary table (one dict per report)."""
    cross_by_path: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in cross:
        cross_by_path[f["path"]].append(f)
    rule_counts: Counter = Counter()
    for r in rows:
        rule_counts.update((r["summary"] or {}).get("rules", {}).keys())
    for f in cross:
        rule_counts[f["rule"]] += 1
    rule_cols = sorted(rule_counts)
    # the organ as the cross-report checks grouped it (``_organ``, set by cross.group_offices: "省教育厅" and
    # "河北省教育厅" are one organ when only one such organ is in the batch); rows not grouped yet are grouped here
    from reviewer.batch.cross import group_offices, reports_of

    reports = reports_of(rows)
    if any("_organ" not in r for r in reports):
        group_offices(reports)
    out = []
    for r in rows:
        s = r["summary"] or {}
        figs = s.get("figures", {})
        rules = Counter(s.get("rules", {}))
        for f in cross_by_path.get(r["path"], []):
            rules[f["rule"]] += 1
        item = {
            "file": r["path"],
            "status": r["status"],
            "error": r.get("error") or "",
            "office": r.get("office") or "",
            "office_group": r.get("_organ") or r.get("office") or "",
            "level": r.get("level") or "",
            "year": r.get("year"),
            "template": r.get("template") or "",
            **{k: figs.get(k) for k, _ in FIGURES},
            "n_error": r.get("n_error") or 0,
            "n_warning": r.get("n_warning") or 0,
            "n_info": r.get("n_info") or 0,
            # extraction issues (findings resting on a doubtful or ambiguous reading) are counted apart
            "n_extraction": sum((s.get("extraction") or {}).values()),
            "doubtful_tables": " ".join(t for t, state in (s.get("table_states") or {}).items() if state == "doubtful"),
            "n_cross": len(cross_by_path.get(r["path"], [])),
            "memo_md": r.get("memo_md") or "",
            "memo_json": r.get("memo_json") or "",
        }
        for rule in rule_cols:
            item[rule] = rules.get(rule, 0)
        out.append(item)
    return BASE_COLUMNS + rule_cols, out


def write_summaries(
    outdir: Path,
    rows: list[dict[str, Any]],
    cross: list[dict[str, Any]],
    problems: list[str],
    checks: list[dict[str, Any]] | None = None,
) -> dict[str, str]:
    """Write the summary files; returns ``name -> path``."""
    columns, items = table_rows(rows, cross)
    paths = {}
    xlsx_path = outdir / "summary.xlsx"
    # the workbook (~3 µs a cell) is written by a forked process while this one writes the rest
    xlsx_job = _start(write_xlsx, (xlsx_path, columns, items, cross), len(items))
    try:
        csv_path = outdir / "summary.csv"
        fd, tmp_name = tempfile.mkstemp(dir=outdir, prefix=".summary-", suffix=".csv.tmp")
        tmp = Path(tmp_name)
        try:
            os.fchmod(fd, _FILE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=columns)
                w.writeheader()
                for item in items:
                    w.writerow({k: neutralise(v) for k, v in item.items()})
            tmp.replace(csv_path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        paths["csv"] = str(csv_path)
        atomic_write(
            outdir / "cross_checks.json",
            json.dumps(
                {"checks": checks or [], "findings": cross, "input_problems": problems}, ensure_ascii=False, indent=1
            ),
        )
        paths["cross_checks"] = str(outdir / "cross_checks.json")
        atomic_write(outdir / "dashboard.html", dashboard_html(columns, items, cross, problems, checks or []))
        paths["dashboard"] = str(outdir / "dashboard.html")
    finally:
        _finish(xlsx_job)
    paths["xlsx"] = str(xlsx_path)
    return paths


def write_xlsx(xlsx_path: Path, columns: list[str], items: list[dict[str, Any]], cross: list[dict[str, Any]]) -> None:
    """``summary.xlsx``: sheet ``reports`` (one row per report, ``columns``) and sheet ``cross_findings``; written
    with XlsxWriter (streaming, no formulas or URLs made from text) to a temporary file and renamed. Raises
    ``OSError`` when it cannot be written."""
    import xlsxwriter

    fd, tmp_name = tempfile.mkstemp(
        dir=xlsx_path.parent, prefix=".summary-", suffix=".xlsx.tmp"
    )  # unique: two writers never share it
    os.close(fd)
    tmpx = Path(tmp_name)
    wb = xlsxwriter.Workbook(
        str(tmpx),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    ws = wb.add_worksheet("reports")
    ws.write_row(0, 0, columns)
    for r, item in enumerate(items, 1):
        ws.write_row(r, 0, [_cell(item.get(c)) for c in columns])
    ws2 = wb.add_worksheet("cross_findings")
    ws2.write_row(0, 0, ["rule", "severity", "file", "other_file", "message"])
    for r, f in enumerate(cross, 1):
        ws2.write_row(
            r,
            0,
            [
                _cell(f["rule"]),
                _cell(f["severity"]),
                _cell(f["path"]),
                _cell(f.get("other_path") or ""),
                _cell(f["message"]),
            ],
        )
    try:
        try:
            wb.close()
        except xlsxwriter.exceptions.FileCreateError as exc:
            raise OSError(str(exc.args[0] if exc.args else exc)) from None
        os.chmod(tmpx, _FILE_MODE)
        tmpx.replace(xlsx_path)
    except BaseException:
        tmpx.unlink(missing_ok=True)
        raise


#: The longest text an XLSX cell holds.
XLSX_MAX_TEXT = 32767


def _cell(value: Any) -> Any:
    """A spreadsheet-safe value (see :func:`neutralise`), text clipped to what a cell can hold."""
    value = neutralise(value)
    return value[:XLSX_MAX_TEXT] if isinstance(value, str) else value


#: Below this many reports the workbook is written in-process (a fork costs more than it saves).
FORK_MIN_ROWS = 2000


def _start(func, args: tuple, rows: int):
    """Run ``func(*args)`` in a forked child when the platform forks and there are at least
    :data:`FORK_MIN_ROWS` ``rows``; else run it now. Returns a handle for :func:`_finish`."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods() or rows < FORK_MIN_ROWS:
        func(*args)
        return None
    ctx = multiprocessing.get_context("fork")
    parent_end, child_end = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child_end, func, args), daemon=True)
    proc.start()
    child_end.close()
    return proc, parent_end


def _child(conn, func, args) -> None:
    try:
        func(*args)
        conn.send(None)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def _finish(job) -> None:
    """Wait for a job from :func:`_start`; raises ``OSError`` with the child's reason when it failed."""
    if job is None:
        return
    proc, conn = job
    try:
        reason = conn.recv() if conn.poll(None) else "no result"
    except EOFError:
        reason = "the process writing it stopped"
    proc.join()
    conn.close()
    if reason is not None:
        raise OSError(f"cannot write summary.xlsx ({reason})")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _bar_chart(counts: list[tuple[str, int]]) -> str:
    """Inline SVG horizontal bar chart of findings per rule."""
    if not counts:
        return "<p>无发现。</p>"
    width, bar_h, label_w = 720, 18, 210
    top = max(c for _, c in counts)
    height = bar_h * len(counts) + 10
    parts = [
        f'<svg id="rule-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="每条规则的发现数">'
    ]
    for i, (rule, count) in enumerate(counts):
        y = 5 + i * bar_h
        w = max(2, int((width - label_w - 60) * count / top))
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12">{_e(rule)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{w}" height="{bar_h - 5}" fill="#4a78b5"><title>{_e(rule)}: {count}</title></rect>'
        )
        parts.append(f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="12">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


_SORT_JS = """
document.querySelectorAll('table.sortable th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var asc = th.getAttribute('data-dir') !== 'asc';
    table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('data-dir'); });
    th.setAttribute('data-dir', asc ? 'asc' : 'desc');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute('data-v') || a.cells[col].textContent;
      var y = b.cells[col].getAttribute('data-v') || b.cells[col].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'zh');
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""


def dashboard_html(
    columns: list[str],
    items: list[dict[str, Any]],
    cross: list[dict[str, Any]],
    problems: list[str],
    checks: list[dict[str, Any]],
) -> str:
    """The self-contained dashboard page (str)."""
    shown = [
        "file",
        "office",
        "year",
        "template",
        "status",
        "n_error",
        "n_warning",
        "n_info",
        "doubtful_tables",
        "n_extraction",
        "n_cross",
        "new_received",
        "total_processed",
    ]
    head = {
        "file": "文件",
        "office": "机关",
        "year": "年度",
        "template": "模板",
        "status": "状态",
        "n_error": "错误",
        "n_warning": "警示",
        "n_info": "提示",
        "doubtful_tables": "提取存疑的表",
        "n_extraction": "提取问题",
        "n_cross": "跨报告",
        "new_received": "本年新收",
        "total_processed": "办结",
    }
    rule_totals: Counter = Counter()
    for item in items:
        for c in columns[len(BASE_COLUMNS) :]:
            rule_totals[c] += item.get(c) or 0
    chart = _bar_chart(sorted(((r, n) for r, n in rule_totals.items() if n), key=lambda x: (-x[1], x[0]))[:40])
    body_rows = []
    for item in items:
        cells = []
        for c in shown:
            v = item.get(c)
            if c == "file":
                link = item.get("memo_md")
                label = Path(str(v)).name
                cell = f'<a href="{_e(link)}">{_e(label)}</a>' if link else _e(label)
                cells.append(f'<td data-v="{_e(label)}" title="{_e(v)}">{cell}</td>')
            elif c == "status" and item.get("error"):
                # a failure of the tool's environment is not the report's: it is reviewed again by the next run
                prefix = "未完成（下次运行时重试）：" if item.get("status") == "retry" else "无法读取："
                cells.append(f'<td class="err" data-v="{_e(item.get("status"))}">{_e(prefix + item["error"])}</td>')
            else:
                cells.append(f'<td data-v="{_e(v)}">{_e(v)}</td>')
        body_rows.append("<tr>" + "".join(cells) + "</tr>")
    by_office: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_office[item.get("office_group") or item.get("office") or "（未识别机关）"].append(item)
    cross_by_path: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in cross:
        cross_by_path[f["path"]].append(f)
    offices = []
    for office in sorted(by_office):
        reports = sorted(by_office[office], key=lambda i: (i.get("year") or 0, i["file"]))
        lis = []
        for it in reports:
            link = (
                f'<a href="{_e(it["memo_md"])}">审查意见（Markdown）</a> · <a href="{_e(it["memo_json"])}">JSON</a>'
                if it.get("memo_md")
                else _e(it.get("error"))
            )
            extra = "".join(
                f"<li>{_e(f['rule'])}（{_e(f['severity'])}）：{_e(f['message'])}</li>"
                for f in cross_by_path.get(it["file"], [])
            )
            lis.append(
                f"<li>{_e(it.get('year'))} · {_e(Path(it['file']).name)} · 错误 {it['n_error']} / 警示 {it['n_warning']} · {link}"
                + (f"<ul>{extra}</ul>" if extra else "")
                + "</li>"
            )
        offices.append(
            f"<details><summary>{_e(office)}（{len(reports)} 份）</summary><ul>{''.join(lis)}</ul></details>"
        )
    xy = [c for c in checks if c.get("rule") == "XY-CARRY"]
    xy_text = f"跨年度“上年结转 = 上年结转下年度”核对 {len(xy)} 对：一致 {sum(1 for c in xy if c['status'] == 'ok')}，不一致 {sum(1 for c in xy if c['status'] == 'mismatch')}，无法核对 {sum(1 for c in xy if c['status'] == 'not_assessable')}。"
    probs = "".join(f"<li>{_e(p)}</li>" for p in problems)
    total = len(items)
    errors = sum(1 for i in items if i["status"] != "ok")
    retries = sum(1 for i in items if i["status"] == "retry")
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>政府信息公开年报批量审查</title>
<style>
body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}}
table{{border-collapse:collapse;font-size:13px}} th,td{{border:1px solid #ccc;padding:3px 6px;text-align:left}}
th{{background:#eef2f7;cursor:pointer;user-select:none}} th[data-dir=asc]::after{{content:" ▲"}} th[data-dir=desc]::after{{content:" ▼"}}
td.err{{color:#a00}} details{{margin:4px 0}} summary{{cursor:pointer}}
</style></head><body>
<h1>政府信息公开工作年度报告批量审查</h1>
<p id="totals">共 {total} 份文件，{total - errors} 份已审查，{errors - retries} 份无法读取{f"，{retries} 份未完成（下次运行时重试）" if retries else ""}；跨报告发现 {len(cross)} 项。{_e(xy_text)}</p>
{f"<ul>{probs}</ul>" if probs else ""}
<h2>每条规则的发现数</h2>
{chart}
<h2>报告一览（点击表头排序）</h2>
<table id="reports" class="sortable"><thead><tr>{"".join(f"<th>{_e(head[c])}</th>" for c in shown)}</tr></thead>
<tbody>{"".join(body_rows)}</tbody></table>
<h2>按机关查看</h2>
{"".join(offices)}
<script>{_SORT_JS}</script>
</body></html>
"""
