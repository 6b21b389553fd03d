"""The eval suite (issue 4): a deterministic injection engine, >= 20 rule IDs, and `reviewer eval` exit codes
(0 when every threshold is met, 3 when a rule is broken and named, 2 when the suite cannot run)."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, ROOT, needs_shared
from typer.testing import CliRunner

from evals import inject, runner
from reviewer.checks import RULES
from reviewer.checks.registry import Rule, finding
from reviewer.cli import app
from reviewer.template import T3_APPLICANT_KEYS

SOURCES = [
    ("fixtures/clean_tab_2023.txt", FIXTURES / "clean_tab_2023.txt"),
    ("fixtures/clean_spaced_2023.txt", FIXTURES / "clean_spaced_2023.txt"),
]
KINDS = ["t3_leaf_cell", "t4_total", "cell_nonnum", "narr_t3", "period", "sec5_stock", "heading_renumber"]


def _dump(cases: list[inject.Case]) -> list[str]:
    return [json.dumps(c.to_json(), ensure_ascii=False, sort_keys=True) for c in cases]


def test_injection_engine_is_deterministic_for_a_seed() -> None:
    first = _dump(inject.generate(7, sources=SOURCES, kinds=KINDS))
    second = _dump(inject.generate(7, sources=SOURCES, kinds=KINDS))
    assert first == second
    assert len([c for c in first if '"skip"' not in c]) >= 10
    other = _dump(inject.generate(8, sources=SOURCES, kinds=KINDS))
    assert other != first  # the seed drives the choices


def test_injected_text_parses_as_intended() -> None:
    """A kept case is validated: the edited cell reads the new value, the rest of the tables is unchanged."""
    src = inject.Source(FIXTURES / "clean_spaced_2023.txt", "fixtures/clean_spaced_2023.txt")
    case = next(c for c in inject.generate(3, sources=SOURCES[1:], kinds=["t3_leaf_cell"]) if not c.skip)
    edited = inject.apply_edits(src.text, case.edits)
    review = inject.review_bytes(inject.encode(edited, src.encoding), "x.txt")
    assert "T3-ROW-SUM" in {f.rule for f in review.findings if f.severity.value == "error"}
    assert not [f for f in src.review.findings if f.severity.value == "error"]


def test_committed_dataset_covers_at_least_20_rule_ids() -> None:
    records = inject.load_cases()
    kept = [r for r in records if "skip" not in r]
    assert len(kept) >= 300  # several hundred cases
    assert len({r["expect"] for r in kept}) >= 20
    assert all(r["skip"].strip() for r in records if "skip" in r)  # every exclusion carries its reason
    # the fixture cases still apply to the fixtures as committed
    texts: dict[str, str] = {}
    for r in kept:
        if r["source"].startswith("fixtures/"):
            if r["source"] not in texts:
                texts[r["source"]] = inject.Source(inject.resolve_source(r["source"]), r["source"]).text
            inject.apply_edits(texts[r["source"]], inject.Case.from_json(r, texts[r["source"]]).edits)


def _broken_row_sum(ctx):
    """T3-ROW-SUM with a bug: the 自然人 column is left out of the row sum."""
    t3 = ctx.report.t3
    if not t3.ok:
        return
    for row, cols in t3.rows.items():
        s = sum(cols[c].num() for c in T3_APPLICANT_KEYS if c != "natural_person")
        if s != cols["total"].num():
            yield finding(
                "T3-ROW-SUM", f"表三“{row}”行：各列之和为 {s}，总计列印为 {cols['total'].num()}。", where=f"t3.{row}"
            )


@needs_shared
def test_reviewer_eval_rules_exits_0_and_3_when_a_rule_is_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    cli = CliRunner()
    ok = cli.invoke(app, ["eval", "--suite", "rules"])
    assert ok.exit_code == 0, ok.output[-2000:]
    assert "thresholds met" in ok.output
    original = RULES["T3-ROW-SUM"]
    monkeypatch.setitem(
        RULES, "T3-ROW-SUM", Rule(original.id, original.severity, original.title, original.source, _broken_row_sum)
    )
    broken = cli.invoke(app, ["eval", "--suite", "rules"])
    assert broken.exit_code == 3, broken.output[-2000:]
    missed = broken.output.split("MISSED:")[-1]
    assert "recall [T3-ROW-SUM]" in missed


def test_reviewer_eval_exits_2_without_the_eval_suites(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["eval"])
    assert result.exit_code == 2
    assert "no eval suites" in result.output


def test_reviewer_eval_exits_2_without_the_corpus(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("REVIEWER_SHARED", str(tmp_path / "nowhere"))
    result = CliRunner().invoke(app, ["eval", "--suite", "parse"])
    assert result.exit_code == 2
    assert "cannot run" in result.output and "corpus" in result.output


def test_thresholds_file_is_valid_and_names_the_issue_targets() -> None:
    th = runner.load_thresholds()
    assert th["parse"]["min_cell_accuracy"] >= 0.99
    assert th["rules"]["min_recall"]["default"] >= 0.95 and th["rules"]["min_precision"]["default"] >= 0.95
    assert th["rules"]["max_false_errors_clean_report"]["default"] == 0
    assert th["memo"]["max_ungrounded_per_memo"]["default"] == 0
    assert th["rules"]["min_rule_ids_covered"] >= 20


def test_memo_groundedness_reads_figures_not_labels() -> None:
    from evals.suite_memo import numbers

    text = "- **XS-FEE-R22** 表三 `t3.other_unpaid_fee.total` 为 2，第 14 行；按国办公开办函〔2021〕30号（2019年试行格式，阈值 30%）FMT-2021"
    assert numbers(text) == {"2", "14"}
