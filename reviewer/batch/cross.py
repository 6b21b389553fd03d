"""Checks across reports of one batch: the same office in consecutive years, and offices against each other.

Cross-year (rulebook B/C, needs the previous report): XY-CARRY, XY-T2-STOCK, CELL-COPY-PATTERN, Q-SEC5-COPY-PREV,
Q-SEC5-PREV-FOLLOWUP. Offices are grouped by the organ name read from the report (title, metadata, signature or
body), names contained in one another being one organ ("省教育厅" = "河北省教育厅" when only one such organ is in
the batch); the file name is the fallback for the office and the year.

Cross-office: section 五 text shared nearly verbatim by different offices (candidates from shared clauses,
similarity measured with rapidfuzz; reported under Q-SEC5-SPECIFIC) and outliers of the refusal and "not held" shares
against the batch (reported under PL-DENIAL-SHARE / PL-NOINFO-SHARE with the peer figures).
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

COPY_THRESHOLD = 85.0
#: Columns of the character bags that bound fuzz.ratio before it is computed (near_duplicates).
BAG_COLUMNS = 128
FOLLOWUP = re.compile(r"上一?年度?|去年|上年|整改落实|整改情况|已整改|落实情况|改进情况")
_YEARS = re.compile(r"(?:19|20)\d{2}\s*年度?|[一二]〇[一二三四五六七八九〇]{2}年")


def _year_from_name(path: str) -> int | None:
    m = re.search(r"(20\d{2}|19\d{2})", Path(path).name)
    return int(m.group(1)) if m else None


def _name_key(path: str) -> str:
    stem = Path(path).name.split(".")[0]
    return re.sub(r"(20\d{2}|19\d{2})[_-]?", "", stem).strip("_-") or stem


def group_offices(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Group report rows by organ. Returns ``canonical name -> rows``; rows gain ``_year`` and ``_organ`` (the
    canonical organ name, "" when the report names none and the file name groups it)."""
    keys: dict[str, str] = {}
    names = sorted({r["office_key"] for r in rows if r.get("office_key")}, key=len, reverse=True)
    canon: list[str] = []
    # names come longest first, so a name can only be contained in an earlier canonical name; those are looked up
    # through the name's rarest character pair instead of scanning every canonical name
    by_pair: dict[str, list[int]] = defaultdict(list)
    for name in names:
        pairs = {name[k : k + 2] for k in range(len(name) - 1)}
        matches: list[str] = []
        if len(name) >= 4:
            shortest = min((by_pair.get(p, []) for p in pairs), key=len)
            matches = [canon[i] for i in shortest if name in canon[i]]
        if len(matches) == 1:
            keys[name] = matches[0]
        else:
            canon.append(name)
            keys[name] = name
            for p in pairs:
                by_pair[p].append(len(canon) - 1)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        organ = keys.get(r.get("office_key") or "")
        r["_year"] = r.get("year") or _year_from_name(r["path"])
        r["_organ"] = organ or ""
        groups[organ or f"文件:{_name_key(r['path'])}"].append(r)
    return groups


def _finding(
    rule: str, severity: str, row: dict, message: str, other: dict | None = None, **figures: Any
) -> dict[str, Any]:
    return {
        "rule": rule,
        "severity": severity,
        "path": row["path"],
        "other_path": other["path"] if other else None,
        "message": message,
        "figures": figures,
    }


def _strip_years(text: str) -> str:
    return _YEARS.sub("", text or "")


def cross_year(groups: dict[str, list[dict[str, Any]]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Findings and the record of every cross-year comparison made (``checks``: rule, office, years, status)."""
    from rapidfuzz import fuzz

    findings: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    followup_done: set[str] = set()
    for office, rows in groups.items():
        by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            if r["_year"]:
                by_year[r["_year"]].append(r)
        for year in sorted(by_year):
            if year - 1 not in by_year:
                continue
            for cur in by_year[year]:
                for prev in by_year[year - 1]:
                    s, p = cur["summary"], prev["summary"]
                    # XY-CARRY: this year's 上年结转 = last year's 结转下年度, per column
                    a, b = s.get("t3_carried_over"), p.get("t3_carried_forward")
                    status, reason, compared = "not_assessable", "", 0
                    if not a or not b:
                        reason = (
                            "表三不可用（本年或上年报告）"
                            if not a and not b
                            else ("本年报告表三不可用" if not a else "上年报告表三不可用")
                        )
                    else:
                        cols = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
                        pairs = [
                            (cols[i], x, y) for i, (x, y) in enumerate(zip(a, b)) if x is not None and y is not None
                        ]
                        compared = len(pairs)
                        diffs = [(c, x, y) for c, x, y in pairs if x != y]
                        if not pairs:  # blank cells on one side in every column: nothing was compared
                            reason = "“上年结转”或“结转下年度”行全部空白"
                        else:
                            status = "mismatch" if diffs else "ok"
                        if diffs:
                            sev = "warning" if s.get("restructuring") else "error"
                            detail = "；".join(f"{c}：本年上年结转 {x}，上年结转下年度 {y}" for c, x, y in diffs)
                            findings.append(
                                _finding(
                                    "XY-CARRY",
                                    sev,
                                    cur,
                                    f"{office} {year}年表三“上年结转”与{year - 1}年报告“结转下年度”不一致：{detail}。",
                                    prev,
                                    columns=[c for c, _, _ in diffs],
                                    this_year=a,
                                    last_year=b,
                                )
                            )
                    checks.append(
                        {
                            "rule": "XY-CARRY",
                            "office": office,
                            "year": year,
                            "prev_year": year - 1,
                            "path": cur["path"],
                            "prev_path": prev["path"],
                            "status": status,
                            "columns_compared": compared,
                            **({"reason": reason} if reason else {}),
                        }
                    )
                    # XY-T2-STOCK: in force now ≈ in force last year + issued - repealed
                    for row, name in (("normative_documents", "行政规范性文件"), ("rules", "规章")):
                        t, q = s.get("t2", {}).get(row, {}), p.get("t2", {}).get(row, {})
                        vals = (t.get("in_force"), q.get("in_force"), t.get("issued"), t.get("repealed"))
                        if all(isinstance(v, (int, float)) for v in vals):
                            expected = vals[1] + vals[2] - vals[3]
                            if vals[0] != expected:
                                findings.append(
                                    _finding(
                                        "XY-T2-STOCK",
                                        "warning",
                                        cur,
                                        f"{name}现行有效 {vals[0]} 件，按上年 {vals[1]} + 本年制发 {vals[2]} − 本年废止 {vals[3]} 应为 {expected} 件；请说明差异（到期失效、修订或划转）。",
                                        prev,
                                        in_force=vals[0],
                                        last_in_force=vals[1],
                                        issued=vals[2],
                                        repealed=vals[3],
                                    )
                                )
                    # CELL-COPY-PATTERN: every numeric cell identical to last year's report
                    ca, cb = s.get("cells") or [], p.get("cells") or []
                    nums = [v for v in ca if isinstance(v, (int, float))] if ca and ca == cb else []
                    if len(nums) >= 10 and any(v for v in nums):
                        findings.append(
                            _finding(
                                "CELL-COPY-PATTERN",
                                "warning",
                                cur,
                                f"全部 {len(ca)} 个表格单元格与{year - 1}年报告完全相同。",
                                prev,
                                cells=len(ca),
                            )
                        )
                    # Q-SEC5-COPY-PREV: section 五 near-identical to last year's (years removed)
                    ta, tb = _strip_years(s.get("sec5", "")), _strip_years(p.get("sec5", ""))
                    if len(ta) >= 40 and len(tb) >= 40:
                        score = fuzz.ratio(ta, tb)
                        if score >= COPY_THRESHOLD:
                            findings.append(
                                _finding(
                                    "Q-SEC5-COPY-PREV",
                                    "warning",
                                    cur,
                                    f"第五部分与{year - 1}年报告相似度 {score:.0f}%（去除年份后），疑为照搬上年文本。",
                                    prev,
                                    similarity=round(score, 1),
                                )
                            )
                        elif not FOLLOWUP.search(s.get("sec5", "")) and cur["path"] not in followup_done:
                            followup_done.add(cur["path"])
                            findings.append(
                                _finding(
                                    "Q-SEC5-PREV-FOLLOWUP",
                                    "warning",
                                    cur,
                                    f"第五部分未说明{year - 1}年报告所列问题的整改情况。",
                                    prev,
                                )
                            )
    return findings, checks


_CLAUSE = re.compile(r"[。；;，,！？\n]")


def near_duplicates(
    texts: dict[str, str], threshold: float = COPY_THRESHOLD, max_bucket: int = 2000
) -> list[tuple[str, str, float]]:
    """Pairs ``(a, b, similarity %)`` of texts at least ``threshold`` % similar (rapidfuzz ``fuzz.ratio``).

    Candidates come from shared clauses (texts split at 。；，): two texts that are 85 % alike share most of their
    clauses verbatim. Identical texts are grouped first, so a boilerplate used by hundreds of offices costs one
    group, not a quadratic number of comparisons. ``max_bucket`` bounds the work on a clause shared by very many
    texts. Shared clauses are counted with numpy; candidates are then filtered by two sound upper bounds of the
    ratio (lengths, and bags of characters: matches ≤ Σ min(count in a, count in b)) before rapidfuzz scores the
    rest on every core. Same pairs as scoring every candidate; 10,000 synthetic reports take about 0.5 s.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    by_text: dict[str, list[str]] = defaultdict(list)
    for path, text in texts.items():
        by_text[text].append(path)
    out: list[tuple[str, str, float]] = []
    for paths in by_text.values():  # identical texts
        for other in paths[1:]:
            out.append((paths[0], other, 100.0))
    distinct = list(by_text)
    n = len(distinct)
    lengths = np.fromiter((len(t) for t in distinct), dtype=np.float64, count=n)
    members: dict[str, list[int]] = defaultdict(list)
    clauses_of: list[list[str]] = []
    for i, text in enumerate(distinct):
        clauses = sorted({c for c in _CLAUSE.split(text) if len(c) >= 8})
        clauses_of.append(clauses)
        for c in clauses:
            members[c].append(i)
    # clause -> sorted array of the texts holding it; a clause held by more than max_bucket texts is not used
    buckets = {c: np.asarray(ids, dtype=np.int32) for c, ids in members.items() if 1 < len(ids) <= max_bucket}
    # character bags over the 127 most frequent characters (+ one column for all others): the matches of two texts
    # are at most Σ min(bag a, bag b), a sound upper bound of fuzz.ratio that is far cheaper to compute
    codes = np.frombuffer("".join(distinct).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths.astype(np.int64))
    freq = np.bincount(codes) if codes.size else np.zeros(1, dtype=np.int64)
    top = np.argsort(-freq, kind="stable")[: BAG_COLUMNS - 1]
    column = np.full(freq.size, BAG_COLUMNS - 1, dtype=np.int64)
    column[top] = np.arange(top.size)
    cols = column[codes]
    bags = np.bincount(rows * BAG_COLUMNS + cols, minlength=n * BAG_COLUMNS).reshape(n, BAG_COLUMNS).astype(np.int32)
    pairs_a: list[int] = []
    pairs_b: list[int] = []

    def score_pairs() -> None:
        a, b = np.asarray(pairs_a, dtype=np.int64), np.asarray(pairs_b, dtype=np.int64)
        bound = 200.0 * np.minimum(bags[a], bags[b]).sum(axis=1, dtype=np.int64) / (lengths[a] + lengths[b])
        keep = bound >= threshold - 1e-6  # float rounding must never drop a pair at exactly the threshold
        a, b = a[keep].tolist(), b[keep].tolist()
        # the remaining pairs at once, on every core (the workers have finished when this runs)
        scores = (
            process.cpdist(
                [distinct[i] for i in a],
                [distinct[j] for j in b],
                scorer=fuzz.ratio,
                score_cutoff=threshold,
                dtype=np.float64,
                workers=-1,
            )
            if a
            else []
        )
        for i, j, score in zip(a, b, list(scores)):
            if score:
                out.append((by_text[distinct[i]][0], by_text[distinct[j]][0], float(score)))
        pairs_a.clear()
        pairs_b.clear()

    for i, clauses in enumerate(clauses_of):
        arrays = [buckets[c] for c in clauses if c in buckets]
        if not arrays:
            continue
        # shared-clause counts with every later text, counted in C (bincount) rather than in a Python loop
        ids = np.concatenate(arrays)
        ids = ids[ids > i]
        if not ids.size:
            continue
        shared = np.bincount(ids, minlength=n)
        need = max(2, len(clauses) // 3)
        cands = np.flatnonzero(shared >= need)
        # ratio = 2·matches / (len a + len b) ≤ 2·min / (len a + len b): lengths alone rule many candidates out
        cands = cands[
            200.0 * np.minimum(lengths[cands], lengths[i]) / (lengths[cands] + lengths[i]) >= threshold - 1e-6
        ]
        pairs_a.extend([i] * cands.size)
        pairs_b.extend(cands.tolist())
        if len(pairs_a) >= 20_000:
            score_pairs()
    if pairs_a:
        score_pairs()
    return out


def cross_office(rows: list[dict[str, Any]], groups: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Boilerplate section 五 shared by different offices, and refusal / not-held share outliers."""
    findings: list[dict[str, Any]] = []
    office_of = {r["path"]: office for office, rs in groups.items() for r in rs}
    by_path = {r["path"]: r for r in rows}
    texts = {r["path"]: _strip_years(r["summary"].get("sec5", "")) for r in rows}
    texts = {p: t for p, t in texts.items() if len(t) >= 60}
    for a, b, score in near_duplicates(texts):
        if office_of.get(a) == office_of.get(b):
            continue
        findings.append(
            _finding(
                "Q-SEC5-SPECIFIC",
                "warning",
                by_path[a],
                f"第五部分与另一机关（{office_of.get(b, '')}）的报告相似度 {score:.0f}%，为套用文本。",
                {"path": b},
                similarity=round(score, 1),
            )
        )
    for key, rule, name in (("denied", "PL-DENIAL-SHARE", "不予公开"), ("not_held", "PL-NOINFO-SHARE", "本机关不掌握")):
        shares = []
        for r in rows:
            f = r["summary"].get("figures", {})
            total = f.get("total_processed")
            value = f.get(key)
            if isinstance(total, (int, float)) and total >= 10 and isinstance(value, (int, float)):
                shares.append((value / total, r, value, total))
        if len(shares) < 20:
            continue
        values = sorted(s for s, *_ in shares)
        median = statistics.median(values)
        p95 = values[int(0.95 * (len(values) - 1))]
        for share, r, value, total in shares:
            if share > p95 and share > median * 2 and share > 0.2:
                findings.append(
                    _finding(
                        rule,
                        "info",
                        r,
                        f"{name} {value}/{total} 件（{share:.0%}），高于本批 {len(shares)} 份报告的第95百分位 {p95:.0%}（中位数 {median:.0%}）。",
                        None,
                        share=round(share, 4),
                        batch_median=round(median, 4),
                        batch_p95=round(p95, 4),
                        peers=len(shares),
                    )
                )
    return findings


def reports_of(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored rows that are reviewed annual reports (not unreadable files, not other documents)."""
    return [r for r in rows if r["status"] == "ok" and (r["summary"] or {}).get("is_report", True)]


def cross_findings(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(findings, checks)`` across the stored rows of a batch (``status == 'ok'`` report rows only); ``checks``
    records every cross-year comparison made, with its status (ok / mismatch / not_assessable)."""
    ok = reports_of(rows)
    groups = group_offices(ok)
    findings, checks = cross_year(groups)
    findings += cross_office(ok, groups)
    return findings, checks
