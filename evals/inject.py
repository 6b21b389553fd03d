"""Anomaly-injection engine of the rules suite: one planted defect per case, written into the report TEXT.

Inputs are clean reports: the clean fixtures listed in ``fixtures/MANIFEST.json`` (``expected == []``, including
the GB18030, UTF-16 and Traditional-script copies) and the real reports whose gold lists no ``known_anomalies``
(text formats only: a PDF/HTML/DOCX file cannot be edited as text; its ``.pdf.txt`` extraction is used).

Each case is a list of text edits (``at`` offset in the decoded text, ``old``, ``new``) on one source, the rule ID
that must fire (``expect``) and the rules that may legitimately fire as a consequence (``also``: e.g. a changed
leaf cell also breaks the （七）总计 column, a narrative number stated twice makes the narrative disagree with
itself). Edits are located with the parser's own provenance: ``Cell.line`` + ``Cell.raw`` pick the cell's token in
its source line (tab, one-cell-per-line, spaced and Markdown layouts); for glued digit runs the row's whole run is
rewritten from the known printed values (the run is found after the row label and must equal the parsed cells).

Every case is *validated* when generated: the edited bytes (re-encoded in the source encoding) are parsed and the
tables must read exactly the intended values, everything else unchanged. A case that fails validation is kept
in the dataset as ``skip`` with the reason (e.g. a glued run whose edited digits the parser splits differently),
so that exclusions are written down, never silent. A kind that cannot apply to a source (no signature, no
title, rule already firing on the clean original, ...) is recorded the same way.

Generation is deterministic: ``random.Random(f"{seed}/{source}/{kind}")`` drives every choice.

Usage: ``python -m evals.inject [--seed N] [--write]`` (``--write`` rewrites ``evals/data/rules_cases.jsonl``).
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import random
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.common import DATA, FIXTURES, manifest, shared_dir

DEFAULT_SEED = 20250131
CASES_FILE = DATA / "rules_cases.jsonl"
TEXTS_FILE = DATA / "injection_texts.json"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_EXTRA = str.maketrans({"\u00a0": " ", "\u3000": " ", "\u2002": " ", "\u2003": " ", "\ufeff": "", "\u200b": ""})
BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")
APPLICANT = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org")
T3_COLS = APPLICANT + ("total",)
T4_COLS = ("upheld", "corrected", "other_result", "pending", "total")
T4_BLOCKS = ("reconsideration", "litigation_direct", "litigation_after_review")
#: Arithmetic rules of table 3 (any single-cell change may break several of them).
T3_RULES = ["T3-ROW-SUM", "T3-RESULT-TOTAL", "T3-COL-BALANCE"]
FEE_WORDS = ("信息处理费", "收费", "处理费")


class Skip(Exception):
    """A kind cannot be applied to a source (the reason is recorded in the dataset)."""


# ------------------------------------------------------------------------------------------------ data model
@dataclass
class Edit:
    """Replace ``old`` at offset ``at`` of the decoded source text with ``new``."""

    at: int
    old: str
    new: str

    def to_json(self) -> dict[str, Any]:
        if len(self.old) <= 40:
            return {"at": self.at, "old": self.old, "new": self.new}
        return {
            "at": self.at,
            "old_len": len(self.old),
            "old_sha1": _sha1(self.old),
            "old_head": self.old[:16],
            "new": self.new,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any], text: str) -> Edit:
        if "old" in d:
            return cls(d["at"], d["old"], d["new"])
        old = text[d["at"] : d["at"] + d["old_len"]]
        if _sha1(old) != d["old_sha1"]:
            raise ValueError(f"edit at {d['at']}: source text differs from the recorded one")
        return cls(d["at"], old, d["new"])


def _sha1(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()[:16]


@dataclass
class Case:
    """One injected defect: source, kind, the rule that must fire and the rules that may also fire."""

    id: str
    source: str
    kind: str
    expect: str
    also: list[str] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    note: str = ""
    skip: str = ""

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "source": self.source, "kind": self.kind, "expect": self.expect}
        if self.skip:
            d["skip"] = self.skip
        else:
            if self.also:
                d["also"] = self.also
            d["edits"] = [e.to_json() for e in self.edits]
        if self.note:
            d["note"] = self.note
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any], text: str | None = None) -> Case:
        edits = [Edit.from_json(e, text or "") for e in d.get("edits", [])] if text is not None else []
        return cls(
            d["id"],
            d["source"],
            d["kind"],
            d["expect"],
            list(d.get("also", [])),
            edits,
            d.get("note", ""),
            d.get("skip", ""),
        )


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (any order); raises ValueError when an edit's ``old`` is not at ``at``."""
    out = text
    last = None
    for e in sorted(edits, key=lambda e: e.at, reverse=True):
        if out[e.at : e.at + len(e.old)] != e.old:
            raise ValueError(f"edit at {e.at}: expected {e.old[:20]!r}, found {out[e.at : e.at + len(e.old)][:20]!r}")
        if last is not None and e.at + len(e.old) > last:
            raise ValueError("overlapping edits")
        out = out[: e.at] + e.new + out[e.at + len(e.old) :]
        last = e.at
    return out


def encode(text: str, encoding: str) -> bytes:
    """Encode text back into the source encoding detected by the reviewer (BOMs included)."""
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if encoding == "utf-16":
        return text.encode("utf-16")
    return text.encode(encoding)


# ------------------------------------------------------------------------------------------------ sources
class Source:
    """A clean report loaded for injection: decoded text, parse, review and the maps from parse to text."""

    def __init__(self, path: Path, sid: str) -> None:
        from reviewer.ingest.text import decode_bytes

        self.path = path
        self.id = sid
        self.data = path.read_bytes()
        self.text, self.encoding = decode_bytes(self.data, str(path))
        self.review = review_bytes(encode(self.text, self.encoding), str(path))
        self.report = self.review.report
        from reviewer.parse.textview import TextView

        self.view = TextView(self.report.lines)
        self.line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]
        self.colmaps = [_colmap(ln.original, ln.text) for ln in self.report.lines]
        self.glued = len({s.line for s in self.report.sections}) < len(self.report.sections)
        self._runs: dict[tuple[str, str], tuple[int, int, list[str]]] | None = None

    # -- offsets ------------------------------------------------------------------------------------------
    def to_orig(self, view_off: int) -> int:
        """Offset in the decoded text of view offset ``view_off`` (raises Skip when the line cannot be mapped)."""
        i = bisect.bisect_right(self.view.starts, view_off) - 1
        cm = self.colmaps[i]
        if cm is None:
            raise Skip(f"line {i + 1}: normalisation changes its length; offsets cannot be mapped")
        col = min(view_off - self.view.starts[i], len(cm) - 1)
        return self.line_starts[i] + cm[col]

    def view_span(self, a: int, b: int) -> tuple[int, int]:
        """Decoded-text span of the view range ``[a, b)``."""
        return self.to_orig(a), self.to_orig(b)

    def compact_span(self, ci: int, cj: int) -> tuple[int, int]:
        """Decoded-text span of compact range ``[ci, cj)`` (whitespace inside the range is included)."""
        return self.to_orig(self.view.cmap[ci]), self.to_orig(self.view.cmap[cj - 1] + 1)

    def compact_find(self, needle: str, start: int = 0, end: int | None = None, last: bool = False) -> int:
        key = re.sub(r"\s+", "", _norm(needle))
        idx = (
            self.view.compact.rfind(key, start, end)
            if last
            else self.view.compact.find(key, start, end if end is not None else len(self.view.compact))
        )
        return idx

    def line_compact(self, number: int) -> int:
        """Compact index of the first non-space character of source line ``number`` (1-based)."""
        return self.view.to_compact(self.view.starts[number - 1])

    def edit_view(self, a: int, b: int, new: str) -> Edit:
        oa, ob = self.view_span(a, b)
        return Edit(oa, self.text[oa:ob], new)

    def edit_compact(self, ci: int, cj: int, new: str) -> Edit:
        oa, ob = self.compact_span(ci, cj)
        return Edit(oa, self.text[oa:ob], new)

    # -- sections -----------------------------------------------------------------------------------------
    def heading_span(self, number: int) -> tuple[int, int]:
        """View span of the heading of section ``number`` (numeral + title)."""
        from reviewer.template import SECTIONS

        sec = self.report.section(number)
        if sec is None or not sec.printed_number:
            raise Skip(f"section {number} has no printed heading")
        spec = next(s for s in SECTIONS if s.number == number)
        pat = re.compile(r"(?:[一二三四五六七八九十]|\d{1,2})[、.](?:" + spec.title_pattern + ")")
        m = pat.match(self.view.compact, self.view.to_compact(sec.offset))
        if not m:
            raise Skip(f"section {number}: heading not found at its offset")
        return self.view.cmap[m.start()], self.view.cmap[m.end() - 1] + 1

    def body_span(self, number: int) -> tuple[int, int]:
        """View span of the body of section ``number`` (after the heading, before the next heading/signature)."""
        sec = self.report.section(number)
        _, start = self.heading_span(number)
        end = start + len(sec.text)
        if self.view.text[start:end] != sec.text:
            raise Skip(f"section {number}: body text not at the expected offset")
        return start, end

    def body_edit(self, number: int, new_body: str) -> Edit:
        """Replace the body of a section, keeping its leading and trailing whitespace (line structure)."""
        a, b = self.body_span(number)
        oa, ob = self.view_span(a, b)
        old = self.text[oa:ob]
        lead = old[: len(old) - len(old.lstrip())]
        trail = old[len(old.rstrip()) :]
        if not old.strip():
            raise Skip(f"section {number} is empty")
        return Edit(oa, old, lead + new_body + trail)

    def paragraph_sep(self) -> str:
        return "\u3000\u3000" if self.glued else "\n"

    # -- cells --------------------------------------------------------------------------------------------
    def table(self, name: str):
        return getattr(self.report, name)

    def cell_edits(self, changes: dict[tuple[str, str, str], str]) -> list[Edit]:
        """Edits that print ``new`` in each ``(table, row, col)`` (raises Skip when a cell cannot be located)."""
        edits: list[Edit] = []
        runs: dict[tuple[int, int], tuple[list[str], dict[int, str]]] = {}
        for (tname, row, col), new in changes.items():
            site = self._token_site(tname, row, col)
            if site is not None:
                a, b, fullwidth = site
                edits.append(Edit(a, self.text[a:b], _width(new, fullwidth)))
                continue
            run = self._run_site(tname, row)
            if run is None:
                raise Skip(f"{tname}.{row}.{col}: cell not locatable in the text")
            a, b, raws, cols = run
            entry = runs.setdefault((a, b), (raws, {}))
            entry[1][cols.index(col)] = new
        for (a, b), (raws, repl) in runs.items():
            new_raws = [repl.get(i, r) for i, r in enumerate(raws)]
            edits.append(Edit(a, self.text[a:b], "".join(new_raws)))
        return edits

    def _cells_on_line(self, tname: str, line: int) -> list[tuple[str, str, Any]]:
        t = self.table(tname)
        return [(r, c, cell) for r, cols in t.rows.items() for c, cell in cols.items() if cell.line == line]

    def _token_site(self, tname: str, row: str, col: str) -> tuple[int, int, bool] | None:
        """Span of one printed cell in a tab / spaced / Markdown line; None for glued or unlocatable cells."""
        t = self.table(tname)
        cell = t.cell(row, col)
        if cell is None or cell.line is None or cell.inferred or not t.ok:
            return None
        idx = cell.line - 1
        original = self.report.lines[idx].original
        cm = self.colmaps[idx]
        if cm is None:
            return None
        norm = self.report.lines[idx].text
        same = self._cells_on_line(tname, cell.line)
        if "|" in norm:
            pieces = _pipe_cells(norm)
            tail = None
            for j in range(len(pieces) - len(same), -1, -1):  # the last window of pipe cells that reads as the cells
                window = pieces[j : j + len(same)]
                if all(
                    norm[pa:pb].strip().replace(" ", "")
                    == (other.raw.replace(" ", "") if other.kind != "blank" else "")
                    for (r, c, other), (pa, pb) in zip(same, window)
                ):
                    tail = window
                    break
            if tail is None:
                return None
            pos = next(i for i, (r, c, _) in enumerate(same) if (r, c) == (row, col))
            pa, pb = tail[pos]
            text = norm[pa:pb]
            lead = len(text) - len(text.lstrip())
            core = text.strip()
            if not core:  # a blank pipe cell: write inside the cell, padded
                a = self.line_starts[idx] + cm[pa]
                b = self.line_starts[idx] + cm[pb]
                return a, b, False
            a = self.line_starts[idx] + cm[pa + lead]
            b = self.line_starts[idx] + cm[pa + lead + len(core)]
            return a, b, _is_fullwidth(original[cm[pa + lead] : cm[pa + lead + len(core)]])
        nonblank = [(r, c, x) for r, c, x in same if x.kind != "blank"]
        if cell.kind == "blank":
            return None
        toks = list(_TOKEN_RE.finditer(norm))
        toks = [m for m in toks if m.group(0).rstrip(".") not in ("", ".")]
        if len(toks) < len(nonblank):
            return None
        tail = toks[len(toks) - len(nonblank) :]
        for (_r, _c, other), m in zip(nonblank, tail):
            if m.group(0).rstrip(".").replace(" ", "") != other.raw.replace(" ", ""):
                return None
        pos = next(i for i, (r, c, _) in enumerate(nonblank) if (r, c) == (row, col))
        m = tail[pos]
        raw = m.group(0).rstrip(".")
        a = self.line_starts[idx] + cm[m.start()]
        b = self.line_starts[idx] + cm[m.start() + len(raw)]
        return a, b, _is_fullwidth(original[cm[m.start()] : cm[m.start() + len(raw)]])

    def _run_site(self, tname: str, row: str) -> tuple[int, int, list[str], list[str]] | None:
        """A glued row: decoded-text span of its digit run, the printed pieces and their column keys."""
        if self._runs is None:
            self._runs = self._find_runs()
        hit = self._runs.get((tname, row))
        if hit is None:
            return None
        a, b, raws = hit
        cols = (
            list(self.table(tname).rows[row]) if tname != "t4" else [f"{blk}.{c}" for blk in T4_BLOCKS for c in T4_COLS]
        )
        return a, b, raws, cols

    def _find_runs(self) -> dict[tuple[str, str], tuple[int, int, list[str]]]:
        runs: dict[tuple[str, str], tuple[int, int, list[str]]] = {}
        compact = self.view.compact
        for tname in ("t3", "t2"):
            t = self.table(tname)
            if not t.ok or t.line_start is None:
                continue
            pos = self.line_compact(t.line_start)
            if tname == "t3":
                hdr = compact.find("申请人情况", pos)
                pos = hdr if hdr >= 0 else pos
            for row, cols in t.rows.items():
                label = t.row_labels.get(row)
                if not label:
                    continue
                key = re.sub(r"\s+", "", _norm(label))
                li = compact.find(key, pos)
                if li < 0:
                    continue
                raws = [c.raw for c in cols.values()]
                if any(not r for r in raws):
                    continue
                run = "".join(raws).replace(" ", "")
                m = re.compile(r"\d|[/／\-—]").search(compact, li + len(key))
                if m is None or m.start() - (li + len(key)) > 40 or not compact.startswith(run, m.start()):
                    continue
                between = compact[li + len(key) : m.start()]
                if re.search(r"\d", between):
                    continue
                end = m.start() + len(run)
                try:
                    a, b = self.compact_span(m.start(), end)
                except Skip:
                    continue
                runs[(tname, row)] = (a, b, raws)
                pos = end
        t4 = self.report.t4
        if t4.ok:
            cells = [t4.rows[blk][c] for blk in T4_BLOCKS for c in T4_COLS]
            if all(c.raw for c in cells):
                raws = [c.raw for c in cells]
                run = "".join(raws)
                start = self.line_compact(t4.line_start) if t4.line_start else 0
                for m in re.finditer(re.escape(run), compact[start:]):
                    ci = start + m.start()
                    if ci > 0 and compact[ci - 1].isdigit():
                        continue
                    if ci + len(run) < len(compact) and compact[ci + len(run)].isdigit():
                        continue
                    try:
                        a, b = self.compact_span(ci, ci + len(run))
                    except Skip:
                        break
                    runs[("t4", "all")] = (a, b, raws)
                    break
        return runs

    def t4_edits(self, changes: dict[tuple[str, str], str]) -> list[Edit]:
        """Edits for table-4 cells ``(block, col) -> new``."""
        direct = {}
        for (blk, col), new in changes.items():
            direct[("t4", blk, col)] = new
        try:
            return self.cell_edits_strict(direct)
        except Skip:
            run = self._run_site("t4", "all")
            if run is None:
                raise
            a, b, raws, cols = run
            new_raws = list(raws)
            for (blk, col), new in changes.items():
                new_raws[cols.index(f"{blk}.{col}")] = new
            return [Edit(a, self.text[a:b], "".join(new_raws))]

    def cell_edits_strict(self, changes: dict[tuple[str, str, str], str]) -> list[Edit]:
        edits = []
        for (tname, row, col), new in changes.items():
            site = self._token_site(tname, row, col)
            if site is None:
                raise Skip(f"{tname}.{row}.{col}: not a separately printed cell")
            a, b, fw = site
            edits.append(Edit(a, self.text[a:b], _width(new, fw)))
        return edits

    def edits_for(self, changes: dict[tuple[str, str, str], str]) -> list[Edit]:
        """Cell edits for tables 2/3 and 4 together."""
        t4 = {(r, c): v for (t, r, c), v in changes.items() if t == "t4"}
        rest = {k: v for k, v in changes.items() if k[0] != "t4"}
        edits = self.cell_edits(rest) if rest else []
        if t4:
            edits += self.t4_edits(t4)
        return edits


_TOKEN_RE = re.compile(r"[+\-]?\d[\d.]*(?:[+\-]\d[\d.]*)*(?:万元|元)?|[/／]|(?<![\w\d])[—–－\-](?![\d])")


def _pipe_cells(line: str) -> list[tuple[int, int]]:
    """Spans of the cells of a Markdown pipe row (inside the outer pipes)."""
    s = line.rstrip()
    first = s.find("|")
    last = s.rfind("|")
    if first < 0 or last <= first:
        return []
    spans = []
    pos = first + 1
    for piece in s[first + 1 : last].split("|"):
        spans.append((pos, pos + len(piece)))
        pos += len(piece) + 1
    return spans


def _is_fullwidth(s: str) -> bool:
    return any("\uff10" <= ch <= "\uff19" for ch in s)


def _width(new: str, fullwidth: bool) -> str:
    if not fullwidth:
        return new
    return "".join(chr(ord(ch) - 0x30 + 0xFF10) if "0" <= ch <= "9" else ch for ch in new)


def _norm(s: str) -> str:
    from reviewer.ingest.text import normalise

    return normalise(s)


def _colmap(original: str, normalised: str) -> list[int] | None:
    """For each character of ``normalised`` (plus its end), the column in ``original`` it comes from."""
    parts = [unicodedata.normalize("NFKC", ch.translate(_EXTRA)) for ch in original]
    joined = "".join(parts)
    if joined != normalised:
        from reviewer.ingest.text import normalise

        converted = normalise(joined) if len(normalise(joined)) == len(joined) else joined
        if converted != normalised:
            if len(normalised) == len(original):
                return list(range(len(original) + 1))
            return None
    cm: list[int] = []
    for col, part in enumerate(parts):
        cm.extend([col] * len(part))
    cm.append(len(original))
    return cm


def review_bytes(data: bytes, name: str):
    """Parse and review report bytes in memory (no temporary file)."""
    from reviewer.ingest import document_from_bytes
    from reviewer.parse import parse_document
    from reviewer.pipeline import review_report

    return review_report(parse_document(document_from_bytes(data, name)))


# ------------------------------------------------------------------------------------------------ helpers
def _texts() -> dict[str, Any]:
    return json.loads(TEXTS_FILE.read_text(encoding="utf-8"))


def _gold_of(raw: str) -> Any:
    """The value the parser should read for a printed cell ``raw`` (gold shape)."""
    s = raw.strip().replace(" ", "")
    if not s:
        return None
    body = s.removesuffix("万元").removesuffix("元")
    if re.fullmatch(r"[+-]?\d+", body):
        return int(body)
    if re.fullmatch(r"[+-]?\d+\.\d+", body):
        return float(body)
    return s


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _num(src: Source, t: str, row: str, col: str) -> float | None:
    cell = src.table(t).cell(row, col)
    return cell.value if cell is not None and cell.kind == "number" else None


def _fires(src: Source, rule: str) -> bool:
    return any(f.rule == rule and f.severity.rank >= 2 for f in src.review.findings)


def _narrated(src: Source, row: str) -> bool:
    """True when a narrative figure speaks about table-3 row ``row`` (or its group)."""
    for f in src.review.figures:
        for part in f.metric.split("+"):
            bits = part.split(".")
            if (
                len(bits) == 3
                and bits[0] == "t3"
                and (bits[1] == row or (bits[1].endswith("*") and row.startswith(bits[1][:-1])))
            ):
                return True
    return False


def _t3_also(src: Source, rows: set[str]) -> list[str]:
    """Rules that may fire as a consequence of changed table-3 rows (besides the expected one)."""
    also = set(T3_RULES)
    if any(_narrated(src, r) for r in rows) or rows & set(BALANCE_ROWS):
        also.add("XS-NARR-T3")
    if rows & {"other_other", "other_handling", "total_processed"}:
        also.add("PL-OTHER-HANDLING")
    if any(r.startswith("denied_") for r in rows) or "total_processed" in rows:
        also.add("PL-DENIAL-SHARE")
    if rows & {"carried_forward", "new_received", "carried_over"}:
        also |= {"PL-CARRY-FORWARD", "PL-CARRY-IMPOSSIBLE"}
    if "other_unpaid_fee" in rows:
        also.add("XS-FEE-R22")
    also.add("PL-ZERO-WITH-NARRATIVE")
    return sorted(also)


def _delta(rng: random.Random, value: float) -> int:
    choices = [d for d in (1, 2, 3, 5, 10, -1, -2) if value + d >= 0]
    return rng.choice(choices)


def _insert_after_title(src: Source, sentence: str) -> Edit:
    """Insert ``sentence`` at the start of the preamble (after the title), as its own paragraph."""
    from reviewer.parse.meta import _TITLE_RE

    first = src.report.section(1)
    limit = src.view.to_compact(first.offset) if first else min(len(src.view.compact), 600)
    m = _TITLE_RE.search(src.view.compact, 0, limit)
    if m:
        a = src.to_orig(src.view.cmap[m.end() - 1] + 1)
    else:
        a = src.to_orig(src.view.cmap[0])
    rest = src.text[a:]
    if src.glued:
        return Edit(a, "", "\u3000\u3000" + sentence)
    nl = _LINE_BREAK.search(rest)
    if m and nl is not None and not rest[: nl.start()].strip():
        return Edit(a + nl.start(), "", "\n" + sentence)
    return Edit(a, "", sentence if not m else "\n" + sentence)


# ------------------------------------------------------------------------------------------------ kinds
Gen = Callable[[Source, random.Random, int], "Injection"]


@dataclass
class Injection:
    """What a kind produced for one variant: edits, the expected table changes (for validation), notes."""

    edits: list[Edit]
    note: str
    also: list[str] = field(default_factory=list)
    cells: dict[tuple[str, str, str], Any] = field(default_factory=dict)  # expected gold values after injection
    free_tables: tuple[str, ...] = ()  # tables allowed to change arbitrarily (e.g. relabelled table 2)
    sections_change: bool = False


@dataclass(frozen=True)
class Kind:
    name: str
    expect: str
    gen: Gen
    variants: int
    doc: str
    needs_silent: bool = False  # skip sources where the expected rule already fires (global, unlocalised rules)


KINDS: list[Kind] = []


def kind(name: str, expect: str, variants: int = 2, needs_silent: bool = False):
    def deco(func: Gen) -> Gen:
        KINDS.append(Kind(name, expect, func, variants, (func.__doc__ or "").strip().splitlines()[0], needs_silent))
        return func

    return deco


def _t3_cells(src: Source, rows: list[str], cols: tuple[str, ...], pred: Callable[[float], bool] = lambda v: True):
    t3 = src.report.t3
    if not t3.ok:
        raise Skip("table 3 is not parsed")
    out = [(r, c) for r in rows if r in t3.rows for c in cols if (v := _num(src, "t3", r, c)) is not None and pred(v)]
    if not out:
        raise Skip("no table-3 cell fits")
    return out


def _leaf_rows(src: Source) -> list[str]:
    return [r for r in src.report.t3.rows if r not in BALANCE_ROWS]


@kind("t3_leaf_cell", "T3-ROW-SUM", 3)
def k_t3_leaf_cell(src: Source, rng: random.Random, i: int) -> Injection:
    """Change one applicant cell of a table-3 outcome row (the row no longer adds up)."""
    r, c = rng.choice(_t3_cells(src, _leaf_rows(src), APPLICANT))
    v = _num(src, "t3", r, c)
    new = v + _delta(rng, v)
    return Injection(
        src.edits_for({("t3", r, c): _fmt(new)}),
        f"t3.{r}.{c} {_fmt(v)} -> {_fmt(new)}",
        _t3_also(src, {r}),
        {("t3", r, c): new},
    )


@kind("t3_balance_row_cell", "T3-ROW-SUM", 2)
def k_t3_balance_row_cell(src: Source, rng: random.Random, i: int) -> Injection:
    """Change one applicant cell of 新收 / 上年结转 / （七）总计 / 结转下年度."""
    r, c = rng.choice(_t3_cells(src, list(BALANCE_ROWS), APPLICANT))
    v = _num(src, "t3", r, c)
    new = v + _delta(rng, v)
    return Injection(
        src.edits_for({("t3", r, c): _fmt(new)}),
        f"t3.{r}.{c} {_fmt(v)} -> {_fmt(new)}",
        _t3_also(src, {r}),
        {("t3", r, c): new},
    )


@kind("t3_total_cell", "T3-ROW-SUM", 2)
def k_t3_total_cell(src: Source, rng: random.Random, i: int) -> Injection:
    """Change the 总计 column of a table-3 row (row total no longer the sum of the six applicant columns)."""
    r, c = rng.choice(_t3_cells(src, list(src.report.t3.rows), ("total",)))
    v = _num(src, "t3", r, c)
    new = v + _delta(rng, v)
    return Injection(
        src.edits_for({("t3", r, c): _fmt(new)}),
        f"t3.{r}.total {_fmt(v)} -> {_fmt(new)}",
        _t3_also(src, {r}),
        {("t3", r, c): new},
    )


@kind("t3_outcome_shift", "T3-RESULT-TOTAL", 2)
def k_t3_outcome_shift(src: Source, rng: random.Random, i: int) -> Injection:
    """Raise one outcome row consistently (cell and its row total): the outcomes no longer sum to （七）总计."""
    rows = [r for r in _leaf_rows(src) if not _narrated(src, r)] or _leaf_rows(src)
    r, c = rng.choice(_t3_cells(src, rows, APPLICANT))
    v, tot = _num(src, "t3", r, c), _num(src, "t3", r, "total")
    if tot is None:
        raise Skip("row total not a number")
    d = rng.choice([d for d in (1, 2, 3, -1) if v + d >= 0 and tot + d >= 0])
    ch = {("t3", r, c): v + d, ("t3", r, "total"): tot + d}
    return Injection(
        src.edits_for({k: _fmt(x) for k, x in ch.items()}),
        f"t3.{r}.{c} and total +{d}" if d > 0 else f"t3.{r}.{c} and total {d}",
        _t3_also(src, {r}),
        ch,
    )


@kind("t3_carry_shift", "T3-COL-BALANCE", 2)
def k_t3_carry_shift(src: Source, rng: random.Random, i: int) -> Injection:
    """Change 上年结转 or 结转下年度 consistently in one column and the 总计 column: 一 + 二 ≠ 三（七）+ 四."""
    r = rng.choice(["carried_over", "carried_forward"])
    r, c = rng.choice(_t3_cells(src, [r], APPLICANT))
    v, tot = _num(src, "t3", r, c), _num(src, "t3", r, "total")
    if tot is None:
        raise Skip("row total not a number")
    d = rng.choice([d for d in (1, 2, 3, -1) if v + d >= 0 and tot + d >= 0])
    ch = {("t3", r, c): v + d, ("t3", r, "total"): tot + d}
    return Injection(
        src.edits_for({k: _fmt(x) for k, x in ch.items()}), f"t3.{r}.{c} and total {d:+d}", _t3_also(src, {r}), ch
    )


@kind("t3_carry_impossible", "PL-CARRY-IMPOSSIBLE", 1)
def k_t3_carry_impossible(src: Source, rng: random.Random, i: int) -> Injection:
    """Carry forward more than was open (R25 > R01 + R02) in one column, total adjusted."""
    c = rng.choice(APPLICANT[:1] + tuple(x for x in APPLICANT[1:] if (_num(src, "t3", "new_received", x) or 0) > 0))
    new, co, cf, tot = (
        _num(src, "t3", r, col)
        for r, col in (("new_received", c), ("carried_over", c), ("carried_forward", c), ("carried_forward", "total"))
    )
    if None in (new, co, cf, tot):
        raise Skip("table 3 balance rows not numeric")
    target = new + co + rng.choice([1, 2, 5])
    d = target - cf
    ch = {("t3", "carried_forward", c): target, ("t3", "carried_forward", "total"): tot + d}
    return Injection(
        src.edits_for({k: _fmt(x) for k, x in ch.items()}),
        f"t3.carried_forward.{c} {_fmt(cf)} -> {_fmt(target)} (open {_fmt(new + co)})",
        _t3_also(src, {"carried_forward"}),
        ch,
    )


@kind("t4_total", "T4-SUM", 2)
def k_t4_total(src: Source, rng: random.Random, i: int) -> Injection:
    """Change a table-4 总计 cell."""
    t4 = src.report.t4
    if not t4.ok:
        raise Skip("table 4 is not parsed")
    blk = rng.choice(T4_BLOCKS)
    v = _num(src, "t4", blk, "total")
    if v is None:
        raise Skip("table-4 total not a number")
    new = v + _delta(rng, v)
    return Injection(
        src.edits_for({("t4", blk, "total"): _fmt(new)}),
        f"t4.{blk}.total {_fmt(v)} -> {_fmt(new)}",
        ["XS-NARR-T4", "PL-T4-CORRECTION", "PL-ZERO-WITH-NARRATIVE"],
        {("t4", blk, "total"): new},
    )


@kind("t4_result", "T4-SUM", 2)
def k_t4_result(src: Source, rng: random.Random, i: int) -> Injection:
    """Change a table-4 result cell (维持/纠正/其他/尚未审结)."""
    t4 = src.report.t4
    if not t4.ok:
        raise Skip("table 4 is not parsed")
    blk, col = rng.choice([(b, c) for b in T4_BLOCKS for c in T4_COLS[:4]])
    v = _num(src, "t4", blk, col)
    if v is None:
        raise Skip("table-4 cell not a number")
    new = v + _delta(rng, v)
    also = ["XS-NARR-T4", "PL-T4-CORRECTION", "PL-T4-AFTER-REVIEW", "Q-SEC5-CORRECTED-CASES", "PL-ZERO-WITH-NARRATIVE"]
    return Injection(
        src.edits_for({("t4", blk, col): _fmt(new)}),
        f"t4.{blk}.{col} {_fmt(v)} -> {_fmt(new)}",
        also,
        {("t4", blk, col): new},
    )


def _zero_cells(
    src: Source, tables=("t2", "t3", "t4"), exclude_blank_tables: bool = False
) -> list[tuple[str, str, str]]:
    out = []
    for name in tables:
        t = src.table(name)
        if not t.ok:
            continue
        if exclude_blank_tables and any(c.kind == "blank" for cols in t.rows.values() for c in cols.values()):
            continue
        for r, cols in t.rows.items():
            for c, cell in cols.items():
                if cell.kind == "number" and cell.value == 0 and not (name == "t2" and r == "rules"):
                    out.append((name, r, c))
    return out


@kind("cell_blank", "CELL-BLANK", 2)
def k_cell_blank(src: Source, rng: random.Random, i: int) -> Injection:
    """Leave a 0 cell blank (reviewers expect an explicit 0)."""
    if src.report.t3.layout not in ("tab", "markdown", "slots") and src.report.t2.layout not in (
        "tab",
        "markdown",
        "slots",
    ):
        raise Skip("layout without cell separators (spaced/glued): a blank cell leaves no trace in the text")
    cells = [
        x for x in _zero_cells(src, exclude_blank_tables=True) if src.table(x[0]).layout in ("tab", "markdown", "slots")
    ]
    if not cells:
        raise Skip("no zero cell in a table without blanks")
    t, r, c = rng.choice(cells)
    return Injection(src.edits_for({(t, r, c): ""}), f"{t}.{r}.{c} 0 -> blank", [], {(t, r, c): None})


@kind("cell_nonnum", "CELL-NONNUM", 2)
def k_cell_nonnum(src: Source, rng: random.Random, i: int) -> Injection:
    """Write '/', '-', '—' or '无' in a 0 cell."""
    cells = _zero_cells(src)
    if not cells:
        raise Skip("no zero cell")
    t, r, c = rng.choice(cells)
    spaced = src.table(t).layout not in ("tab", "markdown", "slots")
    token = rng.choice(["/", "-", "—"] if spaced else ["/", "-", "—", "无"])
    return Injection(src.edits_for({(t, r, c): token}), f"{t}.{r}.{c} 0 -> {token}", [], {(t, r, c): token})


def _t2_decision_cells(src: Source) -> list[tuple[str, str, str]]:
    t2 = src.report.t2
    if not t2.ok:
        return []
    return [
        ("t2", r, "decisions")
        for r in ("licensing", "penalty", "coercion")
        if _num(src, "t2", r, "decisions") is not None
    ]


@kind("cell_negative", "CELL-NEG", 2)
def k_cell_negative(src: Source, rng: random.Random, i: int) -> Injection:
    """A negative count: a table-2 decision count or a table-3 cell printed with a minus sign."""
    options = _t2_decision_cells(src)
    if i % 2 == 1 and src.report.t3.ok:
        options = [("t3", r, c) for r, c in _t3_cells(src, _leaf_rows(src), APPLICANT, lambda v: v > 0)] or options
    if not options:
        raise Skip("no numeric cell to make negative")
    t, r, c = rng.choice(options)
    v = _num(src, t, r, c)
    new = -v if v else -rng.choice([1, 2, 3])
    also = _t3_also(src, {r}) if t == "t3" else ["XS-NARR-T2"]
    return Injection(
        src.edits_for({(t, r, c): _fmt(new)}), f"{t}.{r}.{c} {_fmt(v)} -> {_fmt(new)}", also, {(t, r, c): new}
    )


@kind("cell_decimal", "CELL-NONINT", 2)
def k_cell_decimal(src: Source, rng: random.Random, i: int) -> Injection:
    """A decimal count (e.g. 143.5) in a table-2 decision cell or a table-3 cell."""
    options = _t2_decision_cells(src)
    if i % 2 == 1 and src.report.t3.ok:
        options = [("t3", r, c) for r, c in _t3_cells(src, _leaf_rows(src), APPLICANT)] or options
    if not options:
        raise Skip("no numeric cell")
    t, r, c = rng.choice(options)
    v = _num(src, t, r, c)
    new = v + 0.5
    also = _t3_also(src, {r}) if t == "t3" else ["XS-NARR-T2"]
    return Injection(
        src.edits_for({(t, r, c): f"{_fmt(v)}.5"}), f"{t}.{r}.{c} {_fmt(v)} -> {_fmt(v)}.5", also, {(t, r, c): new}
    )


@kind("cell_unit_fee", "CELL-UNIT-FEE", 2, needs_silent=True)
def k_cell_unit_fee(src: Source, rng: random.Random, i: int) -> Injection:
    """The 行政事业性收费 amount in 元 instead of 万元: a huge figure, or '元' written in the cell."""
    v = _num(src, "t2", "admin_fees", "amount_wan_yuan")
    if v is None:
        raise Skip("table 2 has no numeric fee amount")
    if i % 2 == 0:
        new = int(round(v * 10000)) if v * 10000 >= 1_000_000 else rng.randint(1_200_000, 9_800_000)
        raw = str(new)
    else:
        new = int(round(v * 10000)) if v else rng.randint(300, 9000)
        raw = f"{new}元"
    return Injection(
        src.edits_for({("t2", "admin_fees", "amount_wan_yuan"): raw}),
        f"t2.admin_fees {_fmt(v)} -> {raw}",
        ["XS-FEE-T2", "XS-NARR-T2"],
        {("t2", "admin_fees", "amount_wan_yuan"): new},
    )


@kind("t3_drop_row", "STR-LABELS-EXACT", 2)
def k_t3_drop_row(src: Source, rng: random.Random, i: int) -> Injection:
    """Drop one table-3 outcome row (label and cells), preferring an all-zero row."""
    t3 = src.report.t3
    if not t3.ok:
        raise Skip("table 3 is not parsed")
    from reviewer.template import t3_rows

    specs = {s.key: s for s in t3_rows("other_handling" in t3.rows)}
    leaves = [r for r in _leaf_rows(src) if specs.get(r) is not None and specs[r].ordinal not in (None, 1)]
    zero = [r for r in leaves if all(c.kind == "number" and c.value == 0 for c in t3.rows[r].values())]
    r = rng.choice(zero or leaves)
    label_line = t3.row_lines.get(r)
    if not label_line:
        raise Skip("row label line unknown")
    if src.glued or t3.layout == "glued":
        run = src._run_site("t3", r)
        if run is None:
            raise Skip("glued row run not found")
        a, b, _, _ = run
        # the printed label runs from the row's ordinal ("2.") to its digit run
        ci = src.view.to_compact(src.view.starts[label_line - 1])
        spec = specs[r]
        key = re.sub(r"\s+", "", _norm(t3.row_labels[r]))
        li = src.view.compact.find(key, ci)
        m = re.search(rf"{spec.ordinal}[.、．]\s*$", src.view.compact[max(0, li - 4) : li])
        start_ci = max(0, li - 4) + m.start() if m else li
        oa = src.to_orig(src.view.cmap[start_ci])
        edit = Edit(oa, src.text[oa:b], "")
    else:
        cells_lines = [c.line for c in t3.rows[r].values() if c.line]
        last = max(cells_lines + [label_line])
        first = label_line
        line_text = src.report.lines[first - 1].text
        if "|" in line_text or src.report.t3.layout in ("tokens",):
            oa = src.line_starts[first - 1]
            ob = src.line_starts[last] if last < len(src.line_starts) else len(src.text)
        else:
            # tab layout: the label cell line and the seven cell lines (a group label before it stays)
            oa = src.line_starts[first - 1]
            ob = src.line_starts[last] if last < len(src.line_starts) else len(src.text)
            nxt = src.text[ob:]
            blank = re.match(r"[ \t]*(?:\r\n|\r|\n)", nxt)
            if blank:
                ob += blank.end()
        edit = Edit(oa, src.text[oa:ob], "")
    nonzero = not all(c.kind == "number" and c.value == 0 for c in t3.rows[r].values())
    also = _t3_also(src, {r}) if nonzero else ["CELL-BLANK"]
    return Injection(
        [edit],
        f"drop t3 row {r}" + (" (non-zero)" if nonzero else ""),
        also + ["CELL-BLANK"],
        {("t3", r, c): None for c in T3_COLS},
        free_tables=("t3row:" + r,),
    )


def _figure_edit(src: Source, rng: random.Random, prefix: str) -> Injection:
    from reviewer.checks import Context
    from reviewer.checks.crosssection import compare_figures

    ctx = Context(report=src.report, figures=src.review.figures)
    comps = [
        c
        for c in compare_figures(ctx)
        if c.figure.metric.startswith(prefix) and c.agrees and c.figure.value > 0 and not c.figure.approximate
    ]
    rng.shuffle(comps)
    for c in comps:
        f = c.figure
        value = _fmt(f.value)
        quote = re.sub(r"\s+", "", _norm(f.quote))
        start = src.line_compact(max(1, f.line - 3))
        qi = src.view.compact.find(quote, start)
        if qi < 0:
            continue
        hits = [m for m in re.finditer(rf"(?<![\d.]){re.escape(value)}(?![\d.])", quote)]
        if len(hits) != 1:
            continue
        ci = qi + hits[0].start()
        new = f.value + rng.choice([d for d in (1, 2, 3, 5, 10, -1, -2) if f.value + d > 0])
        edit = src.edit_compact(ci, ci + len(value), _fmt(new))
        if not re.search(r"\d", src.text[edit.at : edit.at + len(edit.old)]):
            continue
        return Injection([edit], f"narrative {f.metric} {value} -> {_fmt(new)} ({f.quote[:30]})", ["XS-NARR-INTERNAL"])
    raise Skip(f"no {prefix} narrative figure printed in Arabic digits that agrees with the table")


@kind("narr_t3", "XS-NARR-T3", 2)
def k_narr_t3(src: Source, rng: random.Random, i: int) -> Injection:
    """Change a narrative request count that agreed with table 3."""
    return _figure_edit(src, rng, "t3.")


@kind("narr_t4", "XS-NARR-T4", 1)
def k_narr_t4(src: Source, rng: random.Random, i: int) -> Injection:
    """Change a narrative reconsideration/litigation count that agreed with table 4."""
    return _figure_edit(src, rng, "t4.")


@kind("narr_t2", "XS-NARR-T2", 1)
def k_narr_t2(src: Source, rng: random.Random, i: int) -> Injection:
    """Change a narrative count of documents/permits/penalties that agreed with table 2."""
    return _figure_edit(src, rng, "t2.")


@kind("section_remove", "STR-SECTIONS-PRESENT", 2)
def k_section_remove(src: Source, rng: random.Random, i: int) -> Injection:
    """Delete a whole section (heading and body) of 一, 五 or 六."""
    n = [1, 5, 6][(i + rng.randrange(3)) % 3]
    a, _ = src.heading_span(n)
    _, b = src.body_span(n)
    also = ["STR-GOV-EXTRA", "XS-FEE-R22", "STR-SEC1-COMPONENTS"]
    return Injection([src.edit_view(a, b, "")], f"delete section {n}", also, sections_change=True)


@kind("heading_remove", "STR-SECTIONS-PRESENT", 1)
def k_heading_remove(src: Source, rng: random.Random, i: int) -> Injection:
    """Delete the heading of section 一 or 六 (its text merges into the previous part)."""
    n = rng.choice([1, 6])
    a, b = src.heading_span(n)
    also = ["STR-GOV-EXTRA", "XS-FEE-R22", "Q-SEC5-SPECIFIC", "STR-SEC1-COMPONENTS"]
    return Injection([src.edit_view(a, b, "")], f"delete heading {n}", also, sections_change=True)


@kind("heading_renumber", "STR-HEADING-NUMBER", 2)
def k_heading_renumber(src: Source, rng: random.Random, i: int) -> Injection:
    """Number a section heading with an Arabic numeral ('二、' -> '2、' or '2.')."""
    from reviewer.template import chinese_ordinal

    n = rng.choice([s.number for s in src.report.sections if s.printed_number[:-1] == chinese_ordinal(s.number)] or [0])
    if not n:
        raise Skip("no heading printed with a Chinese numeral")
    a, _ = src.heading_span(n)
    ci = src.view.to_compact(a)
    new = f"{n}{rng.choice(['、', '.'])}"
    return Injection(
        [src.edit_compact(ci, ci + 2, new)], f"heading {chinese_ordinal(n)}、 -> {new}", [], sections_change=True
    )


@kind("title_year", "YR-TITLE", 1, needs_silent=True)
def k_title_year(src: Source, rng: random.Random, i: int) -> Injection:
    """Change the year printed in the title."""
    title = src.report.title
    if not title or not src.report.period:
        raise Skip("no title or no stated period")
    ti = src.compact_find(title)
    if ti < 0:
        raise Skip("title not found")
    m = re.search(r"(?:19|20)\d{2}", src.view.compact[ti : ti + len(re.sub(r"\s+", "", title))])
    if not m:
        raise Skip("no year in title")
    year = int(m.group(0))
    new = year + rng.choice([-1, 1])
    return Injection(
        [src.edit_compact(ti + m.start(), ti + m.end(), str(new))],
        f"title year {year} -> {new}",
        ["YR-PERIOD", "YR-SIGN-DATE", "YR-BODY-YEAR", "STR-TEMPLATE-VERSION"],
    )


@kind("period", "YR-PERIOD", 2, needs_silent=True)
def k_period(src: Source, rng: random.Random, i: int) -> Injection:
    """Misstate the statistical period (half a year, wrong start year, start after end)."""
    from reviewer.parse.meta import _PERIOD_RE

    p = src.report.period
    if not p:
        raise Skip("no stated period")
    qi = src.view.compact.find(p["quote"])
    m = _PERIOD_RE.match(src.view.compact, qi)
    if qi < 0 or not m:
        raise Skip("period not found")
    variant = (i + rng.randrange(3)) % 3
    also = ["YR-TITLE", "YR-BODY-YEAR"]
    if variant == 0:
        month = rng.choice(range(3, 12))
        day = {2: 28, 4: 30, 6: 30, 9: 30, 11: 30}.get(month, 31)
        edits = [src.edit_compact(m.start("m2"), m.end("d2"), f"{month}月{day}")]
        note = f"period ends {month}-{day}"
    elif variant == 1:
        y1 = int(m.group("y1"))
        edits = [src.edit_compact(m.start("y1"), m.end("y1"), str(y1 - 1))]
        note = f"period starts {y1 - 1}"
    else:
        edits = [
            src.edit_compact(m.start("m1"), m.end("d1"), "12月31"),
            src.edit_compact(m.start("m2"), m.end("d2"), "1月1"),
        ]
        note = "period 12-31 to 1-1 (start after end)"
    return Injection(edits, note, also)


@kind("sign_date", "YR-SIGN-DATE", 1, needs_silent=True)
def k_sign_date(src: Source, rng: random.Random, i: int) -> Injection:
    """Date the signature inside the statistical year."""
    s = src.report.sign_date
    year = src.report.year
    if not s or not year:
        raise Skip("no signature date detected")
    ci = src.view.compact.rfind(s["quote"])
    if ci < 0:
        raise Skip("signature date not found")
    month = rng.choice([12, 12, 11, 6])
    day = rng.randint(1, 30)
    new = f"{year}年{month}月{day}日"
    return Injection([src.edit_compact(ci, ci + len(s["quote"]), new)], f"signature {s['quote']} -> {new}", [])


def _sec6_fee_sentences(src: Source) -> list[tuple[int, int]]:
    a, b = src.body_span(6)
    out = []
    for m in re.finditer(r"[^。；;]*[。；;]?", src.view.text[a:b]):
        if m.group(0) and any(w in re.sub(r"\s+", "", m.group(0)) for w in FEE_WORDS):
            out.append((a + m.start(), a + m.end()))
    return out


@kind("sec6_no_fee", "Q-SEC6-FEE", 1, needs_silent=True)
def k_sec6_no_fee(src: Source, rng: random.Random, i: int) -> Injection:
    """Delete the 信息处理费 sentences of section 六, keeping its other text."""
    if src.report.section(6) is None:
        raise Skip("no section 六")
    spans = _sec6_fee_sentences(src)
    if not spans:
        raise Skip("section 六 has no fee statement")
    a, b = src.body_span(6)
    rest = src.view.text[a:b]
    for x, y in reversed(spans):
        rest = rest[: x - a] + rest[y - a :]
    if len(re.sub(r"\s+", "", rest)) < 12:
        raise Skip("section 六 holds only the fee statement (removing it is the empty-section case)")
    edits = [src.edit_view(x, y, "") for x, y in spans]
    return Injection(edits, f"delete {len(spans)} fee sentence(s) of section 六", ["XS-FEE-R22", "Q-SEC6-EMPTY"])


@kind("sec6_empty", "Q-SEC6-EMPTY", 2, needs_silent=True)
def k_sec6_empty(src: Source, rng: random.Random, i: int) -> Injection:
    """Replace section 六 with '无。' (no fee statement)."""
    if src.report.section(6) is None:
        raise Skip("no section 六")
    text = _texts()["sec6_empty"][(i + rng.randrange(3)) % 3]
    return Injection([src.body_edit(6, text)], f"section 六 -> {text}", ["XS-FEE-R22", "Q-SEC6-FEE", "STR-GOV-EXTRA"])


@kind("fmt2019_labels", "STR-TEMPLATE-VERSION", 1, needs_silent=True)
def k_fmt2019_labels(src: Source, rng: random.Random, i: int) -> Injection:
    """Print the FMT-2019 table-2 column labels (本年新制作数量…) in a 2021+ report."""
    t2 = src.report.t2
    if not t2.ok or t2.line_start is None:
        raise Skip("table 2 is not parsed")
    edits = []
    start = src.line_compact(t2.line_start)
    for old, new in _texts()["fmt2019_t2_labels"].items():
        ci = src.view.compact.find(old, start)
        if ci < 0:
            raise Skip(f"label {old} not found")
        edits.append(src.edit_compact(ci, ci + len(old), new))
    # table 2 is then read with the FMT-2019 columns: its cells land in other columns (blank, decimal, token cells)
    # (a row printing fewer values than the FMT-2019 columns cannot be placed: PARSE-DOUBTFUL may say so)
    also = [
        "STR-LABELS-EXACT",
        "CELL-BLANK",
        "CELL-NONINT",
        "CELL-NONNUM",
        "CELL-NEG",
        "XS-NARR-T2",
        "T2-INFORCE-GE-ISSUED",
        "PL-T2-RULES",
        "PARSE-DOUBTFUL",
    ]
    return Injection(edits, "table-2 column labels of FMT-2019", also, free_tables=("t2",))


@kind("fmt2019_basis", "STR-TEMPLATE-VERSION", 1, needs_silent=True)
def k_fmt2019_basis(src: Source, rng: random.Random, i: int) -> Injection:
    """Cite the superseded format notice 国办公开办函〔2019〕60号 as the basis of a 2021+ report."""
    ci = src.view.compact.find("2021〕30号")
    if ci < 0:
        ci = src.view.compact.find("2021)30号")
    if ci >= 0:
        return Injection(
            [src.edit_compact(ci, ci + 4, "2019"), src.edit_compact(ci + 5, ci + 7, "60")],
            "basis 〔2021〕30号 -> 〔2019〕60号",
            [],
        )
    return Injection([_insert_after_title(src, _texts()["fmt2019_basis"])], "preamble cites 〔2019〕60号", [])


def _sec5(src: Source, rng: random.Random, i: int, key: str, note: str) -> Injection:
    if src.report.section(5) is None:
        raise Skip("no section 五")
    options = _texts()[key]
    text = options[(i + rng.randrange(len(options))) % len(options)]
    return Injection([src.body_edit(5, text)], note + f": {text[:24]}…", ["Q-SEC5-CORRECTED-CASES"])


@kind("sec5_stock", "Q-SEC5-SPECIFIC", 2, needs_silent=True)
def k_sec5_stock(src: Source, rng: random.Random, i: int) -> Injection:
    """Replace section 五 with stock phrases (认识有待提高, 进一步加强 …) and no concrete measure."""
    return _sec5(src, rng, i, "sec5_stock", "section 五 -> stock phrases")


@kind("sec5_no_improvements", "Q-SEC5-BOTH", 1, needs_silent=True)
def k_sec5_no_improvements(src: Source, rng: random.Random, i: int) -> Injection:
    """Section 五 lists problems only (improvements deleted)."""
    return _sec5(src, rng, i, "sec5_problems_only", "section 五 -> problems only")


@kind("sec5_no_problems", "Q-SEC5-BOTH", 1, needs_silent=True)
def k_sec5_no_problems(src: Source, rng: random.Random, i: int) -> Injection:
    """Section 五 lists measures only (problems deleted)."""
    return _sec5(src, rng, i, "sec5_improvements_only", "section 五 -> measures only")


@kind("sign_office", "Q-NAME-CONSISTENCY", 2, needs_silent=True)
def k_sign_office(src: Source, rng: random.Random, i: int) -> Injection:
    """Another organ's name in the signature (text copied from another organ's report)."""
    from reviewer.parse.meta import same_office, title_year_office

    s = src.report.sign_date
    office = (s or {}).get("office", "")
    _, title_office = title_year_office(src.report.title)
    if not office or not title_office:
        raise Skip("no signature office or no office in the title")
    di = src.view.compact.rfind(s["quote"])
    oi = src.view.compact.rfind(_norm(office), 0, di)
    if di < 0 or oi < 0 or di - (oi + len(office)) > 4:
        raise Skip("signature office not found before the date")
    names = [n for n in _texts()["other_organs"] if not same_office(n, title_office) and not same_office(n, office)]
    new = names[(i + rng.randrange(len(names))) % len(names)]
    return Injection([src.edit_compact(oi, oi + len(office), new)], f"signature {office} -> {new}", [])


@kind("part_claim", "STR-PART-COUNT-CLAIM", 2, needs_silent=True)
def k_part_claim(src: Source, rng: random.Random, i: int) -> Injection:
    """A preamble that claims six parts but lists five (one part left out)."""
    texts = _texts()
    parts = list(texts["part_claim_parts"])
    drop = rng.choice([3, 3, 4, 1])
    listed = parts[:drop] + parts[drop + 1 :]
    first = src.report.section(1)
    limit = src.view.to_compact(first.offset) if first else 600
    m = re.search(r"(?:由|包括|分为|包含)(?P<list>[^。]{4,120}?)(?:等)?(?:六|6)个?部分", src.view.compact[:limit])
    if m and i % 2 == 0:
        items = list(re.finditer(r"[^、，,]+", m.group("list")))
        keys = {1: ("复议", "诉讼"), 4: ("问题", "改进"), 3: ("复议", "诉讼"), 2: ("申请",)}[
            drop if drop in (1, 3, 4) else 3
        ]
        hits = [it for it in items if any(k in it.group(0) for k in keys)]
        hit = hits[0] if hits else None
        if hit is not None:
            a = m.start("list") + hit.start()
            b = m.start("list") + hits[-1].end()
            if src.view.compact[b : b + 1] in ("、", "，", ","):
                b += 1
            elif src.view.compact[a - 1 : a] in ("、", "，", ","):
                a -= 1
            return Injection([src.edit_compact(a, b, "")], f"preamble claim: dropped '{src.view.compact[a:b]}'", [])
    form = texts["part_claim_forms"][i % len(texts["part_claim_forms"])]
    sentence = form.format(parts="、".join(listed))
    return Injection([_insert_after_title(src, sentence)], f"preamble claim without '{parts[drop]}'", [])


@kind("residue", "STR-NO-TEMPLATE-RESIDUE", 2, needs_silent=True)
def k_residue(src: Source, rng: random.Random, i: int) -> Injection:
    """Leave a drafting note or placeholder (编写说明, XX局, ××, （此处填写…）) in the report."""
    residues = _texts()["residue"]
    text = residues[(i + rng.randrange(len(residues))) % len(residues)]
    where = rng.choice([3, 6, 1])
    if src.report.section(where) is None:
        raise Skip(f"no section {where}")
    a, b = src.heading_span(where)
    oa = src.to_orig(b)
    if src.glued:
        edit = Edit(oa, "", "\u3000\u3000" + text + "\u3000\u3000")
    else:
        nl = _LINE_BREAK.search(src.text, oa)
        at = nl.start() if nl else len(src.text)
        edit = Edit(at, "", "\n" + text)
    # text added to a section 六 that only said "无" turns Q-SEC6-EMPTY into Q-SEC6-FEE (still no fee statement)
    also = ["Q-SEC6-FEE"] if where == 6 and _fires(src, "Q-SEC6-EMPTY") else []
    return Injection([edit], f"residue after heading {where}: {text[:16]}", also)


@kind("fee_r22", "XS-FEE-R22", 2, needs_silent=True)
def k_fee_r22(src: Source, rng: random.Random, i: int) -> Injection:
    """Requests dropped for unpaid fees (R22 > 0) while section 六 reports no fee notice."""
    t3 = src.report.t3
    if not t3.ok or "other_unpaid_fee" not in t3.rows:
        raise Skip("table 3 has no R22 row")
    from reviewer.checks import Context
    from reviewer.checks.crosssection import fee_figures

    notices = fee_figures(Context(report=src.report, figures=src.review.figures)).get("notice_count")
    if notices is not None and notices.value > 0:
        raise Skip("section 六 reports fee notices")
    donors = [
        (r, c)
        for r, c in _t3_cells(src, [x for x in _leaf_rows(src) if x != "other_unpaid_fee"], APPLICANT, lambda v: v >= 1)
    ]
    quiet = [(r, c) for r, c in donors if not _narrated(src, r)]
    r, c = rng.choice(quiet or donors)
    k = 1
    ch = {
        ("t3", r, c): _num(src, "t3", r, c) - k,
        ("t3", r, "total"): _num(src, "t3", r, "total") - k,
        ("t3", "other_unpaid_fee", c): _num(src, "t3", "other_unpaid_fee", c) + k,
        ("t3", "other_unpaid_fee", "total"): _num(src, "t3", "other_unpaid_fee", "total") + k,
    }
    also = ["XS-NARR-T3"] if (r, c) not in quiet else []
    return Injection(
        src.edits_for({key: _fmt(v) for key, v in ch.items()}),
        f"move {k} request from t3.{r}.{c} to R22 (unpaid fee)",
        also + ["PL-OTHER-HANDLING", "PL-DENIAL-SHARE"],
        ch,
    )


@kind("t2_inforce", "T2-INFORCE-GE-ISSUED", 1, needs_silent=True)
def k_t2_inforce(src: Source, rng: random.Random, i: int) -> Injection:
    """现行有效件数 below 本年制发 − 本年废止 (documents issued this year missing from the stock)."""
    row = "normative_documents"
    vals = {c: _num(src, "t2", row, c) for c in ("issued", "repealed", "in_force")}
    if None in vals.values():
        raise Skip("table-2 document row not numeric")
    issued, repealed, in_force = vals["issued"], vals["repealed"], vals["in_force"]
    if issued - repealed >= 1:
        new = {"in_force": max(0, issued - repealed - rng.choice([1, 2]))}
    else:
        new = {"issued": in_force + repealed + rng.choice([1, 2, 5])}
    ch = {("t2", row, c): v for c, v in new.items()}
    return Injection(
        src.edits_for({k: _fmt(v) for k, v in ch.items()}),
        f"t2.{row} " + ", ".join(f"{c} -> {_fmt(v)}" for c, v in new.items()),
        ["XS-NARR-T2"],
        ch,
    )


@kind("table_replaced", "STR-TABLES-PRESENT", 2, needs_silent=True)
def k_table_replaced(src: Source, rng: random.Random, i: int) -> Injection:
    """Replace table 4 (or table 2) by a sentence."""
    name = ["t4", "t2"][(i + rng.randrange(2)) % 2]
    n = {"t2": 2, "t4": 4}[name]
    if not src.table(name).ok:
        raise Skip(f"{name} is not parsed")
    return Injection(
        [src.body_edit(n, _texts()["table_replacements"][name])],
        f"{name} replaced by a sentence",
        ["STR-TABLE-IMAGE", "CELL-BLANK", "XS-NARR-T2", "XS-NARR-T4"],
        free_tables=(name,),
    )


@kind("second_numbering", "STR-SECTION-ORDER", 1, needs_silent=True)
def k_second_numbering(src: Source, rng: random.Random, i: int) -> Injection:
    """Section 一's sub-headings numbered 一、二、… like top-level headings (two numbering schemes)."""
    if src.glued:
        raise Skip("flattened text: sub-headings are not at line starts")
    sec = src.report.section(1)
    if sec is None:
        raise Skip("no section 一")
    edits = []
    for idx in range(sec.line, sec.end_line + 1):
        ln = src.report.lines[idx - 1]
        m = re.match(r"^(\s*(?:#+\s*)?)[(（]([一二三四五六七八九十])[)）]", ln.text)
        if m:
            cm = src.colmaps[idx - 1]
            if cm is None:
                raise Skip("line not mappable")
            a = src.line_starts[idx - 1] + cm[m.start(2) - 1]
            b = src.line_starts[idx - 1] + cm[m.end(2) + 1]
            edits.append(Edit(a, src.text[a:b], m.group(2) + "、"))
    if len(edits) < 2:
        raise Skip("section 一 has fewer than two sub-headings at line starts")
    return Injection(edits, f"{len(edits)} sub-headings of section 一 renumbered 一、二、…", ["STR-HEADING-NUMBER"])


# ------------------------------------------------------------------------------------------------ sources
#: Real reports WITH gold known anomalies that are still used as sources, because no clean report has their layout
#: (one cell per line with blank slot lines, parser layout "slots"). Their anomalies are not table arithmetic; a kind
#: whose rule is one of their known anomalies is skipped (recorded), and they do not count as clean reports.
LAYOUT_SOURCES = ("2022_hebei-jyt.txt", "2023_hebei-jyt.txt")
#: Fixture layouts that are not text (edited as decoded text they would no longer be the same file format).
STRUCTURED_LAYOUTS = ("word-fragment", "word-html", "pdf-noborder")


def clean_sources(shared: Path | None = None) -> list[tuple[str, Path]]:
    """``(source id, path)`` of every report usable for injection: clean fixtures, clean real reports (text formats),
    then :data:`LAYOUT_SOURCES`."""
    out: list[tuple[str, Path]] = []
    for name, entry in sorted(manifest().items()):
        if entry.get("layout") in STRUCTURED_LAYOUTS:
            continue  # HTML and PDF fixtures: text edits do not apply (the variants suite covers them)
        if entry.get("is_report") and not entry.get("expected") and (FIXTURES / name).is_file():
            out.append((f"fixtures/{name}", FIXTURES / name))
    shared = shared or shared_dir()
    real = shared / "corpus" / "real"
    if real.is_dir():
        extra = []
        for path in sorted(real.iterdir()):
            if not path.name.endswith((".txt", ".md")) or path.name == "SOURCES.md":
                continue
            sid = f"shared:corpus/real/{path.name}"
            gold = _gold(path, shared)
            if gold is None:
                continue
            if not gold.get("known_anomalies"):
                out.append((sid, path))
            elif path.name in LAYOUT_SOURCES:
                extra.append((sid, path))
        out += extra
    return out


def _gold(path: Path, shared: Path) -> dict[str, Any] | None:
    from reviewer.goldcompare import gold_path_for, load_gold

    gp = gold_path_for(path, shared / "corpus" / "gold")
    return load_gold(gp) if gp.is_file() else None


def known_rules(sid: str, shared: Path | None = None) -> set[str]:
    """Rule IDs of the gold ``known_anomalies`` of a source (empty for fixtures and clean real reports)."""
    if not sid.startswith("shared:"):
        return set()
    gold = _gold(resolve_source(sid, shared), shared or shared_dir())
    return {a["rule"] for a in (gold or {}).get("known_anomalies", [])}


def resolve_source(sid: str, shared: Path | None = None) -> Path:
    if sid.startswith("shared:"):
        return (shared or shared_dir()) / sid[len("shared:") :]
    return FIXTURES.parent / sid


# ------------------------------------------------------------------------------------------------ validation
def _table_values(report) -> dict[tuple[str, str, str], Any]:
    out = {}
    for name in ("t2", "t3", "t4"):
        t = getattr(report, name)
        if not t.ok:
            out[(name, "*", "status")] = t.status
            continue
        for r, cols in t.rows.items():
            for c, cell in cols.items():
                out[(name, r, c)] = cell.gold()
    return out


def validate(src: Source, inj: Injection, review) -> str:
    """'' when the injected report parses as intended, else the reason (tables or sections changed otherwise)."""
    before = _table_values(src.report)
    after = _table_values(review.report)
    free = {t for t in inj.free_tables if not t.startswith("t3row:")}
    dropped = {t.split(":", 1)[1] for t in inj.free_tables if t.startswith("t3row:")}
    diffs = []
    for key in set(before) | set(after):
        t, r, c = key
        if t in free:
            continue
        want = inj.cells.get(key, before.get(key, "<absent>"))
        if r in dropped and t == "t3":
            want = inj.cells.get(key, before.get(key))
        got = after.get(key, "<absent>")
        if want != got and not (
            isinstance(want, (int, float)) and isinstance(got, (int, float)) and abs(want - got) < 1e-9
        ):
            diffs.append(f"{t}.{r}.{c}: want {want!r} got {got!r}")
    if dropped:
        r = next(iter(dropped))
        if not any(n.startswith(f"row {r} ") for n in review.report.t3.notes):
            diffs.append(f"row {r} still found")
    if not inj.sections_change:
        if [s.number for s in src.report.sections] != [s.number for s in review.report.sections]:
            diffs.append("sections changed")
    if diffs:
        return "parse of the edited text differs from the intended one: " + "; ".join(sorted(diffs)[:3])
    return ""


# ------------------------------------------------------------------------------------------------ generation
def generate(
    seed: int = DEFAULT_SEED,
    shared: Path | None = None,
    sources: list[tuple[str, Path]] | None = None,
    kinds: list[str] | None = None,
) -> list[Case]:
    """All cases (kept and skipped) for ``seed``; deterministic for a given seed, sources and parser."""
    cases: list[Case] = []
    for sid, path in sources if sources is not None else clean_sources(shared):
        src = Source(path, sid)
        short = Path(sid).name
        known = known_rules(sid, shared)
        for k in KINDS:
            if kinds is not None and k.name not in kinds:
                continue
            rng = random.Random(f"{seed}/{sid}/{k.name}")
            seen: set[tuple] = set()
            for i in range(k.variants):
                cid = f"{short}:{k.name}:{i}"
                case = Case(cid, sid, k.name, k.expect)
                if k.expect in known:
                    case.skip = f"{k.expect} is a known anomaly of this report (gold)"
                    cases.append(case)
                    break
                if k.needs_silent and _fires(src, k.expect):
                    case.skip = f"{k.expect} already fires on the clean original"
                    cases.append(case)
                    break
                try:
                    inj = k.gen(src, rng, i)
                except Skip as exc:
                    case.skip = str(exc)
                    cases.append(case)
                    break
                sig = tuple((e.at, e.old, e.new) for e in inj.edits)
                if sig in seen:
                    continue  # the same defect twice adds nothing
                seen.add(sig)
                case.edits = inj.edits
                case.note = inj.note
                case.also = sorted(set(inj.also) - {k.expect})
                try:
                    text = apply_edits(src.text, inj.edits)
                    review = review_bytes(encode(text, src.encoding), str(path))
                except (ValueError, UnicodeEncodeError) as exc:
                    case.skip = f"edit failed: {exc}"
                    case.edits = []
                    cases.append(case)
                    continue
                reason = validate(src, inj, review)
                if reason:
                    case.skip = reason + (" (glued digits: the edited run splits differently)" if src.glued else "")
                    case.edits = []
                cases.append(case)
    return cases


def load_cases(path: Path = CASES_FILE) -> list[dict[str, Any]]:
    """The committed dataset (one JSON object per line; ``#`` lines are comments)."""
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(json.loads(line))
    return out


def write_cases(cases: list[Case], seed: int, path: Path = CASES_FILE) -> None:
    header = {
        "#": "rules-suite dataset generated by `python -m evals.inject --write`",
        "seed": seed,
        "cases": sum(1 for c in cases if not c.skip),
        "skipped": sum(1 for c in cases if c.skip),
        "kinds": {k.name: {"expect": k.expect, "doc": k.doc} for k in KINDS},
    }
    lines = ["# " + json.dumps(header, ensure_ascii=False)]
    lines += [json.dumps(c.to_json(), ensure_ascii=False, separators=(",", ":")) for c in cases]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def dataset_seed(path: Path = CASES_FILE) -> int:
    if path.is_file():
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        if first.startswith("# "):
            try:
                return int(json.loads(first[2:]).get("seed", DEFAULT_SEED))
            except (ValueError, AttributeError):
                pass
    return DEFAULT_SEED


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate the rules-suite injection cases.")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--write", action="store_true", help=f"write {CASES_FILE.relative_to(FIXTURES.parent)}")
    ap.add_argument("--kind", action="append", help="only these kinds")
    args = ap.parse_args(argv)
    cases = generate(args.seed, kinds=args.kind)
    kept = [c for c in cases if not c.skip]
    print(
        f"{len(kept)} cases, {len(cases) - len(kept)} skipped, {len({c.expect for c in kept})} rule IDs",
        file=sys.stderr,
    )
    if args.write:
        write_cases(cases, args.seed)
    else:
        for c in cases:
            print(json.dumps(c.to_json(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = [
    "Case",
    "Edit",
    "KINDS",
    "Source",
    "apply_edits",
    "clean_sources",
    "encode",
    "generate",
    "load_cases",
    "review_bytes",
    "write_cases",
]
