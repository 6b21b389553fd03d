"""The synthetic report generator (benchmarks/synth.py) against the reviewer, and the generator on its own.

60 generated reports are parsed and reviewed: (a) every table cell equals the manifest's gold tables, (b) every
planted single-report defect is found under its rule ID, (c) a report without a planted single-report defect gets
no error finding. XY-CARRY and Q-SEC5-COPY-PREV need the batch's cross-year layer and are skipped here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import synth
from reviewer.goldcompare import compare_tables
from reviewer.parse.split import split_tokens
from reviewer.pipeline import review_file

#: Seed whose 60 reports cover every layout, both templates and every planted defect type.
SEED = 4
N = 60
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("synth")
    return out, synth.generate(out, N, seed=SEED)


@pytest.fixture(scope="module")
def reviews(corpus: tuple[Path, list[dict]]) -> dict[str, object]:
    out, records = corpus
    return {r["file"]: review_file(out / r["file"]) for r in records}


def _single(rec: dict) -> list[dict]:
    return [d for d in rec["defects"] if d["rule"] not in synth.CROSS_YEAR_RULES]


def test_manifest_and_files(corpus: tuple[Path, list[dict]]) -> None:
    out, records = corpus
    assert len(records) == N
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x) for x in lines] == records
    assert sorted(p.name for p in out.iterdir() if p.name != "manifest.jsonl") == sorted(r["file"] for r in records)
    for r in records:
        assert re.fullmatch(r"r\d{5}_(tab|glued|spaced|markdown|oneline)\.(txt|md)", r["file"])
        assert r["file"].endswith(".md") == (r["layout"] == "markdown")
        assert r["template"] == ("FMT-2019" if r["year"] <= 2020 else "FMT-2021")
    # the chosen seed exercises everything the review test below checks
    rules = Counter(d["rule"] for r in records for d in r["defects"])
    missing = [x for x in synth.SINGLE_DEFECTS + synth.CROSS_YEAR_RULES if not rules[x]]
    assert not missing, f"seed {SEED} no longer plants {missing}; pick another seed"
    assert {r["layout"] for r in records} == set(synth.LAYOUTS)
    assert {r["template"] for r in records} == {"FMT-2019", "FMT-2021"}


def test_tables_parse_exactly(corpus: tuple[Path, list[dict]], reviews: dict) -> None:
    """(a) every printed cell comes back as in the manifest (blank stays blank) — clean and defect reports alike."""
    _, records = corpus
    failures = []
    for r in records:
        result = compare_tables(r["tables"], reviews[r["file"]].report.gold_view())
        if result.mismatches:
            failures.append((r["file"], [d["rule"] for d in r["defects"]], result.mismatches[:5]))
    assert not failures, failures


def test_planted_defects_are_found(corpus: tuple[Path, list[dict]], reviews: dict) -> None:
    """(b) every planted single-report defect appears under its rule ID."""
    _, records = corpus
    missed = []
    for r in records:
        found = {f.rule for f in reviews[r["file"]].findings}
        for d in _single(r):
            if d["rule"] not in found:
                missed.append((r["file"], d, sorted(found)))
    assert not missed, missed


def test_reports_without_planted_defects_have_no_errors(corpus: tuple[Path, list[dict]], reviews: dict) -> None:
    """(c) no error finding on a report without a planted single-report defect (cross-year-only ones included)."""
    _, records = corpus
    clean = [r for r in records if not _single(r)]
    assert len(clean) >= N // 2
    errors = []
    for r in clean:
        errs = [(f.rule, f.message) for f in reviews[r["file"]].findings if f.severity.value == "error"]
        if errs:
            errors.append((r["file"], r["layout"], errs))
    assert not errors, errors


def test_defect_reports_have_no_unplanned_errors(corpus: tuple[Path, list[dict]], reviews: dict) -> None:
    """A planted defect adds its own finding (and its recorded downstream ones) and no other error."""
    _, records = corpus
    extra = []
    for r in records:
        allowed = {d["rule"] for d in r["defects"]} | {d["rule"] for d in r["downstream"]}
        extra += [
            (r["file"], f.rule, f.message)
            for f in reviews[r["file"]].findings
            if f.severity.value == "error" and f.rule not in allowed
        ]
    assert not extra, extra


# ------------------------------------------------------------------------------------------------ generator only
def _num(v: object) -> int | float:
    return v if isinstance(v, (int, float)) else 0


def test_generator_identities_carry_and_narrative(tmp_path: Path) -> None:
    """Clean tables satisfy every identity; consecutive years carry over; quote hints are in the text."""
    records = synth.generate(tmp_path, 300, seed=11)
    by_file = {r["file"]: r for r in records}
    for r in records:
        t3, t4 = r["tables"]["t3"], r["tables"]["t4"]
        planted = {d["rule"] for d in r["defects"]}
        keys = list(t3)
        results = keys[2 : keys.index("total_processed")]
        for col in (
            "natural_person",
            "commercial",
            "research",
            "public_interest",
            "legal_service",
            "other_org",
            "total",
        ):
            col_v = {k: _num(t3[k][col]) for k in keys}
            assert col_v["new_received"] + col_v["carried_over"] == col_v["total_processed"] + col_v["carried_forward"]
            if "T3-ROW-SUM" not in planted:
                assert sum(col_v[k] for k in results) == col_v["total_processed"], (r["file"], col)
        for k, row in t3.items():
            if "T3-ROW-SUM" not in planted:
                assert sum(_num(row[c]) for c in list(row)[:6]) == row["total"], (r["file"], k)
        for b, blk in t4.items():
            if "T4-SUM" not in planted:
                assert blk["upheld"] + blk["corrected"] + blk["other_result"] + blk["pending"] == blk["total"], (
                    r["file"],
                    b,
                )
        if r["prev_file"]:
            prev = by_file[r["prev_file"]]
            assert prev["office"] == r["office"] and prev["year"] == r["year"] - 1
            last = [prev["tables"]["t3"]["carried_forward"][c] for c in t3["carried_over"]]
            now = [t3["carried_over"][c] for c in t3["carried_over"]]
            assert (now != last) == ("XY-CARRY" in planted), r["file"]
            if r["template"] == prev["template"] == "FMT-2021":
                for row in ("rules", "normative_documents"):
                    a, b = r["tables"]["t2"][row], prev["tables"]["t2"][row]
                    assert a["in_force"] == b["in_force"] + a["issued"] - a["repealed"]
        text = re.sub(r"\s+|- \d+ -", "", (tmp_path / r["file"]).read_text(encoding="utf-8"))
        for fig in r["narrative_figures"]:
            assert fig["quote_hint"] in text, (r["file"], fig)


def test_glued_rows_split_uniquely(tmp_path: Path) -> None:
    """In glued reports exactly one split of each table-3 row satisfies its row total (split_tokens)."""
    records = synth.generate(tmp_path, 120, seed=5, formats=("glued",))
    assert {r["layout"] for r in records} == {"glued"}
    for r in records:
        planted = {d["where"].split(".")[1] for d in r["defects"] if d["rule"] == "T3-ROW-SUM"}
        for key, row in r["tables"]["t3"].items():
            if key in planted:
                continue
            run = "".join(str(v) for v in row.values())
            splits = split_tokens([run], 7, accept=lambda c: sum(int(x) for x in c[:6]) == int(c[6]))
            assert len(splits) == 1, (r["file"], key, run, splits)


def test_deterministic_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    synth.generate(a, 40, seed=3)
    synth.generate(b, 40, seed=3)
    files = sorted(p.name for p in a.iterdir())
    assert files == sorted(p.name for p in b.iterdir())
    for name in files:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    c = tmp_path / "c"
    synth.generate(c, 40, seed=4)
    assert (c / "manifest.jsonl").read_bytes() != (a / "manifest.jsonl").read_bytes()


def test_cli(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.synth", str(out), "--n", "7", "--seed", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert len((out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()) == 7
