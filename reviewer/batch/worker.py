"""Review one file inside a worker process: memo files written atomically, a compact summary returned.

Never raises: an unreadable file becomes a row with ``status="error"`` and a one-line reason; a failure of the
tool's own environment (the memo cannot be written, the memory limit, an internal error) a row with
``status="retry"``, reviewed again by the next run.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from reviewer import __version__

_SAFE = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff._-]+")


def safe_name(stem: str, sha256: str) -> str:
    """A file name that cannot leave its folder: ``<sanitised stem (≤ 60 chars)>-<8 hex of the content hash>``."""
    s = _SAFE.sub("_", stem).strip("._-")[:60] or "report"
    return f"{s}-{sha256[:8]}"


def write_text(path: Path, text: str) -> None:
    """Plain write (the store row, committed after this, is what makes a result count; a crash before the commit
    means the file is rewritten on the next run)."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


#: Mode of files written through a temporary file (read once, at import: reading the umask means setting it).
_FILE_MODE = _file_mode()


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and ``os.replace`` (no partial files)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        os.fchmod(fd, _FILE_MODE)  # mkstemp makes 0600; outputs get the usual mode (0644 under umask 022)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def office_key(office: str) -> str:
    """Normalised organ name for grouping years (drops spaces and the 人民政府办公室 → 人民政府 variants)."""
    return re.sub(r"\s+", "", office or "").replace("（", "(").replace("）", ")")


def _values(table) -> list[Any]:
    if not table.ok:
        return []
    return [cell.gold() for cols in table.rows.values() for cell in cols.values()]


def summarise(review, fail_on: str) -> dict[str, Any]:
    """Compact per-report summary for the summary table, cross-year and cross-office checks."""
    from reviewer.checks import severity_at_least

    r = review.report
    counts = {"error": 0, "warning": 0, "info": 0}
    rules: dict[str, int] = {}
    extraction: dict[str, int] = {}
    for f in review.findings:
        if f.category == "extraction":  # kept apart: a misread table is never an error of the office
            extraction[f.rule] = extraction.get(f.rule, 0) + 1
            continue
        counts[f.severity.value] += 1
        rules[f.rule] = rules.get(f.rule, 0) + 1

    def t3row(key: str) -> list[Any] | None:
        return [c.gold() for c in r.t3.rows[key].values()] if r.t3.ok and key in r.t3.rows else None

    def t3tot(key: str) -> Any:
        return r.t3.rows[key]["total"].gold() if r.t3.ok and key in r.t3.rows else None

    def group(prefix: str) -> Any:
        if not r.t3.ok:
            return None
        return sum(cols["total"].num() for k, cols in r.t3.rows.items() if k.startswith(prefix))

    t4 = {
        b: (r.t4.rows[b]["total"].gold() if r.t4.ok else None)
        for b in ("reconsideration", "litigation_direct", "litigation_after_review")
    }
    sec5 = r.section(5)
    t2 = {}
    if r.t2.ok:
        for row in ("rules", "normative_documents"):
            if row in r.t2.rows:
                t2[row] = {c: cell.gold() for c, cell in r.t2.rows[row].items()}
    return {
        "title": r.title,
        "is_report": r.is_report,
        "counts": counts,
        "rules": rules,
        "extraction": extraction,
        "table_states": {t.name: t.state for t in (r.t2, r.t3, r.t4)},
        "exit_code": 1 if severity_at_least(review.findings, fail_on) else 0,
        "figures": {
            "new_received": t3tot("new_received"),
            "carried_over": t3tot("carried_over"),
            "total_processed": t3tot("total_processed"),
            "carried_forward": t3tot("carried_forward"),
            "granted": t3tot("granted"),
            "denied": group("denied_"),
            "not_held": t3tot("unable_not_held"),
            **t4,
        },
        "t3_carried_over": t3row("carried_over"),
        "t3_carried_forward": t3row("carried_forward"),
        "t2": t2,
        "cells": _values(r.t2) + _values(r.t3) + _values(r.t4),
        "sec5": re.sub(r"\s+", "", (sec5.original_text or sec5.text) if sec5 else "")[:3000],
        "sec5_line": sec5.line if sec5 else None,
        "tables_ok": [r.t2.ok, r.t3.ok, r.t4.ok],
        "restructuring": any(("机构改革" in ln.text or "职能划转" in ln.text) for ln in r.lines),
    }


def review_one(path: str, outdir: str, fail_on: str = "error") -> dict[str, Any]:
    """Review ``path``; write ``memos/<safe>.md`` and ``.json`` into ``outdir``; return the store row."""
    import stat as stat_mod

    from reviewer.ingest import MAX_BYTES

    p = Path(path)
    row: dict[str, Any] = {"path": path, "tool_version": __version__, "status": "error"}
    try:
        st = p.stat()
        row["size"], row["mtime"] = st.st_size, st.st_mtime
        if not stat_mod.S_ISREG(st.st_mode):
            row.update(error="not a regular file (device, FIFO, socket or folder)", exit_code=2)
            return row
        if st.st_size > MAX_BYTES:
            row.update(
                error=f"file is {st.st_size} bytes, larger than the {MAX_BYTES}-byte limit (REVIEWER_MAX_BYTES)",
                exit_code=2,
            )
            return row
        with open(p, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            row.update(error=f"file is larger than the {MAX_BYTES}-byte limit (REVIEWER_MAX_BYTES)", exit_code=2)
            return row
    except OSError as exc:
        row.update(error=f"cannot read the file ({exc.strerror or exc})", exit_code=2)
        return row
    sha = hashlib.sha256(data).hexdigest()
    row["sha256"] = sha
    try:
        from reviewer.batch.store import dumps
        from reviewer.errors import InputError
        from reviewer.ingest import document_from_bytes
        from reviewer.memo import build_memo, render_markdown
        from reviewer.parse import parse_document
        from reviewer.pipeline import review_report

        try:
            review = review_report(parse_document(document_from_bytes(data, path)))
        except InputError as exc:
            row.update(error=exc.reason, exit_code=2)
            return row
        memo = build_memo(review, in_batch=True)
        memos = Path(outdir) / "memos"
        name = safe_name(p.stem, sha)
        md_path, json_path = memos / f"{name}.md", memos / f"{name}.json"
        write_text(md_path, render_markdown(memo))
        write_text(json_path, memo.model_dump_json(indent=1))
        summary = summarise(review, fail_on)
        r = review.report
        office = r.office if r.is_report else ""
        row.update(
            status="ok",
            error=None,
            office=office,
            office_key=office_key(office),
            level=r.office_level,
            year=r.year,
            template=r.template,
            n_error=summary["counts"]["error"],
            n_warning=summary["counts"]["warning"],
            n_info=summary["counts"]["info"],
            exit_code=summary["exit_code"],
            summary=dumps(summary),
            memo_md=str(md_path.relative_to(outdir)),
            memo_json=str(json_path.relative_to(outdir)),
        )
    except RecursionError:
        row.update(error="input too deeply nested to review", exit_code=2)
    except MemoryError:
        # the worker's address-space limit (REVIEWER_FILE_MEMORY_MB): retried by the next run, in a fresh worker
        from reviewer.batch.runner import FILE_MEMORY_MB

        row.update(
            status="retry",
            error=f"exceeded limit: the review needed more than the memory allowed (REVIEWER_FILE_MEMORY_MB={FILE_MEMORY_MB})",
            exit_code=2,
            _restart=True,
        )
    except OSError as exc:
        row.update(status="retry", error=f"cannot write the memo ({exc.strerror or exc})", exit_code=2)
    except Exception as exc:  # noqa: BLE001 - one bad file never stops the batch
        row.update(status="retry", error=f"internal error: {type(exc).__name__}: {exc}"[:300], exit_code=2)
    return row
