"""Parse tables 2, 3 and 4 from report text into typed cells with line provenance (rulebook A.2-A.4).

Two strategies, chosen per table block:

* **stream** (flattened web text, one-cell-per-line, tab-indented, space-separated PDF text): row labels are
  found in template order in whitespace-free text; the text between one label and the next is the row's
  *region*. A region is read by its layout: tab cells (one cell per tab-indented line, blank lines between
  rows), line slots (one cell every *k* lines, a blank slot = a blank cell), or tokens (whitespace-separated
  numbers, possibly glued: ``121010014``). Glued digits are split with the table's own identities
  (:mod:`reviewer.parse.split`); when several splits fit, the column identities choose and the choice is
  recorded as an :class:`~reviewer.models.Ambiguity`.
* **grid** (Markdown pipe tables): each pipe row is a list of cells; labelled rows anchor to template rows and
  unlabelled rows of numbers fill the template rows between anchors in order.

Blank, ``0`` and ``/`` stay distinct. A table with no readable text is ``absent`` or ``replaced_by_text``,
never zeros.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from dataclasses import dataclass

from reviewer.ingest.text import normalise
from reviewer.models import Ambiguity, Cell, Section, Table, constructor
from reviewer.parse.grid import read_t2 as read_grid_t2
from reviewer.parse.grid import read_t3 as read_grid_t3
from reviewer.parse.grid import read_t4 as read_grid_t4
from reviewer.parse.split import MAX_DIGITS_PER_CELL, split_row_sum, split_tokens, to_number
from reviewer.parse.textview import TextView, _needle
from reviewer.parse.values import read_value
from reviewer.template import (
    T3_COLUMN_KEYS,
    T3_GROUP_LABELS,
    T4_BLOCKS,
    T4_COLUMN_KEYS,
    RowSpec,
    T2RowSpec,
    t2_rows,
    t3_rows,
)

_NONNUM_TOKENS = {"/", "-", "—", "–", "－", "——", "无", "不涉及", "/ ", "\\"}
_NUM_RE = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_GLUED_RE = re.compile(r"^[+-]?\d[\d.]*(?:[+-]\d[\d.]*)*$")
_HEADER_NOISE = ("增/减", "增减", "(单位:万元)", "单位:万元")


@dataclass(slots=True)
class Draft:
    """A cell before typing: printed text and its offset in the joined text (for the source line); ``ambiguous``
    when the evidence did not settle the split it comes from."""

    raw: str
    offset: int
    inferred: bool = False
    ambiguous: bool = False


#: Readings of one ambiguous row kept beside the one shown (all of them are in the count).
MAX_ALTERNATIVES = 200


@dataclass(slots=True)
class Reading:
    """Candidate readings of one row region (each a list of drafts, one per column), best first."""

    candidates: list[list[Draft]]
    layout: str
    exact: bool = True
    note: str = ""
    printed: str = ""
    offset: int = 0


@dataclass
class Block:
    start: int
    end: int


@dataclass
class RowMatch:
    spec: RowSpec | T2RowSpec
    start: int
    end: int
    anchor_rank: int
    label: str


_number_cell = constructor(Cell)  # every key is given below
_CN_NUMERAL_CHARS = set("〇零一二三四五六七八九十百千")


def _typed(d: Draft, view: TextView) -> Cell:
    """The cell printed as ``d.raw`` (see :func:`reviewer.parse.values.read_value`), with its line and page."""
    raw = d.raw.strip()
    line = view.line_of(d.offset)
    page = view.pages[view.index_of(d.offset)] if view.pages and view.pages[0] is not None else None
    if raw.isdigit() and raw.isascii():  # the common case, fast: a plain count
        return _number_cell(
            {
                "kind": "number",
                "value": int(raw),
                "raw": raw,
                "line": line,
                "inferred": d.inferred,
                "page": page,
                "unit": "",
                "note": "",
                "ambiguous": d.ambiguous,
            }
        )
    v = read_value(raw)
    inferred = d.inferred or (v.kind == "number" and any(ch in _CN_NUMERAL_CHARS for ch in raw))
    return _number_cell(
        {
            "kind": v.kind,
            "value": v.value,
            "raw": raw,
            "line": line,
            "inferred": inferred,
            "page": page,
            "unit": v.unit,
            "note": v.note,
            "ambiguous": d.ambiguous,
        }
    )


# ------------------------------------------------------------------------------------------------ blocks
def locate_blocks(view: TextView, sections: list[Section]) -> dict[str, Block | None]:
    """Text ranges of the three table blocks (None when nothing of the table is in the text)."""
    sec = {s.number: s for s in sections}
    text_len = len(view.text)

    def after(n: int) -> int | None:
        return sec[n].offset if n in sec else None

    # table 3
    s3 = sec.get(3)
    t3_from = s3.offset if s3 else 0
    t3_start = None
    first_row = view.find("本年新收", t3_from)
    for marker in ("勾稽关系", "申请人情况", "本年新收政府信息公开申请数量", "本年新收"):
        # the table starts at the first of its header texts (before its first row)
        hit = view.find(marker, t3_from, first_row[1] if first_row else None)
        if hit:
            t3_start = hit[0] if t3_start is None else min(t3_start, hit[0])
    # table 4
    s4 = sec.get(4)
    t4_start = s4.offset if s4 and (t3_start is None or s4.offset > t3_start) else None
    if t4_start is None and t3_start is not None:
        cf = view.find("结转下年度", t3_start) or view.find("结转下一年度", t3_start)
        hit = view.find("行政复议", cf[1] if cf else t3_start)
        t4_start = hit[0] if hit else None
    end_candidates = [x for x in (after(5), after(6)) if x is not None and x > (t4_start or 0)]
    t4_end = min(end_candidates) if end_candidates else text_len
    if t4_start is not None:
        t4_end = min(t4_end, t4_start + 4000)
        t4_end = structure_end(view, t4_start + 1, t4_end)

    # table 2
    s2 = sec.get(2)
    t2_start = None
    from_pos = s2.offset if s2 else 0
    for marker in ("第二十条第(一)项", "第二十条", "本年制发件数", "本年新制作数量", "本年度新制作数量"):
        hit = view.find(marker, from_pos, t3_start)
        if hit:
            t2_start = hit[0]
            break
    if t2_start is None and s2 is not None:
        t2_start = s2.offset
    t2_end_opts = [x for x in (after(3), t3_start) if x is not None and t2_start is not None and x > t2_start]
    t2_end = min(t2_end_opts) if t2_end_opts else (t2_start + 3000 if t2_start is not None else None)
    if t2_start is not None and t2_end is not None:
        # after its last row label (a damaged label inside the table must not end it)
        last = view.find("政府集中采购", t2_start, t2_end) or view.find("行政事业性收费", t2_start, t2_end)
        t2_end = structure_end(view, last[1] if last else t2_start + 1, min(t2_end, text_len))

    t3_end_opts = [
        x for x in (t4_start, after(4), after(5), after(6)) if x is not None and t3_start is not None and x > t3_start
    ]
    t3_end = min(t3_end_opts) if t3_end_opts else text_len
    if t3_start is not None:
        last = view.find("结转下年度", t3_start, t3_end) or view.find("结转下一年度", t3_start, t3_end)
        t3_end = structure_end(view, last[1] if last else t3_start + 1, t3_end)

    return {
        "t2": Block(t2_start, min(t2_end, text_len)) if t2_start is not None and t2_end is not None else None,
        "t3": Block(t3_start, t3_end) if t3_start is not None else None,
        "t4": Block(t4_start, t4_end) if t4_start is not None else None,
    }


#: A top-level heading of any section, template or not (``五、信息处理费收取情况``), in whitespace-free text.
_ANY_HEADING = re.compile(
    r"(?<![一二三四五六七八九十])(?=[一二三四五六七八九十])[一二三四五六七八九十]{1,2}、(?=[\u4e00-\u9fff])"
)
#: Table-3 row labels numbered like headings (一、本年新收… 四、结转下年度…): not the end of the table.
_T3_NUMBERED_ROWS = ("本年新收", "上年结转", "本年度办理结果", "本年度办理", "结转下年度", "结转下一年度", "结转下年")
#: A full date (the signature block) never stands inside a statistical table.
_DATE = re.compile(r"(?=[12])(?:19|20)\d{2}年\d{1,2}月\d{1,2}日")


def structure_end(view: TextView, start: int, end: int) -> int:
    """Where a table region that starts before ``start`` ends, at most ``end``: at the first section heading --
    template or not, e.g. ``五、信息处理费收取情况`` --, or the signature date (issue 11: table regions end where the
    template's structure ends). Table-3 rows numbered like headings (``一、本年新收…``) do not end a region."""
    for hit_start, _, m in view.iter_search(_ANY_HEADING, start, end):
        follow = view.compact[
            view.to_compact(hit_start) + len(m.group(0)) : view.to_compact(hit_start) + len(m.group(0)) + 6
        ]
        if follow.startswith(_T3_NUMBERED_ROWS):
            continue
        end = hit_start
        break
    for hit_start, _, _m in view.iter_search(_DATE, start, end):
        return hit_start
    return end


# ------------------------------------------------------------------------------------------------ anchors
def _match_rows(view: TextView, specs, block: Block) -> list[RowMatch | None]:
    """Find each row's label in template order inside ``block``; None for a row whose label is missing."""
    out: list[RowMatch | None] = []
    pos = block.start
    for i, spec in enumerate(specs):
        best = None
        # the next row's primary label bounds the search, so a loose fragment cannot jump ahead
        limit = block.end
        for nxt in specs[i + 1 : i + 2]:
            hit = view.find(nxt.anchors[0], pos, block.end)
            if hit:
                limit = hit[0]
        for rank, anchor in enumerate(spec.anchors):
            hit = view.find(anchor, pos, limit if rank else block.end)
            if hit:
                best = RowMatch(spec, hit[0], hit[1], rank, anchor)
                break
        out.append(best)
        if best is not None:
            pos = best.end
    return out


_ORDINAL_MARK = re.compile(r"(\d)\s*[.、]")
_DIGIT = re.compile(r"\d")


def _strip_region(region: str, next_spec) -> str:
    """Drop the next row's leaf ordinal (``2.``) and the group labels that sit inside a row region."""
    ordinal = getattr(next_spec, "ordinal", None) if next_spec is not None else None
    if ordinal is not None:
        m = None
        for m in _ORDINAL_MARK.finditer(region):
            pass
        if m is not None and int(m.group(1)) == ordinal and not _DIGIT.search(region, m.end()):
            region = region[: m.start()] + " " * (len(region) - m.start())
    return region


_GROUP_PATTERNS = [re.compile(r"\s*".join(map(re.escape, normalise(g)))) for g in T3_GROUP_LABELS]


def _cut_group_subtotal(region: str) -> tuple[str, str]:
    """Split a region at a group label: (row part, subtotal part printed after the group label)."""
    if not any(ch in region for ch in "本不无其"):
        return region, ""
    for pattern in _GROUP_PATTERNS:
        m = pattern.search(region)
        if m:
            return region[: m.start()] + " " * (m.end() - m.start()), region[m.end() :]
    return region, ""


# ------------------------------------------------------------------------------------------------ regions
#: (The lookahead names every first character a token can have: it changes no match and lets the regex engine
#: skip other positions at once.)
_TOKEN = re.compile(
    r"(?=[-+\d/／—–－无不〇零一二三四五六七八九增减])[增减]\d+(?![\d,.])|[+\-]?(?:\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d[\d.]*(?:[+\-]\d[\d.]*)*)(?:万元|元)?|[/／]|(?<![\w\d])[—–－\-](?![\d])|(?<![\u4e00-\u9fff])(?:无|不涉及|[〇零一二三四五六七八九]{2,})(?![\u4e00-\u9fff])"
)


def _tokens(region: str, base: int) -> list[Draft]:
    text = region
    for noise in _HEADER_NOISE:
        text = text.replace(noise, " " * len(noise))
    out: list[Draft] = []
    for m in _TOKEN.finditer(text):
        tok = m.group(0).rstrip(".")
        if not tok or tok == ".":
            continue
        out.append(Draft(tok, base + m.start()))
    return out


_BARE_NUMBER_LINE = re.compile(r"\s*[+-]?\d[\d.]*\s*")


def _slot_size(block_text: str) -> int:
    """Lines per cell in one-cell-per-slot layouts (``0\\n\\n\\n0``: 3); 0 when the block is not slotted."""
    lines = block_text.split("\n")
    numeric = [i for i, ln in enumerate(lines) if _BARE_NUMBER_LINE.fullmatch(ln)]
    if len(numeric) < 10:
        return 0
    gaps = Counter(b - a for a, b in zip(numeric, numeric[1:]) if b - a <= 6)
    if not gaps:
        return 0
    k, count = gaps.most_common(1)[0]
    return k if k >= 2 and count >= 5 else 0


def read_region(region: str, base: int, n: int, slot: int, accept=None) -> Reading:
    """Read one row region into ``n`` cell drafts (see module doc for the layouts).

    ``base`` is the text offset of ``region``; ``slot`` the block's lines-per-cell (0 = not slotted).
    Returns a :class:`Reading` whose candidates are all splits consistent with the printed text.
    """
    stripped = region.lstrip(" |")
    if region.lstrip().startswith("|") and "|" in stripped.split("\n")[0]:
        first = region.lstrip().split("\n")[0].strip().strip("|")
        cells = [c.strip() for c in first.split("|")]
        drafts = [Draft(c, base) for c in cells][:n]
        drafts += [Draft("", base) for _ in range(n - len(drafts))]
        return Reading([drafts], "pipe", exact=len(cells) >= n, printed=first[:80], offset=base)
    if "\t" in region:
        pieces = region.split("\t")
        drafts: list[Draft] = []
        pos = base + len(pieces[0]) + 1
        for piece in pieces[1:]:
            cell = piece.split("\n\n")[0]
            lead = len(cell) - len(cell.lstrip()) if cell.strip() else 0
            drafts.append(Draft(cell.strip(), pos + lead))
            pos += len(piece) + 1
            if len(drafts) == n:
                break
        while len(drafts) < n:
            drafts.append(Draft("", base))
        return Reading([drafts], "tab", printed=region.strip()[:80], offset=base)

    toks = _tokens(region, base)
    if slot and "\n" in region and toks:
        line_starts = [0] + [m.end() for m in re.finditer("\n", region)]

        def line_idx(off: int) -> int:
            return bisect.bisect_right(line_starts, off - base) - 1

        first = line_idx(toks[0].offset)
        anchor_base = slot if first % slot == 0 else slot + first % slot
        cells = [Draft("", base) for _ in range(n)]
        ok = True
        for t in toks:
            idx = (line_idx(t.offset) - anchor_base) // slot
            if 0 <= idx < n and cells[idx].raw == "":
                cells[idx] = t
            else:
                ok = False
        if ok:
            return Reading([cells], "slots", printed=" ".join(t.raw for t in toks), offset=base)

    if not toks:
        return Reading([[Draft("", base) for _ in range(n)]], "blank", offset=base)
    printed = " ".join(t.raw for t in toks)
    if len(toks) == n:
        return Reading([toks], "tokens", printed=printed, offset=base)
    if len(toks) > n:
        extra = toks[n:]
        if any(_DIGIT.search(t.raw) for t in extra):
            note = f"{len(toks)} values for {n} cells; extra ignored"
        else:  # a stray word after the values (a group label broken by the line: "（四）无 / 法提供")
            note = "text after the values ignored: " + " ".join(t.raw for t in extra)[:40]
        return Reading([toks[:n]], "tokens", exact=len(extra) == 0, note=note, printed=printed, offset=base)
    numeric = [t for t in toks if _GLUED_RE.match(t.raw.removesuffix("万元").removesuffix("元"))]
    # fewer tokens than cells: glued digits (with '/' or '-' cells kept whole)
    if numeric and all(t in numeric or t.raw in _NONNUM_TOKENS for t in toks):
        raws = [t.raw.removesuffix("万元").removesuffix("元") for t in toks]
        digits = sum(max(1, len(r.lstrip("+-").replace(".", ""))) for r in raws)
        if digits >= n:
            if accept is _row_sum_strs:
                splits = split_row_sum(raws, n)
            else:
                splits = split_tokens(raws, n, accept) if accept is not None else []
            if not splits:
                splits = split_tokens(raws, n)[:500]
            if splits:
                cands = []
                for sp in splits:
                    drafts = []
                    ti = 0
                    consumed = 0
                    for piece in sp:
                        drafts.append(Draft(piece, toks[min(ti, len(toks) - 1)].offset, inferred=True))
                        consumed += len(piece)
                        if ti < len(raws) and consumed >= len(raws[ti]):
                            ti += 1
                            consumed = 0
                    cands.append(drafts)
                return Reading(cands, "glued", exact=False, printed=printed, offset=base)
    return Reading([], "sparse", exact=False, printed=printed, offset=base, note=f"{len(toks)} values for {n} cells")


# ------------------------------------------------------------------------------------------------ table 3
def _t3_score(rows: dict[str, list[Draft]], specs) -> int:
    """Number of table-3 identities that hold (row sums, result totals, column balances)."""
    vals = {k: [to_number(d.raw) or 0 for d in v] for k, v in rows.items()}
    score = 0
    for v in vals.values():
        if sum(v[:6]) == v[6]:
            score += 1
    leaves = [
        s.key for s in specs if s.key not in ("new_received", "carried_over", "total_processed", "carried_forward")
    ]
    for c in range(7):
        if all(k in vals for k in ("new_received", "carried_over", "total_processed", "carried_forward")):
            if (
                vals["new_received"][c] + vals["carried_over"][c]
                == vals["total_processed"][c] + vals["carried_forward"][c]
            ):
                score += 1
        if "total_processed" in vals and sum(vals[k][c] for k in leaves if k in vals) == vals["total_processed"][c]:
            score += 1
    return score


def _row_sum_strs(cells: list[str]) -> bool:
    nums = [to_number(c) or 0 for c in cells]
    return sum(nums[:6]) == nums[6]


def _row_sum_ok(drafts: list[Draft]) -> bool:
    nums = [to_number(d.raw) or 0 for d in drafts]
    return sum(nums[:6]) == nums[6]


def _sparse_t3(reading: Reading, base: int) -> list[Draft] | None:
    """Rows printed with only 自然人 and 总计 filled (other cells blank): ``22`` = 2 and 2."""
    raw = "".join(d for d in reading.printed.split())
    if (
        raw.isdigit()
        and len(raw) % 2 == 0
        and len(raw) // 2 <= MAX_DIGITS_PER_CELL
        and raw[: len(raw) // 2] == raw[len(raw) // 2 :]
    ):
        half = raw[: len(raw) // 2]
        if not (len(half) > 1 and half.startswith("0")):
            cells = [Draft("", base) for _ in range(7)]
            cells[0] = Draft(half, reading.offset, inferred=True)
            cells[6] = Draft(half, reading.offset, inferred=True)
            return cells
    return None


def parse_t3(view: TextView, block: Block | None, section3: Section | None) -> Table:
    """Parse table 3 (收到和处理政府信息公开申请情况) from ``block``.

    Returns a :class:`Table` with 25 rows (23 when （六）其他处理 is a single row) x 7 columns, or an
    ``absent``/``replaced_by_text`` table when the block holds no table text.
    """
    if block is None:
        return _not_table("t3", view, section3)
    single_other = not (
        view.find("逾期不补正", block.start, block.end) or view.find("收费通知要求缴纳费用", block.start, block.end)
    )
    specs = t3_rows(single_other)
    positioned = read_grid_t3(view, block.start, block.end, specs)
    if positioned is not None:
        return positioned
    if _has_pipe_rows(view, block):
        return _grid_table(view, block, specs, "t3")
    matches = _match_rows(view, specs, block)
    if sum(1 for m in matches if m) < 5:
        return _not_table("t3", view, section3, block)
    slot = _slot_size(view.text[block.start : block.end])
    readings: dict[str, Reading] = {}
    subtotals: dict[str, Reading] = {}
    for i, m in enumerate(matches):
        if m is None:
            continue
        nxt = next((x for x in matches[i + 1 :] if x is not None), None)
        end = nxt.start if nxt else block.end
        region = view.text[m.end : end]
        # the ordinal to strip is that of the next row actually printed (a missing row must not shift it)
        nxt_spec = nxt.spec if nxt is not None else None
        region = _strip_region(region, nxt_spec)
        region, sub = _cut_group_subtotal(region)
        readings[m.spec.key] = read_region(region, m.end, 7, slot, accept=_row_sum_strs)
        if sub and _tokens(sub, 0) and nxt_spec is not None and nxt_spec.group and nxt_spec.ordinal == 1:
            subtotals[nxt_spec.group] = read_region(sub, end - len(sub), 7, slot)
    table = Table(
        name="t3", status="parsed", line_start=view.line_of(block.start), line_end=view.line_of(block.end - 1)
    )
    layouts = Counter(r.layout for r in readings.values())
    table.layout = layouts.most_common(1)[0][0] if layouts else ""
    chosen = _resolve_rows(readings, specs, table, view)
    for spec, m in zip(specs, matches):
        drafts = chosen.get(spec.key)
        if drafts is None:
            table.rows[spec.key] = {c: Cell(kind="blank", line=None) for c in T3_COLUMN_KEYS}
            table.notes.append(f"row {spec.key} ({spec.label}) not found")
            continue
        table.rows[spec.key] = {c: _typed(d, view) for c, d in zip(T3_COLUMN_KEYS, drafts)}
        table.row_labels[spec.key] = m.label if m else ""
        table.row_lines[spec.key] = view.line_of(m.start) if m else 0
        if m and m.anchor_rank > 0:
            table.notes.append(f"label-variant:{spec.key}")
    for group, reading in subtotals.items():
        if reading.candidates:
            table.subtotals[group] = {c: _typed(d, view) for c, d in zip(T3_COLUMN_KEYS, reading.candidates[0])}
            table.notes.append(f"subtotal row printed for group {group}; excluded from T3-RESULT-TOTAL")
    return table


def _resolve_rows(readings: dict[str, Reading], specs, table: Table, view: TextView) -> dict[str, list[Draft]]:
    """Choose one candidate per row: row-sum-valid candidates first, then the column identities decide."""
    options: dict[str, list[list[Draft]]] = {}
    for key, r in readings.items():
        cands = r.candidates
        if not cands:
            sparse = _sparse_t3(r, r.offset)
            if sparse is not None:
                options[key] = [sparse]
                table.notes.append(f"sparse:{key}: printed '{r.printed}' read as 自然人 and 总计 only")
            else:
                options[key] = [[Draft("", r.offset) for _ in range(7)]]
                table.notes.append(f"unreadable:{key}: printed '{r.printed}'")
            continue
        if r.layout == "glued":
            valid = [c for c in cands if _row_sum_ok(c)]
            options[key] = valid if valid else cands
        else:
            options[key] = cands[:1]
        if r.note:
            table.notes.append(f"{key}: {r.note}")
    ambiguous = [k for k, v in options.items() if len(v) > 1]
    fixed = {k: v[0] for k, v in options.items()}
    if ambiguous:
        combos = 1
        for k in ambiguous:
            combos *= len(options[k])
        if combos <= 20000:
            scored = []
            for choice in itertools.product(*(options[k] for k in ambiguous)):
                trial = dict(fixed)
                trial.update(dict(zip(ambiguous, choice)))
                scored.append((_t3_score(trial, specs), choice))
            best = max(s for s, _ in scored)
            winners = [c for s, c in scored if s == best]
            fixed.update(dict(zip(ambiguous, winners[0])))
            for i, k in enumerate(ambiguous):
                left = [list(r) for r in dict.fromkeys(tuple(d.raw for d in w[i]) for w in winners)]
                chosen = [d.raw for d in winners[0][i]]
                if len(left) == 1:
                    # the column identities settle the split: evidence, not a guess
                    table.notes.append(
                        f"split-settled:{k}: by the column identities among {len(options[k])} row-sum splits"
                    )
                    continue
                fixed[k] = _mark_ambiguous(winners[0][i], left)
                table.ambiguities.append(
                    Ambiguity(
                        table="t3",
                        row=k,
                        printed=readings[k].printed,
                        chosen=chosen,
                        alternatives=[a for a in left if a != chosen][:MAX_ALTERNATIVES],
                        reason="数字连写，多种拆分同样满足表内勾稽关系，无法确定",
                        line=view.line_of(readings[k].offset),
                        count=len(left),
                    )
                )
        else:
            for k in ambiguous:
                left = [[d.raw for d in c] for c in options[k]]
                fixed[k] = _mark_ambiguous(options[k][0], left)
                table.ambiguities.append(
                    Ambiguity(
                        table="t3",
                        row=k,
                        printed=readings[k].printed,
                        chosen=left[0],
                        alternatives=left[1 : MAX_ALTERNATIVES + 1],
                        reason="数字连写，满足行合计的拆分组合过多，无法由列勾稽关系确定",
                        line=view.line_of(readings[k].offset),
                        count=len(left),
                    )
                )
    return fixed


def _mark_ambiguous(drafts: list[Draft], readings: list[list[str]]) -> list[Draft]:
    """``drafts`` with the cells on which ``readings`` differ marked ambiguous."""
    return [
        Draft(d.raw, d.offset, d.inferred, ambiguous=len({r[i] for r in readings}) > 1) for i, d in enumerate(drafts)
    ]


# ------------------------------------------------------------------------------------------------ table 4
_T4_HEADER = re.compile(r"总计|审结|维持|纠正|结果|起诉|尚未|其他|复议|诉讼")


def _t4_ok(cells: list[str]) -> bool:
    nums = [to_number(c) for c in cells]
    if any(x is None for x in nums):
        return False
    return all(sum(nums[b * 5 : b * 5 + 4]) == nums[b * 5 + 4] for b in range(3))


def parse_t4(view: TextView, block: Block | None, section4: Section | None) -> Table:
    """Parse table 4 (行政复议、行政诉讼) into 3 blocks x 5 columns; not assessable when no table text."""
    if block is None:
        return _not_table("t4", view, section4)
    positioned = read_grid_t4(view, block.start, block.end)
    if positioned is not None:
        return positioned
    headers = view.search(_T4_HEADER, block.start, block.end)
    if len(view.search(re.compile(r"维持|纠正|审结|尚未"), block.start, block.end)) < 3:
        return _not_table("t4", view, section4, block)
    if _has_pipe_rows(view, block):
        table = _grid_t4(view, block)
        if table is not None:
            return table
    # data start: after the last header word that precedes the first number following the headers
    first_header = headers[0][0]
    num = re.compile(r"\d")
    data_from = headers[-1][1]
    first_digit = None
    for m in num.finditer(view.text, first_header, block.end):
        first_digit = m.start()
        break
    if first_digit is not None:
        before = [h for h in headers if h[1] <= first_digit]
        if before:
            data_from = before[-1][1]
    region = view.text[data_from : block.end]
    region = re.split(r"\n\s*注[:：]", region)[0]
    slot = _slot_size(view.text[block.start : block.end])
    reading = read_region(region, data_from, 15, slot, accept=_t4_ok)
    table = Table(
        name="t4",
        status="parsed",
        layout=reading.layout,
        line_start=view.line_of(block.start),
        line_end=view.line_of(block.end - 1),
    )
    drafts: list[Draft] | None = None
    if reading.candidates:
        if reading.layout == "glued":
            valid = [c for c in reading.candidates if _t4_ok([d.raw for d in c])]
            drafts = (valid or reading.candidates)[0]
            if len(valid) > 1:
                left = [[d.raw for d in c] for c in valid]
                drafts = _mark_ambiguous(drafts, left)
                table.ambiguities.append(
                    Ambiguity(
                        table="t4",
                        row="all",
                        printed=reading.printed,
                        chosen=left[0],
                        alternatives=left[1 : MAX_ALTERNATIVES + 1],
                        reason="数字连写，多种拆分都满足三块合计，无法确定",
                        line=view.line_of(reading.offset),
                        count=len(left),
                    )
                )
        else:
            drafts = reading.candidates[0]
    else:
        toks = _tokens(region, data_from)
        if len(toks) == 3:
            drafts = [Draft("", data_from) for _ in range(15)]
            for b, t in enumerate(toks):
                drafts[b * 5 + 4] = t
            table.notes.append("sparse: three values read as the three 总计 cells")
        elif not toks:
            return _not_table("t4", view, section4, block)
        else:
            drafts = (toks + [Draft("", data_from) for _ in range(15)])[:15]
            table.notes.append(f"unreadable: {len(toks)} values for 15 cells")
    if reading.note:
        table.notes.append(reading.note)
    _fill_t4(table, drafts, view)
    return table


def _fill_t4(table: Table, drafts: list[Draft], view: TextView) -> None:
    for b, (block_key, _) in enumerate(T4_BLOCKS):
        table.rows[block_key] = {c: _typed(drafts[b * 5 + i], view) for i, c in enumerate(T4_COLUMN_KEYS)}


# ------------------------------------------------------------------------------------------------ table 2
def _t2_possible(spec: T2RowSpec, cells: list[str]) -> bool:
    """Whether a split of a glued table-2 row can be what was printed, by the template alone: a sign only in a
    column that may be negative (FMT-2019 本年增/减), a decimal only in an amount column."""
    for col, raw in zip(spec.columns, cells):
        value = to_number(raw)
        if value is None:
            return False
        if raw[:1] in "+-" and col not in spec.signed_columns:
            return False
        if isinstance(value, float) and col not in spec.decimal_columns:
            return False
    return True


def _t2_order(spec: T2RowSpec, cells: list[str], signed_elsewhere: bool = False) -> tuple:
    """Display order of the splits that remain possible (most plausible first). It decides nothing: a row whose
    split the evidence does not settle is ambiguous whichever split comes first, all its splits are listed, and no
    rule reads its cells as printed. Prefers splits in which 现行有效件数 is at least 本年制发件数 and 本年废止件数
    (T2-INFORCE-GE-ISSUED), 对外公开总数量 at least 本年新公开数量, an unsigned change only for 0 when the table prints
    signs elsewhere, a purchase amount with more integer digits than its item count, then the smaller sum."""
    nums = [to_number(c) or 0 for c in cells]
    cols = dict(zip(spec.columns, nums))
    soft = 0
    if {"issued", "repealed", "in_force"} <= cols.keys():
        soft += (
            (cols["in_force"] < cols["repealed"])
            + (cols["in_force"] < cols["issued"] - cols["repealed"])
            + (cols["in_force"] < cols["issued"])
        )
    if {"new_made", "new_published", "total_published"} <= cols.keys():
        soft += cols["total_published"] < cols["new_published"]
    if "change" in cols and signed_elsewhere:
        raw = cells[spec.columns.index("change")]
        soft += 2 * (raw[:1] not in "+-" and cols["change"] != 0)
    if {"items", "amount"} <= cols.keys():
        # an amount (万元 or 元) is written with more integer digits than the count of purchase items
        soft += len(str(int(abs(cols["items"])))) >= len(str(int(abs(cols["amount"]))))
    return (soft, sum(abs(v) for v in nums))


def parse_t2(
    view: TextView,
    block: Block | None,
    section2: Section | None,
    template: str,
    narrative: dict[str, set[float]] | None = None,
) -> Table:
    """Parse table 2 (主动公开) with the row set of ``template``; not assessable when no table text.

    ``narrative`` maps ``row.column`` keys to values the narrative states for them; when digits printed without
    separators allow several splits, a split that agrees with the narrative is preferred (and says so).
    """
    if block is None:
        return _not_table("t2", view, section2)
    specs = t2_rows(template)
    positioned = read_grid_t2(view, block.start, block.end, specs)
    if positioned is not None:
        return positioned
    matches = _match_t2_rows(view, specs, block)
    if sum(1 for m in matches if m) < 2:
        return _not_table("t2", view, section2, block)
    slot = _slot_size(view.text[block.start : block.end])
    table = Table(
        name="t2", status="parsed", line_start=view.line_of(block.start), line_end=view.line_of(block.end - 1)
    )
    layouts = Counter()
    # a report that prints increases as "+82" leaves an unsigned change cell only for 0
    signed_elsewhere = "+" in view.text[block.start : block.end]
    ordered = sorted((m for m in matches if m is not None), key=lambda m: m.start)
    for _i, (spec, m) in enumerate(zip(specs, matches)):
        n = len(spec.columns)
        if m is None:
            table.rows[spec.key] = {c: Cell(kind="blank") for c in spec.columns}
            table.notes.append(f"row {spec.key} ({spec.label}) not found")
            continue
        nxt = next((x for x in ordered if x.start > m.start), None)
        end = nxt.start if nxt else block.end
        region = view.text[m.end : end]
        region = re.split(r"第二十条", region)[0] if "\t" not in region else region
        reading = read_region(region, m.end, n, slot)
        layouts[reading.layout] += 1
        if reading.layout == "pipe" and not reading.exact:
            table.notes.append(f"short:{spec.key}: printed '{reading.printed}' has fewer values than the {n} columns")
        drafts = _choose_t2(spec, reading, table, view, signed_elsewhere, narrative or {})
        table.rows[spec.key] = {c: _typed(d, view) for c, d in zip(spec.columns, drafts)}
        table.row_labels[spec.key] = m.label
        table.row_lines[spec.key] = view.line_of(m.start)
        if m.anchor_rank > 0:
            table.notes.append(f"label-variant:{spec.key}")
    table.layout = layouts.most_common(1)[0][0] if layouts else ""
    return table


def _match_t2_rows(view: TextView, specs, block: Block) -> list[RowMatch | None]:
    """Table-2 labels are distinctive, so each is searched on its own (layouts mix text rows and pipe rows)."""
    out: list[RowMatch | None] = []
    for spec in specs:
        found = None
        for rank, anchor in enumerate(spec.anchors):
            pos = block.start
            while True:
                hit = view.find(anchor, pos, block.end)
                if hit is None:
                    break
                before = view.compact[max(0, view.to_compact(hit[0]) - 2) : view.to_compact(hit[0])]
                if (
                    anchor == "规范性文件"
                    and before.endswith("行政")
                    and spec.key == "normative_documents"
                    and rank == 0
                ):
                    pos = hit[1]
                    continue
                found = RowMatch(spec, hit[0], hit[1], rank, anchor)
                break
            if found:
                break
        out.append(found)
    return out


def _choose_t2(
    spec: T2RowSpec,
    reading: Reading,
    table: Table,
    view: TextView,
    signed_elsewhere: bool = False,
    narrative: dict[str, set[float]] | None = None,
) -> list[Draft]:
    """One reading of a table-2 row. Glued digits are split only by evidence (rulebook A.2 has no identity in table
    2): the template's own constraints (signs, decimals) and the figures the narrative states. When that leaves
    several splits, the differing cells are ambiguous: every possible split is kept (``Table.ambiguities``) and the
    first in display order (:func:`_t2_order`) is only shown."""
    n = len(spec.columns)
    if not reading.candidates:
        toks = _tokens(reading.printed, 0)
        pieces: list[str] = []
        for t in toks:
            raw = t.raw
            if raw.isdigit() and len(pieces) + len(raw) <= n:
                pieces.extend(raw)
            else:
                pieces.append(raw)
        drafts = [Draft(p, reading.offset, inferred=True) for p in pieces][:n]
        drafts += [Draft("", reading.offset) for _ in range(n - len(drafts))]
        if toks:
            table.notes.append(
                f"sparse:{spec.key}: printed '{reading.printed}' has fewer values than cells; trailing cells read as blank"
            )
        return drafts
    if len(reading.candidates) == 1:
        return reading.candidates[0]
    possible = [c for c in reading.candidates if _t2_possible(spec, [d.raw for d in c])] or reading.candidates
    narrative = narrative or {}

    def agreement(c: list[Draft]) -> int:
        hits = 0
        for col, d in zip(spec.columns, c):
            value = to_number(d.raw)
            if value is not None and value in narrative.get(f"{spec.key}.{col}", set()):
                hits += 1
        return hits

    best_hits = max(agreement(c) for c in possible)
    if best_hits:
        possible = [c for c in possible if agreement(c) == best_hits]
    ranked = sorted(possible, key=lambda c: _t2_order(spec, [d.raw for d in c], signed_elsewhere))
    best = ranked[0]
    if len(ranked) == 1:
        table.notes.append(
            f"split-settled:{spec.key}: " + ("by the narrative" if best_hits else "by the template's constraints")
        )
        return best
    differing = {i for i in range(n) if len({c[i].raw for c in ranked}) > 1}
    for i in differing:
        best[i] = Draft(best[i].raw, best[i].offset, inferred=True, ambiguous=True)
    reason = (
        "数字连写，正文数字只确定了部分单元格，其余拆分不唯一"
        if best_hits
        else "数字连写，表二没有勾稽关系可以确定拆分，各种拆分均列出"
    )
    table.ambiguities.append(
        Ambiguity(
            table="t2",
            row=spec.key,
            printed=reading.printed,
            chosen=[d.raw for d in best],
            alternatives=[[d.raw for d in c] for c in ranked[1 : MAX_ALTERNATIVES + 1]],
            reason=reason,
            line=view.line_of(reading.offset),
            count=len(ranked),
        )
    )
    return best


# ------------------------------------------------------------------------------------------------ grid (Markdown)
def _has_pipe_rows(view: TextView, block: Block) -> bool:
    return sum(1 for ln in view.text[block.start : block.end].split("\n") if ln.strip().startswith("|")) >= 2


def _pipe_rows(view: TextView, block: Block) -> list[tuple[list[str], int]]:
    rows = []
    pos = block.start
    for ln in view.text[block.start : block.end].split("\n"):
        s = ln.strip()
        if s.startswith("|"):
            cells = [c.strip() for c in s.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c) or not any(cells):
                rows.append((cells, pos))
        pos += len(ln) + 1
    return rows


def _is_value(cell: str) -> bool:
    c = cell.replace(" ", "")
    return c == "" or bool(_NUM_RE.match(c.removesuffix("万元").removesuffix("元"))) or c in _NONNUM_TOKENS


def _split_label(cells: list[str], n: int = 7) -> tuple[str, list[str]]:
    """Leading text cells form the label; empty placeholder cells (merged label columns) are dropped while
    more than ``n`` value cells remain."""
    i = 0
    while i < len(cells) and (not _is_value(cells[i]) or (cells[i] == "" and len(cells) - i > n)):
        if not _is_value(cells[i]) and i > 0 and len(cells) - i <= n:
            break  # a non-numeric cell where a value belongs (e.g. '二九〇'): keep the columns in place
        i += 1
    return "".join(cells[:i]), cells[i:]


def _label_match(label: str, specs, start: int) -> tuple[int, int] | None:
    """``(template row index, anchor rank)`` of the first template row from ``start`` whose anchor is in ``label``."""
    key = _needle(label)  # normalised, spaces removed; cached (template labels repeat from report to report)
    for j in range(start, len(specs)):
        for rank, anchor in enumerate(specs[j].anchors):
            if _needle(anchor) in key:  # the anchor normalised once (cached), not per row
                return j, rank
    return None


def _grid_table(view: TextView, block: Block, specs, name: str) -> Table:
    rows = _pipe_rows(view, block)
    table = Table(
        name=name,
        status="parsed",
        layout="markdown",
        line_start=view.line_of(block.start),
        line_end=view.line_of(block.end - 1),
    )
    assigned: dict[int, tuple[list[str], int, str]] = {}
    queue: list[tuple[list[str], int]] = []
    idx = 0
    for cells, off in rows:
        label, values = _split_label(cells)
        has_number = any(_NUM_RE.match(v.replace(" ", "")) for v in values)
        match = _label_match(label, specs, idx) if label else None
        j = match[0] if match else None
        if j is not None and (has_number or len(values) >= 6):
            if match[1] > 0:
                table.notes.append(f"label-variant:{specs[j].key}")
            gap = list(range(idx, j))
            for k, (qcells, qoff) in zip(gap, queue):
                assigned[k] = (qcells, qoff, "")
                table.notes.append(f"unlabelled row assigned to {specs[k].key} by template order")
            queue = []
            assigned[j] = (values, off, label)
            idx = j + 1
        elif has_number:
            # a row of numbers whose label is missing or only a fragment of the printed label
            queue.append((values, off))
    for k, (qcells, qoff) in zip(range(idx, len(specs)), queue):
        assigned[k] = (qcells, qoff, "")
        table.notes.append(f"unlabelled row assigned to {specs[k].key} by template order")
    if len(assigned) < 5:
        return _not_table(name, view, None, block)
    for j, spec in enumerate(specs):
        if j not in assigned:
            table.rows[spec.key] = {c: Cell(kind="blank") for c in T3_COLUMN_KEYS}
            table.notes.append(f"row {spec.key} ({spec.label}) not found")
            continue
        values, off, label = assigned[j]
        if sum(1 for v in values if v.strip()) and len(values) < 7:
            table.notes.append(f"short:{spec.key}: {len(values)} cells for 7 columns")
        values = (values + [""] * 7)[:7]
        table.rows[spec.key] = {c: _typed(Draft(v, off), view) for c, v in zip(T3_COLUMN_KEYS, values)}
        table.row_labels[spec.key] = label
        table.row_lines[spec.key] = view.line_of(off)
    return table


def _grid_t4(view: TextView, block: Block) -> Table | None:
    values: list[Draft] = []
    for cells, off in _pipe_rows(view, block):
        if any(_NUM_RE.match(c.replace(" ", "")) for c in cells):
            values.extend(Draft(c, off) for c in cells)
    values = [v for v in values]
    if len(values) < 15:
        return None
    table = Table(
        name="t4",
        status="parsed",
        layout="markdown",
        line_start=view.line_of(block.start),
        line_end=view.line_of(block.end - 1),
    )
    if len(values) > 15:
        table.notes.append(f"{len(values)} values for 15 cells; extra ignored")
    _fill_t4(table, values[:15], view)
    return table


# ------------------------------------------------------------------------------------------------ not assessable
def _not_table(name: str, view: TextView, section: Section | None, block: Block | None = None) -> Table:
    """A table that is not in the text: ``replaced_by_text`` when its section says something instead."""
    text = ""
    if section is not None:
        text = re.sub(r"\s+", "", section.text)[:200]
    status = "replaced_by_text" if len(text) >= 6 else "absent"
    line = section.line if section is not None else None
    return Table(name=name, status=status, replacement_text=text, line_start=line, line_end=line)
